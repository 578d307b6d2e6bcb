//! The ids of an observed call's span, chosen when the call starts. The span itself is built later,
//! off the caller's task, when the call has ended (so that it is exported once, complete); the
//! caller still learns at once where the call will be in Langfuse, to score it. Our tracer
//! provider's id generator hands out the chosen ids while the worker builds that span.

use opentelemetry::trace::{SpanId, TraceContextExt, TraceId};
use opentelemetry_sdk::trace::{IdGenerator, RandomIdGenerator};
use std::cell::Cell;

/// Where an observed call is in Langfuse: its trace and its observation (the generation), as the
/// lowercase hex of the OpenTelemetry trace and span ids. Known as soon as the call starts, so a
/// score can be attached right after it ([`Langfuse::score`](super::Langfuse::score)) or later,
/// from these two strings alone (feedback that arrives minutes later, in another process).
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ObservationIds {
    /// The trace's id: 32 hex digits.
    pub trace_id: String,
    /// The observation's id: 16 hex digits.
    pub observation_id: String,
}

impl ObservationIds {
    /// Ids for a call made in `context`: its span's trace (or a new one), and a new span id.
    pub(crate) fn choose(context: &opentelemetry::Context) -> (TraceId, SpanId) {
        let random = RandomIdGenerator::default();
        let parent = context.span().span_context().clone();
        let trace = if parent.is_valid() { parent.trace_id() } else { random.new_trace_id() };
        (trace, random.new_span_id())
    }

    pub(crate) fn of(trace: TraceId, span: SpanId) -> ObservationIds {
        ObservationIds { trace_id: trace.to_string(), observation_id: span.to_string() }
    }

    /// The call's trace as a score's target (a score for the whole trace, not this observation).
    pub fn trace(&self) -> super::ScoreTarget {
        super::ScoreTarget::trace(self.trace_id.clone())
    }
}

thread_local! {
    /// The ids the next span built on this thread takes (set only around one build).
    static NEXT: Cell<Option<(TraceId, SpanId)>> = const { Cell::new(None) };
}

/// Random ids, except while [`with_ids`] builds a span whose ids were chosen before.
#[derive(Debug, Default)]
pub(crate) struct ChosenIds;

impl IdGenerator for ChosenIds {
    fn new_trace_id(&self) -> TraceId {
        NEXT.with(Cell::get).map(|(trace, _)| trace).unwrap_or_else(|| RandomIdGenerator::default().new_trace_id())
    }

    fn new_span_id(&self) -> SpanId {
        NEXT.with(Cell::get).map(|(_, span)| span).unwrap_or_else(|| RandomIdGenerator::default().new_span_id())
    }
}

/// Runs `build` (which starts one span with a provider using [`ChosenIds`]) so that the span
/// takes `ids`.
pub(crate) fn with_ids<R>(ids: Option<(TraceId, SpanId)>, build: impl FnOnce() -> R) -> R {
    NEXT.with(|next| next.set(ids));
    let built = build();
    NEXT.with(|next| next.set(None));
    built
}
