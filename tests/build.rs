//! Writes the round-trip registry: for every Rust type an example in the pinned specs decodes
//! into, a function that decodes a JSON value into it and encodes it back. Generated, because
//! there are hundreds of such types and the list follows the specs.

use std::collections::BTreeSet;
use std::fmt::Write;

fn main() {
    let root = codegen::pin::workspace_root();
    println!("cargo:rerun-if-changed={}", root.join("specs").display());
    let cache = codegen::pin::default_cache_dir();
    for pin in codegen::pin::Pin::load_all(&root.join("specs")).unwrap_or_else(|e| panic!("{e}")) {
        println!("cargo:rerun-if-changed={}", pin.cached_path(&cache).display());
    }
    let inputs = codegen::pipeline::inputs_from_pins(&root, None).unwrap_or_else(|e| panic!("cannot read the pinned specs: {e}"));
    let mut keys = BTreeSet::new();
    let mut calls = String::new();
    let mut schemas = String::new();
    for input in &inputs {
        let (spec, api) = codegen::pipeline::resolve_input(input).unwrap_or_else(|e| panic!("{e}"));
        conformance_calls(&input.name, &spec.json, &api, &mut calls);
        for example in codegen::examples::collect(&spec.json) {
            if let Some((ty, nullable)) = codegen::examples::type_at(&api, &example.schema) {
                keys.insert(codegen::examples::type_key(&input.name, ty, *nullable));
            }
        }
        // Every component schema, for the round-trip property test.
        for (pointer, (ty, nullable)) in api.schema_types.iter().filter(|(pointer, _)| is_component(pointer)) {
            let key = codegen::examples::type_key(&input.name, ty, *nullable);
            let _ = writeln!(schemas, "        ({:?}, {pointer:?}, {key:?}),", input.name);
            keys.insert(key);
        }
    }
    let mut out = String::from("/// Decode-then-encode for a type, by its Rust type expression.\npub fn lookup(key: &str) -> Option<fn(serde_json::Value) -> Result<serde_json::Value, String>> {\n    match key {\n");
    for key in &keys {
        let _ = writeln!(out, "        {key:?} => Some(round_trip::<{key}>),");
    }
    out.push_str("        _ => None,\n    }\n}\n");
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("registry.rs"), out).expect("write registry.rs");
    let schemas = format!("/// Every component schema of both APIs: (API, JSON pointer, Rust type).\npub fn component_schemas() -> Vec<(&'static str, &'static str, &'static str)> {{\n    vec![\n{schemas}    ]\n}}\n");
    std::fs::write(std::path::Path::new(&dir).join("component_schemas.rs"), schemas).expect("write component_schemas.rs");
    let calls = format!("/// Every operation of both APIs, called with sample arguments.\npub fn operations() -> Vec<Operation> {{\n    vec![\n{calls}    ]\n}}\n");
    std::fs::write(std::path::Path::new(&dir).join("conformance_calls.rs"), calls).expect("write conformance_calls.rs");
}

