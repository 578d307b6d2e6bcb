//! Type definitions → Rust items. Enums and unions go through the runtime's macros so that the
//! generated source stays small; structs get written-out serde impls (`object_serde`).

use super::docs::{deprecated_attr, doc_attrs};
use super::features::DirectionCfgs;
use super::object_serde::{field_type, object_impls, Rest};
use crate::ir::{Field, Presence, Prim, TypeDef, TypeKind, TypeRef, Variant, EXTRA_FIELD, UNDECLARED_FIELD};
use proc_macro2::{Literal, TokenStream};
use quote::quote;

pub fn type_item(def: &TypeDef, cfgs: &DirectionCfgs) -> TokenStream {
    let name = ident(&def.name);
    let docs = doc_attrs(def.doc.as_deref());
    let deprecated = deprecated_attr(def.deprecated);
    match &def.kind {
        TypeKind::Struct { fields: field_list, extra } => {
            let fields = field_list.iter().map(field);
            let declared = extra.as_ref().map(type_ref);
            let rest_field = match &declared {
                Some(ty) => {
                    let member = ident(EXTRA_FIELD);
                    quote! {
                        #[doc = " Properties the schema does not name (it allows any)."]
                        pub #member: crate::runtime::Map<#ty>,
                    }
                }
                None => {
                    let member = ident(UNDECLARED_FIELD);
                    quote! {
                        #[doc = " Keys the server sent that the spec does not declare (sent back as they are on encode)."]
                        pub #member: crate::runtime::Extra,
                    }
                }
            };
            let rest = match &declared {
                Some(ty) => Rest::Declared(ty),
                None => Rest::Undeclared,
            };
            let needs_arguments = field_list.iter().any(|f| f.presence == Presence::Required && !f.constant);
            let derives = if needs_arguments {
                quote! { #[derive(Debug, Clone)] }
            } else {
                quote! { #[derive(Debug, Clone, Default)] }
            };
            let construction = super::construction::struct_impl(def, field_list, declared.is_some());
            let serde = object_impls(&name, field_list, &rest, cfgs);
            quote! {
                #docs
                #deprecated
                #derives
                #[non_exhaustive]
                pub struct #name { #(#fields)* #rest_field }

                #serde
                #construction
            }
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
        TypeKind::Const { value } => {
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
    }
}

/// The union macros' optional `Serialize: #[cfg(…)];` and `Deserialize: #[cfg(…)];`.
fn union_directions(cfgs: &DirectionCfgs) -> TokenStream {
    let gated = [(quote! { Serialize }, &cfgs.encode), (quote! { Deserialize }, &cfgs.decode)];
    gated.into_iter().filter(|(_, cfg)| !cfg.is_empty()).map(|(which, cfg)| quote! { #which: #cfg; }).collect()
}

fn field(field: &Field) -> TokenStream {
    let name = ident(&field.rust);
    let docs = super::docs::field_doc_attrs(field);
    let deprecated = deprecated_attr(field.deprecated);
    let ty = field_type(field);
    quote! { #docs #deprecated pub #name: #ty, }
}

fn variant_type(variant: &Variant) -> TokenStream {
    let ty = type_ref(&variant.ty);
    if variant.boxed {
        quote! { Box<#ty> }
    } else {
        ty
    }
}

pub fn type_ref(ty: &TypeRef) -> TokenStream {
    type_ref_in(ty, &TokenStream::new())
}

/// A type reference from another module: named types get `prefix` (`super::types::`).
pub fn type_ref_in(ty: &TypeRef, prefix: &TokenStream) -> TokenStream {
    let type_ref = |inner: &TypeRef| type_ref_in(inner, prefix);
    match ty {
        TypeRef::Named(name) => {
            let name = ident(name);
            quote! { #prefix #name }
        }
        TypeRef::Prim(prim) => match prim {
            Prim::String => quote! { String },
            Prim::Bool => quote! { bool },
            Prim::I32 => quote! { i32 },
            Prim::I64 => quote! { i64 },
            Prim::F32 => quote! { f32 },
            Prim::F64 => quote! { f64 },
            Prim::DateTime => quote! { crate::runtime::DateTime },
            Prim::Date => quote! { crate::runtime::Date },
            Prim::Uuid => quote! { crate::runtime::Uuid },
            Prim::Binary => quote! { crate::runtime::Binary },
        },
        TypeRef::List(inner) => {
            let inner = type_ref(inner);
            quote! { Vec<#inner> }
        }
        TypeRef::Map(inner) => {
            let inner = type_ref(inner);
            quote! { crate::runtime::Map<#inner> }
        }
        TypeRef::Nullable(inner) => {
            let inner = type_ref(inner);
            quote! { Option<#inner> }
        }
        TypeRef::Any => quote! { serde_json::Value },
    }
}

pub use crate::idents::ident;

/// A constant type's marker and the value it names, under the type's `cfg`; `None` for other
/// kinds. Goes in the `constants` module (see `emit::format_constant_markers`).
pub fn constant_marker(def: &TypeDef, cfg: &TokenStream) -> Option<TokenStream> {
    let TypeKind::Const { value } = &def.kind else { return None };
    let name = ident(&def.name);
    let literal = match value {
        serde_json::Value::String(s) => quote! { Str(#s) },
        serde_json::Value::Bool(b) => quote! { Bool(#b) },
        serde_json::Value::Number(n) if n.is_i64() => {
            let literal = Literal::i64_unsuffixed(n.as_i64().unwrap_or_default());
            quote! { Int(#literal) }
        }
        serde_json::Value::Number(n) => {
            let literal = Literal::f64_suffixed(n.as_f64().unwrap_or_default());
            quote! { Float(#literal) }
        }
        other => {
            let text = other.to_string();
            quote! { Json(#text) }
        }
    };
    Some(quote! {
        #cfg
        pub enum #name {}
        #cfg
        impl rt::ConstValue for #name {
            const VALUE: rt::ConstLit = rt::ConstLit::#literal;
        }
    })
}
