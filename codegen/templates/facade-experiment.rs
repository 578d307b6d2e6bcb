//! Experiments: every item of a Langfuse dataset (or of your own list) through several OpenRouter
//! models, scored, recorded in Langfuse as one experiment run per model, and compared.
//!
//! You write the task (what to send for an item) and pick evaluators; the runner pages the
//! dataset lazily, runs items with bounded concurrency and an optional per-item timeout, keeps a
//! failing item (an error, a panic, a timeout) from ending the run, records each item as one
//! trace whose spans carry Langfuse v4's experiment attributes, sends the scores, and adds up
//! cost, tokens and latency per run as OpenRouter reported them.
//!
//! ```no_run
//! use openrouter_langfuse::experiment::{exact_match, Dataset, Experiments};
//! use openrouter_langfuse::{observe::Langfuse, openrouter};
//!
//! # async fn run() -> Result<(), Box<dyn std::error::Error>> {
//! let langfuse = Langfuse::from_env()?;
//! let openrouter = openrouter::Client::from_env()?;
//! let result = langfuse
//!     .experiment("support-answers", Dataset::named("support-questions"))
//!     .models(["openai/gpt-4o-mini", "anthropic/claude-sonnet-4"])
//!     .task(|item, call| async move { call.chat(item.messages()).await })
//!     .evaluate(exact_match())
//!     .run(&openrouter)
//!     .await?;
//! println!("{result}");
//! langfuse.shutdown().await?;
//! # Ok(()) }
//! ```

/// The progress bar crate [`Experiment::progress_bar`] takes bars of, re-exported so that its
/// version always matches.
#[cfg(feature = "progress-bar")]
pub use indicatif;

use crate::langfuse;
use crate::observe::{ExperimentItem, Langfuse, Score, ScoreTarget, ScoreValue, Trace, TraceSummary};
use crate::openrouter::{self, types::*};
use crate::runtime::observe::tokio;
use crate::runtime::observe::tracing;
use crate::runtime::serde_json::{self, Map, Value};
use crate::runtime::StreamExt;
use std::collections::BTreeMap;
use std::fmt;
use std::future::Future;
use std::pin::Pin;
use std::sync::{Arc, Mutex, OnceLock};
use std::time::{Duration, Instant};

/// A boxed future, as evaluators and tasks are stored.
pub type BoxFuture<T> = Pin<Box<dyn Future<Output = T> + Send + 'static>>;

/// How many items run at once by default (as Langfuse's Python runner).
pub const DEFAULT_CONCURRENCY: usize = 50;

/// One item: an input, optionally the expected output, and metadata.
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The item's id (a dataset item's id; for local items, yours).
    pub id: String,
    /// Text, an object or chat messages (`[{"role": …, "content": …}]`).
    pub input: Value,
    /// What a right answer is, for evaluators.
    pub expected_output: Option<Value>,
    /// Free-form metadata.
    pub metadata: Map<String, Value>,
    /// The dataset version the item was read at, when known.
    pub version: Option<String>,
    /// The Langfuse dataset it belongs to, for a dataset's item.
    pub dataset_id: Option<String>,
}

impl Item {
    /// A local item.
    pub fn new(id: impl Into<String>, input: impl Into<Value>) -> Item {
        Item { id: id.into(), input: input.into(), expected_output: None, metadata: Map::new(), version: None, dataset_id: None }
    }

    /// Sets the expected output.
    pub fn expected(mut self, output: impl Into<Value>) -> Item {
        self.expected_output = Some(output.into());
        self
    }

    /// Adds a metadata entry.
    pub fn metadata(mut self, key: impl Into<String>, value: impl Into<Value>) -> Item {
        self.metadata.insert(key.into(), value.into());
        self
    }

    /// The input as chat messages: text as one user message; a list of `{role, content}` by
    /// role (`system`, `developer`, `assistant`, anything else as `user`; content that is not
    /// text as its JSON); any other value as one user message holding its JSON.
    pub fn messages(&self) -> Vec<ChatMessage> {
        match &self.input {
            Value::String(text) => vec![ChatUserMessage::new(text.clone()).into()],
            Value::Array(list) if list.iter().all(|m| m.get("role").is_some()) => list.iter().map(message).collect(),
            other => vec![ChatUserMessage::new(other.to_string()).into()],
        }
    }
}

fn message(value: &Value) -> ChatMessage {
    let content = match value.get("content") {
        Some(Value::String(text)) => text.clone(),
        Some(other) => other.to_string(),
        None => String::new(),
    };
    match value.get("role").and_then(Value::as_str) {
        Some("system") => ChatSystemMessage::new(content).into(),
        Some("developer") => ChatDeveloperMessage::new(content).into(),
        Some("assistant") => ChatAssistantMessage::new().content(content).into(),
        _ => ChatUserMessage::new(content).into(),
    }
}

impl From<langfuse::types::DatasetItem> for Item {
    fn from(item: langfuse::types::DatasetItem) -> Item {
        let metadata = match item.metadata {
            Value::Object(map) => map,
            Value::Null => Map::new(),
            other => Map::from_iter([("value".to_string(), other)]),
        };
        let expected_output = Some(item.expected_output).filter(|v| !v.is_null());
        Item { id: item.id, input: item.input, expected_output, metadata, version: Some(item.updated_at.to_rfc3339()), dataset_id: Some(item.dataset_id) }
    }
}

/// Where the items come from.
#[derive(Debug)]
pub struct Dataset(Source);

#[derive(Debug)]
enum Source {
    Named { name: String, client: Option<langfuse::Client> },
    Local(Vec<Item>),
}

impl Dataset {
    /// A Langfuse dataset by name, its items paged lazily with a Langfuse API client read from
    /// the environment (`LANGFUSE_PUBLIC_KEY`, `LANGFUSE_SECRET_KEY`, `LANGFUSE_BASE_URL`).
    pub fn named(name: impl Into<String>) -> Dataset {
        Dataset(Source::Named { name: name.into(), client: None })
    }

