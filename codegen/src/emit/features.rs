//! Cargo features per tag: a program that calls only OpenRouter's chat compiles only the chat
//! operations and the types they reach. Every type is gated by the tags whose operations reach it
//! (through parameters, bodies, responses, stream events and error bodies, then through fields,
//! variants and aliases); a type every tag reaches is not gated; a type no operation reaches is
//! compiled with the feature `all` only.
//!
//! The same walk, from requests and from responses, decides which serde impls a type needs: see
//! [`Gates::direction_cfgs`] and the feature `full-serde`.

use crate::ir::{Api, ResponseContent, Tag, TypeKind, TypeRef};
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::{BTreeMap, BTreeSet};
use foldhash::HashMap;

/// The feature that enables every tag of an API crate.
pub const ALL: &str = "all";

/// The cargo feature of a tag (`api_keys` → `api-keys`). Leading underscores stay: a feature
/// name cannot start with `-` (a tag named `2` has the module `_2`). A trailing one goes: only a
/// keyword's escape puts it there (`Self` → `self_`), and `api-self-` would read as a typo.
pub fn feature_name(tag: &Tag) -> String {
    let module = tag.module.trim_start_matches("r#");
    let module = match module.trim_end_matches('_') {
        "" => module,
        trimmed => trimmed,
    };
    let words = module.trim_start_matches('_');
    format!("{}{}", &module[..module.len() - words.len()], words.replace('_', "-"))
}

/// The features of an API's tags (those with at least one operation), sorted.
pub fn tag_features(api: &Api) -> BTreeSet<String> {
    api.operations.iter().map(|op| feature_name(&op.tag)).collect()
}

/// The feature that gives every type both serde impls; without it a type has only those of the
/// directions it travels in (see [`Gates::direction_cfgs`]).
pub const FULL_SERDE: &str = "full-serde";

/// Which features each type needs.
pub struct Gates {
    by_type: HashMap<String, BTreeSet<String>>,
    /// Each place alias whose (last) target some tag reaches: it is compiled with that target.
    alias_targets: HashMap<String, String>,
    every: BTreeSet<String>,
    sent: BTreeSet<String>,
    received: BTreeSet<String>,
}

/// The `#[cfg(…)]`s of a type's `Serialize` (`encode`) and `Deserialize` (`decode`) impls, empty
/// when always compiled.
pub struct DirectionCfgs {
    pub encode: TokenStream,
    pub decode: TokenStream,
}

impl Gates {
    pub fn of(api: &Api) -> Gates {
        let kinds: HashMap<&str, &TypeKind> = api.types.types.iter().map(|t| (t.name.as_str(), &t.kind)).collect();
        let mut roots: BTreeMap<String, Vec<&TypeRef>> = BTreeMap::new();
        let mut sent_roots: Vec<&TypeRef> = Vec::new();
        let mut received_roots: Vec<&TypeRef> = Vec::new();
        for op in &api.operations {
            let sent = op.params.iter().map(|p| &p.ty).chain(op.body.iter().map(|b| &b.ty));
            let received = op.responses.iter().flat_map(|response| {
                let json = match &response.content {
                    ResponseContent::Json(ty) => Some(ty),
                    _ => None,
                };
                json.into_iter().chain(response.stream.iter())
            });
            let (sent, received): (Vec<&TypeRef>, Vec<&TypeRef>) = (sent.collect(), received.collect());
            let refs = roots.entry(feature_name(&op.tag)).or_default();
            refs.extend(sent.iter().chain(&received));
            sent_roots.extend(sent);
            received_roots.extend(received);
        }
        let every = tag_features(api);
        let mut by_type: HashMap<String, BTreeSet<String>> = HashMap::default();
        for (feature, refs) in &roots {
            for name in reach(&kinds, refs.clone()) {
                by_type.entry(name).or_default().insert(feature.clone());
            }
        }
        // A place alias is compiled with its target (no operation names it; old code does),
        // through a chain of them (a nested type's old name for a place alias).
        let hidden = api.types.place_aliases();
        let mut alias_targets = HashMap::default();
        for (alias, first) in &hidden {
            let mut target = *first;
            for _ in 0..8 {
                match hidden.get(target) {
                    Some(next) => target = next,
                    None => break,
                }
            }
            if by_type.contains_key(target) {
                alias_targets.insert(alias.to_string(), target.to_string());
            }
        }
        // A type no operation uses has both impls, so everything it reaches needs them too.
        let unused: Vec<TypeRef> = api.types.types.iter().filter(|t| !by_type.contains_key(&t.name) && !alias_targets.contains_key(&t.name)).map(|t| TypeRef::Named(t.name.clone())).collect();
        sent_roots.extend(unused.iter());
        received_roots.extend(unused.iter());
        let sent = reach(&kinds, sent_roots);
        let received = reach(&kinds, received_roots);
        Gates { by_type, alias_targets, every, sent, received }
    }

    /// The `#[cfg(…)]` for a type, or nothing when every tag needs it.
    pub fn type_cfg(&self, name: &str) -> TokenStream {
        match self.type_features(name) {
            None => TokenStream::new(),
            Some(features) => any_of(&features),
        }
    }

