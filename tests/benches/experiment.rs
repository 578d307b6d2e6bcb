//! What the experiment runner costs per item (a benchmark, not a test): the same task (one
//! observed chat call to a loopback OpenRouter) for 600 items at concurrency 16, once in a plain
//! loop (a semaphore and spawned tasks, the client observed with the Langfuse handle) and once
//! through `experiment(…).run(…)` (an item trace with experiment attributes, the outcome recorded
//! on the root, its summary awaited, the result assembled). Langfuse is a loopback receiver.
//!
//! Run: `cargo bench -p spec-tests --bench experiment`

use openrouter_langfuse::experiment::{Dataset, Experiments, Item};
use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::openrouter::{types::ChatUserMessage, Client, Config};
use serde_json::json;
use spec_tests::server::{json, Reply, Server};
use std::sync::Arc;
use std::time::{Duration, Instant};

const ITEMS: usize = 600;
const CONCURRENCY: usize = 16;
const ROUNDS: usize = 5;

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(2).enable_all().build().unwrap();
    runtime.block_on(async {
        let completion = json!({"id": "gen-1", "model": "openai/gpt-4o-mini", "object": "chat.completion", "created": 1,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Paris."}}],
            "usage": {"prompt_tokens": 21, "completion_tokens": 8, "total_tokens": 29, "cost": 0.0001}});
        let openrouter = Server::start(move |_, _| json(200, completion.clone())).await;
        let receiver = Server::start(|_, _| Reply::Full(200, vec![], Vec::new())).await;
        let langfuse = Langfuse::builder().base_url(&receiver.url).keys("pk-lf-bench", "sk-lf-bench").build().unwrap();
        let client = Client::new(Config::default().with_base_url(&openrouter.url).with_api_key("sk-or-bench")).unwrap();
        let (mut plain, mut runner) = (Vec::new(), Vec::new());
        for _ in 0..ROUNDS {
            plain.push(plain_loop(&client, &langfuse).await);
            runner.push(through_runner(&client, &langfuse).await);
        }
        plain.sort();
        runner.sort();
        let per_item = |d: Duration| d.as_secs_f64() * 1e6 / ITEMS as f64;
        let (p, r) = (per_item(plain[ROUNDS / 2]), per_item(runner[ROUNDS / 2]));
        println!("{ITEMS} items at concurrency {CONCURRENCY}, median of {ROUNDS} rounds:");
        println!("  plain loop: {p:.1} µs/item");
        println!("  runner:     {r:.1} µs/item");
        println!("  overhead:   {:.1} µs/item ({:+.1} %)", r - p, (r - p) / p * 100.0);
        let report = langfuse.shutdown().await.unwrap();
        println!("  Langfuse: {} spans exported, {} dropped", report.exported, report.dropped);
    });
}

async fn plain_loop(client: &Client, langfuse: &Langfuse) -> Duration {
    let client = client.observed(langfuse);
    let permits = Arc::new(tokio::sync::Semaphore::new(CONCURRENCY));
    let mut running = tokio::task::JoinSet::new();
    let started = Instant::now();
    for i in 0..ITEMS {
        let permit = permits.clone().acquire_owned().await.unwrap();
        let client = client.clone();
        running.spawn(async move {
            let answer = client.chat().send(vec![ChatUserMessage::new(format!("question {i}")).into()]).model("openai/gpt-4o-mini").await;
            drop(permit);
            answer.is_ok()
        });
    }
    let mut ok = 0;
    while let Some(done) = running.join_next().await {
        ok += usize::from(done.unwrap());
    }
    assert_eq!(ok, ITEMS);
    started.elapsed()
}

async fn through_runner(client: &Client, langfuse: &Langfuse) -> Duration {
    let items = (0..ITEMS).map(|i| Item::new(format!("item-{i}"), format!("question {i}")));
    let started = Instant::now();
    let result = langfuse
        .experiment("bench", Dataset::items(items))
        .models(["openai/gpt-4o-mini"])
        .concurrency(CONCURRENCY)
        .task(|item, call| async move { call.chat(item.messages()).await })
        .run(client)
        .await
        .unwrap();
    let elapsed = started.elapsed();
    assert_eq!(result.runs[0].done, ITEMS);
    elapsed
}
