//! A generation as an OpenTelemetry span: Langfuse's attributes (`langfuse.observation.*`,
//! `langfuse.trace.*`) and the GenAI semantic conventions (`gen_ai.*`) side by side, so the same
//! span reads right in Langfuse and in any other OpenTelemetry backend.

use super::mapping::Generation;
use opentelemetry::{Array, KeyValue, StringValue, Value as OtelValue};
use serde_json::{Map, Value};

/// What a group of calls shares in Langfuse: the trace they belong to and how it is labelled.
#[derive(Debug, Clone, Default)]
pub struct TraceLabels {
    /// `langfuse.trace.name`.
    pub name: Option<String>,
    /// `user.id`.
    pub user_id: Option<String>,
    /// `session.id`.
    pub session_id: Option<String>,
    /// `langfuse.trace.tags`.
    pub tags: Vec<String>,
    /// `langfuse.trace.metadata.<key>`.
    pub metadata: Map<String, Value>,
    /// `langfuse.release` (else `LANGFUSE_RELEASE`).
    pub release: Option<String>,
    /// `langfuse.environment` (else `LANGFUSE_TRACING_ENVIRONMENT`).
    pub environment: Option<String>,
    /// The Langfuse prompt the calls' messages were built from: name and version.
    pub prompt: Option<(String, i64)>,
}

/// How content leaves the process.
pub(crate) struct ContentPolicy {
    /// Record input and output at all.
    pub capture: bool,
    /// Sees (and may rewrite) every input and output before it is recorded.
    pub mask: Option<std::sync::Arc<dyn Fn(Value) -> Value + Send + Sync>>,
}

impl ContentPolicy {
    /// What is recorded of an input or output: nothing when content is not captured, else the
    /// JSON text of what the mask returns.
    pub(crate) fn apply(&self, value: &Option<Value>) -> Option<String> {
        if !self.capture {
            return None;
        }
        let value = value.clone()?;
        let value = match &self.mask {
            Some(mask) => mask(value),
            None => value,
        };
        Some(value.to_string())
    }
}

/// What Langfuse v4 reads a trace from: its root span's own input, output and metadata (it
/// inherits nothing from other spans), with the labels every span carries.
pub(crate) fn root_attributes(labels: &TraceLabels, input: &Option<String>, output: &Option<String>) -> Vec<KeyValue> {
    let mut attributes = Vec::new();
    for (key, value) in [("input", input), ("output", output)] {
        if let Some(value) = value {
            attributes.push(KeyValue::new(format!("langfuse.observation.{key}"), value.clone()));
            // The older ingestion path reads the trace's own fields.
            attributes.push(KeyValue::new(format!("langfuse.trace.{key}"), value.clone()));
        }
    }
    for (key, value) in &labels.metadata {
        attributes.push(KeyValue::new(format!("langfuse.observation.metadata.{key}"), plain(value)));
    }
    attributes
}

/// The attributes of a trace's labels, on every span of the trace: Langfuse v4 stores one row per
/// span and inherits nothing between them.
pub(crate) fn trace_attributes(labels: &TraceLabels, attributes: &mut Vec<KeyValue>) {
    let mut put = |key: &'static str, value: &Option<String>| {
        if let Some(value) = value {
            attributes.push(KeyValue::new(key, value.clone()));
        }
    };
    put("langfuse.trace.name", &labels.name);
    put("user.id", &labels.user_id);
    put("session.id", &labels.session_id);
    put("langfuse.release", &labels.release);
    put("langfuse.environment", &labels.environment);
    if !labels.tags.is_empty() {
        let tags: Vec<StringValue> = labels.tags.iter().cloned().map(StringValue::from).collect();
        attributes.push(KeyValue::new("langfuse.trace.tags", OtelValue::Array(Array::String(tags))));
    }
    for (key, value) in &labels.metadata {
        attributes.push(KeyValue::new(format!("langfuse.trace.metadata.{key}"), plain(value)));
    }
}

