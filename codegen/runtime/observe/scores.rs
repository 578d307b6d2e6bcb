//! Scores for what was observed. Langfuse v4 takes scores through its public API, not as spans:
//! `POST /api/public/scores` (the pinned Langfuse spec's `scores_create`, `CreateScoreRequest`),
//! naming the trace and observation by the hex ids the spans carry. Scores wait in a bounded queue
//! and a task on the export runtime sends them one by one, retrying what Langfuse did not take
//! (each score carries its own id, so Langfuse stores a retried score once), and counting what it
//! gives up on, as spans are counted.

use super::status::Counters;
use crate::retry::{retry_after, retryable_status, RetryPolicy};
use crate::secret::Secret;
use serde_json::{Map, Value};
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::{mpsc, oneshot};

/// Where Langfuse takes scores, below its base URL.
pub const SCORES_PATH: &str = "/api/public/scores";

/// What a score is attached to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreTarget {
    trace_id: Option<String>,
    observation_id: Option<String>,
    session_id: Option<String>,
    dataset_run_id: Option<String>,
}

impl ScoreTarget {
    /// One observation (a generation) of a trace, by the hex ids of
    /// [`ObservationIds`](super::ObservationIds).
    pub fn observation(trace_id: impl Into<String>, observation_id: impl Into<String>) -> ScoreTarget {
        ScoreTarget { trace_id: Some(trace_id.into()), observation_id: Some(observation_id.into()), session_id: None, dataset_run_id: None }
    }

    /// A whole trace, by its hex id.
    pub fn trace(trace_id: impl Into<String>) -> ScoreTarget {
        ScoreTarget { trace_id: Some(trace_id.into()), observation_id: None, session_id: None, dataset_run_id: None }
    }

    /// A session (`Trace::session_id`).
    pub fn session(session_id: impl Into<String>) -> ScoreTarget {
        ScoreTarget { trace_id: None, observation_id: None, session_id: Some(session_id.into()), dataset_run_id: None }
    }

    /// A dataset run: an experiment run as a whole (`langfuse.experiment.id`), for run-level
    /// scores.
    pub fn dataset_run(run_id: impl Into<String>) -> ScoreTarget {
        ScoreTarget { trace_id: None, observation_id: None, session_id: None, dataset_run_id: Some(run_id.into()) }
    }
}

impl From<&super::ObservationIds> for ScoreTarget {
    fn from(ids: &super::ObservationIds) -> ScoreTarget {
        ScoreTarget::observation(ids.trace_id.clone(), ids.observation_id.clone())
    }
}

impl From<super::ObservationIds> for ScoreTarget {
    fn from(ids: super::ObservationIds) -> ScoreTarget {
        ScoreTarget::observation(ids.trace_id, ids.observation_id)
    }
}

/// A score's value, in one of Langfuse's data types.
#[derive(Debug, Clone, PartialEq)]
pub enum ScoreValue {
    /// `NUMERIC`.
    Numeric(f64),
    /// `BOOLEAN` (sent as 1 or 0, as Langfuse takes it).
    Boolean(bool),
    /// `CATEGORICAL`: one of a set of labels.
    Categorical(String),
}

/// One score: a name, a value, and optionally a comment and metadata. Build it with
/// [`Score::numeric`], [`Score::boolean`] or [`Score::categorical`] and hand it to
/// [`Langfuse::score`](super::Langfuse::score).
#[derive(Debug, Clone, PartialEq)]
#[must_use = "hand it to langfuse.score(target, score)"]
pub struct Score {
    name: String,
    value: ScoreValue,
    comment: Option<String>,
    metadata: Map<String, Value>,
    id: Option<String>,
}

impl Score {
    /// A number (`accuracy`, `latency-ok` as 0.0–1.0, a 1–5 rating).
    pub fn numeric(name: impl Into<String>, value: f64) -> Score {
        Score::new(name, ScoreValue::Numeric(value))
    }

    /// Yes or no (`helpful`, `exact-match`).
    pub fn boolean(name: impl Into<String>, value: bool) -> Score {
        Score::new(name, ScoreValue::Boolean(value))
    }

    /// A label from a set (`tone`: `friendly`).
    pub fn categorical(name: impl Into<String>, value: impl Into<String>) -> Score {
        Score::new(name, ScoreValue::Categorical(value.into()))
    }

    fn new(name: impl Into<String>, value: ScoreValue) -> Score {
        Score { name: name.into(), value, comment: None, metadata: Map::new(), id: None }
    }

    /// Why (a reviewer's note, a judge's reasoning).
    pub fn comment(mut self, comment: impl Into<String>) -> Score {
        self.comment = Some(comment.into());
        self
    }

    /// Adds a metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<Value>) -> Score {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// The score's id in Langfuse (default: a new random one). Scoring again with the same id
    /// updates that score instead of adding another: use it for feedback a user may change.
    pub fn id(mut self, id: impl Into<String>) -> Score {
        self.id = Some(id.into());
        self
    }

    /// The name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The value.
    pub fn value(&self) -> &ScoreValue {
        &self.value
    }

