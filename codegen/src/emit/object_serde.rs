//! Structs' `Serialize`/`Deserialize`, written out rather than derived: one map encoder and one
//! `match` over the wire names per struct, the rest in the runtime's `object` module. This
//! is what keeps the generated crates cheap to compile (see the README's design section), and what
//! keeps undeclared keys instead of dropping them.

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
        match field.presence {
            Presence::Required | Presence::RequiredNullable => quote! { map.serialize_entry(#wire, &self.#member)?; },
            Presence::Optional => quote! {
                if let Some(value) = &self.#member {
                    map.serialize_entry(#wire, value)?;
                }
            },
            Presence::TriState => quote! {
                if !self.#member.is_absent() {
                    map.serialize_entry(#wire, &self.#member)?;
                }
            },
        }
    });
    let rest = match rest {
        Rest::Declared(_) => {
            let member = ident(EXTRA_FIELD);
            quote! {
                for (key, value) in &self.#member {
                    map.serialize_entry(key, value)?;
                }
            }
        }
        Rest::Undeclared => {
            let member = ident(UNDECLARED_FIELD);
            quote! { crate::runtime::serialize_extra(&mut map, &self.#member)?; }
        }
    };
    quote! {
        impl serde::Serialize for #name {
            fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
                use serde::ser::SerializeMap;
                let mut map = serializer.serialize_map(None)?;
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
    let lookup = fields.iter().enumerate().map(|(index, field)| {
        let wire = &field.wire;
        let index = Literal::usize_unsuffixed(index);
        quote! { #wire => Some(#index), }
    });
    let locals = fields.iter().enumerate().map(|(index, field)| {
        let var = local(index);
        let ty = field_type(field);
        match field.presence {
            Presence::Required => quote! { let mut #var: Option<#ty> = None; },
            Presence::RequiredNullable | Presence::Optional => quote! { let mut #var: #ty = None; },
            Presence::TriState => quote! { let mut #var: #ty = crate::runtime::Patch::Absent; },
        }
    });
    // `field` yields only indices of fields, so the last one is written `_` to make the match
    // exhaustive without an arm that cannot run.
    let last = fields.len().saturating_sub(1);
    let arms = fields.iter().enumerate().map(|(index, field)| {
        let var = local(index);
        let pattern = if index == last { quote! { _ } } else { Literal::usize_unsuffixed(index).into_token_stream() };
        match field.presence {
            Presence::Required => quote! { crate::runtime::FieldKey::Known(#pattern) => #var = Some(map.next_value()?), },
            _ => quote! { crate::runtime::FieldKey::Known(#pattern) => #var = map.next_value()?, },
        }
    });
    let (rest_local, rest_arm, rest_member) = match rest {
        Rest::Declared(value_ty) => {
            let member = ident(EXTRA_FIELD);
            (
                quote! { let mut rest: crate::runtime::Map<#value_ty> = crate::runtime::Map::new(); },
                quote! { crate::runtime::FieldKey::Unknown(key) => { rest.insert(key, map.next_value()?); } },
                quote! { #member: rest, },
            )
        }
        Rest::Undeclared => {
            let member = ident(UNDECLARED_FIELD);
            (
                quote! { let mut rest = crate::runtime::Extra::default(); },
                quote! { crate::runtime::FieldKey::Unknown(key) => crate::runtime::keep_extra(&mut map, &mut rest, key)?, },
                quote! { #member: rest, },
            )
        }
    };
    let inits = fields.iter().enumerate().map(|(index, field)| {
        let member = ident(&field.rust);
        let var = local(index);
        let wire = &field.wire;
        match field.presence {
            Presence::Required => quote! { #member: crate::runtime::required(#var, #wire)?, },
            _ => quote! { #member: #var, },
        }
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
                #[inline]
                fn field(name: &str) -> Option<usize> {
                    match name {
                        #(#lookup)*
                        _ => None,
                    }
                }
                #(#locals)*
                #rest_local
                while let Some(key) = map.next_key_seed(crate::runtime::Fields(field))? {
                    match key {
                        #(#arms)*
                        #rest_arm
                    }
                }
                Ok(Self { #(#inits)* #rest_member })
            }
        }
    }
}
