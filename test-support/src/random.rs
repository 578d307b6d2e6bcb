//! Random instances of a schema from a fixed seed, for the round-trip property test: optional
//! properties absent, present or `null`, nullable values `null`, numbers in integer and decimal
//! form, a random member of each union, arrays of zero to three items, and undeclared keys
//! (some starting with a private-use character) beside the declared ones.

use serde_json::{json, Map, Value};

/// A small deterministic generator (xorshift64*): the same seed gives the same instances on
/// every machine.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Self {
        Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1)
    }

    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    /// A number below `n` (`n` > 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn one_in(&mut self, n: usize) -> bool {
        self.below(n) == 0
    }
}

/// Deeper than this, only required properties are filled and arrays are empty, so recursive
/// schemas end.
const DEEP: usize = 5;

/// A random instance of `schema` (`$ref`s resolved in `doc`, a normalised OpenAPI 3.0 document).
pub fn instance(doc: &Value, schema: &Value, rng: &mut Rng, depth: usize) -> Value {
    let Some(map) = schema.as_object() else { return any(rng) };
    if depth > 40 {
        return Value::Null;
    }
    if let Some(Value::String(reference)) = map.get("$ref") {
        let target = reference.strip_prefix('#').and_then(|p| doc.pointer(p));
        return target.map(|t| instance(doc, t, rng, depth + 1)).unwrap_or(Value::Null);
    }
    if map.get("nullable") == Some(&Value::Bool(true)) && depth > 0 && rng.one_in(5) {
        return Value::Null;
    }
    if let Some(constant) = map.get("const") {
        return constant.clone();
    }
    if let Some(Value::Array(values)) = map.get("enum") {
        let values: Vec<&Value> = values.iter().filter(|v| !v.is_null()).collect();
        if !values.is_empty() {
            return values[rng.below(values.len())].clone();
        }
    }
    if let Some(Value::Array(members)) = map.get("allOf") {
        // Members that only annotate (a description, an example) shape nothing.
        let shaping: Vec<&Value> = members.iter().filter(|m| !is_annotation(m)).collect();
        if shaping.len() == 1 && !map.contains_key("properties") && !is_object(doc, shaping[0], 0) {
            return instance(doc, shaping[0], rng, depth + 1);
        }
        let mut shape = Shape::default();
        shape.collect(doc, schema, 0);
        return shape.instance(doc, rng, depth);
    }
    for key in ["oneOf", "anyOf"] {
        if let Some(Value::Array(members)) = map.get(key) {
            let members: Vec<&Value> = members.iter().filter(|m| m.get("type") != Some(&json!("null"))).collect();
            if members.is_empty() {
                return Value::Null;
            }
            let member = members[rng.below(members.len())];
            // A union member gets no undeclared keys: they could make an earlier member match.
            let mut value = instance(doc, &without_extras(doc, member), rng, depth + 1);
            if let (Value::Object(value), Some(Value::Object(own))) = (&mut value, map.get("properties")) {
                for (name, property) in own {
                    value.entry(name.clone()).or_insert_with(|| instance(doc, property, rng, depth + 1));
                }
            }
            return value;
        }
    }
    match map.get("type").and_then(Value::as_str) {
        Some("string") => string(map, rng),
        Some("integer") => integer(map, rng),
        Some("number") => number(map, rng),
        Some("boolean") => json!(rng.one_in(2)),
        Some("array") => {
            let count = if depth > DEEP { 0 } else { rng.below(4) };
            let items = map.get("items").cloned().unwrap_or(json!({}));
            Value::Array((0..count).map(|_| instance(doc, &items, rng, depth + 1)).collect())
        }
        Some("object") => {
            let mut shape = Shape::default();
            shape.collect(doc, schema, 0);
            shape.instance(doc, rng, depth)
        }
        _ if map.contains_key("properties") => {
            let mut shape = Shape::default();
            shape.collect(doc, schema, 0);
            shape.instance(doc, rng, depth)
        }
        _ => any(rng),
    }
}

/// A marker the generator reads: this object (a union member) gets no undeclared keys.
const NO_EXTRAS: &str = "x-random-no-extras";

fn without_extras(doc: &Value, member: &Value) -> Value {
    let resolved = match member.get("$ref").and_then(Value::as_str) {
        Some(reference) => reference.strip_prefix('#').and_then(|p| doc.pointer(p)).cloned().unwrap_or(Value::Null),
        None => member.clone(),
    };
    match resolved {
        Value::Object(mut map) => {
            map.insert(NO_EXTRAS.to_string(), Value::Bool(true));
            Value::Object(map)
        }
        other => other,
    }
}

fn is_annotation(schema: &Value) -> bool {
    schema.as_object().is_some_and(|map| map.keys().all(|key| matches!(key.as_str(), "description" | "example" | "examples" | "title" | "deprecated" | "nullable")))
}

fn is_object(doc: &Value, schema: &Value, depth: usize) -> bool {
    if depth > 8 {
        return false;
    }
    if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
        return reference.strip_prefix('#').and_then(|p| doc.pointer(p)).is_some_and(|t| is_object(doc, t, depth + 1));
    }
    schema.get("type") == Some(&json!("object")) || schema.get("properties").is_some() || schema.get("allOf").is_some()
}

