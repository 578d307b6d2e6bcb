//! OpenAPI Overlay 1.0: our own corrections to upstream specs, applied before anything reads them.
//!
//! Only `update` and `remove` actions exist in Overlay 1.0. Targets are RFC 9535 JSONPath
//! expressions; a target that matches nothing is an error, because an overlay that silently stops
//! applying (after upstream renamed the thing it fixed) would hide a real change. An action marked
//! `x-optional: true` (a fix upstream may make itself, or one for a construct that comes and goes)
//! may miss: the miss is a located warning instead, so it still shows in review.

use crate::error::{child, SpecError};
use serde_json::Value;
use serde_json_path::JsonPath;

/// What an action whose target matches nothing means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Misses {
    /// The pinned version: the overlay silently stopped applying, which must be fixed.
    Fail,
    /// Another version of the spec (history, a newer upstream): apply what still applies, so that
    /// both sides of a drift report are read the same way.
    Skip,
}

/// Applies every action of one overlay document to `doc`, in order; returns a warning per
/// optional action that matched nothing in the pinned version.
pub fn apply_overlay(doc: &mut Value, overlay_file: &str, overlay: &Value, misses: Misses) -> Result<Vec<SpecError>, SpecError> {
    let version = overlay.get("overlay").and_then(Value::as_str).unwrap_or_default();
    if !version.starts_with("1.") {
        return Err(SpecError::new(overlay_file, "/overlay", format!("expected an Overlay 1.x document, found version {version:?}")));
    }
    let actions = overlay
        .get("actions")
        .and_then(Value::as_array)
        .ok_or_else(|| SpecError::new(overlay_file, "/actions", "an overlay needs an `actions` array"))?;
    let mut warnings = Vec::new();
    for (index, action) in actions.iter().enumerate() {
        warnings.extend(apply_action(doc, overlay_file, &format!("/actions/{index}"), action, misses)?);
    }
    Ok(warnings)
}

fn apply_action(doc: &mut Value, file: &str, at: &str, action: &Value, misses: Misses) -> Result<Option<SpecError>, SpecError> {
    let target = action
        .get("target")
        .and_then(Value::as_str)
        .ok_or_else(|| SpecError::new(file, child(at, "target"), "an action needs a `target` JSONPath string"))?;
    let path = JsonPath::parse(target)
        .map_err(|e| SpecError::new(file, child(at, "target"), format!("invalid JSONPath {target:?}: {e}")))?;
    let pointers: Vec<String> =
        path.query_located(doc).locations().map(|location| location.to_json_pointer()).collect();
    let optional = match action.get("x-optional") {
        None => false,
        Some(Value::Bool(optional)) => *optional,
        Some(_) => return Err(SpecError::new(file, child(at, "x-optional"), "`x-optional` must be true or false")),
    };
    if pointers.is_empty() && misses == Misses::Skip {
        return Ok(None);
    }
    if pointers.is_empty() && optional {
        return Ok(Some(SpecError::new(file, child(at, "target"), format!("optional overlay action skipped: target {target:?} matches nothing in the spec"))));
    }
    if pointers.is_empty() {
        return Err(SpecError::new(file, child(at, "target"), format!("target {target:?} matches nothing in the spec (mark the action `x-optional: true` if it may)")));
    }
    let remove = action.get("remove").and_then(Value::as_bool).unwrap_or(false);
    match (action.get("update"), remove) {
        (Some(_), true) => Err(SpecError::new(file, at, "an action may either `update` or `remove`, not both")),
        (Some(update), false) => {
            for pointer in &pointers {
                if let Some(node) = doc.pointer_mut(pointer) {
                    merge(node, update);
                }
            }
            Ok(None)
        }
        (None, true) => {
            // Remove deepest and last first, so earlier pointers stay valid.
            for pointer in pointers.iter().rev() {
                remove_at(doc, pointer);
            }
            Ok(None)
        }
        (None, false) => Err(SpecError::new(file, at, "an action needs `update` or `remove: true`")),
    }
}

/// Overlay merge: objects merge key by key, recursively (a key holding an array or a scalar is
/// replaced); an array target gets the value appended; anything else is replaced.
fn merge(target: &mut Value, update: &Value) {
    match (target, update) {
        (Value::Object(target), Value::Object(update)) => {
            for (key, value) in update {
                match target.get_mut(key) {
                    Some(existing) if existing.is_object() && value.is_object() => merge(existing, value),
                    _ => {
                        target.insert(key.clone(), value.clone());
                    }
                }
            }
        }
        (Value::Array(items), value) => items.push(value.clone()),
        (target, value) => *target = value.clone(),
    }
}

fn remove_at(doc: &mut Value, pointer: &str) {
    let Some((parent, last)) = pointer.rsplit_once('/') else { return };
    let token = last.replace("~1", "/").replace("~0", "~");
    match doc.pointer_mut(parent) {
        Some(Value::Object(map)) => {
            map.shift_remove(&token);
        }
        Some(Value::Array(items)) => {
            if let Ok(index) = token.parse::<usize>() {
                if index < items.len() {
                    items.remove(index);
                }
            }
        }
        _ => {}
    }
}
