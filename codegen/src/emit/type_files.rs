//! `types.rs` and its files per feature set. A type every tag needs stays in `types.rs`; the
//! others are grouped by the exact set of features that compile them, one file per set under
//! `types/`, declared `#[cfg(any(feature = …))] mod for_…;` and re-exported whole. rustc does not
//! even read the file of a set whose features are all off, so a program that enables one tag no
//! longer parses every other tag's types to throw them away (that was most of a one-tag build's
//! macro-expansion time). The place aliases are grouped the same way under
//! `types/place_aliases/`, out of the type files' imports.

use super::features::Gates;
use super::rust_text::{CfgText, ItemText};
use super::types;
use crate::idents::{ident, sanitise};
use crate::ir::{TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, BTreeSet};

/// Longest group module name written out in full; longer ones are cut and get a hash.
const MAX_MODULE_NAME: usize = 48;

/// One feature set's items: its types, or its place aliases.
struct Group<'a> {
    module: String,
    features: Vec<String>,
    defs: Vec<&'a TypeDef>,
}

/// The formatted types: `types.rs`'s body (module declarations, then the ungated types) and the
/// other files under `types/`, `(path below it without `.rs`, contents without the header)`.
pub struct TypeFiles {
    pub types_body: String,
    pub files: Vec<(String, String)>,
}

/// The module that holds the place aliases, and its directory under `types/`.
const PLACE_ALIASES: &str = "place_aliases";

pub fn format_type_files(defs: &[TypeDef], gates: &Gates) -> Result<TypeFiles, String> {
    let (aliases, types): (Vec<&TypeDef>, Vec<&TypeDef>) = defs.iter().partition(|def| is_place_alias(def));
    let (ungated, groups) = by_features(types, gates);
    // Every type, in file order: ungated ones (index `None`), then each group's.
    let units: Vec<(Option<usize>, &TypeDef)> =
        ungated.iter().map(|def| (None, *def)).chain(groups.iter().enumerate().flat_map(|(index, group)| group.defs.iter().map(move |def| (Some(index), *def)))).collect();
    let texts = format_units(&units, gates)?;
    let mut cfg_text = CfgText::default();
    let mut declarations = ItemText::new();
    declare_groups(&groups, &mut cfg_text, &mut declarations)?;
    if !aliases.is_empty() {
        declarations.line(&format!("mod {PLACE_ALIASES};"));
        declarations.line(&format!("pub use {PLACE_ALIASES}::*;"));
    }
    if !groups.is_empty() {
        declare_defined(&ungated, &groups, defs.iter().any(super::is_marker_constant), &mut cfg_text, &mut declarations)?;
    }
    let mut body = declarations.finish()?;
    let mut group_texts: Vec<String> = groups.iter().map(|group| group_preamble(&group.features)).collect();
    for ((group, _), text) in units.iter().zip(texts) {
        match group {
            None => body.push_str(&text),
            Some(index) => group_texts[*index].push_str(&text),
        }
    }
    let mut files: Vec<(String, String)> = groups.into_iter().map(|g| g.module).zip(group_texts).collect();
    if !aliases.is_empty() {
        files.extend(place_alias_files(aliases, gates, &mut cfg_text)?);
    }
    Ok(TypeFiles { types_body: body, files })
}

/// A hidden alias that keeps the name a place's inline type had (see `resolve::place_aliases`).
fn is_place_alias(def: &TypeDef) -> bool {
    def.hidden && matches!(def.kind, TypeKind::Alias(TypeRef::Named(_)))
}

/// The definitions compiled whatever the features, and the others grouped by the exact set of
/// features that compiles them.
fn by_features<'a>(defs: Vec<&'a TypeDef>, gates: &Gates) -> (Vec<&'a TypeDef>, Vec<Group<'a>>) {
    let mut by_features: BTreeMap<Vec<String>, Vec<&TypeDef>> = BTreeMap::new();
    let mut ungated = Vec::new();
    for def in defs {
        match gates.type_features(&def.name) {
            None => ungated.push(def),
            Some(features) => by_features.entry(features).or_default().push(def),
        }
    }
    let mut taken = BTreeSet::new();
    let groups = by_features.into_iter().map(|(features, defs)| Group { module: module_name(&features, &mut taken), features, defs }).collect();
    (ungated, groups)
}

