//! Lists OpenRouter models. Run: `OPENROUTER_API_KEY=… cargo run --example list_models`

use openrouter_langfuse::openrouter::Client;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let models = client.models().list().send().await?;
    for model in models.data.iter().take(10) {
        println!("{} — context {:?}", model.id, model.context_length);
    }
    // Everything the server sent stays reachable, including fields the spec does not declare yet.
    println!("{} models; {} bytes of raw body; x-request-id: {:?}", models.data.len(), models.raw.len(), models.headers.get("x-request-id"));
    Ok(())
}
