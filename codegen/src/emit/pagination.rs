//! `send_paginated()` for list operations: every item of every page as one lazy stream, fetching
//! the next page only when the items of the previous one have been consumed.
//!
//! Recognised from the spec (parameters plus response shape), not from a list of operations:
//! - offset: `offset` query parameter, response `{data: [T], total_count?}` (OpenRouter);
//! - page: `page` query parameter, response `{data: [T], meta: {totalPages}}` (Langfuse);
//! - cursor: `cursor` query parameter, response `{data: [T], meta: {cursor}}` (Langfuse v2/v3).

use super::struct_fields::struct_fields;
use super::type_refs::type_ref_in;
use crate::idents::ident;
use crate::ir::{Field, Operation, ParamLocation, Presence, ResponseContent, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use foldhash::HashMap;

/// How an operation pages, when it does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Paging {
    Offset,
    Page,
    Cursor,
}

struct Detected<'t> {
    paging: Paging,
    param: String,
    data: &'t Field,
    item: &'t TypeRef,
    /// `total_count`, `meta.totalPages` or `meta.cursor`.
    marker: Vec<&'t Field>,
}

fn detect<'t>(op: &Operation, types: &HashMap<&str, &'t TypeKind>) -> Option<Detected<'t>> {
    let success = op.responses.iter().find(|r| (200..300).contains(&r.status))?;
    let ResponseContent::Json(ty) = &success.content else { return None };
    let fields = struct_fields(ty, types)?;
    let data = fields.iter().find(|f| f.wire == "data" && f.presence == Presence::Required)?;
    let TypeRef::List(item) = &data.ty else { return None };
    let query = |wire: &str| op.params.iter().find(|p| p.location == ParamLocation::Query && p.wire == wire && !p.required);
    let meta_field = |name: &str| {
        let meta = fields.iter().find(|f| f.wire == "meta")?;
        let meta_fields = struct_fields(&meta.ty, types)?;
        Some(vec![meta, meta_fields.iter().find(|f| f.wire == name)?])
    };
    // The paging code does arithmetic on the parameter (or copies the cursor into it), so the
    // parameter's type must be the one that code uses; otherwise the operation just has no pager.
    let int64 = TypeRef::Prim(crate::ir::Prim::I64);
    let string = TypeRef::Prim(crate::ir::Prim::String);
    let marker_is = |marker: &[&Field], ty: &TypeRef| marker.last().is_some_and(|f| &f.ty == ty || f.ty == TypeRef::Nullable(Box::new(ty.clone())));
    let query = |wire: &str, ty: &TypeRef| query(wire).filter(|p| &p.ty == ty);
    if let Some(param) = query("offset", &int64) {
        let marker: Vec<&Field> = fields.iter().find(|f| f.wire == "total_count").into_iter().collect();
        if !marker.is_empty() && !marker_is(&marker, &int64) {
            return None;
        }
        return Some(Detected { paging: Paging::Offset, param: param.rust.clone(), data, item, marker });
    }
    if let (Some(param), Some(marker)) = (query("page", &int64), meta_field("totalPages").filter(|m| marker_is(m, &int64))) {
        return Some(Detected { paging: Paging::Page, param: param.rust.clone(), data, item, marker });
    }
    if let (Some(param), Some(marker)) = (query("cursor", &string), meta_field("cursor").filter(|m| marker_is(m, &string))) {
        return Some(Detected { paging: Paging::Cursor, param: param.rust.clone(), data, item, marker });
    }
    None
}

/// The paging style of an operation (for reports and tests).
pub fn paging_of(api: &crate::ir::Api, op: &Operation) -> Option<Paging> {
    let types: HashMap<&str, &TypeKind> = api.types.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    detect(op, &types).map(|d| d.paging)
}

pub fn paginate_method(op: &Operation, types: &HashMap<&str, &TypeKind>, tp: &TokenStream, error_ty: &TokenStream) -> TokenStream {
    let Some(found) = detect(op, types) else { return TokenStream::new() };
    let item = type_ref_in(found.item, tp);
    let param = ident(&found.param);
    let data = ident(&found.data.rust);
    let access = |fields: &[&Field]| -> TokenStream {
        let names = fields.iter().map(|f| ident(&f.rust));
        quote! { value #(.#names)* }
    };
    let (start, next) = match found.paging {
        Paging::Offset => {
            let more = match found.marker.first() {
                Some(total) if total.presence == Presence::Required => {
                    let total = access(&found.marker);
                    quote! { count > 0 && next < #total }
                }
                Some(_) => {
                    let total = access(&found.marker);
                    quote! { count > 0 && #total.is_none_or(|total| next < total) }
                }
                None => quote! { count > 0 },
            };
            (
                quote! { self.#param.unwrap_or(0) },
                quote! {
                    let count = value.#data.len() as i64;
                    let next = position + count;
                    let more = #more;
                    (more.then_some(next), value.#data)
                },
            )
        }
        Paging::Page => {
            let total = access(&found.marker);
            let total = if found.marker.iter().all(|f| f.presence == Presence::Required) { total } else { quote! { #total.unwrap_or(0) } };
            (
                quote! { self.#param.unwrap_or(1) },
                quote! {
                    let more = position < #total;
                    (more.then_some(position + 1), value.#data)
                },
            )
        }
        Paging::Cursor => {
            let cursor = access(&found.marker);
            let first = if found.marker.len() > 1 && found.marker[0].presence != Presence::Required {
                let meta = ident(&found.marker[0].rust);
                let name = ident(&found.marker[1].rust);
                quote! { value.#meta.as_ref().and_then(|meta| meta.#name.clone()) }
            } else {
                quote! { #cursor.clone() }
            };
            (
                quote! { self.#param.clone().unwrap_or_default() },
                quote! {
                    let next = #first.filter(|cursor: &String| !cursor.is_empty());
                    (next, value.#data)
                },
            )
        }
    };
    let set = match found.paging {
        Paging::Cursor => quote! { page.#param = (!position.is_empty()).then_some(position); },
        _ => quote! { page.#param = Some(position); },
    };
    quote! {
        /// Every item of every page, as one lazy stream: the next page is requested only when the
        /// items of the previous one have been consumed. Starts at this builder's position.
        #[inline]
        pub fn send_paginated(self) -> crate::runtime::ItemStream<#item, #error_ty> {
            let start = #start;
            crate::runtime::paginate(start, move |position| {
                let mut page = self.clone();
                #set
                async move {
                    let value = page.send().await?.value;
                    let (following, items) = { #next };
                    Ok((items, following))
                }
            })
        }
    }
}
