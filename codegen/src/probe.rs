//! The drift report, checked by the compiler. From the old version of an API, a probe: a Rust
//! file that uses everything the old crate offers the way a user would (each type named, each
//! constructor called and each field read, each setter called with what callers pass, each enum
//! value and union variant matched with its payload type, each operation called with its
//! arguments and its success and error types named, each error variant matched). Compiled
//! against the new crate, every error is a break a user meets; each is mapped back to the item
//! it came from (`Probe::key_at`), and `verify` compares those with the report's breaking
//! entries: an error no entry explains is a missed break, an entry no error confirms an invented
//! one. The build itself is xtask's (`cargo xtask diff --verify`, `cargo xtask verify-history`).

use crate::diff::operations::Call;
use crate::diff::{Change, Severity};
use crate::emit::construction::setter_name;
use crate::emit::object_serde::field_type;
use crate::emit::type_refs::type_text;
use crate::idents::sanitise;
use crate::ir::{Api, Conversion, Operation, Presence, Prim, ResponseContent, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};
use foldhash::HashMap;

/// What a caller passes for an `impl Into<T>` argument: `T` itself, or a value of another type
/// that converts into it (text, an enum's `&str`, a union variant's payload). Number literals and
/// `vec![…]` still infer through `impl Into<Option<T>>` (`Option<T>` has one `From` of a
/// number or a list), as the probe showed. Only the second stops compiling when the argument becomes
/// `impl Into<Option<T>>`: the drift report and the probe both ask this.
pub enum UserValue {
    Exact,
    Other(String),
}

pub fn user_value<'a>(ty: &TypeRef, kind_of: &dyn Fn(&str) -> Option<&'a TypeKind>) -> UserValue {
    match ty {
        TypeRef::Prim(Prim::String) => UserValue::Other("\"\"".into()),
        TypeRef::Nullable(inner) => user_value(inner, kind_of),
        TypeRef::Named(name) => match kind_of(name) {
            Some(TypeKind::StringEnum { .. }) => UserValue::Other("\"\"".into()),
            Some(TypeKind::Union { variants, .. }) => match variants.iter().find(|v| v.conversions.contains(&Conversion::Str)) {
                Some(_) => UserValue::Other("\"\"".into()),
                None => variants
                    .iter()
                    .find(|v| v.conversions.contains(&Conversion::Own))
                    .map_or(UserValue::Exact, |v| UserValue::Other(format!("v::<{}>()", type_text(&v.ty)))),
            },
            Some(TypeKind::Alias(inner)) => user_value(inner, kind_of),
            _ => UserValue::Exact,
        },
        _ => UserValue::Exact,
    }
}

/// The probe's source and which item each of its lines belongs to.
pub struct Probe {
    pub source: String,
    /// (first line, key) of each item, in order: a key is a type (`Thing`), a field or setter
    /// (`Thing.wire`), or an operation (`POST /things`), as the report's locations are.
    items: Vec<(usize, String)>,
}

impl Probe {
    /// The key of the item at a 1-based line of the source.
    pub fn key_at(&self, line: usize) -> Option<&str> {
        let index = self.items.partition_point(|(first, _)| *first <= line);
        index.checked_sub(1).map(|i| self.items[i].1.as_str())
    }

    fn item(&mut self, key: &str, body: String) {
        let line = self.source.lines().count() + 1;
        self.items.push((line, key.to_string()));
        let number = self.items.len();
        self.source.push_str(&format!("fn probe_{number}() {{\n{body}}}\n"));
    }
}

/// A probe using the API `old`, against the crate `crate_name` (its library name).
pub fn probe(old: &Api, crate_name: &str) -> Probe {
    let header = format!(
        "// @generated probe: the old API's surface, compiled against the new crate.\n#![allow(warnings, clippy::all)]\npub use {crate_name} as api;\npub use api::runtime;\nuse runtime::serde_json;\nuse api::types::*;\nfn v<T>() -> T {{\n    unimplemented!()\n}}\n"
    );
    let mut probe = Probe { source: header, items: Vec::new() };
    let kinds: HashMap<&str, &TypeKind> = old.types.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let kind_of = |name: &str| kinds.get(name).copied();
    for def in &old.types.types {
        type_items(&mut probe, def, &kind_of);
    }
    for op in &old.operations {
        operation_items(&mut probe, old, op, &kind_of);
    }
    probe
}