    /// A Langfuse dataset by name, read with this client.
    pub fn named_with(client: langfuse::Client, name: impl Into<String>) -> Dataset {
        Dataset(Source::Named { name: name.into(), client: Some(client) })
    }

    /// Your own items.
    pub fn items(items: impl IntoIterator<Item = Item>) -> Dataset {
        Dataset(Source::Local(items.into_iter().collect()))
    }
}

/// One run of the experiment: a model, and optionally a name, a Langfuse prompt and parameters
/// your task reads ([`Call::variant`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Variant {
    /// How the run is named in Langfuse and in the table (default: the model).
    pub name: String,
    /// The OpenRouter model.
    pub model: String,
    /// The Langfuse prompt the run's generations link to: name and version.
    pub prompt: Option<(String, i64)>,
    /// Parameters for your task, recorded as the run's metadata.
    pub parameters: Map<String, Value>,
}

impl Variant {
    /// A run of this model.
    pub fn model(model: impl Into<String>) -> Variant {
        let model = model.into();
        Variant { name: model.clone(), model, prompt: None, parameters: Map::new() }
    }

    /// Names the run (two variants of one model need two names).
    pub fn name(mut self, name: impl Into<String>) -> Variant {
        self.name = name.into();
        self
    }

    /// Links the run's generations to a Langfuse prompt.
    pub fn prompt(mut self, name: impl Into<String>, version: i64) -> Variant {
        self.prompt = Some((name.into(), version));
        self
    }

    /// Adds a parameter.
    pub fn parameter(mut self, key: impl Into<String>, value: impl Into<Value>) -> Variant {
        self.parameters.insert(key.into(), value.into());
        self
    }
}

impl From<&str> for Variant {
    fn from(model: &str) -> Variant {
        Variant::model(model)
    }
}

impl From<String> for Variant {
    fn from(model: String) -> Variant {
        Variant::model(model)
    }
}

/// What a task calls OpenRouter with: a client observed into the item's trace, and the run.
#[derive(Debug, Clone)]
pub struct Call {
    client: openrouter::Client,
    variant: Arc<Variant>,
}

impl Call {
    /// A chat completion of these messages with the run's model: await it, or set more first.
    pub fn chat(&self, messages: Vec<ChatMessage>) -> openrouter::chat::SendChatCompletionRequest {
        self.client.chat().send(messages).model(self.variant.model.clone())
    }

    /// The observed client, for any other call (set the model yourself: [`Call::model`]).
    pub fn client(&self) -> &openrouter::Client {
        &self.client
    }

    /// The run's model.
    pub fn model(&self) -> &str {
        &self.variant.model
    }

    /// The run.
    pub fn variant(&self) -> &Variant {
        &self.variant
    }
}

/// What a task returns, as the output evaluators and Langfuse see.
pub trait TaskOutput: Send + 'static {
    /// The output as JSON (a chat completion: its first message's text).
    fn into_output(self) -> Value;
}

impl TaskOutput for Value {
    fn into_output(self) -> Value {
        self
    }
}

impl TaskOutput for String {
    fn into_output(self) -> Value {
        Value::String(self)
    }
}

impl TaskOutput for ChatResult {
    fn into_output(self) -> Value {
        let text = self.choices.first().and_then(|c| c.message.content.as_ref()).and_then(|c| c.as_str()).map(str::to_string);
        text.map(Value::String).unwrap_or(Value::Null)
    }
}

impl<T: TaskOutput> TaskOutput for crate::runtime::Response<T> {
    fn into_output(self) -> Value {
        self.value.into_output()
    }
}

/// What an item-level evaluator sees.
#[derive(Debug, Clone)]
pub struct Evaluation {
    /// The item's input.
    pub input: Value,
    /// The task's output.
    pub output: Value,
    /// The item's expected output.
    pub expected_output: Option<Value>,
    /// The item's metadata.
    pub metadata: Map<String, Value>,
    /// The run's model.
    pub model: String,
}

/// Scores one item's output. An evaluator that fails or panics costs its own scores only.
pub trait Evaluator: Send + Sync + 'static {
    /// Scores the item: one or more scores, or why it could not.
    fn evaluate(&self, item: Arc<Evaluation>) -> BoxFuture<Result<Vec<Score>, String>>;
}

/// An evaluator from a function (`evaluator(|e| Ok(vec![Score::boolean("short", …)]))`).
pub fn evaluator<F>(function: F) -> impl Evaluator
where
    F: Fn(&Evaluation) -> Result<Vec<Score>, String> + Send + Sync + 'static,
{
    FnEvaluator(function)
}

struct FnEvaluator<F>(F);

impl<F> Evaluator for FnEvaluator<F>
where
    F: Fn(&Evaluation) -> Result<Vec<Score>, String> + Send + Sync + 'static,
{
    fn evaluate(&self, item: Arc<Evaluation>) -> BoxFuture<Result<Vec<Score>, String>> {
        let scores = (self.0)(&item);
        Box::pin(async move { scores })
    }
}

/// Text of a value: a string as itself, anything else as its JSON.
fn text_of(value: &Value) -> String {
    match value {
        Value::String(text) => text.trim().to_string(),
        other => other.to_string(),
    }
}

fn expected(item: &Evaluation) -> Result<&Value, String> {
    item.expected_output.as_ref().ok_or_else(|| "the item has no expected output".to_string())
}

/// `exact_match` (boolean): the output equals the expected output (text trimmed; JSON by value).
pub fn exact_match() -> impl Evaluator {
    evaluator(|item| {
        let expected = expected(item)?;
        let equal = match (&item.output, expected) {
            (Value::String(_), _) | (_, Value::String(_)) => text_of(&item.output) == text_of(expected),
            (output, expected) => output == expected,
        };
        Ok(vec![Score::boolean("exact_match", equal)])
    })
}

