//! Langfuse as the destination of observed calls, through OpenTelemetry: `Langfuse` owns (or
//! borrows) a tracer provider whose batch processor exports OTLP/HTTP protobuf to
//! `{base}/api/public/otel/v1/traces`. Calls reach it through a bounded queue and a worker on a
//! runtime of its own, so reading a call into a span and exporting it never run on the caller's
//! task, and a slow or absent Langfuse costs the caller nothing but dropped spans, counted.

use super::export_client::{CountingExporter, ExportClient};
use super::ids::{with_ids, ChosenIds, ObservationIds};
use super::mapping::{read_generation, GenerationMap};
use super::scores::{Score, ScoreMessage, ScoreSender, ScoreTarget, SCORES_PATH};
use super::spans::{generation_attributes, ContentPolicy, TraceLabels};
use super::trace::{Root, Scope, Trace};
use super::status::{Counters, ShutdownReport, Status};
use super::{CallRecord, Observer};
use crate::secret::{Credentials, Secret};
use opentelemetry::trace::{Span as _, SpanId, SpanKind, Status as SpanStatus, TraceId, Tracer as _, TracerProvider as _};
use opentelemetry::Context;
use opentelemetry_otlp::{WithExportConfig, WithHttpConfig};
use opentelemetry_sdk::trace::{BatchConfigBuilder, BatchSpanProcessor, Sampler, SdkTracer, SdkTracerProvider};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex, Weak};
use std::time::Duration;
use tokio::sync::{mpsc, oneshot};

/// Langfuse Cloud (EU), as the official SDKs default to.
pub const DEFAULT_BASE_URL: &str = "https://cloud.langfuse.com";
/// Where Langfuse takes OTLP traces, below its base URL.
pub const OTLP_TRACES_PATH: &str = "/api/public/otel/v1/traces";

/// What Langfuse's own SDKs default to.
mod defaults {
    use std::time::Duration;
    pub const BATCH: usize = 512;
    pub const INTERVAL: Duration = Duration::from_secs(5);
    pub const QUEUE: usize = 2048;
    pub const TIMEOUT: Duration = Duration::from_secs(5);
}

/// Why observation could not be set up or shut down.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ObserveError(String);

impl std::fmt::Display for ObserveError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "langfuse observation: {}", self.0)
    }
}

impl std::error::Error for ObserveError {}

/// Settings for [`Langfuse`]; start from [`Langfuse::builder`] or [`LangfuseBuilder::from_env`].
#[derive(Clone)]
#[must_use = "call .build() to get the handle"]
pub struct LangfuseBuilder {
    base_url: String,
    public_key: Option<String>,
    secret_key: Option<Secret>,
    timeout: Duration,
    batch: usize,
    interval: Duration,
    queue: usize,
    sample_rate: f64,
    pub(crate) labels: TraceLabels,
    capture: bool,
    mask: Option<Arc<dyn Fn(serde_json::Value) -> serde_json::Value + Send + Sync>>,
    provider: Option<SdkTracerProvider>,
    http: Option<reqwest::Client>,
    service_name: Option<String>,
}

impl std::fmt::Debug for LangfuseBuilder {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LangfuseBuilder")
            .field("base_url", &self.base_url)
            .field("public_key", &self.public_key)
            .field("secret_key", &self.secret_key)
            .field("timeout", &self.timeout)
            .field("batch", &self.batch)
            .field("interval", &self.interval)
            .field("queue", &self.queue)
            .field("sample_rate", &self.sample_rate)
            .field("capture_content", &self.capture)
            .field("service_name", &self.service_name)
            .finish_non_exhaustive()
    }
}

impl Default for LangfuseBuilder {
    fn default() -> Self {
        LangfuseBuilder {
            base_url: DEFAULT_BASE_URL.to_string(),
            public_key: None,
            secret_key: None,
            timeout: defaults::TIMEOUT,
            batch: defaults::BATCH,
            interval: defaults::INTERVAL,
            queue: defaults::QUEUE,
            sample_rate: 1.0,
            labels: TraceLabels::default(),
            capture: true,
            mask: None,
            provider: None,
            http: None,
            service_name: None,
        }
    }
}

