//! `compile` on Langfuse prompts fills `{{variables}}` the way the official SDKs do, in text
//! prompts and in every chat message, and leaves placeholders and unknown variables alone.

use openrouter_langfuse::langfuse::types::{ChatMessageWithPlaceholders, Prompt};
use openrouter_langfuse::langfuse::CompiledPrompt;
use serde_json::json;

fn prompt(value: serde_json::Value) -> Prompt {
    serde_json::from_value(value).expect("a prompt as the server sends it")
}

#[test]
fn text_prompts_fill_their_variables() {
    let text = prompt(json!({
        "type": "text", "name": "greeting", "version": 3, "config": {}, "labels": ["production"], "tags": [],
        "prompt": "Hello {{name}}, welcome to {{ product }}. {{unknown}} stays."
    }));
    let compiled = text.compile(&[("name", "Ada"), ("product", "the Rust SDK")]);
    assert_eq!(compiled.text(), Some("Hello Ada, welcome to the Rust SDK. {{unknown}} stays."), "the text to send, without a match");
    assert_eq!(compiled.to_string(), "Hello Ada, welcome to the Rust SDK. {{unknown}} stays.");
    assert!(compiled.messages().is_none());
}

#[test]
fn chat_prompts_fill_every_message_and_keep_placeholders() {
    let chat = prompt(json!({
        "type": "chat", "name": "support", "version": 1, "config": {"temperature": 0.2}, "labels": [], "tags": ["x"],
        "prompt": [
            {"role": "system", "content": "You support {{product}} in a {{tone}} tone."},
            {"type": "placeholder", "name": "history"},
            {"role": "user", "content": "{{question}}"}
        ]
    }));
    let compiled = chat.compile(&[("product", "OpenRouter"), ("tone", "friendly"), ("question", "Why?")]);
    assert!(matches!(&compiled, CompiledPrompt::Chat(_)) && compiled.text().is_none());
    assert_eq!(compiled.to_string(), "system: You support OpenRouter in a friendly tone.\n[placeholder history]\nuser: Why?");
    let contents: Vec<String> = compiled
        .messages()
        .expect("a chat prompt's messages")
        .iter()
        .map(|message| match message {
            ChatMessageWithPlaceholders::ChatMessage(message) => message.content.clone(),
            ChatMessageWithPlaceholders::PlaceholderMessage(placeholder) => format!("<{}>", placeholder.name),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(contents, ["You support OpenRouter in a friendly tone.", "<history>", "Why?"]);
}