/// `contains` (boolean): the output's text contains the expected output's text, ignoring case.
pub fn contains() -> impl Evaluator {
    evaluator(|item| {
        let expected = text_of(expected(item)?).to_lowercase();
        Ok(vec![Score::boolean("contains", text_of(&item.output).to_lowercase().contains(&expected))])
    })
}

/// `valid_json` (boolean): the output is JSON (a text that parses, or a JSON value).
pub fn valid_json() -> impl Evaluator {
    evaluator(|item| {
        let valid = match &item.output {
            Value::String(text) => serde_json::from_str::<Value>(text).is_ok(),
            Value::Null => false,
            _ => true,
        };
        Ok(vec![Score::boolean("valid_json", valid)])
    })
}

/// `numeric_match` (boolean): the output, read as a number, is within `tolerance` of the
/// expected number.
pub fn numeric_tolerance(tolerance: f64) -> impl Evaluator {
    evaluator(move |item| {
        let number = |value: &Value| value.as_f64().or_else(|| text_of(value).parse::<f64>().ok());
        let expected = number(expected(item)?).ok_or("the expected output is not a number")?;
        let Some(output) = number(&item.output) else {
            return Ok(vec![Score::boolean("numeric_match", false).comment("the output is not a number")]);
        };
        Ok(vec![Score::boolean("numeric_match", (output - expected).abs() <= tolerance).comment(format!("{output} vs {expected}"))])
    })
}

/// An LLM judge: asks `model` on OpenRouter whether the output meets `rubric`, and records the
/// answer as a numeric score `name` from 0 to 1 with the judge's reasoning as its comment. The
/// judge's call is recorded in Langfuse too (a trace of its own when `openrouter` is observed).
pub fn llm_judge(openrouter: openrouter::Client, model: impl Into<String>, name: impl Into<String>, rubric: impl Into<String>) -> impl Evaluator {
    LlmJudge { client: openrouter, model: model.into(), name: name.into(), rubric: rubric.into() }
}

struct LlmJudge {
    client: openrouter::Client,
    model: String,
    name: String,
    rubric: String,
}

impl Evaluator for LlmJudge {
    fn evaluate(&self, item: Arc<Evaluation>) -> BoxFuture<Result<Vec<Score>, String>> {
        let instructions = format!(
            "You grade an answer against a rubric. Rubric: {}\nReply with JSON only: {{\"score\": <number from 0 to 1>, \"reason\": \"<one sentence>\"}}.",
            self.rubric
        );
        let question = format!(
            "Input: {}\nExpected output: {}\nAnswer: {}",
            text_of(&item.input),
            item.expected_output.as_ref().map(text_of).unwrap_or_else(|| "(none)".into()),
            text_of(&item.output)
        );
        let request = self.client.chat().send(vec![ChatSystemMessage::new(instructions).into(), ChatUserMessage::new(question).into()]).model(self.model.clone());
        let name = self.name.clone();
        Box::pin(async move {
            let answer = request.await.map_err(|e| format!("the judge's call failed: {e}"))?;
            let text = answer.value.into_output();
            let text = text.as_str().unwrap_or_default();
            let start = text.find('{').unwrap_or(0);
            let end = text.rfind('}').map(|i| i + 1).unwrap_or(text.len());
            let verdict: Value = serde_json::from_str(&text[start..end]).map_err(|_| format!("the judge did not answer in JSON: {text:?}"))?;
            let score = verdict.get("score").and_then(Value::as_f64).ok_or_else(|| format!("the judge's answer has no numeric score: {text:?}"))?;
            let mut score = Score::numeric(name, score.clamp(0.0, 1.0));
            if let Some(reason) = verdict.get("reason").and_then(Value::as_str) {
                score = score.comment(reason);
            }
            Ok(vec![score])
        })
    }
}

/// Scores a whole run from its items' results (a pass rate, an average of your own).
pub trait RunEvaluator: Send + Sync + 'static {
    /// The run's scores.
    fn evaluate(&self, run: &RunResult) -> Result<Vec<Score>, String>;
}

impl<F> RunEvaluator for F
where
    F: Fn(&RunResult) -> Result<Vec<Score>, String> + Send + Sync + 'static,
{
    fn evaluate(&self, run: &RunResult) -> Result<Vec<Score>, String> {
        self(run)
    }
}

/// Where a run stands, after each item.
#[derive(Debug, Clone)]
pub struct Progress {
    /// The run's name.
    pub run: String,
    /// The item just finished.
    pub item_id: String,
    /// Whether it failed.
    pub failed: bool,
    /// Items finished in every run so far.
    pub finished: usize,
    /// Of those, failed.
    pub failures: usize,
    /// Items times runs, once known: at the start for your own items, with the first page for
    /// a Langfuse dataset.
    pub total: Option<usize>,
}

type Task = Arc<dyn Fn(Item, Call) -> BoxFuture<Result<Value, String>> + Send + Sync>;
type ProgressFn = Arc<dyn Fn(&Progress) + Send + Sync>;
type Items = Pin<Box<dyn crate::runtime::Stream<Item = Result<Item, String>> + Send>>;

/// Starts experiments from a [`Langfuse`] handle.
pub trait Experiments {
    /// An experiment named `name` on these items: add models, a task and evaluators, then `run`.
    fn experiment(&self, name: impl Into<String>, dataset: Dataset) -> Experiment;
}

impl Experiments for Langfuse {
    fn experiment(&self, name: impl Into<String>, dataset: Dataset) -> Experiment {
        Experiment {
            langfuse: self.clone(),
            name: name.into(),
            description: None,
            dataset,
            variants: Vec::new(),
            task: None,
            evaluators: Vec::new(),
            run_evaluators: Vec::new(),
            concurrency: DEFAULT_CONCURRENCY,
            timeout: None,
            progress: None,
            #[cfg(feature = "progress-bar")]
            bar: None,
        }
    }
}

