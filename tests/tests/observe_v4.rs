//! What Langfuse v4 shows from the spans: every span carries the trace's labels itself (v4 stores
//! one row per span and inherits nothing), a trace's input and output come from its root span, and
//! usage is in Langfuse's disjoint keys (input net of cache reads and writes, output net of
//! reasoning) for each observed operation, plain and streamed. Read from the OTLP exports of a
//! loopback Langfuse, decoded with `opentelemetry-proto`.

use futures_util::StreamExt;
use openrouter_langfuse::openrouter::types::*;
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Reply, Server};
use std::time::Duration;

/// OpenAI-shaped usage of 21 prompt tokens (5 of them cached) and 7 completion tokens (2 of them
/// reasoning).
fn chat_usage() -> Value {
    json!({"prompt_tokens": 21, "completion_tokens": 7, "total_tokens": 28, "cost": 0.00042,
           "prompt_tokens_details": {"cached_tokens": 5}, "completion_tokens_details": {"reasoning_tokens": 2}})
}

/// 21 in (5 cached) and 7 out (2 reasoning), as Langfuse counts them.
fn disjoint() -> Value {
    json!({"input": 16, "input_cached_tokens": 5, "output": 5, "output_reasoning_tokens": 2, "total": 28})
}

fn usage_of(span: &Span) -> Value {
    json_attribute(&attributes(span), "langfuse.observation.usage_details")
}

/// The one generation a call left, after shutdown.
async fn one_generation(otlp: &Server, langfuse: openrouter_langfuse::observe::Langfuse) -> Span {
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.exported, report.dropped), (1, 0));
    let spans = spans(otlp);
    assert_eq!(spans.len(), 1);
    spans.into_iter().next().unwrap()
}

#[tokio::test]
async fn chat_usage_is_disjoint_plain_and_streamed() {
    let mut body = completion();
    body["usage"] = chat_usage();
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).chat().send(user("hi")).await.unwrap();
    let span = one_generation(&otlp, langfuse).await;
    assert_eq!(usage_of(&span), disjoint());
    // The GenAI conventions keep the provider's own counts, for other OpenTelemetry backends.
    let a = attributes(&span);
    assert_eq!((int(&a, "gen_ai.usage.input_tokens"), int(&a, "gen_ai.usage.output_tokens")), (21, 7));
    assert_eq!(json_attribute(&a, "langfuse.observation.cost_details"), json!({"total": 0.00042}), "cost as OpenRouter sent it");

    let mut last = chunk(json!({}), json!("stop"));
    last["usage"] = chat_usage();
    let events = sse(&[chunk(json!({"role": "assistant", "content": "Hi"}), Value::Null), last]);
    let openrouter = Server::start(move |_, _| Reply::Chunks(vec![(Duration::ZERO, events.clone()), (Duration::ZERO, b"data: [DONE]\n\n".to_vec())])).await;
    let otlp = receiver().await;
    let langfuse = spec_tests::otlp::langfuse(&otlp.url).build().unwrap();
    let items: Vec<_> = client(&openrouter, no_retries()).observed(&langfuse).chat().send(user("hi")).send_stream().await.unwrap().collect().await;
    assert!(items.iter().all(Result::is_ok));
    assert_eq!(usage_of(&one_generation(&otlp, langfuse).await), disjoint());
}

#[tokio::test]
async fn chat_cache_writes_and_audio_are_their_own_keys() {
    let mut body = completion();
    body["usage"] = json!({"prompt_tokens": 100, "completion_tokens": 10, "total_tokens": 110,
                           "prompt_tokens_details": {"cached_tokens": 30, "cache_write_tokens": 50, "audio_tokens": 4},
                           "completion_tokens_details": {"reasoning_tokens": 0, "audio_tokens": 3}});
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).chat().send(user("hi")).await.unwrap();
    let usage = usage_of(&one_generation(&otlp, langfuse).await);
    assert_eq!(
        usage,
        json!({"input": 16, "input_cached_tokens": 30, "input_cache_creation": 50, "input_audio_tokens": 4,
               "output": 7, "output_reasoning_tokens": 0, "output_audio_tokens": 3, "total": 110})
    );
}

#[tokio::test]
async fn responses_usage_is_disjoint() {
    let body = json!({"id": "resp_1", "object": "response", "created_at": 1765000000, "completed_at": 1765000002, "model": "openai/gpt-5-mini",
        "status": "completed", "error": null, "incomplete_details": null, "instructions": null, "max_output_tokens": null, "metadata": null,
        "frequency_penalty": null, "presence_penalty": null, "temperature": null, "top_p": null, "parallel_tool_calls": true, "tool_choice": "auto", "tools": [],
        "output": [{"type": "message", "id": "msg_1", "role": "assistant", "status": "completed", "content": [{"type": "output_text", "text": "Four.", "annotations": []}]}],
        "usage": {"input_tokens": 21, "input_tokens_details": {"cached_tokens": 5}, "output_tokens": 7, "output_tokens_details": {"reasoning_tokens": 2}, "total_tokens": 28, "cost": 0.0003}});
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).responses().send().model("openai/gpt-5-mini").input("2 + 2?").await.unwrap();
    let span = one_generation(&otlp, langfuse).await;
    assert_eq!(span.name, "responses");
    assert_eq!(usage_of(&span), disjoint());
}

