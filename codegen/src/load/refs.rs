//! Every `$ref` is checked before anything follows one: local only, pointing at something, and not
//! part of a loop of references that never reaches a schema.

use crate::error::{child, SpecError};
use serde_json::Value;

/// Checks every `$ref` in the document.
pub fn check_refs(file: &str, doc: &Value) -> Result<(), SpecError> {
    let mut refs = Vec::new();
    collect_refs(doc, String::new(), &mut refs);
    for (at, target) in &refs {
        resolve_chain(file, doc, at, target)?;
    }
    Ok(())
}

fn collect_refs(value: &Value, at: String, out: &mut Vec<(String, String)>) {
    match value {
        Value::Object(map) => {
            if let Some(Value::String(target)) = map.get("$ref") {
                out.push((child(&at, "$ref"), target.clone()));
            }
            for (key, item) in map {
                // `example`s are data: a `$ref` key inside one is not a reference.
                if key == "example" || key == "examples" || key == "x-examples" {
                    continue;
                }
                collect_refs(item, child(&at, key), out);
            }
        }
        Value::Array(items) => {
            for (index, item) in items.iter().enumerate() {
                collect_refs(item, format!("{at}/{index}"), out);
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
