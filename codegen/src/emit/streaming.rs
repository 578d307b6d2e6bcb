//! `send_stream()` for operations whose success response can be `text/event-stream`: it turns the
//! request's streaming flag on and yields the spec's event type, one item per event.

use super::struct_fields::struct_fields;
use super::type_refs::type_ref_in;
use crate::idents::ident;
use crate::ir::{Operation, Presence, TypeKind};
use proc_macro2::TokenStream;
use quote::quote;
use foldhash::HashMap;

/// The body property that switches streaming on (OpenRouter names it `stream`).
const STREAM_FLAG: &str = "stream";

/// The event type an operation streams, when it can.
pub fn stream_event(op: &Operation) -> Option<&crate::ir::TypeRef> {
    op.responses.iter().filter(|r| (200..300).contains(&r.status)).find_map(|r| r.stream.as_ref())
}

pub fn stream_methods(op: &Operation, types: &HashMap<&str, &TypeKind>, tp: &TokenStream, error_ty: &TokenStream) -> TokenStream {
    let Some(event) = stream_event(op) else { return TokenStream::new() };
    let event_ty = type_ref_in(event, tp);
    let flag = op
        .body
        .as_ref()
        .and_then(|body| struct_fields(&body.ty, types))
        .and_then(|fields| fields.iter().find(|f| f.wire == STREAM_FLAG))
        .map(|field| {
            let member = ident(&field.rust);
            match field.presence {
                Presence::Required => quote! { self.body.#member = true; },
                Presence::TriState => quote! { self.body.#member = crate::runtime::Patch::Value(true); },
                Presence::Optional | Presence::RequiredNullable => quote! { self.body.#member = Some(true); },
            }
        })
        .unwrap_or_default();
    let doc = format!(" Sends the request with streaming on and yields each server-sent event as `{}`.", event_ty.to_string().replace(' ', "").replace("super::types::", ""));
    quote! {
        #[doc = #doc]
        ///
        /// `data: [DONE]` ends the stream and keep-alive comments are skipped; an event that does
        /// not decode is an error item (the stream goes on). Dropping the stream cancels the request.
        #[inline]
        pub async fn send_stream(mut self) -> Result<crate::runtime::EventStream<#event_ty, #error_ty>, crate::runtime::Error<#error_ty>> {
            #flag
            let (client, parts) = self.into_parts()?;
            crate::runtime::open_stream(&client.http, parts).await
        }

        /// The longest wait for the next event of a stream (default: the whole-request timeout).
        pub fn idle_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.idle_timeout = Some(timeout);
            self
        }
    }
}
