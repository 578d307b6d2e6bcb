//! Conformance against a third-party server: Stoplight Prism serves each spec on 127.0.0.1,
//! validates every request the generated client sends, and answers from the spec — its examples,
//! then random schema-conformant bodies (`Prefer: dynamic=true`), then each declared error status
//! (`Prefer: code=…`). Every operation of both APIs is called in each mode.
//!
//! Needs Prism: `npm ci --prefix conformance` (scripts/test-all.sh does it).

#![allow(deprecated)]

use futures_util::future::BoxFuture;
use openrouter_langfuse::runtime::{Error, Response, RetryPolicy};
use openrouter_langfuse::{langfuse, openrouter};
use serde::de::DeserializeOwned;
use std::fmt::Debug;
use std::process::Stdio;
use std::time::Duration;

pub struct Clients {
    openrouter: openrouter::Client,
    langfuse: langfuse::Client,
}

pub struct Operation {
    api: &'static str,
    id: &'static str,
    error_statuses: &'static [u16],
    typed_errors: bool,
    /// The success answer can contain a property named `jsonPath` (see `every_operation_against_prism`).
    answer_has_json_path: bool,
    call: for<'a> fn(&'a Clients, Option<&'static str>) -> BoxFuture<'a, Outcome>,
}

#[derive(Debug)]
pub enum Outcome {
    Success { status: u16, rejected: Option<String> },
    ApiError { status: u16, typed_body: bool, rejected: Option<String> },
    DecodeError(String),
    /// Prism itself failed to produce an answer (its own problem+json error, not the spec's).
    PrismFailed(String),
    Other(String),
}

fn arg<T: DeserializeOwned>(json: &str) -> T {
    serde_json::from_str(json).unwrap_or_else(|e| panic!("sample argument {json} does not decode: {e}"))
}

/// Prism reports what it found wrong in `sl-violations`; only violations located in the request
/// mean the client sent something the spec does not allow (others are about Prism's own answer).
fn request_violations(headers: &openrouter_langfuse::runtime::HeaderMap) -> Option<String> {
    let text = headers.get("sl-violations")?.to_str().ok()?;
    let violations: Vec<serde_json::Value> = serde_json::from_str(text.trim_start_matches("Too many violations! ")).ok()?;
    let request: Vec<&serde_json::Value> = violations.iter().filter(|v| v["location"][0] == "request").collect();
    (!request.is_empty()).then(|| serde_json::to_string(&request).unwrap_or_default())
}

fn outcome<T, E: Debug>(result: Result<Response<T>, Error<E>>) -> Outcome {
    match result {
        Ok(response) => Outcome::Success {
            status: response.status.as_u16(),
            rejected: request_violations(&response.headers),
        },
        Err(Error::Api(e)) if String::from_utf8_lossy(&e.raw).contains("stoplight.io/prism/errors") => {
            Outcome::PrismFailed(String::from_utf8_lossy(&e.raw).chars().take(300).collect())
        }
        Err(Error::Api(e)) => Outcome::ApiError {
            status: e.status.as_u16(),
            typed_body: e.body.is_some(),
            rejected: request_violations(&e.headers),
        },
        Err(Error::Decode(e)) => Outcome::DecodeError(e.to_string()),
        Err(other) => Outcome::Other(other.to_string()),
    }
}

include!(concat!(env!("OUT_DIR"), "/conformance_calls.rs"));

/// A Prism process serving one spec; killed on drop.
struct Prism {
    child: tokio::process::Child,
    port: u16,
}

impl Drop for Prism {
    fn drop(&mut self) {
        let _ = self.child.start_kill();
    }
}

/// How long Prism may take to parse a spec and listen. Generous on purpose: on a 2-core machine
/// running other builds it has taken well over 30 s, and waiting longer costs nothing when it is
/// fast (the wait ends at its readiness line, or as soon as it exits).
const PRISM_START_LIMIT: Duration = Duration::from_secs(300);

/// The line Prism prints once it accepts requests.
const PRISM_READY: &str = "Prism is listening on";

