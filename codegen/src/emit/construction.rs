//! How users build values: a `new` per struct taking the required fields (constant tags are
//! filled in), one chained setter per other field, and `From` conversions into unions.

use super::rust_text::ItemText;
use super::type_refs::{type_ref, type_text};
use crate::idents::{ident, sanitise};
use crate::ir::{Conversion, Field, Presence, TypeDef, TypeRef, Variant, EXTRA_FIELD, UNDECLARED_FIELD};
use proc_macro2::TokenStream;
use quote::quote;

/// Setter names that would shadow methods users call on every type (`x.clone()`, `x.into()`).
const SHADOWING: [&str; 12] =
    ["new", "clone", "into", "from", "default", "fmt", "serialize", "deserialize", "to_owned", "eq", "hash", "borrow"];

/// The `impl` with `new` and the setters, under `cfgs` (already laid out attributes).
pub fn struct_impl(def: &TypeDef, fields: &[Field], has_extra: bool, cfgs: &str) -> Result<String, String> {
    let name = sanitise(&def.name);
    let mut arguments = Vec::new();
    let mut inits = Vec::new();
    let mut setters = ItemText::new();
    setters.indented();
    for field in fields {
        let member = sanitise(&field.rust);
        let ty = type_text(&field.ty);
        let boxed = |value: String| if field.boxed { format!("Box::new({value})") } else { value };
        // A setter's doc says what it sets, then repeats the first paragraph of the field's.
        let described = super::docs::first_paragraph(field.doc.as_deref());
        let mut setter = |doc: String, argument: String, value: String| {
            let mut lines = vec![doc];
            if let Some(paragraph) = &described {
                lines.push(String::new());
                lines.extend(super::docs::doc_lines(Some(paragraph)));
            }
            setters.docs(&lines);
            setters.list(&format!("pub fn {}(", setter_name(field)), &["mut self".to_string(), format!("value: {argument}")], ") -> Self {");
            setters.line(&format!("self.{member} = {value};"));
            setters.line("self");
            setters.close("}");
        };
        match field.presence {
            Presence::Required if field.constant => inits.push(format!("{member}: Default::default()")),
            Presence::Required => {
                let (arg_ty, convert) = into_arg_text(&field.ty, &ty);
                arguments.push(format!("{member}: {arg_ty}"));
                if convert.is_empty() && !field.boxed {
                    inits.push(member.clone());
                } else {
                    inits.push(format!("{member}: {}", boxed(format!("{member}{convert}"))));
                }
            }
            Presence::TriState => {
                inits.push(format!("{member}: crate::runtime::Patch::Absent"));
                let value = if field.boxed { "value.into().map(Box::new)" } else { "value.into()" };
                let doc = format!(" Sets `{}`: a value sets it, `None` sends `null` (clears it); not calling this leaves it unchanged.", field.wire);
                setter(doc, setter_argument(field.presence, &field.ty, &ty, "crate::runtime::Patch"), value.to_string());
            }
            Presence::RequiredNullable => {
                inits.push(format!("{member}: None"));
                let value = if field.boxed { "value.into().map(Box::new)" } else { "value.into()" };
                setter(format!(" Sets `{}` (`None` sends `null`).", field.wire), setter_argument(field.presence, &field.ty, &ty, ""), value.to_string());
            }
            Presence::Optional => {
                inits.push(format!("{member}: None"));
                let convert = into_arg_text(&field.ty, &ty).1;
                let value = format!("Some({})", boxed(format!("value{convert}")));
                setter(format!(" Sets `{}`.", field.wire), setter_argument(field.presence, &field.ty, &ty, ""), value);
            }
        }
    }
    let rest = sanitise(if has_extra { EXTRA_FIELD } else { UNDECLARED_FIELD });
    inits.push(format!("{rest}: Default::default()"));
    let new_doc = if arguments.is_empty() {
        format!(" An empty `{}`; set fields with the methods below.", def.name)
    } else {
        format!(" A `{}` from its required fields; set the others with the methods below.", def.name)
    };
    let mut item = ItemText::new();
    item.lines(cfgs);
    item.line("#[allow(deprecated)]");
    item.open_header(&format!("impl {name} {{"));
    item.docs(&[new_doc]);
    if arguments.len() > 7 {
        item.line("#[allow(clippy::too_many_arguments)]");
    }
    item.list("pub fn new(", &arguments, ") -> Self {");
    item.struct_literal("", &inits, "");
    item.close("}");
    item.append(setters);
    item.close("}");
    item.finish()
}

/// The argument type of a field's setter, `text` being the field's type as written: what a
/// caller's value must convert into, so the drift report compares it too (a field going from
/// required-nullable to optional turns `impl Into<Option<T>>` into `impl Into<T>`, and
/// `.field(None)` stops compiling). `patch` is the path of the runtime's `Patch`. The
/// constructor's arguments (required fields) are not setters.
pub fn setter_argument(presence: Presence, ty: &TypeRef, text: &str, patch: &str) -> String {
    match presence {
        Presence::TriState => format!("impl Into<{patch}<{text}>>"),
        Presence::RequiredNullable => format!("impl Into<Option<{text}>>"),
        Presence::Required | Presence::Optional => into_arg_text(ty, text).0,
    }
}

/// Argument type and conversion for a value: `impl Into<T>`, except lists, which stay `Vec<T>`
/// so that `vec![a.into(), b.into()]` infers its item type (as `operations::into_arg`).
fn into_arg_text(ty: &TypeRef, text: &str) -> (String, &'static str) {
    match ty {
        TypeRef::List(_) => (text.to_string(), ""),
        _ => (format!("impl Into<{text}>"), ".into()"),
    }
}

pub(crate) fn setter_name(field: &Field) -> String {
    let bare = field.rust.trim_start_matches("r#");
    if SHADOWING.contains(&bare) {
        sanitise(&format!("{bare}_value"))
    } else {
        sanitise(&field.rust)
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
