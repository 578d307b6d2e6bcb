//! Keys real servers send that their specs do not declare (issue 10, finding 7) are readable in
//! `extra` on every struct, in whole responses and in stream chunks, and go back out on encode.
//! The fixtures follow the shapes of real OpenRouter and Langfuse traffic.

use futures_util::StreamExt;
use openrouter_langfuse::runtime::RetryPolicy;
use openrouter_langfuse::{langfuse, openrouter};
use spec_tests::server::{Reply, Server};

fn fixture(name: &str) -> Vec<u8> {
    std::fs::read(spec_tests::root().join("tests/fixtures").join(name)).unwrap()
}

fn serve_json(name: &str) -> impl Fn(usize, &spec_tests::server::Received) -> Reply + Send + Sync + 'static {
    let body = fixture(name);
    move |_, _| Reply::Full(200, vec![("content-type", "application/json".into())], body.clone())
}

fn openrouter_client(server: &Server) -> openrouter::Client {
    openrouter::Client::new(openrouter::Config::default().with_base_url(&server.url).with_api_key("sk-or-1").with_retry(RetryPolicy::none())).unwrap()
}

fn langfuse_client(server: &Server) -> langfuse::Client {
    langfuse::Client::new(langfuse::Config::default().with_base_url(&server.url).with_basic_auth("pk", "sk")).unwrap()
}

#[tokio::test]
async fn a_chat_completions_undeclared_keys_are_readable_at_every_level() {
    let server = Server::start(serve_json("openrouter_chat_completion_undeclared_keys.json")).await;
    let messages: Vec<openrouter::types::ChatMessage> = vec![openrouter::types::ChatUserMessage::new("weather?").into()];
    let completion = openrouter_client(&server).chat().send(messages).await.unwrap().value;
    // `provider` is declared by our overlay now (specs/overlays/openrouter.yaml), so it is typed.
    assert_eq!(completion.provider.as_deref(), Some("Google AI Studio"));
    let choice = &completion.choices[0];
    assert_eq!(choice.extra.get("native_finish_reason").unwrap(), "STOP");
    let annotations = choice.message.extra.get("annotations").unwrap();
    assert_eq!(annotations[0]["url_citation"]["url"], "https://example.org/a");
    let call = &choice.message.tool_calls.as_ref().unwrap()[0];
    assert_eq!(call.extra.get("index").unwrap(), 0);
    assert_eq!(call.function.name, "get_weather");
    let details = completion.usage.as_ref().unwrap().completion_tokens_details.as_ref().unwrap();
    assert_eq!(details.extra.get("image_tokens").unwrap(), 1290);
    // Declared keys never land in `extra`.
    assert!(completion.extra.is_empty(), "{:?}", completion.extra);

    // Encoding sends them back: a proxy or a cache loses nothing.
    let encoded = serde_json::to_value(&completion).unwrap();
    let original: serde_json::Value = serde_json::from_slice(&fixture("openrouter_chat_completion_undeclared_keys.json")).unwrap();
    assert_eq!(spec_tests::json::first_difference(&original, &encoded, ""), None);
}

#[tokio::test]
async fn a_stream_chunks_undeclared_keys_are_readable() {
    let body = fixture("openrouter_chat_stream_undeclared_keys.sse");
    let server = Server::start(move |_, _| Reply::Full(200, vec![("content-type", "text/event-stream".into())], body.clone())).await;
    let messages: Vec<openrouter::types::ChatMessage> = vec![openrouter::types::ChatUserMessage::new("hi").into()];
    let chunks: Vec<_> = openrouter_client(&server).chat().send(messages).send_stream().await.unwrap().collect().await;
    let chunks: Vec<_> = chunks.into_iter().map(Result::unwrap).collect();
    assert_eq!(chunks.len(), 2);
    assert!(chunks.iter().all(|c| c.provider.as_deref() == Some("OpenAI") && c.extra.get("provider").is_none()));
    assert_eq!(chunks[1].choices[0].extra.get("native_finish_reason").unwrap(), "completed");
    let details = chunks[1].usage.as_ref().unwrap().completion_tokens_details.as_ref().unwrap();
    assert_eq!(details.extra.get("image_tokens").unwrap(), 0);
}

#[tokio::test]
async fn a_langfuse_prompts_undeclared_keys_are_readable() {
    let server = Server::start(serve_json("langfuse_prompt_undeclared_keys.json")).await;
    let prompt = langfuse_client(&server).prompts().get("movie-critic").await.unwrap().value;
    let langfuse::types::Prompt::Text(text) = &prompt else { panic!("a text prompt: {prompt:?}") };
    assert_eq!(text.extra.get("id").unwrap(), "cm3x0q5ab0001lkq0d1e2f3g4");
    assert_eq!(text.extra.get("createdAt").unwrap(), "2026-11-02T09:15:27.113Z");
    assert_eq!(text.extra.get("projectId").unwrap(), "cm1p2r3o4j5e6c7t8");
    assert_eq!(text.extra.get("createdBy").unwrap(), "API");
    assert!(text.extra.get("isActive").unwrap().is_null());
    let keys: Vec<&str> = text.extra.iter().map(|(k, _)| k.as_str()).collect();
    assert_eq!(keys, ["id", "createdAt", "updatedAt", "projectId", "createdBy", "isActive"], "in the order sent");
}

#[tokio::test]
async fn a_langfuse_prompt_lists_pagination_is_readable() {
    let server = Server::start(serve_json("langfuse_prompts_list_undeclared_keys.json")).await;
    let list = langfuse_client(&server).prompts().list().await.unwrap().value;
    assert_eq!(list.extra.get("pagination").unwrap()["totalItems"], 1);
    assert_eq!(list.data[0].name, "movie-critic");
    assert!(list.data[0].extra.is_empty());
}

#[test]
fn undeclared_keys_set_on_a_request_are_sent() {
    let mut message = openrouter::types::ChatUserMessage::new("hi");
    message.extra.insert("cache_control", serde_json::json!({"type": "ephemeral"}));
    let encoded = serde_json::to_value(&message).unwrap();
    assert_eq!(encoded["cache_control"]["type"], "ephemeral");
    assert_eq!(encoded["content"], "hi");
}
