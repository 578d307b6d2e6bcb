//! A trace: a group of calls under one root span. The root carries what Langfuse v4 reads a trace
//! from (it stores one row per span and inherits nothing): the trace's labels, and its input,
//! output and metadata as `langfuse.observation.*`. It is ended once, complete: when the last
//! client observed with it is dropped, or by `shutdown()`, whichever comes first.

use super::experiment::{ExperimentItem, TraceSummary};
use super::langfuse::{GenerationObserver, Langfuse};
use super::mapping::{Generation, GenerationMap};
use super::spans::{root_attributes, trace_attributes, TraceLabels};
use super::status::Counters;
use super::Observer;
use opentelemetry::trace::{Span as _, SpanKind, Status as SpanStatus, TraceContextExt, Tracer as _};
use opentelemetry::{Context, KeyValue};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};

/// A group of calls shown as one trace in Langfuse; build it with [`Langfuse::trace`], then pass
/// it to a client's `observed(&trace)`. Each `observed` starts one trace. It ends when that client
/// and its clones are dropped, or at `langfuse.shutdown()` if they are still alive then; either
/// way its root span is sent once, with the trace's input (by default the first call's input)
/// and output (by default the last call's output).
#[derive(Debug, Clone)]
#[must_use = "pass it to a client's observed(&trace)"]
pub struct Trace {
    langfuse: Langfuse,
    labels: TraceLabels,
    parent: Option<Context>,
    input: Option<serde_json::Value>,
    output: Option<serde_json::Value>,
    experiment: Option<Arc<ExperimentItem>>,
    state: Arc<TraceState>,
}

/// What a trace's roots and its `Trace` values share: an outcome set late, and the figures.
#[derive(Debug, Default)]
struct TraceState {
    inner: Mutex<StateInner>,
    ended: tokio::sync::Notify,
}

#[derive(Debug, Default)]
struct StateInner {
    /// The root's output, set after the calls (content policy applied).
    output: Option<String>,
    /// Why the trace failed, when it did.
    error: Option<String>,
    summary: TraceSummary,
    ended: bool,
}

impl Trace {
    pub(crate) fn new(langfuse: Langfuse, labels: TraceLabels) -> Trace {
        Trace { langfuse, labels, parent: None, input: None, output: None, experiment: None, state: Arc::default() }
    }

    /// Makes the trace an item of a Langfuse experiment: every span of it (root and
    /// generations) carries the experiment's and the item's attributes, including the root's id
    /// as `langfuse.experiment.item.root_observation_id`; the root also carries the expected
    /// output and the item's metadata.
    pub fn experiment_item(mut self, item: ExperimentItem) -> Self {
        self.experiment = Some(Arc::new(item));
        self
    }

    /// Sets the root's output after `observed` (for an outcome known only once the calls are
    /// done); takes effect if called before the trace ends.
    pub fn record_output(&self, output: impl Into<serde_json::Value>) {
        let output = self.langfuse.shared().content.apply(&Some(output.into()));
        self.state.lock().output = output;
    }

    /// Marks the root as failed (level `ERROR`, with this status message); takes effect if
    /// called before the trace ends.
    pub fn record_error(&self, message: impl Into<String>) {
        self.state.lock().error = Some(message.into());
    }

    /// Waits until the trace's root has ended (its clients dropped and their calls recorded, or
    /// `shutdown()`), and returns what its calls came to. Returns at once for a trace that was
    /// never passed to `observed`.
    pub async fn ended(&self) -> TraceSummary {
        loop {
            let notified = self.state.ended.notified();
            {
                let inner = self.state.lock();
                if inner.ended || inner.summary.root.is_none() {
                    return inner.summary.clone();
                }
            }
            notified.await;
        }
    }

    /// `user.id`.
    pub fn user_id(mut self, id: impl Into<String>) -> Self {
        self.labels.user_id = Some(id.into());
        self
    }

    /// `session.id`: traces of one conversation.
    pub fn session_id(mut self, id: impl Into<String>) -> Self {
        self.labels.session_id = Some(id.into());
        self
    }

