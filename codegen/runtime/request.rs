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
    /// `application/json`, already encoded.
    Json(Vec<u8>),
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
    File(super::Binary),
}

/// Settings for one call that override the client's.
#[derive(Debug, Clone, Default)]
pub struct CallOptions {
    /// Whole-request timeout (connect, send, and read the full body).
    pub timeout: Option<Duration>,
    /// Retry policy for this call.
    pub retry: Option<super::RetryPolicy>,
    /// Extra headers for this call.
    pub headers: Vec<(String, String)>,
    /// For streams: the longest wait for the next event.
    pub idle_timeout: Option<Duration>,
}

/// Scalars as they appear in a URL: strings raw, numbers and booleans as JSON writes them.
fn scalar_text(value: &serde_json::Value) -> Option<String> {
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

/// A path parameter, percent-encoded so that `/`, spaces and `%` stay inside the segment.
pub fn path_segment<T: Serialize + ?Sized>(value: &T) -> String {
    let text = serde_json::to_value(value).ok().as_ref().and_then(scalar_text).unwrap_or_default();
    percent_encoding::utf8_percent_encode(&text, PATH_SEGMENT).to_string()
}

/// Everything but RFC 3986 unreserved characters is encoded.
const PATH_SEGMENT: &percent_encoding::AsciiSet =
    &percent_encoding::NON_ALPHANUMERIC.remove(b'-').remove(b'.').remove(b'_').remove(b'~');

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
    serde_json::to_vec(body).map(Payload::Json).map_err(|e| format!("{operation}: request body does not encode as JSON: {e}"))
}

/// A multipart file part.
pub fn push_file(parts: &mut Vec<Part>, name: &str, file: &super::Binary) {
    parts.push(Part { name: name.to_string(), value: PartValue::File(file.clone()) });
}
