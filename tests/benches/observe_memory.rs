//! Memory with Langfuse down (a measurement, not a test): 50,000 observed chat calls against a
//! loopback OpenRouter while nothing listens at the Langfuse address. Spans that cannot be sent
//! wait in two bounded queues (ours and the batch processor's, 2,048 each) and the rest are
//! dropped and counted, so the peak resident set stays flat however many calls are made. Prints
//! the peak after each 10,000 calls and what `shutdown()` reports.
//!
//! Run: `cargo bench -p spec-tests --bench observe_memory`

use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::openrouter::{types::ChatUserMessage, Client, Config};
use serde_json::json;
use spec_tests::server::{json, Server};
use std::time::{Duration, Instant};

/// Peak resident set of this process so far (Linux), in MiB.
fn peak_mib() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib: f64 = status.lines().find_map(|line| line.strip_prefix("VmHWM:")).and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok()).unwrap_or(0.0);
    kib / 1024.0
}

fn main() {
    let runtime = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
    runtime.block_on(async {
        let completion = json!({"id": "gen-1", "model": "openai/gpt-4o-mini", "object": "chat.completion", "created": 1,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Paris is the capital of France."}}],
            "usage": {"prompt_tokens": 21, "completion_tokens": 8, "total_tokens": 29, "cost": 0.0001}});
        let openrouter = Server::start(move |_, _| json(200, completion.clone())).await;
        let closed = {
            let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
            format!("http://{}", listener.local_addr().unwrap())
        };
        let langfuse = Langfuse::builder().base_url(&closed).keys("pk-lf-x", "sk-lf-x").timeout(Duration::from_secs(1)).build().unwrap();
        let plain = Client::new(Config::default().with_base_url(&openrouter.url).with_api_key("sk-or-x")).unwrap();
        let observed = plain.observed(&langfuse);
        // The loopback server keeps every request it receives (~1.5 KB each here), so the same
        // number of unobserved calls first gives the growth that is the server's, not ours.
        for (label, client) in [("unobserved", &plain), ("observed, Langfuse down", &observed)] {
            let before = peak_mib();
            let started = Instant::now();
            for round in 1..=5 {
                for _ in 0..10_000 {
                    let question = "What is the capital of France? ".repeat(20);
                    client.chat().send(vec![ChatUserMessage::new(question).into()]).model("openai/gpt-4o-mini").await.unwrap();
                }
                println!("{label}: after {:>6} calls, peak grew {:.1} MiB", round * 10_000, peak_mib() - before);
            }
            println!("{label}: 50,000 calls in {:.2?}", started.elapsed());
        }
        let report = langfuse.shutdown().await.unwrap();
        println!("shutdown: {} exported, {} dropped", report.exported, report.dropped);
    });
}