/// An experiment being set up; [`Experiment::run`] runs it.
#[must_use = "call .run(&openrouter).await"]
pub struct Experiment {
    langfuse: Langfuse,
    name: String,
    description: Option<String>,
    dataset: Dataset,
    variants: Vec<Variant>,
    task: Option<Task>,
    evaluators: Vec<Arc<dyn Evaluator>>,
    run_evaluators: Vec<Arc<dyn RunEvaluator>>,
    concurrency: usize,
    timeout: Option<Duration>,
    progress: Option<ProgressFn>,
    #[cfg(feature = "progress-bar")]
    bar: Option<indicatif::ProgressBar>,
}

impl fmt::Debug for Experiment {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Experiment").field("name", &self.name).field("variants", &self.variants).field("concurrency", &self.concurrency).finish_non_exhaustive()
    }
}

/// Why an experiment could not run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExperimentError(String);

impl fmt::Display for ExperimentError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "experiment: {}", self.0)
    }
}

impl std::error::Error for ExperimentError {}

impl Experiment {
    /// One run per model (or [`Variant`]).
    pub fn models<V: Into<Variant>>(mut self, models: impl IntoIterator<Item = V>) -> Self {
        self.variants.extend(models.into_iter().map(Into::into));
        self
    }

    /// The experiment's description (`langfuse.experiment.description`).
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// What runs for each item: given the item and a [`Call`] set to the run's model and
    /// observed into the item's trace, returns the output or an error (which fails that item
    /// only).
    pub fn task<F, Fut, O, E>(mut self, task: F) -> Self
    where
        F: Fn(Item, Call) -> Fut + Send + Sync + 'static,
        Fut: Future<Output = Result<O, E>> + Send + 'static,
        O: TaskOutput,
        E: fmt::Display + 'static,
    {
        self.task = Some(Arc::new(move |item, call| {
            let future = task(item, call);
            Box::pin(async move { future.await.map(TaskOutput::into_output).map_err(|e| e.to_string()) })
        }));
        self
    }

    /// Adds an item-level evaluator.
    pub fn evaluate(mut self, evaluator: impl Evaluator) -> Self {
        self.evaluators.push(Arc::new(evaluator));
        self
    }

    /// Adds a run-level evaluator: its scores go to each run (`datasetRunId`: the run's id).
    pub fn evaluate_run(mut self, evaluator: impl RunEvaluator) -> Self {
        self.run_evaluators.push(Arc::new(evaluator));
        self
    }

    /// How many items run at once, over all runs (default [`DEFAULT_CONCURRENCY`]).
    pub fn concurrency(mut self, items: usize) -> Self {
        self.concurrency = items.max(1);
        self
    }

    /// The longest one item's task may take; past it the item fails as timed out.
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Called after each item, on the runner's task (keep it quick).
    pub fn on_progress(mut self, progress: impl Fn(&Progress) + Send + Sync + 'static) -> Self {
        self.progress = Some(Arc::new(progress));
        self
    }

    /// Draws a progress bar on standard error (nothing when it is not a terminal): items
    /// finished of all runs, failures, rate and time left.
    #[cfg(feature = "progress-bar")]
    pub fn show_progress(self) -> Self {
        let style = indicatif::ProgressStyle::with_template("{spinner} {prefix} [{bar:30}] {pos}/{len} items · {msg} · {per_sec} · eta {eta}")
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
            .progress_chars("=> ");
        let prefix = self.name.clone();
        self.progress_bar(indicatif::ProgressBar::no_length().with_style(style).with_prefix(prefix))
    }

    /// Reports progress on your own bar (one of a `MultiProgress`, a styled or hidden one):
    /// its length is set to items times runs once known, its position to the items finished,
    /// its message to the failures; it is finished when the experiment ends, or abandoned
    /// when it stops early.
    #[cfg(feature = "progress-bar")]
    pub fn progress_bar(mut self, bar: indicatif::ProgressBar) -> Self {
        bar.set_message("0 failed");
        self.bar = Some(bar);
        self
    }

    /// Runs every item on every model and returns the results. Item failures are in the
    /// result; an error here means the experiment could not start (no models, no task, the
    /// dataset could not be read).
    pub async fn run(self, openrouter: &openrouter::Client) -> Result<ExperimentResult, ExperimentError> {
        self.run_until(openrouter, std::future::pending::<()>()).await
    }

