//! A path item may be a `$ref` (OpenAPI 3.1 adds `#/components/pathItems/…`; some 3.0 specs point
//! at another path). `openapiv3` has no use for the reference, so each is replaced by a copy of
//! what it points at, before references are checked and schemas normalised (the copy is then
//! checked and normalised as if written in place). One that cannot be followed costs that path
//! only: it is removed, with a located warning.

use crate::error::{child, SpecError};
use serde_json::Value;

/// Inlines every path-item `$ref` in `doc`; returns a warning per path skipped.
pub fn inline_path_item_refs(file: &str, doc: &mut Value) -> Vec<SpecError> {
    let mut warnings = Vec::new();
    let Some(Value::Object(paths)) = doc.get("paths") else { return warnings };
    let referring: Vec<String> = paths.iter().filter(|(_, item)| item.get("$ref").is_some()).map(|(path, _)| path.clone()).collect();
    for path in referring {
        let at = child(&child("/paths", &path), "$ref");
        let Some(item) = doc.get("paths").and_then(|p| p.get(&path)).cloned() else { continue };
        match follow(doc, &item) {
            Ok(mut target) => {
                // Keys beside the `$ref` (3.1 allows `summary`, `description`) are the referrer's.
                if let (Value::Object(target_map), Value::Object(siblings)) = (&mut target, item) {
                    for (key, value) in siblings.into_iter().filter(|(k, _)| k != "$ref") {
                        target_map.insert(key, value);
                    }
                }
                if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                    paths.insert(path, target);
                }
            }
            Err(reason) => {
                warnings.push(SpecError::new(file, at, format!("path skipped: its path item reference {reason}")));
                if let Some(Value::Object(paths)) = doc.get_mut("paths") {
                    paths.shift_remove(&path);
                }
            }
        }
    }
    warnings
}

/// The path item a referring item stands for, following references that are only references.
fn follow(doc: &Value, item: &Value) -> Result<Value, String> {
    let mut seen = Vec::new();
    let mut current = item;
    loop {
        let reference = match current.get("$ref") {
            None => break,
            Some(Value::String(reference)) => reference,
            Some(_) => return Err("is not a string".into()),
        };
        let Some(pointer) = reference.strip_prefix('#') else {
            return Err(format!("{reference:?} points outside this document, which the generator does not read"));
        };
        if seen.contains(&reference) {
            return Err(format!("{reference:?} is part of a loop of references"));
        }
        seen.push(reference);
        current = doc.pointer(pointer).ok_or_else(|| format!("{reference:?} points at nothing"))?;
    }
    match current {
        Value::Object(map) => {
            let mut map = map.clone();
            map.shift_remove("$ref");
            Ok(Value::Object(map))
        }
        _ => Err("does not point at a path item object".into()),
    }
}