/// `#[cfg(any(…))] mod for_…;` and its re-export, for each group.
fn declare_groups(groups: &[Group<'_>], cfg_text: &mut CfgText, out: &mut ItemText) -> Result<(), String> {
    for group in groups {
        let cfg = cfg_text.text(&super::features::any_of(&group.features))?;
        out.lines(&cfg);
        out.line(&format!("mod {};", group.module));
        out.lines(&cfg);
        out.line(&format!("pub use {}::*;", group.module));
    }
    Ok(())
}

/// The `defined` module, which the type files import: every type but the place aliases. Types
/// refer to each other by name, so each file imports them all; importing the ~9,000 place aliases
/// (which no type names) into each of some 60 files as well was most of what the aliases cost
/// `cargo check`.
fn declare_defined(ungated: &[&TypeDef], groups: &[Group<'_>], has_constants: bool, cfg_text: &mut CfgText, out: &mut ItemText) -> Result<(), String> {
    out.docs(&[" Every type but the place aliases: what the type files import."]);
    out.line("#[allow(unused_imports)]");
    out.open_header("mod defined {");
    if has_constants {
        out.line("pub use super::constants;");
    }
    for def in ungated {
        out.unbreakable(&format!("pub use super::{};", sanitise(&def.name)));
    }
    for group in groups {
        out.lines(&cfg_text.text_nested(&super::features::any_of(&group.features))?);
        out.line(&format!("pub use super::{}::*;", group.module));
    }
    out.close("}");
    Ok(())
}

/// `types/place_aliases.rs` (its groups' declarations, then the ungated aliases) and a file per
/// feature set under `types/place_aliases/`, like the types'. Each alias names its target by its
/// path from `types` (relative: the API's module need not be the crate root), so these files
/// import nothing.
fn place_alias_files(aliases: Vec<&TypeDef>, gates: &Gates, cfg_text: &mut CfgText) -> Result<Vec<(String, String)>, String> {
    let (ungated, groups) = by_features(aliases, gates);
    let mut declarations = ItemText::new();
    declare_groups(&groups, cfg_text, &mut declarations)?;
    let mut root = String::from(
        "//! The names types had while their schemas were inline: each place that now refers to a\n//! component keeps its old type name as a hidden alias of it, so code written against an\n//! older spec still compiles. Apart from the types, so the type files do not import them.\n",
    );
    root.push_str(&declarations.finish()?);
    ungated.iter().for_each(|def| root.push_str(&place_alias_text(def, "super::")));
    let mut files = vec![(PLACE_ALIASES.to_string(), root)];
    for group in groups {
        let mut text = format!("//! The place aliases compiled only with {}.\n", features_phrase(&group.features));
        group.defs.iter().for_each(|def| text.push_str(&place_alias_text(def, "super::super::")));
        files.push((format!("{PLACE_ALIASES}/{}", group.module), text));
    }
    Ok(files)
}

/// A place alias, written out: one fixed line each, and ~9,000 of them through `prettyplease`
/// cost a fifth of regeneration. `types` is the path from the alias's module to `types`.
fn place_alias_text(def: &TypeDef, types: &str) -> String {
    let TypeKind::Alias(TypeRef::Named(target)) = &def.kind else { return String::new() };
    let (name, target) = (ident(&def.name), ident(target));
    format!("/// The name this place's type had while its schema was inline: another name for `{target}`.\n#[doc(hidden)]\npub type {name} = {types}{target};\n")
}

/// The top of a group's file: what it holds, and the other types in scope.
fn group_preamble(features: &[String]) -> String {
    let mut text = format!("//! The types compiled only with {}.\n", features_phrase(features));
    // Types refer to each other by name, wherever their file; one that names no other type
    // leaves the import unused.
    text.push_str("#[allow(unused_imports)]\nuse super::defined::*;\n");
    text
}

/// "the feature `chat`", "the features `chat`, `presets`". Feature names are cargo feature names
/// (`[A-Za-z0-9_-]`): nothing to escape in a comment.
fn features_phrase(features: &[String]) -> String {
    let list: Vec<String> = features.iter().map(|f| format!("`{f}`")).collect();
    format!("the feature{} {}", if list.len() == 1 { "" } else { "s" }, list.join(", "))
}

/// The module of a feature set: `for_chat_presets`; a long set is cut and tagged with a hash of
/// the whole set, so the name stays short and depends on the set alone.
fn module_name(features: &[String], taken: &mut BTreeSet<String>) -> String {
    let readable = format!("for_{}", features.join("_")).replace(['-', '.', '+'], "_");
    let mut name = crate::idents::sanitise(&readable);
    if name.len() > MAX_MODULE_NAME || taken.contains(&name) {
        let mut cut: String = name.chars().take(MAX_MODULE_NAME - 9).collect::<String>().trim_end_matches('_').to_string();
        cut.push_str(&format!("_{:08x}", fnv1a(&features.join(",")) as u32));
        name = cut;
    }
    taken.insert(name.clone());
    name
}

/// FNV-1a: a hash that is the same on every machine and run (std's is seeded).
fn fnv1a(text: &str) -> u64 {
    text.bytes().fold(0xcbf2_9ce4_8422_2325, |hash, byte| (hash ^ u64::from(byte)).wrapping_mul(0x0100_0000_01b3))
}

/// Each type's text, formatted in a few chunks at once. Each type's text is independent of the
/// others' (structs are written as text, other items printed by prettyplease one at a time), so
/// the result is the same whatever the number of threads.
fn format_units(units: &[(Option<usize>, &TypeDef)], gates: &Gates) -> Result<Vec<String>, String> {
    const CHUNKS: usize = 4;
    let chunk_len = units.len().div_ceil(CHUNKS).max(1);
    let format_chunk = |chunk: &[(Option<usize>, &TypeDef)]| -> Result<Vec<String>, String> {
        let mut cfg_text = CfgText::default();
        chunk.iter().map(|(group, def)| types::type_definition(def, gates, &mut cfg_text, group.is_some())).collect()
    };
    let chunks: Vec<Result<Vec<String>, String>> = std::thread::scope(|scope| {
        let handles: Vec<_> = units.chunks(chunk_len).map(|chunk| scope.spawn(move || format_chunk(chunk))).collect();
        handles.into_iter().map(super::joined).collect()
    });
    Ok(chunks.into_iter().collect::<Result<Vec<_>, String>>()?.into_iter().flatten().collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn features(names: &[&str]) -> Vec<String> {
        names.iter().map(|name| name.to_string()).collect()
    }

    #[test]
    fn module_names_are_readable_short_and_depend_on_the_set_alone() {
        let mut taken = BTreeSet::new();
        assert_eq!(module_name(&features(&["chat", "presets"]), &mut taken), "for_chat_presets");
        assert_eq!(module_name(&features(&["api-keys"]), &mut taken), "for_api_keys");
        let many = features(&["analytics", "api-keys", "benchmarks", "byok", "chat", "credits", "embeddings"]);
        let long = module_name(&many, &mut BTreeSet::new());
        assert!(long.len() <= MAX_MODULE_NAME && long.starts_with("for_analytics_api_keys"), "{long}");
        assert_eq!(long, module_name(&many, &mut BTreeSet::new()), "the same set, the same name");
        // Sets that read the same once joined (`a-b` + `c`, `a` + `b-c`) still get two modules.
        let mut taken = BTreeSet::new();
        let first = module_name(&features(&["a-b", "c"]), &mut taken);
        let second = module_name(&features(&["a", "b-c"]), &mut taken);
        assert_ne!(first, second);
    }
}
