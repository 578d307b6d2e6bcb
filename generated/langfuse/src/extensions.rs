#![cfg(feature = "prompts")]
//! Hand-written conveniences on generated Langfuse types, written into the generated crate by
//! `cargo xtask regen` from `codegen/extensions/langfuse.rs`. Regen checks the needs below against
//! the spec's model and leaves this module out (with a warning in `DEGRADED.md`) when upstream
//! moved one of them, so an older or newer spec still gives a crate that compiles.
// needs: feature prompts
// needs: variant Prompt::Text(PromptText)
// needs: variant Prompt::Chat(PromptChat)
// needs: field PromptText.prompt: String
// needs: field PromptChat.prompt: Vec<ChatMessageWithPlaceholders>
// needs: variant ChatMessageWithPlaceholders::ChatMessage(ChatMessage)
// needs: variant ChatMessageWithPlaceholders::PlaceholderMessage(PlaceholderMessage)
// needs: field ChatMessage.role: String
// needs: field ChatMessage.content: String
// needs: field PlaceholderMessage.name: String

use super::types::{ChatMessageWithPlaceholders, Prompt, PromptChat, PromptText};
use crate::runtime::fill_template;

impl PromptText {
    /// The prompt with its `{{variables}}` filled in (unknown ones stay as written).
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> String {
        fill_template(&self.prompt, variables)
    }
}

impl PromptChat {
    /// The messages with `{{variables}}` filled in their content; placeholder messages are kept.
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> Vec<ChatMessageWithPlaceholders> {
        self.prompt.iter().map(|message| compile_message(message, variables)).collect()
    }
}

// The catch-all arm stays valid if upstream leaves the union with one variant.
#[allow(unreachable_patterns)]
fn compile_message<K: AsRef<str>, V: AsRef<str>>(message: &ChatMessageWithPlaceholders, variables: &[(K, V)]) -> ChatMessageWithPlaceholders {
    match message {
        ChatMessageWithPlaceholders::ChatMessage(chat) => {
            let mut chat = chat.clone();
            chat.content = fill_template(&chat.content, variables);
            ChatMessageWithPlaceholders::ChatMessage(chat)
        }
        other => other.clone(),
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
    /// A prompt of a kind this version of the client does not know, as it came (boxed: it is
    /// rare, and the common variants stay small).
    Other(Box<Prompt>),
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
    // As above: the catch-all arm stays valid if upstream leaves the union with one variant.
    #[allow(unreachable_patterns)]
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
                        _ => f.write_str("[message of an unknown kind]")?,
                    }
                }
                Ok(())
            }
            CompiledPrompt::Other(prompt) => write!(f, "{prompt:?}"),
        }
    }
}

impl Prompt {
    /// The prompt with its `{{variables}}` filled in, as the official SDKs' `compile` does: a text
    /// prompt's text, or a chat prompt's messages (`.text()` / `.messages()` read them, and
    /// `Display` prints either). The prompt's name, version and config stay on `self`.
    #[allow(unreachable_patterns)] // as above, should upstream drop the tag and a variant
    pub fn compile<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> CompiledPrompt {
        match self {
            Prompt::Text(text) => CompiledPrompt::Text(text.compile(variables)),
            Prompt::Chat(chat) => CompiledPrompt::Chat(chat.compile(variables)),
            other => CompiledPrompt::Other(Box::new(other.clone())),
        }
    }
}
