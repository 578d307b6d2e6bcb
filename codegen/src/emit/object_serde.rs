//! Structs' `Serialize`/`Deserialize`, written out rather than derived: per struct, one call per
//! field to encode, and a table of wire names with one `match` over their indices to decode; the
//! rest is in the runtime's `object` module. This is what keeps the generated crates cheap to
//! compile (see the README's design section), and what keeps undeclared keys instead of dropping
//! them. Written as text (see `rust_text`).

use super::rust_text::{string_literal, ItemText};
use super::type_refs::type_text;
use crate::idents::sanitise;
use crate::ir::{Field, Presence, EXTRA_FIELD, UNDECLARED_FIELD};

/// Where a struct's keys beyond its fields go.
pub enum Rest<'a> {
    /// The schema's own `additionalProperties`: a typed map field, of this value type.
    Declared(&'a str),
    /// Nothing declared: the runtime's `Extra`.
    Undeclared,
}

/// The field's Rust type, as declared in the struct.
pub fn field_type(field: &Field) -> String {
    let mut inner = type_text(&field.ty);
    if field.boxed {
        inner = format!("Box<{inner}>");
    }
    match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::TriState => format!("crate::runtime::Patch<{inner}>"),
    }
}

/// The `Serialize` impl, under `cfgs` (already laid out attributes).
pub fn serialize_item(name: &str, fields: &[Field], rest: &Rest<'_>, cfgs: &str) -> Result<String, String> {
    let mut item = ItemText::new();
    item.lines(cfgs);
    item.open_impl_for("impl serde::Serialize", name);
    // Generic parameters start with `_`, which no type name does (they are PascalCase): a
    // schema named `S`, `D` or `A` would otherwise be shadowed by them inside these impls. The
    // short `out` and `'d` keep the signatures on one line, as before the underscore.
    item.open("fn serialize<_S: serde::Serializer>(&self, out: _S) -> Result<_S::Ok, _S::Error> {");
    match rest {
        Rest::Declared(_) => item.line("let mut map = crate::runtime::ObjectWriter::begin(out)?;"),
        // The `extra` says whether the value was decoded, so that it encodes as it was sent.
        Rest::Undeclared => item.list("let mut map = crate::runtime::ObjectWriter::begin_with(", &["out".to_string(), format!("&self.{}", sanitise(UNDECLARED_FIELD))], ")?;"),
    }
    for field in fields {
        let write = match field.presence {
            Presence::Required => "entry",
            Presence::RequiredNullable => "nullable",
            Presence::Optional => "optional",
            Presence::TriState => "patch",
        };
        item.list(&format!("map.{write}("), &[string_literal(&field.wire), format!("&self.{}", sanitise(&field.rust))], ");");
    }
    match rest {
        Rest::Declared(_) => item.line(&format!("map.entries(&self.{});", sanitise(EXTRA_FIELD))),
        Rest::Undeclared => item.line(&format!("map.extra(&self.{});", sanitise(UNDECLARED_FIELD))),
    }
    item.line("map.end()");
    item.close("}");
    item.close("}");
    item.finish()
}

/// The `Deserialize` impl and the runtime `Object` impl it calls, each under `cfgs`.
pub fn deserialize_items(name: &str, fields: &[Field], rest: &Rest<'_>, cfgs: &str) -> Result<String, String> {
    let mut item = ItemText::new();
    item.lines(cfgs);
    item.open_impl_for("impl<'de> serde::Deserialize<'de>", name);
    item.list("fn deserialize<_D: serde::Deserializer<'de>>(", &["deserializer: _D".to_string()], ") -> Result<Self, _D::Error> {");
    item.line("crate::runtime::deserialize_object(deserializer)");
    item.close("}");
    item.close("}");
    let mut text = item.finish()?;
    text.push_str(&object_item(name, fields, rest, cfgs)?);
    Ok(text)
}

fn object_item(name: &str, fields: &[Field], rest: &Rest<'_>, cfgs: &str) -> Result<String, String> {
    // Locals are numbered, not named after fields, so no property can shadow `map` or `key`.
    let local = |index: usize| format!("v{index}");
    let mut item = ItemText::new();
    item.lines(cfgs);
    item.open_impl_for("impl crate::runtime::Object", name);
    item.line(&format!("const NAME: &'static str = {};", string_literal(name)));
    item.open("fn decode<'d, _A: serde::de::MapAccess<'d>>(mut map: _A) -> Result<Self, _A::Error> {");
    // Short paths keep each arm on one line of the generated file.
    item.line("use crate::runtime as rt;");
    let wires: Vec<String> = fields.iter().map(|field| string_literal(&field.wire)).collect();
    item.list("const FIELDS: &[&str] = &[", &wires, "];");
    for (index, field) in fields.iter().enumerate() {
        let var = local(index);
        let ty = field_type(field);
        item.line(&match field.presence {
            Presence::Required => format!("let mut {var}: Option<{ty}> = None;"),
            Presence::RequiredNullable | Presence::Optional => format!("let mut {var}: {ty} = None;"),
            Presence::TriState => format!("let mut {var}: {ty} = crate::runtime::Patch::Absent;"),
        });
    }
    let (keep, rest_member) = match rest {
        Rest::Declared(value_ty) => {
            item.line(&format!("let mut rest: crate::runtime::Map<{value_ty}> = rt::Map::new();"));
            ("keep_declared", sanitise(EXTRA_FIELD))
        }
        Rest::Undeclared => {
            item.line("let mut rest = rt::Extra::decoded();");
            ("keep_extra", sanitise(UNDECLARED_FIELD))
        }
    };
    item.open("while let Some(key) = map.next_key_seed(rt::Names(FIELDS))? {");
    item.open("let read = match key {");
    // `Names` yields only indices of fields, so the last one is written `_` to make the match
    // exhaustive without an arm that cannot run.
    let last = fields.len().saturating_sub(1);
    for (index, field) in fields.iter().enumerate() {
        let pattern = if index == last { "_".to_string() } else { index.to_string() };
        // Optional and nullable fields remember a `null` by the field's index (see `ObjectWriter`).
        let read = match field.presence {
            Presence::Required => format!("read_required(&mut map, &mut {})", local(index)),
            Presence::Optional | Presence::RequiredNullable => format!("read_opt(&mut map, &mut {}, &mut rest, {index})", local(index)),
            Presence::TriState => format!("read_value(&mut map, &mut {})", local(index)),
        };
        item.element(&format!("rt::FieldKey::Known({pattern}) => rt::{read}"), false);
    }
    item.element(&format!("rt::FieldKey::Unknown(key) => rt::{keep}(&mut map, &mut rest, key)"), true);
    item.close("};");
    item.line("read?;");
    item.close("}");
    for (index, field) in fields.iter().enumerate().filter(|(_, field)| field.presence == Presence::Required) {
        let var = local(index);
        item.open(&format!("let Some({var}) = {var} else {{"));
        item.list("return Err(", &[format!("serde::de::Error::missing_field({})", string_literal(&field.wire))], ");");
        item.close("};");
    }
    let mut inits: Vec<String> = fields.iter().enumerate().map(|(index, field)| format!("{}: {}", sanitise(&field.rust), local(index))).collect();
    inits.push(format!("{rest_member}: rest"));
    item.struct_literal("Ok(", &inits, ")");
    item.close("}");
    item.close("}");
    item.finish()
}
