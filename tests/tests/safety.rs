//! Safety defects of issue 10, each against a loopback server: a path parameter cannot reach
//! another endpoint, server-sent numbers cannot panic the caller, bodies and streams are bounded in
//! memory and time, redirects cannot carry configured headers or bodies to another origin, secrets
//! stay out of Debug, and the usage of a stream that ends in an error reaches the user.

use futures_util::StreamExt;
use openrouter_langfuse::runtime::{Error, RetryPolicy};
use openrouter_langfuse::{langfuse, openrouter};
use serde_json::json;
use spec_tests::server::{json, Reply, Server};
use std::time::{Duration, Instant};

const KEY: &str = "sk-or-secret-123";

fn config(server: &Server) -> openrouter::Config {
    openrouter::Config::default().with_base_url(&server.url).with_api_key(KEY).with_retry(RetryPolicy::none())
}

fn client(server: &Server) -> openrouter::Client {
    openrouter::Client::new(config(server)).unwrap()
}

fn messages() -> Vec<openrouter::types::ChatMessage> {
    vec![openrouter::types::ChatUserMessage::new("hi").into()]
}

fn count_ok() -> Reply {
    json(200, json!({"data": {"count": 7}}))
}

// ---- 1. path traversal -------------------------------------------------------------------

#[tokio::test]
async fn dot_segments_and_empty_path_parameters_never_reach_another_endpoint() {
    let server = Server::start(|_, _| json(200, json!({"data": []}))).await;
    let client = client(&server);
    for hash in ["..", ".", ""] {
        let error = client.api_keys().get(hash).send().await.unwrap_err();
        match &error {
            Error::Request { message, .. } => assert!(message.contains("hash"), "the error names the parameter: {message}"),
            other => panic!("{hash:?}: expected a request error, got {other:?}"),
        }
    }
    let lf = langfuse::Client::new(langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk", "sk")).unwrap();
    assert!(matches!(lf.prompts().get("..").send().await, Err(Error::Request { .. })));
    assert_eq!(server.requests().len(), 0, "nothing may be sent: {:?}", server.requests().iter().map(|r| &r.target).collect::<Vec<_>>());
    // Dots inside a value, and values that spell a dot segment once decoded, stay in their segment.
    let _ = client.api_keys().get("a.b").send().await;
    let _ = client.api_keys().get("%2e%2e").send().await;
    let _ = client.api_keys().get("../credits").send().await;
    let targets: Vec<String> = server.requests().into_iter().map(|r| r.target).collect();
    assert_eq!(targets, ["/keys/a%2Eb", "/keys/%252e%252e", "/keys/%2E%2E%2Fcredits"]);
}

// ---- 2. server-supplied numbers ---------------------------------------------------------------

#[tokio::test]
async fn a_huge_retry_after_neither_panics_nor_sleeps() {
    // The first wait makes the call older than a second, so `elapsed + Retry-After` would overflow.
    let server = Server::start(|n, _| match n {
        0 => Reply::Full(503, vec![("retry-after", "1".into())], b"{}".to_vec()),
        _ => Reply::Full(503, vec![("retry-after", "18446744073709551615".into())], br#"{"error":{"code":503,"message":"busy"}}"#.to_vec()),
    })
    .await;
    let retry = RetryPolicy { max_retries: 5, initial_backoff: Duration::from_millis(10), max_backoff: Duration::from_millis(20), ..RetryPolicy::default() };
    let client = openrouter::Client::new(config(&server).with_retry(retry)).unwrap();
    let started = Instant::now();
    let call = tokio::spawn(async move { client.models().count().send().await });
    let outcome = tokio::time::timeout(Duration::from_secs(30), call).await.expect("the call must give up, not sleep");
    let error = outcome.expect("the call must not panic").unwrap_err();
    assert_eq!(error.status(), Some(503), "{error}");
    assert_eq!(server.requests().len(), 2);
    assert!(started.elapsed() < Duration::from_secs(20), "{:?}", started.elapsed());
}

#[tokio::test]
async fn a_retry_after_longer_than_the_cap_gives_up_at_once() {
    let server = Server::start(|_, _| Reply::Full(429, vec![("retry-after", "3600".into())], b"{}".to_vec())).await;
    let retry = RetryPolicy { max_retries: 3, max_elapsed: Duration::from_secs(24 * 3600), ..RetryPolicy::default() };
    let client = openrouter::Client::new(config(&server).with_retry(retry)).unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(20), client.models().count().send()).await.expect("no hour-long sleep");
    assert_eq!(outcome.unwrap_err().status(), Some(429));
    assert_eq!(server.requests().len(), 1);
}

// ---- 3. deadlines -------------------------------------------------------------------------------

#[tokio::test]
async fn a_keep_alive_only_stream_ends_at_its_idle_deadline() {
    let comments: Vec<(Duration, Vec<u8>)> = (0..200).map(|_| (Duration::from_millis(150), b": OPENROUTER PROCESSING\n\n".to_vec())).collect();
    let server = Server::start(move |_, _| Reply::Chunks(comments.clone())).await;
    let started = Instant::now();
    let stream = client(&server).chat().send(messages()).idle_timeout(Duration::from_secs(1)).send_stream().await.unwrap();
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(20), stream.collect::<Vec<_>>()).await.expect("comments must not keep a stream alive");
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(Error::Timeout { .. })), "{:?}", items[0]);
    assert!(started.elapsed() >= Duration::from_secs(1));
}