impl LangfuseBuilder {
    /// Reads what Langfuse's SDKs read: `LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`,
    /// `LANGFUSE_BASE_URL` (or `LANGFUSE_HOST`), `LANGFUSE_TIMEOUT` (seconds),
    /// `LANGFUSE_SAMPLE_RATE`, `LANGFUSE_FLUSH_AT`, `LANGFUSE_FLUSH_INTERVAL` (seconds),
    /// `LANGFUSE_RELEASE` and `LANGFUSE_TRACING_ENVIRONMENT`, and OpenTelemetry's
    /// `OTEL_SERVICE_NAME`. The keys are required.
    pub fn from_env() -> Result<Self, ObserveError> {
        use crate::config::env_var;
        let mut builder = LangfuseBuilder::default();
        let missing = |name: &str| ObserveError(format!("set {name} (the Langfuse project's API keys are in its settings)"));
        builder.public_key = Some(env_var("LANGFUSE_PUBLIC_KEY").ok_or_else(|| missing("LANGFUSE_PUBLIC_KEY"))?);
        builder.secret_key = Some(Secret::new(env_var("LANGFUSE_SECRET_KEY").ok_or_else(|| missing("LANGFUSE_SECRET_KEY"))?));
        if let Some(url) = env_var("LANGFUSE_BASE_URL").or_else(|| env_var("LANGFUSE_HOST")) {
            builder.base_url = url;
        }
        let number = |name: &str| -> Result<Option<f64>, ObserveError> {
            env_var(name)
                .map(|text| text.trim().parse::<f64>().map_err(|_| ObserveError(format!("{name}={text:?} is not a number"))))
                .transpose()
        };
        if let Some(seconds) = number("LANGFUSE_TIMEOUT")? {
            builder.timeout = Duration::from_secs_f64(seconds.max(0.001));
        }
        if let Some(rate) = number("LANGFUSE_SAMPLE_RATE")? {
            builder.sample_rate = rate.clamp(0.0, 1.0);
        }
        if let Some(count) = number("LANGFUSE_FLUSH_AT")? {
            builder.batch = (count as usize).max(1);
        }
        if let Some(seconds) = number("LANGFUSE_FLUSH_INTERVAL")? {
            builder.interval = Duration::from_secs_f64(seconds.max(0.001));
        }
        builder.labels.release = env_var("LANGFUSE_RELEASE");
        builder.labels.environment = env_var("LANGFUSE_TRACING_ENVIRONMENT");
        builder.service_name = env_var("OTEL_SERVICE_NAME");
        Ok(builder)
    }