    /// [`run`](Experiment::run), stopping early when `stop` completes (e.g. `tokio::signal::ctrl_c()`):
    /// no new item starts, the items running finish, and the result holds what finished.
    pub async fn run_until(self, openrouter: &openrouter::Client, stop: impl Future + Send) -> Result<ExperimentResult, ExperimentError> {
        let task = self.task.clone().ok_or_else(|| ExperimentError("no task: call .task(|item, call| …)".into()))?;
        if self.variants.is_empty() {
            return Err(ExperimentError("no models: call .models([…])".into()));
        }
        let total = Arc::new(OnceLock::new());
        let mut items = self.items(total.clone(), self.variants.len())?;
        let runs: Vec<Arc<RunSetup>> = self
            .variants
            .iter()
            .map(|variant| {
                let name = if self.variants.len() == 1 { self.name.clone() } else { format!("{} · {}", self.name, variant.name) };
                Arc::new(RunSetup { id: random_id(), name, variant: Arc::new(variant.clone()) })
            })
            .collect();
        let shared = Arc::new(Shared {
            langfuse: self.langfuse.clone(),
            openrouter: openrouter.clone(),
            task,
            evaluators: self.evaluators.clone(),
            description: self.description.clone(),
            timeout: self.timeout,
            progress: self.progress.clone(),
            #[cfg(feature = "progress-bar")]
            bar: self.bar.clone(),
            total,
            counts: Mutex::new((0, 0)),
        });
        let permits = Arc::new(tokio::sync::Semaphore::new(self.concurrency));
        let mut running = tokio::task::JoinSet::new();
        let mut results: Vec<Vec<ItemResult>> = vec![Vec::new(); runs.len()];
        let mut interrupted = None;
        let started = Instant::now();
        tracing::info!(experiment = %self.name, runs = runs.len(), "experiment started");
        let mut stop = std::pin::pin!(stop);
        'items: loop {
            let Some(next) = unless(items.next(), stop.as_mut()).await else {
                interrupted = Some("stopped".to_string());
                break;
            };
            let item = match next {
                None => break,
                Some(Ok(item)) => Arc::new(item),
                Some(Err(error)) => {
                    if results.iter().all(Vec::is_empty) && running.is_empty() {
                        return Err(ExperimentError(format!("could not read the dataset: {error}")));
                    }
                    tracing::warn!(%error, "the dataset could not be read further: the experiment ends with the items read so far");
                    interrupted = Some(format!("could not read the dataset further: {error}"));
                    break;
                }
            };
            for (index, run) in runs.iter().enumerate() {
                let Some(permit) = unless(permits.clone().acquire_owned(), stop.as_mut()).await else {
                    interrupted = Some("stopped".to_string());
                    break 'items;
                };
                let permit = permit.map_err(|_| ExperimentError("the concurrency limit closed".into()))?;
                while let Some(done) = running.try_join_next() {
                    collect(done, &mut results);
                }
                let (shared, run, item) = (shared.clone(), run.clone(), item.clone());
                running.spawn(async move {
                    let result = shared.run_item(&run, &item).await;
                    drop(permit);
                    (index, result)
                });
            }
        }
        while let Some(done) = running.join_next().await {
            collect(done, &mut results);
        }
        let mut result = ExperimentResult { name: self.name.clone(), runs: Vec::new(), interrupted, elapsed_ms: ms(started.elapsed()) };
        for (run, items) in runs.iter().zip(results) {
            let mut run_result = RunResult::new(run, items);
            for evaluator in &self.run_evaluators {
                match catch(|| evaluator.evaluate(&run_result)) {
                    Ok(scores) => {
                        for score in scores {
                            // Langfuse reads an experiment's run scores as scores whose dataset run id
                            // is the experiment id and that name no trace, observation or session
                            // (`queryScoreRecordsForExperiments`, packages/shared/src/server/repositories/scores.ts).
                            self.langfuse.score(ScoreTarget::dataset_run(run.id.clone()), score.clone());
                            run_result.run_scores.push(ScoreRecord::of(&score));
                        }
                    }
                    Err(error) => run_result.evaluator_errors.push(error),
                }
            }
            result.runs.push(run_result);
        }
        #[cfg(feature = "progress-bar")]
        if let Some(bar) = &self.bar {
            match &result.interrupted {
                None => bar.finish_with_message(format!("{} failed", shared.failures())),
                Some(why) => {
                    bar.set_message(format!("{} failed · {why}", shared.failures()));
                    bar.abandon();
                }
            }
        }
        tracing::info!(experiment = %self.name, elapsed_ms = result.elapsed_ms, "experiment finished");
        Ok(result)
    }

    /// The items, lazily; `total` learns items times `runs` as soon as the count is known.
    fn items(&self, total: Arc<OnceLock<usize>>, runs: usize) -> Result<Items, ExperimentError> {
        match &self.dataset.0 {
            Source::Local(items) => {
                let _ = total.set(items.len() * runs);
                Ok(Box::pin(crate::runtime::observe::futures_util::stream::iter(items.clone().into_iter().map(Ok))))
            }
            Source::Named { name, client } => {
                let client = match client {
                    Some(client) => client.clone(),
                    None => langfuse::Client::from_env().map_err(|e| ExperimentError(format!("a Langfuse API client for dataset {name:?}: {e}")))?,
                };
                let name = name.clone();
                // Paged here rather than with `send_paginated`, which drops the first page's
                // item count that progress reports need.
                let pages = crate::runtime::paginate(1, move |page: i64| {
                    let request = client.dataset_items().list().dataset_name(name.clone()).page(page);
                    let total = total.clone();
                    async move {
                        let listing = request.send().await?.value;
                        if let Ok(items) = usize::try_from(listing.meta.total_items) {
                            let _ = total.set(items * runs);
                        }
                        Ok((listing.data, (page < listing.meta.total_pages).then_some(page + 1)))
                    }
                });
                Ok(Box::pin(pages.map(|item| item.map(Item::from).map_err(|e| e.to_string()))))
            }
        }
    }
}

/// `work`'s output, or `None` when `stop` completes first.
async fn unless<T, S: Future>(work: impl Future<Output = T>, stop: Pin<&mut S>) -> Option<T> {
    use crate::runtime::observe::futures_util::future::{select, Either};
    match select(std::pin::pin!(work), stop).await {
        Either::Left((value, _)) => Some(value),
        Either::Right(_) => None,
    }
}

fn collect(done: Result<(usize, ItemResult), tokio::task::JoinError>, results: &mut [Vec<ItemResult>]) {
    match done {
        Ok((index, result)) => results[index].push(result),
        // The task, evaluators and progress callback run under their own guards, so only a bug
        // of the runner itself lands here; it is said, not swallowed.
        Err(joined) => tracing::error!(error = %joined, "an experiment item ended abnormally and is missing from the result"),
    }
}

/// Runs `f`, a panic turned into an error.
fn catch<T>(f: impl FnOnce() -> Result<T, String>) -> Result<T, String> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|payload| Err(panic_message(payload.as_ref())))
}

fn panic_message(payload: &(dyn std::any::Any + Send)) -> String {
    let what = payload.downcast_ref::<&str>().map(|s| s.to_string()).or_else(|| payload.downcast_ref::<String>().cloned()).unwrap_or_else(|| "a panic".into());
    format!("panicked: {what}")
}

struct RunSetup {
    id: String,
    name: String,
    variant: Arc<Variant>,
}