/// Every attribute of a generation span.
pub(crate) fn generation_attributes(system: &'static str, generation: &Generation, labels: &TraceLabels, input: Option<String>, output: Option<String>) -> Vec<KeyValue> {
    let mut attributes = Vec::with_capacity(32);
    attributes.push(KeyValue::new("langfuse.observation.type", generation.observation_type));
    trace_attributes(labels, &mut attributes);
    let model = generation.response_model.as_ref().or(generation.request_model.as_ref());
    if let Some(model) = model {
        attributes.push(KeyValue::new("langfuse.observation.model.name", model.clone()));
    }
    if !generation.parameters.is_empty() {
        attributes.push(KeyValue::new("langfuse.observation.model.parameters", Value::Object(generation.parameters.clone()).to_string()));
    }
    if let Some(input) = input {
        attributes.push(KeyValue::new("langfuse.observation.input", input));
    }
    if let Some(output) = output {
        attributes.push(KeyValue::new("langfuse.observation.output", output));
    }
    if !generation.usage.is_empty() {
        attributes.push(KeyValue::new("langfuse.observation.usage_details", Value::Object(generation.usage.clone()).to_string()));
    }
    if !generation.cost.is_empty() {
        attributes.push(KeyValue::new("langfuse.observation.cost_details", Value::Object(generation.cost.clone()).to_string()));
    }
    if let Some(at) = generation.completion_start {
        let at: chrono::DateTime<chrono::Utc> = at.into();
        attributes.push(KeyValue::new("langfuse.observation.completion_start_time", at.to_rfc3339_opts(chrono::SecondsFormat::Micros, true)));
    }
    if let Some(level) = generation.level {
        attributes.push(KeyValue::new("langfuse.observation.level", level));
    }
    if let Some(message) = &generation.status_message {
        attributes.push(KeyValue::new("langfuse.observation.status_message", message.clone()));
    }
    if let Some((name, version)) = &labels.prompt {
        attributes.push(KeyValue::new("langfuse.observation.prompt.name", name.clone()));
        attributes.push(KeyValue::new("langfuse.observation.prompt.version", *version));
    }
    let mut metadata = |key: &'static str, value: &Option<String>| {
        if let Some(value) = value {
            attributes.push(KeyValue::new(key, value.clone()));
        }
    };
    metadata("langfuse.observation.metadata.generation_id", &generation.id);
    metadata("langfuse.observation.metadata.provider", &generation.provider);
    metadata("langfuse.observation.metadata.finish_reason", &generation.finish_reason);
    gen_ai_attributes(system, generation, &mut attributes);
    attributes
}

/// The OpenTelemetry GenAI semantic conventions for the same facts.
fn gen_ai_attributes(system: &'static str, generation: &Generation, attributes: &mut Vec<KeyValue>) {
    attributes.push(KeyValue::new("gen_ai.system", system));
    attributes.push(KeyValue::new("gen_ai.provider.name", system));
    attributes.push(KeyValue::new("gen_ai.operation.name", generation.operation_name));
    if let Some(model) = &generation.request_model {
        attributes.push(KeyValue::new("gen_ai.request.model", model.clone()));
    }
    if let Some(model) = &generation.response_model {
        attributes.push(KeyValue::new("gen_ai.response.model", model.clone()));
    }
    if let Some(id) = &generation.id {
        attributes.push(KeyValue::new("gen_ai.response.id", id.clone()));
    }
    if let Some(reason) = &generation.finish_reason {
        attributes.push(KeyValue::new("gen_ai.response.finish_reasons", OtelValue::Array(Array::String(vec![StringValue::from(reason.clone())]))));
    }
    for (key, value) in &generation.parameters {
        if let Some(value) = scalar(value) {
            attributes.push(KeyValue::new(format!("gen_ai.request.{key}"), value));
        }
    }
    let (input, output) = generation.provider_tokens;
    for (count, convention) in [(input, "gen_ai.usage.input_tokens"), (output, "gen_ai.usage.output_tokens")] {
        if let Some(count) = count {
            attributes.push(KeyValue::new(convention, i64::try_from(count).unwrap_or(i64::MAX)));
        }
    }
    if let Some(status) = generation.http_status {
        attributes.push(KeyValue::new("http.response.status_code", i64::from(status)));
    }
    if generation.level == Some("ERROR") {
        let kind = match generation.http_status {
            Some(status) if status >= 400 => status.to_string(),
            _ => "error".to_string(),
        };
        attributes.push(KeyValue::new("error.type", kind));
    }
}

/// A JSON scalar as an attribute value; objects and arrays are not scalars.
fn scalar(value: &Value) -> Option<OtelValue> {
    match value {
        Value::Bool(b) => Some(OtelValue::Bool(*b)),
        Value::Number(n) => n.as_i64().map(OtelValue::I64).or_else(|| n.as_f64().map(OtelValue::F64)),
        Value::String(s) => Some(OtelValue::String(s.clone().into())),
        _ => None,
    }
}

/// Any JSON as an attribute value: scalars as themselves, the rest as JSON text.
pub(crate) fn plain(value: &Value) -> OtelValue {
    scalar(value).unwrap_or_else(|| OtelValue::String(value.to_string().into()))
}
