//! What observation costs a caller (a benchmark, not a test): the same loopback OpenRouter call,
//! and the same 1,000-chunk stream, with and without `observed(&langfuse)`, in one run. Langfuse
//! is a loopback OTLP receiver; the spans are built and exported on the exporter's own threads,
//! so the difference is what the caller's task pays (the hook, a clone of the request and of
//! each event, one queue send) plus whatever the export threads take from a 2-core machine.
//!
//! Run: `cargo bench -p spec-tests --bench observe`

use divan::Bencher;
use futures_util::StreamExt;
use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::openrouter::{types::ChatUserMessage, Client, Config};
use serde_json::json;
use spec_tests::server::{json, Reply, Server};
use std::sync::OnceLock;
use std::time::Duration;

fn main() {
    divan::main();
}

struct Setup {
    /// Runs the loopback servers, apart from the benchmark's own runtime.
    servers: tokio::runtime::Runtime,
    chat: String,
    stream: String,
    langfuse: Langfuse,
}

fn setup() -> &'static Setup {
    static SETUP: OnceLock<Setup> = OnceLock::new();
    SETUP.get_or_init(|| {
        let servers = tokio::runtime::Builder::new_multi_thread().worker_threads(1).enable_all().build().unwrap();
        let completion = json!({"id": "gen-1", "provider": "OpenAI", "model": "openai/gpt-4o-mini", "object": "chat.completion", "created": 1,
            "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Paris is the capital of France."}}],
            "usage": {"prompt_tokens": 21, "completion_tokens": 8, "total_tokens": 29, "cost": 0.0001}});
        let chat = servers.block_on(Server::start(move |_, _| json(200, completion.clone())));
        let mut events = String::new();
        for i in 0..1000 {
            let chunk = json!({"id": "gen-2", "object": "chat.completion.chunk", "created": 1, "model": "openai/gpt-4o-mini", "provider": "OpenAI",
                "choices": [{"index": 0, "delta": {"content": format!("token {i} ")}, "finish_reason": null}]});
            events.push_str(&format!("data: {chunk}\n\n"));
        }
        events.push_str("data: [DONE]\n\n");
        let body = events.into_bytes();
        let stream = servers.block_on(Server::start(move |_, _| Reply::Chunks(vec![(Duration::ZERO, body.clone())])));
        let receiver = servers.block_on(Server::start(|_, _| Reply::Full(200, vec![], Vec::new())));
        let langfuse = Langfuse::builder().base_url(&receiver.url).keys("pk-lf-bench", "sk-lf-bench").build().unwrap();
        Setup { chat: chat.url.clone(), stream: stream.url.clone(), langfuse, servers }
    })
}

fn client(url: &str, observed: bool) -> Client {
    let client = Client::new(Config::default().with_base_url(url).with_api_key("sk-or-bench")).unwrap();
    if observed {
        client.observed(&setup().langfuse)
    } else {
        client
    }
}

fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap()
}

#[divan::bench(args = [false, true], sample_count = 1000)]
fn chat_call(bencher: Bencher, observed: bool) {
    let _ = &setup().servers;
    let client = client(&setup().chat, observed);
    let runtime = runtime();
    bencher.bench_local(|| {
        runtime.block_on(async { client.chat().send(vec![ChatUserMessage::new("Capital of France?").into()]).model("openai/gpt-4o-mini").await.unwrap() })
    });
}

#[divan::bench(args = [false, true], sample_count = 100)]
fn stream_1000_chunks(bencher: Bencher, observed: bool) {
    let client = client(&setup().stream, observed);
    let runtime = runtime();
    bencher.bench_local(|| {
        runtime.block_on(async {
            let mut stream = client.chat().send(vec![ChatUserMessage::new("Count").into()]).send_stream().await.unwrap();
            let mut chunks = 0;
            while let Some(chunk) = stream.next().await {
                chunk.unwrap();
                chunks += 1;
            }
            assert_eq!(chunks, 1000);
        })
    });
}

/// The caller's share alone: handing a finished call to the observer (a box and a queue send),
/// as `finish` does, without the HTTP call around it.
#[divan::bench]
fn hand_over_one_call(bencher: Bencher) {
    use openrouter_langfuse::observe::{CallRecord, Outcome};
    let runtime = runtime();
    let _guard = runtime.enter();
    let observer = client_observer();
    let request = openrouter_langfuse::runtime::Bytes::from_static(br#"{"model":"openai/gpt-4o-mini","messages":[{"role":"user","content":"Capital of France?"}]}"#);
    bencher.bench_local(|| {
        observer.record(CallRecord {
            operation: "sendChatCompletionRequest",
            request: request.clone(),
            started: std::time::SystemTime::now(),
            duration: Duration::from_micros(40),
            status: Some(200),
            response: Some(request.clone()),
            events: Vec::new(),
            outcome: Outcome::Success,
            context: openrouter_langfuse::observe::opentelemetry::Context::current(),
            ids: None,
        })
    });
}

fn client_observer() -> std::sync::Arc<dyn openrouter_langfuse::observe::Observer> {
    use openrouter_langfuse::openrouter::ObserveWith;
    ObserveWith::observer(&setup().langfuse)
}
