//! What the exporter has done so far: the counts `Langfuse::status()` and `shutdown()` report, and
//! the one place that decides when a change of state is worth a log line (the first failure, and
//! each recovery or relapse after it; never one line per batch).

use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::Mutex;

/// Counts shared by the callers' side, the worker, the exporter and the score sender.
#[derive(Debug, Default)]
pub(crate) struct Counters {
    /// Spans ended and sampled (handed to the batch processor): generations and trace roots.
    pub ended: AtomicU64,
    /// Spans Langfuse accepted.
    pub exported: AtomicU64,
    /// Spans in batches Langfuse refused or never answered.
    pub export_failed: AtomicU64,
    /// Calls dropped before they became spans (our queue was full, or shut down).
    pub queue_dropped: AtomicU64,
    /// Calls waiting in our queue for the worker.
    pub queued_calls: AtomicU64,
    /// Scores handed to `Langfuse::score`, sent, and given up on.
    pub scores_started: AtomicU64,
    pub scores_sent: AtomicU64,
    pub scores_dropped: AtomicU64,
    /// Whether a full queue has been logged.
    pub overflow_logged: AtomicBool,
    health: Mutex<Health>,
}

#[derive(Debug, Default)]
struct Health {
    /// The last export or score error, bounded and without secrets.
    last_error: Option<String>,
    /// Whether the last attempt failed (so a success after it is a recovery worth saying).
    failing: bool,
}

impl Counters {
    /// An export or a score send failed. Logs only when this is news: the first failure, or the
    /// first after a recovery.
    pub fn failed(&self, what: &str, error: &str) {
        // What a server sends is bounded and escaped before it reaches a log or a status.
        let text = crate::report::clean(error, crate::report::SHOWN);
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        let news = !health.failing;
        health.failing = true;
        health.last_error = Some(format!("{what}: {text}"));
        drop(health);
        if news {
            tracing::warn!(error = %text, "{what} failed; further failures are counted, not logged, until Langfuse answers again (Langfuse::status() shows the counts)");
        }
    }

    /// An export or a score send succeeded; logs a recovery from failing.
    pub fn succeeded(&self) {
        let mut health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        if health.failing {
            health.failing = false;
            drop(health);
            tracing::info!("Langfuse accepts exports again");
        }
    }

    /// What has happened so far.
    pub fn status(&self, owned: bool) -> Status {
        let load = |counter: &AtomicU64| counter.load(Ordering::SeqCst);
        let ended = load(&self.ended);
        let exported = load(&self.exported);
        // A provider of the user's own exports elsewhere: a span handed to it is as far as we
        // can follow it.
        let (exported, failed, in_processor) = if owned {
            let failed = load(&self.export_failed);
            (exported, failed, ended.saturating_sub(exported + failed))
        } else {
            (ended, 0, 0)
        };
        let health = self.health.lock().unwrap_or_else(|e| e.into_inner());
        Status {
            exported,
            dropped: failed + load(&self.queue_dropped),
            queued: in_processor + load(&self.queued_calls),
            scores_sent: load(&self.scores_sent),
            scores_dropped: load(&self.scores_dropped),
            scores_queued: load(&self.scores_started).saturating_sub(load(&self.scores_sent) + load(&self.scores_dropped)),
            last_error: health.last_error.clone(),
        }
    }

    /// The final account, once nothing is left to send: every span started is exported or dropped.
    pub fn report(&self, owned: bool) -> ShutdownReport {
        let load = |counter: &AtomicU64| counter.load(Ordering::SeqCst);
        let started = load(&self.ended) + load(&self.queue_dropped);
        // With the user's own provider, a span handed to it is as far as we can follow it.
        let exported = if owned { load(&self.exported) } else { load(&self.ended) };
        let dropped = started.saturating_sub(exported);
        let scores_started = load(&self.scores_started);
        let scores_sent = load(&self.scores_sent);
        ShutdownReport { started, exported, dropped, scores_sent, scores_dropped: scores_started.saturating_sub(scores_sent) }
    }
}

/// What the exporter has done so far ([`Langfuse::status`](super::Langfuse::status)); call it at
/// any time, it only reads counters.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Status {
    /// Spans Langfuse accepted (with a tracer provider of your own: spans handed to it).
    pub exported: u64,
    /// Spans lost so far: refused or unanswered exports, and calls our queue could not take.
    pub dropped: u64,
    /// Spans waiting: calls not yet turned into spans, and spans waiting for their batch.
    pub queued: u64,
    /// Scores Langfuse accepted.
    pub scores_sent: u64,
    /// Scores given up on (refused, retries exhausted, queue full, or after shutdown).
    pub scores_dropped: u64,
    /// Scores waiting to be sent.
    pub scores_queued: u64,
    /// The last export or score error (bounded, escaped), if any.
    pub last_error: Option<String>,
}

/// What `shutdown()` did. Every span started is either exported or dropped
/// (`exported + dropped == started`), on every path: closed streams, open traces and calls made
/// after shutdown included.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub struct ShutdownReport {
    /// Spans recorded over the handle's life: one per observed call, one per trace root.
    pub started: u64,
    /// Spans Langfuse accepted, root spans of traces included (with a tracer provider of your
    /// own: spans handed to it).
    pub exported: u64,
    /// Spans that never reached Langfuse (queue full, Langfuse down or refusing, the deadline).
    pub dropped: u64,
    /// Scores Langfuse accepted.
    pub scores_sent: u64,
    /// Scores that never reached Langfuse.
    pub scores_dropped: u64,
}
