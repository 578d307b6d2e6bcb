//! What a generated operation hands to the HTTP layer, and the encoders for its parts.
//! Values go through serde, so enums, constants, ids and dates encode exactly as in JSON bodies.

use serde::Serialize;
use std::time::Duration;

/// One request, fully described; the HTTP layer adds base URL, auth, user agent and retries.
#[derive(Debug)]
pub struct RequestParts {
    /// The operation's id in the spec (for errors and tracing).
    pub operation: &'static str,
    /// HTTP method.
    pub method: reqwest::Method,
    /// Path with parameters already percent-encoded.
    pub path: String,
    /// Query pairs, already in wire form.
    pub query: Vec<(&'static str, String)>,
    /// Header parameters.
    pub headers: Vec<(&'static str, String)>,
    /// The body.
    pub body: Payload,
    /// Whether the operation needs credentials (some operations are public).
    pub authenticated: bool,
    /// Per-call overrides.
    pub options: CallOptions,
}

/// A request body.
#[derive(Debug, Default)]
pub enum Payload {
    /// No body.
    #[default]
    None,
    /// `application/json`, already encoded (shared, not copied, by each retry and an observer).
    Json(bytes::Bytes),
    /// `multipart/form-data` parts.
    Multipart(Vec<Part>),
}

/// One part of a multipart form.
#[derive(Debug, Clone)]
pub struct Part {
    /// Field name.
    pub name: String,
    /// Text value, or file contents.
    pub value: PartValue,
}

/// A multipart value.
#[derive(Debug, Clone)]
pub enum PartValue {
    /// A text field.
    Text(String),
    /// A file upload.
    File(crate::Binary),
}

/// Settings for one call that override the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Whole-request timeout (connect, send, and read the full body); for a stream, the deadline
    /// for the whole stream.
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<crate::RetryPolicy>,
    /// Extra headers for this call.
    pub headers: HeaderList,
    /// For streams: the longest silence from the server, before the headers and between events
    /// (keep-alive comments do not count as events).
    pub idle_timeout: Option<Duration>,
    /// The longest wait for the response headers, per attempt.
    pub headers_timeout: Option<Duration>,
    /// The largest response body read into memory.
    pub max_body_bytes: Option<usize>,
    /// For streams: the largest single event (or line) buffered.
    pub max_event_bytes: Option<usize>,
}

/// Header names and values set by the user; `Debug` shows the values of ordinary headers and
/// hides those whose name suggests a credential.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct HeaderList(pub Vec<(String, String)>);

impl HeaderList {
    /// Adds a header (sent in addition to any earlier one of the same name).
    pub fn push(&mut self, header: (String, String)) {
        self.0.push(header);
    }
}

impl std::ops::Deref for HeaderList {
    type Target = Vec<(String, String)>;
    fn deref(&self) -> &Self::Target {
        &self.0
    }
}

impl std::ops::DerefMut for HeaderList {
    fn deref_mut(&mut self) -> &mut Self::Target {
        &mut self.0
    }
}

impl From<Vec<(String, String)>> for HeaderList {
    fn from(headers: Vec<(String, String)>) -> Self {
        HeaderList(headers)
    }
}

impl std::fmt::Debug for HeaderList {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_map().entries(self.0.iter().map(|(name, value)| (name, if sensitive_header(name) { "***" } else { value.as_str() }))).finish()
    }
}

/// Whether a header probably carries a credential. Users name their own auth headers
/// (`X-Api-Key`, `X-Langfuse-Token`…), so this errs on the side of hiding.
pub fn sensitive_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    ["auth", "key", "token", "secret", "password", "cookie", "session", "signature", "credential"].iter().any(|word| name.contains(word))
}

/// A header as HTTP can carry it; the error names the header and never shows its value, which
/// may be a secret.
pub fn parse_header(name: &str, value: &str) -> Result<(reqwest::header::HeaderName, reqwest::header::HeaderValue), String> {
    let header = reqwest::header::HeaderName::from_bytes(name.as_bytes()).map_err(|_| format!("{name:?} is not a valid header name"))?;
    let mut parsed = reqwest::header::HeaderValue::from_str(value)
        .map_err(|_| format!("the value of header {name:?} contains a line break or another character HTTP headers cannot carry (value not shown)"))?;
    parsed.set_sensitive(sensitive_header(name));
    Ok((header, parsed))
}