struct Shared {
    langfuse: Langfuse,
    openrouter: openrouter::Client,
    task: Task,
    evaluators: Vec<Arc<dyn Evaluator>>,
    description: Option<String>,
    timeout: Option<Duration>,
    progress: Option<ProgressFn>,
    #[cfg(feature = "progress-bar")]
    bar: Option<indicatif::ProgressBar>,
    /// Items times runs, once known.
    total: Arc<OnceLock<usize>>,
    /// Items finished and failed, over every run.
    counts: Mutex<(usize, usize)>,
}

impl Shared {
    /// One item on one run: its trace, the task, the evaluators and their scores.
    async fn run_item(&self, run: &RunSetup, item: &Item) -> ItemResult {
        let variant = &run.variant;
        let mut metadata = Map::from_iter([("model".to_string(), Value::from(variant.model.clone()))]);
        if let Some((name, version)) = &variant.prompt {
            metadata.insert("prompt".into(), Value::from(format!("{name}@{version}")));
        }
        metadata.extend(variant.parameters.clone());
        let experiment_item = ExperimentItem {
            experiment_id: run.id.clone(),
            experiment_name: run.name.clone(),
            description: self.description.clone(),
            metadata,
            dataset_id: item.dataset_id.clone(),
            item_id: item.id.clone(),
            item_version: item.version.clone(),
            item_metadata: item.metadata.clone(),
            expected_output: item.expected_output.clone(),
        };
        let mut trace: Trace = self.langfuse.trace(run.name.clone()).experiment_item(experiment_item).input(item.input.clone());
        if let Some((name, version)) = &variant.prompt {
            trace = trace.prompt(name.clone(), *version);
        }
        let client = self.openrouter.observed(&trace);
        // Holds the trace open until its outcome is recorded, whatever the task does with its client.
        let keep = client.clone();
        let call = Call { client, variant: variant.clone() };
        let started = Instant::now();
        let mut handle = tokio::spawn((self.task)(item.clone(), call));
        let outcome = match self.timeout {
            Some(limit) => match tokio::time::timeout(limit, &mut handle).await {
                Ok(joined) => joined,
                Err(_) => {
                    handle.abort();
                    let _ = (&mut handle).await;
                    Ok(Err(format!("timed out after {limit:?}")))
                }
            },
            None => (&mut handle).await,
        };
        let latency = started.elapsed();
        let outcome = outcome.unwrap_or_else(|joined| Err(if joined.is_panic() { panic_message(joined.into_panic().as_ref()) } else { "cancelled".into() }));
        match &outcome {
            Ok(output) => trace.record_output(output.clone()),
            Err(error) => trace.record_error(error.clone()),
        }
        drop(keep);
        let summary = trace.ended().await;
        let mut result = ItemResult::new(item, &summary, latency, &outcome);
        if let Ok(output) = outcome {
            let evaluation = Arc::new(Evaluation {
                input: item.input.clone(),
                output,
                expected_output: item.expected_output.clone(),
                metadata: item.metadata.clone(),
                model: variant.model.clone(),
            });
            for evaluator in &self.evaluators {
                let future = match catch(|| Ok(evaluator.evaluate(evaluation.clone()))) {
                    Ok(future) => future,
                    Err(error) => {
                        result.evaluator_errors.push(error);
                        continue;
                    }
                };
                match tokio::spawn(future).await {
                    Ok(Ok(scores)) => {
                        for score in scores {
                            // Item scores are joined to the experiment by trace id
                            // (`getScoresForExperimentItems`, same file as the run scores').
                            if let Some(root) = &summary.root {
                                self.langfuse.score(ScoreTarget::trace(root.trace_id.clone()), score.clone());
                            }
                            result.scores.push(ScoreRecord::of(&score));
                        }
                    }
                    Ok(Err(error)) => result.evaluator_errors.push(error),
                    Err(joined) => result.evaluator_errors.push(if joined.is_panic() { panic_message(joined.into_panic().as_ref()) } else { "cancelled".into() }),
                }
            }
        }
        let failed = result.error.is_some();
        let (finished, failures) = {
            let mut counts = self.counts.lock().unwrap_or_else(|e| e.into_inner());
            counts.0 += 1;
            counts.1 += usize::from(failed);
            *counts
        };
        tracing::debug!(run = %run.name, item = %item.id, failed, latency_ms = ms(latency), "experiment item finished");
        let total = self.total.get().copied();
        if let Some(progress) = &self.progress {
            let report = Progress { run: run.name.clone(), item_id: item.id.clone(), failed, finished, failures, total };
            // A panicking callback must not take the finished item's result with it.
            if let Err(error) = catch(|| {
                progress(&report);
                Ok(())
            }) {
                tracing::warn!(%error, "the experiment's progress callback failed");
            }
        }
        #[cfg(feature = "progress-bar")]
        if let Some(bar) = &self.bar {
            if let Some(total) = total {
                bar.set_length(total as u64);
            }
            bar.inc(1);
            bar.set_message(format!("{failures} failed"));
        }
        result
    }

    #[cfg(feature = "progress-bar")]
    fn failures(&self) -> usize {
        self.counts.lock().unwrap_or_else(|e| e.into_inner()).1
    }
}

fn random_id() -> String {
    use std::hash::{BuildHasher, Hasher};
    let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
    hasher.write_u128(std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.as_nanos()).unwrap_or(0));
    format!("{:016x}", hasher.finish())
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1000.0
}

/// A score as recorded in the result.
#[derive(Debug, Clone, PartialEq, crate::runtime::serde::Serialize)]
#[serde(crate = "crate::runtime::serde")]
pub struct ScoreRecord {
    /// The score's name.
    pub name: String,
    /// Its value: a number, a boolean or a label.
    pub value: Value,
    /// Its comment.
    pub comment: Option<String>,
}

