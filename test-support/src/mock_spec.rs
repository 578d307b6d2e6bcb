//! The spec as the conformance mock server (Stoplight Prism) should read it: our normalised
//! document, written back as OpenAPI 3.1 (JSON Schema 2020-12).
//!
//! Why 3.1: Prism's OpenAPI 3.0 validator (Ajv) refuses to compile a schema with `nullable` but no
//! sibling `type` and then treats it as valid — and in practice it let invalid request bodies of
//! our normalised 3.0 documents through. Served as 3.1, the same schemas are compiled and checked
//! (the conformance suite's negative controls prove it).

use serde_json::{json, Map, Value};

/// Rewrites a normalised (3.0-shaped) document into 3.1 for the mock server.
pub fn for_mock_server(normalised: &Value) -> Value {
    let mut doc = normalised.clone();
    doc["openapi"] = json!("3.1.0");
    rewrite(&mut doc);
    doc
}

fn rewrite(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if matches!(key.as_str(), "example" | "examples" | "x-examples" | "default" | "enum") {
                    continue;
                }
                rewrite(item);
            }
            to_3_1(map);
        }
        Value::Array(items) => items.iter_mut().for_each(rewrite),
        _ => {}
    }
}

fn to_3_1(map: &mut Map<String, Value>) {
    map.remove("x-examples");
    // 3.1 allows siblings beside `$ref`: undo the loader's `allOf` wrapper, which Prism's
    // response generator mistakes for an object to merge.
    let annotations = ["description", "title", "deprecated", "nullable", "example"];
    if let Some(Value::Array(members)) = map.get("allOf") {
        let single_ref = members.len() == 1 && members[0].as_object().is_some_and(|m| m.len() == 1 && m.contains_key("$ref"));
        if single_ref && map.keys().all(|k| k == "allOf" || annotations.contains(&k.as_str())) {
            let reference = members[0]["$ref"].clone();
            map.remove("allOf");
            map.insert("$ref".into(), reference);
        }
    }
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if map.get(exclusive) == Some(&Value::Bool(true)) {
            if let Some(limit) = map.remove(bound) {
                map.insert(exclusive.into(), limit);
            }
        } else if map.get(exclusive) == Some(&Value::Bool(false)) {
            map.remove(exclusive);
        }
    }
    if map.remove("nullable") != Some(Value::Bool(true)) {
        return;
    }
    if map.remove("x-null").is_some() {
        map.insert("type".into(), json!("null"));
        return;
    }
    match map.get("type").cloned() {
        Some(Value::String(ty)) => {
            map.insert("type".into(), json!([ty, "null"]));
        }
        _ => {
            let annotations = ["description", "title", "deprecated"];
            let meaningful = map.keys().any(|k| !annotations.contains(&k.as_str()));
            if meaningful {
                let inner: Map<String, Value> = std::mem::take(map);
                map.insert("anyOf".into(), json!([Value::Object(inner), {"type": "null"}]));
            }
        }
    }
}
