//! Operations: names per tag, parameters, bodies and responses. The inline schemas they use get
//! named types after the operation: `{Operation}Request`, `{Operation}Response`, `{Operation}{Parameter}`.

use super::names::Namer;
use super::Resolver;
use crate::error::{child, SpecError};
use crate::ir::{AuthScheme, Body, BodyMedia, Operation, Param, ParamLocation, Response, ResponseContent, Tag, TypeKind, TypeRef};
use openapiv3::{Parameter, ReferenceOr, SecurityRequirement, StatusCode};
use foldhash::HashMap;

impl<'a> Resolver<'a> {
    pub(crate) fn resolve_operations(&mut self) -> Result<Vec<Operation>, SpecError> {
        let document = self.document;
        let mut operations = Vec::new();
        let mut builders = Namer::default();
        // A builder named like its module's accessor (tag `chat`, operation `chat`) would be
        // defined twice in that module.
        for item in document.paths.paths.values() {
            let ReferenceOr::Item(item) = item else { continue };
            for (_, operation) in item.iter() {
                builders.reserve(&tag_of(operation.tags.first().map(String::as_str).unwrap_or("default")).type_name);
            }
        }
        let mut methods: HashMap<String, Namer> = HashMap::default();
        for (path, item) in &document.paths.paths {
            // The loader inlines path-item references; one left here costs its path only.
            let ReferenceOr::Item(item) = item else {
                self.warn(&child("/paths", path), "path skipped: path item references are not supported here");
                continue;
            };
            for (method, operation) in item.iter() {
                let at = child(&child("/paths", path), method);
                let id = operation_label(operation.operation_id.as_deref(), method, path);
                if let Some(variable) = unbound_path_variable(path, operation, item) {
                    self.warn(&at, format!("operation skipped: path variable {{{variable}}} has no path parameter, so its value could not be sent"));
                    continue;
                }
                // The builder's name is unique, and its inline types and error enum are named
                // after it, so operations sharing an operationId share no names.
                let op_name = builders.take(&super::type_name(&id));
                self.op_roots.insert(at.clone(), op_name.clone());
                let tag = tag_of(operation.tags.first().map(String::as_str).unwrap_or("default"));
                let short = accessor_method_name(short_method_name(operation, &id));
                let method_name = methods.entry(tag.module.clone()).or_default().take_with(&short, "_");
                // One operation the generator cannot express is skipped, not the whole spec.
                let mut resolve_parts = || -> Result<_, SpecError> {
                    let mut params = Vec::new();
                    let mut param_names = Namer::default();
                    param_names.reserve("body");
                    let path_at = child("/paths", path);
                    let located = operation.parameters.iter().enumerate().map(|(i, p)| (format!("{at}/parameters/{i}"), p));
                    let inherited = item.parameters.iter().enumerate().map(|(i, p)| (format!("{path_at}/parameters/{i}"), p));
                    for (param_at, parameter) in located.chain(inherited) {
                        let parameter = match parameter {
                            ReferenceOr::Item(parameter) => parameter,
                            ReferenceOr::Reference { reference } => self.parameter_ref(reference, &param_at)?,
                        };
                        params.push(self.parameter(parameter, &op_name, &mut param_names, &param_at)?);
                    }
                    let body = self.request_body(operation, &op_name, &at)?;
                    let responses = self.responses(operation, &op_name, &at)?;
                    let error_type = self.error_type(&responses, &op_name);
                    let auth = self.auth(operation.security.as_ref().or(document.security.as_ref()), &at)?;
                    Ok((params, body, responses, error_type, auth))
                };
                let (params, body, responses, error_type, auth) = match resolve_parts() {
                    Ok(parts) => parts,
                    Err(e) => {
                        self.warn(&e.pointer, format!("operation `{id}` skipped: {}", e.message));
                        continue;
                    }
                };
                operations.push(Operation {
                    builder: op_name.clone(),
                    id,
                    tag,
                    method: method_name,
                    http_method: method.to_uppercase(),
                    path: path.clone(),
                    summary: operation.summary.clone(),
                    description: operation.description.clone(),
                    deprecated: operation.deprecated,
                    params,
                    body,
                    responses,
                    auth,
                    error_type,
                });
            }
        }
        merge_tags_by_module(&mut operations);
        Ok(operations)
    }

