//! The one error type of every operation: the cases a caller handles differently.

use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::fmt;
use std::time::Duration;

/// Everything that can go wrong with a call. `E` is the operation's typed error body.
#[derive(Debug)]
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
        /// The error object as sent (e.g. `{"code": 502, "message": "…"}`).
        error: serde_json::Value,
    },
    /// The request could not be built (for example an invalid header value).
    Request {
        /// The operation's id in the spec.
        operation: &'static str,
        /// What is wrong.
        message: String,
    },
}

/// An error status from the server, with its body typed when it matched the spec.
#[derive(Debug)]
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

/// A response body that did not decode into the spec's type.
#[derive(Debug, Clone)]
pub struct DecodeError {
    /// The operation's id in the spec.
    pub operation: &'static str,
    /// The HTTP status of the response.
    pub status: u16,
    /// JSON path of the value that failed (`data[3].pricing.prompt`), empty at the top.
    pub path: String,
    /// What serde said.
    pub message: String,
    /// The start of the body, for context.
    pub snippet: String,
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

impl<E: fmt::Debug> fmt::Display for Error<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Transport { operation, source } => write!(f, "{operation}: transport error: {source}"),
            Error::Timeout { operation, elapsed } => write!(f, "{operation}: timed out after {elapsed:?}"),
            Error::Api(e) => {
                write!(f, "{}: the server answered {}", e.operation, e.status)?;
                match &e.body {
                    Some(body) => write!(f, ": {body:?}"),
                    None => write!(f, ": {}", snippet(&e.raw)),
                }
            }
            Error::Decode(e) => write!(f, "{e}"),
            Error::Stream { operation, error, .. } => write!(f, "{operation}: the server reported an error mid-stream: {error}"),
            Error::Request { operation, message } => write!(f, "{operation}: invalid request: {message}"),
        }
    }
}

impl fmt::Display for DecodeError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let at = if self.path.is_empty() || self.path == "." { "the top level".to_string() } else { format!("`{}`", self.path) };
        write!(f, "{}: status {} body does not match the spec at {at}: {} (body starts: {})", self.operation, self.status, self.message, self.snippet)
    }
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

/// The first bytes of a body as text, bounded so that errors stay readable.
pub fn snippet(body: &[u8]) -> String {
    const LIMIT: usize = 200;
    let text = String::from_utf8_lossy(&body[..body.len().min(LIMIT)]);
    if body.len() > LIMIT {
        format!("{text}…")
    } else {
        text.into_owned()
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