    /// The Langfuse instance (default `https://cloud.langfuse.com`; US region, self-hosted).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = url.into();
        self
    }

    /// The project's key pair (sent as Basic auth, never logged).
    pub fn keys(mut self, public_key: impl Into<String>, secret_key: impl Into<Secret>) -> Self {
        self.public_key = Some(public_key.into());
        self.secret_key = Some(secret_key.into());
        self
    }

    /// The deadline of one export request, and of `shutdown()`'s flush (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Spans per export (default 512) and the longest wait before one (default 5 s).
    pub fn batch(mut self, spans: usize, interval: Duration) -> Self {
        self.batch = spans.max(1);
        self.interval = interval;
        self
    }

    /// The most spans waiting for export (default 2,048); past it, new ones are dropped and counted.
    pub fn queue(mut self, spans: usize) -> Self {
        self.queue = spans.max(1);
        self
    }

    /// The share of traces recorded, 0.0 to 1.0 (default 1.0).
    pub fn sample_rate(mut self, rate: f64) -> Self {
        self.sample_rate = rate.clamp(0.0, 1.0);
        self
    }

    /// `langfuse.release` on every trace.
    pub fn release(mut self, release: impl Into<String>) -> Self {
        self.labels.release = Some(release.into());
        self
    }

    /// `langfuse.environment` on every trace (`production`, `staging`…).
    pub fn environment(mut self, environment: impl Into<String>) -> Self {
        self.labels.environment = Some(environment.into());
        self
    }

    /// `service.name` of the spans' resource (default `OTEL_SERVICE_NAME`, else OpenTelemetry's
    /// `unknown_service`): which program the calls came from. Unused with your own tracer provider,
    /// whose resource is yours.
    pub fn service_name(mut self, name: impl Into<String>) -> Self {
        self.service_name = Some(name.into());
        self
    }

    /// Whether inputs and outputs are recorded at all (default true). Off, a generation keeps
    /// its model, usage, cost, timing and errors, and no content.
    pub fn capture_content(mut self, capture: bool) -> Self {
        self.capture = capture;
        self
    }

    /// A function that sees every input and output before it leaves the process, and returns
    /// what is recorded instead (redact, truncate, hash).
    pub fn mask(mut self, mask: impl Fn(serde_json::Value) -> serde_json::Value + Send + Sync + 'static) -> Self {
        self.mask = Some(Arc::new(mask));
        self
    }

    /// Records into your own OpenTelemetry pipeline instead of exporting to Langfuse: spans go to
    /// this provider (its processors, exporters and sampler); `shutdown()` flushes it but leaves
    /// it running. The keys and batching settings are then unused.
    pub fn tracer_provider(mut self, provider: SdkTracerProvider) -> Self {
        self.provider = Some(provider);
        self
    }

    /// Exports with this HTTP client (proxies, custom roots) instead of one built with the
    /// crate's TLS settings.
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http = Some(client);
        self
    }


    /// Starts the exporter: a runtime of one thread for exports and scores, and the batch
    /// processor's own thread.
    pub fn build(self) -> Result<Langfuse, ObserveError> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(1)
            .thread_name("langfuse-export")
            .enable_all()
            .build()
            .map_err(|e| ObserveError(format!("could not start the export thread: {e}")))?;
        let counters = Arc::new(Counters::default());
        let keys = self.checked_keys()?;
        let http = match &self.http {
            Some(client) => client.clone(),
            None => reqwest::Client::builder()
                .redirect(crate::http::same_origin_redirects())
                .connect_timeout(self.timeout)
                .build()
                .map_err(|e| ObserveError(format!("could not build the export HTTP client: {e}")))?,
        };
        let (provider, owned) = match self.provider.clone() {
            Some(provider) => (provider, false),
            None => {
                let Some((public_key, secret_key)) = keys.clone() else {
                    return Err(ObserveError("no Langfuse keys: set LANGFUSE_PUBLIC_KEY and LANGFUSE_SECRET_KEY, or call .keys(…)".into()));
                };
                let client = ExportClient { http: http.clone(), runtime: runtime.handle().clone(), public_key, secret_key, timeout: self.timeout };
                (self.own_provider(client, counters.clone())?, true)
            }
        };
        let tracer = provider.tracer("openrouter-langfuse");
        let (sender, receiver) = mpsc::channel(self.queue);
        let (score_sender, score_receiver) = mpsc::channel(self.queue);
        let base = self.base_url.trim_end_matches('/');
        let scores = ScoreSender { http, url: format!("{base}{SCORES_PATH}"), keys, timeout: self.timeout, counters: counters.clone() };
        let shared = Arc::new(Shared {
            sender,
            score_sender,
            tracer,
            provider,
            owned,
            counters,
            content: ContentPolicy { capture: self.capture, mask: self.mask.clone() },
            labels: self.labels.clone(),
            timeout: self.timeout,
            shut_down: AtomicBool::new(false),
            closed: AtomicBool::new(false),
            roots: Mutex::new(Vec::new()),
            runtime: Mutex::new(None),
        });
        runtime.spawn(worker(Arc::downgrade(&shared), receiver));
        runtime.spawn(scores.run(score_receiver));
        *shared.runtime.lock().unwrap_or_else(|e| e.into_inner()) = Some(runtime);
        Ok(Langfuse { shared: shared.clone(), _guard: Arc::new(DropGuard(shared)) })
    }

    /// The key pair, trimmed and checked as the API clients' keys are; `None` when not set.
    fn checked_keys(&self) -> Result<Option<(String, Secret)>, ObserveError> {
        let (Some(public_key), Some(secret_key)) = (self.public_key.clone(), self.secret_key.clone()) else { return Ok(None) };
        let checked = crate::http::checked_credentials(&Credentials::Basic { username: public_key, password: secret_key }).map_err(ObserveError)?;
        let Credentials::Basic { username, password } = checked else { return Err(ObserveError("the key pair did not survive its check".into())) };
        Ok(Some((username, password)))
    }

    fn own_provider(&self, client: ExportClient, counters: Arc<Counters>) -> Result<SdkTracerProvider, ObserveError> {
        let endpoint = format!("{}{OTLP_TRACES_PATH}", self.base_url.trim_end_matches('/'));
        let exporter = opentelemetry_otlp::SpanExporter::builder()
            .with_http()
            .with_protocol(opentelemetry_otlp::Protocol::HttpBinary)
            .with_http_client(client)
            .with_endpoint(endpoint)
            .with_timeout(self.timeout)
            .build()
            .map_err(|e| ObserveError(format!("could not build the OTLP exporter: {e}")))?;
        let config = BatchConfigBuilder::default()
            .with_max_queue_size(self.queue)
            .with_max_export_batch_size(self.batch.min(self.queue))
            .with_scheduled_delay(self.interval)
            .build();
        let processor = BatchSpanProcessor::builder(CountingExporter { inner: exporter, counters }).with_batch_config(config).build();
        let sampler = Sampler::ParentBased(Box::new(Sampler::TraceIdRatioBased(self.sample_rate)));
        let mut resource = opentelemetry_sdk::Resource::builder();
        if let Some(name) = &self.service_name {
            resource = resource.with_service_name(name.clone());
        }
        Ok(SdkTracerProvider::builder()
            .with_span_processor(processor)
            .with_sampler(sampler)
            .with_id_generator(ChosenIds)
            .with_resource(resource.build())
            .build())
    }
}

