//! Decoding throughput (a benchmark, not a test):
//! - a chat-completion stream of 10,000 server-sent events through the client's SSE parser and
//!   event decoder, in 4 KiB network reads;
//! - a large `/models` listing decoded into the generated types, against the same bytes decoded
//!   into `serde_json::Value`;
//! - a 30 MB `/models` listing with 0, 1 and 64 off-spec optional fields through the tolerant
//!   reader (linear: about one strict pass plus one parse and one walk, whatever the count).
//!
//! Run: `cargo bench -p spec-tests --bench decode` (after `cargo xtask fetch`: the crate's build
//! script reads the specs from the cache)

use divan::{black_box, Bencher};
use openrouter_langfuse::openrouter::types::{ChatStreamChunk, ModelsListResponse};
use openrouter_langfuse::runtime::{decode_event, Bytes, Json, SseParser, SuccessBody};
use std::sync::OnceLock;

const EVENTS: usize = 10_000;

fn main() {
    divan::main();
}

fn stream_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let mut out = String::new();
        for i in 0..EVENTS {
            if i % 500 == 0 {
                out.push_str(": OPENROUTER PROCESSING\n\n");
            }
            let chunk = serde_json::json!({
                "id": "gen-1732280000-abcdefghijklmnop", "object": "chat.completion.chunk", "created": 1732280000,
                "model": "openai/gpt-4o-mini", "provider": "OpenAI", "system_fingerprint": "fp_0123456789",
                "choices": [{"index": 0, "delta": {"role": "assistant", "content": format!("token {i} ")}, "finish_reason": null, "logprobs": null}]
            });
            out.push_str(&format!("data: {chunk}\n\n"));
        }
        out.push_str("data: [DONE]\n\n");
        out.into_bytes()
    })
}

fn models_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        let input = spec_tests::inputs().into_iter().find(|i| i.name == "openrouter").expect("openrouter pin");
        let (spec, _) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
        let example = spec.json.pointer("/paths/~1models/get/responses/200/content/application~1json/example").cloned().expect("GET /models example");
        let model = example["data"][0].clone();
        let data: Vec<serde_json::Value> = (0..400).map(|i| {
            let mut m = model.clone();
            m["id"] = serde_json::json!(format!("vendor/model-{i}"));
            m
        }).collect();
        serde_json::to_vec(&serde_json::json!({"data": data, "total_count": 400})).unwrap()
    })
}

#[divan::bench]
fn sse_stream_10k_chat_chunks(bencher: Bencher) {
    let bytes = stream_bytes();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let mut parser = SseParser::new();
        let mut decoded = 0usize;
        for read in bytes.chunks(4096) {
            for event in parser.push(black_box(read)) {
                if let Some(Ok(chunk)) = decode_event::<ChatStreamChunk, serde_json::Value>("sendChatCompletionRequest", 200, &event) {
                    decoded += chunk.choices.len();
                }
            }
        }
        assert_eq!(decoded, EVENTS);
    });
}

#[divan::bench]
fn models_into_generated_types(bencher: Bencher) {
    let bytes = models_bytes();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let models: ModelsListResponse = serde_json::from_slice(black_box(bytes)).unwrap();
        assert_eq!(models.data.len(), 400);
    });
}

#[divan::bench]
fn models_into_json_value(bencher: Bencher) {
    let bytes = models_bytes();
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let models: serde_json::Value = serde_json::from_slice(black_box(bytes)).unwrap();
        assert_eq!(models["data"].as_array().unwrap().len(), 400);
    });
}

/// A `/models` body of at least 30 MB, with `bad` models whose optional `context_length` is a
/// boolean (spread evenly), and its model count.
fn large_models_bytes(bad: usize) -> (Bytes, usize) {
    let base: serde_json::Value = serde_json::from_slice(models_bytes()).unwrap();
    let model = base["data"][0].clone();
    let size = serde_json::to_vec(&model).unwrap().len();
    let count = (30 << 20) / size + 1;
    let data: Vec<serde_json::Value> = (0..count)
        .map(|i| {
            let mut m = model.clone();
            m["id"] = serde_json::json!(format!("vendor/model-{i}"));
            if bad > 0 && i % (count / bad) == 0 && i / (count / bad) < bad {
                m["context_length"] = serde_json::json!(true);
            }
            m
        })
        .collect();
    (Bytes::from(serde_json::to_vec(&serde_json::json!({"data": data, "total_count": count})).unwrap()), count)
}

#[divan::bench(args = [0, 1, 64], sample_count = 5, sample_size = 1)]
fn models_30mb_tolerant_with_off_spec_fields(bencher: Bencher, bad: usize) {
    let (bytes, count) = large_models_bytes(bad);
    bencher.counter(divan::counter::BytesCount::new(bytes.len())).bench(|| {
        let (models, warnings) = <Json<ModelsListResponse> as SuccessBody>::decode_tolerant(black_box(&bytes)).unwrap();
        assert_eq!((models.0.data.len(), warnings.len()), (count, bad));
    });
}