    fn parameter_ref(&self, reference: &str, at: &str) -> Result<&'a Parameter, SpecError> {
        let name = reference.strip_prefix("#/components/parameters/");
        let found = name.and_then(|n| self.document.components.as_ref()?.parameters.get(n));
        match found {
            Some(ReferenceOr::Item(parameter)) => Ok(parameter),
            _ => Err(self.err(at, format!("unsupported parameter reference {reference:?}"))),
        }
    }

    fn parameter(&mut self, parameter: &'a Parameter, op_name: &str, names: &mut Namer, at: &str) -> Result<Param, SpecError> {
        let (location, explode_default) = match parameter {
            Parameter::Path { .. } => (ParamLocation::Path, false),
            Parameter::Query { .. } => (ParamLocation::Query, true),
            Parameter::Header { .. } => (ParamLocation::Header, false),
            Parameter::Cookie { .. } => return Err(self.err(at, "cookie parameters are not supported")),
        };
        let explode = match parameter {
            Parameter::Query { style: openapiv3::QueryStyle::Form, .. } => parameter.parameter_data_ref().explode.unwrap_or(explode_default),
            Parameter::Query { .. } => false,
            _ => parameter.parameter_data_ref().explode.unwrap_or(explode_default),
        };
        let data = parameter.parameter_data_ref();
        let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format else {
            return Err(self.err(at, "parameters with `content` instead of `schema` are not supported"));
        };
        let mut shape = self.shape(schema.into(), &format!("{op_name}{}", super::pascal(&data.name)), &child(at, "schema"))?;
        // OpenRouter marks string parameters that carry booleans.
        if data.extensions.get("x-openrouter-type").and_then(|v| v.as_str()) == Some("boolean") {
            shape.ty = TypeRef::Prim(crate::ir::Prim::Bool);
        }
        let schema_doc = match schema {
            ReferenceOr::Item(schema) => schema.schema_data.description.clone(),
            ReferenceOr::Reference { .. } => None,
        };
        Ok(Param {
            wire: data.name.clone(),
            rust: names.take_with(&parameter_name(&data.name), "_"),
            location,
            ty: shape.ty,
            required: data.required || location == ParamLocation::Path,
            explode,
            doc: data.description.clone().or(schema_doc),
            deprecated: data.deprecated.unwrap_or(false) || shape.deprecated,
        })
    }

    fn request_body(&mut self, operation: &'a openapiv3::Operation, op_name: &str, at: &str) -> Result<Option<Body>, SpecError> {
        let Some(body) = &operation.request_body else { return Ok(None) };
        let ReferenceOr::Item(body) = body else {
            return Err(self.err(&child(at, "requestBody"), "request body references are not supported"));
        };
        // JSON first: where a body may be JSON or multipart, JSON is the richer typed form.
        let mut chosen = None;
        for (media, content) in &body.content {
            let kind = media_kind(media);
            let body_at = child(&child(&child(at, "requestBody"), "content"), media);
            let ty = match &content.schema {
                Some(schema) => self.shape(schema.into(), &format!("{op_name}Request"), &child(&body_at, "schema"))?.ty,
                None => TypeRef::Any,
            };
            let media = match kind {
                MediaKind::Json => BodyMedia::Json,
                MediaKind::Multipart => BodyMedia::Multipart,
                MediaKind::EventStream | MediaKind::Text | MediaKind::Binary => BodyMedia::Binary,
            };
            let rank = match media { BodyMedia::Json => 0, BodyMedia::Multipart => 1, BodyMedia::Binary => 2 };
            if chosen.as_ref().is_none_or(|(r, _, _)| rank < *r) {
                chosen = Some((rank, Body { media, ty, required: body.required }, body_at));
            }
        }
        // Emit has no raw-bytes body yet: refused here, where the operation is skipped with a
        // located warning, rather than failing the whole API in emit.
        if let Some((_, Body { media: BodyMedia::Binary, .. }, body_at)) = &chosen {
            return Err(self.err(body_at, "raw binary and text request bodies are not supported yet"));
        }
        Ok(chosen.map(|(_, body, _)| body))
    }

    fn responses(&mut self, operation: &'a openapiv3::Operation, op_name: &str, at: &str) -> Result<Vec<Response>, SpecError> {
        let mut out = Vec::new();
        let mut variants = Namer::default();
        let entries = operation.responses.responses.iter().map(|(s, r)| (Some(s), r)).chain(operation.responses.default.iter().map(|r| (None, r)));
        for (status, response) in entries {
            let (code, range, label) = match status {
                Some(StatusCode::Code(code)) => (*code, false, code.to_string()),
                Some(StatusCode::Range(range)) => (*range * 100, true, format!("{range}XX")),
                None => (0, false, "default".to_string()),
            };
            let mut response_at = child(&child(at, "responses"), &label);
            let mut response = response;
            // A shared response (`#/components/responses/X`) is one place, so its inline schemas
            // are one type for every operation that uses it.
            for _ in 0..8 {
                let ReferenceOr::Reference { reference } = response else { break };
                let name = reference.strip_prefix("#/components/responses/");
                let found = name.and_then(|n| Some((n, self.document.components.as_ref()?.responses.get(n)?)));
                let Some((name, target)) = found else {
                    return Err(self.err(&child(&response_at, "$ref"), format!("unsupported response reference {reference:?}")));
                };
                response_at = child("/components/responses", name);
                response = target;
            }
            let ReferenceOr::Item(response) = response else {
                return Err(self.err(&response_at, "response references nest too deep"));
            };
            let success = (200..300).contains(&code);
            let hint = if success { format!("{op_name}Response") } else { format!("{op_name}{}Response", super::pascal(&label)) };
            let mut content = ResponseContent::Empty;
            let mut stream = None;
            for (media, object) in &response.content {
                let media_at = child(&child(&response_at, "content"), media);
                let kind = media_kind(media);
                let ty = match &object.schema {
                    Some(schema) => Some(self.shape(schema.into(), &hint, &child(&media_at, "schema"))?.ty),
                    None => None,
                };
                match kind {
                    MediaKind::Json => content = ResponseContent::Json(ty.unwrap_or(TypeRef::Any)),
                    MediaKind::EventStream => stream = ty.and_then(|ty| self.stream_event(&ty)),
                    MediaKind::Text if content == ResponseContent::Empty => content = ResponseContent::Text,
                    MediaKind::Binary | MediaKind::Multipart if content == ResponseContent::Empty => content = ResponseContent::Binary,
                    _ => {}
                }
            }
            let variant = variants.take(&status_variant(code, range, status.is_none()));
            out.push(Response { status: code, range, content, stream, variant });
        }
        Ok(out)
    }

    /// An SSE response schema describes the frame (`{data, event?}`); the payload is `data`.
    /// A plain string schema is the specs' way of saying "never streams".
    fn stream_event(&self, frame: &TypeRef) -> Option<TypeRef> {
        match self.kind_behind(frame)? {
            TypeKind::Struct { fields, .. } => fields.iter().find(|f| f.wire == "data").map(|f| f.ty.clone()),
            _ => None,
        }
    }

    /// Errors need an enum when any error status carries a typed (non-free-form) body.
    fn error_type(&self, responses: &[Response], op_name: &str) -> Option<String> {
        let typed = responses.iter().filter(|r| !(200..300).contains(&r.status)).any(|r| match &r.content {
            ResponseContent::Json(ty) => *ty != TypeRef::Any,
            _ => false,
        });
        typed.then(|| format!("{op_name}Error"))
    }

    fn auth(&mut self, security: Option<&Vec<SecurityRequirement>>, at: &str) -> Result<AuthScheme, SpecError> {
        let Some(requirements) = security else { return Ok(AuthScheme::None) };
        if requirements.is_empty() || requirements.iter().any(|r| r.is_empty()) {
            return Ok(AuthScheme::None);
        }
        let schemes = self.document.components.as_ref().map(|c| &c.security_schemes);
        for requirement in requirements {
            for name in requirement.keys() {
                let scheme = schemes.and_then(|s| s.get(name));
                match scheme {
                    Some(ReferenceOr::Item(openapiv3::SecurityScheme::HTTP { scheme, .. })) => match scheme.to_ascii_lowercase().as_str() {
                        "bearer" => return Ok(AuthScheme::Bearer),
                        "basic" => return Ok(AuthScheme::Basic),
                        _ => {}
                    },
                    None => {
                        self.warn(&child(at, "security"), format!("security scheme {name:?} is not defined; the operation is sent without authentication"));
                        return Ok(AuthScheme::None);
                    }
                    _ => {}
                }
            }
        }
        Err(self.err(&child(at, "security"), "no supported security scheme (http bearer or basic) among the requirements"))
    }
}

