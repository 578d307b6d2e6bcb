//! Creates an OpenRouter observability destination, then patches it: renames it and clears its
//! API-key filter by sending `null` (not calling a setter leaves a field unchanged).
//! Run: `OPENROUTER_API_KEY=… cargo run --example observability_destination`

use openrouter_langfuse::openrouter::Client;
use openrouter_langfuse::prelude::*;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let created = client
        .observability()
        .create(json!({"url": "https://example.com/webhook"}), "my-webhook", "webhook")
        .api_key_hashes(vec!["0123abcd".to_string()])
        .await?;
    let destination: serde_json::Value = serde_json::to_value(&created.data)?;
    let id: openrouter_langfuse::runtime::Uuid = serde_json::from_value(destination["id"].clone())?;

    let updated = client
        .observability()
        .update(id)
        .name("my-webhook (renamed)")
        .api_key_hashes(None) // sends "api_key_hashes": null — clears the filter
        .await?;
    println!("updated: status {}", updated.status);
    Ok(())
}
