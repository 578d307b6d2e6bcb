//! Every `example` / `examples` value a spec attaches to a schema, property, parameter, request
//! body or response, with the schema it illustrates: the inputs of the round-trip tests.

use crate::error::child;
use crate::ir::{Api, TypeRef};
use serde_json::Value;

/// One example value and where it sits.
#[derive(Debug, Clone)]
pub struct Example {
    /// Pointer of the example value itself.
    pub pointer: String,
    /// Pointer of the schema it illustrates.
    pub schema: String,
    pub value: Value,
}

/// Collects examples from a normalised spec (see `load`: schema `examples` arrays are kept in
/// `x-examples`, so each of their values is found).
pub fn collect(json: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    walk(json, "", &mut out);
    out
}

fn walk(value: &Value, at: &str, out: &mut Vec<Example>) {
    let Value::Object(map) = value else {
        if let Value::Array(items) = value {
            for (index, item) in items.iter().enumerate() {
                walk(item, &format!("{at}/{index}"), out);
            }
        }
        return;
    };
    let is_media_or_parameter = map.contains_key("schema");
    let schema_here = if is_media_or_parameter { child(at, "schema") } else { at.to_string() };
    let looks_like_schema = is_media_or_parameter
        || ["type", "properties", "allOf", "oneOf", "anyOf", "$ref", "enum", "items", "nullable", "format", "additionalProperties"]
            .iter()
            .any(|k| map.contains_key(*k));
    if looks_like_schema {
        if let Some(example) = map.get("example") {
            out.push(Example { pointer: child(at, "example"), schema: schema_here.clone(), value: example.clone() });
        }
        if let Some(Value::Array(examples)) = map.get("x-examples") {
            // The first one is also the `example` (the loader copied it there).
            for (index, example) in examples.iter().enumerate().skip(usize::from(map.contains_key("example"))) {
                out.push(Example { pointer: format!("{}/{index}", child(at, "x-examples")), schema: schema_here.clone(), value: example.clone() });
            }
        }
        if is_media_or_parameter {
            if let Some(Value::Object(named)) = map.get("examples") {
                for (name, example) in named {
                    if let Some(value) = example.get("value") {
                        out.push(Example { pointer: child(&child(&child(at, "examples"), name), "value"), schema: schema_here.clone(), value: value.clone() });
                    }
                }
            }
        }
    }
    for (key, item) in map {
        if matches!(key.as_str(), "example" | "examples" | "x-examples" | "default" | "enum") {
            continue;
        }
        walk(item, &child(at, key), out);
    }
}

/// The Rust type an example at `schema` decodes into, and whether null is allowed there.
/// Annotation-only `allOf` members (a description plus an example) illustrate their parent.
pub fn type_at<'a>(api: &'a Api, schema: &str) -> Option<&'a (TypeRef, bool)> {
    let mut pointer = schema;
    loop {
        if let Some(found) = api.schema_types.get(pointer) {
            return Some(found);
        }
        let (parent, _) = pointer.rsplit_once('/')?;
        let (grand, keyword) = parent.rsplit_once('/')?;
        if !matches!(keyword, "allOf") {
            return None;
        }
        pointer = grand;
    }
}

/// The Rust type expression of a type reference, as a path from outside the generated crates
/// (`openrouter_langfuse::openrouter::types::Foo`): the round-trip tests' lookup key.
pub fn type_key(api: &str, ty: &TypeRef, nullable: bool) -> String {
    let prefix: proc_macro2::TokenStream = format!("openrouter_langfuse::{api}::types::").parse().unwrap_or_default();
    let tokens = crate::emit::type_ref_in(ty, &prefix);
    let text = tokens.to_string().replace(' ', "").replace("crate::runtime", "openrouter_langfuse::runtime");
    if nullable {
        format!("Option<{text}>")
    } else {
        text
    }
}
