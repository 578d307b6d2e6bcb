//! Observing calls: OpenRouter generations recorded in Langfuse over OpenTelemetry.
//!
//! The hook (this module): what the HTTP layer tells an observer about each call. It knows nothing
//! of any API or of Langfuse: it hands over the request as sent, the response or each stream
//! event as received, the times, and how the call ended. Everything on the caller's path here is
//! a few clones and one non-blocking send; interpreting the bytes happens elsewhere, later.

pub use langfuse::{Langfuse, LangfuseBuilder, ObserveError, DEFAULT_BASE_URL, OTLP_TRACES_PATH};
pub use trace::Trace;
pub use experiment::{ExperimentItem, TraceSummary};
pub use scores::{Score, ScoreTarget, ScoreValue, SCORES_PATH};
pub use status::{ShutdownReport, Status};
pub use mapping::{read_generation, Generation, GenerationMap, RequestMap, ResultMap, Selector};
pub use spans::TraceLabels;
/// The OpenTelemetry API crate, for contexts and your own tracer provider.
pub use opentelemetry;
// For the facade's experiment runner (a crate of its own, which names no dependency but this one).
#[doc(hidden)]
pub use tokio;
#[doc(hidden)]
pub use tracing;
#[doc(hidden)]
pub use futures_util;
/// The OpenTelemetry SDK crate (`SdkTracerProvider` for [`LangfuseBuilder::tracer_provider`]).
pub use opentelemetry_sdk;

mod experiment;
mod export_client;
mod ids;
mod langfuse;
mod mapping;
mod scores;
mod spans;
mod status;
mod trace;

pub use ids::ObservationIds;

use bytes::Bytes;
use opentelemetry::trace::{SpanId, TraceId};
use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

/// Receives finished calls. Implementations must not block: `record` runs on the caller's task.
pub trait Observer: Send + Sync + 'static {
    /// Whether calls of `operation` (the spec's operation id) are observed at all; nothing is
    /// captured for the others.
    fn observes(&self, operation: &'static str) -> bool;
    /// The ambient context of a call, taken when it starts on the caller's task (the parent
    /// span a user has entered).
    fn context(&self) -> opentelemetry::Context {
        opentelemetry::Context::current()
    }
    /// The trace and span ids the call's span will have, chosen as it starts so that the caller
    /// can name the call at once (see [`ObservationIds`]); `None` when the observer cannot
    /// promise them.
    fn ids(&self, context: &opentelemetry::Context) -> Option<(TraceId, SpanId)> {
        let _ = context;
        None
    }
    /// A call has ended (or its stream was dropped). Must return at once; may drop the record.
    fn record(&self, call: CallRecord);
}

/// Everything the runtime saw of one call.
#[derive(Debug)]
pub struct CallRecord {
    /// The spec's operation id.
    pub operation: &'static str,
    /// The JSON request body as sent (empty for other bodies).
    pub request: Bytes,
    /// When the call started (wall clock).
    pub started: SystemTime,
    /// How long it took, until the body was read or the stream ended or was dropped.
    pub duration: Duration,
    /// The HTTP status of the last attempt, when one answered.
    pub status: Option<u16>,
    /// The whole response body of a plain call.
    pub response: Option<Bytes>,
    /// A stream's events: when each arrived (since `started`) and its `data`.
    pub events: Vec<(Duration, String)>,
    /// How the call ended.
    pub outcome: Outcome,
    /// The context the call was made in (see [`Observer::context`]).
    pub context: opentelemetry::Context,
    /// The trace and span ids the observer chose for the call's span when it started.
    pub ids: Option<(TraceId, SpanId)>,
}

/// How an observed call ended, as the caller saw it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Outcome {
    /// The caller got its value (or the stream ended normally).
    Success,
    /// The caller got an error (HTTP, decode, transport, timeout, mid-stream); its message.
    Failed(String),
    /// The caller dropped the stream before it ended.
    Abandoned,
}

/// One call being watched, on the caller's side. Dropping it unfinished records the call as
/// abandoned, which is how a stream the caller stops reading is noticed.
pub(crate) struct Watch {
    observer: Arc<dyn Observer>,
    record: Option<CallRecord>,
    clock: Instant,
}

impl Watch {
    /// Starts watching a call when the observer wants it.
    pub(crate) fn begin(observer: Option<&Arc<dyn Observer>>, operation: &'static str, request: &crate::request::Payload) -> Option<Watch> {
        let observer = observer?;
        if !observer.observes(operation) {
            return None;
        }
        let request = match request {
            crate::request::Payload::Json(bytes) => bytes.clone(),
            _ => Bytes::new(),
        };
        let context = observer.context();
        let ids = observer.ids(&context);
        let record = CallRecord {
            operation,
            request,
            started: SystemTime::now(),
            duration: Duration::ZERO,
            status: None,
            response: None,
            events: Vec::new(),
            outcome: Outcome::Abandoned,
            context,
            ids,
        };
        Some(Watch { observer: observer.clone(), record: Some(record), clock: Instant::now() })
    }

    /// Where the call will be in Langfuse.
    pub(crate) fn ids(&self) -> Option<ObservationIds> {
        let (trace, span) = self.record.as_ref()?.ids?;
        Some(ObservationIds::of(trace, span))
    }

    /// The status of the response that is being read.
    pub(crate) fn status(&mut self, status: u16) {
        if let Some(record) = &mut self.record {
            record.status = Some(status);
        }
    }

    /// One stream event, as received.
    pub(crate) fn event(&mut self, data: String) {
        let at = self.clock.elapsed();
        if let Some(record) = &mut self.record {
            record.events.push((at, data));
        }
    }

    /// A stream's error item: the first one is what the call failed with.
    pub(crate) fn stream_error(&mut self, message: String) {
        if let Some(record) = &mut self.record {
            if record.outcome == Outcome::Abandoned {
                record.outcome = Outcome::Failed(message);
            }
        }
    }

    /// The call failed with `error`; an API error's body is kept (its message is what failed).
    pub(crate) fn fail<E>(self, error: &crate::Error<E>) {
        let body = if let crate::Error::Api(api) = error { Some(api.raw.clone()) } else { None };
        self.finish(body, Outcome::Failed(error.to_string()));
    }

    /// The call ended: a plain call's body, or `None` for a stream.
    pub(crate) fn finish(mut self, response: Option<Bytes>, outcome: Outcome) {
        if let Some(mut record) = self.record.take() {
            record.response = response;
            // A stream that carried an error item failed, even if it then ended normally.
            if !matches!(record.outcome, Outcome::Failed(_)) || outcome != Outcome::Success {
                record.outcome = outcome;
            }
            record.duration = self.clock.elapsed();
            self.observer.record(record);
        }
    }
}

impl Drop for Watch {
    fn drop(&mut self) {
        if let Some(mut record) = self.record.take() {
            record.duration = self.clock.elapsed();
            self.observer.record(record);
        }
    }
}

impl std::fmt::Debug for Watch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Watch").field("operation", &self.record.as_ref().map(|r| r.operation)).finish_non_exhaustive()
    }
}
