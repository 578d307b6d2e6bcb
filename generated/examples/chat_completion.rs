//! A chat completion with OpenRouter. Run: `OPENROUTER_API_KEY=… cargo run --example chat_completion`

use openrouter_langfuse::openrouter::{types, Client};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    // Union-typed values (messages, content) are easiest to write as the JSON the API documents;
    // they are checked against the generated types here, before anything is sent.
    let messages: Vec<types::ChatMessages> = serde_json::from_value(serde_json::json!([
        {"role": "system", "content": "Answer in one sentence."},
        {"role": "user", "content": "What is OpenRouter?"}
    ]))?;
    let response = client
        .chat()
        .send(messages)
        .model(types::ModelName::from("openai/gpt-4o-mini".to_string()))
        .temperature(0.2)
        .send()
        .await?;
    println!("status {}, {} choice(s)", response.status, response.choices.len());
    println!("{}", serde_json::to_string_pretty(&response.choices)?);
    Ok(())
}
