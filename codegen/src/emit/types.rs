//! Type definitions → Rust items. Enums and unions go through the runtime's macros so that the
//! generated source stays small; structs get written-out serde impls (`object_serde`).

use super::docs::{deprecated_attr, deprecated_line, doc_attrs, doc_lines, field_doc_lines_or_role, type_doc_text, Direction};
use super::features::{gate_items, DirectionCfgs, Gates};
use super::object_serde::{deserialize_items, field_type, serialize_item, Rest};
use super::rust_text::{string_literal, CfgText, ItemText};
use super::type_refs::{type_ref, type_text};
use crate::idents::{ident, sanitise};
use crate::ir::{Field, Presence, TypeDef, TypeKind, TypeRef, Variant, EXTRA_FIELD, UNDECLARED_FIELD};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

/// The laid-out `#[cfg]` lines of a type's items: the type's own gate, then each direction's.
pub struct ItemCfgs {
    pub all: String,
    pub encode: String,
    pub decode: String,
    /// Which serde impls the type has without `full-serde` (said in its docs).
    pub direction: Direction,
}

/// A struct and its impls, as text (see `rust_text`).
pub fn struct_text(def: &TypeDef, fields: &[Field], extra: Option<&TypeRef>, cfgs: &ItemCfgs) -> Result<String, String> {
    let name = sanitise(&def.name);
    let declared = extra.map(type_text);
    let mut item = ItemText::new();
    item.lines(&cfgs.all);
    item.docs(&doc_lines(Some(&type_doc_text(def, cfgs.direction))));
    if def.deprecated {
        item.line(&deprecated_line());
    }
    let needs_arguments = fields.iter().any(|f| f.presence == Presence::Required && !f.constant);
    item.line(if needs_arguments { "#[derive(Debug, Clone)]" } else { "#[derive(Debug, Clone, Default)]" });
    item.line("#[non_exhaustive]");
    item.open_header(&format!("pub struct {name} {{"));
    for field in fields {
        item.docs(&field_doc_lines_or_role(field));
        if field.deprecated {
            item.line(&deprecated_line());
        }
        item.line(&format!("pub {}: {},", sanitise(&field.rust), field_type(field)));
    }
    match &declared {
        Some(ty) => {
            item.docs(&[" Properties the schema does not name (it allows any)."]);
            item.line(&format!("pub {}: crate::runtime::Map<{ty}>,", sanitise(EXTRA_FIELD)));
        }
        None => {
            item.docs(&[" Keys the spec does not declare, or allows as additional properties of any value (sent back as they are on encode)."]);
            item.line(&format!("pub {}: crate::runtime::Extra,", sanitise(UNDECLARED_FIELD)));
        }
    }
    item.close("}");
    let rest = match &declared {
        Some(ty) => Rest::Declared(ty),
        None => Rest::Undeclared,
    };
    let mut text = item.finish()?;
    text.push_str(&serialize_item(&name, fields, &rest, &format!("{}{}", cfgs.all, cfgs.encode))?);
    text.push_str(&deserialize_items(&name, fields, &rest, &format!("{}{}", cfgs.all, cfgs.decode))?);
    text.push_str(&super::construction::struct_impl(def, fields, declared.is_some(), &cfgs.all)?);
    Ok(text)
}

/// A type's items, formatted, under its feature gate unless `in_gated_module` (the module that
/// holds it carries the gate).
pub fn type_definition(def: &TypeDef, gates: &Gates, cfg_text: &mut CfgText, in_gated_module: bool) -> Result<String, String> {
    let type_cfg = if in_gated_module { TokenStream::new() } else { gates.type_cfg(&def.name) };
    let directions = gates.direction_cfgs(&def.name);
    if let TypeKind::Struct { fields, extra } = &def.kind {
        let cfgs = ItemCfgs {
            all: cfg_text.text(&type_cfg)?,
            encode: cfg_text.text(&directions.encode)?,
            decode: cfg_text.text(&directions.decode)?,
            direction: gates.direction(&def.name),
        };
        return struct_text(def, fields, extra.as_ref(), &cfgs);
    }
    let tokens = token_item(def, &directions, gates.direction(&def.name)).unwrap_or_default();
    let items = gate_items(tokens, &type_cfg)?;
    Ok(prettyplease::unparse(&syn::File { shebang: None, attrs: Vec::new(), items }))
}

