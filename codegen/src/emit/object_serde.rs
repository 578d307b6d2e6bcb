//! Structs' `Serialize`/`Deserialize`, written out rather than derived: per struct, one call per
//! field to encode, and a table of wire names with one `match` over their indices to decode; the
//! rest is in the runtime's `object` module. This is what keeps the generated crates cheap to
//! compile (see the README's design section), and what keeps undeclared keys instead of dropping
//! them.

use super::features::DirectionCfgs;
use super::types::{ident, type_ref};
use crate::ir::{Field, Presence, EXTRA_FIELD, UNDECLARED_FIELD};
use proc_macro2::{Literal, TokenStream};
use quote::{format_ident, quote, ToTokens};

/// Where a struct's keys beyond its fields go.
pub enum Rest<'a> {
    /// The schema's own `additionalProperties`: a typed map field.
    Declared(&'a TokenStream),
    /// Nothing declared: the runtime's `Extra`.
    Undeclared,
}

/// Both impls, each under its `cfg` (see [`DirectionCfgs`]).
pub fn object_impls(name: &proc_macro2::Ident, fields: &[Field], rest: &Rest<'_>, cfgs: &DirectionCfgs) -> TokenStream {
    let serialize = serialize_impl(name, fields, rest);
    let deserialize = deserialize_impl(name, fields, rest, &cfgs.decode);
    let serialize_cfg = &cfgs.encode;
    quote! { #serialize_cfg #serialize #deserialize }
}

/// The field's Rust type, as declared in the struct.
pub fn field_type(field: &Field) -> TokenStream {
    let mut inner = type_ref(&field.ty);
    if field.boxed {
        inner = quote! { Box<#inner> };
    }
    match field.presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => quote! { Option<#inner> },
        Presence::TriState => quote! { crate::runtime::Patch<#inner> },
    }
}

fn serialize_impl(name: &proc_macro2::Ident, fields: &[Field], rest: &Rest<'_>) -> TokenStream {
    let entries = fields.iter().map(|field| {
        let member = ident(&field.rust);
        let wire = &field.wire;
        let write = match field.presence {
            Presence::Required | Presence::RequiredNullable => quote! { entry },
            Presence::Optional => quote! { optional },
            Presence::TriState => quote! { patch },
        };
        quote! { map.#write(#wire, &self.#member); }
    });
    let rest = match rest {
        Rest::Declared(_) => {
            let member = ident(EXTRA_FIELD);
            quote! { map.entries(&self.#member); }
        }
        Rest::Undeclared => {
            let member = ident(UNDECLARED_FIELD);
            quote! { map.extra(&self.#member); }
        }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                let mut map = crate::runtime::ObjectWriter::begin(serializer)?;
                #(#entries)*
                #rest
                map.end()
            }
        }
    }
}

fn deserialize_impl(name: &proc_macro2::Ident, fields: &[Field], rest: &Rest<'_>, cfg: &TokenStream) -> TokenStream {
    // Locals are numbered, not named after fields, so no property can shadow `map` or `key`.
    let local = |index: usize| format_ident!("v{index}");
    let wires = fields.iter().map(|field| &field.wire);
    let locals = fields.iter().enumerate().map(|(index, field)| {
        let var = local(index);
        let ty = field_type(field);
        match field.presence {
            Presence::Required => quote! { let mut #var: Option<#ty> = None; },
            Presence::RequiredNullable | Presence::Optional => quote! { let mut #var: #ty = None; },
            Presence::TriState => quote! { let mut #var: #ty = crate::runtime::Patch::Absent; },
        }
    });
    // `Names` yields only indices of fields, so the last one is written `_` to make the match
    // exhaustive without an arm that cannot run.
    let last = fields.len().saturating_sub(1);
    let arms = fields.iter().enumerate().map(|(index, field)| {
        let var = local(index);
        let pattern = if index == last { quote! { _ } } else { Literal::usize_unsuffixed(index).into_token_stream() };
        let read = match field.presence {
            Presence::Required => quote! { read_required },
            _ => quote! { read_value },
        };
        quote! { rt::FieldKey::Known(#pattern) => rt::#read(&mut map, &mut #var), }
    });
    let (rest_local, keep, rest_member) = match rest {
        Rest::Declared(value_ty) => (
            quote! { let mut rest: crate::runtime::Map<#value_ty> = rt::Map::new(); },
            quote! { keep_declared },
            ident(EXTRA_FIELD),
        ),
        Rest::Undeclared => (quote! { let mut rest = rt::Extra::default(); }, quote! { keep_extra }, ident(UNDECLARED_FIELD)),
    };
    let present = fields.iter().enumerate().filter(|(_, field)| matches!(field.presence, Presence::Required)).map(|(index, field)| {
        let var = local(index);
        let wire = &field.wire;
        quote! { let Some(#var) = #var else { return Err(serde::de::Error::missing_field(#wire)); }; }
    });
    let inits = fields.iter().enumerate().map(|(index, field)| {
        let member = ident(&field.rust);
        let var = local(index);
        quote! { #member: #var, }
    });
    let type_name = name.to_string();
    quote! {
        #cfg
        impl<'de> serde::Deserialize<'de> for #name {
            fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
                crate::runtime::deserialize_object(deserializer)
            }
        }

        #cfg
        impl crate::runtime::Object for #name {
            const NAME: &'static str = #type_name;
            fn decode<'de, A: serde::de::MapAccess<'de>>(mut map: A) -> Result<Self, A::Error> {
                // Short paths keep each arm on one line of the generated file.
                use crate::runtime as rt;
                const FIELDS: &[&str] = &[#(#wires),*];
                #(#locals)*
                #rest_local
                while let Some(key) = map.next_key_seed(rt::Names(FIELDS))? {
                    let read = match key {
                        #(#arms)*
                        rt::FieldKey::Unknown(key) => rt::#keep(&mut map, &mut rest, key),
                    };
                    read?;
                }
                #(#present)*
                Ok(Self { #(#inits)* #rest_member: rest })
            }
        }
    }
}
