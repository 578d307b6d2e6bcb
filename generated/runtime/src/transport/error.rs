//! The one error type of every operation: the cases a caller handles differently.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use crate::report::{clean, clean_bytes, Capped, SHOWN};
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call. `E` is the operation's typed error body.
///
/// `Display` and `Debug` show at most a few hundred bytes of what the server sent, with control
/// characters escaped; [`Error::body`] gives the whole body.
pub enum Error<E = serde_json::Value> {
    /// The request could not be sent or the response not read (DNS, TLS, connection reset…).
    Transport {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What the HTTP stack said.
        source: reqwest::Error,
    },
    /// No complete answer within the configured time.
    Timeout {
        /// The operation's id in the spec.
        operation: &'static str,
        /// How long the call ran.
        elapsed: Duration,
    },
    /// The server answered with an error status.
    Api(Box<ApiError<E>>),
    /// The server answered with a success status, but the body does not match the spec.
    Decode(Box<DecodeError>),
    /// The server reported an error inside a stream (after a 2xx status), as an event.
    Stream {
        /// The operation's id in the spec.
        operation: &'static str,
        /// The event's `event:` name, when it had one.
        event: Option<String>,
        /// The error as sent: an object (e.g. `{"code": 502, "message": "…"}`) or a string.
        error: serde_json::Value,
        /// The whole event as sent (its `data`), where the chunk's `usage` can still be read
        /// when the chunk itself did not decode.
        data: Bytes,
    },
    /// A response body or stream event was larger than the configured limit; nothing past the
    /// limit was read into memory.
    TooLarge {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What outgrew its limit: `"response body"` or `"stream event"`.
        what: &'static str,
        /// The limit in bytes.
        limit: usize,
    },
    /// The request could not be built (for example an invalid header value).
    Request {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// An error status from the server, with its body typed when it matched the spec. `Debug` shows
/// a bounded, escaped start of the body.
pub struct ApiError<E> {
    /// The operation's id in the spec.
    pub operation: &'static str,
    /// The HTTP status.
    pub status: StatusCode,
    /// Response headers (rate limits, request ids).
    pub headers: HeaderMap,
    /// The body as the spec's type for this status, when it decoded.
    pub body: Option<E>,
    /// The body as sent.
    pub raw: Bytes,
}

/// A response body that did not decode into the spec's type. `Debug` shows a bounded, escaped
/// start of the body.
#[derive(Clone)]
pub struct DecodeError {
    /// The operation's id in the spec.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: u16,
    /// JSON path of the value that failed (`data[3].pricing.prompt`), empty at the top.
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The whole body as sent (for a stream: the event's data), at most the body limit.
    pub body: Bytes,
    /// The response headers (request ids, rate limits).
    pub headers: HeaderMap,
}

impl<E> Error<E> {
    /// The operation's id in the spec.
    pub fn operation(&self) -> &'static str {
        match self {
            Error::Transport { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Request { operation, .. }
            | Error::Stream { operation, .. } => operation,
            Error::Api(e) => e.operation,
            Error::Decode(e) => e.operation,
            Error::TooLarge { operation, .. } => operation,
        }
    }

    /// The whole body the server sent with this error, unbounded: an error status's body, the
    /// body that did not decode, or the stream event that carried the error.
    pub fn body(&self) -> Option<&Bytes> {
        match self {
            Error::Api(e) => Some(&e.raw),
            Error::Decode(e) => Some(&e.body),
            Error::Stream { data, .. } => Some(data),
            _ => None,
        }
    }

    /// The HTTP status, when the server answered.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api(e) => Some(e.status.as_u16()),
            Error::Decode(e) => Some(e.status),
            _ => None,
        }
    }
}

// No bound on `E`: the message never shows the typed body, so observers can describe any error.
impl<E> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => write!(f, "{operation}: transport error: {source}"),
            Error::Timeout { operation, elapsed } => write!(f, "{operation}: timed out after {elapsed:?}"),
            Error::Api(e) => {
                write!(f, "{}: the server answered {}{}", e.operation, e.status, request_id(&e.headers))?;
                match server_message(&e.raw) {
                    Some(message) => write!(f, ": {}", clean(&message, SHOWN)),
                    None if e.raw.is_empty() => Ok(()),
                    None => write!(f, ": {}", snippet(&e.raw)),
                }
            }
            Error::Decode(e) => write!(f, "{e}"),
            Error::Stream { operation, error, .. } => {
                let text = error.get("message").or(Some(error)).and_then(|m| m.as_str()).map(str::to_string).unwrap_or_else(|| error.to_string());
                write!(f, "{operation}: the server reported an error mid-stream: {}", clean(&text, SHOWN))
            }
            Error::TooLarge { operation, what, limit } => {
                write!(f, "{operation}: the {what} is larger than the limit of {limit} bytes (raise it with the max_body_bytes / max_event_bytes settings)")
            }
            Error::Request { operation, message } => write!(f, "{operation}: invalid request: {message}"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() || self.path == "." { "the top level".to_string() } else { format!("`{}`", clean(&self.path, SHOWN)) };
        // serde quotes the offending value, which may be megabytes long.
        let message = clean(&self.message, 200);
        write!(f, "{}: status {}{} body does not match the spec at {at}: {message}", self.operation, self.status, request_id(&self.headers))?;
        if !self.body.is_empty() {
            write!(f, " (body starts: {})", snippet(&self.body))?;
        }
        Ok(())
    }
}