impl ScoreRecord {
    fn of(score: &Score) -> ScoreRecord {
        let value = match score.value() {
            ScoreValue::Numeric(n) => Value::from(*n),
            ScoreValue::Boolean(b) => Value::from(*b),
            ScoreValue::Categorical(label) => Value::from(label.clone()),
        };
        ScoreRecord { name: score.name().to_string(), value, comment: score.comment_text().map(str::to_string) }
    }

    /// The value as a number (booleans as 1 and 0); `None` for a label.
    pub fn number(&self) -> Option<f64> {
        self.value.as_f64().or_else(|| self.value.as_bool().map(|b| if b { 1.0 } else { 0.0 }))
    }
}

/// One item on one run.
#[derive(Debug, Clone, crate::runtime::serde::Serialize)]
#[serde(crate = "crate::runtime::serde")]
pub struct ItemResult {
    /// The item's id.
    pub item_id: String,
    /// The task's output, when it succeeded.
    pub output: Option<Value>,
    /// Why it failed (an error, a panic, a timeout).
    pub error: Option<String>,
    /// Its scores.
    pub scores: Vec<ScoreRecord>,
    /// Evaluators that failed or panicked on it.
    pub evaluator_errors: Vec<String>,
    /// Its trace in Langfuse (hex).
    pub trace_id: Option<String>,
    /// Its root observation (hex).
    pub observation_id: Option<String>,
    /// The task's wall time.
    pub latency_ms: f64,
    /// Time to the first streamed token, for streamed tasks.
    pub first_token_ms: Option<f64>,
    /// OpenRouter's `usage.cost`, summed over the item's calls.
    pub cost: Option<f64>,
    /// Input tokens over the item's calls.
    pub input_tokens: u64,
    /// Output tokens over the item's calls.
    pub output_tokens: u64,
}

impl ItemResult {
    fn new(item: &Item, summary: &TraceSummary, latency: Duration, outcome: &Result<Value, String>) -> ItemResult {
        ItemResult {
            item_id: item.id.clone(),
            output: outcome.as_ref().ok().cloned(),
            error: outcome.as_ref().err().cloned(),
            scores: Vec::new(),
            evaluator_errors: Vec::new(),
            trace_id: summary.root.as_ref().map(|r| r.trace_id.clone()),
            observation_id: summary.root.as_ref().map(|r| r.observation_id.clone()),
            latency_ms: ms(latency),
            first_token_ms: summary.first_token.map(ms),
            cost: summary.cost,
            input_tokens: summary.input_tokens,
            output_tokens: summary.output_tokens,
        }
    }
}

/// One score over a run's items.
#[derive(Debug, Clone, PartialEq, crate::runtime::serde::Serialize)]
#[serde(crate = "crate::runtime::serde")]
pub struct ScoreStats {
    /// Items with this score.
    pub count: usize,
    /// Their mean (booleans as 1 and 0).
    pub mean: f64,
    /// The lowest.
    pub min: f64,
    /// The highest.
    pub max: f64,
}

/// One run: a model or variant over every item.
#[derive(Debug, Clone, crate::runtime::serde::Serialize)]
#[serde(crate = "crate::runtime::serde")]
pub struct RunResult {
    /// The run's name (`langfuse.experiment.name`).
    pub name: String,
    /// Its id (`langfuse.experiment.id`).
    pub id: String,
    /// Its model.
    pub model: String,
    /// Items that succeeded.
    pub done: usize,
    /// Items that failed.
    pub failed: usize,
    /// Total cost (OpenRouter's `usage.cost`).
    pub cost: f64,
    /// Mean cost per item that reported one.
    pub mean_cost: Option<f64>,
    /// Input tokens.
    pub input_tokens: u64,
    /// Output tokens.
    pub output_tokens: u64,
    /// Latency, median.
    pub latency_p50_ms: Option<f64>,
    /// Latency, 95th percentile.
    pub latency_p95_ms: Option<f64>,
    /// Time to first token, median (streamed tasks).
    pub first_token_p50_ms: Option<f64>,
    /// Every item score: count, mean, range.
    pub scores: BTreeMap<String, ScoreStats>,
    /// The run-level scores.
    pub run_scores: Vec<ScoreRecord>,
    /// Run evaluators that failed.
    pub evaluator_errors: Vec<String>,
    /// Every item, in the order they finished.
    pub items: Vec<ItemResult>,
}

impl RunResult {
    fn new(run: &RunSetup, items: Vec<ItemResult>) -> RunResult {
        let failed = items.iter().filter(|i| i.error.is_some()).count();
        let costs: Vec<f64> = items.iter().filter_map(|i| i.cost).collect();
        // Folded from +0.0: an empty `sum()` of floats is -0.0, which the table would print.
        let cost: f64 = costs.iter().fold(0.0, |total, cost| total + cost);
        let latencies: Vec<f64> = items.iter().filter(|i| i.error.is_none()).map(|i| i.latency_ms).collect();
        let first_tokens: Vec<f64> = items.iter().filter_map(|i| i.first_token_ms).collect();
        let mut values: BTreeMap<String, Vec<f64>> = BTreeMap::new();
        for score in items.iter().flat_map(|i| &i.scores) {
            if let Some(number) = score.number() {
                values.entry(score.name.clone()).or_default().push(number);
            }
        }
        let scores = values
            .into_iter()
            .map(|(name, v)| {
                let stats = ScoreStats {
                    count: v.len(),
                    mean: v.iter().sum::<f64>() / v.len() as f64,
                    min: v.iter().copied().fold(f64::INFINITY, f64::min),
                    max: v.iter().copied().fold(f64::NEG_INFINITY, f64::max),
                };
                (name, stats)
            })
            .collect();
        RunResult {
            name: run.name.clone(),
            id: run.id.clone(),
            model: run.variant.model.clone(),
            done: items.len() - failed,
            failed,
            cost,
            mean_cost: (!costs.is_empty()).then(|| cost / costs.len() as f64),
            input_tokens: items.iter().map(|i| i.input_tokens).sum(),
            output_tokens: items.iter().map(|i| i.output_tokens).sum(),
            latency_p50_ms: percentile(&latencies, 0.50),
            latency_p95_ms: percentile(&latencies, 0.95),
            first_token_p50_ms: percentile(&first_tokens, 0.50),
            scores,
            run_scores: Vec::new(),
            evaluator_errors: Vec::new(),
            items,
        }
    }

