//! Where a generation's facts sit in an operation's request, response and stream events. The
//! tables are data: `cargo xtask regen` writes them from the `[[observe.generations]]` of a pin
//! file after checking every pointer against the spec, so an upstream move fails the drift check
//! instead of silently recording nothing. This module reads a finished call through them.

use super::{CallRecord, Outcome};
use crate::request::scalar_text;
use serde_json::{Map, Value};
use std::time::SystemTime;

/// One operation that is a generation, and where its facts are (JSON pointers, RFC 6901).
#[derive(Debug)]
pub struct GenerationMap {
    /// The spec's operation id.
    pub operation: &'static str,
    /// The observation's name in Langfuse (`chat.completions`).
    pub name: &'static str,
    /// Langfuse's observation type (`generation`, `embedding`).
    pub observation_type: &'static str,
    /// The GenAI convention's `gen_ai.operation.name` (`chat`, `embeddings`).
    pub operation_name: &'static str,
    /// The request: model, input, parameters.
    pub request: RequestMap,
    /// A plain response.
    pub response: ResultMap,
    /// A stream's events.
    pub stream: ResultMap,
}

/// Where the request's facts are.
#[derive(Debug)]
pub struct RequestMap {
    /// The model requested (first pointer present wins).
    pub model: &'static [&'static str],
    /// The input (messages, input items, texts).
    pub input: &'static [&'static str],
    /// Model parameters, recorded under their key when set.
    pub parameters: &'static [(&'static str, &'static str)],
}

/// Where a response's (or each stream event's) facts are.
#[derive(Debug)]
pub struct ResultMap {
    /// The provider's generation id.
    pub id: &'static [Selector],
    /// The model that answered.
    pub model: &'static [Selector],
    /// The upstream provider that served the call.
    pub provider: &'static [Selector],
    /// The whole output (a plain response; or a stream event that carries it all).
    pub output: &'static [Selector],
    /// Text pieces, joined in order (stream deltas).
    pub text: &'static [Selector],
    /// Reasoning text pieces, joined in order.
    pub reasoning: &'static [Selector],
    /// Tool-call fragments in the OpenAI stream shape (`index`, `id`, `function.arguments` pieces).
    pub tool_calls: &'static [Selector],
    /// Why the model stopped.
    pub finish_reason: &'static [Selector],
    /// Token counts, under Langfuse's usage keys (`input`, `output`, `total`, `input_cached_tokens`…).
    pub usage: &'static [(&'static str, Selector)],
    /// Usage keys whose count, as the API sends it, includes their details (OpenAI's
    /// `prompt_tokens` includes the cached tokens): recorded net of every `<key>_…` detail, since
    /// Langfuse's usage keys are disjoint and it prices and sums each one.
    pub gross_usage: &'static [&'static str],
    /// Costs, under Langfuse's cost keys (`total`…).
    pub cost: &'static [(&'static str, Selector)],
}

/// A JSON pointer, read only from events whose `when` pointer holds the given text (a stream
/// event's `type`, say).
#[derive(Debug, Clone, Copy)]
pub struct Selector {
    /// Where the value is.
    pub at: &'static str,
    /// Read only when this pointer holds this text.
    pub when: Option<(&'static str, &'static str)>,
}

impl Selector {
    fn read<'v>(&self, value: &'v Value) -> Option<&'v Value> {
        if let Some((pointer, expected)) = self.when {
            if value.pointer(pointer).and_then(Value::as_str) != Some(expected) {
                return None;
            }
        }
        value.pointer(self.at).filter(|found| !found.is_null())
    }
}

