use futures_util::StreamExt;
use openrouter_langfuse::langfuse;
use openrouter_langfuse::openrouter::{types, Client, Config};
use openrouter_langfuse::runtime::{Patch, RetryPolicy, Uuid};
use std::time::Duration;

async fn openrouter(id: Uuid) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::default().with_api_key("sk-or-…").with_app_title("My App"))?;
    let models = client.models().list().limit(10).send().await?;
    println!("{} models, status {}", models.data.len(), models.status);

    // Tri-state: a value, `None` (sent as null), or not called (left unchanged).
    client.observability().update(id).name("prod").api_key_hashes(None).send().await?;
    client.observability().update(id).api_key_hashes(vec!["h".to_string()]).send().await?;
    let body = types::UpdateObservabilityDestinationRequest { filter_rules: Patch::Null, ..Default::default() };
    client.observability().update(id).body(body).timeout(Duration::from_secs(5)).send().await?;

    let messages: Vec<types::ChatMessages> = serde_json::from_value(serde_json::json!([{"role": "user", "content": "hi"}]))?;
    let mut events = client.chat().send(messages).retry(RetryPolicy::none()).send_stream().await?;
    while let Some(chunk) = events.next().await {
        let chunk: types::ChatStreamChunk = chunk?;
        println!("{:?}", chunk.choices.first().map(|c| &c.delta.content));
    }

    let mut workspaces = client.workspaces().list().send_paginated();
    while let Some(workspace) = workspaces.next().await {
        println!("{}", workspace?.name);
    }

    match client.models().count().send().await {
        Ok(count) => println!("{}", count.data.count),
        Err(openrouter_langfuse::runtime::Error::Api(error)) => println!("{} {:?}", error.status, error.body),
        Err(other) => return Err(other.into()),
    }
    let interval = types::WorkspaceBudgetInterval::Monthly;
    println!("{}", interval.as_str());
    Ok(())
}

async fn langfuse() -> Result<(), Box<dyn std::error::Error>> {
    let client = langfuse::Client::from_env()?;
    let prompt = client.prompts().get("folder/name").label("production").send().await?;
    if let langfuse::types::Prompt::Text(text) = &prompt.value {
        println!("{}", text.prompt);
    }
    let mut traces = client.sessions().list().send_paginated();
    while let Some(session) = traces.next().await {
        println!("{}", session?.id);
    }
    Ok(())
}

fn main() {
    let _ = openrouter;
    let _ = langfuse;
}
