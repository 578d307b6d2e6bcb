//! Every `$ref` is checked before anything follows one: local only, pointing at something, and not
//! part of a loop of references that never reaches a schema.

use crate::error::{child, escape_token, SpecError};
use serde_json::Value;
use std::fmt::Write;

/// Checks every `$ref` in the document.
pub fn check_refs(file: &str, doc: &Value) -> Result<(), SpecError> {
    let mut refs = Vec::new();
    collect_refs(doc, &mut String::new(), &mut refs);
    for (at, target) in &refs {
        resolve_chain(file, doc, at, target)?;
    }
    Ok(())
}

/// The `$ref`s under `value`, each with its pointer. `at` is the pointer to `value`, grown and
/// cut back in place as the walk goes: a pointer string per node of a large spec cost more than
/// all the checks.
fn collect_refs<'a>(value: &'a Value, at: &mut String, out: &mut Vec<(String, &'a str)>) {
    let len = at.len();
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((child(at, "$ref"), target));
            }
            for (key, item) in map {
                // `example`s are data: a `$ref` key inside one is not a reference.
                if key == "example" || key == "examples" || key == "x-examples" || !(item.is_object() || item.is_array()) {
                    continue;
                }
                at.push('/');
                if key.contains(['~', '/']) {
                    at.push_str(&escape_token(key));
                } else {
                    at.push_str(key);
                }
                collect_refs(item, at, out);
                at.truncate(len);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                // Writing into the buffer allocates nothing, where `index.to_string()` would.
                let _ = write!(at, "/{index}");
                collect_refs(item, at, out);
                at.truncate(len);
            }
        }
        _ => {}
    }
}

/// Follows a reference (and references that are nothing but a reference) to a real node.
fn resolve_chain(file: &str, doc: &Value, at: &str, first: &str) -> Result<(), SpecError> {
    let mut seen: Vec<String> = Vec::new();
    let mut target = first.to_string();
    loop {
        let Some(pointer) = target.strip_prefix('#') else {
            return Err(SpecError::new(file, at, format!("only local references (`#/…`) are supported, found {target:?}")));
        };
        if seen.contains(&target) {
            seen.push(target);
            return Err(SpecError::new(file, at, format!("a loop of references that never reaches a schema: {}", seen.join(" → "))));
        }
        seen.push(target.clone());
        let Some(node) = doc.pointer(pointer) else {
            return Err(SpecError::new(file, at, format!("dangling reference: nothing at {target:?}")));
        };
        match node.as_object() {
            Some(map) if map.len() == 1 && map.contains_key("$ref") => match map.get("$ref") {
                Some(Value::String(next)) => target = next.clone(),
                _ => return Err(SpecError::new(file, child(pointer, "$ref"), "`$ref` must be a string")),
            },
            _ => return Ok(()),
        }
    }
}
