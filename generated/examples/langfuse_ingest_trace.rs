//! Ingests a Langfuse trace with two spans in one batch.
//! Run: `LANGFUSE_PUBLIC_KEY=… LANGFUSE_SECRET_KEY=… cargo run --example langfuse_ingest_trace`

use openrouter_langfuse::langfuse::{types, Client};
use openrouter_langfuse::runtime::Patch;

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::from_env()?;
    let now = "2026-11-22T12:00:00.000Z".to_string();
    let trace_id = "trace-0001".to_string();
    let span = |id: &str, name: &str| {
        types::IngestionEvent::SpanCreate(types::IngestionEventSpanCreate {
            r#type: types::IngestionEventSpanCreateType,
            id: format!("event-{id}"),
            timestamp: now.clone(),
            metadata: Patch::Absent,
            body: types::CreateSpanBody {
                id: Patch::Value(id.to_string()),
                trace_id: Patch::Value(trace_id.clone()),
                name: Patch::Value(name.to_string()),
                ..Default::default()
            },
        })
    };
    let batch = vec![
        types::IngestionEvent::TraceCreate(types::IngestionEventTraceCreate {
            r#type: types::IngestionEventTraceCreateType,
            id: "event-trace".to_string(),
            timestamp: now.clone(),
            metadata: Patch::Absent,
            body: types::TraceBody {
                id: Patch::Value(trace_id.clone()),
                name: Patch::Value("checkout".to_string()),
                tags: Patch::Value(vec!["example".to_string()]),
                ..Default::default()
            },
        }),
        span("span-1", "load cart"),
        span("span-2", "charge card"),
    ];
    // Ingestion answers 207: each event succeeds or fails on its own. Langfuse marks batch
    // ingestion deprecated in favour of its OpenTelemetry endpoint; it still works.
    #[allow(deprecated)]
    let result = client.ingestion().batch(batch).send().await?;
    println!("{} succeeded, {} failed", result.successes.len(), result.errors.len());
    Ok(())
}