    /// The comment, when one was given.
    pub fn comment_text(&self) -> Option<&str> {
        self.comment.as_deref()
    }

    /// The request body Langfuse's `POST /api/public/scores` takes (`CreateScoreRequest`).
    pub fn body(&self, target: &ScoreTarget, environment: Option<&str>) -> Value {
        let mut body = Map::new();
        let id = self.id.clone().unwrap_or_else(random_id);
        body.insert("id".into(), Value::from(id));
        let mut put = |key: &str, value: &Option<String>| {
            if let Some(value) = value {
                body.insert(key.into(), Value::from(value.clone()));
            }
        };
        put("traceId", &target.trace_id);
        put("observationId", &target.observation_id);
        put("sessionId", &target.session_id);
        put("datasetRunId", &target.dataset_run_id);
        put("comment", &self.comment);
        put("environment", &environment.map(str::to_string));
        body.insert("name".into(), Value::from(self.name.clone()));
        let (value, data_type) = match &self.value {
            ScoreValue::Numeric(number) => (Value::from(*number), "NUMERIC"),
            ScoreValue::Boolean(yes) => (Value::from(if *yes { 1.0 } else { 0.0 }), "BOOLEAN"),
            ScoreValue::Categorical(label) => (Value::from(label.clone()), "CATEGORICAL"),
        };
        body.insert("value".into(), value);
        body.insert("dataType".into(), Value::from(data_type));
        if !self.metadata.is_empty() {
            body.insert("metadata".into(), Value::Object(self.metadata.clone()));
        }
        Value::Object(body)
    }
}

/// 32 random hex digits: a score id that makes retries idempotent.
fn random_id() -> String {
    format!("{:016x}{:016x}", fastrand::u64(..), fastrand::u64(..))
}

/// What the score sender is told.
pub(crate) enum ScoreMessage {
    Send(Box<Value>),
    /// Answered once every score queued before it is sent or given up on.
    Flush(oneshot::Sender<()>),
}

/// Scores being sent at once.
const IN_FLIGHT: usize = 8;

/// Where and how scores are sent.
pub(crate) struct ScoreSender {
    pub http: reqwest::Client,
    pub url: String,
    /// The key pair; `None` when the handle has none (spans go to the user's own provider).
    pub keys: Option<(String, Secret)>,
    pub timeout: Duration,
    pub counters: Arc<Counters>,
}

impl ScoreSender {
    /// Sends queued scores until every sender is gone, up to [`IN_FLIGHT`] at once (Langfuse takes
    /// one score per request: one at a time, a burst of evaluations outruns the queue).
    pub async fn run(self, mut receiver: mpsc::Receiver<ScoreMessage>) {
        let sender = Arc::new(self);
        let mut in_flight = tokio::task::JoinSet::new();
        while let Some(message) = receiver.recv().await {
            match message {
                ScoreMessage::Flush(done) => {
                    while in_flight.join_next().await.is_some() {}
                    let _ = done.send(());
                }
                ScoreMessage::Send(body) => {
                    while in_flight.len() >= IN_FLIGHT {
                        in_flight.join_next().await;
                    }
                    let sender = sender.clone();
                    in_flight.spawn(async move {
                        let sent = sender.send(&body).await;
                        let counter = if sent { &sender.counters.scores_sent } else { &sender.counters.scores_dropped };
                        counter.fetch_add(1, Ordering::SeqCst);
                    });
                }
            }
        }
        while in_flight.join_next().await.is_some() {}
    }

    /// One score, retried on connection errors, 408, 429 and 5xx with backoff (honouring
    /// `Retry-After`) within a few times the export timeout; whether Langfuse took it.
    async fn send(&self, body: &Value) -> bool {
        let Some((public_key, secret_key)) = &self.keys else {
            self.counters.failed("sending a score", "no Langfuse keys: set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY, or call .keys(…)");
            return false;
        };
        let policy = RetryPolicy { max_retries: 4, max_elapsed: self.timeout * 4, ..RetryPolicy::default() };
        let started = Instant::now();
        let mut retry = 0;
        loop {
            let request = self
                .http
                .post(&self.url)
                .basic_auth(public_key, Some(secret_key.expose()))
                .timeout(self.timeout)
                .json(body);
            let (error, wait) = match request.send().await {
                Ok(response) if response.status().is_success() => {
                    self.counters.succeeded();
                    return true;
                }
                Ok(response) => {
                    let status = response.status().as_u16();
                    let wait = retry_after(response.headers()).filter(|wait| *wait <= policy.max_retry_after);
                    let text = response.text().await.unwrap_or_default();
                    if !retryable_status(status) {
                        self.counters.failed("sending a score", &format!("HTTP {status}: {text}"));
                        return false;
                    }
                    (format!("HTTP {status}: {text}"), wait)
                }
                Err(error) => (error.to_string(), None),
            };
            if retry >= policy.max_retries || started.elapsed() >= policy.max_elapsed {
                self.counters.failed("sending a score", &error);
                return false;
            }
            tokio::time::sleep(wait.unwrap_or_else(|| policy.backoff(retry))).await;
            retry += 1;
        }
    }
}