/// How a call ends up in Langfuse: a generation's facts, read from the call.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Generation {
    /// The observation's name.
    pub name: &'static str,
    /// Langfuse's observation type.
    pub observation_type: &'static str,
    /// `gen_ai.operation.name`.
    pub operation_name: &'static str,
    /// The model requested.
    pub request_model: Option<String>,
    /// The model that answered.
    pub response_model: Option<String>,
    /// Parameters that were set.
    pub parameters: Map<String, Value>,
    /// The input as sent.
    pub input: Option<Value>,
    /// The output as received (for streams, assembled from the events).
    pub output: Option<Value>,
    /// Token counts under Langfuse's keys (non-negative integers only), disjoint as Langfuse
    /// counts them: `input` without cache reads and writes, `output` without reasoning.
    pub usage: Map<String, Value>,
    /// Input and output tokens as the provider counts them (before `usage` is made disjoint):
    /// what the GenAI conventions' `gen_ai.usage.*_tokens` mean.
    pub provider_tokens: (Option<u64>, Option<u64>),
    /// Costs under Langfuse's keys.
    pub cost: Map<String, Value>,
    /// The provider's generation id.
    pub id: Option<String>,
    /// The upstream provider.
    pub provider: Option<String>,
    /// Why the model stopped.
    pub finish_reason: Option<String>,
    /// When the first content arrived (streams).
    pub completion_start: Option<SystemTime>,
    /// When the call started and ended.
    pub start: Option<SystemTime>,
    /// See `start`.
    pub end: Option<SystemTime>,
    /// `ERROR` for a failure, `WARNING` for an abandoned stream, `None` otherwise.
    pub level: Option<&'static str>,
    /// What went wrong.
    pub status_message: Option<String>,
    /// The HTTP status, when one answered.
    pub http_status: Option<u16>,
}

/// Reads a finished call through its map.
pub fn read_generation(map: &GenerationMap, call: &CallRecord) -> Generation {
    let request: Value = serde_json::from_slice(&call.request).unwrap_or(Value::Null);
    let mut generation = Generation {
        name: map.name,
        observation_type: map.observation_type,
        operation_name: map.operation_name,
        request_model: first(&request, map.request.model).and_then(scalar_text),
        input: first(&request, map.request.input).cloned(),
        start: Some(call.started),
        end: Some(call.started + call.duration),
        http_status: call.status,
        ..Generation::default()
    };
    for (key, pointer) in map.request.parameters {
        if let Some(value) = request.pointer(pointer).filter(|v| !v.is_null()) {
            generation.parameters.insert((*key).to_string(), value.clone());
        }
    }
    if let Some(body) = &call.response {
        if let Ok(response) = serde_json::from_slice::<Value>(body) {
            let mut reader = ResultReader::default();
            reader.read(&map.response, &response);
            reader.apply(&mut generation, map.response.gross_usage);
        }
    }
    if !call.events.is_empty() {
        let mut reader = ResultReader::default();
        for (at, data) in &call.events {
            let Ok(event) = serde_json::from_str::<Value>(data) else { continue };
            if reader.read(&map.stream, &event) && generation.completion_start.is_none() {
                generation.completion_start = Some(call.started + *at);
            }
        }
        reader.apply(&mut generation, map.stream.gross_usage);
    }
    match &call.outcome {
        Outcome::Success => {}
        Outcome::Failed(message) => {
            generation.level = Some("ERROR");
            generation.status_message = Some(message.clone());
        }
        Outcome::Abandoned => {
            generation.level = Some("WARNING");
            generation.status_message = Some(format!("the caller stopped reading the stream after {} events", call.events.len()));
        }
    }
    generation
}

fn first<'v>(value: &'v Value, pointers: &[&str]) -> Option<&'v Value> {
    pointers.iter().find_map(|pointer| value.pointer(pointer).filter(|v| !v.is_null()))
}

fn first_selected<'v>(value: &'v Value, selectors: &[Selector]) -> Option<&'v Value> {
    selectors.iter().find_map(|selector| selector.read(value))
}