/// Where observed calls go: Langfuse over OpenTelemetry. Cheap to clone. Pass it to a client's
/// `observed(&langfuse)`; score what was observed with [`score`](Langfuse::score); call
/// `shutdown().await` once, at the end, to send what is queued and get the account. Dropping the
/// last handle without it still sends what is queued, waiting at most about four export
/// timeouts, so a `?` that leaves `main` early loses nothing already recorded.
#[derive(Clone)]
pub struct Langfuse {
    shared: Arc<Shared>,
    /// Held only by handles (not by observed clients), so the last handle's drop is noticed.
    _guard: Arc<DropGuard>,
}

impl std::fmt::Debug for Langfuse {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Langfuse").field("capture_content", &self.shared.content.capture).finish_non_exhaustive()
    }
}

impl Langfuse {
    /// [`LangfuseBuilder::from_env`], built.
    pub fn from_env() -> Result<Langfuse, ObserveError> {
        LangfuseBuilder::from_env()?.build()
    }

    /// Settings from scratch (nothing read from the environment).
    pub fn builder() -> LangfuseBuilder {
        LangfuseBuilder::default()
    }

    /// Settings read from the environment ([`LangfuseBuilder::from_env`]), to adjust before
    /// `build()`.
    pub fn builder_from_env() -> Result<LangfuseBuilder, ObserveError> {
        LangfuseBuilder::from_env()
    }

