//! Streaming responses: server-sent events decoded into the spec's event type, one item per event.

use crate::error::{ApiError, DecodeError, Error, ErrorBody};
use crate::http::{decode_error, decode_off_worker, read_body, HttpClient, DECODED_IN_PLACE};
use crate::request::RequestParts;
use crate::sse::{RawEvent, SseParser};
use crate::tolerant::{decode_tolerant, log_once, DecodeWarning};
use futures_util::stream::{self, Stream, StreamExt};
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Instant;

/// One event's item and the fields of it left out as not matching the spec.
type Item<T, E> = (Result<T, Error<E>>, Vec<DecodeWarning>);

/// A stream of typed events, with the status and headers of the response that carries it;
/// dropping it closes the connection and so cancels the request.
pub struct EventStream<T, E> {
    status: StatusCode,
    headers: HeaderMap,
    events: Pin<Box<dyn Stream<Item = Item<T, E>> + Send>>,
    warnings: Vec<DecodeWarning>,
    #[cfg(feature = "observe")]
    observation: Option<crate::observe::ObservationIds>,
}

impl<T, E> EventStream<T, E> {
    /// The HTTP status of the streaming response (a success).
    pub fn status(&self) -> StatusCode {
        self.status
    }

    /// The response headers (request and generation ids, rate limits).
    pub fn headers(&self) -> &HeaderMap {
        &self.headers
    }

    /// The fields of the item last returned that did not decode as the spec says and were left
    /// out of it (their JSON is in the `extra` of the struct that held them); empty when it
    /// matched the spec. An accessor rather than a wrapper around each item, so the stream stays a
    /// plain `Stream<Item = Result<T, Error<E>>>` and the generated event types no field they do
    /// not declare.
    pub fn warnings(&self) -> &[DecodeWarning] {
        &self.warnings
    }

    /// Where this stream's call is recorded in Langfuse (its trace and observation ids), when
    /// the client is observed: known from the start, so a score can name it before the stream ends.
    #[cfg(feature = "observe")]
    pub fn observation(&self) -> Option<&crate::observe::ObservationIds> {
        self.observation.as_ref()
    }
}

impl<T, E> std::fmt::Debug for EventStream<T, E> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("EventStream").field("status", &self.status).field("headers", &self.headers).finish_non_exhaustive()
    }
}