fn value_for<'a>(ty: &TypeRef, into: bool, kind_of: &dyn Fn(&str) -> Option<&'a TypeKind>) -> String {
    match (into, user_value(ty, kind_of)) {
        (true, UserValue::Other(text)) => text,
        _ => format!("v::<{}>()", type_text(ty)),
    }
}

fn type_items<'a>(probe: &mut Probe, def: &TypeDef, kind_of: &dyn Fn(&str) -> Option<&'a TypeKind>) {
    let name = sanitise(&def.name);
    probe.item(&def.name, format!("    let _: Option<{name}> = None;\n"));
    match &def.kind {
        TypeKind::Struct { fields, extra } => {
            probe.item(&def.name, format!("    let _: {name} = {name}::new({});\n", constructor_arguments(fields, kind_of).join(", ")));
            let (member, ty) = match extra {
                Some(ty) => (crate::ir::EXTRA_FIELD, format!("runtime::Map<{}>", type_text(ty))),
                None => (crate::ir::UNDECLARED_FIELD, "runtime::Extra".to_string()),
            };
            probe.item(&def.name, format!("    let x: {name} = v();\n    let _: {ty} = x.{member};\n"));
            for field in fields {
                let key = format!("{}.{}", def.name, field.wire);
                let member = sanitise(&field.rust);
                let mut body = format!("    let x: {name} = v();\n    let _: {} = x.{member};\n", field_type(field));
                let value = match field.presence {
                    Presence::Required => None,
                    Presence::RequiredNullable | Presence::TriState => Some("None".to_string()),
                    Presence::Optional => Some(value_for(&field.ty, !matches!(field.ty, TypeRef::List(_)), kind_of)),
                };
                if let Some(value) = value {
                    body.push_str(&format!("    let _ = v::<{name}>().{}({value});\n", setter_name(field)));
                }
                probe.item(&key, body);
            }
        }
        TypeKind::StringEnum { variants } => {
            let arms: String = variants.iter().map(|v| format!("        {name}::{} => {{}}\n", sanitise(&v.rust))).collect();
            probe.item(&def.name, format!("    match v::<{name}>() {{\n{arms}        _ => {{}}\n    }}\n"));
        }
        TypeKind::IntEnum { variants } => {
            let arms: String = variants.iter().map(|(rust, _)| format!("        {name}::{} => {{}}\n", sanitise(rust))).collect();
            probe.item(&def.name, format!("    match v::<{name}>() {{\n{arms}        _ => {{}}\n    }}\n"));
        }
        TypeKind::Union { variants, .. } => {
            let arms: String = variants
                .iter()
                .map(|v| {
                    let payload = if v.boxed { format!("Box<{}>", type_text(&v.ty)) } else { type_text(&v.ty) };
                    format!("        {name}::{}(p) => {{\n            let _: {payload} = p;\n        }}\n", sanitise(&v.rust))
                })
                .collect();
            probe.item(&def.name, format!("    match v::<{name}>() {{\n{arms}        _ => {{}}\n    }}\n"));
        }
        // A place alias only keeps a name alive (its target is the component's business); a
        // component's alias is what it names.
        TypeKind::Alias(target) if !def.hidden => probe.item(&def.name, format!("    let _: {name} = v::<{}>();\n", type_text(target))),
        // Code written while the schema was inline built it under that name.
        TypeKind::Alias(TypeRef::Named(target)) => {
            if let Some(TypeKind::Struct { fields, .. }) = kind_of(target) {
                probe.item(&def.name, format!("    let _: {name} = {name}::new({});\n", constructor_arguments(fields, kind_of).join(", ")));
            }
        }
        TypeKind::Alias(_) => {}
        // Users build a `runtime::Const` with `default()` (its only value), and a text constant
        // that is not a tag, an enum of one value, with its variant (which stays when upstream
        // adds a value) or `default()` (which does not).
        TypeKind::Const { value, tag } => {
            let body = match (value, tag) {
                (serde_json::Value::String(wire), false) => {
                    let variant = sanitise(&crate::resolve::enum_variant(wire));
                    format!("    let _: {name} = {name}::{variant};\n    let _: {name} = {name}::default();\n    match v::<{name}>() {{\n        {name}::{variant} => {{}}\n        _ => {{}}\n    }}\n")
                }
                _ => format!("    let _: {name} = {name}::default();\n"),
            };
            probe.item(&def.name, body);
        }
    }
}