    /// A trace for a group of calls: every call through a client observed with it is a
    /// generation under one root span of this name, labelled as set here.
    pub fn trace(&self, name: impl Into<String>) -> Trace {
        let mut labels = self.shared.labels.clone();
        labels.name = Some(name.into());
        Trace::new(self.clone(), labels)
    }

    /// Attaches a score to an observed call (`response.observation()`, a `&ObservationIds`), to
    /// its whole trace (`ids.trace()`), or to any trace, observation or session by id
    /// ([`ScoreTarget`]), e.g. feedback that arrives later in another process. Queued and sent by
    /// the export thread with retries; never blocks. What could not be queued or sent is counted
    /// in [`status`](Langfuse::status) and the shutdown report.
    pub fn score(&self, target: impl Into<ScoreTarget>, score: Score) {
        let counters = &self.shared.counters;
        counters.scores_started.fetch_add(1, Ordering::SeqCst);
        let body = score.body(&target.into(), self.shared.labels.environment.as_deref());
        let refused = self.shared.shut_down.load(Ordering::SeqCst) || self.shared.score_sender.try_send(ScoreMessage::Send(Box::new(body))).is_err();
        if refused {
            counters.scores_dropped.fetch_add(1, Ordering::SeqCst);
            counters.failed("queueing a score", "the score queue is full or shut down");
        }
    }

    /// What has been exported, dropped and queued so far, and the last export error. Reads
    /// counters only: call it as often as you like (a health endpoint, a metric).
    pub fn status(&self) -> Status {
        self.shared.counters.status(self.shared.owned)
    }

    /// Sends everything queued (calls, open traces, scores) and stops exporting; returns how
    /// many spans and scores were exported and dropped. Traces still open (a traced client
    /// still alive) are ended here, with what they have. Waits at most about four export
    /// timeouts. Calls and scores after it are dropped and counted.
    pub async fn shutdown(&self) -> Result<ShutdownReport, ObserveError> {
        shut_down(self.shared.clone()).await
    }

    /// The observer a generated client installs: calls of the operations in `maps` become
    /// generations, labelled with the handle's defaults.
    #[doc(hidden)]
    pub fn observer(&self, system: &'static str, maps: &'static [GenerationMap]) -> Arc<dyn Observer> {
        Arc::new(GenerationObserver { system, maps, shared: self.shared.clone(), scope: Arc::new(Scope { labels: self.shared.labels.clone(), root: None }) })
    }

    pub(crate) fn shared(&self) -> &Arc<Shared> {
        &self.shared
    }
}

/// `shutdown()`, for a handle or for the last handle's drop.
async fn shut_down(shared: Arc<Shared>) -> Result<ShutdownReport, ObserveError> {
    if shared.shut_down.swap(true, Ordering::SeqCst) {
        return Err(ObserveError("shutdown() was already called".into()));
    }
    let deadline = shared.timeout;
    // Queued calls become spans first: the flush message waits its turn behind them.
    let _ = tokio::time::timeout(deadline, flush(&shared)).await;
    // Traces still open end now, with the input and output their calls gave them.
    let roots: Vec<Weak<Root>> = std::mem::take(&mut *shared.roots.lock().unwrap_or_else(|e| e.into_inner()));
    for root in roots.iter().filter_map(Weak::upgrade) {
        root.end();
    }
    // What the deadline left in the queue is dropped, and counted, by the worker; the second
    // flush returns once it has, so that the report below accounts for every call.
    shared.closed.store(true, Ordering::SeqCst);
    let _ = tokio::time::timeout(deadline, flush(&shared)).await;
    let (done, scores_flushed) = oneshot::channel();
    if shared.score_sender.send(ScoreMessage::Flush(done)).await.is_ok() {
        let _ = tokio::time::timeout(deadline * 2, scores_flushed).await;
    }
    let provider = shared.provider.clone();
    let owned = shared.owned;
    let handle = shared.runtime.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|r| r.handle().clone());
    let closing = move || if owned { provider.shutdown_with_timeout(deadline) } else { provider.force_flush() };
    // The provider's shutdown blocks on its exporter thread: never on the caller's task.
    let outcome = match handle {
        Some(handle) => tokio::time::timeout(deadline * 2, handle.spawn_blocking(closing)).await.ok().and_then(Result::ok),
        None => None,
    };
    let report = shared.counters.report(owned);
    if report.dropped > 0 || report.scores_dropped > 0 {
        tracing::warn!(dropped = report.dropped, exported = report.exported, scores_dropped = report.scores_dropped, "Langfuse did not receive everything recorded");
    }
    if let Some(Err(error)) = outcome {
        tracing::debug!(%error, "the span exporter reported an error while shutting down");
    }
    Ok(report)
}

