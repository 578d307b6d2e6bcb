//! Issue 29: what a response says reaches `Display`, `Debug` and warnings bounded (a few hundred
//! bytes of server text, then "… N bytes more") and with control characters escaped, so a 1 MB
//! error body can neither flood a log nor forge a line or a terminal escape in it; the whole
//! body stays available through `Error::body`.

use futures_util::StreamExt;
use openrouter_langfuse::openrouter;
use openrouter_langfuse::runtime::{Error, RetryPolicy};
use spec_tests::server::{Reply, Server};

/// A forged log line and terminal escapes, then a megabyte.
fn hostile_text() -> String {
    format!("oops\n2026-12-07T10:00:00Z  INFO forged\x1b[31m\r{}", "x".repeat(1 << 20))
}

fn client(server: &Server, strict: bool) -> openrouter::Client {
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-1").with_retry(RetryPolicy::none());
    openrouter::Client::new(config.with_strict_decoding(strict)).unwrap()
}

fn messages() -> Vec<openrouter::types::ChatMessage> {
    vec![openrouter::types::ChatUserMessage::new("hi").into()]
}

/// Bounded and escaped: no raw control character, at most `limit` bytes, and the cut said.
fn assert_clean(what: &str, text: &str, limit: usize) {
    assert!(text.len() <= limit, "{what}: {} bytes: {}", text.len(), &text[..text.len().min(2000)]);
    assert!(!text.chars().any(|c| c.is_control()), "{what} carries a raw control character: {text:?}");
    assert!(text.contains("bytes more"), "{what} does not say what it left out: {text}");
}

async fn serve(status: u16, content_type: &'static str, body: Vec<u8>) -> Server {
    Server::start(move |_, _| Reply::Full(status, vec![("content-type", content_type.into())], body.clone())).await
}

#[tokio::test]
async fn an_error_status_with_a_megabyte_of_hostile_text() {
    let body = serde_json::to_vec(&serde_json::json!({"error": {"code": 500, "message": hostile_text()}})).unwrap();
    let server = serve(500, "application/json", body.clone()).await;
    let error = client(&server, false).chat().send(messages()).await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error}");
    assert_clean("Display", &error.to_string(), 600);
    assert!(error.to_string().contains("oops\\n2026"), "escaped, not dropped: {error}");
    assert_clean("Debug", &format!("{error:?}"), 2500);
    assert_eq!(error.body().map(|b| b.len()), Some(body.len()), "the whole body through the accessor");
}

#[tokio::test]
async fn a_body_that_does_not_decode_with_a_megabyte_of_hostile_text() {
    let body = format!("{{\"id\": {}, \"choices\": []}}", serde_json::to_string(&hostile_text()).unwrap()).into_bytes();
    // `created` is required and missing: the decode fails in both modes.
    let server = serve(200, "application/json", body.clone()).await;
    for strict in [false, true] {
        let error = client(&server, strict).chat().send(messages()).await.unwrap_err();
        assert!(matches!(error, Error::Decode(_)), "{error}");
        assert_clean("Display", &error.to_string(), 1200);
        assert_clean("Debug", &format!("{error:?}"), 2500);
        assert_eq!(error.body().map(|b| b.len()), Some(body.len()));
    }
}

#[tokio::test]
async fn a_stream_error_and_a_warning_with_a_megabyte_of_hostile_text() {
    let text = serde_json::to_string(&hostile_text()).unwrap();
    let chunk = format!(
        "data: {{\"id\":\"gen-1\",\"object\":\"chat.completion.chunk\",\"created\":1765070000,\"model\":\"m\",\"choices\":[{{\"index\":0,\"delta\":{{\"content\":\"\"}},\"finish_reason\":\"error\",\"logprobs\":{text}}}],\"error\":{{\"code\":502,\"message\":{text}}}}}\n\ndata: [DONE]\n\n"
    );
    let server = serve(200, "text/event-stream", chunk.into_bytes()).await;
    let mut stream = client(&server, false).chat().send(messages()).send_stream().await.unwrap();
    let first = stream.next().await.unwrap().expect("the chunk decodes without its `logprobs`");
    assert!(first.choices[0].logprobs.is_none());
    let warnings = stream.warnings().to_vec();
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "choices[0].logprobs");
    assert_clean("the warning", &warnings[0].to_string(), 600);
    let error = stream.next().await.unwrap().unwrap_err();
    assert!(matches!(error, Error::Stream { .. }), "{error}");
    assert_clean("Display", &error.to_string(), 600);
    assert_clean("Debug", &format!("{error:?}"), 2500);
    assert!(error.body().unwrap().len() > 2 << 20, "the whole event");
}
