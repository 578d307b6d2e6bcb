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
    let value: Value = serde_yaml::from_str::<Wide>(text).map(|w| w.0).map_err(|e| {
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

/// A JSON value read from YAML where integers past 64 bits (`maximum: 99999999999999999999999`),
/// valid YAML that `serde_json::Value` refuses, become floats: all a validation keyword needs.
struct Wide(Value);

impl<'de> serde::Deserialize<'de> for Wide {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(WideVisitor).map(Wide)
    }
}

struct WideVisitor;

impl<'de> serde::de::Visitor<'de> for WideVisitor {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any YAML value")
    }
    fn visit_bool<E>(self, v: bool) -> Result<Value, E> {
        Ok(Value::Bool(v))
    }
    fn visit_i64<E>(self, v: i64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_u64<E>(self, v: u64) -> Result<Value, E> {
        Ok(Value::from(v))
    }
    fn visit_i128<E>(self, v: i128) -> Result<Value, E> {
        Ok(i64::try_from(v).map(Value::from).unwrap_or_else(|_| Value::from(v as f64)))
    }
    fn visit_u128<E>(self, v: u128) -> Result<Value, E> {
        Ok(u64::try_from(v).map(Value::from).unwrap_or_else(|_| Value::from(v as f64)))
    }
    fn visit_f64<E>(self, v: f64) -> Result<Value, E> {
        Ok(serde_json::Number::from_f64(v).map(Value::Number).unwrap_or(Value::Null))
    }
    fn visit_str<E>(self, v: &str) -> Result<Value, E> {
        Ok(Value::String(v.to_string()))
    }
    fn visit_string<E>(self, v: String) -> Result<Value, E> {
        Ok(Value::String(v))
    }
    fn visit_unit<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_none<E>(self) -> Result<Value, E> {
        Ok(Value::Null)
    }
    fn visit_some<D: serde::Deserializer<'de>>(self, d: D) -> Result<Value, D::Error> {
        Wide::deserialize(d).map(|w| w.0)
    }
    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> Result<Value, A::Error> {
        let mut items = Vec::new();
        while let Some(Wide(item)) = seq.next_element()? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }
    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Value, A::Error> {
        let mut object = serde_json::Map::new();
        while let Some((Wide(key), Wide(value))) = map.next_entry::<Wide, Wide>()? {
            let key = match key {
                Value::String(s) => s,
                other => other.to_string(),
            };
            object.insert(key, value);
        }
        Ok(Value::Object(object))
    }
}

use serde::Deserialize as _;