/// What the events of a call (or its one response) said, gathered in order.
#[derive(Default)]
struct ResultReader {
    id: Option<String>,
    model: Option<String>,
    provider: Option<String>,
    output: Option<Value>,
    text: String,
    reasoning: String,
    tool_calls: Vec<Map<String, Value>>,
    finish_reason: Option<String>,
    usage: Map<String, Value>,
    cost: Map<String, Value>,
}

impl ResultReader {
    /// Reads one event (or response); whether it carried content (text, reasoning, tool calls
    /// or output), which is what time to first token measures.
    fn read(&mut self, map: &ResultMap, value: &Value) -> bool {
        let keep_first = |slot: &mut Option<String>, selectors: &[Selector]| {
            if slot.is_none() {
                *slot = first_selected(value, selectors).and_then(scalar_text);
            }
        };
        keep_first(&mut self.id, map.id);
        keep_first(&mut self.model, map.model);
        keep_first(&mut self.provider, map.provider);
        if let Some(reason) = first_selected(value, map.finish_reason).and_then(scalar_text) {
            self.finish_reason = Some(reason);
        }
        let mut content = false;
        if let Some(output) = first_selected(value, map.output) {
            self.output = Some(output.clone());
            content = true;
        }
        if let Some(piece) = first_selected(value, map.text).and_then(Value::as_str) {
            self.text.push_str(piece);
            content |= !piece.is_empty();
        }
        if let Some(piece) = first_selected(value, map.reasoning).and_then(Value::as_str) {
            self.reasoning.push_str(piece);
            content |= !piece.is_empty();
        }
        if let Some(Value::Array(fragments)) = first_selected(value, map.tool_calls) {
            for fragment in fragments {
                self.tool_call_fragment(fragment);
            }
            content |= !fragments.is_empty();
        }
        for (key, selector) in map.usage {
            // Langfuse takes usage as non-negative integers only.
            if let Some(count) = selector.read(value).and_then(Value::as_f64).filter(|n| *n >= 0.0) {
                self.usage.insert((*key).to_string(), Value::from(count as u64));
            }
        }
        for (key, selector) in map.cost {
            if let Some(cost) = selector.read(value).and_then(Value::as_f64) {
                self.cost.insert((*key).to_string(), Value::from(cost));
            }
        }
        content
    }

    /// Merges one OpenAI-style tool-call delta: the first fragment of an index names the call,
    /// later ones append to its arguments.
    fn tool_call_fragment(&mut self, fragment: &Value) {
        let index = fragment.get("index").and_then(Value::as_u64).unwrap_or(self.tool_calls.len() as u64) as usize;
        while self.tool_calls.len() <= index {
            self.tool_calls.push(Map::new());
        }
        let call = &mut self.tool_calls[index];
        for key in ["id", "type"] {
            if let Some(value) = fragment.get(key).filter(|v| !v.is_null()) {
                call.insert(key.to_string(), value.clone());
            }
        }
        if let Some(function) = fragment.get("function") {
            let entry = call.entry("function").or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(target) = entry {
                if let Some(name) = function.get("name").filter(|v| !v.is_null()) {
                    target.insert("name".into(), name.clone());
                }
                if let Some(piece) = function.get("arguments").and_then(Value::as_str) {
                    let arguments = target.entry("arguments").or_insert_with(|| Value::String(String::new()));
                    if let Value::String(so_far) = arguments {
                        so_far.push_str(piece);
                    }
                }
            }
        }
    }

