//! Every Rust program in the facade's README, as a reader meets it: copied exactly as shown (no
//! rustdoc hidden lines: GitHub and the registry show the README as written), built outside this
//! workspace with zero warnings, and run against a loopback OpenRouter and Langfuse, the
//! streaming error path included. The observed programs' spans and scores must reach the loopback
//! Langfuse even when a program leaves `main` early with `?`.
//!
//! Ignored in the plain test run (it builds the generated crates in a program of its own);
//! `scripts/test-all.sh` runs it with `--ignored`.

use serde_json::{json, Value};
use spec_tests::otlp::{chunk, completion, sse, OPENROUTER_KEY, SCORES};
use spec_tests::server::{json, Received, Reply, Server};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;

const OTLP: &str = "/api/public/otel/v1/traces";

/// The README's Rust programs, in order, as written.
fn programs() -> Vec<String> {
    let readme = std::fs::read_to_string(spec_tests::root().join("generated/README.md")).unwrap();
    let mut programs = Vec::new();
    let mut current: Option<String> = None;
    for line in readme.lines() {
        match &mut current {
            None if line.starts_with("```rust") => current = Some(String::new()),
            None => {}
            Some(_) if line == "```" => programs.push(current.take().unwrap()),
            Some(program) => {
                program.push_str(line);
                program.push('\n');
            }
        }
    }
    programs
}

#[test]
fn the_readme_programs_are_shown_whole() {
    let programs = programs();
    assert!(programs.len() >= 9, "{} programs", programs.len());
    for program in &programs {
        assert!(program.contains("fn main()"), "a complete program:\n{program}");
        assert!(!program.lines().any(|line| line == "#" || line.starts_with("# ")), "a rustdoc hidden line, which the README shows as written:\n{program}");
    }
    let experiment = programs.iter().find(|p| p.contains(".experiment(")).expect("the experiment quickstart");
    assert!(experiment.lines().count() <= 20, "the experiment quickstart fits in 20 lines:\n{experiment}");
    assert!(experiment.contains(".shutdown().await?"), "it ends with shutdown():\n{experiment}");
    let observed: Vec<&String> = programs.iter().filter(|p| p.contains(".observed(")).collect();
    assert!(observed.len() >= 4, "the observation examples");
    for program in observed {
        assert!(program.contains(".shutdown().await?"), "an observation example ends with shutdown():\n{program}");
    }
}

/// The OpenRouter and Langfuse answers the programs need, by path; streams fail midway when
/// `failing` is set.
fn answer(request: &Received, failing: &AtomicBool) -> Reply {
    let path = request.target.split('?').next().unwrap_or_default();
    match (request.method.as_str(), path) {
        ("POST", "/chat/completions") if String::from_utf8_lossy(&request.body).contains("\"stream\":true") => {
            let mut last = chunk(json!({}), json!("stop"));
            last["usage"] = json!({"prompt_tokens": 12, "completion_tokens": 9, "total_tokens": 21, "cost": 0.0001});
            if failing.load(Ordering::SeqCst) {
                last["error"] = json!({"code": 502, "message": "Upstream provider disconnected"});
            }
            let events = sse(&[chunk(json!({"role": "assistant", "content": "Ferris "}), Value::Null), chunk(json!({"content": "crabs"}), Value::Null), last]);
            Reply::Chunks(vec![(Duration::ZERO, events), (Duration::ZERO, b"data: [DONE]\n\n".to_vec())])
        }
        ("POST", "/chat/completions") => {
            let mut body = completion();
            body["choices"][0]["message"]["content"] = json!("4, and it is not raining in Paris.");
            json(200, body)
        }
        ("GET", "/models") => json(200, models_example()),
        ("POST", OTLP) => Reply::Full(200, vec![("content-type", "application/x-protobuf".into())], Vec::new()),
        ("POST", SCORES) => json(200, json!({"id": "score-1"})),
        ("GET", "/api/public/v2/prompts/support-answer") => json(
            200,
            json!({"type": "chat", "name": "support-answer", "version": 3, "config": {}, "labels": ["production"], "tags": [],
                   "prompt": [{"role": "system", "content": "You help with {{product}}, in a {{tone}} tone."}, {"role": "user", "content": "How do I start?"}]}),
        ),
        ("GET", "/api/public/dataset-items") => {
            let item = |id: &str, expected: &str| {
                json!({"id": id, "status": "ACTIVE", "input": "2 + 2? And is it raining in Paris?", "expectedOutput": expected, "metadata": {},
                       "datasetId": "ds-1", "datasetName": "support-questions", "createdAt": "2026-12-01T10:00:00Z", "updatedAt": "2026-12-01T10:00:00Z", "mediaReferences": []})
            };
            json(200, json!({"data": [item("item-1", "4, and it is not raining in Paris."), item("item-2", "4, and it is not raining in Paris.")],
                             "meta": {"page": 1, "limit": 50, "totalItems": 2, "totalPages": 1}}))
        }
        ("POST", "/api/public/ingestion") => json(207, json!({"successes": [{"id": "event-1", "status": 201}, {"id": "event-2", "status": 201}, {"id": "event-3", "status": 201}], "errors": []})),
        ("GET", "/api/public/traces") => json(
            200,
            json!({"data": [{"id": "trace-1", "timestamp": "2026-12-07T10:00:00Z", "name": "support-chat", "htmlPath": "/project/p/traces/trace-1", "sessionId": null,
                             "release": null, "version": null, "userId": null, "tags": [], "public": false, "environment": "default"}],
                   "meta": {"page": 1, "limit": 50, "totalItems": 1, "totalPages": 1}}),
        ),
        _ => json(404, json!({"error": {"code": 404, "message": format!("no route for {} {}", request.method, request.target)}})),
    }
}

