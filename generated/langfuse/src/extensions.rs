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
// needs: field ChatMessage.content: String

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

impl Prompt {
    /// The same prompt with its `{{variables}}` filled in: text prompts in their text, chat
    /// prompts in each message's content, as the official SDKs' `compile` does.
    #[allow(unreachable_patterns)] // as above, should upstream drop the tag and a variant
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