    fn apply(mut self, generation: &mut Generation, gross_usage: &[&str]) {
        generation.id = self.id.or(generation.id.take());
        generation.response_model = self.model.or(generation.response_model.take());
        generation.provider = self.provider.or(generation.provider.take());
        generation.finish_reason = self.finish_reason.or(generation.finish_reason.take());
        let count = |key: &str| self.usage.get(key).and_then(Value::as_u64);
        let provider_tokens = (count("input"), count("output"));
        if provider_tokens != (None, None) {
            generation.provider_tokens = provider_tokens;
        }
        net_usage(&mut self.usage, gross_usage);
        generation.usage.extend(self.usage);
        generation.cost.extend(self.cost);
        let assembled = !self.text.is_empty() || !self.reasoning.is_empty() || !self.tool_calls.is_empty();
        generation.output = match self.output {
            Some(output) => Some(output),
            None if assembled => {
                // A stream's pieces, as the assistant message they add up to.
                let mut message = Map::new();
                message.insert("role".into(), Value::from("assistant"));
                message.insert("content".into(), Value::from(self.text));
                if !self.reasoning.is_empty() {
                    message.insert("reasoning".into(), Value::from(self.reasoning));
                }
                if !self.tool_calls.is_empty() {
                    message.insert("tool_calls".into(), Value::Array(self.tool_calls.into_iter().map(Value::Object).collect()));
                }
                Some(Value::Object(message))
            }
            None => generation.output.take(),
        };
    }
}