/// `GET /models` as the pinned spec's own example shows it, with one model of a long context.
fn models_example() -> Value {
    let input = spec_tests::inputs().into_iter().find(|input| input.name == "openrouter").expect("the OpenRouter pin");
    let (spec, _) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
    let mut models = spec.json.pointer("/paths/~1models/get/responses/200/content/application~1json/example").cloned().expect("the spec's /models example");
    models["data"][0]["context_length"] = json!(200_000);
    models
}

/// A scratch package outside the workspace holding each program as a binary, built once.
fn build(programs: &[String]) -> PathBuf {
    let root = spec_tests::root();
    let dir = std::env::temp_dir().join(format!("openrouter-langfuse-readme-programs-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("src/bin")).unwrap();
    // The README's dependency lines, with this checkout's path for the registry version.
    let manifest = format!(
        "[package]\nname = \"readme-programs\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\n\
         openrouter-langfuse = {{ path = {:?}, features = [\"observe\"] }}\n\
         tokio = {{ version = \"1\", features = [\"macros\", \"rt-multi-thread\"] }}\nserde_json = \"1\"\n\n[workspace]\n",
        root.join("generated").display().to_string()
    );
    std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
    std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    for (index, program) in programs.iter().enumerate() {
        std::fs::write(dir.join(format!("src/bin/program_{index}.rs")), program).unwrap();
    }
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = Command::new(cargo).args(["build", "--offline", "--bins"]).current_dir(&dir).env("CARGO_TARGET_DIR", root.join("target")).output().unwrap();
    let stderr = String::from_utf8_lossy(&built.stderr);
    assert!(built.status.success(), "the README's programs do not build:\n{stderr}");
    assert!(!stderr.contains("warning"), "the README's programs build with warnings:\n{stderr}");
    let _ = std::fs::remove_dir_all(&dir);
    root.join("target/debug")
}

fn run(bin: &Path, index: usize, server: &str) -> Output {
    Command::new(bin.join(format!("program_{index}")))
        .env_clear()
        .env("PATH", std::env::var("PATH").unwrap_or_default())
        .env("OPENROUTER_API_KEY", OPENROUTER_KEY)
        .env("OPENROUTER_BASE_URL", server)
        .env("LANGFUSE_PUBLIC_KEY", "pk-lf-readme")
        .env("LANGFUSE_SECRET_KEY", "sk-lf-readme")
        .env("LANGFUSE_BASE_URL", server)
        .output()
        .unwrap()
}

fn count(server: &Server, path: &str) -> usize {
    server.requests().iter().filter(|r| r.target == path).count()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: builds the README's programs outside the workspace; scripts/test-all.sh runs it with --ignored"]
async fn every_readme_program_builds_and_runs_against_loopback_servers() {
    let programs = programs();
    let bin = tokio::task::spawn_blocking({
        let programs = programs.clone();
        move || build(&programs)
    })
    .await
    .unwrap();
    let failing = Arc::new(AtomicBool::new(false));
    let server = Server::start({
        let failing = failing.clone();
        move |_, request| answer(request, &failing)
    })
    .await;
    for (index, program) in programs.iter().enumerate() {
        for fail_streams in [false, true] {
            let streams = program.contains("send_stream()");
            if fail_streams && !streams {
                continue;
            }
            failing.store(fail_streams, Ordering::SeqCst);
            server.received.lock().unwrap().clear();
            let output = tokio::task::spawn_blocking({
                let bin = bin.clone();
                let url = server.url.clone();
                move || run(&bin, index, &url)
            })
            .await
            .unwrap();
            let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
            let shown = format!("program {index} (streams failing: {fail_streams}):\n{program}\nstdout:\n{stdout}\nstderr:\n{stderr}");
            if fail_streams {
                assert!(!output.status.success(), "a mid-stream error ends the program with its error: {shown}");
                assert!(stderr.contains("Upstream provider disconnected"), "{shown}");
            } else {
                assert!(output.status.success(), "{shown}");
                assert!(!stdout.trim().is_empty(), "the program prints what it got: {shown}");
            }
            if program.contains(".observed(") {
                // Recorded calls reach Langfuse on every path: shutdown(), or the handle's drop
                // when `?` leaves main.
                assert!(count(&server, OTLP) > 0, "no span reached Langfuse: {shown}");
            }
            if program.contains("langfuse.score(") && !fail_streams {
                assert_eq!(count(&server, SCORES), 2, "{shown}");
            }
            if program.contains(".experiment(") {
                // Two items on two models: four item traces (a root and a generation each), each scored.
                assert!(count(&server, OTLP) > 0, "no span reached Langfuse: {shown}");
                assert_eq!(count(&server, SCORES), 4, "{shown}");
                assert!(stdout.contains("support-answers · anthropic/claude-sonnet-4"), "the comparison table: {shown}");
            }
        }
    }
}

/// `examples/compare_models.rs`, built in the workspace and run with a dataset name and two
/// models against the same loopback servers: the table, the Langfuse account, and the gate.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
#[ignore = "slow: builds an example; scripts/test-all.sh runs it with --ignored"]
async fn the_compare_models_example_runs_against_loopback_servers() {
    let root = spec_tests::root();
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let built = tokio::task::spawn_blocking(move || {
        Command::new(cargo).args(["build", "--offline", "-p", "openrouter-langfuse", "--features", "observe", "--example", "compare_models"]).current_dir(&root).output().unwrap()
    })
    .await
    .unwrap();
    assert!(built.status.success(), "{}", String::from_utf8_lossy(&built.stderr));
    let failing = Arc::new(AtomicBool::new(false));
    let server = Server::start(move |_, request| answer(request, &failing)).await;
    let bin = spec_tests::root().join("target/debug/examples/compare_models");
    for (minimum, passes) in [("0.5", true), ("1.5", false)] {
        server.received.lock().unwrap().clear();
        let url = server.url.clone();
        let bin = bin.clone();
        let output = tokio::task::spawn_blocking(move || {
            Command::new(bin)
                .args(["support-questions", "openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "--min-exact-match", minimum])
                .env_clear()
                .env("OPENROUTER_API_KEY", OPENROUTER_KEY)
                .env("OPENROUTER_BASE_URL", &url)
                .env("LANGFUSE_PUBLIC_KEY", "pk-lf-readme")
                .env("LANGFUSE_SECRET_KEY", "sk-lf-readme")
                .env("LANGFUSE_BASE_URL", &url)
                .output()
                .unwrap()
        })
        .await
        .unwrap();
        let (stdout, stderr) = (String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr));
        assert_eq!(output.status.success(), passes, "stdout:\n{stdout}\nstderr:\n{stderr}");
        assert!(stdout.contains("compare on support-questions · openai/gpt-4o-mini"), "{stdout}");
        assert!(stderr.contains("4/4 items done (0 failed)"), "{stderr}");
        // Two items on two models, two evaluators: eight scores; spans exported.
        assert_eq!(count(&server, SCORES), 8, "{stderr}");
        assert!(count(&server, OTLP) > 0);
        if !passes {
            assert!(stderr.contains("mean exact_match 1.000 is below 1.5"), "{stderr}");
        }
    }
}
