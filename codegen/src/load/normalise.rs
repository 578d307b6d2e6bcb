//! OpenAPI 3.1 (JSON Schema 2020-12) → the OpenAPI 3.0 shape `openapiv3` reads, keeping meaning.
//!
//! | 3.1 / lenient form                         | becomes                                        |
//! |--------------------------------------------|------------------------------------------------|
//! | `type: [X, "null"]`                        | `type: X, nullable: true`                       |
//! | `type: [X, Y]`                             | `anyOf: [{type: X}, {type: Y}]`                 |
//! | `{type: "null"}` member of oneOf/anyOf     | dropped, the union becomes `nullable`           |
//! | `{type: "null"}` elsewhere                 | `{nullable: true, x-null: true}` (only null)    |
//! | `const: v`                                 | `enum: [v]` (+ inferred `type`)                 |
//! | `examples: [a, …]` on a schema             | `example: a`, all kept in `x-examples`          |
//! | numeric `exclusiveMinimum: n`              | `minimum: n, exclusiveMinimum: true`            |
//! | `$ref` with sibling keywords               | `allOf: [{$ref}]` + the siblings                |
//! | boolean schema `true`                      | `{}`                                            |
//!
//! `patternProperties` and `propertyNames` become plain maps with a warning (`degrade`); other
//! keywords that carry meaning but have no 3.0 form are refused with an error rather than dropped.

use crate::error::{child, SpecError};
use serde_json::{json, Map, Value};

const KNOWN_TYPES: [&str; 6] = ["string", "number", "integer", "boolean", "object", "array"];
const REFUSED_KEYWORDS: [&str; 7] = [
    "prefixItems",
    "if",
    "then",
    "else",
    "dependentSchemas",
    "unevaluatedProperties",
    "unevaluatedItems",
];

/// Normalises the whole document in place; returns a located warning per construct degraded.
pub fn normalise_document(file: &str, doc: &mut Value) -> Result<Vec<SpecError>, SpecError> {
    let version = doc.get("openapi").and_then(Value::as_str).unwrap_or_default().to_string();
    if let Some(swagger) = doc.get("swagger") {
        let swagger = swagger.as_str().map(str::to_string).unwrap_or_else(|| swagger.to_string());
        return Err(SpecError::new(file, "/swagger", format!("this is a Swagger {swagger} spec, which is not supported: convert it to OpenAPI 3.0 or 3.1 first")));
    }
    if !(version.starts_with("3.0.") || version.starts_with("3.1.")) {
        return Err(SpecError::new(file, "/openapi", format!("unsupported OpenAPI version {version:?}: expected 3.0.x or 3.1.x")));
    }
    if !doc.get("paths").is_some_and(Value::is_object) {
        return Err(SpecError::new(file, "/paths", "the spec has no `paths` object: there are no operations to generate"));
    }
    doc["openapi"] = json!("3.0.3");
    let walker = Walker { file, warnings: Default::default() };
    if let Some(Value::Object(schemas)) = doc.pointer_mut("/components/schemas") {
        for (name, schema) in schemas.iter_mut() {
            walker.schema(schema, &child("/components/schemas", name))?;
        }
    }
    if let Some(Value::Object(parameters)) = doc.pointer_mut("/components/parameters") {
        for (name, parameter) in parameters.iter_mut() {
            walker.parameter(parameter, &child("/components/parameters", name))?;
        }
    }
    for section in ["requestBodies", "responses"] {
        let base = format!("/components/{section}");
        if let Some(Value::Object(items)) = doc.pointer_mut(&base) {
            for (name, item) in items.iter_mut() {
                walker.with_content(item, &child(&base, name))?;
            }
        }
    }
    if let Some(Value::Object(paths)) = doc.get_mut("paths") {
        for (path, item) in paths.iter_mut() {
            walker.path_item(item, &child("/paths", path))?;
        }
    }
    Ok(walker.warnings.into_inner())
}

struct Walker<'a> {
    file: &'a str,
    /// Interior mutability: every walk method borrows the walker shared while recursing.
    warnings: std::cell::RefCell<Vec<SpecError>>,
}