/// The tokens of a type other than a struct (`None` for one: see [`struct_text`]). Enums and
/// unions are one macro call each, aliases one line.
fn token_item(def: &TypeDef, cfgs: &DirectionCfgs, direction: Direction) -> Option<TokenStream> {
    let name = ident(&def.name);
    let docs = doc_attrs(Some(&type_doc_text(def, direction)));
    let deprecated = deprecated_attr(def.deprecated);
    Some(match &def.kind {
        TypeKind::Struct { .. } => return None,
        TypeKind::Alias(target) if def.hidden => {
            let doc = format!(" The name this place's type had while its schema was inline: another name for [`{}`].", crate::emit::type_text(target));
            let ty = type_ref(target);
            quote! { #[doc = #doc] #[doc(hidden)] pub type #name = #ty; }
        }
        TypeKind::Alias(ty) => {
            let ty = type_ref(ty);
            quote! { #docs #deprecated pub type #name = #ty; }
        }
        TypeKind::StringEnum { variants } => {
            let rows = variants.iter().map(|v| {
                let variant = ident(&v.rust);
                let wire = &v.wire;
                quote! { #variant => #wire, }
            });
            quote! { crate::runtime::string_enum! { #docs #deprecated pub enum #name { #(#rows)* } } }
        }
        TypeKind::IntEnum { variants } => {
            let rows = variants.iter().map(|(rust, value)| {
                let variant = ident(rust);
                let value = Literal::i64_unsuffixed(*value);
                quote! { #variant => #value, }
            });
            quote! { crate::runtime::int_enum! { #docs #deprecated pub enum #name { #(#rows)* } } }
        }
        TypeKind::Const { value: serde_json::Value::String(wire), tag: false } => {
            let separator = (!docs.is_empty()).then(|| quote! { #[doc = ""] });
            let value_doc = format!(" Always `{wire}` in this version of the spec: constructors fill it in, decoding checks it.");
            let variant = ident(&crate::resolve::enum_variant(wire));
            quote! { crate::runtime::one_value_enum! { #docs #separator #[doc = #value_doc] #deprecated pub enum #name { #variant => #wire, } } }
        }
        TypeKind::Const { value, .. } => {
            // The value lives on a hidden marker, so the alias says it where users read.
            let separator = (!docs.is_empty()).then(|| quote! { #[doc = ""] });
            let value_doc = format!(" Always `{value}`: constructors fill it in, decoding checks it.");
            quote! { #docs #separator #[doc = #value_doc] #deprecated pub type #name = crate::runtime::Const<constants::#name>; }
        }
        TypeKind::Union { tag: Some(tag), variants } => {
            let rows = variants.iter().map(|v| {
                let variant = ident(&v.rust);
                let value = v.tag_value.as_deref().unwrap_or_default();
                let ty = variant_type(v);
                quote! { #variant = #value => #ty, }
            });
            let conversions = super::construction::union_conversions(&def.name, variants);
            let directions = union_directions(cfgs);
            quote! { crate::runtime::tagged_union! { #docs #deprecated pub enum #name { tag = #tag; #(#rows)* } #directions } #conversions }
        }
        TypeKind::Union { tag: None, variants } => {
            let rows = variants.iter().map(|v| {
                let variant = ident(&v.rust);
                let ty = variant_type(v);
                quote! { #variant(#ty), }
            });
            let conversions = super::construction::union_conversions(&def.name, variants);
            let directions = union_directions(cfgs);
            quote! { crate::runtime::untagged_union! { #docs #deprecated pub enum #name { #(#rows)* } #directions } #conversions }
        }
    })
}

/// The union macros' optional `Serialize: #[cfg(…)];` and `Deserialize: #[cfg(…)];`.
fn union_directions(cfgs: &DirectionCfgs) -> TokenStream {
    let gated = [(quote! { Serialize }, &cfgs.encode), (quote! { Deserialize }, &cfgs.decode)];
    gated.into_iter().filter(|(_, cfg)| !cfg.is_empty()).map(|(which, cfg)| quote! { #which: #cfg; }).collect()
}

fn variant_type(variant: &Variant) -> TokenStream {
    let ty = type_ref(&variant.ty);
    if variant.boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

/// A constant type's marker and the value it names, under the type's `cfg` (laid out for the
/// module's depth), written into the `constants` module; nothing for other kinds (see
/// `emit::format_constant_markers`).
pub fn constant_marker(def: &TypeDef, cfg: &str, module: &mut ItemText) {
    if !super::is_marker_constant(def) {
        return;
    }
    let TypeKind::Const { value, .. } = &def.kind else { return };
    let name = sanitise(&def.name);
    let (kind, literal) = match value {
        serde_json::Value::String(s) => ("Str", string_literal(s)),
        serde_json::Value::Bool(b) => ("Bool", b.to_string()),
        serde_json::Value::Number(n) if n.is_i64() => ("Int", Literal::i64_unsuffixed(n.as_i64().unwrap_or_default()).to_string()),
        serde_json::Value::Number(n) => ("Float", Literal::f64_suffixed(n.as_f64().unwrap_or_default()).to_string()),
        other => ("Json", string_literal(&other.to_string())),
    };
    module.lines(cfg);
    module.unbreakable(&format!("pub enum {name} {{}}"));
    module.lines(cfg);
    module.open_impl_for("impl rt::ConstValue", &name);
    module.list(&format!("const VALUE: rt::ConstLit = rt::ConstLit::{kind}("), &[literal], ");");
    module.close("}");
}
