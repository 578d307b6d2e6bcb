//! `compile` on Langfuse prompts fills `{{variables}}` the way the official SDKs do, in text
//! prompts and in every chat message, and leaves placeholders and unknown variables alone.

use openrouter_langfuse::langfuse::types::{ChatMessageWithPlaceholders, Prompt};
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
    let Prompt::Text(compiled) = text.compile(&[("name", "Ada"), ("product", "the Rust SDK")]) else { panic!("still a text prompt") };
    assert_eq!(compiled.prompt, "Hello Ada, welcome to the Rust SDK. {{unknown}} stays.");
    assert_eq!(compiled.version, 3);
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
    let Prompt::Chat(compiled) = chat.compile(&[("product", "OpenRouter"), ("tone", "friendly"), ("question", "Why?")]) else {
        panic!("still a chat prompt")
    };
    let contents: Vec<String> = compiled
        .prompt
        .iter()
        .map(|message| match message {
            ChatMessageWithPlaceholders::ChatMessage(message) => message.content.clone(),
            ChatMessageWithPlaceholders::PlaceholderMessage(placeholder) => format!("<{}>", placeholder.name),
            other => panic!("unexpected {other:?}"),
        })
        .collect();
    assert_eq!(contents, ["You support OpenRouter in a friendly tone.", "<history>", "Why?"]);
}