/// Everything a handle, its traces and its observed clients share.
pub(crate) struct Shared {
    sender: mpsc::Sender<Message>,
    score_sender: mpsc::Sender<ScoreMessage>,
    pub(crate) tracer: SdkTracer,
    provider: SdkTracerProvider,
    /// Whether the provider is ours to shut down (else the user's).
    owned: bool,
    pub(crate) counters: Arc<Counters>,
    pub(crate) content: ContentPolicy,
    pub(crate) labels: TraceLabels,
    timeout: Duration,
    shut_down: AtomicBool,
    /// Set by `shutdown()` once its deadline has passed: the worker drops what is left.
    closed: AtomicBool,
    /// Traces started and maybe not ended: `shutdown()` ends those still alive.
    pub(crate) roots: Mutex<Vec<Weak<Root>>>,
    runtime: Mutex<Option<tokio::runtime::Runtime>>,
}

impl Drop for Shared {
    fn drop(&mut self) {
        // Dropping a runtime blocks, which panics inside another runtime: let it wind down alone.
        if let Some(runtime) = self.runtime.get_mut().unwrap_or_else(|e| e.into_inner()).take() {
            runtime.shutdown_background();
        }
    }
}

/// Flushes when the last `Langfuse` handle goes without `shutdown()`, as an OpenTelemetry
/// provider does on drop: a program that returns early (`?` in `main`) still sends what it
/// recorded, waiting a bounded time.
struct DropGuard(Arc<Shared>);

impl Drop for DropGuard {
    fn drop(&mut self) {
        if self.0.shut_down.load(Ordering::SeqCst) {
            return;
        }
        let handle = self.0.runtime.lock().unwrap_or_else(|e| e.into_inner()).as_ref().map(|r| r.handle().clone());
        let Some(handle) = handle else { return };
        // Waiting on our own export thread would wait on ourselves.
        if tokio::runtime::Handle::try_current().is_ok_and(|current| current.id() == handle.id()) {
            return;
        }
        let (sent, report) = std::sync::mpsc::channel();
        let shared = self.0.clone();
        handle.spawn(async move {
            let _ = sent.send(shut_down(shared).await);
        });
        // Each stage of shutdown has its own deadline; together at most about four timeouts.
        match report.recv_timeout(self.0.timeout * 5) {
            Ok(Ok(report)) => tracing::info!(exported = report.exported, dropped = report.dropped, "the last Langfuse handle was dropped without `shutdown().await`: flushed what was queued"),
            _ => tracing::warn!("the last Langfuse handle was dropped without `shutdown().await`, and flushing did not finish in time: spans still queued may be lost"),
        }
    }
}

/// What the worker is told.
enum Message {
    Call { system: &'static str, map: &'static GenerationMap, call: Box<CallRecord>, scope: Arc<Scope> },
    /// Answered once every message queued before it is handled.
    Flush(oneshot::Sender<()>),
}

/// Turns one client's calls into generations: the handle's (each call a trace of its own, or a
/// child of the caller's span) or a trace's.
pub(crate) struct GenerationObserver {
    pub(crate) system: &'static str,
    pub(crate) maps: &'static [GenerationMap],
    pub(crate) shared: Arc<Shared>,
    pub(crate) scope: Arc<Scope>,
}