/// `Config::with_timeout` and the per-call `.timeout()` mean the same: the whole call, streams
/// included (issue 21: a keep-alive-only stream used to outlive the client's timeout).
#[tokio::test]
async fn the_clients_timeout_bounds_a_keep_alive_only_stream() {
    let comments: Vec<(Duration, Vec<u8>)> = (0..200).map(|_| (Duration::from_millis(150), b": OPENROUTER PROCESSING\n\n".to_vec())).collect();
    let server = Server::start(move |_, _| Reply::Chunks(comments.clone())).await;
    let client = openrouter::Client::new(config(&server).with_timeout(Duration::from_secs(1))).unwrap();
    let started = Instant::now();
    let stream = client.chat().send(messages()).send_stream().await.unwrap();
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(20), stream.collect::<Vec<_>>()).await.expect("the client's timeout must end the stream");
    assert_eq!(items.len(), 1);
    assert!(matches!(items[0], Err(Error::Timeout { .. })), "{:?}", items[0]);
    let elapsed = started.elapsed();
    assert!(elapsed >= Duration::from_secs(1) && elapsed < Duration::from_secs(10), "{elapsed:?}");
}

#[tokio::test]
async fn the_clients_timeout_bounds_an_ordinary_call_and_a_calls_own_overrides_it() {
    let server = Server::start(|_, _| Reply::Stall(Duration::from_secs(3), br#"{"data": {"count": 7}}"#.to_vec())).await;
    let client = openrouter::Client::new(config(&server).with_timeout(Duration::from_secs(1))).unwrap();
    let outcome = tokio::time::timeout(Duration::from_secs(20), client.models().count().send()).await.expect("bounded");
    assert!(matches!(outcome, Err(Error::Timeout { .. })), "{:?}", outcome.err());
    let longer = client.models().count().timeout(Duration::from_secs(10)).send().await;
    assert!(longer.is_ok(), "the call's own timeout replaces the client's: {:?}", longer.err());
}

#[tokio::test]
async fn a_stream_whose_headers_never_come_ends_at_its_deadline() {
    let server = Server::start(|_, _| Reply::Silent(Duration::from_secs(120))).await;
    let opening = client(&server).chat().send(messages()).idle_timeout(Duration::from_secs(1)).send_stream();
    let outcome = tokio::time::timeout(Duration::from_secs(20), opening).await.expect("the header wait must be bounded");
    assert!(matches!(outcome, Err(Error::Timeout { .. })), "{:?}", outcome.err());
}

#[test]
fn a_default_config_has_a_deadline() {
    assert!(openrouter::Config::default().timeout.is_some());
    assert!(langfuse::Config::default().timeout.is_some());
}

// ---- 4. redirects ---------------------------------------------------------------------------------

const CONFIGURED: [&str; 4] = ["authorization", "x-team-secret", "x-openrouter-title", "x-call-secret"];

#[tokio::test]
async fn a_cross_origin_redirect_carries_no_configured_header_and_no_body() {
    let other = Server::start(|_, _| count_ok()).await;
    let target = format!("{}/landing", other.url);
    let origin = Server::start(move |n, _| {
        let status = if n == 0 { 302 } else { 307 };
        Reply::Full(status, vec![("location", target.clone())], Vec::new())
    })
    .await;
    let config = config(&origin).with_header("X-Team-Secret", "team-secret-1").with_app_title("My App");
    let client = openrouter::Client::new(config).unwrap();
    let get = client.models().count().header("X-Call-Secret", "call-secret-2").send().await;
    let post = client.chat().send(messages()).header("X-Call-Secret", "call-secret-2").send().await;
    assert_eq!(origin.requests().len(), 2);
    for request in other.requests() {
        for name in CONFIGURED {
            assert_eq!(request.header(name), None, "{name} crossed to another origin on {} {}", request.method, request.target);
        }
        assert!(request.body.is_empty(), "a body crossed to another origin: {} bytes", request.body.len());
    }
    assert_eq!(get.map(|r| r.status.as_u16()).unwrap_or_else(|e| e.status().unwrap()), 302);
    assert_eq!(post.map(|_| 200).unwrap_or_else(|e| e.status().unwrap()), 307);
}

#[tokio::test]
async fn a_same_origin_redirect_is_still_followed() {
    let server = Server::start(|n, _| if n == 0 { Reply::Full(302, vec![("location", "/moved".into())], Vec::new()) } else { count_ok() }).await;
    let client = openrouter::Client::new(config(&server).with_header("X-Team-Secret", "team-secret-1")).unwrap();
    let response = client.models().count().send().await.unwrap();
    assert_eq!(response.data.count, 7);
    let requests = server.requests();
    assert_eq!(requests[1].target, "/moved");
    assert_eq!(requests[1].header("x-team-secret"), Some("team-secret-1"));
}

// ---- 5. secrets and header values -------------------------------------------------------------

#[tokio::test]
async fn a_user_set_authorization_header_is_redacted_in_debug() {
    let server = Server::start(|_, _| count_ok()).await;
    let config = config(&server).with_header("Authorization", "Bearer sk-custom-secret-789").with_header("X-Api-Key", "sk-other-secret-000");
    let client = openrouter::Client::new(config.clone()).unwrap();
    let call = client.models().count().header("authorization", "Bearer sk-call-secret-555");
    for text in [format!("{config:?}"), format!("{client:?}"), format!("{call:?}")] {
        for secret in ["sk-custom-secret-789", "sk-other-secret-000", "sk-call-secret-555", KEY] {
            assert!(!text.contains(secret), "{secret} leaked: {text}");
        }
    }
}

#[test]
fn an_api_key_with_a_line_break_fails_at_client_new_without_echoing_it() {
    let error = openrouter::Client::new(openrouter::Config::default().with_api_key("sk-or-abc\r\nX-Evil: 1")).unwrap_err().to_string();
    assert!(error.contains("API key"), "{error}");
    assert!(!error.contains("sk-or-abc") && !error.contains("Evil"), "{error}");
    let error = langfuse::Client::new(langfuse::Config::default().with_basic_auth("pk-lf\nx", "sk-lf-1")).unwrap_err().to_string();
    assert!(!error.contains("sk-lf-1"), "{error}");
    let error = openrouter::Client::new(openrouter::Config::default().with_header("X-Team", "a\nb-secret")).unwrap_err().to_string();
    assert!(error.contains("X-Team") && !error.contains("b-secret"), "{error}");
}

#[tokio::test]
async fn surrounding_whitespace_is_trimmed_from_the_api_key() {
    let server = Server::start(|_, _| count_ok()).await;
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key(format!("  {KEY}\t "));
    openrouter::Client::new(config).unwrap().models().count().send().await.unwrap();
    assert_eq!(server.requests()[0].header("authorization"), Some("Bearer sk-or-secret-123"));
}

#[tokio::test]
async fn an_invalid_per_call_header_is_a_clear_request_error() {
    let server = Server::start(|_, _| count_ok()).await;
    let error = client(&server).models().count().header("X-Trace", "a\r\nb-secret").send().await.unwrap_err();
    match &error {
        Error::Request { message, .. } => assert!(message.contains("X-Trace") && !message.contains("b-secret"), "{message}"),
        other => panic!("expected a request error, got {other:?}"),
    }
    assert_eq!(server.requests().len(), 0);
}

// ---- 6. a stream that ends in an error still delivers its usage ---------------------------------

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(spec_tests::root().join("tests/fixtures").join(name)).unwrap()
}

#[tokio::test]
async fn the_error_and_usage_chunk_gives_the_user_the_usage() {
    let body = fixture("openrouter_chat_stream_length_error_usage.sse");
    // Delivered in awkward pieces, as a network would.
    let pieces: Vec<(Duration, Vec<u8>)> = body.chunks(97).map(|c| (Duration::from_millis(2), c.to_vec())).collect();
    let server = Server::start(move |_, _| Reply::Chunks(pieces.clone())).await;
    let items: Vec<_> = client(&server).chat().send(messages()).send_stream().await.unwrap().collect().await;
    let text: String = items.iter().filter_map(|i| i.as_ref().ok()).flat_map(|c| c.choices.iter()).filter_map(|c| c.delta.content.clone()).collect();
    assert_eq!(text, "The first law of thermodynamics states that");
    let usage = items.iter().filter_map(|i| i.as_ref().ok()).find_map(|c| c.usage.clone()).expect("the final usage reaches the user");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.total_tokens), (14, 64, 78));
    assert_eq!(usage.cost, Some(0.0001642));
    let last = items.last().unwrap();
    match last {
        Err(Error::Stream { error, .. }) => assert_eq!(error["message"], "Provider returned error"),
        other => panic!("the stream still ends with the error: {other:?}"),
    }
    assert_eq!(items.iter().filter(|i| i.is_err()).count(), 1);
}

