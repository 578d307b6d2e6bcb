//! Tolerant decoding (issue 21): a response or stream event whose optional field does not match
//! the spec decodes without that field, keeps its JSON in `extra`, and says so in a warning naming
//! the JSON path; with `Config::with_strict_decoding(true)` the same bodies fail as before.
//! Issue 29: a number sent as text reads as the number (with a warning), text sent as an object
//! reads as its JSON text, a string `error` in a stream chunk ends the stream like an error
//! object, and strict mode names the path while the chunk's usage stays readable.
//! The fixtures follow the shapes of real OpenRouter traffic.

use futures_util::StreamExt;
use openrouter_langfuse::openrouter::{self, types::ChatFinishReasonEnum};
use openrouter_langfuse::runtime::{Error, RetryPolicy};
use spec_tests::server::{Reply, Server};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(spec_tests::root().join("tests/fixtures").join(name)).unwrap()
}

async fn serve(name: &str, content_type: &'static str) -> Server {
    let body = fixture(name);
    Server::start(move |_, _| Reply::Full(200, vec![("content-type", content_type.into())], body.clone())).await
}

fn client(server: &Server, strict: bool) -> openrouter::Client {
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-1").with_retry(RetryPolicy::none());
    openrouter::Client::new(config.with_strict_decoding(strict)).unwrap()
}

fn messages() -> Vec<openrouter::types::ChatMessage> {
    vec![openrouter::types::ChatUserMessage::new("Tell me a story").into()]
}

/// What one streamed item was, with the warnings the stream reported for it.
#[derive(Debug)]
enum Seen {
    Chunk(Box<openrouter::types::ChatStreamChunk>, Vec<openrouter_langfuse::runtime::DecodeWarning>),
    StreamError(serde_json::Value),
    /// A strict decode's failure: its path and the body it failed on.
    Decode(String, Vec<u8>),
    // Read through `Debug` in the assertions' messages.
    #[allow(dead_code)]
    Other(String),
}

async fn stream_items(server: &Server, strict: bool) -> Vec<Seen> {
    let mut stream = client(server, strict).chat().send(messages()).send_stream().await.unwrap();
    let mut seen = Vec::new();
    while let Some(item) = stream.next().await {
        seen.push(match item {
            Ok(chunk) => Seen::Chunk(Box::new(chunk), stream.warnings().to_vec()),
            Err(Error::Stream { error, .. }) => Seen::StreamError(error),
            Err(Error::Decode(error)) => Seen::Decode(error.path.clone(), error.body.to_vec()),
            Err(other) => Seen::Other(other.to_string()),
        });
    }
    seen
}

/// The final chunk of a failed generation: decoded, with its usage, then the stream's error.
fn last_chunk_then_error(seen: &[Seen]) -> (&openrouter::types::ChatStreamChunk, &[openrouter_langfuse::runtime::DecodeWarning], &serde_json::Value) {
    assert_eq!(seen.len(), 5, "three text chunks, the final chunk, its error: {seen:#?}");
    for early in &seen[..3] {
        assert!(matches!(early, Seen::Chunk(_, warnings) if warnings.is_empty()), "{early:?}");
    }
    let (Seen::Chunk(last, warnings), Seen::StreamError(error)) = (&seen[3], &seen[4]) else { panic!("{seen:#?}") };
    assert_eq!(last.choices[0].finish_reason, Some(ChatFinishReasonEnum::Error));
    let usage = last.usage.as_ref().expect("the usage of what was billed");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.cost), (31, 212, Some(0.003273)));
    (last, warnings, error)
}

/// Strict mode's last two items for a chunk that carries an error and does not match the spec:
/// the decode error (its path, and the chunk it failed on) and then the stream's error.
fn strict_decode_then_error(seen: &[Seen], len: usize) -> (&str, serde_json::Value, &serde_json::Value) {
    assert_eq!(seen.len(), len, "{seen:#?}");
    let (Seen::Decode(path, body), Seen::StreamError(error)) = (&seen[len - 2], &seen[len - 1]) else { panic!("{seen:#?}") };
    (path, serde_json::from_slice(body).unwrap(), error)
}

#[tokio::test]
async fn a_final_chunk_whose_error_lacks_error_type_keeps_its_usage() {
    let server = serve("openrouter_chat_stream_error_without_error_type.sse", "text/event-stream").await;
    let seen = stream_items(&server, false).await;
    let (last, warnings, error) = last_chunk_then_error(&seen);
    let chunk_error = last.error.as_ref().expect("`error` itself matched; only its metadata did not");
    assert_eq!(chunk_error.code, 502);
    assert!(chunk_error.metadata.is_none());
    let metadata = chunk_error.extra.get("metadata").expect("the metadata's JSON, kept under its wire name");
    assert_eq!(metadata["provider_name"], "Anthropic");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "error.metadata");
    assert!(warnings[0].expected.contains("missing field `error_type`"), "{}", warnings[0].expected);
    assert_eq!(error["metadata"]["provider_name"], "Anthropic", "the error item carries the error as sent");

    // Strict: the chunk does not decode; the decode error names the path and carries the
    // chunk (its usage included), then the stream's error comes.
    let strict = stream_items(&server, true).await;
    let (path, body, error) = strict_decode_then_error(&strict, 5);
    assert_eq!((path, &body["usage"]["prompt_tokens"], &error["code"]), ("error.metadata", &31.into(), &502.into()));
}

