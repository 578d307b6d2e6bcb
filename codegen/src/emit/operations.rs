//! Operations → one module per tag: an accessor with one method per operation, a request builder
//! per operation (required parameters are arguments, optional ones are setters, then `send()`),
//! and a typed error-body enum where the spec declares typed error bodies.

use super::docs::doc_attrs;
use super::struct_fields::struct_fields;
use super::type_refs::type_ref_in;
use crate::idents::ident;
use crate::ir::{Api, AuthScheme, BodyMedia, Field, Operation, ParamLocation, Presence, Prim, ResponseContent, Tag, TypeKind, TypeRef};
use crate::resolve::Namer;
use proc_macro2::TokenStream;
use quote::{format_ident, quote};
use foldhash::HashMap;

/// Names a builder already uses for its own controls.
const CONTROL_SETTERS: [&str; 5] = ["send", "timeout", "retry", "header", "body"];

/// `types` is every type of `api` by name, built once per API: a map per tag cost a twentieth of
/// regeneration.
pub fn tag_module(api: &Api, tag: &Tag, operations: &[&Operation], types: &HashMap<&str, &TypeKind>) -> Result<TokenStream, String> {
    let accessor = ident(&tag.type_name);
    let module_doc = format!(" Operations tagged `{}`.", tag.wire);
    let mut methods = Vec::new();
    let mut items = Vec::new();
    for op in operations {
        let (method, builder) = operation(&api.name, op, types)?;
        methods.push(method);
        items.push(builder);
        if let Some(error) = error_enum(op) {
            items.push(error);
        }
    }
    Ok(quote! {
        #![doc = #module_doc]
        #![allow(deprecated)]

        #[doc = #module_doc]
        #[derive(Debug, Clone, Copy)]
        pub struct #accessor<'a> {
            pub(crate) client: &'a super::Client,
        }

        impl #accessor<'_> {
            #(#methods)*
        }

        #(#items)*
    })
}

fn types_path() -> TokenStream {
    quote! { super::types:: }
}

/// The required fields of a body built field by field (their values are arguments of the
/// operation's method), or `None` when the body is passed whole.
pub fn fieldwise_body_arguments<'a>(api: &'a Api, op: &Operation) -> Option<Vec<&'a Field>> {
    let types: HashMap<&str, &TypeKind> = api.types.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let fields = fieldwise_fields(op, &types)?;
    Some(fields.iter().filter(|f| f.presence == Presence::Required).collect())
}

/// Most arguments a method takes before the body is passed whole instead (readable call sites).
const MAX_ARGUMENTS: usize = 6;

/// A JSON object body is built field by field: required fields are arguments, the rest setters.
fn fieldwise_fields<'t>(op: &Operation, types: &HashMap<&str, &'t TypeKind>) -> Option<&'t [Field]> {
    let body = op.body.as_ref()?;
    if body.media != BodyMedia::Json {
        return None;
    }
    let fields = struct_fields(&body.ty, types).filter(|fields| !fields.is_empty())?;
    let arguments = op.params.iter().filter(|p| p.required).count() + fields.iter().filter(|f| f.presence == Presence::Required).count();
    (arguments <= MAX_ARGUMENTS).then_some(fields)
}

