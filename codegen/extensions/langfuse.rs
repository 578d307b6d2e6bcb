#![cfg(feature = "prompts")]
//! Hand-written conveniences on generated Langfuse types, written into the generated crate by
//! `cargo xtask regen` from `codegen/extensions/langfuse.rs`. If an upstream change renames a type
//! used here, the generated crate stops compiling: that is the drift alarm doing its job.

use crate::runtime::fill_template;
use crate::types::{ChatMessageWithPlaceholders, Prompt, PromptChat, PromptText};

impl PromptText {
    /// The prompt with its `{{variables}}` filled in (unknown ones stay as written).
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> String {
        fill_template(&self.prompt, variables)
    }
}

impl PromptChat {
    /// The messages with `{{variables}}` filled in their content; placeholder messages are kept.
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> Vec<ChatMessageWithPlaceholders> {
        self.prompt
            .iter()
            .map(|message| match message {
                ChatMessageWithPlaceholders::ChatMessage(chat) => {
                    let mut chat = chat.clone();
                    chat.content = fill_template(&chat.content, variables);
                    ChatMessageWithPlaceholders::ChatMessage(chat)
                }
                other => other.clone(),
            })
            .collect()
    }
}

impl Prompt {
    /// The same prompt with its `{{variables}}` filled in: text prompts in their text, chat
    /// prompts in each message's content, as the official SDKs' `compile` does.
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> Prompt {
        match self {
            Prompt::Text(text) => {
                let mut text = text.clone();
                text.prompt = text.compile(variables);
                Prompt::Text(text)
            }
            Prompt::Chat(chat) => {
                let mut chat = chat.clone();
                chat.prompt = chat.compile(variables);
                Prompt::Chat(chat)
            }
            other => other.clone(),
        }
    }
}