// ---- 8. errors ------------------------------------------------------------------------------------

#[tokio::test]
async fn error_display_is_bounded_and_shows_the_server_message_and_request_id() {
    let long = "x".repeat(200_000);
    let server = Server::start(move |n, _| match n {
        0 => Reply::Full(500, vec![("x-request-id", "req-7f3a".into())], json!({"error": {"code": 500, "message": long}}).to_string().into_bytes()),
        _ => Reply::Full(200, vec![("x-request-id", "req-8b1c".into())], format!("{{\"data\": {{\"count\": \"{long}\"}}}}").into_bytes()),
    })
    .await;
    let client = client(&server);
    let api = client.models().count().send().await.unwrap_err().to_string();
    assert!(api.len() < 1_000, "{} bytes", api.len());
    assert!(api.contains("req-7f3a") && api.contains("listModelsCount") && api.contains("500"), "{api}");
    let decode = client.models().count().send().await.unwrap_err().to_string();
    assert!(decode.len() < 1_000, "{} bytes", decode.len());
    assert!(decode.contains("req-8b1c") && decode.contains("data.count") && decode.contains("200"), "{decode}");
}

#[tokio::test]
async fn an_undeclared_error_body_prints_the_server_message() {
    let server = Server::start(|_, _| json(404, json!({"message": "Prompt not found: greeting", "error": "LangfuseNotFoundError"}))).await;
    let lf = langfuse::Client::new(langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk", "sk")).unwrap();
    let text = lf.prompts().get("greeting").send().await.unwrap_err().to_string();
    assert!(text.contains("Prompt not found: greeting"), "{text}");
    assert!(!text.contains("String(") && !text.contains("Object"), "Rust Debug is not a message: {text}");
}

// ---- 3. memory: bodies and streams stay within their limit ----------------------------------------

/// The limit the child configures (body and event); its peak RSS growth must stay under twice this.
const LIMIT: usize = 8 << 20;
/// Far past any bounded run; the parent kills the child here, so an unbounded client fails the
/// test instead of exhausting the machine.
const KILL_AT: u64 = 1 << 30;

fn status_kib(pid: &str, field: &str) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Run only as a child of `huge_and_endless_bodies_stay_under_twice_the_limit`: one process of its
/// own, so that its peak RSS measures the client alone.
#[tokio::test(flavor = "current_thread")]
async fn memory_child() {
    if std::env::var("SAFETY_MEMORY_CHILD").is_err() {
        return;
    }
    let scenarios: Vec<(&str, Reply)> = vec![
        ("declared 1 GB json", Reply::Endless { content_type: "application/json", total: Some(1 << 30), piece: vec![b' '; 64 << 10] }),
        ("endless chunked json", Reply::Endless { content_type: "application/json", total: None, piece: vec![b' '; 64 << 10] }),
        ("endless sse line", Reply::Endless { content_type: "text/event-stream", total: None, piece: [b"data: ".as_slice(), &[b'a'; 64 << 10]].concat() }),
        ("endless sse event", Reply::Endless { content_type: "text/event-stream", total: None, piece: b"data: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\n".repeat(1024) }),
    ];
    let replies: Vec<Reply> = std::iter::once(count_ok()).chain(scenarios.iter().map(|(_, r)| r.clone())).collect();
    let server = Server::start(move |n, _| replies[n.min(replies.len() - 1)].clone()).await;
    let client = openrouter::Client::new(config(&server).with_max_body_bytes(LIMIT).with_max_event_bytes(LIMIT)).unwrap();
    // Warm up (connection pool, TLS-free loopback, allocator) before the baseline.
    client.models().count().send().await.unwrap();
    let baseline = status_kib("self", "VmRSS:").unwrap();
    for (name, _) in &scenarios {
        let outcome = if name.contains("sse") {
            match client.chat().send(messages()).send_stream().await {
                Ok(stream) => stream.collect::<Vec<_>>().await.into_iter().find_map(|item| item.err()).map(|e| e.to_string()),
                Err(e) => Some(e.to_string()),
            }
        } else {
            client.models().count().send().await.err().map(|e| e.to_string())
        };
        println!("MEMORY scenario={name:?} error={:?}", outcome.map(|e| e.chars().take(200).collect::<String>()));
    }
    let peak = status_kib("self", "VmHWM:").unwrap();
    println!("MEMORY growth_kib={}", peak.saturating_sub(baseline));
}

#[test]
fn huge_and_endless_bodies_stay_under_twice_the_limit() {
    let mut child = std::process::Command::new(std::env::current_exe().unwrap())
        .args(["memory_child", "--exact", "--nocapture", "--test-threads=1"])
        .env("SAFETY_MEMORY_CHILD", "1")
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id().to_string();
    let started = Instant::now();
    let status = loop {
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        let rss = status_kib(&pid, "VmRSS:").unwrap_or(0) * 1024;
        if rss > KILL_AT || started.elapsed() > Duration::from_secs(300) {
            child.kill().unwrap();
            child.wait().unwrap();
            panic!("the client grew to {} MiB in {:?}: unbounded", rss >> 20, started.elapsed());
        }
        std::thread::sleep(Duration::from_millis(20));
    };
    let mut out = String::new();
    std::io::Read::read_to_string(&mut child.stdout.take().unwrap(), &mut out).unwrap();
    assert!(status.success(), "{out}");
    let lines: Vec<&str> = out.lines().filter_map(|l| l.find("MEMORY ").map(|at| &l[at..])).collect();
    assert_eq!(lines.len(), 5, "{out}");
    for line in &lines[..4] {
        assert!(line.contains("larger than the limit of 8388608 bytes"), "every scenario must end at the limit: {line}");
    }
    let growth: u64 = lines[4].trim_start_matches("MEMORY growth_kib=").parse().unwrap();
    eprintln!("{}\npeak RSS growth {} KiB against a limit of {} KiB", lines.join("\n"), growth, LIMIT >> 10);
    assert!(growth * 1024 < 2 * LIMIT as u64, "peak RSS grew {} KiB, limit {} KiB", growth, LIMIT >> 10);
}

// ---- limits and deadlines set per call ------------------------------------------------------------

#[tokio::test]
async fn a_per_call_body_limit_overrides_the_clients() {
    let body = format!("{{\"data\": {{\"count\": 1}}, \"pad\": \"{}\"}}", "p".repeat(4096));
    let server = Server::start(move |_, _| Reply::Full(200, vec![], body.clone().into_bytes())).await;
    let client = client(&server);
    assert_eq!(client.models().count().send().await.unwrap().data.count, 1);
    match client.models().count().max_body_bytes(1024).send().await.unwrap_err() {
        Error::TooLarge { what, limit, .. } => assert_eq!((what, limit), ("response body", 1024)),
        other => panic!("expected TooLarge, got {other:?}"),
    }
}

#[tokio::test]
async fn a_per_call_headers_timeout_bounds_an_ordinary_call() {
    let server = Server::start(|_, _| Reply::Silent(Duration::from_secs(120))).await;
    let call = client(&server).models().count().headers_timeout(Duration::from_secs(1)).send();
    let outcome = tokio::time::timeout(Duration::from_secs(20), call).await.expect("the header deadline must end the call");
    assert!(matches!(outcome, Err(Error::Timeout { .. })), "{:?}", outcome.err());
}

#[tokio::test]
async fn a_stream_of_real_events_ends_at_the_calls_total_deadline() {
    let chunk = json!({"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"content": "x"}, "finish_reason": null}]});
    let events: Vec<(Duration, Vec<u8>)> = (0..400).map(|_| (Duration::from_millis(100), format!("data: {chunk}\n\n").into_bytes())).collect();
    let server = Server::start(move |_, _| Reply::Chunks(events.clone())).await;
    let started = Instant::now();
    let stream = client(&server).chat().send(messages()).timeout(Duration::from_secs(2)).send_stream().await.unwrap();
    let items: Vec<_> = tokio::time::timeout(Duration::from_secs(30), stream.collect::<Vec<_>>()).await.expect("the total deadline must end the stream");
    assert!(matches!(items.last(), Some(Err(Error::Timeout { .. }))), "{:?}", items.last());
    assert!(items.len() > 1 && items.len() < 400, "{} items", items.len());
    assert!(started.elapsed() >= Duration::from_secs(2));
}

// ---- streams expose their response; errors keep what the server sent ------------------------------

#[tokio::test]
async fn a_stream_exposes_its_status_and_headers() {
    let body = fixture("openrouter_chat_stream_length_error_usage.sse");
    let server = Server::start(move |_, _| Reply::Events(vec![("x-request-id", "req-stream-1".into()), ("x-ratelimit-remaining", "99".into())], vec![(Duration::ZERO, body.clone())])).await;
    let stream = client(&server).chat().send(messages()).send_stream().await.unwrap();
    assert_eq!(stream.status().as_u16(), 200);
    assert_eq!(stream.headers().get("x-request-id").unwrap(), "req-stream-1");
    assert_eq!(stream.headers().get("x-ratelimit-remaining").unwrap(), "99");
    assert_eq!(stream.collect::<Vec<_>>().await.len(), 11);
}

#[tokio::test]
async fn a_decode_error_keeps_the_whole_body_and_the_headers() {
    let body = format!("{{\"data\": {{\"count\": \"seven\"}}, \"pad\": \"{}\"}}", "p".repeat(100_000));
    let sent = body.clone();
    let server = Server::start(move |_, _| Reply::Full(200, vec![("x-request-id", "req-9".into())], body.clone().into_bytes())).await;
    match client(&server).models().count().send().await.unwrap_err() {
        Error::Decode(e) => {
            assert_eq!(e.body.as_ref(), sent.as_bytes());
            assert_eq!(e.headers.get("x-request-id").unwrap(), "req-9");
            assert_eq!(e.path, "data.count");
            assert_eq!(e.status, 200);
            let text = e.to_string();
            assert!(text.len() < 1_000 && text.contains("req-9"), "{text}");
        }
        other => panic!("expected a decode error, got {other:?}"),
    }
}

// ---- 9. transport -----------------------------------------------------------------------------------

#[tokio::test]
async fn the_users_own_http_client_is_used_and_its_debug_stays_opaque() {
    let server = Server::start(|_, _| count_ok()).await;
    let mut headers = openrouter_langfuse::runtime::HeaderMap::new();
    headers.insert("x-from-own-client", "yes".parse().unwrap());
    headers.insert("x-proxy-token", "proxy-secret-321".parse().unwrap());
    let own = openrouter_langfuse::runtime::reqwest::Client::builder().default_headers(headers).build().unwrap();
    let config = config(&server).with_http_client(own).with_connect_timeout(Duration::from_secs(5));
    assert_eq!(config.connect_timeout, Some(Duration::from_secs(5)));
    let client = openrouter::Client::new(config.clone()).unwrap();
    assert_eq!(client.models().count().send().await.unwrap().data.count, 7);
    let request = &server.requests()[0];
    assert_eq!(request.header("x-from-own-client"), Some("yes"));
    assert_eq!(request.header("authorization"), Some("Bearer sk-or-secret-123"), "the client's own settings still apply");
    for text in [format!("{config:?}"), format!("{client:?}")] {
        assert!(!text.contains("proxy-secret-321"), "{text}");
    }
}
