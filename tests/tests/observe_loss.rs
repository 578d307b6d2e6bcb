//! Nothing recorded is lost without a count, on the paths a program really takes: the README's
//! streaming loop leaving `main` with `?` at a mid-stream error, a caller that stops at the error
//! but keeps the stream, a traced client still alive at shutdown, and the last handle dropped
//! without shutdown. In each, what the loopback Langfuse received is what the account says:
//! `exported` spans arrived, and `exported + dropped` is every span started.
//!
//! Multi-threaded runtimes: a handle dropped on a runtime thread waits for its flush, which must
//! reach the loopback Langfuse served by another thread (as a real one is served elsewhere).

use futures_util::StreamExt;
use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::runtime::Error;
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Reply, Server};
use std::time::{Duration, Instant};

/// A plain answer for the first request, then a stream that fails midway (its last chunk carries
/// the error and the usage billed).
async fn openrouter_failing_midstream() -> Server {
    Server::start(|n, _| {
        if n == 0 {
            return json(200, completion());
        }
        let mut failing = chunk(json!({}), json!("error"));
        failing["error"] = json!({"code": 502, "message": "Upstream provider disconnected"});
        failing["usage"] = json!({"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11});
        Reply::Chunks(vec![
            (Duration::ZERO, sse(&[chunk(json!({"role": "assistant", "content": "Partial"}), Value::Null)])),
            (Duration::from_millis(5), sse(&[failing])),
            // The connection stays open: the caller decides when the stream ends.
            (Duration::from_secs(30), b"data: [DONE]\n\n".to_vec()),
        ])
    })
    .await
}

fn levels(spans: &[Span]) -> Vec<String> {
    let mut levels: Vec<String> = spans.iter().map(|s| attributes(s).get("langfuse.observation.level").map(|_| text(&attributes(s), "langfuse.observation.level")).unwrap_or_else(|| "DEFAULT".into())).collect();
    levels.sort();
    levels
}

/// The README's streaming program: every `?` returns from it, dropping the handle on the way.
async fn readme_streaming_program(openrouter: &str, langfuse_url: &str) -> Result<String, Box<dyn std::error::Error>> {
    let langfuse = langfuse(langfuse_url).build()?;
    let config = openrouter_langfuse::openrouter::Config::default().with_base_url(openrouter).with_api_key(OPENROUTER_KEY);
    let client = openrouter_langfuse::openrouter::Client::new(config)?.observed(&langfuse);
    client.chat().send(user("first")).await?;
    let mut stream = client.chat().send(user("second")).send_stream().await?;
    let mut text = String::new();
    while let Some(chunk) = stream.next().await.transpose()? {
        if let Some(piece) = chunk.choices.first().and_then(|c| c.delta.content.clone()) {
            text.push_str(&piece);
        }
    }
    langfuse.shutdown().await?;
    Ok(text)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_readme_streaming_loop_leaving_with_question_mark_sends_every_span() {
    let openrouter = openrouter_failing_midstream().await;
    let otlp = receiver().await;
    let started = Instant::now();
    let error = readme_streaming_program(&openrouter.url, &otlp.url).await.unwrap_err();
    assert!(error.to_string().contains("Upstream provider disconnected"), "{error}");
    // Before: no span at all arrived. Now the dropped handle flushed on the way out.
    let spans = spans(&otlp);
    assert_eq!(spans.len(), 2, "the earlier call's span and the error span");
    assert_eq!(levels(&spans), vec!["DEFAULT", "ERROR"]);
    let failed = spans.iter().find(|s| attributes(s).contains_key("langfuse.observation.level")).unwrap();
    assert_eq!(json_attribute(&attributes(failed), "langfuse.observation.usage_details")["total"], 11, "the usage billed is kept");
    assert!(started.elapsed() < Duration::from_secs(25), "the flush on drop is bounded: {:?}", started.elapsed());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_caller_that_stops_at_the_error_and_keeps_the_stream_loses_nothing() {
    let openrouter = openrouter_failing_midstream().await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    client.chat().send(user("first")).await.unwrap();
    let mut stream = client.chat().send(user("second")).send_stream().await.unwrap();
    loop {
        match stream.next().await {
            Some(Ok(_)) => continue,
            Some(Err(error)) => {
                assert!(matches!(error, Error::Stream { .. }), "{error}");
                break;
            }
            None => panic!("the stream should fail"),
        }
    }
    // The stream is still alive (its server holds the connection open) at shutdown.
    let report = langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    assert_eq!((report.started, report.exported, report.dropped), (2, 2, 0), "before: 0 exported, 0 dropped");
    assert_eq!(spans.len() as u64, report.exported);
    assert_eq!(levels(&spans), vec!["DEFAULT", "ERROR"]);
    drop(stream);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_traced_client_alive_at_shutdown_has_its_trace_ended_and_sent() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse.trace("still-open"));
    client.chat().send(user("hi")).await.unwrap();
    let report = langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    assert_eq!((report.started, report.exported, report.dropped), (2, 2, 0), "before: 1 exported, 0 dropped, and no root");
    assert_eq!(spans.len() as u64, report.exported);
    let root = spans.iter().find(|s| s.name == "still-open").expect("the trace's root");
    let generation = generations(&spans)[0];
    assert_eq!(generation.parent_span_id, root.span_id, "the generation's parent arrived");
    assert!(attributes(root).contains_key("langfuse.observation.output"));
    // The client still works after shutdown; what it records now is counted, not sent.
    client.chat().send(user("late")).await.unwrap();
    drop(client);
    assert_eq!(spec_tests::otlp::spans(&otlp).len(), 2, "the root is sent once");
    assert_eq!(langfuse.status().dropped, 1, "the late call is counted");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn dropping_the_last_handle_without_shutdown_sends_what_was_recorded() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    // A long batch interval: only the flush on drop can send the span in time.
    let langfuse = langfuse(&otlp.url).batch(512, Duration::from_secs(3600)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    for _ in 0..3 {
        client.chat().send(user("hi")).await.unwrap();
    }
    let started = Instant::now();
    drop(langfuse);
    assert!(started.elapsed() < Duration::from_secs(25), "bounded: {:?}", started.elapsed());
    assert_eq!(generations(&spans(&otlp)).len(), 3);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_account_balances_when_langfuse_refuses_some_batches() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    // Langfuse refuses every other export.
    let flaky = Server::start(|n, _| if n % 2 == 0 { Reply::Full(503, vec![], Vec::new()) } else { Reply::Full(200, vec![], Vec::new()) }).await;
    let langfuse = Langfuse::builder().base_url(&flaky.url).keys("pk-lf-test", "sk-lf-test").batch(1, Duration::from_millis(5)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    for _ in 0..10 {
        client.chat().send(user("hi")).await.unwrap();
    }
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!(report.started, 10);
    assert_eq!(report.exported + report.dropped, report.started);
    let accepted: u64 = flaky.requests().iter().enumerate().filter(|(n, _)| n % 2 == 1).count() as u64;
    assert_eq!(report.exported, accepted, "exported counts exactly what Langfuse accepted");
}