impl<T, E> Stream for EventStream<T, E> {
    type Item = Result<T, Error<E>>;
    fn poll_next(mut self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Option<Self::Item>> {
        match self.events.as_mut().poll_next(cx) {
            Poll::Ready(Some((item, warnings))) => {
                self.warnings = warnings;
                Poll::Ready(Some(item))
            }
            Poll::Ready(None) => {
                self.warnings.clear();
                Poll::Ready(None)
            }
            Poll::Pending => Poll::Pending,
        }
    }
}

/// The event that ends OpenRouter and OpenAI-style streams.
const DONE: &str = "[DONE]";

/// Sends a streaming request and returns its events. Error statuses are returned before any
/// event, with the typed error body, as for ordinary calls.
///
/// Time limits: the headers must come within the headers timeout and the idle timeout; then each
/// event within the idle timeout of the previous one (comments are keep-alives, not events, so a
/// server sending only comments is cut off); the whole-call timeout (the call's own `timeout`,
/// else the client's) ends the whole stream, as it ends an ordinary call.
pub async fn open_stream<T, E>(client: &HttpClient, mut parts: RequestParts) -> Result<EventStream<T, E>, Error<E>>
where
    T: DeserializeOwned + Send + 'static,
    E: ErrorBody + Send + 'static,
{
    let operation = parts.operation;
    let options = client.options();
    let idle = parts.options.idle_timeout.or(options.idle_timeout);
    // One meaning of "timeout" for streams and ordinary calls: the whole call, the client's
    // setting unless the call sets its own.
    let deadline = parts.options.timeout.or(options.timeout);
    let strict = options.strict_decoding;
    let max_event = parts.options.max_event_bytes.unwrap_or(options.max_event_bytes);
    let max_body = client.max_body_bytes(&parts.options);
    parts.headers.push(("accept", "text/event-stream".to_string()));
    let started = Instant::now();
    #[cfg(feature = "observe")]
    let mut watch = client.watch(&parts);
    let opened = open_response::<E>(client, &parts, started, idle, deadline, max_body).await;
    #[cfg(feature = "observe")]
    let opened = match opened {
        Ok(response) => {
            if let Some(watch) = &mut watch {
                watch.status(response.status().as_u16());
            }
            Ok(response)
        }
        Err(error) => {
            if let Some(watch) = watch.take() {
                watch.fail(&error);
            }
            Err(error)
        }
    };
    let response = opened?;
    #[cfg(feature = "observe")]
    let observation = watch.as_ref().and_then(|watch| watch.ids());
    let status = response.status();
    let headers = response.headers().clone();
    let state = State {
        body: Box::pin(response.bytes_stream()),
        parser: SseParser::with_limit(max_event),
        ready: VecDeque::new(),
        done: false,
        strict,
        status: status.as_u16(),
        headers: headers.clone(),
        last_event: Instant::now(),
        deadline: deadline.and_then(|limit| started.checked_add(limit)),
        #[cfg(feature = "observe")]
        watch,
        #[cfg(feature = "observe")]
        failed: false,
    };
    let events = stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(item) = state.ready.pop_front() {
                return Some((item, state));
            }
            if state.done {
                #[cfg(feature = "observe")]
                if let Some(watch) = state.watch.take() {
                    watch.finish(None, crate::observe::Outcome::Success);
                }
                return None;
            }
            // The silence allowed from now: what is left of the idle timeout since the last event,
            // and of the whole stream's deadline.
            let now = Instant::now();
            let idle_left = idle.map(|limit| limit.saturating_sub(now.duration_since(state.last_event)));
            let total_left = state.deadline.map(|at| at.saturating_duration_since(now));
            let wait = match (idle_left, total_left) {
                (Some(a), Some(b)) => Some(a.min(b)),
                (a, b) => a.or(b),
            };
            let next = match wait {
                Some(wait) => match tokio::time::timeout(wait, state.body.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        state.done = true;
                        let error = state.noted(Error::Timeout { operation, elapsed: started.elapsed() });
                        state.hand_over_when_known();
                        return Some(((Err(error), Vec::new()), state));
                    }
                },
                None => state.body.next().await,
            };
            match next {
                Some(Ok(chunk)) => {
                    let events = state.parser.push(&chunk);
                    if !events.is_empty() {
                        state.last_event = Instant::now();
                    }
                    for mut event in events {
                        // Most events are small: decoded in place, with no shared copy to make.
                        let decoded = if event.data.len() <= DECODED_IN_PLACE {
                            decode_event_with(operation, state.status, &event, state.strict)
                        } else {
                            let shared = std::sync::Arc::new(event);
                            let decoded = decode_off_worker(&shared, shared.data.len(), (operation, state.status, state.strict), decode_shared_event).await;
                            event = std::sync::Arc::try_unwrap(shared).unwrap_or_else(|shared| (*shared).clone());
                            decoded
                        };
                        let more = state.queue(operation, &event, decoded);
                        // The observer keeps the event's text itself: moved, not copied.
                        #[cfg(feature = "observe")]
                        if let Some(watch) = &mut state.watch {
                            watch.event(event.data);
                        }
                        if !more {
                            break;
                        }
                    }
                    if state.parser.exceeded() && !state.done {
                        state.done = true;
                        let error = state.noted(Error::TooLarge { operation, what: "stream event", limit: max_event });
                        state.ready.push_back((Err(error), Vec::new()));
                    }
                    state.hand_over_when_known();
                }
                Some(Err(source)) => {
                    state.done = true;
                    let error = state.noted(Error::Transport { operation, source });
                    state.hand_over_when_known();
                    return Some(((Err(error), Vec::new()), state));
                }
                None => {
                    state.done = true;
                    if state.parser.finish() {
                        let error = DecodeError {
                            operation,
                            status: state.status,
                            path: String::new(),
                            message: "the stream ended in the middle of an event".to_string(),
                            body: bytes::Bytes::new(),
                            headers: state.headers.clone(),
                        };
                        let error = state.noted(Error::Decode(Box::new(error)));
                        state.hand_over_when_known();
                        return Some(((Err(error), Vec::new()), state));
                    }
                    state.hand_over_when_known();
                }
            }
        }
    });
    Ok(EventStream {
        status,
        headers,
        events: Box::pin(events),
        warnings: Vec::new(),
        #[cfg(feature = "observe")]
        observation,
    })
}

