//! Bytes → JSON value. Specs come as YAML or JSON; YAML is a superset, but JSON parse errors read better.

use crate::error::SpecError;
use serde_json::Value;

/// Parses a YAML or JSON document into a JSON value, with a located error on failure.
pub fn parse_document(file: &str, bytes: &[u8]) -> Result<Value, SpecError> {
    let text = std::str::from_utf8(bytes)
        .map_err(|e| SpecError::new(file, "", format!("the file is not UTF-8 text: {e}")))?;
    let trimmed = text.trim_start();
    if trimmed.starts_with('{') {
        return serde_json::from_str(text).map_err(|e| {
            SpecError::new(file, "", format!("invalid JSON at line {}, column {}: {e}", e.line(), e.column()))
        });
    }
    let value: Value = serde_yaml::from_str(text).map_err(|e| {
        let place = e
            .location()
            .map(|l| format!(" at line {}, column {}", l.line(), l.column()))
            .unwrap_or_default();
        SpecError::new(file, "", format!("invalid YAML{place}: {e}"))
    })?;
    if !value.is_object() {
        return Err(SpecError::new(file, "", "the document is not a mapping (expected an OpenAPI object)"));
    }
    Ok(value)
}
