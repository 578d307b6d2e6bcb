//! Tolerant decoding (issue 21): a response or stream event whose optional field does not match
//! the spec decodes without that field, keeps its JSON in `extra`, and says so in a warning naming
//! the JSON path; with `Config::with_strict_decoding(true)` the same bodies fail as before.
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

    // Strict: the chunk does not decode, so only the error comes, as before tolerant decoding.
    let strict = stream_items(&server, true).await;
    assert_eq!(strict.len(), 4, "{strict:#?}");
    assert!(matches!(&strict[3], Seen::StreamError(error) if error["code"] == 502), "{:?}", strict[3]);
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
    assert!(expected.starts_with("missing field `code`") && expected.contains("error.code: invalid type: string \"server_error\""), "{expected}");
    assert_eq!(error["code"], "server_error");

    let strict = stream_items(&server, true).await;
    assert_eq!(strict.len(), 4, "{strict:#?}");
    assert!(matches!(&strict[3], Seen::StreamError(error) if error["code"] == "server_error"), "{:?}", strict[3]);
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
async fn a_wrong_typed_optional_field_three_levels_down_costs_only_that_field() {
    let server = serve("openrouter_chat_completion_wrong_typed_deep_field.json", "application/json").await;
    let response = client(&server, false).chat().send(messages()).await.unwrap();
    let usage = response.usage.as_ref().unwrap();
    let details = usage.prompt_tokens_details.as_ref().unwrap();
    assert_eq!(details.cached_tokens, None);
    assert_eq!(details.audio_tokens, Some(0), "its siblings decode");
    assert_eq!(details.extra.get("cached_tokens").unwrap(), "0", "the raw value, under its wire name");
    assert_eq!((usage.total_tokens, response.choices[0].message.content.is_some()), (17, true));
    assert_eq!(response.warnings().len(), 1, "{:?}", response.warnings());
    assert_eq!(response.warnings()[0].path, "usage.prompt_tokens_details.cached_tokens");
    assert!(response.warnings()[0].expected.contains("expected i64"), "{}", response.warnings()[0].expected);
    // Encoding gives back what was sent: the set-aside value goes out under its own name.
    let original: serde_json::Value = serde_json::from_slice(&fixture("openrouter_chat_completion_wrong_typed_deep_field.json")).unwrap();
    let encoded = serde_json::to_value(&response.value).unwrap();
    assert_eq!(spec_tests::json::first_difference(&original, &encoded, ""), None);

    let Err(Error::Decode(error)) = client(&server, true).chat().send(messages()).await else { panic!("strict decoding fails") };
    assert_eq!((error.operation, error.status, error.path.as_str()), ("sendChatCompletionRequest", 200, "usage.prompt_tokens_details.cached_tokens"));
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
