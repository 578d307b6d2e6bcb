//! OpenRouter calls observed in Langfuse, end to end: a loopback OpenRouter answers as the real
//! one does, the exporter sends OTLP/HTTP protobuf to a loopback receiver, and the receiver
//! decodes it with the protocol's own types (`opentelemetry-proto`), so each test reads what
//! Langfuse would read.

use futures_util::StreamExt;
use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::openrouter::types::*;
use openrouter_langfuse::runtime::{Error, RetryPolicy};
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Reply, Server};
use std::time::{Duration, Instant};

#[tokio::test]
async fn a_plain_chat_call_is_one_generation_with_everything_langfuse_shows() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let answer = client.chat().send(user("Capital of France?")).model("openai/gpt-4o-mini").temperature(0.2).max_tokens(50).await.unwrap();
    assert_eq!(answer.id, "gen-plain-1", "the caller's result is untouched");
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.exported, report.dropped), (1, 0));

    let spans = spans(&otlp);
    assert_eq!(spans.len(), 1);
    let span = &spans[0];
    let a = attributes(span);
    assert_eq!(span.name, "chat.completions");
    assert_eq!(text(&a, "langfuse.observation.type"), "generation");
    assert_eq!(text(&a, "langfuse.observation.model.name"), "openai/gpt-4o-mini-2024-07-18");
    assert_eq!(text(&a, "gen_ai.request.model"), "openai/gpt-4o-mini");
    assert_eq!(text(&a, "gen_ai.response.model"), "openai/gpt-4o-mini-2024-07-18");
    assert_eq!(text(&a, "gen_ai.system"), "openrouter");
    assert_eq!(text(&a, "gen_ai.operation.name"), "chat");
    assert_eq!(text(&a, "gen_ai.response.id"), "gen-plain-1");
    assert_eq!(json_attribute(&a, "langfuse.observation.model.parameters"), json!({"temperature": 0.2, "max_tokens": 50}));
    assert_eq!(a.get("gen_ai.request.temperature"), Some(&Any::DoubleValue(0.2)));
    assert_eq!(json_attribute(&a, "langfuse.observation.input")[1], json!({"role": "user", "content": "Capital of France?"}));
    assert_eq!(json_attribute(&a, "langfuse.observation.output"), json!({"role": "assistant", "content": "Paris."}));
    assert_eq!(
        json_attribute(&a, "langfuse.observation.usage_details"),
        json!({"input": 5, "output": 1, "total": 24, "input_cached_tokens": 16, "output_reasoning_tokens": 2})
    );
    assert_eq!(json_attribute(&a, "langfuse.observation.cost_details"), json!({"total": 0.000123, "upstream_inference": 0.0001}));
    assert_eq!((int(&a, "gen_ai.usage.input_tokens"), int(&a, "gen_ai.usage.output_tokens")), (21, 3));
    assert_eq!(text(&a, "langfuse.observation.metadata.generation_id"), "gen-plain-1");
    assert_eq!(text(&a, "langfuse.observation.metadata.provider"), "OpenAI");
    assert!(!a.contains_key("langfuse.observation.level"), "a success has the default level");
    assert!(span.end_time_unix_nano > span.start_time_unix_nano);
    // Basic auth from the key pair; the OpenRouter key is in no span and no export.
    let export = &otlp.requests()[0];
    assert_eq!(export.header("authorization"), Some("Basic cGstbGYtdGVzdDpzay1sZi10ZXN0LXNlY3JldA=="));
    assert!(!String::from_utf8_lossy(&export.body).contains(OPENROUTER_KEY));
}

