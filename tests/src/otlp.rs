//! What the observation tests share: a loopback Langfuse that records OTLP exports (decoded with
//! the protocol's own types, `opentelemetry-proto`) and scores, a loopback OpenRouter's answers,
//! and readers for the attributes Langfuse reads.

use crate::server::{Reply, Server};
use openrouter_langfuse::observe::Langfuse;
use openrouter_langfuse::openrouter::{self, types::*};
use openrouter_langfuse::runtime::RetryPolicy;
use opentelemetry_proto::tonic::collector::trace::v1::ExportTraceServiceRequest;
pub use opentelemetry_proto::tonic::common::v1::any_value::Value as Any;
pub use opentelemetry_proto::tonic::trace::v1::Span;
use prost::Message;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::time::Duration;

pub const OPENROUTER_KEY: &str = "sk-or-v1-observe-test-secret";

/// A Langfuse endpoint on loopback that accepts everything: OTLP exports and scores.
pub async fn receiver() -> Server {
    Server::start(|_, _| Reply::Full(200, vec![("content-type", "application/x-protobuf".into())], Vec::new())).await
}

pub fn langfuse(receiver: &str) -> openrouter_langfuse::observe::LangfuseBuilder {
    Langfuse::builder().base_url(receiver).keys("pk-lf-test", "sk-lf-test-secret").batch(512, Duration::from_millis(50))
}

pub fn client(server: &Server, retry: RetryPolicy) -> openrouter::Client {
    let config = openrouter::Config::default().with_base_url(&server.url).with_api_key(OPENROUTER_KEY).with_retry(retry);
    openrouter::Client::new(config).unwrap()
}

pub fn no_retries() -> RetryPolicy {
    RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
}

/// Every span the receiver got, decoded; every export (a POST other than a score) went to
/// Langfuse's OTLP path with the header that makes Langfuse v4 write it in real time.
pub fn spans(receiver: &Server) -> Vec<Span> {
    let mut spans = Vec::new();
    for request in receiver.requests().into_iter().filter(|r| r.target != SCORES && r.method == "POST") {
        assert_eq!(request.target, "/api/public/otel/v1/traces", "exports go to Langfuse's OTLP path");
        assert_eq!(request.header("content-type"), Some("application/x-protobuf"));
        assert_eq!(request.header("x-langfuse-ingestion-version"), Some("4"), "Langfuse v4 writes a batch in real time only with this header");
        let export = ExportTraceServiceRequest::decode(request.body.as_slice()).expect("an OTLP protobuf export");
        for resource in export.resource_spans {
            for scope in resource.scope_spans {
                spans.extend(scope.spans);
            }
        }
    }
    spans
}

/// Where Langfuse takes scores.
pub const SCORES: &str = "/api/public/scores";

/// Every score the receiver got, as the JSON bodies sent.
pub fn scores(receiver: &Server) -> Vec<Value> {
    receiver
        .requests()
        .into_iter()
        .filter(|r| r.target == SCORES)
        .map(|r| {
            assert_eq!(r.method, "POST");
            serde_json::from_slice(&r.body).expect("a score is JSON")
        })
        .collect()
}

/// The `service.name` of every export's resource.
pub fn service_names(receiver: &Server) -> Vec<String> {
    let mut names = Vec::new();
    for request in receiver.requests().into_iter().filter(|r| r.target != SCORES) {
        let export = ExportTraceServiceRequest::decode(request.body.as_slice()).expect("an OTLP protobuf export");
        for resource in export.resource_spans {
            let attributes = resource.resource.map(|r| r.attributes).unwrap_or_default();
            for kv in attributes.into_iter().filter(|kv| kv.key == "service.name") {
                if let Some(Any::StringValue(name)) = kv.value.and_then(|v| v.value) {
                    names.push(name);
                }
            }
        }
    }
    names
}

pub fn attributes(span: &Span) -> HashMap<String, Any> {
    span.attributes.iter().filter_map(|kv| Some((kv.key.clone(), kv.value.as_ref()?.value.clone()?))).collect()
}

pub fn text(attributes: &HashMap<String, Any>, key: &str) -> String {
    match attributes.get(key) {
        Some(Any::StringValue(s)) => s.clone(),
        other => panic!("{key}: expected a string attribute, found {other:?}"),
    }
}

pub fn int(attributes: &HashMap<String, Any>, key: &str) -> i64 {
    match attributes.get(key) {
        Some(Any::IntValue(n)) => *n,
        other => panic!("{key}: expected an integer attribute, found {other:?}"),
    }
}

pub fn json_attribute(attributes: &HashMap<String, Any>, key: &str) -> Value {
    serde_json::from_str(&text(attributes, key)).unwrap_or_else(|e| panic!("{key} is not JSON: {e}"))
}

pub fn generations(spans: &[Span]) -> Vec<&Span> {
    spans.iter().filter(|s| matches!(attributes(s).get("langfuse.observation.type"), Some(Any::StringValue(t)) if t == "generation" || t == "embedding")).collect()
}

pub fn completion() -> Value {
    json!({
        "id": "gen-plain-1", "provider": "OpenAI", "model": "openai/gpt-4o-mini-2024-07-18",
        "object": "chat.completion", "created": 1763900000,
        "choices": [{"index": 0, "finish_reason": "stop", "message": {"role": "assistant", "content": "Paris."}}],
        "usage": {
            "prompt_tokens": 21, "completion_tokens": 3, "total_tokens": 24, "cost": 0.000123,
            "prompt_tokens_details": {"cached_tokens": 16}, "completion_tokens_details": {"reasoning_tokens": 2},
            "cost_details": {"upstream_inference_cost": 0.0001, "upstream_inference_prompt_cost": 0.00006, "upstream_inference_completions_cost": 0.00004}
        }
    })
}

pub fn user(text: &str) -> Vec<ChatMessage> {
    vec![ChatSystemMessage::new("Answer briefly.").into(), ChatUserMessage::new(text).into()]
}

pub fn sse(events: &[Value]) -> Vec<u8> {
    let mut out = String::new();
    for event in events {
        out.push_str(&format!("data: {event}\n\n"));
    }
    out.into_bytes()
}

pub fn chunk(delta: Value, finish: Value) -> Value {
    json!({"id": "gen-stream-1", "provider": "Anthropic", "model": "anthropic/claude-sonnet-4", "object": "chat.completion.chunk", "created": 1763901234,
           "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]})
}

