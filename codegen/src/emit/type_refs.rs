//! How the generated code names a type: `TypeRef` → tokens (`type_ref`) or text as prettyplease
//! prints it (`type_text`). Every emitter that writes a type needs these, so they live below all of
//! them rather than in `types.rs`, which itself needs the emitters of struct impls.

use crate::idents::{ident, sanitise};
use crate::ir::{Prim, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;

/// A type reference from within the types module.
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
        // Every path in the table is valid Rust (unit test below).
        TypeRef::Prim(prim) => prim_path(prim).parse().unwrap_or_default(),
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

/// The Rust type of a primitive, for both [`type_ref`] and [`type_text`].
fn prim_path(prim: &Prim) -> String {
    if prim.from_runtime() {
        format!("crate::runtime::{}", prim.rust_name())
    } else {
        prim.rust_name().to_string()
    }
}

/// A type reference as text, as prettyplease prints [`type_ref`]'s tokens.
pub fn type_text(ty: &TypeRef) -> String {
    match ty {
        TypeRef::Named(name) => sanitise(name),
        TypeRef::Prim(prim) => prim_path(prim),
        TypeRef::List(inner) => format!("Vec<{}>", type_text(inner)),
        TypeRef::Map(inner) => format!("crate::runtime::Map<{}>", type_text(inner)),
        TypeRef::Nullable(inner) => format!("Option<{}>", type_text(inner)),
        TypeRef::Any => "serde_json::Value".to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_primitive_renders_the_same_as_tokens_and_as_text() {
        let prims = [Prim::String, Prim::Bool, Prim::I32, Prim::I64, Prim::F32, Prim::F64, Prim::DateTime, Prim::Date, Prim::Uuid, Prim::Binary];
        for prim in prims {
            let ty = TypeRef::List(Box::new(TypeRef::Prim(prim)));
            let tokens = type_ref(&ty);
            assert!(!tokens.is_empty(), "{}", type_text(&ty));
            let printed: syn::Type = syn::parse2(tokens).expect("a type");
            assert_eq!(quote!(#printed).to_string().replace(' ', ""), type_text(&ty));
        }
    }
}