#[tokio::test]
async fn a_streamed_chat_call_with_a_tool_call_records_time_to_first_token_and_the_assembled_output() {
    let first_chunk_delay = Duration::from_millis(300);
    let openrouter = Server::start(move |_, _| {
        Reply::Chunks(vec![
            (Duration::ZERO, b": OPENROUTER PROCESSING\n\n".to_vec()),
            (first_chunk_delay, sse(&[chunk(json!({"role": "assistant", "content": "Let me check"}), Value::Null)])),
            (Duration::from_millis(20), sse(&[chunk(json!({"tool_calls": [{"index": 0, "id": "call_1", "type": "function", "function": {"name": "get_weather", "arguments": "{\"city\":"}}]}), Value::Null)])),
            (Duration::from_millis(20), sse(&[chunk(json!({"tool_calls": [{"index": 0, "function": {"arguments": "\"Paris\"}"}}]}), json!("tool_calls"))])),
            (
                Duration::ZERO,
                sse(&[json!({"id": "gen-stream-1", "provider": "Anthropic", "model": "anthropic/claude-sonnet-4", "object": "chat.completion.chunk", "created": 1763901234,
                            "choices": [], "usage": {"prompt_tokens": 40, "completion_tokens": 12, "total_tokens": 52, "cost": 0.0042}})]),
            ),
            (Duration::ZERO, b"data: [DONE]\n\n".to_vec()),
        ])
    })
    .await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let started = Instant::now();
    let mut stream = client.chat().send(user("Weather in Paris?")).model("anthropic/claude-sonnet-4").send_stream().await.unwrap();
    let mut chunks = 0;
    while let Some(item) = stream.next().await {
        item.unwrap();
        chunks += 1;
    }
    let elapsed = started.elapsed();
    assert_eq!(chunks, 4);
    drop(stream);
    langfuse.shutdown().await.unwrap();

    let spans = spans(&otlp);
    assert_eq!(spans.len(), 1);
    let span = &spans[0];
    let a = attributes(span);
    let output = json_attribute(&a, "langfuse.observation.output");
    assert_eq!(output["content"], "Let me check");
    assert_eq!(output["tool_calls"][0]["function"], json!({"name": "get_weather", "arguments": "{\"city\":\"Paris\"}"}));
    assert_eq!(output["tool_calls"][0]["id"], "call_1");
    assert_eq!(json_attribute(&a, "langfuse.observation.usage_details"), json!({"input": 40, "output": 12, "total": 52}));
    assert_eq!(json_attribute(&a, "langfuse.observation.cost_details"), json!({"total": 0.0042}));
    assert_eq!(text(&a, "langfuse.observation.metadata.finish_reason"), "tool_calls");
    assert_eq!(text(&a, "langfuse.observation.metadata.provider"), "Anthropic");
    // Time to first token: from the span's start to the first content chunk.
    let first_token: chrono::DateTime<chrono::Utc> = text(&a, "langfuse.observation.completion_start_time").parse().unwrap();
    let ttft = first_token.timestamp_nanos_opt().unwrap() as u64 - span.start_time_unix_nano;
    assert!(Duration::from_nanos(ttft) >= first_chunk_delay, "time to first token {ttft} ns is shorter than the first chunk's delay");
    assert!(Duration::from_nanos(span.end_time_unix_nano - span.start_time_unix_nano) <= elapsed + Duration::from_millis(50));
}