/// Sends the request until a successful response's headers arrive; an error status is read and
/// returned as `Error::Api` with its typed body.
async fn open_response<E: ErrorBody + Send + 'static>(
    client: &HttpClient,
    parts: &RequestParts,
    started: Instant,
    idle: Option<std::time::Duration>,
    deadline: Option<std::time::Duration>,
    max_body: usize,
) -> Result<reqwest::Response, Error<E>> {
    let operation = parts.operation;
    let opening = client.send::<E>(parts, started, idle);
    let response = match deadline {
        Some(limit) => tokio::time::timeout(limit, opening).await.unwrap_or_else(|_| Err(Error::Timeout { operation, elapsed: started.elapsed() }))?,
        None => opening.await?,
    };
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = read_body(response, max_body, operation, started).await?;
        let typed = decode_off_worker(&body, body.len(), status.as_u16(), decode_error::<E>).await;
        return Err(Error::Api(Box::new(ApiError { operation, status, headers, body: typed, raw: body })));
    }
    Ok(response)
}

struct State<T, E> {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    parser: SseParser,
    ready: VecDeque<Item<T, E>>,
    done: bool,
    /// `Config::strict_decoding`: an event with an off-spec optional field is an error item.
    strict: bool,
    status: u16,
    headers: HeaderMap,
    /// When the last event (not comment) arrived, or the headers did.
    last_event: Instant,
    /// When the whole stream must have ended.
    deadline: Option<Instant>,
    /// The observer's watch over this stream; dropping the stream unfinished drops it too, which
    /// records the stream as abandoned.
    #[cfg(feature = "observe")]
    watch: Option<crate::observe::Watch>,
    /// Whether an error item has been queued: the call's outcome is then known.
    #[cfg(feature = "observe")]
    failed: bool,
}

impl<T, E> State<T, E> {
    /// An error item on its way to the caller; the observer learns of it first.
    fn noted(&mut self, error: Error<E>) -> Error<E> {
        #[cfg(feature = "observe")]
        if let Some(watch) = &mut self.watch {
            self.failed = true;
            watch.stream_error(error.to_string());
        }
        error
    }

    /// Hands the call to the observer as soon as its outcome is known (an error item queued, or
    /// the stream's end read), not when the caller next polls or drops the stream: a caller that
    /// stops at the error, or after the last chunk, must not hold the record back.
    fn hand_over_when_known(&mut self) {
        #[cfg(feature = "observe")]
        if self.failed || self.done {
            if let Some(watch) = self.watch.take() {
                watch.finish(None, crate::observe::Outcome::Success);
            }
        }
    }
}