fn operation(api_name: &str, op: &Operation, types: &HashMap<&str, &TypeKind>) -> Result<(TokenStream, TokenStream), String> {
    let tp = types_path();
    let builder = ident(&op.builder);
    let method = ident(&op.method);
    let op_id = &op.id;
    let mut setter_names = Namer::default();
    for name in CONTROL_SETTERS {
        setter_names.reserve(name);
    }

    // Required parameters and a required non-patch body are arguments of the accessor method.
    let mut args = Vec::new();
    let mut inits = Vec::new();
    let mut fields = Vec::new();
    let mut setters = Vec::new();
    for param in &op.params {
        let name = ident(&param.rust);
        let ty = type_ref_in(&param.ty, &tp);
        setter_names.reserve(param.rust.trim_start_matches("r#"));
        if param.required {
            let (arg_ty, convert) = into_arg(&param.ty, &ty);
            args.push(quote! { #name: #arg_ty });
            if convert.is_empty() {
                inits.push(quote! { #name, });
            } else {
                inits.push(quote! { #name: #name #convert, });
            }
            fields.push(quote! { #name: #ty, });
        } else {
            let location = match param.location {
                crate::ir::ParamLocation::Path => "path",
                crate::ir::ParamLocation::Query => "query",
                crate::ir::ParamLocation::Header => "header",
            };
            let role = format!("Sets the `{}` {location} parameter.", param.wire);
            let doc = doc_attrs(Some(&with_role(&role, param.doc.as_deref())));
            inits.push(quote! { #name: None, });
            fields.push(quote! { #name: Option<#ty>, });
            let (arg_ty, convert) = into_arg(&param.ty, &ty);
            setters.push(quote! {
                #doc
                pub fn #name(mut self, value: #arg_ty) -> Self {
                    self.#name = Some(value #convert);
                    self
                }
            });
        }
    }
    let patch = fieldwise_fields(op, types);
    let mut arg_names = Namer::default();
    for param in &op.params {
        arg_names.reserve(&param.rust);
    }
    if let Some(body) = &op.body {
        let ty = type_ref_in(&body.ty, &tp);
        fields.push(quote! { body: #ty, });
        match patch {
            Some(body_fields) => {
                let mut defaults = Vec::new();
                for f in body_fields {
                    let name = ident(&f.rust);
                    defaults.push(match f.presence {
                        Presence::TriState => quote! { #name: crate::runtime::Patch::Absent, },
                        Presence::Required => {
                            let arg = ident(&arg_names.take_with(&f.rust, "_"));
                            let field_ty = type_ref_in(&f.ty, &tp);
                            let (arg_ty, convert) = into_arg(&f.ty, &field_ty);
                            args.push(quote! { #arg: #arg_ty });
                            if !f.boxed && convert.is_empty() && arg == name {
                                quote! { #name, }
                            } else {
                                let value = if f.boxed { quote! { Box::new(#arg #convert) } } else { quote! { #arg #convert } };
                                quote! { #name: #value, }
                            }
                        }
                        _ => quote! { #name: None, },
                    });
                }
                let TypeRef::Named(struct_name) = &body.ty else { return Err(format!("{}: patch body is not a named type", op.id)) };
                let struct_path = {
                    let name = ident(struct_name);
                    quote! { #tp #name }
                };
                // `struct_fields` only finds structs without declared additional properties.
                let rest = ident(crate::ir::UNDECLARED_FIELD);
                inits.push(quote! { body: #struct_path { #(#defaults)* #rest: Default::default(), }, });
                for f in body_fields.iter().filter(|f| f.presence != Presence::Required) {
                    setters.push(body_field_setter(f, &mut setter_names, &tp));
                }
                setters.push(quote! {
                    /// Replaces the whole request body.
                    pub fn body(mut self, body: #ty) -> Self {
                        self.body = body;
                        self
                    }
                });
            }
            None => {
                args.push(quote! { body: #ty });
                inits.push(quote! { body, });
            }
        }
    }

    let (success_ty, success_decode) = success(op, &tp);
    let error_ty = match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote! { #name }
        }
        None => quote! { serde_json::Value },
    };
    let (path_segments, path_expr) = path_expression(op)?;
    let query = op.params.iter().filter(|p| p.location == ParamLocation::Query).map(|p| {
        let name = ident(&p.rust);
        let wire = &p.wire;
        let explode = p.explode;
        quote! { crate::runtime::push_query(&mut query, #wire, #explode, &self.#name); }
    });
    let headers = op.params.iter().filter(|p| p.location == ParamLocation::Header).map(|p| {
        let name = ident(&p.rust);
        let wire = &p.wire;
        quote! { if let Some(value) = crate::runtime::header_value(&self.#name) { headers.push((#wire, value)); } }
    });
    let body_expr = body_payload(op, types)?;
    let http_method = format_ident!("{}", op.http_method);
    let authenticated = op.auth != AuthScheme::None;

    let mut doc_text = String::new();
    if let Some(summary) = &op.summary {
        doc_text.push_str(summary.trim());
        doc_text.push_str("\n\n");
    }
    if let Some(description) = &op.description {
        if op.summary.as_deref().map(str::trim) != Some(description.trim()) {
            doc_text.push_str(description.trim());
            doc_text.push_str("\n\n");
        }
    }
    doc_text.push_str(&format!("`{} {}` (operation `{}`)", op.http_method, op.path, op.id));
    let docs = doc_attrs(Some(&doc_text));
    let deprecated = if op.deprecated {
        let note = super::docs::deprecation_note(
            &format!("`{}::{}().{}()` (`{} {}`)", api_name, op.tag.module, op.method, op.http_method, op.path),
            op.description.as_deref(),
        );
        quote! { #[deprecated(note = #note)] }
    } else {
        TokenStream::new()
    };
    let builder_doc = format!(" Request builder for `{}` (`{} {}`); finish with [`{}::send`].", op.id, op.http_method, op.path, op.builder);

    let method_tokens = quote! {
        #docs
        #deprecated
        pub fn #method(&self, #(#args),*) -> #builder {
            #builder { client: self.client.clone(), #(#inits)* options: crate::runtime::CallOptions::default() }
        }
    };
    let query_decl = if op.params.iter().any(|p| p.location == ParamLocation::Query) {
        quote! { let mut query = Vec::new(); }
    } else {
        quote! { let query = Vec::new(); }
    };
    let header_decl = if op.params.iter().any(|p| p.location == ParamLocation::Header) {
        quote! { let mut headers = Vec::new(); }
    } else {
        quote! { let headers = Vec::new(); }
    };
    let mut extra_methods = super::streaming::stream_methods(op, types, &tp, &error_ty);
    extra_methods.extend(super::pagination::paginate_method(op, types, &tp, &error_ty));
    let builder_tokens = quote! {
        #[doc = #builder_doc]
        #[derive(Debug, Clone)]
        #[must_use = "a request does nothing until it is awaited (or `.send().await`ed)"]
        pub struct #builder {
            client: super::Client,
            #(#fields)*
            options: crate::runtime::CallOptions,
        }

        impl #builder {
            #(#setters)*

            crate::runtime::call_controls!();

            /// Sends the request and decodes the response.
            // `#[inline]` on everything that decodes or encodes: the code for an operation is
            // then compiled in the program that calls it, not for every operation in this crate
            // (see "Compile cost" in the README).
            #[inline]
            pub async fn send(self) -> Result<crate::runtime::Response<#success_ty>, crate::runtime::Error<#error_ty>> {
                let (client, parts) = self.into_parts()?;
                let raw = client.http.execute(parts).await?;
                #success_decode
            }

            #extra_methods

            #[doc(hidden)]
            #[inline]
            fn into_parts(self) -> Result<(super::Client, crate::runtime::RequestParts), crate::runtime::Error<#error_ty>> {
                #query_decl
                #(#query)*
                #header_decl
                #(#headers)*
                let body = #body_expr;
                #path_segments
                let parts = crate::runtime::RequestParts {
                    operation: #op_id,
                    method: crate::runtime::Method::#http_method,
                    path: #path_expr,
                    query,
                    headers,
                    body,
                    authenticated: #authenticated,
                    options: self.options,
                };
                Ok((self.client, parts))
            }
        }

        crate::runtime::send_on_await!(#builder, #success_ty, #error_ty);
    };
    Ok((method_tokens, builder_tokens))
}

/// Argument type and conversion for a value: `impl Into<T>`, except lists, which stay `Vec<T>`
/// so that `vec![a.into(), b.into()]` infers its item type.
pub(super) fn into_arg(ty: &TypeRef, tokens: &TokenStream) -> (TokenStream, TokenStream) {
    match ty {
        TypeRef::List(_) => (tokens.clone(), TokenStream::new()),
        _ => (quote! { impl Into<#tokens> }, quote! { .into() }),
    }
}

fn body_field_setter(field: &Field, names: &mut Namer, tp: &TokenStream) -> TokenStream {
    let member = ident(&field.rust);
    let setter = ident(&names.take_with(field.rust.trim_start_matches("r#"), "_body"));
    let setter = if is_keyword(&setter.to_string()) { ident(&format!("r#{setter}")) } else { setter };
    let ty = type_ref_in(&field.ty, tp);
    let role = format!("Sets `{}` in the request body.", field.wire);
    let doc = doc_attrs(Some(&with_role(&role, field.doc.as_deref())));
    let wrap = |value: TokenStream| if field.boxed { quote! { Box::new(#value) } } else { value };
    match field.presence {
        Presence::TriState => {
            let doc_line = format!(" Sets `{}`: a value sets it, `None` sends `null` (clears it); not calling this leaves it unchanged.", field.wire);
            let value = if field.boxed { quote! { value.into().map(Box::new) } } else { quote! { value.into() } };
            quote! {
                #doc
                #[doc = ""]
                #[doc = #doc_line]
                pub fn #setter(mut self, value: impl Into<crate::runtime::Patch<#ty>>) -> Self {
                    self.body.#member = #value;
                    self
                }
            }
        }
        Presence::RequiredNullable => {
            let value = if field.boxed { quote! { value.into().map(Box::new) } } else { quote! { value.into() } };
            quote! {
                #doc
                pub fn #setter(mut self, value: impl Into<Option<#ty>>) -> Self {
                    self.body.#member = #value;
                    self
                }
            }
        }
        _ => {
            let (arg_ty, convert) = into_arg(&field.ty, &ty);
            let value = wrap(quote! { value #convert });
            quote! {
                #doc
                pub fn #setter(mut self, value: #arg_ty) -> Self {
                    self.body.#member = Some(#value);
                    self
                }
            }
        }
    }
}

fn is_keyword(name: &str) -> bool {
    crate::resolve::snake(name).starts_with("r#")
}

/// The request path: each path parameter checked and encoded into a local of its own first
/// (`let path_0 = …?;`), then one `format!` that names them inline. Arguments written into the
/// `format!` itself would be printed as the raw tokens of a macro call, unformatted.
fn path_expression(op: &Operation) -> Result<(TokenStream, TokenStream), String> {
    let mut template = String::new();
    let mut segments = Vec::new();
    let mut rest = op.path.as_str();
    while let Some(start) = rest.find('{') {
        let Some(end) = rest[start..].find('}') else { break };
        template.push_str(&rest[..start].replace('{', "{{").replace('}', "}}"));
        let wire = &rest[start + 1..start + end];
        if let Some(param) = op.params.iter().find(|p| p.location == ParamLocation::Path && p.wire == wire) {
            let name = ident(&param.rust);
            let op_id = &op.id;
            let local = format_ident!("path_{}", segments.len());
            template.push_str(&format!("{{{local}}}"));
            segments.push(quote! { let #local = crate::runtime::path_segment(#op_id, #wire, &self.#name)?; });
        } else {
            // The resolver skips such operations with a warning; reaching here means it let one
            // through, and a guessed URL would be a silent wrong request.
            return Err(format!("{}: path {:?} has the placeholder {{{wire}}} but no path parameter named {wire:?}", op.id, op.path));
        }
        rest = &rest[start + end + 1..];
    }
    template.push_str(&rest.replace('{', "{{").replace('}', "}}"));
    let expression = if segments.is_empty() { quote! { #template.to_string() } } else { quote! { format!(#template) } };
    Ok((quote! { #(#segments)* }, expression))
}

fn body_payload(op: &Operation, types: &HashMap<&str, &TypeKind>) -> Result<TokenStream, String> {
    let op_id = &op.id;
    let Some(body) = &op.body else { return Ok(quote! { crate::runtime::Payload::None }) };
    match body.media {
        BodyMedia::Json => Ok(quote! {
            crate::runtime::json_body(#op_id, &self.body).map_err(|message| crate::runtime::Error::Request { operation: #op_id, message })?
        }),
        BodyMedia::Multipart => {
            let fields = struct_fields(&body.ty, types).ok_or_else(|| format!("{}: a multipart body must be an object with properties", op.id))?;
            let pushes = fields.iter().map(|f| {
                let member = ident(&f.rust);
                let wire = &f.wire;
                let binary = f.ty == TypeRef::Prim(Prim::Binary);
                match (binary, f.presence) {
                    (true, Presence::Required) => quote! { crate::runtime::push_file(&mut parts, #wire, &self.body.#member); },
                    (true, Presence::TriState) => quote! {
                        if let Some(file) = self.body.#member.value() { crate::runtime::push_file(&mut parts, #wire, file); }
                    },
                    (true, _) => quote! {
                        if let Some(file) = &self.body.#member { crate::runtime::push_file(&mut parts, #wire, file); }
                    },
                    (false, _) => quote! { crate::runtime::push_part(&mut parts, #wire, &self.body.#member); },
                }
            });
            Ok(quote! {{
                let mut parts = Vec::new();
                #(#pushes)*
                crate::runtime::Payload::Multipart(parts)
            }})
        }
        BodyMedia::Binary => Err(format!("{}: raw binary request bodies are not supported yet", op.id)),
    }
}

/// The success type and how to decode it; the first 2xx response the spec declares decides.
fn success(op: &Operation, tp: &TokenStream) -> (TokenStream, TokenStream) {
    let op_id = &op.id;
    let error_ty = match &op.error_type {
        Some(name) => {
            let name = ident(name);
            quote! { #name }
        }
        None => quote! { serde_json::Value },
    };
    let content = op.responses.iter().find(|r| (200..300).contains(&r.status)).map(|r| &r.content).unwrap_or(&ResponseContent::Empty);
    match content {
        ResponseContent::Json(ty) => {
            let ty = type_ref_in(ty, tp);
            (ty.clone(), quote! { crate::runtime::finish::<crate::runtime::Json<#ty>, #error_ty>(#op_id, raw).await.map(crate::runtime::unwrap_json) })
        }
        ResponseContent::Empty => (quote! { () }, quote! { crate::runtime::finish::<(), #error_ty>(#op_id, raw).await }),
        ResponseContent::Binary => (quote! { crate::runtime::Bytes }, quote! { crate::runtime::finish::<crate::runtime::Bytes, #error_ty>(#op_id, raw).await }),
        ResponseContent::Text => (quote! { String }, quote! { crate::runtime::finish::<String, #error_ty>(#op_id, raw).await }),
    }
}

/// `enum XError { BadRequest(BadRequestResponse), … }` with the status dispatch.
fn error_enum(op: &Operation) -> Option<TokenStream> {
    let name = ident(op.error_type.as_ref()?);
    let tp = types_path();
    let mut errors: Vec<_> = op.responses.iter().filter(|r| !(200..300).contains(&r.status)).collect();
    // Exact codes before ranges before `default`.
    errors.sort_by_key(|r| (r.status == 0, r.range, r.status));
    let mut variants = Vec::new();
    let mut arms = Vec::new();
    let mut default_decode = None;
    for response in errors {
        let ResponseContent::Json(ty) = &response.content else { continue };
        let variant = ident(&response.variant);
        let ty = type_ref_in(ty, &tp);
        let doc = if response.status == 0 { " Any other status.".to_string() } else if response.range { format!(" Status {}xx.", response.status / 100) } else { format!(" Status {}.", response.status) };
        variants.push(quote! { #[doc = #doc] #variant(#ty), });
        let pattern = if response.status == 0 {
            quote! { _ }
        } else if response.range {
            let low = response.status;
            let high = response.status + 99;
            quote! { #low..=#high }
        } else {
            let code = response.status;
            quote! { #code }
        };
        let decode = quote! { serde_json::from_slice(body).ok().map(#name::#variant) };
        if response.status == 0 {
            default_decode = Some(decode.clone());
        }
        arms.push(quote! { #pattern => #decode, });
    }
    let has_default = op.responses.iter().any(|r| r.status == 0 && matches!(r.content, ResponseContent::Json(_)));
    let fallback = if has_default { TokenStream::new() } else { quote! { _ => None, } };
    // A `default` alone would be a match with one wildcard arm (`clippy::match_single_binding`).
    let dispatch = match (&default_decode, arms.len()) {
        (Some(decode), 1) => quote! { let _ = status; #decode },
        _ => quote! { match status { #(#arms)* #fallback } },
    };
    let doc = format!(" The error bodies `{}` declares, by status.", op.id);
    // Like every generated enum: a status the spec adds later is a new variant, which must not
    // break a `match` written today.
    Some(quote! {
        #[doc = #doc]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum #name { #(#variants)* }

        impl crate::runtime::ErrorBody for #name {
            #[inline]
            fn decode(status: u16, body: &[u8]) -> Option<Self> {
                #dispatch
            }
        }
    })
}

/// A setter's doc: the spec's description of what it sets, else `role` (what it sets and where).
fn with_role(role: &str, doc: Option<&str>) -> String {
    match doc.map(str::trim).filter(|doc| !doc.is_empty()) {
        Some(doc) => doc.to_string(),
        None => role.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn operation(path: &str) -> Operation {
        Operation {
            id: "getThing".into(),
            tag: Tag { wire: "things".into(), module: "things".into(), type_name: "Things".into() },
            method: "get".into(),
            builder: "GetThing".into(),
            http_method: "GET".into(),
            path: path.into(),
            summary: None,
            description: None,
            deprecated: false,
            params: Vec::new(),
            body: None,
            responses: Vec::new(),
            auth: AuthScheme::None,
            error_type: None,
        }
    }

    #[test]
    fn a_placeholder_without_its_parameter_is_an_error_not_a_guessed_url() {
        let error = path_expression(&operation("/things/{id}")).unwrap_err();
        assert_eq!(error, r#"getThing: path "/things/{id}" has the placeholder {id} but no path parameter named "id""#);
        let (segments, expression) = path_expression(&operation("/things")).unwrap();
        assert!(segments.is_empty());
        assert_eq!(expression.to_string(), r#""/things" . to_string ()"#);
    }
}