    /// The features any of which compiles a type (`all` for one no operation uses), or `None`
    /// when every tag needs it.
    pub fn type_features(&self, name: &str) -> Option<Vec<String>> {
        let compiled_with = self.alias_targets.get(name).map_or(name, String::as_str);
        match self.by_type.get(compiled_with) {
            None => Some(vec![ALL.to_string()]),
            Some(features) if *features == self.every => None,
            Some(features) => Some(features.iter().cloned().collect()),
        }
    }

    /// Which serde impls a type has without `full-serde`, for its docs.
    pub fn direction(&self, name: &str) -> super::docs::Direction {
        use super::docs::Direction;
        match (self.sent.contains(name), self.received.contains(name)) {
            (true, false) => Direction::Sent,
            (false, true) => Direction::Received,
            _ => Direction::Both,
        }
    }

    /// A type only sent needs no decoder, one only received no encoder: each costs compile time
    /// in every user's build. `full-serde` brings the other direction back (to forward a response
    /// as JSON, or read a request from a file). A type no operation uses gets both.
    pub fn direction_cfgs(&self, name: &str) -> DirectionCfgs {
        let both = quote! { #[cfg(feature = #FULL_SERDE)] };
        DirectionCfgs {
            encode: if self.sent.contains(name) { TokenStream::new() } else { both.clone() },
            decode: if self.received.contains(name) { TokenStream::new() } else { both },
        }
    }
}

/// The names of the types `roots` reach, through fields, variants and aliases.
fn reach<'a>(kinds: &HashMap<&str, &'a TypeKind>, roots: Vec<&'a TypeRef>) -> BTreeSet<String> {
    let mut stack = roots;
    let mut seen: BTreeSet<String> = BTreeSet::new();
    while let Some(ty) = stack.pop() {
        match ty {
            TypeRef::Named(name) => {
                if seen.contains(name.as_str()) {
                    continue;
                }
                seen.insert(name.clone());
                if let Some(kind) = kinds.get(name.as_str()) {
                    push_children(kind, &mut stack);
                }
            }
            TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => stack.push(inner),
            TypeRef::Prim(_) | TypeRef::Any => {}
        }
    }
    seen
}

fn push_children<'a>(kind: &'a TypeKind, stack: &mut Vec<&'a TypeRef>) {
    match kind {
        TypeKind::Struct { fields, extra } => {
            stack.extend(fields.iter().map(|f| &f.ty));
            stack.extend(extra.iter());
        }
        TypeKind::Union { variants, .. } => stack.extend(variants.iter().map(|v| &v.ty)),
        TypeKind::Alias(ty) => stack.push(ty),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } | TypeKind::Const { .. } => {}
    }
}

/// `#[cfg(feature = "a")]` or `#[cfg(any(feature = "a", …))]`.
pub fn any_of<'a>(features: impl IntoIterator<Item = &'a String>) -> TokenStream {
    let features: Vec<&String> = features.into_iter().collect();
    match features.as_slice() {
        [one] => quote! { #[cfg(feature = #one)] },
        many => quote! { #[cfg(any(#(feature = #many),*))] },
    }
}

/// Puts `cfg` on every item of `tokens` (a type and its impls).
pub fn gate_items(tokens: TokenStream, cfg: &TokenStream) -> Result<Vec<syn::Item>, String> {
    let file: syn::File = syn::parse2(tokens).map_err(|e| format!("emitted code does not parse: {e}"))?;
    if cfg.is_empty() {
        return Ok(file.items);
    }
    let parser = syn::Attribute::parse_outer;
    let attrs = syn::parse::Parser::parse2(parser, cfg.clone()).map_err(|e| format!("a feature gate does not parse: {e}"))?;
    Ok(file
        .items
        .into_iter()
        .map(|mut item| {
            if let Some(item_attrs) = item_attrs(&mut item) {
                item_attrs.splice(0..0, attrs.iter().cloned());
            }
            item
        })
        .collect())
}

fn item_attrs(item: &mut syn::Item) -> Option<&mut Vec<syn::Attribute>> {
    Some(match item {
        syn::Item::Const(i) => &mut i.attrs,
        syn::Item::Enum(i) => &mut i.attrs,
        syn::Item::Fn(i) => &mut i.attrs,
        syn::Item::Impl(i) => &mut i.attrs,
        syn::Item::Macro(i) => &mut i.attrs,
        syn::Item::Mod(i) => &mut i.attrs,
        syn::Item::Static(i) => &mut i.attrs,
        syn::Item::Struct(i) => &mut i.attrs,
        syn::Item::Trait(i) => &mut i.attrs,
        syn::Item::Type(i) => &mut i.attrs,
        syn::Item::Union(i) => &mut i.attrs,
        syn::Item::Use(i) => &mut i.attrs,
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn feature_names_are_valid_cargo_feature_names() {
        for (module, feature) in [("api_keys", "api-keys"), ("r#type", "type"), ("_2", "_2"), ("__x_y", "__x-y"), ("crate_", "crate"), ("self_", "self"), ("_", "_")] {
            let tag = Tag { wire: module.into(), module: module.into(), type_name: String::new() };
            assert_eq!(feature_name(&tag), feature, "{module}");
        }
    }
}
