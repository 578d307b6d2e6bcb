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

/// A prompt with its `{{variables}}` filled in: what you send to a model. A text prompt is its
/// text; a chat prompt its messages (placeholder messages kept, for you to replace with a
/// conversation). `Display` prints the text, or one `role: content` line per message.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum CompiledPrompt {
    /// A text prompt's text.
    Text(String),
    /// A chat prompt's messages.
    Chat(Vec<ChatMessageWithPlaceholders>),
    /// A prompt type this version of the client does not know, as sent.
    Unknown(serde_json::Value),
}

impl CompiledPrompt {
    /// The text, for a text prompt.
    pub fn text(&self) -> Option<&str> {
        match self {
            CompiledPrompt::Text(text) => Some(text),
            _ => None,
        }
    }

    /// The messages, for a chat prompt.
    pub fn messages(&self) -> Option<&[ChatMessageWithPlaceholders]> {
        match self {
            CompiledPrompt::Chat(messages) => Some(messages),
            _ => None,
        }
    }
}

impl std::fmt::Display for CompiledPrompt {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            CompiledPrompt::Text(text) => f.write_str(text),
            CompiledPrompt::Chat(messages) => {
                for (index, message) in messages.iter().enumerate() {
                    if index > 0 {
                        f.write_str("\n")?;
                    }
                    match message {
                        ChatMessageWithPlaceholders::ChatMessage(chat) => write!(f, "{}: {}", chat.role, chat.content)?,
                        ChatMessageWithPlaceholders::PlaceholderMessage(placeholder) => write!(f, "[placeholder {}]", placeholder.name)?,
                        #[allow(unreachable_patterns)]
                        _ => f.write_str("[message of an unknown kind]")?,
                    }
                }
                Ok(())
            }
            CompiledPrompt::Unknown(value) => write!(f, "{value}"),
        }
    }
}

impl Prompt {
    /// The prompt with its `{{variables}}` filled in, as the official SDKs' `compile` does: a text
    /// prompt's text, or a chat prompt's messages (`.text()` / `.messages()` read them, and
    /// `Display` prints either). The prompt's name, version and config stay on `self`.
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> CompiledPrompt {
        match self {
            Prompt::Text(text) => CompiledPrompt::Text(text.compile(variables)),
            Prompt::Chat(chat) => CompiledPrompt::Chat(chat.compile(variables)),
            Prompt::Unknown(value) => CompiledPrompt::Unknown(value.clone()),
        }
    }
}