enum MediaKind {
    Json,
    Multipart,
    EventStream,
    Text,
    Binary,
}

fn media_kind(media: &str) -> MediaKind {
    let media = media.to_ascii_lowercase();
    if media == "application/json" || media.ends_with("+json") {
        MediaKind::Json
    } else if media.starts_with("multipart/") {
        MediaKind::Multipart
    } else if media == "text/event-stream" {
        MediaKind::EventStream
    } else if media.starts_with("text/") || media.ends_with("+xml") || media.ends_with("/xml") {
        MediaKind::Text
    } else {
        MediaKind::Binary
    }
}

/// Variant names for statuses: the reason phrase when there is one.
fn status_variant(code: u16, range: bool, default: bool) -> String {
    if default {
        return "Default".into();
    }
    if range {
        return format!("Status{}xx", code / 100);
    }
    let phrase = match code {
        200 => "Ok", 201 => "Created", 202 => "Accepted", 204 => "NoContent", 207 => "MultiStatus",
        400 => "BadRequest", 401 => "Unauthorized", 402 => "PaymentRequired", 403 => "Forbidden",
        404 => "NotFound", 405 => "MethodNotAllowed", 408 => "RequestTimeout", 409 => "Conflict",
        410 => "Gone", 413 => "PayloadTooLarge", 422 => "UnprocessableEntity", 429 => "TooManyRequests",
        500 => "InternalServerError", 502 => "BadGateway", 503 => "ServiceUnavailable", 504 => "GatewayTimeout",
        _ => return format!("Status{code}"),
    };
    phrase.into()
}

