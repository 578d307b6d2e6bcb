//! The `[observe]` table of a pin file (`crate::observe_table`), checked against the resolved spec
//! and written into the API's crate as a static table (`<api>/src/observe.rs`, behind the
//! `observe` feature). Every JSON pointer must lead somewhere the spec declares, so an upstream
//! rename or move fails regen and `check` with the operation, the setting and the missing step,
//! instead of silently recording nothing.

use crate::ir::{Api, Operation, ResponseContent, TypeKind, TypeRef};
use crate::observe_table::{GenerationEntry, ObserveTable, ResultEntry, SelectorEntry, Selectors};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeMap;
use foldhash::HashMap;

/// Checks every pointer of the table against the API and writes the table as Rust.
pub fn observe_module(pin_file: &str, table: &ObserveTable, api: &Api) -> Result<String, String> {
    let types: HashMap<&str, &TypeKind> = api.types.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
    let walker = Walker { types };
    let mut maps = Vec::new();
    for (index, entry) in table.generations.iter().enumerate() {
        let here = format!("{pin_file}: [[observe.generations]] #{} (operation `{}`)", index + 1, entry.operation);
        let operation = api
            .operations
            .iter()
            .find(|op| op.id == entry.operation)
            .ok_or_else(|| format!("{here}: the spec has no operation `{}`", entry.operation))?;
        maps.push(generation_tokens(&walker, &here, entry, operation)?);
    }
    let system = &table.system;
    let tokens = quote! {
        //! Which operations are generations and where their facts are, from the `[observe]` table of
        //! the pin file (checked against the spec by `cargo xtask regen`), and `Client::observed`.
        use crate::runtime::observe::{GenerationMap, RequestMap, ResultMap, Selector};

        /// The generation operations of this API.
        pub(crate) static GENERATIONS: &[GenerationMap] = &[#(#maps),*];

        /// What a client can be observed with: a `Langfuse` handle, or one of its traces.
        pub trait ObserveWith {
            #[doc(hidden)]
            fn observer(&self) -> ::std::sync::Arc<dyn crate::runtime::observe::Observer>;
        }

        impl ObserveWith for crate::runtime::observe::Langfuse {
            fn observer(&self) -> ::std::sync::Arc<dyn crate::runtime::observe::Observer> {
                crate::runtime::observe::Langfuse::observer(self, #system, GENERATIONS)
            }
        }

        impl ObserveWith for crate::runtime::observe::Trace {
            fn observer(&self) -> ::std::sync::Arc<dyn crate::runtime::observe::Observer> {
                crate::runtime::observe::Trace::observer(self, #system, GENERATIONS)
            }
        }

        impl super::Client {
            /// This client, with every generation call (chat completions, responses, messages,
            /// embeddings; plain and streaming) recorded in Langfuse: model, parameters, input,
            /// output, usage, cost, timing, time to first token and errors. Pass `&langfuse`
            /// (each call its own trace, or a child of the OpenTelemetry span you are in) or
            /// `&langfuse.trace("name")` (every call of this client in one trace). The calls'
            /// results are exactly what they would be without observation.
            pub fn observed(&self, with: &impl ObserveWith) -> super::Client {
                super::Client { http: self.http.with_observer(with.observer()) }
            }
        }
    };
    crate::emit::format_file("", tokens)
}

fn generation_tokens(walker: &Walker<'_>, here: &str, entry: &GenerationEntry, operation: &Operation) -> Result<TokenStream, String> {
    let request = operation.body.as_ref().map(|body| body.ty.clone());
    let response = operation.responses.iter().filter(|r| (200..300).contains(&r.status)).find_map(|r| match &r.content {
        ResponseContent::Json(ty) => Some(ty.clone()),
        _ => None,
    });
    let stream = operation.responses.iter().find_map(|r| r.stream.clone());
    let check_request = |setting: &str, pointer: &str| -> Result<(), String> {
        let ty = request.as_ref().ok_or_else(|| format!("{here}: request.{setting}: the operation has no JSON request body"))?;
        walker.check(ty, pointer).map_err(|why| format!("{here}: request.{setting} `{pointer}`: {why}"))
    };
    for pointer in entry.request.model.0.iter() {
        check_request("model", pointer)?;
    }
    for pointer in entry.request.input.0.iter() {
        check_request("input", pointer)?;
    }
    for (key, pointer) in &entry.request.parameters {
        check_request(&format!("parameters.{key}"), pointer)?;
    }
    let response_map = result_tokens(walker, &format!("{here}: response"), &entry.response, response.as_ref())?;
    let empty = ResultEntry::default();
    let stream_entry = entry.stream.as_ref().unwrap_or(&empty);
    if entry.stream.is_some() && stream.is_none() {
        return Err(format!("{here}: stream: the operation declares no text/event-stream response"));
    }
    let stream_map = result_tokens(walker, &format!("{here}: stream"), stream_entry, stream.as_ref())?;
    let (id, name, kind, gen_ai) = (&entry.operation, &entry.name, &entry.observation_type, &entry.gen_ai_operation);
    let model = &entry.request.model.0;
    let input = &entry.request.input.0;
    let parameters = entry.request.parameters.iter().map(|(key, pointer)| quote!((#key, #pointer)));
    Ok(quote! {
        GenerationMap {
            operation: #id,
            name: #name,
            observation_type: #kind,
            operation_name: #gen_ai,
            request: RequestMap { model: &[#(#model),*], input: &[#(#input),*], parameters: &[#(#parameters),*] },
            response: #response_map,
            stream: #stream_map,
        }
    })
}

fn result_tokens(walker: &Walker<'_>, here: &str, entry: &ResultEntry, ty: Option<&TypeRef>) -> Result<TokenStream, String> {
    let selectors = |setting: &str, list: &Selectors| -> Result<TokenStream, String> {
        let items = list.0.iter().map(|selector| selector_tokens(walker, &format!("{here}.{setting}"), ty, selector)).collect::<Result<Vec<_>, _>>()?;
        Ok(quote!(&[#(#items),*]))
    };
    // A key read from several places is one pair per place; the first present wins.
    let keyed = |setting: &str, map: &BTreeMap<String, Selectors>| -> Result<TokenStream, String> {
        let mut pairs = Vec::new();
        for (key, list) in map {
            for selector in &list.0 {
                let one = selector_tokens(walker, &format!("{here}.{setting}.{key}"), ty, selector)?;
                pairs.push(quote!((#key, #one)));
            }
        }
        Ok(quote!(&[#(#pairs),*]))
    };
    let id = selectors("id", &entry.id)?;
    let model = selectors("model", &entry.model)?;
    let provider = selectors("provider", &entry.provider)?;
    let output = selectors("output", &entry.output)?;
    let text = selectors("text", &entry.text)?;
    let reasoning = selectors("reasoning", &entry.reasoning)?;
    let tool_calls = selectors("tool_calls", &entry.tool_calls)?;
    let finish_reason = selectors("finish_reason", &entry.finish_reason)?;
    let usage = keyed("usage", &entry.usage)?;
    let cost = keyed("cost", &entry.cost)?;
    for key in &entry.gross_usage {
        let details = entry.usage.keys().any(|name| name.strip_prefix(key.as_str()).is_some_and(|rest| rest.starts_with('_')));
        if !entry.usage.contains_key(key) || !details {
            return Err(format!("{here}.gross_usage: `{key}` needs a usage entry of its own and at least one `{key}_…` detail to be net of"));
        }
    }
    let gross = &entry.gross_usage;
    Ok(quote! {
        ResultMap { id: #id, model: #model, provider: #provider, output: #output, text: #text, reasoning: #reasoning, tool_calls: #tool_calls, finish_reason: #finish_reason, usage: #usage, gross_usage: &[#(#gross),*], cost: #cost }
    })
}

/// One checked selector, as the runtime's `Selector`.
fn selector_tokens(walker: &Walker<'_>, here: &str, ty: Option<&TypeRef>, selector: &SelectorEntry) -> Result<TokenStream, String> {
    let ty = ty.ok_or_else(|| format!("{here}: the operation has no JSON body here"))?;
    let (at, when) = match selector {
        SelectorEntry::At(at) => (at, None),
        SelectorEntry::When { at, when, is } => (at, Some((when, is))),
    };
    walker.check(ty, at).map_err(|why| format!("{here} `{at}`: {why}"))?;
    let when = match when {
        Some((pointer, value)) => {
            walker.check(ty, pointer).map_err(|why| format!("{here} (when `{pointer}`): {why}"))?;
            quote!(Some((#pointer, #value)))
        }
        None => quote!(None),
    };
    Ok(quote!(Selector { at: #at, when: #when }))
}

/// Follows JSON pointers through the resolved types.
struct Walker<'a> {
    types: HashMap<&'a str, &'a TypeKind>,
}

impl Walker<'_> {
    /// Whether `pointer` leads somewhere the spec declares in `ty`; else which step does not.
    fn check(&self, ty: &TypeRef, pointer: &str) -> Result<(), String> {
        if pointer.is_empty() {
            return Ok(());
        }
        let Some(rest) = pointer.strip_prefix('/') else { return Err("a JSON pointer starts with `/`".into()) };
        let steps: Vec<String> = rest.split('/').map(|s| s.replace("~1", "/").replace("~0", "~")).collect();
        self.walk(ty, &steps, 0)
    }

    fn walk(&self, ty: &TypeRef, steps: &[String], depth: usize) -> Result<(), String> {
        let Some((step, rest)) = steps.split_first() else { return Ok(()) };
        if depth > 64 {
            return Err("the pointer runs through a cycle more than 64 times".into());
        }
        match ty {
            TypeRef::Any => Ok(()),
            TypeRef::Nullable(inner) => self.walk(inner, steps, depth + 1),
            TypeRef::List(item) => {
                if step.parse::<usize>().is_err() {
                    return Err(format!("`{step}` indexes a list: it must be a number"));
                }
                self.walk(item, rest, depth + 1)
            }
            TypeRef::Map(value) => self.walk(value, rest, depth + 1),
            TypeRef::Prim(prim) => Err(format!("`{step}` goes inside a {prim:?} value")),
            TypeRef::Named(name) => {
                let kind = self.types.get(name.as_str()).ok_or_else(|| format!("type `{name}` is not in the model"))?;
                match kind {
                    TypeKind::Alias(inner) => self.walk(inner, steps, depth + 1),
                    TypeKind::Struct { fields, extra } => match fields.iter().find(|f| &f.wire == step) {
                        Some(field) => self.walk(&field.ty, rest, depth + 1),
                        None => match extra {
                            Some(value) => self.walk(value, rest, depth + 1),
                            None => {
                                let known: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
                                Err(format!("`{step}` is not a property of {name} (it has: {})", known.join(", ")))
                            }
                        },
                    },
                    TypeKind::Union { variants, .. } => {
                        let mut why = Vec::new();
                        for variant in variants {
                            match self.walk(&variant.ty, steps, depth + 1) {
                                Ok(()) => return Ok(()),
                                Err(e) => why.push(format!("{}: {e}", variant.rust)),
                            }
                        }
                        Err(format!("no variant of {name} has it ({})", why.join("; ")))
                    }
                    TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } | TypeKind::Const { .. } => {
                        Err(format!("`{step}` goes inside {name}, which is a single value"))
                    }
                }
            }
        }
    }
}