/// Values for `new(…)`: its arguments are the required fields that are not constants.
fn constructor_arguments<'a>(fields: &[crate::ir::Field], kind_of: &dyn Fn(&str) -> Option<&'a TypeKind>) -> Vec<String> {
    fields.iter().filter(|f| f.presence == Presence::Required && !f.constant).map(|f| value_for(&f.ty, !matches!(f.ty, TypeRef::List(_)), kind_of)).collect()
}

fn operation_items<'a>(probe: &mut Probe, old: &Api, op: &Operation, kind_of: &dyn Fn(&str) -> Option<&'a TypeKind>) {
    let key = format!("{} {}", op.http_method, op.path);
    let module = format!("api::{}", sanitise(&op.tag.module));
    let arguments: Vec<String> = Call::of(old, op).arguments.iter().map(|a| value_for(&a.ty, a.into, kind_of)).collect();
    let mut body = format!(
        "    let c: api::Client = v();\n    let b: {module}::{} = c.{}().{}({});\n",
        sanitise(&op.builder),
        sanitise(&op.tag.module),
        sanitise(&op.method),
        arguments.join(", ")
    );
    for param in op.params.iter().filter(|p| !p.required) {
        let value = value_for(&param.ty, !matches!(param.ty, TypeRef::List(_)), kind_of);
        body.push_str(&format!("    let b = b.{}({value});\n", sanitise(&param.rust)));
    }
    let success = match op.responses.iter().find(|r| (200..300).contains(&r.status)).map(|r| &r.content) {
        Some(ResponseContent::Json(ty)) => type_text(ty),
        Some(ResponseContent::Binary) => "runtime::Bytes".into(),
        Some(ResponseContent::Text) => "String".into(),
        Some(ResponseContent::Empty) | None => "()".into(),
    };
    let error = op.error_type.as_ref().map_or("serde_json::Value".to_string(), |e| format!("{module}::{}", sanitise(e)));
    body.push_str(&format!("    let _ = async move {{\n        let _: Result<runtime::Response<{success}>, runtime::Error<{error}>> = b.send().await;\n    }};\n"));
    probe.item(&key, body);
    let Some(error_type) = &op.error_type else { return };
    let arms: String = op
        .responses
        .iter()
        .filter(|r| !(200..300).contains(&r.status))
        .filter_map(|r| match &r.content {
            ResponseContent::Json(ty) => Some(format!("        {module}::{}::{}(p) => {{\n            let _: {} = p;\n        }}\n", sanitise(error_type), sanitise(&r.variant), type_text(ty))),
            _ => None,
        })
        .collect();
    probe.item(&key, format!("    match v::<{module}::{}>() {{\n{arms}        _ => {{}}\n    }}\n", sanitise(error_type)));
}

/// One compiler error in the probe: its line and message.
#[derive(Debug, Clone)]
pub struct CompileError {
    pub line: usize,
    pub message: String,
}

/// What the compiler said about the report.
#[derive(Debug, Default)]
pub struct Verdict {
    /// Errors, each with the keys it was mapped to: the item it is in, and first, for a type
    /// that is gone, that type (a break of its own, which every item naming it meets).
    pub errors: Vec<(Vec<String>, String)>,
    /// Keys with an error that no breaking entry explains, with where the old spec defines
    /// the type the key names (empty for operations).
    pub missed: BTreeMap<String, String>,
    /// Breaking entries (`kind location`) that no error confirms.
    pub invented: BTreeSet<String>,
}

/// Kinds the probe cannot see: it compiles with every feature on, and tag values are on the wire.
const UNOBSERVABLE: [&str; 2] = ["type-features-changed", "union-variant-tag-changed"];

/// Kinds the compiler may not see: a field's or setter's Rust name moved to another member
/// (`foo_bar` now reads `foo_bar`'s key, `foo-bar`'s is `foo_bar_2`) still compiles where the
/// two have one type, and the code silently reads another key. They explain errors, and need none.
const SILENT: [&str; 2] = ["field-renamed", "setter-renamed"];