#[tokio::test]
async fn an_embeddings_call_is_an_embedding_observation_with_usage_and_cost() {
    let body = json!({"id": "emb-1", "object": "list", "model": "openai/text-embedding-3-small", "provider": "OpenAI",
                      "data": [{"object": "embedding", "embedding": [0.25, -0.5], "index": 0}],
                      "usage": {"prompt_tokens": 5, "total_tokens": 5, "cost": 0.0000001}});
    let openrouter = Server::start(move |_, _| json(200, body.clone())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    client.embeddings().generate("hello world", "openai/text-embedding-3-small").dimensions(2).await.unwrap();
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    let a = attributes(&spans[0]);
    assert_eq!(text(&a, "langfuse.observation.type"), "embedding");
    assert_eq!(text(&a, "gen_ai.operation.name"), "embeddings");
    assert_eq!(text(&a, "langfuse.observation.model.name"), "openai/text-embedding-3-small");
    assert_eq!(json_attribute(&a, "langfuse.observation.input"), json!("hello world"));
    assert_eq!(json_attribute(&a, "langfuse.observation.model.parameters"), json!({"dimensions": 2}));
    assert_eq!(json_attribute(&a, "langfuse.observation.usage_details"), json!({"input": 5, "total": 5}));
    assert_eq!(json_attribute(&a, "langfuse.observation.cost_details"), json!({"total": 0.0000001}));
}

#[tokio::test]
async fn a_call_that_fails_with_429_after_its_retries_is_an_error_and_the_caller_gets_the_same_error() {
    let openrouter = Server::start(|_, _| json(429, json!({"error": {"code": 429, "message": "Rate limit exceeded: free-models-per-min"}}))).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let retry = RetryPolicy { max_retries: 2, initial_backoff: Duration::from_millis(5), max_backoff: Duration::from_millis(10), ..RetryPolicy::default() };
    let client = client(&openrouter, retry).observed(&langfuse);
    let error = client.chat().send(user("hi")).model("meta-llama/llama-3.3-70b-instruct:free").await.unwrap_err();
    assert!(matches!(&error, Error::Api(api) if api.status.as_u16() == 429), "{error}");
    assert_eq!(openrouter.requests().len(), 3, "retried as without observation");
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    assert_eq!(spans.len(), 1, "one generation for the call, not one per attempt");
    let a = attributes(&spans[0]);
    assert_eq!(text(&a, "langfuse.observation.level"), "ERROR");
    let message = text(&a, "langfuse.observation.status_message");
    assert!(message.contains("429") && message.contains("Rate limit exceeded"), "{message}");
    assert_eq!(int(&a, "http.response.status_code"), 429);
    assert_eq!(text(&a, "error.type"), "429");
    assert_eq!(spans[0].status.as_ref().map(|s| s.code), Some(2), "OpenTelemetry status ERROR");
    assert_eq!(text(&a, "gen_ai.request.model"), "meta-llama/llama-3.3-70b-instruct:free");
}

#[tokio::test]
async fn a_stream_with_a_mid_stream_error_is_an_error_that_keeps_the_usage_billed() {
    let openrouter = Server::start(|_, _| {
        Reply::Chunks(vec![
            (Duration::ZERO, sse(&[chunk(json!({"role": "assistant", "content": "Partial"}), Value::Null)])),
            (
                Duration::from_millis(5),
                sse(&[json!({"id": "gen-stream-1", "model": "anthropic/claude-sonnet-4", "object": "chat.completion.chunk", "created": 1763901234,
                            "choices": [{"index": 0, "delta": {}, "finish_reason": "error"}],
                            "error": {"code": 502, "message": "Upstream provider disconnected"},
                            "usage": {"prompt_tokens": 10, "completion_tokens": 1, "total_tokens": 11, "cost": 0.001}})]),
            ),
            (Duration::ZERO, b"data: [DONE]\n\n".to_vec()),
        ])
    })
    .await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let items: Vec<_> = client.chat().send(user("hi")).send_stream().await.unwrap().collect().await;
    assert!(items.iter().any(|item| matches!(item, Err(Error::Stream { .. }))), "the caller sees the stream error");
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    let a = attributes(&spans[0]);
    assert_eq!(text(&a, "langfuse.observation.level"), "ERROR");
    assert!(text(&a, "langfuse.observation.status_message").contains("Upstream provider disconnected"));
    assert_eq!(json_attribute(&a, "langfuse.observation.usage_details")["input"], 10);
    assert_eq!(json_attribute(&a, "langfuse.observation.output")["content"], "Partial");
}

#[tokio::test]
async fn a_stream_dropped_early_is_a_warning_with_what_it_received() {
    let openrouter = Server::start(|_, _| {
        Reply::Chunks(vec![
            (Duration::ZERO, sse(&[chunk(json!({"role": "assistant", "content": "One"}), Value::Null)])),
            (Duration::from_secs(30), sse(&[chunk(json!({"content": " two"}), Value::Null)])),
        ])
    })
    .await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let mut stream = client.chat().send(user("count")).send_stream().await.unwrap();
    stream.next().await.unwrap().unwrap();
    drop(stream);
    langfuse.shutdown().await.unwrap();
    let a = attributes(&spans(&otlp)[0]);
    assert_eq!(text(&a, "langfuse.observation.level"), "WARNING");
    assert_eq!(json_attribute(&a, "langfuse.observation.output")["content"], "One");
}

#[tokio::test]
async fn a_decode_failure_is_an_error_naming_the_field() {
    let openrouter = Server::start(|_, _| json(200, json!({"id": 5}))).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let error = client.chat().send(user("hi")).await.unwrap_err();
    assert!(matches!(error, Error::Decode(_)));
    langfuse.shutdown().await.unwrap();
    let a = attributes(&spans(&otlp)[0]);
    assert_eq!(text(&a, "langfuse.observation.level"), "ERROR");
    assert!(text(&a, "langfuse.observation.status_message").contains("does not match the spec"));
}

#[tokio::test]
async fn a_trace_groups_its_calls_under_one_root_with_the_labels_and_prompt_set() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).release("v1.2.3").environment("staging").build().unwrap();
    let trace = langfuse.trace("support-chat").user_id("user-7").session_id("session-3").tag("beta").metadata("tier", "gold").prompt("support-system", 4);
    let client = client(&openrouter, no_retries()).observed(&trace);
    client.chat().send(user("one")).await.unwrap();
    client.chat().send(user("two")).await.unwrap();
    drop(client);
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.exported, report.dropped), (3, 0));
    let spans = spans(&otlp);
    let root = spans.iter().find(|s| s.name == "support-chat").expect("the trace's root span");
    assert!(root.parent_span_id.is_empty());
    let calls = generations(&spans);
    assert_eq!(calls.len(), 2);
    for call in calls {
        assert_eq!(call.trace_id, root.trace_id);
        assert_eq!(call.parent_span_id, root.span_id);
        let a = attributes(call);
        assert_eq!(text(&a, "langfuse.trace.name"), "support-chat");
        assert_eq!(text(&a, "user.id"), "user-7");
        assert_eq!(text(&a, "session.id"), "session-3");
        assert_eq!(text(&a, "langfuse.trace.metadata.tier"), "gold");
        assert_eq!(text(&a, "langfuse.release"), "v1.2.3");
        assert_eq!(text(&a, "langfuse.environment"), "staging");
        assert_eq!(text(&a, "langfuse.observation.prompt.name"), "support-system");
        assert_eq!(int(&a, "langfuse.observation.prompt.version"), 4);
        match a.get("langfuse.trace.tags") {
            Some(Any::ArrayValue(tags)) => assert_eq!(tags.values.len(), 1),
            other => panic!("tags: {other:?}"),
        }
    }
}

