//! Issue 29: a decoded response re-encodes to exactly what the server sent — `null` stays `null`,
//! absent stays absent, `0` stays `0` (not `0.0`), nothing is added, undeclared keys keep their
//! names — compared as `serde_json::Value`s, whose numbers tell `0` from `0.0`. The fixtures
//! follow the documented response shapes of OpenRouter and Langfuse.

use futures_util::StreamExt;
use openrouter_langfuse::runtime::RetryPolicy;
use openrouter_langfuse::{langfuse, openrouter};
use serde_json::Value;
use spec_tests::server::{Reply, Server};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(spec_tests::root().join("tests/fixtures").join(name)).unwrap()
}

async fn serve(name: &str, content_type: &'static str) -> Server {
    let body = fixture(name);
    Server::start(move |_, _| Reply::Full(200, vec![("content-type", content_type.into())], body.clone())).await
}

fn openrouter_client(server: &Server) -> openrouter::Client {
    openrouter::Client::new(openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-1").with_retry(RetryPolicy::none())).unwrap()
}

fn messages() -> Vec<openrouter::types::ChatMessage> {
    vec![openrouter::types::ChatUserMessage::new("2+2?").into()]
}

fn assert_same(what: &str, sent: &[u8], encoded: Value) {
    let sent: Value = serde_json::from_slice(sent).unwrap();
    assert_eq!(encoded, sent, "{what} re-encoded differently:\nsent    {sent}\nencoded {encoded}");
}

#[tokio::test]
async fn chat_completions_re_encode_as_sent() {
    for name in ["openrouter_chat_completion_nulls_and_whole_numbers.json", "openrouter_chat_completion_undeclared_keys.json", "openrouter_chat_completion_unknown_finish_reason.json"] {
        let server = serve(name, "application/json").await;
        let response = openrouter_client(&server).chat().send(messages()).await.unwrap();
        assert!(response.warnings().is_empty(), "{name}: {:?}", response.warnings());
        assert_same(name, &fixture(name), serde_json::to_value(&response.value).unwrap());
    }
}

#[tokio::test]
async fn stream_chunks_re_encode_as_sent() {
    for name in ["openrouter_chat_stream_undeclared_keys.sse", "openrouter_chat_stream_length_error_usage.sse"] {
        let server = serve(name, "text/event-stream").await;
        let mut stream = openrouter_client(&server).chat().send(messages()).send_stream().await.unwrap();
        let text = String::from_utf8(fixture(name)).unwrap();
        let mut sent = text.lines().filter_map(|line| line.strip_prefix("data: ")).filter(|data| *data != "[DONE]");
        let mut chunks = 0;
        while let Some(item) = stream.next().await {
            let Ok(chunk) = item else { continue };
            let data = sent.next().expect("a chunk per event");
            assert_same(name, data.as_bytes(), serde_json::to_value(&chunk).unwrap());
            chunks += 1;
        }
        assert!(chunks > 0, "{name}");
    }
}

#[tokio::test]
async fn langfuse_prompts_re_encode_as_sent() {
    let server = serve("langfuse_prompt_undeclared_keys.json", "application/json").await;
    let client = langfuse::Client::new(langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk", "sk")).unwrap();
    let prompt = client.prompts().get("movie-critic").await.unwrap();
    assert_same("a prompt", &fixture("langfuse_prompt_undeclared_keys.json"), serde_json::to_value(&prompt.value).unwrap());
    let server = serve("langfuse_prompts_list_undeclared_keys.json", "application/json").await;
    let client = langfuse::Client::new(langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk", "sk")).unwrap();
    let list = client.prompts().list().await.unwrap();
    assert_same("a prompt list", &fixture("langfuse_prompts_list_undeclared_keys.json"), serde_json::to_value(&list.value).unwrap());
}

#[test]
fn values_built_in_code_encode_as_before() {
    // Built, not decoded: a required nullable field is written `null`, an unset optional one is
    // left out, and a number keeps serde_json's form (requests keep today's encoding).
    let usage = openrouter::types::ChatUsage::new(3, 1, 4).cost(0.0);
    let encoded = serde_json::to_string(&usage).unwrap();
    assert!(encoded.contains("\"cost\":0.0"), "{encoded}");
    assert!(!encoded.contains("null"), "{encoded}");
}
