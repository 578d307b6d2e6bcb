//! What makes a trace an experiment item in Langfuse v4: span attributes alone. Every span of the
//! item's trace (its root and the generations inside) carries the experiment's and the item's
//! ids; the root also carries the expected output and the item's metadata. Langfuse builds the
//! experiment from these (no dataset run items, no baggage), and reads it back through its
//! Experiments API.

use super::spans::plain;
use opentelemetry::KeyValue;
use serde_json::{Map, Value};
use std::time::Duration;

/// One item of one experiment run, as its trace tells Langfuse: put it on a trace with
/// [`Trace::experiment_item`](super::Trace::experiment_item).
#[derive(Debug, Clone, Default)]
pub struct ExperimentItem {
    /// `langfuse.experiment.id`: the run (one per model or variant).
    pub experiment_id: String,
    /// `langfuse.experiment.name`.
    pub experiment_name: String,
    /// `langfuse.experiment.description`.
    pub description: Option<String>,
    /// `langfuse.experiment.metadata.<key>`: the run's model, prompt and parameters.
    pub metadata: Map<String, Value>,
    /// `langfuse.experiment.dataset.id`, when the items come from a Langfuse dataset.
    pub dataset_id: Option<String>,
    /// `langfuse.experiment.item.id`: the dataset item's id (or a local item's).
    pub item_id: String,
    /// `langfuse.experiment.item.version`: the dataset version the item was read at.
    pub item_version: Option<String>,
    /// `langfuse.experiment.item.metadata.<key>` (on the item's root span).
    pub item_metadata: Map<String, Value>,
    /// `langfuse.experiment.item.expected_output` (on the item's root span).
    pub expected_output: Option<Value>,
}

impl ExperimentItem {
    /// What every span of the item's trace carries; `root` is the hex id of the item's root span.
    pub(crate) fn attributes(&self, root: Option<&str>, attributes: &mut Vec<KeyValue>) {
        attributes.push(KeyValue::new("langfuse.experiment.id", self.experiment_id.clone()));
        attributes.push(KeyValue::new("langfuse.experiment.name", self.experiment_name.clone()));
        if let Some(description) = &self.description {
            attributes.push(KeyValue::new("langfuse.experiment.description", description.clone()));
        }
        for (key, value) in &self.metadata {
            attributes.push(KeyValue::new(format!("langfuse.experiment.metadata.{key}"), plain(value)));
        }
        if let Some(dataset) = &self.dataset_id {
            attributes.push(KeyValue::new("langfuse.experiment.dataset.id", dataset.clone()));
        }
        attributes.push(KeyValue::new("langfuse.experiment.item.id", self.item_id.clone()));
        if let Some(version) = &self.item_version {
            attributes.push(KeyValue::new("langfuse.experiment.item.version", version.clone()));
        }
        if let Some(root) = root {
            attributes.push(KeyValue::new("langfuse.experiment.item.root_observation_id", root.to_string()));
        }
    }

    /// What only the item's root span carries (content policy applied to the expected output).
    pub(crate) fn root_attributes(&self, expected_output: Option<String>, attributes: &mut Vec<KeyValue>) {
        if let Some(expected) = expected_output {
            attributes.push(KeyValue::new("langfuse.experiment.item.expected_output", expected));
        }
        for (key, value) in &self.item_metadata {
            attributes.push(KeyValue::new(format!("langfuse.experiment.item.metadata.{key}"), plain(value)));
        }
    }
}

/// What the calls of one trace came to, as recorded: read with
/// [`Trace::ended`](super::Trace::ended) once the trace's root has ended.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct TraceSummary {
    /// The trace, and its root span as the observation.
    pub root: Option<super::ObservationIds>,
    /// Generations recorded in it.
    pub generations: usize,
    /// Those that failed (level `ERROR`).
    pub failed: usize,
    /// Input tokens, as the provider counted them.
    pub input_tokens: u64,
    /// Output tokens, as the provider counted them.
    pub output_tokens: u64,
    /// The cost the provider reported (OpenRouter's `usage.cost`), when any call reported one.
    pub cost: Option<f64>,
    /// Time to the first streamed content of the first streamed call.
    pub first_token: Option<Duration>,
}

impl TraceSummary {
    /// Adds one generation's figures.
    pub(crate) fn add(&mut self, generation: &super::Generation) {
        self.generations += 1;
        if generation.level == Some("ERROR") {
            self.failed += 1;
        }
        let (input, output) = generation.provider_tokens;
        self.input_tokens += input.unwrap_or(0);
        self.output_tokens += output.unwrap_or(0);
        if let Some(cost) = generation.cost.get("total").and_then(Value::as_f64) {
            self.cost = Some(self.cost.unwrap_or(0.0) + cost);
        }
        if self.first_token.is_none() {
            if let (Some(start), Some(first)) = (generation.start, generation.completion_start) {
                self.first_token = first.duration_since(start).ok();
            }
        }
    }
}