#[tokio::test]
async fn content_can_be_left_out_or_masked() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let silent = langfuse(&otlp.url).capture_content(false).build().unwrap();
    client(&openrouter, no_retries()).observed(&silent).chat().send(user("secret question")).await.unwrap();
    silent.shutdown().await.unwrap();
    let a = attributes(&spans(&otlp)[0]);
    assert!(!a.contains_key("langfuse.observation.input") && !a.contains_key("langfuse.observation.output"));
    assert!(a.contains_key("langfuse.observation.usage_details"), "usage is not content");

    let otlp = receiver().await;
    let masked = langfuse(&otlp.url).mask(|value| json!(value.to_string().replace("Paris", "[city]").replace("France", "[country]"))).build().unwrap();
    client(&openrouter, no_retries()).observed(&masked).chat().send(user("Capital of France?")).await.unwrap();
    masked.shutdown().await.unwrap();
    let body = String::from_utf8_lossy(&otlp.requests()[0].body).to_string();
    assert!(!body.contains("Paris") && !body.contains("France"), "the mask saw everything before it left");
    assert!(body.contains("[city]") && body.contains("[country]"));
}

#[tokio::test]
async fn an_enclosing_span_of_the_user_is_the_parent() {
    use openrouter_langfuse::observe::opentelemetry::trace::{Span as _, TraceContextExt, Tracer, TracerProvider};
    use openrouter_langfuse::observe::opentelemetry::Context;
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    // The user's own pipeline: spans go to their provider, which exports wherever they say.
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let provider = openrouter_langfuse::observe::opentelemetry_sdk::trace::SdkTracerProvider::builder().build();
    let tracer = provider.tracer("app");
    let span = tracer.start("handle-request");
    let (trace_id, span_id) = (span.span_context().trace_id(), span.span_context().span_id());
    let cx = Context::current_with_span(span);
    {
        let _entered = cx.clone().attach();
        client.chat().send(user("hi")).await.unwrap();
    }
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    assert_eq!(spans[0].trace_id, trace_id.to_bytes().to_vec());
    assert_eq!(spans[0].parent_span_id, span_id.to_bytes().to_vec());
}

#[tokio::test]
async fn ten_thousand_calls_are_ten_thousand_generations() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    // Eight tasks calling a loopback server back to back are a burst far beyond production
    // traffic, in a debug build on a loaded machine: a queue that holds the whole burst makes the
    // count exact whatever the machine's speed. Dropping past the default queue is what the
    // Langfuse-down test shows.
    let langfuse = langfuse(&otlp.url).queue(10_000).timeout(Duration::from_secs(30)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let mut tasks = Vec::new();
    for worker in 0..8 {
        let client = client.clone();
        tasks.push(tokio::spawn(async move {
            for _ in 0..1250 {
                client.chat().send(user(&format!("worker {worker}"))).await.unwrap();
            }
        }));
    }
    for task in tasks {
        task.await.unwrap();
    }
    let report = langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    assert_eq!(report.dropped, 0);
    assert_eq!(generations(&spans).len(), 10_000);
    assert_eq!(report.exported, 10_000);
}

