//! A valid value for a schema: its example when the spec gives one, else the smallest value that
//! meets its constraints. The conformance suite builds every operation's arguments with it.

use serde_json::{json, Map, Value};

/// A sample value for the schema at `pointer` in a normalised document.
pub fn sample_at(doc: &Value, pointer: &str) -> Value {
    doc.pointer(pointer).map(|schema| sample(doc, schema, 0)).unwrap_or(Value::Null)
}

/// A sample value for `schema`.
pub fn sample(doc: &Value, schema: &Value, depth: usize) -> Value {
    let Some(map) = schema.as_object() else { return json!("sample") };
    if depth > 40 {
        return Value::Null;
    }
    if let Some(example) = map.get("example") {
        return example.clone();
    }
    if let Some(Value::String(reference)) = map.get("$ref") {
        let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
        return target.map(|t| sample(doc, t, depth + 1)).unwrap_or(Value::Null);
    }
    if let Some(Value::Array(members)) = map.get("allOf") {
        let mut merged = Map::new();
        for member in members {
            match sample(doc, member, depth + 1) {
                Value::Object(part) => merged.extend(part),
                // `allOf: [$ref]` around a non-object (an enum with a description or `nullable`).
                other if members.len() == 1 => return other,
                _ => {}
            }
        }
        if let Value::Object(own) = object(doc, map, depth) {
            merged.extend(own);
        }
        // `required` beside `allOf` may name properties that only a member declares.
        let mut properties = Map::new();
        collect_properties(doc, schema, &mut properties, 0);
        for name in required_names(map) {
            if !merged.contains_key(name) {
                if let Some(property) = properties.get(name) {
                    merged.insert(name.to_string(), sample(doc, property, depth + 1));
                }
            }
        }
        return Value::Object(merged);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            if let Some(first) = members.first() {
                let mut value = sample(doc, first, depth + 1);
                if let (Value::Object(value), Value::Object(own)) = (&mut value, object(doc, map, depth)) {
                    value.extend(own);
                }
                return value;
            }
        }
    }
    if let Some(default) = map.get("default").filter(|d| !d.is_null()) {
        return default.clone();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        if let Some(first) = values.iter().find(|v| !v.is_null()) {
            return first.clone();
        }
    }
    let number = |fallback: f64| {
        let minimum = map.get("minimum").and_then(Value::as_f64);
        let maximum = map.get("maximum").and_then(Value::as_f64);
        let exclusive = map.get("exclusiveMinimum") == Some(&Value::Bool(true));
        match (minimum, maximum) {
            (Some(min), _) => min + if exclusive { 1.0 } else { 0.0 },
            (None, Some(max)) => max.min(fallback),
            (None, None) => fallback,
        }
    };
    match map.get("type").and_then(Value::as_str) {
        Some("string") => string(map),
        Some("integer") => json!(number(1.0) as i64),
        Some("number") => json!(number(1.5)),
        Some("boolean") => json!(true),
        Some("array") => {
            let item = map.get("items").map(|items| sample(doc, items, depth + 1)).unwrap_or(json!("sample"));
            json!([item])
        }
        Some("object") => object(doc, map, depth),
        _ if map.contains_key("properties") => object(doc, map, depth),
        _ => json!("sample"),
    }
}

fn string(map: &Map<String, Value>) -> Value {
    let format = map.get("format").and_then(Value::as_str).unwrap_or_default();
    let pattern = map.get("pattern").and_then(Value::as_str).unwrap_or_default();
    let text = match format {
        "date-time" => "2024-01-02T03:04:05Z".to_string(),
        "date" => "2024-01-02".to_string(),
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_string(),
        "uri" | "url" => "https://example.com/a".to_string(),
        "email" => "dev@example.com".to_string(),
        "binary" => return json!([104, 105]),
        _ if pattern.contains(r"\d{4}-\d{2}-\d{2}") => "2024-01-02".to_string(),
        _ => "sample".to_string(),
    };
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    json!(if text.len() < min { format!("{text}{}", "x".repeat(min - text.len())) } else { text })
}

fn required_names(map: &Map<String, Value>) -> Vec<&str> {
    map.get("required").and_then(Value::as_array).map(|r| r.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

/// Properties a schema declares itself or through its allOf members (following `$ref`s).
fn collect_properties(doc: &Value, schema: &Value, out: &mut Map<String, Value>, depth: usize) {
    if depth > 8 {
        return;
    }
    if let Some(Value::String(reference)) = schema.get("$ref") {
        if let Some(target) = reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
            collect_properties(doc, target, out, depth + 1);
        }
    }
    if let Some(Value::Array(members)) = schema.get("allOf") {
        for member in members {
            collect_properties(doc, member, out, depth + 1);
        }
    }
    if let Some(Value::Object(properties)) = schema.get("properties") {
        out.extend(properties.clone());
    }
}

fn object(doc: &Value, map: &Map<String, Value>, depth: usize) -> Value {
    let mut out = Map::new();
    let required = required_names(map);
    if let Some(Value::Object(properties)) = map.get("properties") {
        for (name, schema) in properties {
            if required.contains(&name.as_str()) {
                out.insert(name.clone(), sample(doc, schema, depth + 1));
            }
        }
    }
    Value::Object(out)
}