    /// Adds a tag.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.labels.tags.push(tag.into());
        self
    }

    /// Adds a metadata entry (on every span of the trace, and the trace's own metadata).
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Self {
        self.labels.metadata.insert(key.into(), value.into());
        self
    }

    /// `langfuse.release` for this trace.
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.labels.release = Some(release.into());
        self
    }

    /// The trace's input, as Langfuse's trace list shows it (default: the first call's input).
    pub fn input(mut self, input: impl Into<serde_json::Value>) -> Self {
        self.input = Some(input.into());
        self
    }

    /// The trace's output (default: the last call's output).
    pub fn output(mut self, output: impl Into<serde_json::Value>) -> Self {
        self.output = Some(output.into());
        self
    }

    /// Links every generation of the trace to a Langfuse prompt (name and version), as
    /// Langfuse's prompt management shows it.
    pub fn prompt(mut self, name: impl Into<String>, version: i64) -> Self {
        self.labels.prompt = Some((name.into(), version));
        self
    }

    /// Starts the trace under an OpenTelemetry context of yours (an enclosing span, e.g. from
    /// `tracing-opentelemetry`), instead of the context current when `observed` is called.
    pub fn parent(mut self, context: Context) -> Self {
        self.parent = Some(context);
        self
    }

    /// The observer a generated client installs for this trace; starts the trace's root span.
    #[doc(hidden)]
    pub fn observer(&self, system: &'static str, maps: &'static [GenerationMap]) -> Arc<dyn Observer> {
        let shared = self.langfuse.shared();
        let parent = self.parent.clone().unwrap_or_else(Context::current);
        let mut attributes = Vec::new();
        trace_attributes(&self.labels, &mut attributes);
        let name = self.labels.name.clone().unwrap_or_else(|| "trace".to_string());
        let span = shared.tracer.span_builder(name).with_kind(SpanKind::Internal).with_attributes(attributes).start_with_context(&shared.tracer, &parent);
        let io = TraceIo {
            input: shared.content.apply(&self.input),
            output: shared.content.apply(&self.output),
            input_given: self.input.is_some(),
            output_given: self.output.is_some(),
        };
        let ids = span.span_context().clone();
        let root_id = ids.span_id().to_string();
        {
            let mut state = self.state.lock();
            state.ended = false;
            state.summary = TraceSummary { root: Some(super::ObservationIds::of(ids.trace_id(), ids.span_id())), ..TraceSummary::default() };
        }
        let expected = self.experiment.as_ref().and_then(|item| shared.content.apply(&item.expected_output));
        let root = Arc::new(Root {
            context: parent.with_span(span),
            io: Mutex::new(io),
            labels: self.labels.clone(),
            ended: AtomicBool::new(false),
            counters: shared.counters.clone(),
            experiment: self.experiment.clone().map(|item| (item, root_id, expected)),
            state: self.state.clone(),
        });
        let mut roots = shared.roots.lock().unwrap_or_else(|e| e.into_inner());
        roots.retain(|root| root.strong_count() > 0);
        roots.push(Arc::downgrade(&root));
        drop(roots);
        let scope = Arc::new(Scope { labels: self.labels.clone(), root: Some(root) });
        Arc::new(GenerationObserver { system, maps, shared: shared.clone(), scope })
    }
}

/// What every generation of one `observed` client shares.
pub(crate) struct Scope {
    pub(crate) labels: TraceLabels,
    /// The trace's root span, when the client was observed with a trace.
    pub(crate) root: Option<Arc<Root>>,
}

impl Drop for Scope {
    fn drop(&mut self) {
        // Queued calls hold the scope too, so this runs after the last of them became a span.
        if let Some(root) = &self.root {
            root.end();
        }
    }
}

/// A trace's root span, while it is open.
pub(crate) struct Root {
    /// The root span, as the parent of the trace's calls.
    pub(crate) context: Context,
    io: Mutex<TraceIo>,
    labels: TraceLabels,
    ended: AtomicBool,
    counters: Arc<Counters>,
    /// The experiment item the trace is, its root's hex id and its expected output as recorded.
    experiment: Option<(Arc<ExperimentItem>, String, Option<String>)>,
    state: Arc<TraceState>,
}

impl TraceState {
    fn lock(&self) -> std::sync::MutexGuard<'_, StateInner> {
        self.inner.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// The trace's input and output as recorded (content policy applied), and whether the user set them.
struct TraceIo {
    input: Option<String>,
    output: Option<String>,
    input_given: bool,
    output_given: bool,
}

impl Root {
    /// The experiment attributes every span of the trace carries.
    pub(crate) fn span_attributes(&self, attributes: &mut Vec<KeyValue>) {
        if let Some((item, root_id, _)) = &self.experiment {
            item.attributes(Some(root_id), attributes);
        }
    }

    /// A call of the trace became a span: its input may be the trace's, its output is the latest.
    pub(crate) fn saw(&self, input: &Option<String>, output: &Option<String>, generation: &Generation) {
        self.state.lock().summary.add(generation);
        let mut io = self.io.lock().unwrap_or_else(|e| e.into_inner());
        if !io.input_given && io.input.is_none() {
            io.input = input.clone();
        }
        if !io.output_given && output.is_some() {
            io.output = output.clone();
        }
    }

    /// Ends the root span, once, with the trace's input, output and metadata.
    pub(crate) fn end(&self) {
        if self.ended.swap(true, Ordering::SeqCst) {
            return;
        }
        let io = self.io.lock().unwrap_or_else(|e| e.into_inner());
        let span = self.context.span();
        let mut state = self.state.lock();
        let output = state.output.clone().or_else(|| io.output.clone());
        let mut attributes = root_attributes(&self.labels, &io.input, &output);
        drop(io);
        if let Some((item, root_id, expected)) = &self.experiment {
            item.attributes(Some(root_id), &mut attributes);
            item.root_attributes(expected.clone(), &mut attributes);
        }
        if let Some(error) = &state.error {
            attributes.push(KeyValue::new("langfuse.observation.level", "ERROR"));
            attributes.push(KeyValue::new("langfuse.observation.status_message", error.clone()));
            span.set_status(SpanStatus::error(error.clone()));
        }
        span.set_attributes(attributes);
        if span.span_context().is_sampled() {
            self.counters.ended.fetch_add(1, Ordering::SeqCst);
        }
        span.end();
        state.ended = true;
        drop(state);
        self.state.ended.notify_waiters();
    }
}