#[tokio::test]
async fn with_langfuse_down_every_call_succeeds_and_shutdown_reports_the_drops_in_time() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    // A port nothing listens on.
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        format!("http://{}", listener.local_addr().unwrap())
    };
    let langfuse = langfuse(&closed).timeout(Duration::from_secs(1)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    for _ in 0..10_000 {
        client.chat().send(user("hi")).await.unwrap();
    }
    let started = Instant::now();
    let report = langfuse.shutdown().await.unwrap();
    // Waits at most twice its timeout, plus scheduling slack on a loaded machine.
    assert!(started.elapsed() < Duration::from_secs(10), "shutdown took {:?}", started.elapsed());
    assert_eq!(report.exported, 0);
    assert_eq!(report.dropped, 10_000, "every span is accounted for as dropped");
}

#[tokio::test]
async fn a_langfuse_that_answers_in_ten_seconds_makes_no_call_wait() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let slow = Server::start(|_, _| Reply::Silent(Duration::from_secs(10))).await;
    let langfuse = langfuse(&slow.url).batch(10, Duration::from_millis(10)).timeout(Duration::from_secs(1)).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let started = Instant::now();
    for _ in 0..500 {
        client.chat().send(user("hi")).await.unwrap();
    }
    // The receiver's first answer would come 10 s after its first export request, which the
    // first ten calls set off: calls that waited on it could not all be done before then.
    assert!(!slow.requests().is_empty(), "exports were attempted while the calls ran");
    assert!(started.elapsed() < Duration::from_secs(10), "500 calls took {:?}", started.elapsed());
    let report = langfuse.shutdown().await.unwrap();
    assert!(report.dropped > 0);
}

#[test]
fn the_handle_shows_no_secret() {
    let builder = Langfuse::builder().keys("pk-lf-visible", "sk-lf-hidden-secret");
    let debug = format!("{builder:?}");
    assert!(debug.contains("pk-lf-visible") && !debug.contains("sk-lf-hidden-secret"), "{debug}");
}

#[tokio::test]
async fn a_sample_rate_of_zero_records_nothing_and_drops_nothing() {
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).sample_rate(0.0).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    for _ in 0..20 {
        client.chat().send(user("hi")).await.unwrap();
    }
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!((report.exported, report.dropped), (0, 0));
    assert!(spans(&otlp).is_empty());
}

#[tokio::test]
async fn operations_that_are_not_generations_are_not_recorded() {
    let openrouter = Server::start(|_, _| json(200, json!({"data": {"count": 7}}))).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let count = client(&openrouter, no_retries()).observed(&langfuse).models().count().await.unwrap();
    assert_eq!(count.data.count, 7);
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!(report.exported, 0);
    assert!(spans(&otlp).is_empty());
}

#[tokio::test]
async fn a_langfuse_prompt_becomes_openrouter_messages_and_its_generations_link_back() {
    use openrouter_langfuse::bridge::{LinkPrompt, PromptMessages};
    let prompt: openrouter_langfuse::langfuse::types::Prompt = serde_json::from_value(json!({
        "type": "chat", "name": "support-answer", "version": 3, "config": {}, "labels": ["production"], "tags": [],
        "prompt": [
            {"role": "system", "content": "You help with {{product}}."},
            {"type": "placeholder", "name": "history"},
            {"role": "user", "content": "How do I start?"}
        ]
    }))
    .unwrap();
    let messages = prompt.chat_messages(&[("product", "the Rust SDK")]);
    assert_eq!(
        serde_json::to_value(&messages).unwrap(),
        json!([{"role": "system", "content": "You help with the Rust SDK."}, {"role": "user", "content": "How do I start?"}])
    );
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse.trace("support").prompt_of(&prompt));
    client.chat().send(messages).await.unwrap();
    drop(client);
    langfuse.shutdown().await.unwrap();
    let spans = spans(&otlp);
    let generation = generations(&spans)[0];
    let a = attributes(generation);
    assert_eq!(text(&a, "langfuse.observation.prompt.name"), "support-answer");
    assert_eq!(int(&a, "langfuse.observation.prompt.version"), 3);
    assert_eq!(json_attribute(&a, "langfuse.observation.input")[0]["content"], "You help with the Rust SDK.");
}