async fn start_prism(spec: &std::path::Path) -> Prism {
    let binary = spec_tests::root().join("conformance/node_modules/.bin/prism");
    assert!(binary.exists(), "Prism is not installed: run `npm ci --prefix conformance` ({} is missing)", binary.display());
    // The port is chosen by binding port 0 and handed to Prism, so another process can take it in
    // between: that shows as EADDRINUSE in Prism's output, and a fresh port is tried.
    let mut last_log = String::new();
    for _ in 0..3 {
        let port = std::net::TcpListener::bind("127.0.0.1:0").unwrap().local_addr().unwrap().port();
        let started = std::time::Instant::now();
        match launch_prism(&binary, spec, port).await {
            Ok(prism) => {
                record_start(spec, started.elapsed());
                return prism;
            }
            Err(log) if log.contains("EADDRINUSE") => last_log = log,
            Err(log) => panic!("Prism ({}) did not become ready on port {port}. What it printed:\n{log}", spec.display()),
        }
    }
    panic!("Prism found its port taken three times. What it printed last:\n{last_log}");
}

/// How long each Prism took to become ready, appended to a log in the target directory: a test's
/// output is shown only when it fails, and how close a loaded machine comes to the start limit is
/// worth knowing before it is reached.
fn record_start(spec: &std::path::Path, took: Duration) {
    use std::io::Write;
    let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join("prism-starts.log");
    let line = format!("{}: ready after {:.1} s (limit {:?})\n", spec.file_name().unwrap_or_default().to_string_lossy(), took.as_secs_f64(), PRISM_START_LIMIT);
    let written = std::fs::OpenOptions::new().create(true).append(true).open(&log).and_then(|mut file| file.write_all(line.as_bytes()));
    if let Err(e) = written {
        eprintln!("could not record Prism's start time in {}: {e}", log.display());
    }
}