#[tokio::test]
async fn a_final_chunk_whose_error_code_is_a_string_keeps_its_usage() {
    let server = serve("openrouter_chat_stream_error_string_code.sse", "text/event-stream").await;
    let seen = stream_items(&server, false).await;
    let (last, warnings, error) = last_chunk_then_error(&seen);
    assert!(last.error.is_none(), "`code` is required, so the optional `error` holding it is what is left out");
    assert_eq!(last.extra.get("error").unwrap()["code"], "server_error");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "error");
    let expected = &warnings[0].expected;
    assert_eq!(expected, "at error.code: invalid type: string \"server_error\", expected i32", "what was found, where, and what was expected");
    assert_eq!(error["code"], "server_error");

    let strict = stream_items(&server, true).await;
    let (path, _, error) = strict_decode_then_error(&strict, 5);
    assert_eq!((path, &error["code"]), ("error.code", &"server_error".into()));
}

#[tokio::test]
async fn an_unknown_finish_reason_is_the_enums_unknown_value() {
    let server = serve("openrouter_chat_completion_unknown_finish_reason.json", "application/json").await;
    for strict in [false, true] {
        let response = client(&server, strict).chat().send(messages()).await.unwrap();
        assert_eq!(response.choices[0].finish_reason, Some(ChatFinishReasonEnum::Unknown("pause_turn".into())));
        assert!(response.warnings().is_empty(), "an open enum's new value is no deviation: {:?}", response.warnings());
    }
}

#[tokio::test]
async fn a_number_sent_as_text_three_levels_down_reads_as_the_number() {
    let server = serve("openrouter_chat_completion_wrong_typed_deep_field.json", "application/json").await;
    let response = client(&server, false).chat().send(messages()).await.unwrap();
    let usage = response.usage.as_ref().unwrap();
    let details = usage.prompt_tokens_details.as_ref().unwrap();
    assert_eq!(details.cached_tokens, Some(0), "\"0\" read as 0");
    assert_eq!(details.audio_tokens, Some(0), "its siblings decode");
    assert!(details.extra.is_empty(), "nothing set aside: {:?}", details.extra);
    assert_eq!((usage.total_tokens, response.choices[0].message.content.is_some()), (17, true));
    assert_eq!(response.warnings().len(), 1, "{:?}", response.warnings());
    assert_eq!(response.warnings()[0].path, "usage.prompt_tokens_details.cached_tokens");
    assert!(response.warnings()[0].expected.contains("found the string \"0\" where the spec says number"), "{}", response.warnings()[0].expected);

    let Err(Error::Decode(error)) = client(&server, true).chat().send(messages()).await else { panic!("strict decoding fails") };
    assert_eq!((error.operation, error.status, error.path.as_str()), ("sendChatCompletionRequest", 200, "usage.prompt_tokens_details.cached_tokens"));
}