#[tokio::test]
async fn messages_usage_keeps_anthropics_net_input_and_nets_thinking_out_of_output() {
    // Anthropic's input_tokens already leave the cache out; its output_tokens include thinking.
    let body = json!({"id": "msg_1", "type": "message", "role": "assistant", "model": "anthropic/claude-sonnet-4", "container": null,
        "content": [{"type": "text", "text": "Hello.", "citations": []}], "stop_reason": "end_turn", "stop_sequence": null, "stop_details": null,
        "usage": {"input_tokens": 16, "cache_read_input_tokens": 5, "cache_creation_input_tokens": 3, "output_tokens": 7,
                  "output_tokens_details": {"thinking_tokens": 2}, "cache_creation": null, "inference_geo": null, "server_tool_use": null, "service_tier": "standard"}});
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let message = MessagesMessageParam::new("Say hello", "user");
    client(&openrouter, no_retries()).observed(&langfuse).anthropic_messages().create("anthropic/claude-sonnet-4").messages(vec![message]).max_tokens(50).await.unwrap();
    let span = one_generation(&otlp, langfuse).await;
    assert_eq!(usage_of(&span), json!({"input": 16, "input_cached_tokens": 5, "input_cache_creation": 3, "output": 5, "output_reasoning_tokens": 2}));
}

#[tokio::test]
async fn embeddings_usage_is_input_and_total() {
    let body = json!({"id": "emb-1", "object": "list", "model": "openai/text-embedding-3-small",
                      "data": [{"object": "embedding", "embedding": [0.5], "index": 0}], "usage": {"prompt_tokens": 21, "total_tokens": 21}});
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).embeddings().generate("text", "openai/text-embedding-3-small").await.unwrap();
    assert_eq!(usage_of(&one_generation(&otlp, langfuse).await), json!({"input": 21, "total": 21}));
}

#[tokio::test]
async fn every_span_carries_the_trace_labels_and_the_root_the_trace_input_and_output() {
    let openrouter = Server::start(|n, _| {
        let mut body = completion();
        body["choices"][0]["message"]["content"] = json!(format!("answer {n}"));
        json(200, body)
    })
    .await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).release("v2").environment("staging").build().unwrap();
    let trace = langfuse.trace("support").user_id("u-1").session_id("s-1").tag("beta").metadata("tier", "gold");
    let client = client(&openrouter, no_retries()).observed(&trace);
    client.chat().send(user("first question")).await.unwrap();
    client.chat().send(user("second question")).await.unwrap();
    drop(client);
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.started, report.exported, report.dropped), (3, 3, 0));
    let spans = spans(&otlp);
    assert_eq!(spans.len(), 3);
    for span in &spans {
        let a = attributes(span);
        assert_eq!(text(&a, "langfuse.trace.name"), "support", "{}", span.name);
        assert_eq!(text(&a, "user.id"), "u-1");
        assert_eq!(text(&a, "session.id"), "s-1");
        assert_eq!(text(&a, "langfuse.release"), "v2");
        assert_eq!(text(&a, "langfuse.environment"), "staging");
        assert_eq!(text(&a, "langfuse.trace.metadata.tier"), "gold");
        assert!(matches!(a.get("langfuse.trace.tags"), Some(Any::ArrayValue(tags)) if tags.values.len() == 1));
    }
    let root = spans.iter().find(|s| s.parent_span_id.is_empty()).expect("a root span");
    let a = attributes(root);
    assert_eq!(json_attribute(&a, "langfuse.observation.input")[1]["content"], "first question", "the first call's input");
    assert_eq!(json_attribute(&a, "langfuse.observation.output")["content"], "answer 1", "the last call's output");
    assert_eq!(text(&a, "langfuse.observation.metadata.tier"), "gold");
}

#[tokio::test]
async fn a_trace_input_and_output_can_be_set() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let trace = langfuse.trace("agent").input(json!({"task": "plan a trip"})).output("done");
    client(&openrouter, no_retries()).observed(&trace).chat().send(user("hi")).await.unwrap();
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    let root = attributes(spans.iter().find(|s| s.parent_span_id.is_empty()).unwrap());
    assert_eq!(json_attribute(&root, "langfuse.observation.input"), json!({"task": "plan a trip"}));
    assert_eq!(json_attribute(&root, "langfuse.observation.output"), json!("done"));
}

#[tokio::test]
async fn service_name_comes_from_the_builder() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).service_name("support-bot").build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).chat().send(user("hi")).await.unwrap();
    langfuse.shutdown().await.unwrap();
    assert_eq!(service_names(&otlp), vec!["support-bot".to_string()]);
}

#[tokio::test]
async fn status_counts_while_running_and_names_the_last_error() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let refusing = Server::start(|_, _| json(401, json!({"message": "Invalid credentials\u{1b}[31m"}))).await;
    let langfuse = langfuse(&refusing.url).batch(1, Duration::from_millis(10)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    client.chat().send(user("hi")).await.unwrap();
    // The export fails in the background; status shows it without waiting for shutdown.
    let mut status = langfuse.status();
    for _ in 0..500 {
        if status.dropped > 0 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(20)).await;
        status = langfuse.status();
    }
    assert_eq!((status.exported, status.dropped, status.queued), (0, 1, 0));
    let error = status.last_error.expect("the export error");
    assert!(error.contains("401") || error.contains("exporting"), "{error}");
    assert!(!error.contains('\u{1b}'), "control characters from the server are escaped: {error}");
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.started, report.exported, report.dropped), (1, 0, 1));
}
