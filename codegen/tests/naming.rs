//! Names by role: every generated type name is the one its place asks for, or is listed in
//! `naming_exceptions.txt` with the reason it could not be — a new deviation is a reviewed change.

mod support;

use std::collections::BTreeSet;

/// `ChatContentItemsItem`: no `Variant3`, no `FunctionFunction`.
fn role_violations(name: &str) -> Option<&'static str> {
    let positional = name.match_indices("Variant").any(|(i, _)| name[i + 7..].starts_with(|c: char| c.is_ascii_digit()));
    if positional {
        return Some("a position number instead of a role");
    }
    let words: Vec<&str> = split_words(name);
    if words.windows(2).any(|pair| pair[0] == pair[1]) {
        return Some("a word repeated twice in a row");
    }
    None
}

fn split_words(name: &str) -> Vec<&str> {
    let mut words = Vec::new();
    let mut start = 0;
    for (index, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            words.push(&name[start..index]);
            start = index;
        }
    }
    words.push(&name[start..]);
    words
}

#[test]
fn every_deviation_from_a_role_based_name_is_listed_with_its_reason() {
    let mut found = BTreeSet::new();
    for (api, file) in [("openrouter", "openrouter.yaml"), ("langfuse", "langfuse.yml")] {
        let resolved = support::resolved(api, file);
        for note in &resolved.naming_notes {
            found.insert(format!("{api}\t{}\t{}", note.name, note.reason));
        }
        // Place aliases are hidden from the docs and named as their place's inline type was.
        for def in resolved.types.types.iter().filter(|t| !t.hidden) {
            if let Some(reason) = role_violations(&def.name) {
                // Component names are the spec's own words; only names we make must be clean.
                let ours = !codegen::diff::is_component(def);
                found.insert(format!("{api}\t{}\t{reason}{}", def.name, if ours { "" } else { " (the spec's component name)" }));
            }
        }
    }
    let listed_path = support::workspace().join("codegen/tests/naming_exceptions.txt");
    let listed: BTreeSet<String> = std::fs::read_to_string(&listed_path)
        .unwrap_or_default()
        .lines()
        .filter(|line| !line.trim().is_empty() && !line.starts_with('#'))
        .map(str::to_string)
        .collect();
    let new: Vec<_> = found.difference(&listed).collect();
    let gone: Vec<_> = listed.difference(&found).collect();
    assert!(
        new.is_empty() && gone.is_empty(),
        "names that deviate from their role, not listed in {}:\n{}\nlisted but no longer found:\n{}",
        listed_path.display(),
        new.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
        gone.iter().map(|s| s.as_str()).collect::<Vec<_>>().join("\n"),
    );
}

#[test]
fn no_name_we_make_carries_a_position_or_a_doubled_word() {
    for (api, file) in [("openrouter", "openrouter.yaml"), ("langfuse", "langfuse.yml")] {
        for def in support::resolved(api, file).types.types.iter().filter(|t| !t.hidden) {
            if codegen::diff::is_component(def) {
                continue;
            }
            assert_eq!(role_violations(&def.name), None, "{api}: {} (from {})", def.name, def.source);
        }
    }
}

#[test]
fn the_detector_sees_what_it_looks_for() {
    assert!(role_violations("AdditionalToolsItemToolsItemVariant29").is_some());
    assert!(role_violations("ChatFunctionToolFunctionFunction").is_some());
    assert_eq!(role_violations("ChatFunctionToolFunctionDef"), None);
    assert_eq!(role_violations("VariantsList"), None);
}

/// `Foo2` → `Foo` (a numbered name's base), when the name ends in digits after a letter.
fn numbered_base(name: &str) -> Option<&str> {
    let base = name.trim_end_matches(|c: char| c.is_ascii_digit());
    (base.len() < name.len() && !base.is_empty()).then_some(base)
}

/// A kind as the reuse rule compares it: docs and examples aside.
fn comparable(kind: &codegen::ir::TypeKind) -> codegen::ir::TypeKind {
    let mut kind = kind.clone();
    if let codegen::ir::TypeKind::Struct { fields, .. } = &mut kind {
        for field in fields {
            field.doc = None;
            field.example = None;
        }
    }
    kind
}

#[test]
fn no_type_name_is_over_60_characters_in_any_version() {
    let mut longest = Vec::new();
    for (label, api) in support::every_version() {
        let over: Vec<&str> = api.types.types.iter().map(|t| t.name.as_str()).filter(|n| n.len() > 60).collect();
        assert!(over.is_empty(), "{label}: {over:?}");
        let max = api.types.types.iter().map(|t| t.name.as_str()).max_by_key(|n| (n.len(), std::cmp::Reverse(*n))).unwrap_or_default();
        longest.push(format!("{label}: {} {max}", max.len()));
    }
    eprintln!("longest type name per version:\n{}", longest.join("\n"));
}

#[test]
fn no_numbered_name_has_the_same_shape_as_its_base_in_any_version() {
    for (label, api) in support::every_version() {
        let by_name: std::collections::HashMap<&str, &codegen::ir::TypeDef> = api.types.types.iter().map(|t| (t.name.as_str(), t)).collect();
        for def in &api.types.types {
            let Some(base) = numbered_base(&def.name).and_then(|b| by_name.get(b)) else { continue };
            assert_ne!(comparable(&def.kind), comparable(&base.kind), "{label}: {} is {} again; it should reuse it", def.name, base.name);
        }
    }
}

#[test]
fn no_untagged_variant_is_a_numbered_list_or_map_in_any_version() {
    for (label, api) in support::every_version() {
        for def in &api.types.types {
            let codegen::ir::TypeKind::Union { tag: None, variants } = &def.kind else { continue };
            for variant in variants {
                let numbered = ["List", "Map"]
                    .iter()
                    .any(|word| variant.rust.strip_prefix(word).is_some_and(|rest| !rest.is_empty() && rest.bytes().all(|b| b.is_ascii_digit())));
                assert!(!numbered, "{label}: {}::{} is named by position, not by what it holds", def.name, variant.rust);
            }
        }
    }
}

#[test]
fn lists_in_one_union_are_named_by_what_they_hold() {
    let api = support::resolved("openrouter", "openrouter.yaml");
    let input = api.types.types.iter().find(|t| t.name == "CreateEmbeddingsRequestInput").expect("CreateEmbeddingsRequestInput");
    let codegen::ir::TypeKind::Union { variants, .. } = &input.kind else { panic!("a union") };
    let names: Vec<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
    for expected in ["String", "StringList", "NumberList", "NumberListList", "ObjectList"] {
        assert!(names.contains(&expected), "{expected} in {names:?}");
    }
}
