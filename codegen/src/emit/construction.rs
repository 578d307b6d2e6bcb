//! How users build values: a `new` per struct taking the required fields (constant tags are
//! filled in), one chained setter per other field, and `From` conversions into unions.

use super::types::{ident, type_ref};
use crate::ir::{Conversion, Field, Presence, TypeDef, Variant, EXTRA_FIELD, UNDECLARED_FIELD};
use proc_macro2::TokenStream;
use quote::quote;

/// Setter names that would shadow methods users call on every type (`x.clone()`, `x.into()`).
const SHADOWING: [&str; 12] =
    ["new", "clone", "into", "from", "default", "fmt", "serialize", "deserialize", "to_owned", "eq", "hash", "borrow"];

pub fn struct_impl(def: &TypeDef, fields: &[Field], has_extra: bool) -> TokenStream {
    let name = ident(&def.name);
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    let mut setters = Vec::new();
    for field in fields {
        let member = ident(&field.rust);
        let ty = type_ref(&field.ty);
        let boxed = |value: TokenStream| if field.boxed { quote! { Box::new(#value) } } else { value };
        match field.presence {
            Presence::Required if field.constant => inits.push(quote! { #member: Default::default(), }),
            Presence::Required => {
                let (arg_ty, convert) = super::operations::into_arg(&field.ty, &ty);
                arguments.push(quote! { #member: #arg_ty });
                if convert.is_empty() && !field.boxed {
                    inits.push(quote! { #member, });
                } else {
                    let value = boxed(quote! { #member #convert });
                    inits.push(quote! { #member: #value, });
                }
            }
            Presence::TriState => {
                inits.push(quote! { #member: crate::runtime::Patch::Absent, });
                let value = if field.boxed { quote! { value.into().map(Box::new) } } else { quote! { value.into() } };
                let doc = format!(" Sets `{}`: a value sets it, `None` sends `null` (clears it); not calling this leaves it unchanged.", field.wire);
                let setter = setter_name(field);
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl Into<crate::runtime::Patch<#ty>>) -> Self {
                        self.#member = #value;
                        self
                    }
                });
            }
            Presence::RequiredNullable => {
                inits.push(quote! { #member: None, });
                let value = if field.boxed { quote! { value.into().map(Box::new) } } else { quote! { value.into() } };
                let doc = format!(" Sets `{}` (`None` sends `null`).", field.wire);
                let setter = setter_name(field);
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: impl Into<Option<#ty>>) -> Self {
                        self.#member = #value;
                        self
                    }
                });
            }
            Presence::Optional => {
                inits.push(quote! { #member: None, });
                let (arg_ty, convert) = super::operations::into_arg(&field.ty, &ty);
                let value = boxed(quote! { value #convert });
                let doc = format!(" Sets `{}`.", field.wire);
                let setter = setter_name(field);
                setters.push(quote! {
                    #[doc = #doc]
                    pub fn #setter(mut self, value: #arg_ty) -> Self {
                        self.#member = Some(#value);
                        self
                    }
                });
            }
        }
    }
    let rest = ident(if has_extra { EXTRA_FIELD } else { UNDECLARED_FIELD });
    inits.push(quote! { #rest: Default::default(), });
    let new_doc = if arguments.is_empty() {
        format!(" An empty `{}`; set fields with the methods below.", def.name)
    } else {
        format!(" A `{}` from its required fields; set the others with the methods below.", def.name)
    };
    let lint = if arguments.len() > 7 { quote! { #[allow(clippy::too_many_arguments)] } } else { TokenStream::new() };
    quote! {
        #[allow(deprecated)]
        impl #name {
            #[doc = #new_doc]
            #lint
            pub fn new(#(#arguments),*) -> Self {
                Self { #(#inits)* }
            }
            #(#setters)*
        }
    }
}

fn setter_name(field: &Field) -> proc_macro2::Ident {
    let bare = field.rust.trim_start_matches("r#");
    if SHADOWING.contains(&bare) {
        ident(&format!("{bare}_value"))
    } else {
        ident(&field.rust)
    }
}

pub fn union_conversions(union: &str, variants: &[Variant]) -> TokenStream {
    let name = ident(union);
    let rows: Vec<TokenStream> = variants
        .iter()
        .flat_map(|variant| {
            let tag = ident(&variant.rust);
            let own = type_ref(&variant.ty);
            variant.conversions.iter().map(move |conversion| match conversion {
                Conversion::Own => quote! { #tag(#own), },
                Conversion::Str => quote! { #tag(&str), },
            })
        })
        .collect();
    if rows.is_empty() {
        return TokenStream::new();
    }
    // A union that can hold text lets callers read it without a match.
    let text = variants.iter().find(|v| v.conversions.contains(&Conversion::Str)).map(|variant| {
        let tag = ident(&variant.rust);
        quote! {
            impl #name {
                /// The text, when this value is the text variant.
                pub fn as_str(&self) -> Option<&str> {
                    match self {
                        #name::#tag(text) => Some(text),
                        #[allow(unreachable_patterns)]
                        _ => None,
                    }
                }
            }
        }
    });
    quote! { crate::runtime::union_from! { #name { #(#rows)* } } #text }
}
