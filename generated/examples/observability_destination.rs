//! Creates an OpenRouter observability destination, then patches it: renames it and clears its
//! API-key filter by sending `null` (not calling a setter leaves a field unchanged).
//! Run: `OPENROUTER_API_KEY=… cargo run --example observability_destination`

use openrouter_langfuse::openrouter::types::ObservabilityDestination;
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
    // The response is a union over every destination type; ours is the webhook one.
    let ObservabilityDestination::Webhook(destination) = &created.data else {
        return Err(format!("expected a webhook destination, got {:?}", created.data).into());
    };
    let id = destination.id;

    let updated = client
        .observability()
        .update(id)
        .name("my-webhook (renamed)")
        .api_key_hashes(None) // sends "api_key_hashes": null — clears the filter
        .await?;
    println!("updated: status {}", updated.status);
    Ok(())
}