impl Observer for GenerationObserver {
    fn observes(&self, operation: &'static str) -> bool {
        self.maps.iter().any(|map| map.operation == operation)
    }

    fn context(&self) -> Context {
        match &self.scope.root {
            Some(root) => root.context.clone(),
            None => Context::current(),
        }
    }

    fn ids(&self, context: &Context) -> Option<(TraceId, SpanId)> {
        // Only our own provider builds spans with the ids chosen here (its id generator).
        self.shared.owned.then(|| ObservationIds::choose(context))
    }

    fn record(&self, call: CallRecord) {
        let Some(map) = self.maps.iter().find(|map| map.operation == call.operation) else { return };
        let counters = &self.shared.counters;
        let message = Message::Call { system: self.system, map, call: Box::new(call), scope: self.scope.clone() };
        counters.queued_calls.fetch_add(1, Ordering::SeqCst);
        if self.shared.shut_down.load(Ordering::SeqCst) || self.shared.sender.try_send(message).is_err() {
            counters.queued_calls.fetch_sub(1, Ordering::SeqCst);
            counters.queue_dropped.fetch_add(1, Ordering::SeqCst);
            if !counters.overflow_logged.swap(true, Ordering::Relaxed) {
                tracing::warn!("the Langfuse queue is full or shut down: observed calls are being dropped (counted; Langfuse::status() and shutdown() report how many)");
            }
        }
    }
}

impl std::fmt::Debug for GenerationObserver {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GenerationObserver").field("system", &self.system).finish_non_exhaustive()
    }
}

/// Waits until the worker has taken every message queued before this call.
async fn flush(shared: &Shared) -> Option<()> {
    let (done, flushed) = oneshot::channel();
    shared.sender.send(Message::Flush(done)).await.ok()?;
    flushed.await.ok()
}

/// Turns queued calls into spans, off the callers' tasks, until every sender is gone.
async fn worker(shared: Weak<Shared>, mut receiver: mpsc::Receiver<Message>) {
    while let Some(message) = receiver.recv().await {
        match message {
            Message::Flush(done) => {
                let _ = done.send(());
            }
            Message::Call { system, map, call, scope } => {
                let Some(shared) = shared.upgrade() else { return };
                shared.counters.queued_calls.fetch_sub(1, Ordering::SeqCst);
                if shared.closed.load(Ordering::SeqCst) {
                    shared.counters.queue_dropped.fetch_add(1, Ordering::SeqCst);
                    continue;
                }
                generation_span(&shared, system, map, &call, &scope);
            }
        }
    }
}

/// One call as one finished span, with the ids chosen when it started.
fn generation_span(shared: &Shared, system: &'static str, map: &GenerationMap, call: &CallRecord, scope: &Scope) {
    let generation = read_generation(map, call);
    let input = shared.content.apply(&generation.input);
    let output = shared.content.apply(&generation.output);
    if let Some(root) = &scope.root {
        root.saw(&input, &output, &generation);
    }
    let mut attributes = generation_attributes(system, &generation, &scope.labels, input, output);
    if let Some(root) = &scope.root {
        root.span_attributes(&mut attributes);
    }
    let mut builder = shared.tracer.span_builder(generation.name).with_kind(SpanKind::Client).with_attributes(attributes);
    if let Some(start) = generation.start {
        builder = builder.with_start_time(start);
    }
    let mut span = with_ids(call.ids, || builder.start_with_context(&shared.tracer, &call.context));
    if let (Some("ERROR"), Some(message)) = (generation.level, &generation.status_message) {
        span.set_status(SpanStatus::error(message.clone()));
    }
    if span.span_context().is_sampled() {
        shared.counters.ended.fetch_add(1, Ordering::SeqCst);
    }
    match generation.end {
        Some(end) => span.end_with_timestamp(end),
        None => span.end(),
    }
}