/// Starts Prism and waits for its readiness line (or an open port); on failure, what it printed.
async fn launch_prism(binary: &std::path::Path, spec: &std::path::Path, port: u16) -> Result<Prism, String> {
    use tokio::io::{AsyncBufReadExt, BufReader};
    let mut child = tokio::process::Command::new(binary)
        .args(["mock", "--host", "127.0.0.1", "--port", &port.to_string()])
        .arg(spec)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .kill_on_drop(true)
        .spawn()
        .expect("start prism");
    // Prism logs every request, so both pipes are drained for its whole life (a full pipe would
    // block it); only what it prints before it is ready is kept, for the failure message.
    let log = std::sync::Arc::new(std::sync::Mutex::new(String::new()));
    let ready = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    let stdout = child.stdout.take().expect("piped stdout");
    let stderr = child.stderr.take().expect("piped stderr");
    for pipe in [Box::new(stdout) as Box<dyn tokio::io::AsyncRead + Unpin + Send>, Box::new(stderr)] {
        let (log, ready) = (log.clone(), ready.clone());
        tokio::spawn(async move {
            let mut lines = BufReader::new(pipe).lines();
            while let Ok(Some(line)) = lines.next_line().await {
                if line.contains(PRISM_READY) {
                    ready.store(true, std::sync::atomic::Ordering::SeqCst);
                }
                if !ready.load(std::sync::atomic::Ordering::SeqCst) || line.contains(PRISM_READY) {
                    let mut log = log.lock().unwrap();
                    log.push_str(&line);
                    log.push('\n');
                }
            }
        });
    }
    let started = tokio::time::Instant::now();
    loop {
        if ready.load(std::sync::atomic::Ordering::SeqCst) || tokio::net::TcpStream::connect(("127.0.0.1", port)).await.is_ok() {
            return Ok(Prism { child, port });
        }
        if let Ok(Some(status)) = child.try_wait() {
            // Let the readers take in its last words.
            tokio::time::sleep(Duration::from_millis(200)).await;
            return Err(format!("{}\n(exited: {status})", log.lock().unwrap()));
        }
        if started.elapsed() > PRISM_START_LIMIT {
            return Err(format!("{}\n(still not listening after {:?})", log.lock().unwrap(), PRISM_START_LIMIT));
        }
        tokio::time::sleep(Duration::from_millis(200)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_operation_against_prism() {
    let dir = std::env::temp_dir().join(format!("conformance-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for input in spec_tests::inputs() {
        let (spec, _) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
        let doc = test_support::mock_spec::for_mock_server(&spec.json);
        std::fs::write(dir.join(format!("{}.json", input.name)), serde_json::to_vec(&doc).unwrap()).unwrap();
    }
    let (or_spec, lf_spec) = (dir.join("openrouter.json"), dir.join("langfuse.json"));
    let (or_server, lf_server) = tokio::join!(start_prism(&or_spec), start_prism(&lf_spec));
    let clients = Clients {
        openrouter: openrouter::Client::new(
            openrouter::Config::default()
                .with_base_url(format!("http://127.0.0.1:{}", or_server.port))
                .with_api_key("sk-or-test")
                .with_retry(RetryPolicy::none()),
        )
        .unwrap(),
        langfuse: langfuse::Client::new(
            langfuse::Config::default()
                .with_base_url(format!("http://127.0.0.1:{}", lf_server.port))
                .with_basic_auth("pk-lf-test", "sk-lf-test")
                .with_retry(RetryPolicy::none()),
        )
        .unwrap(),
    };

    negative_controls(or_server.port, lf_server.port).await;

    let operations = operations();
    let mut failures = Vec::new();
    for api in ["openrouter", "langfuse"] {
        let ops: Vec<&Operation> = operations.iter().filter(|o| o.api == api).collect();
        let (mut ok_static, mut ok_dynamic, mut errors_checked, mut prism_defects) = (0, 0, 0, 0);
        for op in &ops {
            for (mode, prefer) in [("static", None), ("dynamic", Some("dynamic=true"))] {
                match (op.call)(&clients, prefer).await {
                    Outcome::Success { rejected: None, .. } => {
                        if mode == "static" { ok_static += 1 } else { ok_dynamic += 1 }
                    }
                    // Prism's limitation, not the client's: its response generator (json-schema-faker)
                    // reads a property named `jsonPath` as its own `jsonPath` keyword and answers with
                    // the item's schema instead of a value, which rightly fails to decode.
                    Outcome::DecodeError(message) if mode == "dynamic" && op.answer_has_json_path && message.contains("invalid type: map") => {
                        prism_defects += 1
                    }
                    // Prism sometimes cannot generate a random answer for the largest unions
                    // (e.g. the 49-variant Responses output) and says so in its own error format.
                    Outcome::PrismFailed(_) if mode == "dynamic" => prism_defects += 1,
                    other => failures.push(clip(format!("{api} {} ({mode}): {other:?}", op.id))),
                }
            }
            for status in op.error_statuses {
                let prefer: &'static str = Box::leak(format!("code={status}").into_boxed_str());
                match (op.call)(&clients, Some(prefer)).await {
                    Outcome::ApiError { status: got, typed_body, rejected: None } if got == *status && (typed_body || !op.typed_errors) => errors_checked += 1,
                    other => failures.push(clip(format!("{api} {} (asked for {status}): {other:?}", op.id))),
                }
            }
        }
        eprintln!(
            "{api}: {} operations; 2xx decoded: {ok_static} with examples, {ok_dynamic} with dynamic bodies (+{prism_defects} dynamic answers Prism could not generate conformantly: its errors or non-conformant bodies, rejected); declared error statuses surfaced as typed API errors: {errors_checked}",
            ops.len()
        );
    }
    assert!(failures.is_empty(), "{} conformance failures:\n{}", failures.len(), failures.join("\n"));
}

/// Proves validation is on: requests that break the spec must be rejected, with Prism saying why.
async fn negative_controls(openrouter_port: u16, langfuse_port: u16) {
    let http = reqwest::Client::new();
    let cases = [
        (format!("http://127.0.0.1:{openrouter_port}/keys"), serde_json::json!({"name": 5}), false),
        (format!("http://127.0.0.1:{openrouter_port}/observability/destinations"), serde_json::json!({"type": "no-such-destination"}), false),
        (format!("http://127.0.0.1:{langfuse_port}/api/public/v2/datasets"), serde_json::json!({"name": 5}), true),
        (format!("http://127.0.0.1:{langfuse_port}/api/public/ingestion"), serde_json::json!({"batch": [{"type": "trace-create"}]}), true),
    ];
    for (url, body, basic) in cases {
        let request = http.post(&url).json(&body);
        let request = if basic { request.basic_auth("pk", Some("sk")) } else { request.bearer_auth("sk-or-test") };
        let response = request.send().await.expect("prism answers");
        let status = response.status().as_u16();
        let violations = request_violations(response.headers());
        assert!((400..500).contains(&status) && violations.is_some(), "Prism accepted an invalid request to {url} ({body}): status {status}");
    }
    eprintln!("negative controls: 4 invalid requests, 4 rejected by Prism's validator");
}

fn clip(text: String) -> String {
    match text.char_indices().nth(400) {
        Some((cut, _)) => format!("{}…", &text[..cut]),
        None => text,
    }
}