/// [`decode_event_with`] in the shape `decode_off_worker` takes.
fn decode_shared_event<T: DeserializeOwned, E>((operation, status, strict): (&'static str, u16, bool), event: &std::sync::Arc<RawEvent>) -> Option<Item<T, E>> {
    decode_event_with(operation, status, event, strict)
}

impl<T, E> State<T, E> {
    /// Queues the items of one event, decoded; `false` once `[DONE]` has ended the stream.
    fn queue(&mut self, operation: &'static str, event: &RawEvent, decoded: Option<Item<T, E>>) -> bool {
        match decoded {
            None => {
                self.done = true;
                false
            }
            Some((Ok(item), warnings)) => {
                log_once(operation, &warnings);
                self.ready.push_back((Ok(item), warnings));
                // An error sent together with data (OpenRouter's last chunk: `error` and `usage`)
                // follows the decoded chunk, so the usage reaches the user before the error.
                if let Some(error) = in_band_error(event) {
                    let error = self.noted(stream_error(operation, event, error));
                    self.ready.push_back((Err(error), Vec::new()));
                }
                true
            }
            Some((Err(mut error), warnings)) => {
                if let Error::Decode(decode) = &mut error {
                    decode.headers = self.headers.clone();
                }
                // Strict decoding of a chunk that carries an error with other data: the decode
                // error names the path (its body is the chunk, usage included), then the error.
                let in_band = match &error {
                    Error::Decode(_) => in_band_error(event),
                    _ => None,
                };
                let error = self.noted(error);
                self.ready.push_back((Err(error), warnings));
                if let Some(error) = in_band {
                    let error = self.noted(stream_error(operation, event, error));
                    self.ready.push_back((Err(error), Vec::new()));
                }
                true
            }
        }
    }
}

/// `None` ends the stream (`[DONE]`); a malformed event is an error item, and the stream goes on.
/// An event that is only an error (`event: error`, `{"type": "error", "error": …}`,
/// `{"error": …}`) is `Error::Stream`; one that carries other data as well decodes as the event
/// type (its `error` field included), and the stream then adds the `Error::Stream`.
#[doc(hidden)]
pub fn decode_event<T: DeserializeOwned, E>(operation: &'static str, status: u16, event: &RawEvent) -> Option<Result<T, Error<E>>> {
    decode_event_with(operation, status, event, false).map(|(item, _)| item)
}

/// [`decode_event`], with the fields left out by tolerant decoding (none when `strict`, which
/// fails the event instead).
#[doc(hidden)]
pub fn decode_event_with<T: DeserializeOwned, E>(operation: &'static str, status: u16, event: &RawEvent, strict: bool) -> Option<Item<T, E>> {
    if event.data.trim() == DONE {
        return None;
    }
    let decode = || {
        // From bytes, like response bodies, so each event type's decoder is compiled once; the
        // tolerant path runs only when that strict decode fails.
        let bytes = event.data.as_bytes();
        let decoded = match serde_json::from_slice(bytes) {
            Ok(value) => Ok((value, Vec::new())),
            Err(error) if strict => Err(error),
            Err(error) => decode_tolerant(bytes, error),
        };
        decoded.map_err(|e| {
            let (path, message) = crate::json_path::located(bytes, &e);
            Error::Decode(Box::new(DecodeError {
                operation,
                status,
                path,
                message: format!("event{}: {message}", event.event.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default()),
                body: bytes::Bytes::copy_from_slice(event.data.as_bytes()),
                headers: HeaderMap::new(),
            }))
        })
    };
    if let Some(error) = in_band_error(event) {
        if carries_data(event) {
            return Some(match decode() {
                Ok((value, warnings)) => (Ok(value), warnings),
                // Strict: the decode error, which names the path; the stream adds the error.
                Err(decode_error) if strict => (Err(decode_error), Vec::new()),
                Err(_) => (Err(stream_error(operation, event, error)), Vec::new()),
            });
        }
        return Some((Err(stream_error(operation, event, error)), Vec::new()));
    }
    Some(match decode() {
        Ok((value, warnings)) => (Ok(value), warnings),
        Err(error) => (Err(error), Vec::new()),
    })
}

/// `Error::Stream` for an event that carried `error`.
fn stream_error<E>(operation: &'static str, event: &RawEvent, error: serde_json::Value) -> Error<E> {
    Error::Stream { operation, event: event.event.clone(), error, data: bytes::Bytes::copy_from_slice(event.data.as_bytes()) }
}

/// An error the server sends as an event: `event: error`, a payload of `type: "error"`, or a
/// payload carrying an `error` object or string (OpenRouter's mid-stream chunk errors; some
/// providers send `"error": "Upstream disconnected"`).
fn in_band_error(event: &RawEvent) -> Option<serde_json::Value> {
    let looks_like_error = event.event.as_deref() == Some("error") || event.data.contains("\"error\"");
    if !looks_like_error {
        return None;
    }
    // `from_slice`, as everywhere in the runtime: one `serde_json` reader compiled, not two.
    let value: serde_json::Value = serde_json::from_slice(event.data.as_bytes()).ok()?;
    match value.get("error") {
        Some(error) if error.is_object() || error.as_str().is_some_and(|text| !text.trim().is_empty()) => Some(error.clone()),
        _ if event.event.as_deref() == Some("error") || value.get("type").and_then(|t| t.as_str()) == Some("error") => Some(value),
        _ => None,
    }
}

/// Whether an error event also carries data of its own (ids, choices, usage), beyond the error
/// and its `type` tag.
fn carries_data(event: &RawEvent) -> bool {
    event.event.as_deref() != Some("error")
        && serde_json::from_slice::<serde_json::Map<String, serde_json::Value>>(event.data.as_bytes())
            .is_ok_and(|object| object.iter().any(|(key, value)| key != "error" && key != "type" && !value.is_null()))
}