impl Walker<'_> {
    fn err(&self, at: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(self.file, at, message)
    }

    fn path_item(&self, item: &mut Value, at: &str) -> Result<(), SpecError> {
        let Value::Object(map) = item else { return Ok(()) };
        for (key, value) in map.iter_mut() {
            let here = child(at, key);
            if key == "parameters" {
                self.parameters(value, &here)?;
                continue;
            }
            if !matches!(key.as_str(), "get" | "put" | "post" | "delete" | "options" | "head" | "patch" | "trace") {
                continue;
            }
            let Value::Object(operation) = value else { continue };
            if let Some(parameters) = operation.get_mut("parameters") {
                self.parameters(parameters, &child(&here, "parameters"))?;
            }
            if let Some(body) = operation.get_mut("requestBody") {
                self.with_content(body, &child(&here, "requestBody"))?;
            }
            if let Some(Value::Object(responses)) = operation.get_mut("responses") {
                for (status, response) in responses.iter_mut() {
                    self.with_content(response, &child(&child(&here, "responses"), status))?;
                }
            }
        }
        Ok(())
    }

    fn parameters(&self, parameters: &mut Value, at: &str) -> Result<(), SpecError> {
        if let Value::Array(items) = parameters {
            for (index, parameter) in items.iter_mut().enumerate() {
                self.parameter(parameter, &format!("{at}/{index}"))?;
            }
        }
        Ok(())
    }

    fn parameter(&self, parameter: &mut Value, at: &str) -> Result<(), SpecError> {
        if let Some(schema) = parameter.get_mut("schema") {
            self.schema(schema, &child(at, "schema"))?;
        }
        Ok(())
    }

    /// A request body or response: schemas sit under `content/<media type>/schema`.
    fn with_content(&self, holder: &mut Value, at: &str) -> Result<(), SpecError> {
        if let Some(Value::Object(content)) = holder.get_mut("content") {
            for (media, object) in content.iter_mut() {
                if let Some(schema) = object.get_mut("schema") {
                    self.schema(schema, &child(&child(&child(at, "content"), media), "schema"))?;
                }
            }
        }
        if let Some(Value::Object(headers)) = holder.get_mut("headers") {
            for (name, header) in headers.iter_mut() {
                self.parameter(header, &child(&child(at, "headers"), name))?;
            }
        }
        Ok(())
    }

    fn schema(&self, schema: &mut Value, at: &str) -> Result<(), SpecError> {
        match schema {
            Value::Bool(true) => {
                *schema = json!({});
                return Ok(());
            }
            Value::Object(_) => {}
            other => return Err(self.err(at, format!("a schema must be an object, found {}", kind_of(other)))),
        }
        let Value::Object(map) = schema else { return Ok(()) };
        for (keyword, degrade) in [
            ("patternProperties", super::degrade::pattern_properties as fn(&mut Map<String, Value>) -> Option<String>),
            ("propertyNames", super::degrade::property_names),
        ] {
            if let Some(message) = degrade(map) {
                self.warnings.borrow_mut().push(self.err(&child(at, keyword), message));
            }
        }
        for keyword in REFUSED_KEYWORDS {
            if map.contains_key(keyword) {
                return Err(self.err(&child(at, keyword), format!("`{keyword}` has no equivalent the generator supports")));
            }
        }
        self.children(map, at)?;
        self.type_keyword(map, at)?;
        const_to_enum(map);
        examples_to_example(map);
        exclusive_bounds(map);
        self.check_type(map, at)?;
        drop_null_union_members(map);
        wrap_ref_with_siblings(map);
        Ok(())
    }

    fn children(&self, map: &mut Map<String, Value>, at: &str) -> Result<(), SpecError> {
        for key in ["properties"] {
            if let Some(Value::Object(properties)) = map.get_mut(key) {
                let base = child(at, key);
                for (name, property) in properties.iter_mut() {
                    self.schema(property, &child(&base, name))?;
                }
            }
        }
        for key in ["items", "not"] {
            if let Some(item) = map.get_mut(key) {
                self.schema(item, &child(at, key))?;
            }
        }
        if let Some(extra) = map.get_mut("additionalProperties") {
            if extra.is_object() {
                self.schema(extra, &child(at, "additionalProperties"))?;
            }
        }
        for key in ["allOf", "oneOf", "anyOf"] {
            if let Some(members) = map.get_mut(key) {
                let Value::Array(members) = members else {
                    return Err(self.err(&child(at, key), format!("`{key}` must be an array of schemas")));
                };
                for (index, member) in members.iter_mut().enumerate() {
                    self.schema(member, &format!("{}/{index}", child(at, key)))?;
                }
            }
        }
        Ok(())
    }

    /// `type` arrays (3.1) and `type: "null"`.
    fn type_keyword(&self, map: &mut Map<String, Value>, at: &str) -> Result<(), SpecError> {
        let types: Vec<String> = match map.get("type") {
            None => return Ok(()),
            Some(Value::String(single)) => vec![single.clone()],
            Some(Value::Array(list)) => {
                let mut names = Vec::new();
                for item in list {
                    match item.as_str() {
                        Some(name) => names.push(name.to_string()),
                        None => return Err(self.err(&child(at, "type"), "`type` arrays must hold strings")),
                    }
                }
                names
            }
            Some(other) => return Err(self.err(&child(at, "type"), format!("`type` must be a string or an array, found {}", kind_of(other)))),
        };
        let (nulls, others): (Vec<String>, Vec<String>) = types.into_iter().partition(|t| t == "null");
        if !nulls.is_empty() {
            map.insert("nullable".into(), Value::Bool(true));
        }
        match others.len() {
            0 => {
                map.remove("type");
                map.insert("x-null".into(), Value::Bool(true));
            }
            1 => {
                map.insert("type".into(), Value::String(others[0].clone()));
            }
            _ => {
                map.remove("type");
                let members: Vec<Value> = others.iter().map(|t| json!({ "type": t })).collect();
                map.insert("anyOf".into(), Value::Array(members));
            }
        }
        Ok(())
    }

    fn check_type(&self, map: &Map<String, Value>, at: &str) -> Result<(), SpecError> {
        match map.get("type").and_then(Value::as_str) {
            Some(name) if !KNOWN_TYPES.contains(&name) => Err(self.err(
                &child(at, "type"),
                format!("unknown schema type {name:?}: expected one of string, number, integer, boolean, object, array, null"),
            )),
            _ => Ok(()),
        }
    }
}

fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn const_to_enum(map: &mut Map<String, Value>) {
    let Some(value) = map.remove("const") else { return };
    if !map.contains_key("type") {
        let inferred = match &value {
            Value::String(_) => Some("string"),
            Value::Bool(_) => Some("boolean"),
            Value::Number(n) if n.is_i64() || n.is_u64() => Some("integer"),
            Value::Number(_) => Some("number"),
            _ => None,
        };
        if let Some(name) = inferred {
            map.insert("type".into(), json!(name));
        }
    }
    map.entry("enum").or_insert_with(|| Value::Array(vec![value]));
}

fn examples_to_example(map: &mut Map<String, Value>) {
    let Some(Value::Array(examples)) = map.remove("examples") else { return };
    if let Some(first) = examples.first() {
        map.entry("example").or_insert_with(|| first.clone());
    }
    map.insert("x-examples".into(), Value::Array(examples));
}

fn exclusive_bounds(map: &mut Map<String, Value>) {
    for (exclusive, bound) in [("exclusiveMinimum", "minimum"), ("exclusiveMaximum", "maximum")] {
        if let Some(Value::Number(limit)) = map.get(exclusive).cloned() {
            map.insert(bound.into(), Value::Number(limit));
            map.insert(exclusive.into(), Value::Bool(true));
        }
    }
}

fn is_null_schema(member: &Value) -> bool {
    let Some(map) = member.as_object() else { return false };
    let meaningful = map.keys().filter(|k| !matches!(k.as_str(), "description" | "title" | "nullable" | "x-null"));
    map.get("x-null") == Some(&Value::Bool(true)) && meaningful.count() == 0
        // The 3.0 spelling some 3.1 documents use for "null": a schema that is only `nullable`.
        || (map.len() == 1 && map.get("nullable") == Some(&Value::Bool(true)))
}

fn drop_null_union_members(map: &mut Map<String, Value>) {
    for key in ["oneOf", "anyOf"] {
        let Some(Value::Array(members)) = map.get_mut(key) else { continue };
        let before = members.len();
        members.retain(|member| !is_null_schema(member));
        if members.len() != before {
            map.insert("nullable".into(), Value::Bool(true));
        }
    }
}

fn wrap_ref_with_siblings(map: &mut Map<String, Value>) {
    if map.len() < 2 || !map.contains_key("$ref") {
        return;
    }
    let Some(reference) = map.shift_remove("$ref") else { return };
    let wrapped = json!([{ "$ref": reference }]);
    match map.get_mut("allOf") {
        Some(Value::Array(members)) => members.insert(0, wrapped[0].clone()),
        _ => {
            map.insert("allOf".into(), wrapped);
        }
    }
}