    /// The mean of an item score over the run, when any item has it.
    pub fn mean(&self, score: &str) -> Option<f64> {
        self.scores.get(score).map(|s| s.mean)
    }
}

/// The nearest-rank percentile.
fn percentile(values: &[f64], share: f64) -> Option<f64> {
    if values.is_empty() {
        return None;
    }
    let mut sorted = values.to_vec();
    sorted.sort_by(f64::total_cmp);
    let rank = ((share * sorted.len() as f64).ceil() as usize).clamp(1, sorted.len());
    Some(sorted[rank - 1])
}

/// Every run of an experiment: print it for the comparison table, serialize it for CI.
#[derive(Debug, Clone, crate::runtime::serde::Serialize)]
#[serde(crate = "crate::runtime::serde")]
pub struct ExperimentResult {
    /// The experiment's name.
    pub name: String,
    /// One per model or variant, in the order given.
    pub runs: Vec<RunResult>,
    /// Why it ended before every item ran (stopped, the dataset could not be read further).
    pub interrupted: Option<String>,
    /// How long it took.
    pub elapsed_ms: f64,
}

impl ExperimentResult {
    /// The run of this name (or model).
    pub fn run(&self, name: &str) -> Option<&RunResult> {
        self.runs.iter().find(|r| r.name == name || r.model == name)
    }

    /// Checks the result against a gate for CI: `Err` lists every run that does not pass.
    pub fn gate(&self, gate: &Gate) -> Result<(), GateFailure> {
        let mut reasons = Vec::new();
        if let Some(reason) = &self.interrupted {
            reasons.push(format!("the experiment did not finish: {reason}"));
        }
        for run in &self.runs {
            for (score, minimum) in &gate.min_means {
                match run.mean(score) {
                    Some(mean) if mean >= *minimum => {}
                    Some(mean) => reasons.push(format!("{}: mean {score} {mean:.3} is below {minimum}", run.name)),
                    None => reasons.push(format!("{}: no item has the score {score}", run.name)),
                }
            }
            let total = run.done + run.failed;
            if let Some(max) = gate.max_failure_rate {
                let rate = if total == 0 { 1.0 } else { run.failed as f64 / total as f64 };
                if rate > max {
                    reasons.push(format!("{}: {:.1}% of items failed (at most {:.1}% allowed)", run.name, rate * 100.0, max * 100.0));
                }
            }
        }
        if reasons.is_empty() {
            Ok(())
        } else {
            Err(GateFailure(reasons))
        }
    }
}

/// What a CI run requires of every run: minimum score means, a maximum failure rate.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Gate {
    min_means: Vec<(String, f64)>,
    max_failure_rate: Option<f64>,
}

impl Gate {
    /// A gate that passes everything finished.
    pub fn new() -> Gate {
        Gate::default()
    }

    /// Fails a run whose mean of `score` is below `minimum` (or that has no such score).
    pub fn min_mean(mut self, score: impl Into<String>, minimum: f64) -> Gate {
        self.min_means.push((score.into(), minimum));
        self
    }

    /// Fails a run in which more than this share of items failed (0.0 to 1.0).
    pub fn max_failure_rate(mut self, share: f64) -> Gate {
        self.max_failure_rate = Some(share);
        self
    }
}

/// Why a result did not pass its gate: one line per reason.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GateFailure(pub Vec<String>);

impl fmt::Display for GateFailure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "the experiment did not pass its gate: {}", self.0.join("; "))
    }
}

impl std::error::Error for GateFailure {}

impl fmt::Display for ExperimentResult {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let scores: Vec<&String> = {
            let mut names: Vec<&String> = self.runs.iter().flat_map(|r| r.scores.keys()).collect();
            names.sort();
            names.dedup();
            names
        };
        let mut header = vec!["run".to_string(), "done".into(), "failed".into(), "cost".into(), "cost/item".into(), "tokens in".into(), "tokens out".into(), "p50 ms".into(), "p95 ms".into(), "ttft ms".into()];
        header.extend(scores.iter().map(|s| s.to_string()));
        let optional = |value: Option<f64>, digits: usize| value.map(|v| format!("{v:.digits$}")).unwrap_or_else(|| "-".into());
        let mut rows = vec![header];
        for run in &self.runs {
            let mut row = vec![
                run.name.clone(),
                run.done.to_string(),
                run.failed.to_string(),
                format!("{:.6}", run.cost),
                optional(run.mean_cost, 6),
                run.input_tokens.to_string(),
                run.output_tokens.to_string(),
                optional(run.latency_p50_ms, 1),
                optional(run.latency_p95_ms, 1),
                optional(run.first_token_p50_ms, 1),
            ];
            row.extend(scores.iter().map(|s| optional(run.mean(s), 3)));
            rows.push(row);
        }
        let widths: Vec<usize> = (0..rows[0].len()).map(|c| rows.iter().map(|r| r[c].chars().count()).max().unwrap_or(0)).collect();
        writeln!(f, "experiment {} ({:.1} s)", self.name, self.elapsed_ms / 1000.0)?;
        for (index, row) in rows.iter().enumerate() {
            let cells: Vec<String> = row.iter().zip(&widths).enumerate().map(|(c, (cell, w))| if c == 0 { format!("{cell:<w$}") } else { format!("{cell:>w$}") }).collect();
            writeln!(f, "{}", cells.join("  "))?;
            if index == 0 {
                writeln!(f, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("  "))?;
            }
        }
        if let Some(reason) = &self.interrupted {
            writeln!(f, "interrupted: {reason}")?;
        }
        Ok(())
    }
}