#[tokio::test]
async fn a_wrong_typed_value_in_an_array_element_costs_neither_the_array_nor_the_usage() {
    let server = serve("openrouter_chat_completion_tool_arguments_object.json", "application/json").await;
    let response = client(&server, false).chat().send(messages()).await.unwrap();
    let calls = response.choices[0].message.tool_calls.as_ref().expect("every tool call is kept");
    assert_eq!(calls.len(), 2);
    assert_eq!(calls[0].function.arguments, r#"{"city":"Paris","unit":"celsius"}"#, "an object where the spec says string reads as its JSON text");
    assert_eq!(calls[1].function.arguments, r#"{"city":"Paris"}"#);
    let usage = response.usage.as_ref().expect("the usage the user paid for");
    assert_eq!((usage.prompt_tokens, usage.completion_tokens, usage.cost), (20, 41, Some(0.0)));
    let paths: Vec<&str> = response.warnings().iter().map(|w| w.path.as_str()).collect();
    assert_eq!(paths, ["choices[0].logprobs", "choices[0].message.tool_calls[0].function.arguments", "usage.prompt_tokens"], "{:?}", response.warnings());
    assert!(response.warnings()[1].expected.starts_with("found an object where the spec says string"), "{}", response.warnings()[1].expected);
    // The optional field inside the array element is what `logprobs: "unavailable"` costs.
    assert!(response.choices[0].logprobs.is_none());
    assert_eq!(response.choices[0].extra.get("logprobs").unwrap(), "unavailable");
    assert_eq!(response.choices[0].finish_reason, Some(ChatFinishReasonEnum::ToolCalls));
    // An undeclared key keeps its name whatever it starts with, and is written once.
    assert_eq!(response.extra.get("\u{F8FF}system_fingerprint").unwrap(), "a key starting with a private-use character");
    assert!(response.system_fingerprint.is_none());
    let encoded = serde_json::to_string(&response.value).unwrap();
    assert_eq!(encoded.matches("\u{F8FF}system_fingerprint").count(), 1, "{encoded}");

    let Err(Error::Decode(error)) = client(&server, true).chat().send(messages()).await else { panic!("strict decoding fails") };
    assert_eq!(error.path, "choices[0].logprobs", "the first deviation in the body");
}

#[tokio::test]
async fn a_string_error_in_a_chunk_ends_the_stream_and_keeps_the_usage() {
    let server = serve("openrouter_chat_stream_error_string.sse", "text/event-stream").await;
    let seen = stream_items(&server, false).await;
    let (last, warnings, error) = last_chunk_then_error(&seen);
    assert_eq!(error, "Upstream disconnected", "the string error is the stream's error");
    assert!(last.error.is_none());
    assert_eq!(last.extra.get("error").unwrap(), "Upstream disconnected", "kept under its wire name");
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "error");
    assert!(warnings[0].expected.contains("invalid type: string \"Upstream disconnected\""), "{}", warnings[0].expected);

    let strict = stream_items(&server, true).await;
    let (path, body, error) = strict_decode_then_error(&strict, 5);
    assert_eq!(path, "error", "strict mode names the path");
    assert_eq!(body["usage"]["cost"], 0.003273, "the usage stays readable");
    assert_eq!(error, "Upstream disconnected");
}

#[tokio::test]
async fn an_error_chunk_with_an_off_spec_usage_keeps_the_usage_in_both_modes() {
    let server = serve("openrouter_chat_stream_error_text_usage.sse", "text/event-stream").await;
    let seen = stream_items(&server, false).await;
    assert_eq!(seen.len(), 3, "{seen:#?}");
    let (Seen::Chunk(last, warnings), Seen::StreamError(error)) = (&seen[1], &seen[2]) else { panic!("{seen:#?}") };
    let usage = last.usage.as_ref().expect("usage read");
    assert_eq!((usage.prompt_tokens, usage.total_tokens), (20, 29));
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert_eq!(warnings[0].path, "usage.prompt_tokens");
    assert_eq!(error["code"], 502);

    let strict = stream_items(&server, true).await;
    let (path, body, error) = strict_decode_then_error(&strict, 3);
    assert_eq!((path, &body["usage"]["completion_tokens"], &error["code"]), ("usage.prompt_tokens", &9.into(), &502.into()));
}

#[tokio::test]
async fn a_required_field_at_the_top_fails_even_when_tolerant() {
    let mut body: serde_json::Value = serde_json::from_slice(&fixture("openrouter_chat_completion_unknown_finish_reason.json")).unwrap();
    body["created"] = serde_json::json!("yesterday");
    let body = serde_json::to_vec(&body).unwrap();
    let server = Server::start(move |_, _| Reply::Full(200, vec![("content-type", "application/json".into())], body.clone())).await;
    let Err(Error::Decode(error)) = client(&server, false).chat().send(messages()).await else { panic!("a required field is strict") };
    assert_eq!(error.path, "created");
}

/// A large body is decoded off the async worker: on a one-thread runtime, a task beside the call
/// keeps running while the client decodes megabytes tolerantly (decoding in place, the ticker
/// would be stalled for most of the call).
#[tokio::test]
async fn a_large_body_does_not_stall_the_tasks_beside_it() {
    let mut body: serde_json::Value = serde_json::from_slice(&fixture("openrouter_chat_completion_wrong_typed_deep_field.json")).unwrap();
    let mut choice = body["choices"][0].clone();
    choice["logprobs"] = "unavailable".into();
    body["choices"] = (0..30_000).map(|i| {
        let mut choice = choice.clone();
        choice["index"] = i.into();
        choice
    }).collect();
    let body = serde_json::to_vec(&body).unwrap();
    assert!(body.len() > 4 << 20, "{} bytes", body.len());
    let server = Server::start(move |_, _| Reply::Full(200, vec![("content-type", "application/json".into())], body.clone())).await;
    let client = client(&server, false);

    let ticks = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let ticker = tokio::spawn({
        let ticks = ticks.clone();
        async move {
            loop {
                ticks.lock().unwrap().push(std::time::Instant::now());
                tokio::time::sleep(std::time::Duration::from_millis(2)).await;
            }
        }
    });
    let started = std::time::Instant::now();
    let response = client.chat().send(messages()).await.unwrap();
    let elapsed = started.elapsed();
    ticker.abort();
    assert_eq!((response.choices.len(), response.warnings().len()), (30_000, 256), "warnings are capped");
    // From the call's start to its end, the longest time the ticker did not run.
    let mut ticks = ticks.lock().unwrap().clone();
    ticks.push(started + elapsed);
    let longest = ticks.windows(2).map(|pair| pair[1] - pair[0].max(started)).max().unwrap();
    assert!(longest * 4 < elapsed, "the ticker stalled {longest:?} of a {elapsed:?} call");
}