/// Headers servers use for the id support asks for.
const REQUEST_ID_HEADERS: [&str; 4] = ["x-request-id", "request-id", "x-amzn-requestid", "cf-ray"];

/// ` (request id …)` when the server sent one, for support tickets and log searches.
fn request_id(headers: &HeaderMap) -> String {
    REQUEST_ID_HEADERS
        .iter()
        .find_map(|name| headers.get(*name)?.to_str().ok())
        .map(|id| format!(" (request id {})", clean(id, 100)))
        .unwrap_or_default()
}

/// The human message in a JSON error body, whatever its schema: OpenRouter's `error.message`,
/// Langfuse's `message`, or a plain `error`/`detail` string.
fn server_message(raw: &[u8]) -> Option<String> {
    let value: serde_json::Value = serde_json::from_slice(raw).ok()?;
    let text = |v: Option<&serde_json::Value>| v.and_then(|v| v.as_str()).filter(|s| !s.trim().is_empty()).map(str::to_string);
    text(value.pointer("/error/message"))
        .or_else(|| text(value.get("message")))
        .or_else(|| text(value.get("error")))
        .or_else(|| text(value.get("detail")))
        .or_else(|| text(value.get("error_description")))
}

impl<E: fmt::Debug> std::error::Error for Error<E> {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => Some(source),
            _ => None,
        }
    }
}

impl std::error::Error for DecodeError {}

/// The first bytes of a body as text, bounded and with control characters escaped, so that
/// errors stay readable and a body cannot forge a log line.
pub fn snippet(body: &[u8]) -> String {
    clean_bytes(body, SHOWN)
}

impl<E: fmt::Debug> fmt::Debug for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => f.debug_struct("Transport").field("operation", operation).field("source", source).finish(),
            Error::Timeout { operation, elapsed } => f.debug_struct("Timeout").field("operation", operation).field("elapsed", elapsed).finish(),
            Error::Api(e) => f.debug_tuple("Api").field(e).finish(),
            Error::Decode(e) => f.debug_tuple("Decode").field(e).finish(),
            Error::Stream { operation, event, error, data } => f
                .debug_struct("Stream")
                .field("operation", operation)
                .field("event", &event.as_deref().map(|name| clean(name, SHOWN)))
                .field("error", &Capped(error))
                .field("data", &Shown(data))
                .finish(),
            Error::TooLarge { operation, what, limit } => f.debug_struct("TooLarge").field("operation", operation).field("what", what).field("limit", limit).finish(),
            Error::Request { operation, message } => f.debug_struct("Request").field("operation", operation).field("message", message).finish(),
        }
    }
}

impl<E: fmt::Debug> fmt::Debug for ApiError<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ApiError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("headers", &Capped(&self.headers))
            .field("body", &self.body.as_ref().map(Capped))
            .field("raw", &Shown(&self.raw))
            .finish()
    }
}

impl fmt::Debug for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DecodeError")
            .field("operation", &self.operation)
            .field("status", &self.status)
            .field("path", &clean(&self.path, SHOWN))
            .field("message", &clean(&self.message, SHOWN))
            .field("body", &Shown(&self.body))
            .field("headers", &Capped(&self.headers))
            .finish()
    }
}

/// A body in `Debug`: its start as cleaned text.
struct Shown<'a>(&'a Bytes);

impl fmt::Debug for Shown<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:?}", snippet(self.0))
    }
}

/// An operation's typed error body: picks the spec's type for a status.
pub trait ErrorBody: Sized {
    /// Decodes the body sent with `status`, if the spec declares a type for it and it matches.
    fn decode(status: u16, body: &[u8]) -> Option<Self>;
}

impl ErrorBody for serde_json::Value {
    fn decode(_status: u16, body: &[u8]) -> Option<Self> {
        serde_json::from_slice(body).ok()
    }
}
