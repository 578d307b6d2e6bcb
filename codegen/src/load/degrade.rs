//! JSON Schema keywords about object keys that Rust maps cannot express. Refusing them cost the
//! whole spec (issue 11), so each becomes the nearest map the generator does express, and the
//! caller records a located warning saying what was lost.

use serde_json::{json, Map, Value};

/// `patternProperties` → `additionalProperties`: keys matching a pattern are still `String` keys,
/// only the pattern check is lost. One value schema (or several equal ones) stays typed; differing
/// ones, or ones that differ from an existing `additionalProperties`, become any JSON.
/// Returns what was degraded, in words, when the keyword was there and meant something.
pub fn pattern_properties(map: &mut Map<String, Value>) -> Option<String> {
    let patterns = map.shift_remove("patternProperties")?;
    let Value::Object(patterns) = patterns else {
        return Some("`patternProperties` is not an object of schemas; ignored".into());
    };
    let mut values = patterns.values();
    let first = values.next()?.clone();
    let several_shapes = values.any(|v| *v != first);
    let pattern_list = patterns.keys().map(|p| format!("{p:?}")).collect::<Vec<_>>().join(", ");
    let (value, typed) = if several_shapes { (json!({}), false) } else { (first, true) };
    let (value, typed) = match map.get("additionalProperties") {
        None | Some(Value::Bool(false)) => (value, typed),
        Some(existing) if *existing == value => (value, typed),
        // Any other existing value: keys may hold either shape.
        Some(_) => (json!({}), false),
    };
    map.insert("additionalProperties".into(), value);
    if !map.contains_key("type") && !map.contains_key("properties") && !map.contains_key("allOf") {
        map.insert("type".into(), json!("object"));
    }
    Some(if typed {
        format!("`patternProperties` ({pattern_list}) has no Rust equivalent: generated as a map with `String` keys (the pattern is not checked)")
    } else {
        format!("`patternProperties` ({pattern_list}) has no Rust equivalent and its values differ in shape: generated as a map with `String` keys and `serde_json::Value` values")
    })
}

/// `propertyNames` constrains keys, which in JSON are strings whatever it says: dropped, so the
/// object stays a map with `String` keys. `{type: string}` says nothing, so it goes silently.
pub fn property_names(map: &mut Map<String, Value>) -> Option<String> {
    let names = map.shift_remove("propertyNames")?;
    let says_nothing = names.as_object().is_some_and(|o| o.len() == 1 && o.get("type") == Some(&Value::from("string")))
        || names == Value::Bool(true)
        || names.as_object().is_some_and(Map::is_empty);
    if says_nothing {
        return None;
    }
    let shown = serde_json::to_string(&names).unwrap_or_default();
    let shown = match shown.char_indices().nth(80) {
        Some((cut, _)) => format!("{}…", &shown[..cut]),
        None => shown,
    };
    Some(format!("`propertyNames` {shown} cannot constrain a Rust map's keys: generated with `String` keys (the constraint is not checked)"))
}
