//! Issue 29: what a response says reaches `Display`, `Debug` and warnings bounded (a few hundred
//! bytes of server text, then "… N bytes more") and with control characters escaped, so a 1 MB
//! error body can neither flood a log nor forge a line or a terminal escape in it; the whole
//! body stays available through `Error::body`. Every line the client logs while reading such
//! responses is captured (`capture`) and held to the same rule.

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

/// The process's log lines, as a plain-text formatter writes them: level, target, the fields of
/// each entered span, the message and the event's fields. String fields are written raw (a real
/// formatter may escape them itself; the client must not rely on it).
mod capture {
    use std::cell::RefCell;
    use std::collections::HashMap;
    use std::fmt::{self, Write};
    use std::sync::atomic::{AtomicU64, Ordering};
    use std::sync::{Mutex, Once};
    use tracing::field::{Field, Visit};
    use tracing::span::{Attributes, Id, Record};
    use tracing::{Event, Metadata, Subscriber};

    static LINES: Mutex<Vec<String>> = Mutex::new(Vec::new());

    /// Installs the capture for the whole process (the client may log from any thread); every
    /// test of this file calls it first, so no line of theirs is missed.
    pub fn install() {
        static ONCE: Once = Once::new();
        ONCE.call_once(|| tracing::subscriber::set_global_default(Capture::default()).expect("no other subscriber"));
    }

    pub fn lines() -> Vec<String> {
        LINES.lock().unwrap().clone()
    }

    #[derive(Default)]
    struct Capture {
        next: AtomicU64,
        spans: Mutex<HashMap<u64, String>>,
    }

    thread_local! {
        static ENTERED: RefCell<Vec<u64>> = const { RefCell::new(Vec::new()) };
    }

    struct Fields<'a>(&'a mut String);

    impl Visit for Fields<'_> {
        fn record_str(&mut self, field: &Field, value: &str) {
            let _ = write!(self.0, " {}={value}", field.name());
        }
        fn record_debug(&mut self, field: &Field, value: &dyn fmt::Debug) {
            match field.name() {
                "message" => write!(self.0, " {value:?}"),
                name => write!(self.0, " {name}={value:?}"),
            }
            .unwrap();
        }
    }

    impl Subscriber for Capture {
        fn enabled(&self, _: &Metadata<'_>) -> bool {
            true
        }
        fn new_span(&self, span: &Attributes<'_>) -> Id {
            let id = self.next.fetch_add(1, Ordering::Relaxed) + 1;
            let mut fields = format!("{}{{", span.metadata().name());
            span.record(&mut Fields(&mut fields));
            self.spans.lock().unwrap().insert(id, fields);
            Id::from_u64(id)
        }
        fn record(&self, span: &Id, values: &Record<'_>) {
            if let Some(fields) = self.spans.lock().unwrap().get_mut(&span.into_u64()) {
                values.record(&mut Fields(fields));
            }
        }
        fn record_follows_from(&self, _: &Id, _: &Id) {}
        fn event(&self, event: &Event<'_>) {
            let mut line = format!("{} {}:", event.metadata().level(), event.metadata().target());
            let spans = self.spans.lock().unwrap();
            ENTERED.with(|entered| {
                for id in entered.borrow().iter() {
                    if let Some(fields) = spans.get(id) {
                        let _ = write!(line, " {fields}}}:");
                    }
                }
            });
            drop(spans);
            event.record(&mut Fields(&mut line));
            LINES.lock().unwrap().push(line);
        }
        fn enter(&self, span: &Id) {
            ENTERED.with(|entered| entered.borrow_mut().push(span.into_u64()));
        }
        fn exit(&self, span: &Id) {
            ENTERED.with(|entered| {
                let mut entered = entered.borrow_mut();
                if let Some(at) = entered.iter().rposition(|id| *id == span.into_u64()) {
                    entered.remove(at);
                }
            });
        }
    }
}

async fn serve(status: u16, content_type: &'static str, body: Vec<u8>) -> Server {
    Server::start(move |_, _| Reply::Full(status, vec![("content-type", content_type.into())], body.clone())).await
}

#[tokio::test]
async fn an_error_status_with_a_megabyte_of_hostile_text() {
    capture::install();
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
    capture::install();
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
    capture::install();
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

/// Every log line while the client reads a megabyte of hostile text as an error status (retried
/// once, so the retry is logged too) and as off-spec fields of a success body (a tolerant-mode
/// warning each): bounded and escaped.
#[tokio::test]
async fn every_log_line_about_a_megabyte_of_hostile_text_is_bounded_and_escaped() {
    capture::install();
    let error_body = serde_json::to_vec(&serde_json::json!({"error": {"code": 503, "message": hostile_text()}})).unwrap();
    let mut body: serde_json::Value = serde_json::from_slice(&std::fs::read(spec_tests::root().join("tests/fixtures/openrouter_chat_completion_wrong_typed_deep_field.json")).unwrap()).unwrap();
    // A required field of `usage` and an object-typed optional field, each a megabyte of text.
    body["usage"]["prompt_tokens"] = hostile_text().into();
    body["choices"][0]["message"]["reasoning_details"] = hostile_text().into();
    let body = serde_json::to_vec(&body).unwrap();
    let server = Server::start(move |n, _| match n {
        0 | 1 => Reply::Full(503, vec![("content-type", "application/json".into())], error_body.clone()),
        _ => Reply::Full(200, vec![("content-type", "application/json".into())], body.clone()),
    })
    .await;
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-1");
    let pause = std::time::Duration::from_millis(1);
    let retry_once = RetryPolicy { max_retries: 1, initial_backoff: pause, max_backoff: pause, retry_non_idempotent: true, ..RetryPolicy::default() };
    let client = openrouter::Client::new(config.with_retry(retry_once)).unwrap();
    let error = client.chat().send(messages()).await.unwrap_err();
    assert!(matches!(error, Error::Api(_)), "{error}");
    let response = client.chat().send(messages()).await.unwrap();
    let paths: Vec<&str> = response.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(paths, ["choices[0].message.reasoning_details", "usage"], "{:?}", response.warnings());
    for warning in response.warnings() {
        assert_clean("the warning", &warning.to_string(), 600);
    }

    let lines = capture::lines();
    for path in paths {
        let line = lines.iter().find(|line| line.contains(&format!("path={path} "))).unwrap_or_else(|| panic!("no log line for {path}: {lines:#?}"));
        assert!(line.contains("oops\\n2026"), "escaped, not dropped: {line}");
    }
    assert!(lines.iter().any(|line| line.contains("retrying")), "{lines:#?}");
    for line in &lines {
        // The formatter's own words and fields, plus at most `report::SHOWN` (300) bytes of
        // server text per field.
        assert!(line.len() <= 1200, "{} bytes: {}", line.len(), &line[..line.len().min(2000)]);
        assert!(!line.chars().any(|c| c.is_control()), "a raw control character: {line:?}");
    }
}