#[tokio::test]
async fn an_anthropic_messages_stream_is_read_by_event_type() {
    let events = [
        json!({"type": "message_start", "message": {"id": "msg_01", "type": "message", "role": "assistant", "model": "anthropic/claude-sonnet-4", "content": [],
            "stop_reason": null, "stop_sequence": null,
            "usage": {"input_tokens": 25, "output_tokens": 1, "cache_creation_input_tokens": 0, "cache_read_input_tokens": 20, "cache_creation": null, "inference_geo": null, "server_tool_use": null, "service_tier": "standard"}}}),
        json!({"type": "content_block_start", "index": 0, "content_block": {"type": "text", "text": ""}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": "Hello"}}),
        json!({"type": "content_block_delta", "index": 0, "delta": {"type": "text_delta", "text": " world"}}),
        json!({"type": "content_block_stop", "index": 0}),
        json!({"type": "message_delta", "delta": {"stop_reason": "end_turn", "stop_sequence": null}, "usage": {"output_tokens": 15}}),
        json!({"type": "message_stop"}),
    ];
    let body: Vec<u8> = events.iter().flat_map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap()).into_bytes()).collect();
    let openrouter = Server::start(move |_, _| Reply::Chunks(vec![(Duration::from_millis(5), body.clone())])).await;
    let otlp = receiver().await;
    let langfuse = langfuse(&otlp.url).build().unwrap();
    let client = client(&openrouter, no_retries()).observed(&langfuse);
    let message = MessagesMessageParam::new("Say hello", "user");
    let items: Vec<_> = client.anthropic_messages().create("anthropic/claude-sonnet-4").messages(vec![message]).max_tokens(100).send_stream().await.unwrap().collect().await;
    assert!(items.iter().all(Result::is_ok), "{items:?}");
    langfuse.shutdown().await.unwrap();
    let a = attributes(&spans(&otlp)[0]);
    assert_eq!(spans(&otlp)[0].name, "messages");
    assert_eq!(json_attribute(&a, "langfuse.observation.output"), json!({"role": "assistant", "content": "Hello world"}));
    assert_eq!(json_attribute(&a, "langfuse.observation.usage_details"), json!({"input": 25, "output": 15, "input_cached_tokens": 20, "input_cache_creation": 0}));
    assert_eq!(text(&a, "gen_ai.response.id"), "msg_01");
    assert_eq!(text(&a, "langfuse.observation.metadata.finish_reason"), "end_turn");
    assert_eq!(json_attribute(&a, "langfuse.observation.model.parameters"), json!({"max_tokens": 100}));
    assert!(a.contains_key("langfuse.observation.completion_start_time"));
}

#[tokio::test]
async fn a_tracer_provider_of_the_users_own_receives_the_spans() {
    use openrouter_langfuse::observe::opentelemetry_sdk::error::OTelSdkResult;
    use openrouter_langfuse::observe::opentelemetry_sdk::trace::{SdkTracerProvider, SpanData, SpanExporter};
    use std::sync::{Arc, Mutex};

    #[derive(Debug, Clone, Default)]
    struct Collected(Arc<Mutex<Vec<SpanData>>>);
    impl SpanExporter for Collected {
        fn export(&self, batch: Vec<SpanData>) -> impl std::future::Future<Output = OTelSdkResult> + Send {
            self.0.lock().unwrap().extend(batch);
            async { Ok(()) }
        }
    }

    let collected = Collected::default();
    let provider = SdkTracerProvider::builder().with_simple_exporter(collected.clone()).build();
    let openrouter = Server::start(|_, _| json(200, completion())).await;
    let langfuse = Langfuse::builder().tracer_provider(provider.clone()).build().unwrap();
    client(&openrouter, no_retries()).observed(&langfuse).chat().send(user("hi")).await.unwrap();
    let report = langfuse.shutdown().await.unwrap();
    assert_eq!(report.dropped, 0);
    let spans = collected.0.lock().unwrap().clone();
    assert_eq!(spans.len(), 1);
    let kind = spans[0].attributes.iter().find(|kv| kv.key.as_str() == "langfuse.observation.type").map(|kv| kv.value.to_string());
    assert_eq!(kind.as_deref(), Some("generation"));
    // Flushed, not shut down: the user's provider keeps working.
    assert!(provider.force_flush().is_ok());
}