/// The tag, sanitised for a module and a type name (`API Keys` → `api_keys`, `ApiKeys`).
fn tag_of(wire: &str) -> Tag {
    let cleaned = wire.replace('.', " ");
    let mut module = super::snake(&cleaned).trim_start_matches("r#").to_string();
    // `types` and `client` are the API module's own children, `lib` its root file and
    // `extensions` its hand-written module; a `mod.rs` beside `lib.rs` reads as a directory module.
    // `all`, `default` and `full_serde` would name the crate's own cargo features. `runtime`
    // is the crate root's re-export of the runtime, and a root module named after an extern crate
    // the emitted code names (`std`, `core`, `serde`, `serde_json`) would shadow it there.
    if matches!(
        module.as_str(),
        "types" | "client" | "lib" | "extensions" | "mod" | "all" | "default" | "full_serde" | "runtime" | "std" | "core" | "alloc" | "serde" | "serde_json"
    ) {
        module.push_str("_operations");
    }
    Tag { wire: wire.to_string(), module, type_name: super::type_name(&cleaned) }
}

/// Names a request builder already uses for its fields and controls; a parameter named like one
/// gets `_param` (`body` keeps its older numbering: `body_2`).
const BUILDER_NAMES: [&str; 14] = [
    "client", "options", "timeout", "retry", "header", "headers_timeout", "idle_timeout", "max_body_bytes", "send",
    "send_stream", "send_paginated", "into_parts", "into_future", "clone",
];

fn parameter_name(wire: &str) -> String {
    let name = super::snake(wire);
    if BUILDER_NAMES.contains(&name.as_str()) {
        format!("{name}_param")
    } else {
        name
    }
}