/// One `Operation { … }` per operation: its declared error statuses and a call with sample
/// arguments (the spec's examples where it has them, else minimal valid values).
fn conformance_calls(api_name: &str, doc: &serde_json::Value, api: &codegen::ir::Api, out: &mut String) {
    use codegen::ir::{ParamLocation, ResponseContent};
    for op in &api.operations {
        let op_pointer = format!("/paths/{}/{}", op.path.replace('~', "~0").replace('/', "~1"), op.http_method.to_lowercase());
        let parameters = doc.pointer(&format!("{op_pointer}/parameters")).and_then(|p| p.as_array()).cloned().unwrap_or_default();
        let mut args = Vec::new();
        for param in op.params.iter().filter(|p| p.required) {
            let index = parameters.iter().position(|p| p["name"] == param.wire.as_str()).expect("parameter in the spec");
            let mut value = test_support::sample::sample_at(doc, &format!("{op_pointer}/parameters/{index}/schema"));
            if let Some(example) = parameters[index].get("example") {
                value = example.clone();
            }
            if param.location == ParamLocation::Path && value.is_string() && value.as_str() == Some("") {
                value = serde_json::json!("sample");
            }
            let ty = rust_type(api_name, &param.ty);
            args.push(format!("arg::<{ty}>(r###\"{value}\"###)"));
        }
        let mut body_setter = String::new();
        if let Some(body) = &op.body {
            let media = match body.media { codegen::ir::BodyMedia::Json => "application~1json", codegen::ir::BodyMedia::Multipart => "multipart~1form-data", codegen::ir::BodyMedia::Binary => "application~1octet-stream" };
            let media_pointer = format!("{op_pointer}/requestBody/content/{media}");
            let mut value = doc.pointer(&format!("{media_pointer}/example")).cloned().unwrap_or_else(|| test_support::sample::sample_at(doc, &format!("{media_pointer}/schema")));
            if body.media == codegen::ir::BodyMedia::Multipart {
                // Files are bytes in Rust; the spec's multipart examples are file names.
                value = test_support::sample::sample_at(doc, &format!("{media_pointer}/schema"));
            }
            if let Some(object) = value.as_object_mut() {
                // Streaming is exercised against a server that can stream (see streaming tests).
                if object.contains_key("stream") {
                    object.insert("stream".into(), serde_json::json!(false));
                }
            }
            if let Some(required) = codegen::emit::fieldwise_body_arguments(api, op) {
                for field in required {
                    let ty = rust_type(api_name, &field.ty);
                    args.push(format!("arg::<{ty}>(r###\"{}\"###)", value.get(&field.wire).cloned().unwrap_or(serde_json::Value::Null)));
                }
                body_setter = format!(".body(arg(r###\"{value}\"###))");
            } else {
                let ty = rust_type(api_name, &body.ty);
                args.push(format!("arg::<{ty}>(r###\"{value}\"###)"));
            }
        }
        let errors: Vec<String> = op
            .responses
            .iter()
            .filter(|r| r.status >= 400 && !r.range && matches!(r.content, ResponseContent::Json(_)))
            .map(|r| r.status.to_string())
            .collect();
        let typed = op.error_type.is_some();
        let jsonpath = op.responses.iter().filter(|r| (200..300).contains(&r.status)).any(|r| match &r.content {
            ResponseContent::Json(ty) => reaches_property(api, ty, "jsonPath"),
            _ => false,
        });
        let _ = writeln!(
            out,
            "        Operation {{ api: {api_name:?}, id: {id:?}, error_statuses: &[{errors}], typed_errors: {typed}, answer_has_json_path: {jsonpath}, call: |clients, prefer| Box::pin(async move {{ let builder = clients.{api_name}.{tag}().{method}({args}){body_setter}; let builder = match prefer {{ Some(p) => builder.header(\"Prefer\", p), None => builder }}; outcome(builder.send().await) }}) }},",
            id = op.id,
            errors = errors.join(", "),
            tag = op.tag.module,
            method = op.method,
            args = args.join(", "),
        );
    }
}

/// The generated crate's Rust type for `ty`, spelled from outside the crate: arguments take
/// `impl Into<T>`, so the sample value must be decoded as exactly `T`.
fn rust_type(api_name: &str, ty: &codegen::ir::TypeRef) -> String {
    let prefix: proc_macro2::TokenStream = format!("openrouter_langfuse::{api_name}::types::").parse().expect("a path");
    codegen::emit::type_ref_in(ty, &prefix).to_string().replace("crate :: runtime", "openrouter_langfuse::runtime")
}

/// Whether a value of `ty` can contain an object property named `property`.
fn reaches_property(api: &codegen::ir::Api, ty: &codegen::ir::TypeRef, property: &str) -> bool {
    use codegen::ir::{TypeKind, TypeRef};
    let mut seen = BTreeSet::new();
    let mut queue = vec![ty.clone()];
    while let Some(ty) = queue.pop() {
        match ty {
            TypeRef::Named(name) => {
                if !seen.insert(name.clone()) {
                    continue;
                }
                let Some(def) = api.types.types.iter().find(|t| t.name == name) else { continue };
                match &def.kind {
                    TypeKind::Struct { fields, .. } => {
                        if fields.iter().any(|f| f.wire == property) {
                            return true;
                        }
                        queue.extend(fields.iter().map(|f| f.ty.clone()));
                    }
                    TypeKind::Union { variants, .. } => queue.extend(variants.iter().map(|v| v.ty.clone())),
                    TypeKind::Alias(target) => queue.push(target.clone()),
                    _ => {}
                }
            }
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => queue.push(*inner),
            _ => {}
        }
    }
    false
}

/// A pointer to a component schema itself (`#/components/schemas/Name`), not to a place inside one.
fn is_component(pointer: &str) -> bool {
    pointer.strip_prefix("#/components/schemas/").or_else(|| pointer.strip_prefix("/components/schemas/")).is_some_and(|name| !name.contains('/'))
}
