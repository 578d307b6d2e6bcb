use openrouter_langfuse::langfuse;
use openrouter_langfuse::openrouter::{types, Client, Config};
use openrouter_langfuse::prelude::*;
use openrouter_langfuse::runtime::Uuid;
use std::time::Duration;

async fn openrouter(id: Uuid) -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::default().with_api_key("sk-or-…").with_app_title("My App"))?;
    let models = client.models().list().limit(10).await?;
    println!("{} models, status {}", models.data.len(), models.status);

    // Tri-state: a value, `None` (sent as null), or not called (left unchanged).
    client.observability().update(id).name("prod").api_key_hashes(None).await?;
    client.observability().update(id).api_key_hashes(vec!["h".to_string()]).send().await?;
    let body = types::UpdateObservabilityDestinationRequest::new().filter_rules(None).api_key_hashes(Patch::Null);
    client.observability().update(id).body(body).timeout(Duration::from_secs(5)).await?;

    // Unions convert from each variant; one-value tags are filled in by `new`.
    let messages: Vec<types::ChatMessage> =
        vec![types::ChatSystemMessage::new("Be brief.").into(), types::ChatUserMessage::new("hi").name("ada").into()];
    let mut events = client.chat().send(messages).retry(RetryPolicy::none()).send_stream().await?;
    while let Some(chunk) = events.next().await {
        let chunk: types::ChatStreamChunk = chunk?;
        println!("{:?}", chunk.choices.first().map(|c| &c.delta.content));
    }

    let mut workspaces = client.workspaces().list().send_paginated();
    while let Some(workspace) = workspaces.next().await {
        println!("{}", workspace?.name);
    }

    match client.models().count().await {
        Ok(count) => println!("{}", count.data.count),
        Err(Error::Api(error)) => println!("{} {:?}", error.status, error.body),
        Err(other) => return Err(other.into()),
    }
    // Enums are non-exhaustive: values added upstream never break a match.
    match types::WorkspaceBudgetInterval::Monthly {
        types::WorkspaceBudgetInterval::Monthly => println!("monthly"),
        other => println!("{}", other.as_str()),
    }
    Ok(())
}

async fn langfuse() -> Result<(), Box<dyn std::error::Error>> {
    let client = langfuse::Client::from_env()?;
    let prompt = client.prompts().get("folder/name").label("production").await?;
    if let Some(text) = prompt.compile(&[("name", "Ada")]).text() {
        println!("{text}");
    }
    let score = langfuse::types::ScoreBody::new("quality", 0.9).comment("good");
    println!("{}", json!(score));
    let mut sessions = client.sessions().list().send_paginated();
    while let Some(session) = sessions.next().await {
        println!("{}", session?.id);
    }
    Ok(())
}

fn main() {
    let _ = openrouter;
    let _ = langfuse;
}