/// Tags that differ only in case or punctuation (`Things`, `things`) would be one module twice:
/// their operations share the module of the tag that sorts first, whatever the spec's order.
fn merge_tags_by_module(operations: &mut [Operation]) {
    let mut first: HashMap<String, Tag> = HashMap::default();
    for op in operations.iter() {
        let entry = first.entry(op.tag.module.clone()).or_insert_with(|| op.tag.clone());
        if op.tag.wire < entry.wire {
            *entry = op.tag.clone();
        }
    }
    for op in operations.iter_mut() {
        op.tag = first[&op.tag.module].clone();
    }
}

/// A `{variable}` of the path template that no path parameter fills.
fn unbound_path_variable(path: &str, operation: &openapiv3::Operation, item: &openapiv3::PathItem) -> Option<String> {
    let bound = |name: &str| {
        operation.parameters.iter().chain(&item.parameters).any(|p| match p {
            ReferenceOr::Item(Parameter::Path { parameter_data, .. }) => parameter_data.name == name,
            // A referenced parameter is checked when it is resolved.
            ReferenceOr::Reference { .. } => true,
            _ => false,
        })
    };
    let mut rest = path;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        let close = after.find('}')?;
        let name = &after[..close];
        if !bound(name) {
            return Some(name.to_string());
        }
        rest = &after[close + 1..];
    }
    None
}

/// The short name users know from the official SDKs: `x-speakeasy-name-override`, else the part
/// of a `group_method` operationId after the last `_`, else the whole id.
fn short_method_name(operation: &openapiv3::Operation, id: &str) -> String {
    if let Some(name) = operation.extensions.get("x-speakeasy-name-override").and_then(|v| v.as_str()) {
        return super::snake(name);
    }
    let last = id.rsplit('_').next().unwrap_or(id);
    super::snake(if last.is_empty() { id } else { last })
}

/// Methods of std traits (those clippy's `should_implement_trait` knows, and what the accessor
/// derives or a user reaches for on any value): an accessor method named like one would shadow
/// `Clone::clone` on the accessor, or read as that trait's method. They get `_op`. So does
/// `new`: `Tag::new(&self) -> New` is what clippy's `new_ret_no_self` refuses, and a reader
/// would take it for a constructor.
const TRAIT_METHODS: [&str; 37] = [
    "add", "as_mut", "as_ref", "bitand", "bitor", "bitxor", "borrow", "borrow_mut", "clone", "clone_from", "cmp", "default",
    "deref", "deref_mut", "div", "drop", "eq", "fmt", "from", "from_iter", "from_str", "hash", "index", "index_mut", "into",
    "into_iter", "mul", "ne", "neg", "new", "next", "not", "rem", "shl", "shr", "sub", "to_owned",
];

fn accessor_method_name(short: String) -> String {
    if TRAIT_METHODS.contains(&short.as_str()) {
        format!("{short}_op")
    } else {
        short
    }
}

/// operationId, or `{method} {path}` for operations without one.
pub(crate) fn operation_label(operation_id: Option<&str>, method: &str, path: &str) -> String {
    operation_id.map(str::to_string).unwrap_or_else(|| format!("{method} {path}"))
}

impl Resolver<'_> {
    /// In the body of a `PATCH`, leaving a field out keeps the server's value and `null` clears
    /// it, so there (and only there) optional nullable fields are tri-state. Decided by the
    /// operation that sends the type, never by what else happens to reach it.
    pub(crate) fn apply_tri_state(&mut self, operations: &[Operation]) {
        for op in operations.iter().filter(|op| op.http_method == "PATCH") {
            let Some(body) = op.body.as_ref().filter(|b| b.media == BodyMedia::Json) else { continue };
            let mut ty = body.ty.clone();
            for _ in 0..16 {
                let TypeRef::Named(name) = &ty else { break };
                let Some(def) = self.types.get_mut(name) else { break };
                match &mut def.kind {
                    TypeKind::Alias(next) => ty = next.clone(),
                    TypeKind::Struct { fields, .. } => {
                        for field in fields.iter_mut().filter(|f| f.nullable && f.presence == crate::ir::Presence::Optional) {
                            field.presence = crate::ir::Presence::TriState;
                        }
                        break;
                    }
                    _ => break,
                }
            }
        }
    }
}
