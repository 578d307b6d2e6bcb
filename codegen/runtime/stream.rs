//! Streaming responses: server-sent events decoded into the spec's event type, one item per event.

use super::error::{snippet, ApiError, DecodeError, Error, ErrorBody};
use super::http::HttpClient;
use super::request::RequestParts;
use super::sse::{RawEvent, SseParser};
use futures_util::stream::{self, Stream, StreamExt};
use serde::de::DeserializeOwned;
use std::collections::VecDeque;
use std::pin::Pin;
use std::time::Instant;

/// A stream of typed events; dropping it closes the connection and so cancels the request.
pub type EventStream<T, E> = Pin<Box<dyn Stream<Item = Result<T, Error<E>>> + Send>>;

/// The event that ends OpenRouter and OpenAI-style streams.
const DONE: &str = "[DONE]";

/// Sends a streaming request and returns its events. Error statuses are returned before any
/// event, with the typed error body, as for ordinary calls.
pub async fn open_stream<T, E>(client: &HttpClient, mut parts: RequestParts) -> Result<EventStream<T, E>, Error<E>>
where
    T: DeserializeOwned + Send + 'static,
    E: ErrorBody + Send + 'static,
{
    let operation = parts.operation;
    let idle = parts.options.idle_timeout.or(client.options().timeout);
    parts.headers.push(("accept", "text/event-stream".to_string()));
    let started = Instant::now();
    let response = client.send::<E>(&parts, started).await?;
    let status = response.status();
    if !status.is_success() {
        let headers = response.headers().clone();
        let body = response.bytes().await.unwrap_or_default();
        let typed = E::decode(status.as_u16(), &body);
        return Err(Error::Api(Box::new(ApiError { operation, status, headers, body: typed, raw: body })));
    }
    let state = State { body: Box::pin(response.bytes_stream()), parser: SseParser::new(), ready: VecDeque::new(), done: false, status: status.as_u16() };
    let events = stream::unfold(state, move |mut state| async move {
        loop {
            if let Some(event) = state.ready.pop_front() {
                match decode_event::<T, E>(operation, state.status, &event) {
                    Some(item) => return Some((item, state)),
                    None => {
                        state.done = true;
                        state.ready.clear();
                        return None;
                    }
                }
            }
            if state.done {
                return None;
            }
            let next = match idle {
                Some(limit) => match tokio::time::timeout(limit, state.body.next()).await {
                    Ok(next) => next,
                    Err(_) => {
                        state.done = true;
                        return Some((Err(Error::Timeout { operation, elapsed: limit }), state));
                    }
                },
                None => state.body.next().await,
            };
            match next {
                Some(Ok(chunk)) => state.ready.extend(state.parser.push(&chunk)),
                Some(Err(source)) => {
                    state.done = true;
                    return Some((Err(Error::Transport { operation, source }), state));
                }
                None => {
                    state.done = true;
                    if state.parser.finish() {
                        let error = DecodeError {
                            operation,
                            status: state.status,
                            path: String::new(),
                            message: "the stream ended in the middle of an event".to_string(),
                            snippet: String::new(),
                        };
                        return Some((Err(Error::Decode(Box::new(error))), state));
                    }
                    return None;
                }
            }
        }
    });
    Ok(Box::pin(events))
}

struct State {
    body: Pin<Box<dyn Stream<Item = reqwest::Result<bytes::Bytes>> + Send>>,
    parser: SseParser,
    ready: VecDeque<RawEvent>,
    done: bool,
    status: u16,
}

/// `None` ends the stream (`[DONE]`); a malformed event is an error item, and the stream goes on.
#[doc(hidden)]
pub fn decode_event<T: DeserializeOwned, E>(operation: &'static str, status: u16, event: &RawEvent) -> Option<Result<T, Error<E>>> {
    if event.data.trim() == DONE {
        return None;
    }
    if let Some(error) = in_band_error(event) {
        return Some(Err(Error::Stream { operation, event: event.event.clone(), error }));
    }
    let mut deserializer = serde_json::Deserializer::from_str(&event.data);
    Some(serde_path_to_error::deserialize(&mut deserializer).map_err(|e| {
        Error::Decode(Box::new(DecodeError {
            operation,
            status,
            path: e.path().to_string(),
            message: format!("event{}: {}", event.event.as_deref().map(|n| format!(" `{n}`")).unwrap_or_default(), e.inner()),
            snippet: snippet(event.data.as_bytes()),
        }))
    }))
}

/// An error the server sends as an event: `event: error`, a payload of `type: "error"`, or a
/// payload carrying an `error` object (OpenRouter's mid-stream chunk errors).
fn in_band_error(event: &RawEvent) -> Option<serde_json::Value> {
    let looks_like_error = event.event.as_deref() == Some("error") || event.data.contains("\"error\"");
    if !looks_like_error {
        return None;
    }
    let value: serde_json::Value = serde_json::from_str(&event.data).ok()?;
    match value.get("error") {
        Some(error) if error.is_object() => Some(error.clone()),
        _ if event.event.as_deref() == Some("error") || value.get("type").and_then(|t| t.as_str()) == Some("error") => Some(value),
        _ => None,
    }
}
