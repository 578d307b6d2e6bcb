//! Tolerant decoding: a response or stream event whose *optional* field does not match the spec
//! still decodes, with that field left out, its JSON kept in the enclosing struct's `extra` under
//! its wire name, and a [`DecodeWarning`] saying where and what was expected.
//!
//! It runs only after the strict decode (`serde_json::from_slice` into the generated type) failed,
//! so well-formed responses pay nothing and each type keeps one decoder (see the README's
//! "Compile cost"). It works on the JSON, not inside the generated decoders: the failing field is
//! found from the error's position (`json_path`), renamed in a `serde_json::Value` of the body
//! with a prefix no declared name has (so the struct's decoder files it under `extra`, where
//! `object::keep_extra` removes the prefix again), and the body decoded again. A required field
//! that fails makes its object fail ("missing field"), which is then the field that is set aside:
//! the failure climbs to the nearest optional field, or to the top, where the response fails as in
//! strict mode. An array's element is never dropped on its own: the array is the field that failed.

use crate::json_path::{render, segments_at, Segment};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// A field of a response (or stream event) that did not decode as the spec says. The value was
/// decoded without it (an optional field left `None`); its JSON is in the `extra` of the struct
/// that holds it, under its wire name.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeWarning {
    /// JSON path of the field that was left out (`choices[0].error`, `.` for the top level).
    pub path: String,
    /// What the decoder expected there, and what it found (`missing field \`code\``,
    /// `invalid type: string "server_error", expected i32`); a field left out because something
    /// inside it failed lists those inner failures too.
    pub expected: String,
}

impl std::fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.expected)
    }
}

/// Prefix of a key set aside for `extra`: a private-use code point, which no spec's property
/// name and no real server's key starts with, and which serde_json writes unescaped.
pub(crate) const SET_ASIDE: char = '\u{F8FF}';

/// How many fields one body may lose before it is refused as not this type at all.
const MAX_WARNINGS: usize = 64;

/// Decodes `json` as `T` leaving out the optional fields that fail, after the strict decode failed
/// with `error`. Returns that original error (whose position refers to `json`) when the failure
/// is not in an optional field: a syntax error, a required field at the top, the top-level type.
pub fn decode_tolerant<T: DeserializeOwned>(json: &[u8], error: serde_json::Error) -> Result<(T, Vec<DecodeWarning>), serde_json::Error> {
    if !error.is_data() {
        return Err(error);
    }
    let Ok(mut value) = serde_json::from_slice::<Value>(json) else { return Err(error) };
    let mut warnings: Vec<DecodeWarning> = Vec::new();
    let mut segments = segments_at(json, error.line(), error.column());
    let mut message = message_of(&error);
    while warnings.len() < MAX_WARNINGS {
        // The field that failed is the innermost key: an index means its array failed as a whole.
        let Some(at) = segments.iter().rposition(|s| matches!(s, Segment::Key(_))) else { break };
        let Segment::Key(key) = &segments[at] else { break };
        let Some(parent) = object_at(&mut value, &segments[..at]) else { break };
        let Some(mut raw) = parent.remove(key.as_str()) else { break };
        // A key already set aside fails only in a typed map (`additionalProperties`), which has
        // no `extra`: it is dropped, and its warning was given when it was set aside.
        if !key.starts_with(SET_ASIDE) {
            restore_keys(&mut raw);
            parent.insert(format!("{SET_ASIDE}{key}"), raw);
            let path = render(&segments[..=at]);
            let expected = fold_inner(&mut warnings, &path, message);
            warnings.push(DecodeWarning { path, expected });
        }
        let Ok(bytes) = serde_json::to_vec(&value) else { break };
        match serde_json::from_slice::<T>(&bytes) {
            Ok(decoded) => return Ok((decoded, warnings)),
            Err(next) if next.is_data() => {
                segments = segments_at(&bytes, next.line(), next.column());
                message = message_of(&next);
            }
            Err(_) => break,
        }
    }
    Err(error)
}

/// The error's text without serde_json's "at line … column …".
fn message_of(error: &serde_json::Error) -> String {
    let text = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    text.strip_suffix(&suffix).map(str::to_string).unwrap_or(text)
}

/// Removes the warnings of fields inside `path` (now set aside as a whole) and says them after
/// `message`, so the one warning left names the cause ("missing field `code`" because `code` was
/// a string).
fn fold_inner(warnings: &mut Vec<DecodeWarning>, path: &str, message: String) -> String {
    let inside = |w: &DecodeWarning| w.path.strip_prefix(path).is_some_and(|rest| rest.starts_with(['.', '[']));
    let inner: Vec<String> = warnings.iter().filter(|w| inside(w)).map(ToString::to_string).collect();
    warnings.retain(|w| !inside(w));
    if inner.is_empty() {
        message
    } else {
        format!("{message} ({})", inner.join("; "))
    }
}