/// An object schema with its `allOf` members merged.
#[derive(Default)]
struct Shape {
    properties: Map<String, Value>,
    required: Vec<String>,
    /// `additionalProperties`: `None` when not declared, else its schema (`true` as `{}`).
    additional: Option<Value>,
    no_extras: bool,
}

impl Shape {
    fn collect(&mut self, doc: &Value, schema: &Value, depth: usize) {
        if depth > 8 {
            return;
        }
        if let Some(reference) = schema.get("$ref").and_then(Value::as_str) {
            if let Some(target) = reference.strip_prefix('#').and_then(|p| doc.pointer(p)) {
                self.collect(doc, target, depth + 1);
            }
            return;
        }
        if let Some(Value::Array(members)) = schema.get("allOf") {
            for member in members {
                self.collect(doc, member, depth + 1);
            }
        }
        if let Some(Value::Object(properties)) = schema.get("properties") {
            for (name, property) in properties {
                self.properties.insert(name.clone(), property.clone());
            }
        }
        if let Some(Value::Array(required)) = schema.get("required") {
            self.required.extend(required.iter().filter_map(Value::as_str).map(str::to_string));
        }
        match schema.get("additionalProperties") {
            Some(Value::Bool(true)) => self.additional = Some(json!({})),
            Some(Value::Object(additional)) => self.additional = Some(Value::Object(additional.clone())),
            _ => {}
        }
        self.no_extras |= schema.get(NO_EXTRAS).is_some();
    }

    fn instance(&self, doc: &Value, rng: &mut Rng, depth: usize) -> Value {
        let mut out = Map::new();
        for (name, property) in &self.properties {
            let required = self.required.contains(name);
            if !required {
                match rng.below(8) {
                    0..=2 => continue,
                    // A struct with a typed `additionalProperties` has no `extra` to note a
                    // `null` in (a limit the README states): its optional fields are left out.
                    3 if self.additional.is_none() => {
                        out.insert(name.clone(), Value::Null);
                        continue;
                    }
                    _ if depth > DEEP => continue,
                    _ => {}
                }
            }
            out.insert(name.clone(), instance(doc, property, rng, depth + 1));
        }
        let typed_additional = self.additional.as_ref().filter(|a| a.as_object().is_some_and(|m| !m.is_empty()));
        match typed_additional {
            Some(additional) if depth <= DEEP => {
                for i in 0..rng.below(3) {
                    out.insert(format!("key{i}"), instance(doc, additional, rng, depth + 1));
                }
            }
            Some(_) => {}
            None if !self.no_extras && rng.one_in(3) => {
                let name = if rng.one_in(2) { "\u{F8FF}undeclared" } else { "undeclared_note" };
                out.insert(name.to_string(), any(rng));
            }
            None => {}
        }
        Value::Object(out)
    }
}

fn any(rng: &mut Rng) -> Value {
    match rng.below(6) {
        0 => json!("text"),
        1 => json!(7),
        2 => json!(2.5),
        3 => json!(true),
        4 => Value::Null,
        _ => json!({"k": [1, 0.25, "é\"\n"]}),
    }
}

fn string(map: &Map<String, Value>, rng: &mut Rng) -> Value {
    let format = map.get("format").and_then(Value::as_str).unwrap_or_default();
    let text = match format {
        "date-time" => ["2024-01-02T03:04:05Z", "2025-12-31T23:59:59.123Z"][rng.below(2)].to_string(),
        "date" => "2024-01-02".to_string(),
        "uuid" => "3fa85f64-5717-4562-b3fc-2c963f66afa6".to_string(),
        "binary" | "byte" => return json!("aGk="),
        _ => ["sample", "", "é ünïcode \"quoted\"\n", "0", "\u{F8FF}private"][rng.below(5)].to_string(),
    };
    let min = map.get("minLength").and_then(Value::as_u64).unwrap_or(0) as usize;
    json!(if text.chars().count() < min { format!("{text}{}", "x".repeat(min - text.chars().count())) } else { text })
}

fn bounds(map: &Map<String, Value>) -> (f64, f64) {
    let min = map.get("minimum").and_then(Value::as_f64).unwrap_or(0.0);
    let max = map.get("maximum").and_then(Value::as_f64).unwrap_or(min + 1000.0);
    (min, max.max(min))
}

fn integer(map: &Map<String, Value>, rng: &mut Rng) -> Value {
    let (min, max) = bounds(map);
    let span = (max - min).clamp(0.0, 1_000_000.0) as usize + 1;
    json!(min.ceil() as i64 + rng.below(span) as i64)
}

fn number(map: &Map<String, Value>, rng: &mut Rng) -> Value {
    let (min, max) = bounds(map);
    // Whole numbers as JavaScript servers write them (`0`, `3`), and decimals.
    let value = if rng.one_in(2) { (min.ceil() + rng.below(10) as f64).min(max) } else { (min + 0.25 * (1 + rng.below(3)) as f64).min(max) };
    if value.fract() == 0.0 && value.abs() < 1e15 {
        json!(value as i64)
    } else {
        json!(value)
    }
}
