//! Between the two APIs: a Langfuse prompt sent as OpenRouter chat messages, and (with the
//! `observe` feature) the generations it produces linked back to the prompt in Langfuse.
//!
//! ```no_run
//! # #[cfg(feature = "observe")] mod example {
//! use openrouter_langfuse::bridge::{LinkPrompt, PromptMessages};
//! use openrouter_langfuse::{langfuse, observe::Langfuse, openrouter};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let langfuse = Langfuse::from_env()?;
//! let prompt = langfuse::Client::from_env()?.prompts().get("support-answer").label("production").await?;
//! let trace = langfuse.trace("support").prompt_of(&prompt); // generations link to the prompt
//! let client = openrouter::Client::from_env()?.observed(&trace);
//! let answer = client.chat().send(prompt.chat_messages(&[("product", "the SDK")])).model("openai/gpt-4o-mini").await?;
//! println!("{:?}", answer.choices[0].message.content);
//! langfuse.shutdown().await?; // sends the trace and its generation
//! # Ok(()) }
//! # }
//! ```

use crate::langfuse::types::{ChatMessageWithPlaceholders, Prompt};
use crate::openrouter::types::{ChatAssistantMessage, ChatDeveloperMessage, ChatMessage, ChatSystemMessage, ChatUserMessage};

/// A Langfuse prompt as OpenRouter chat messages.
pub trait PromptMessages {
    /// The prompt with its `{{variables}}` filled in, as messages to send: a chat prompt's
    /// messages by role (`system`, `developer`, `assistant`, anything else as `user`), a text
    /// prompt as one user message. Placeholder messages are left out: put your conversation
    /// where they stood.
    fn chat_messages<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> Vec<ChatMessage>;

    /// The prompt's name and version, as Langfuse links generations to it.
    fn name_and_version(&self) -> Option<(String, i64)>;
}

impl PromptMessages for Prompt {
    fn chat_messages<K: AsRef<str>, V: AsRef<str>>(&self, variables: &[(K, V)]) -> Vec<ChatMessage> {
        match self {
            Prompt::Text(text) => vec![ChatUserMessage::new(text.compile(variables)).into()],
            Prompt::Chat(chat) => chat.compile(variables).iter().filter_map(message).collect(),
            _ => Vec::new(),
        }
    }

    fn name_and_version(&self) -> Option<(String, i64)> {
        match self {
            Prompt::Text(text) => Some((text.name.clone(), text.version)),
            Prompt::Chat(chat) => Some((chat.name.clone(), chat.version)),
            _ => None,
        }
    }
}

fn message(message: &ChatMessageWithPlaceholders) -> Option<ChatMessage> {
    let ChatMessageWithPlaceholders::ChatMessage(chat) = message else { return None };
    let content = chat.content.clone();
    Some(match chat.role.as_str() {
        "system" => ChatSystemMessage::new(content).into(),
        "developer" => ChatDeveloperMessage::new(content).into(),
        "assistant" => ChatAssistantMessage::new().content(content).into(),
        _ => ChatUserMessage::new(content).into(),
    })
}

/// Links a trace's generations to the Langfuse prompt their messages came from.
#[cfg(feature = "observe")]
pub trait LinkPrompt {
    /// The trace, with every generation in it linked to `prompt` (its name and version).
    fn prompt_of(self, prompt: &Prompt) -> crate::observe::Trace;
}

#[cfg(feature = "observe")]
impl LinkPrompt for crate::observe::Trace {
    fn prompt_of(self, prompt: &Prompt) -> crate::observe::Trace {
        match prompt.name_and_version() {
            Some((name, version)) => self.prompt(name, version),
            None => self,
        }
    }
}