/// Makes each gross count net of its details, as Langfuse does for an OpenAI-shaped usage
/// (`UsageDetails` in its `packages/shared/src/server/ingestion/types.ts`: `input` less every
/// `input_…` detail, `output` less every `output_…` detail, never below 0); `total` stays the
/// provider's.
fn net_usage(usage: &mut Map<String, Value>, gross_usage: &[&str]) {
    for key in gross_usage {
        let Some(gross) = usage.get(*key).and_then(Value::as_u64) else { continue };
        let prefix = format!("{key}_");
        let details: u64 = usage.iter().filter(|(name, _)| name.starts_with(&prefix)).filter_map(|(_, count)| count.as_u64()).sum();
        usage.insert((*key).to_string(), Value::from(gross.saturating_sub(details)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    const NONE: &[Selector] = &[];
    const fn at(pointer: &'static str) -> Selector {
        Selector { at: pointer, when: None }
    }

    static CHAT: GenerationMap = GenerationMap {
        operation: "chat",
        name: "chat",
        observation_type: "generation",
        operation_name: "chat",
        request: RequestMap { model: &["/model"], input: &["/messages"], parameters: &[("temperature", "/temperature")] },
        response: ResultMap {
            id: &[at("/id")],
            model: &[at("/model")],
            provider: &[at("/provider")],
            output: &[at("/choices/0/message")],
            text: NONE,
            reasoning: NONE,
            tool_calls: NONE,
            finish_reason: &[at("/choices/0/finish_reason")],
            usage: &[("input", at("/usage/prompt_tokens")), ("output", at("/usage/completion_tokens"))],
            gross_usage: &["input", "output"],
            cost: &[("total", at("/usage/cost"))],
        },
        stream: ResultMap {
            id: &[at("/id")],
            model: &[at("/model")],
            provider: &[at("/provider")],
            output: NONE,
            text: &[at("/choices/0/delta/content")],
            reasoning: NONE,
            tool_calls: &[at("/choices/0/delta/tool_calls")],
            finish_reason: &[at("/choices/0/finish_reason")],
            usage: &[
                ("input", at("/usage/prompt_tokens")),
                ("output", at("/usage/completion_tokens")),
                ("input_cached_tokens", at("/usage/prompt_tokens_details/cached_tokens")),
                ("output_reasoning_tokens", at("/usage/completion_tokens_details/reasoning_tokens")),
            ],
            gross_usage: &["input", "output"],
            cost: &[("total", at("/usage/cost"))],
        },
    };

    fn call(events: Vec<(u64, &str)>, outcome: Outcome) -> CallRecord {
        CallRecord {
            operation: "chat",
            request: bytes::Bytes::from_static(br#"{"model":"m","messages":[{"role":"user","content":"hi"}],"temperature":0.5}"#),
            started: SystemTime::UNIX_EPOCH,
            duration: Duration::from_millis(50),
            status: Some(200),
            response: None,
            events: events.into_iter().map(|(ms, data)| (Duration::from_millis(ms), data.to_string())).collect(),
            outcome,
            context: opentelemetry::Context::new(),
            ids: None,
        }
    }

    #[test]
    fn a_stream_adds_up_to_one_message_with_its_tool_call_and_usage() {
        let events = vec![
            (5, r#"{"id":"g1","model":"m-1","choices":[{"delta":{"role":"assistant","content":""}}]}"#),
            (9, r#"{"id":"g1","choices":[{"delta":{"content":"Hel"}}]}"#),
            (12, r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\""}}]}}]}"#),
            (14, r#"{"choices":[{"delta":{"tool_calls":[{"index":0,"function":{"arguments":":1}"}}]},"finish_reason":"tool_calls"}],"usage":{"prompt_tokens":3,"completion_tokens":4,"cost":0.25}}"#),
            (15, "[DONE]"),
        ];
        let generation = read_generation(&CHAT, &call(events, Outcome::Success));
        assert_eq!(generation.completion_start, Some(SystemTime::UNIX_EPOCH + Duration::from_millis(9)));
        assert_eq!(generation.id.as_deref(), Some("g1"));
        assert_eq!(generation.response_model.as_deref(), Some("m-1"));
        assert_eq!(generation.finish_reason.as_deref(), Some("tool_calls"));
        let output = generation.output.unwrap();
        assert_eq!(output["content"], "Hel");
        assert_eq!(output["tool_calls"][0]["function"]["arguments"], "{\"a\":1}");
        assert_eq!(output["tool_calls"][0]["id"], "c1");
        assert_eq!(generation.usage.get("input"), Some(&Value::from(3)));
        assert_eq!(generation.cost.get("total"), Some(&Value::from(0.25)));
        assert_eq!(generation.parameters.get("temperature"), Some(&Value::from(0.5)));
        assert_eq!(generation.level, None);
    }

    #[test]
    fn an_abandoned_stream_is_a_warning_and_a_failure_an_error() {
        let abandoned = read_generation(&CHAT, &call(vec![(1, r#"{"choices":[{"delta":{"content":"x"}}]}"#)], Outcome::Abandoned));
        assert_eq!(abandoned.level, Some("WARNING"));
        assert_eq!(abandoned.output.unwrap()["content"], "x");
        let failed = read_generation(&CHAT, &call(vec![], Outcome::Failed("boom".into())));
        assert_eq!((failed.level, failed.status_message.as_deref()), (Some("ERROR"), Some("boom")));
    }

    #[test]
    fn gross_counts_are_recorded_net_of_their_details() {
        let events = vec![(3, r#"{"choices":[{"delta":{"content":"x"}}],"usage":{"prompt_tokens":21,"completion_tokens":7,"prompt_tokens_details":{"cached_tokens":5},"completion_tokens_details":{"reasoning_tokens":2}}}"#)];
        let generation = read_generation(&CHAT, &call(events, Outcome::Success));
        let count = |key: &str| generation.usage.get(key).and_then(Value::as_u64);
        assert_eq!((count("input"), count("input_cached_tokens"), count("output"), count("output_reasoning_tokens")), (Some(16), Some(5), Some(5), Some(2)));
        // Details larger than their total (a provider's miscount) never make a count negative.
        let mut usage = Map::new();
        usage.insert("input".into(), Value::from(3));
        usage.insert("input_cached_tokens".into(), Value::from(5));
        net_usage(&mut usage, &["input"]);
        assert_eq!(usage.get("input"), Some(&Value::from(0)));
    }

    #[test]
    fn selectors_read_only_matching_events() {
        let selector = Selector { at: "/delta", when: Some(("/type", "text")) };
        assert_eq!(selector.read(&serde_json::json!({"type": "text", "delta": "a"})), Some(&Value::from("a")));
        assert_eq!(selector.read(&serde_json::json!({"type": "other", "delta": "a"})), None);
    }
}
