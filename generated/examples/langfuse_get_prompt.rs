//! Fetches a Langfuse prompt (folder paths are percent-encoded for you).
//! Run: `LANGFUSE_PUBLIC_KEY=… LANGFUSE_SECRET_KEY=… cargo run --example langfuse_get_prompt -- folder/name`

use openrouter_langfuse::langfuse::{types, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let name = std::env::args().nth(1).unwrap_or_else(|| "movie-critic".to_string());
    let client = Client::from_env()?;
    let prompt = client.prompts().get(name).label("production").send().await?;
    match &prompt.value {
        types::Prompt::Chat(chat) => println!("chat prompt with {} messages", chat.prompt.len()),
        types::Prompt::Text(text) => println!("text prompt: {}", text.prompt),
        types::Prompt::Unknown(raw) => println!("a prompt type this client does not know yet: {raw}"),
    }
    Ok(())
}
