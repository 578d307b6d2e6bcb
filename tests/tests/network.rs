#![allow(deprecated)]
//! The client on the wire and under faults, against a loopback server each test starts:
//! exact request bytes for the tricky cases, retries, timeouts, broken bodies, streams, paging.

use futures_util::StreamExt;
use openrouter_langfuse::runtime::{Error, RetryPolicy};
use openrouter_langfuse::{langfuse, openrouter};
use serde_json::json;
use spec_tests::server::{json, Reply, Server};
use std::time::{Duration, Instant};

fn openrouter_client(server: &Server, retry: RetryPolicy) -> openrouter::Client {
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-secret-123").with_retry(retry);
    openrouter::Client::new(config).unwrap()
}

fn langfuse_client(server: &Server) -> langfuse::Client {
    let config = langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk-lf-1", "sk-lf-secret-456");
    langfuse::Client::new(config).unwrap()
}

fn fast_retries(max: u32) -> RetryPolicy {
    RetryPolicy { max_retries: max, initial_backoff: Duration::from_millis(10), max_backoff: Duration::from_millis(20), ..RetryPolicy::default() }
}

fn count_ok() -> Reply {
    json(200, json!({"data": {"count": 7}}))
}

#[tokio::test]
async fn retry_after_is_honoured_then_success() {
    let server = Server::start(|n, _| if n == 0 { Reply::Full(429, vec![("retry-after", "1".into())], b"{}".to_vec()) } else { count_ok() }).await;
    let started = Instant::now();
    let response = openrouter_client(&server, fast_retries(3)).models().count().send().await.unwrap();
    assert_eq!(response.data.count, 7);
    assert!(started.elapsed() >= Duration::from_secs(1), "waited {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 2);
}

#[tokio::test]
async fn service_unavailable_three_times_then_success() {
    let server = Server::start(|n, _| if n < 3 { json(503, json!({"error": {"code": 503, "message": "overloaded"}})) } else { count_ok() }).await;
    let response = openrouter_client(&server, fast_retries(3)).models().count().send().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(server.requests().len(), 4);
}

#[tokio::test]
async fn retries_are_bounded_and_the_last_error_is_typed() {
    let server = Server::start(|_, _| json(503, json!({"error": {"code": 503, "message": "overloaded"}}))).await;
    let error = openrouter_client(&server, fast_retries(2)).models().count().send().await.unwrap_err();
    assert_eq!(error.status(), Some(503));
    assert_eq!(server.requests().len(), 3);
}

#[tokio::test]
async fn a_post_that_may_have_been_processed_is_not_retried_unless_asked() {
    let server = Server::start(|_, _| json(502, json!({"error": {"code": 502, "message": "bad gateway"}}))).await;
    let messages = serde_json::from_value(json!([{"role": "user", "content": "hi"}])).unwrap();
    let client = openrouter_client(&server, fast_retries(3));
    let error = client.chat().send(messages).send().await.unwrap_err();
    assert_eq!(error.status(), Some(502));
    assert_eq!(server.requests().len(), 1, "POST + 5xx must not be retried by default");
    let messages = serde_json::from_value(json!([{"role": "user", "content": "hi"}])).unwrap();
    let opted_in = RetryPolicy { retry_non_idempotent: true, ..fast_retries(2) };
    let _ = client.chat().send(messages).retry(opted_in).send().await.unwrap_err();
    assert_eq!(server.requests().len(), 4, "with the opt-in: 1 + 2 retries more");
}

#[tokio::test]
async fn a_connection_dropped_mid_body_is_a_transport_error() {
    let server = Server::start(|_, _| Reply::Truncated { declared: 100, body: br#"{"data": {"cou"#.to_vec() }).await;
    let error = openrouter_client(&server, RetryPolicy::none()).models().count().send().await.unwrap_err();
    assert!(matches!(error, Error::Transport { operation: "listModelsCount", .. }), "{error:?}");
    assert_eq!(server.requests().len(), 1);
}

#[tokio::test]
async fn a_body_that_stalls_past_the_timeout_times_out() {
    // The stall is far longer than any delay a loaded machine adds, so "ended well before the
    // body came" cannot be mistaken for "the body came late".
    let server = Server::start(|_, _| Reply::Stall(Duration::from_secs(120), br#"{"data":{"count":1}}"#.to_vec())).await;
    let started = Instant::now();
    let error = openrouter_client(&server, RetryPolicy::none()).models().count().timeout(Duration::from_millis(300)).send().await.unwrap_err();
    assert!(matches!(error, Error::Timeout { .. }), "{error:?}");
    assert!(started.elapsed() < Duration::from_secs(60), "waited {:?}", started.elapsed());
    assert_eq!(server.requests().len(), 1);
}

fn chunk(id: u32, text: &str) -> String {
    let value = json!({"id": format!("gen-{id}"), "object": "chat.completion.chunk", "created": 1, "model": "m",
        "choices": [{"index": 0, "delta": {"role": "assistant", "content": text}, "finish_reason": null}]});
    format!("data: {value}\n\n")
}

async fn stream_from(chunks: Vec<(Duration, Vec<u8>)>) -> (Server, Vec<Result<String, String>>) {
    let server = Server::start(move |_, _| Reply::Chunks(chunks.clone())).await;
    let messages = serde_json::from_value(json!([{"role": "user", "content": "hi"}])).unwrap();
    let events = openrouter_client(&server, RetryPolicy::none()).chat().send(messages).send_stream().await.unwrap();
    let items = events
        .map(|item| item.map(|chunk| chunk.choices[0].delta.content.clone().unwrap_or_default()).map_err(|e| e.to_string()))
        .collect::<Vec<_>>()
        .await;
    (server, items)
}

#[tokio::test]
async fn a_stream_with_keep_alives_split_reads_and_done() {
    let body = format!(": OPENROUTER PROCESSING\n\n{}{}: OPENROUTER PROCESSING\r\n\r\n{}data: [DONE]\n\n", chunk(1, "Hel"), chunk(2, "lo"), chunk(3, "!"));
    // Split everywhere awkward: inside an event, inside a CRLF.
    let bytes = body.into_bytes();
    let pieces = vec![(Duration::ZERO, bytes[..30].to_vec()), (Duration::from_millis(20), bytes[30..131].to_vec()), (Duration::from_millis(20), bytes[131..].to_vec())];
    let (server, items) = stream_from(pieces).await;
    assert_eq!(items, vec![Ok("Hel".to_string()), Ok("lo".to_string()), Ok("!".to_string())]);
    let request = &server.requests()[0];
    assert_eq!(server.requests().len(), 1);
    let sent: serde_json::Value = serde_json::from_slice(&request.body).unwrap();
    assert_eq!(sent["stream"], json!(true), "send_stream turns the request's stream flag on");
    assert_eq!(request.header("accept"), Some("text/event-stream"));
}

#[tokio::test]
async fn a_malformed_event_is_an_error_item_and_the_stream_goes_on() {
    let body = format!("{}data: {{\"id\": \n\n{}data: [DONE]\n\n", chunk(1, "a"), chunk(2, "b"));
    let (_, items) = stream_from(vec![(Duration::ZERO, body.into_bytes())]).await;
    assert_eq!(items.len(), 3);
    assert_eq!(items[0], Ok("a".to_string()));
    assert!(items[1].as_ref().unwrap_err().contains("does not match the spec"), "{:?}", items[1]);
    assert_eq!(items[2], Ok("b".to_string()));
}

#[tokio::test]
async fn a_stream_cut_mid_event_ends_with_an_error() {
    let cut = chunk(2, "never finished");
    let body = format!("{}{}", chunk(1, "a"), &cut[..cut.len() / 2]);
    let (_, items) = stream_from(vec![(Duration::ZERO, body.into_bytes())]).await;
    assert_eq!(items.len(), 2);
    assert_eq!(items[0], Ok("a".to_string()));
    assert!(items[1].as_ref().unwrap_err().contains("ended in the middle of an event"), "{:?}", items[1]);
}

/// A valid `Workspace`, made from the spec's own schema.
fn sample_workspace() -> serde_json::Value {
    let input = spec_tests::inputs().into_iter().find(|i| i.name == "openrouter").unwrap();
    let (spec, _) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
    test_support::sample::sample_at(&spec.json, "/components/schemas/Workspace")
}

#[tokio::test]
async fn a_hundred_page_listing_is_fetched_lazily() {
    let workspace = sample_workspace();
    let server = Server::start(move |_, request| {
        let offset: i64 = request.target.split("offset=").nth(1).and_then(|v| v.split('&').next()).and_then(|v| v.parse().ok()).unwrap_or(0);
        let data: Vec<serde_json::Value> = (offset..offset + 2).map(|i| {
            let mut item = workspace.clone();
            item["name"] = json!(format!("ws-{i}"));
            item
        }).collect();
        json(200, json!({"data": data, "total_count": 200}))
    })
    .await;
    let client = openrouter_client(&server, RetryPolicy::none());
    let first: Vec<_> = client.workspaces().list().limit(2).send_paginated().take(5).collect().await;
    assert!(first.iter().all(Result::is_ok), "{first:?}");
    assert_eq!(first.len(), 5);
    assert_eq!(server.requests().len(), 3, "5 items at 2 per page need 3 pages, no more");
    assert!(server.requests()[2].target.contains("offset=4"));

    let all: Vec<_> = client.workspaces().list().limit(2).send_paginated().collect().await;
    assert_eq!(all.len(), 200);
    assert_eq!(all.last().unwrap().as_ref().unwrap().name, "ws-199");
    assert_eq!(server.requests().len(), 3 + 100, "100 pages, each requested once; none past total_count");
}

#[tokio::test]
async fn wire_query_arrays_path_encoding_and_basic_auth() {
    let server = Server::start(|_, _| json(404, json!({"message": "not found"}))).await;
    let client = langfuse_client(&server);
    let _ = client.trace().list().tags(vec![Some("a b".to_string()), Some("c".to_string())]).limit(5).send().await;
    let _ = client.prompts().get("folder/sub name").send().await;
    let requests = server.requests();
    // Spec order; arrays exploded as repeated keys (form style); space as `+` in a query.
    assert_eq!(requests[0].target, "/api/public/traces?limit=5&tags=a+b&tags=c");
    assert_eq!(requests[1].target, "/api/public/v2/prompts/folder%2Fsub%20name");
    // base64("pk-lf-1:sk-lf-secret-456")
    assert_eq!(requests[0].header("authorization"), Some("Basic cGstbGYtMTpzay1sZi1zZWNyZXQtNDU2"));
}

#[tokio::test]
async fn wire_tri_state_patch_body_bearer_auth_and_app_headers() {
    let server = Server::start(|_, _| json(404, json!({"error": {"code": 404, "message": "no"}}))).await;
    let config = openrouter::Config::default()
        .with_base_url(&server.url)
        .with_api_key("sk-or-secret-123")
        .with_app_url("https://myapp.example")
        .with_app_title("My App");
    let client = openrouter::Client::new(config).unwrap();
    let id: openrouter_langfuse::runtime::Uuid = "3fa85f64-5717-4562-b3fc-2c963f66afa6".parse().unwrap();
    let error = client.observability().update(id).name("prod").api_key_hashes(None).send().await.unwrap_err();
    assert_eq!(error.status(), Some(404));
    let _ = client.observability().update(id).api_key_hashes(vec!["h1".to_string()]).send().await;
    let _ = client.observability().update(id).send().await;
    let requests = server.requests();
    assert_eq!(requests[0].method, "PATCH");
    assert_eq!(requests[0].target, "/observability/destinations/3fa85f64-5717-4562-b3fc-2c963f66afa6");
    assert_eq!(String::from_utf8_lossy(&requests[0].body), r#"{"api_key_hashes":null,"name":"prod"}"#);
    assert_eq!(String::from_utf8_lossy(&requests[1].body), r#"{"api_key_hashes":["h1"]}"#);
    assert_eq!(String::from_utf8_lossy(&requests[2].body), "{}");
    assert_eq!(requests[0].header("authorization"), Some("Bearer sk-or-secret-123"));
    assert_eq!(requests[0].header("http-referer"), Some("https://myapp.example"));
    assert_eq!(requests[0].header("x-openrouter-title"), Some("My App"));
    assert!(requests[0].header("user-agent").unwrap().starts_with("openrouter-rust/"));
}

#[tokio::test]
async fn wire_multipart_upload() {
    let server = Server::start(|_, _| json(404, json!({"error": {"code": 404, "message": "no"}}))).await;
    let client = openrouter_client(&server, RetryPolicy::none());
    let file = openrouter_langfuse::runtime::Binary::new(b"hello bytes".to_vec(), "notes.txt").with_content_type("text/plain");
    let body = openrouter::types::UploadFileRequest::new(file);
    let _ = client.files().upload(body).send().await;
    let request = &server.requests()[0];
    let content_type = request.header("content-type").unwrap();
    assert!(content_type.starts_with("multipart/form-data; boundary="), "{content_type}");
    let text = String::from_utf8_lossy(&request.body);
    assert!(text.contains(r#"Content-Disposition: form-data; name="file"; filename="notes.txt""#), "{text}");
    assert!(text.contains("Content-Type: text/plain\r\n\r\nhello bytes\r\n"), "{text}");
}

#[tokio::test]
async fn secrets_never_appear_in_debug_output_or_errors() {
    let server = Server::start(|_, _| json(401, json!({"error": {"code": 401, "message": "bad key"}}))).await;
    let client = openrouter_client(&server, RetryPolicy::none());
    let config = openrouter::Config::default().with_api_key("sk-or-secret-123");
    let error = client.models().count().send().await.unwrap_err();
    let lf = langfuse_client(&server);
    for text in [format!("{client:?}"), format!("{config:?}"), format!("{error:?}"), error.to_string(), format!("{lf:?}")] {
        assert!(!text.contains("sk-or-secret-123") && !text.contains("sk-lf-secret-456"), "secret leaked: {text}");
    }
    assert!(format!("{config:?}").contains("***"));
}

#[tokio::test]
async fn an_undeclared_success_status_is_still_a_success() {
    // The spec declares 200 for this operation; a 202 with a valid body is a success to inspect.
    let server = Server::start(|_, _| Reply::Full(202, vec![("x-request-id", "req-1".into())], br#"{"data":{"count":3}}"#.to_vec())).await;
    let response = openrouter_client(&server, RetryPolicy::none()).models().count().send().await.unwrap();
    assert_eq!(response.status.as_u16(), 202);
    assert_eq!(response.data.count, 3);
    assert_eq!(response.headers.get("x-request-id").unwrap(), "req-1");
}

#[tokio::test]
async fn operations_without_security_send_no_credentials() {
    let server = Server::start(|_, _| json(200, json!({"version": "3", "status": "OK"}))).await;
    let response = langfuse_client(&server).health().health().send().await.unwrap();
    assert_eq!(response.status.as_u16(), 200);
    assert_eq!(server.requests()[0].header("authorization"), None, "GET /api/public/health declares no security");
}

#[tokio::test]
async fn an_error_sent_mid_stream_is_a_typed_error_item() {
    // A chunk with data of its own arrives as the chunk (its `error` field set), then the error;
    // an event that is only an error is only the error.
    let error = json!({"id": "gen-1", "object": "chat.completion.chunk", "created": 1, "model": "m",
        "error": {"code": 502, "message": "provider disconnected"}, "choices": []});
    let bare = json!({"error": {"code": 429, "message": "rate limited"}});
    let body = format!("{}data: {error}\n\ndata: {bare}\n\ndata: [DONE]\n\n", chunk(1, "a"));
    let server = Server::start(move |_, _| Reply::Chunks(vec![(Duration::ZERO, body.clone().into_bytes())])).await;
    let messages = serde_json::from_value(json!([{"role": "user", "content": "hi"}])).unwrap();
    let items: Vec<_> = openrouter_client(&server, RetryPolicy::none()).chat().send(messages).send_stream().await.unwrap().collect().await;
    assert_eq!(items.len(), 4, "{items:?}");
    assert!(items[0].is_ok());
    assert_eq!(items[1].as_ref().unwrap().error.as_ref().map(|e| e.code), Some(502));
    match &items[2] {
        Err(Error::Stream { error, .. }) => assert_eq!(error["code"], 502),
        other => panic!("expected a stream error item, got {other:?}"),
    }
    match &items[3] {
        Err(Error::Stream { error, .. }) => assert_eq!(error["code"], 429),
        other => panic!("expected a stream error item, got {other:?}"),
    }
}
