//! The experiment runner at scale, on loopback: 1,000 items × 3 models at concurrency 16 finish,
//! nothing recorded is dropped (every root, generation and score reaches the loopback Langfuse and
//! the shutdown report's counts match), and the process's peak memory stays bounded.

use openrouter_langfuse::experiment::{exact_match, Dataset, Experiments, Item};
use serde_json::{json, Value};
use spec_tests::otlp::*;
use spec_tests::server::{json, Server};
use std::time::Instant;

const ITEMS: usize = 1000;
const MODELS: [&str; 3] = ["openai/gpt-4o-mini", "anthropic/claude-sonnet-4", "google/gemini-2.5-flash"];

/// The process's peak resident set (`VmHWM`), in KiB.
fn peak_kib() -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)).and_then(|n| n.parse().ok()).unwrap_or(0)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_thousand_items_on_three_models_lose_nothing() {
    let or = Server::start(|_, request| {
        let body: Value = serde_json::from_slice(&request.body).unwrap();
        let question = body["messages"][0]["content"].as_str().unwrap().to_string();
        json(200, json!({
            "id": "gen-1", "model": body["model"], "object": "chat.completion", "created": 1763900000,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": question.replace("question", "answer")}}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 4, "total_tokens": 14, "cost": 0.0001}
        }))
    })
    .await;
    let lf = receiver().await;
    let handle = langfuse(&lf.url).build().unwrap();
    let items = (0..ITEMS).map(|i| Item::new(format!("item-{i}"), format!("question {i}")).expected(format!("answer {i}")));
    let before = peak_kib();
    let started = Instant::now();
    let result = handle
        .experiment("scale", Dataset::items(items))
        .models(MODELS)
        .concurrency(16)
        .task(|item, call| async move { call.chat(item.messages()).await })
        .evaluate(exact_match())
        .run(&client(&or, no_retries()))
        .await
        .unwrap();
    let elapsed = started.elapsed();
    let report = handle.shutdown().await.unwrap();
    let grown = peak_kib().saturating_sub(before);
    println!("{result}");
    println!("{} items in {elapsed:?}; peak RSS grew by {} KiB; report {report:?}", ITEMS * MODELS.len(), grown);

    for run in &result.runs {
        assert_eq!((run.done, run.failed), (ITEMS, 0), "{}", run.name);
        assert_eq!(run.mean("exact_match"), Some(1.0));
        assert_eq!((run.input_tokens, run.output_tokens), (10 * ITEMS as u64, 4 * ITEMS as u64));
    }
    let calls = ITEMS * MODELS.len();
    // A root and a generation per item and model; a score each.
    assert_eq!((report.exported, report.dropped), (2 * calls as u64, 0), "{report:?}");
    assert_eq!((report.scores_sent, report.scores_dropped), (calls as u64, 0), "{report:?}");
    assert_eq!(spans(&lf).len(), 2 * calls);
    assert_eq!(scores(&lf).len(), calls);
    // The results themselves (3,000 items with outputs and scores) are a few MiB; what the runner
    // holds beyond them is bounded by the concurrency, not the item count.
    assert!(grown < 256 * 1024, "peak RSS grew by {grown} KiB");
}