/// Maps each error to a key and compares the keys with the report's breaking entries.
pub fn verify(old: &Api, changes: &[Change], probe: &Probe, errors: &[CompileError]) -> Verdict {
    let sources: HashMap<&str, &str> = old.types.types.iter().map(|t| (t.name.as_str(), t.source.as_str())).collect();
    let mut verdict = Verdict::default();
    for error in errors {
        let gone = missing_type(&error.message).filter(|name| sources.contains_key(name.as_str()));
        let keys: Vec<String> = gone.into_iter().chain(probe.key_at(error.line).map(str::to_string)).collect();
        verdict.errors.push((keys, error.message.clone()));
    }
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.severity == Severity::Breaking && !UNOBSERVABLE.contains(&c.kind)).collect();
    let confirmed = breaking.iter().filter(|c| !SILENT.contains(&c.kind));
    // A place alias names its component: a break met through it is the component's.
    let aliases = old.types.place_aliases();
    let covers = |location: &str, keys: &[String]| {
        keys.iter().any(|key| {
            let target = aliases.get(key.as_str()).map(|target| owners(target, &sources)).unwrap_or_default();
            owners(key, &sources).iter().chain(&target).any(|owner| owner == location)
        })
    };
    for (keys, _) in &verdict.errors {
        if !breaking.iter().any(|c| covers(&c.location, keys)) {
            let key = keys.first().cloned().unwrap_or_default();
            let type_name = key.split_once('.').map_or(key.as_str(), |(ty, _)| ty);
            let at = sources.get(type_name).map(|s| s.to_string()).unwrap_or_default();
            verdict.missed.insert(key, at);
        }
    }
    for change in confirmed {
        if !verdict.errors.iter().any(|(keys, _)| covers(&change.location, keys)) {
            verdict.invented.insert(format!("{} {}", change.kind, change.location));
        }
    }
    verdict
}

/// The name in "cannot find type `X` in this scope" and its kin.
fn missing_type(message: &str) -> Option<String> {
    let rest = ["cannot find type `", "cannot find struct, variant or union type `", "use of undeclared type `", "cannot find value `"]
        .iter()
        .find_map(|prefix| message.split_once(prefix).map(|(_, rest)| rest))?;
    rest.split('`').next().map(str::to_string)
}

/// The report locations under which a break at `key` may be stated: the key itself, the type
/// a field key belongs to, and for an inline type, the field or operation it sits in and that
/// field's type (`ThingMode` → `Thing.mode`, `Thing`).
pub(crate) fn owners(key: &str, sources: &HashMap<&str, &str>) -> Vec<String> {
    let mut out = vec![key.to_string()];
    let type_name = key.split_once('.').map_or(key, |(ty, _)| ty);
    if type_name != key {
        out.push(type_name.to_string());
    }
    let Some(source) = sources.get(type_name) else { return out };
    let unescape = |segment: &str| segment.replace("~1", "/").replace("~0", "~");
    if let Some(rest) = source.strip_prefix("/components/schemas/") {
        let parts: Vec<&str> = rest.split('/').collect();
        // Locations name the component's Rust type, the pointer its spec name.
        let pointer = format!("/components/schemas/{}", parts[0]);
        let component = sources.iter().find(|(_, s)| **s == pointer).map_or_else(|| unescape(parts[0]), |(name, _)| name.to_string());
        // The first property on the way down (through `allOf` members, which merge into it).
        if let Some(i) = parts.iter().position(|p| *p == "properties").filter(|i| i + 1 < parts.len()) {
            out.push(format!("{component}.{}", unescape(parts[i + 1])));
        }
        if component != type_name {
            out.push(component);
        }
    } else if let Some(rest) = source.strip_prefix("/paths/") {
        let mut parts = rest.split('/');
        if let (Some(path), Some(method)) = (parts.next(), parts.next()) {
            out.push(format!("{} {}", method.to_uppercase(), path.replace("~1", "/").replace("~0", "~")));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_map_to_the_item_they_are_in() {
        let mut probe = Probe { source: "header\n".into(), items: Vec::new() };
        probe.item("A", "    one\n".into());
        probe.item("B.x", "    two\n    three\n".into());
        assert_eq!(probe.key_at(1), None);
        assert_eq!(probe.key_at(3), Some("A"));
        assert_eq!(probe.key_at(6), Some("B.x"));
        assert_eq!(missing_type("cannot find type `Thing` in this scope").as_deref(), Some("Thing"));
    }

    #[test]
    fn an_inline_type_is_owned_by_its_field_and_operation() {
        let sources: HashMap<&str, &str> = HashMap::from_iter([("ThingMode", "/components/schemas/thing/properties/mode"), ("Thing", "/components/schemas/thing"), ("MakeRequest", "/paths/~1things/post/requestBody")]);
        assert_eq!(owners("ThingMode.a", &sources), ["ThingMode.a", "ThingMode", "Thing.mode", "Thing"]);
        assert_eq!(owners("MakeRequest", &sources), ["MakeRequest", "POST /things"]);
    }
}