/// Scalars as they appear in a URL: strings raw, numbers and booleans as JSON writes them.
pub(crate) fn scalar_text(value: &serde_json::Value) -> Option<String> {
    match value {
        serde_json::Value::Null => None,
        serde_json::Value::String(s) => Some(s.clone()),
        serde_json::Value::Bool(b) => Some(b.to_string()),
        serde_json::Value::Number(n) => Some(n.to_string()),
        other => Some(other.to_string()),
    }
}

/// Adds a query parameter (form style): arrays repeat the name when `explode`, else join with
/// commas; `None`/null adds nothing.
pub fn push_query<T: Serialize + ?Sized>(query: &mut Vec<(&'static str, String)>, name: &'static str, explode: bool, value: &T) {
    let Ok(value) = serde_json::to_value(value) else { return };
    match value {
        serde_json::Value::Array(items) if explode => {
            query.extend(items.iter().filter_map(scalar_text).map(|text| (name, text)));
        }
        serde_json::Value::Array(items) => {
            let joined: Vec<String> = items.iter().filter_map(scalar_text).collect();
            query.push((name, joined.join(",")));
        }
        other => {
            if let Some(text) = scalar_text(&other) {
                query.push((name, text));
            }
        }
    }
}

/// A path parameter as one segment: every character but letters, digits, `-`, `_` and `~` is
/// percent-encoded, `.` included. A value that is empty or a dot segment (`.`, `..`) is refused:
/// URL normalisation would remove the segment and send the call, credentials and all, to another
/// endpoint (`/keys/..` is `/`).
pub fn path_segment<T: Serialize + ?Sized, E>(operation: &'static str, name: &str, value: &T) -> Result<String, crate::Error<E>> {
    let text = serde_json::to_value(value).ok().as_ref().and_then(scalar_text).unwrap_or_default();
    if text.is_empty() || text == "." || text == ".." {
        let message = format!("path parameter `{name}` is {text:?}, which would address another endpoint");
        return Err(crate::Error::Request { operation, message });
    }
    Ok(percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string())
}

/// Everything but letters, digits, `-`, `_` and `~` is encoded, `.` too, so that no server that
/// decodes before routing sees a dot it did not expect. Encoding alone is not enough: URL parsers
/// read `%2E%2E` as `..`, hence the refusal in `path_segment`.
const PATH_SEGMENT: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'_').remove(b'~');

/// A header parameter's value.
pub fn header_value<T: Serialize + ?Sized>(value: &T) -> Option<String> {
    serde_json::to_value(value).ok().as_ref().and_then(scalar_text)
}

/// A multipart text field from any value: strings as-is, other scalars as JSON writes them,
/// objects as JSON text; arrays add one part per item (as `name` — the spec's own name, e.g. `tags[]`).
pub fn push_part<T: Serialize + ?Sized>(parts: &mut Vec<Part>, name: &str, value: &T) {
    let Ok(value) = serde_json::to_value(value) else { return };
    let items = match value {
        serde_json::Value::Array(items) => items,
        other => vec![other],
    };
    for item in items {
        if let Some(text) = scalar_text(&item) {
            parts.push(Part { name: name.to_string(), value: PartValue::Text(text) });
        }
    }
}

/// JSON-encodes a request body.
pub fn json_body<T: Serialize + ?Sized>(operation: &'static str, body: &T) -> Result<Payload, String> {
    serde_json::to_vec(body).map(|json| Payload::Json(json.into())).map_err(|e| format!("{operation}: request body does not encode as JSON: {e}"))
}

/// A multipart file part.
pub fn push_file(parts: &mut Vec<Part>, name: &str, file: &crate::Binary) {
    parts.push(Part { name: name.to_string(), value: PartValue::File(file.clone()) });
}