/// The object at `segments`, if the path leads to one.
fn object_at<'a>(value: &'a mut Value, segments: &[Segment]) -> Option<&'a mut serde_json::Map<String, Value>> {
    let mut node = value;
    for segment in segments {
        node = match segment {
            Segment::Key(key) => node.get_mut(key.as_str())?,
            Segment::Index(index) => node.get_mut(*index)?,
        };
    }
    node.as_object_mut()
}

/// Gives keys set aside inside `value` their wire names back, so the raw JSON kept is as sent.
fn restore_keys(value: &mut Value) {
    match value {
        Value::Object(map) => {
            if map.keys().any(|key| key.starts_with(SET_ASIDE)) {
                let entries = std::mem::take(map);
                for (key, value) in entries {
                    let key = key.strip_prefix(SET_ASIDE).map(str::to_string).unwrap_or(key);
                    map.insert(key, value);
                }
            }
            map.values_mut().for_each(restore_keys);
        }
        Value::Array(items) => items.iter_mut().for_each(restore_keys),
        _ => {}
    }
}

/// A key filed under `extra` by the tolerant decoder, with its wire name back.
pub(crate) fn wire_key(key: String) -> String {
    match key.strip_prefix(SET_ASIDE) {
        Some(name) => name.to_string(),
        None => key,
    }
}

/// Logs each warning once per operation and path (array indices ignored, so a stream or a list
/// with the same deviation in every item logs it once), as a `tracing` warning.
pub(crate) fn log_once(operation: &'static str, warnings: &[DecodeWarning]) {
    // Bounded: a server with ever-new paths cannot grow it without limit.
    const MAX_REMEMBERED: usize = 1024;
    static SEEN: Mutex<BTreeSet<(&'static str, String)>> = Mutex::new(BTreeSet::new());
    for warning in warnings {
        let key = (operation, without_indices(&warning.path));
        let first = match SEEN.lock() {
            Ok(mut seen) => seen.len() < MAX_REMEMBERED && seen.insert(key),
            Err(_) => false,
        };
        if first {
            tracing::warn!(
                operation,
                path = %warning.path,
                expected = %warning.expected,
                "a response field did not decode as the spec says: left out, its JSON kept in `extra` (Config::with_strict_decoding makes this an error)"
            );
        }
    }
}

fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Error {
        code: i32,
        message: String,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Chunk {
        id: String,
        error: Option<Error>,
        usage: Option<u32>,
        #[serde(default)]
        list: Vec<u32>,
    }

    fn tolerant(json: &str) -> Result<(Chunk, Vec<DecodeWarning>), String> {
        let error = serde_json::from_str::<Chunk>(json).expect_err("the strict decode fails");
        decode_tolerant::<Chunk>(json.as_bytes(), error).map_err(|e| e.to_string())
    }

    #[test]
    fn a_required_field_inside_an_optional_one_costs_the_optional_one() {
        let (chunk, warnings) = tolerant(r#"{"id": "a", "error": {"code": "server_error", "message": "m"}, "usage": 7}"#).unwrap();
        assert!(chunk.error.is_none());
        assert_eq!(chunk.usage, Some(7));
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(warnings[0].path, "error");
        assert!(warnings[0].expected.starts_with("missing field `code` (error.code: invalid type: string"), "{}", warnings[0].expected);
    }

    #[test]
    fn a_failing_required_field_at_the_top_fails_as_strict_does() {
        let error = tolerant(r#"{"id": 5, "usage": 7}"#).unwrap_err();
        assert!(error.contains("invalid type: integer `5`"), "{error}");
    }

    #[test]
    fn an_array_element_is_never_dropped_alone() {
        let (chunk, warnings) = tolerant(r#"{"id": "a", "list": [1, "two", 3]}"#).unwrap();
        assert!(chunk.list.is_empty(), "the array failed as a whole");
        assert_eq!(warnings[0].path, "list");
    }

    #[test]
    fn syntax_errors_are_not_tolerated() {
        let error = tolerant(r#"{"id": "a", "usage": 7"#).unwrap_err();
        assert!(error.contains("EOF"), "{error}");
    }

    #[test]
    fn set_aside_keys_get_their_names_back_inside_kept_json() {
        let mut value = serde_json::json!({"outer": {"\u{F8FF}code": "x", "list": [{"\u{F8FF}k": 1}]}});
        restore_keys(&mut value);
        assert_eq!(value, serde_json::json!({"outer": {"code": "x", "list": [{"k": 1}]}}));
        assert_eq!(wire_key("\u{F8FF}finish_reason".to_string()), "finish_reason");
        assert_eq!(without_indices("choices[12].error.metadata"), "choices[].error.metadata");
    }
}
