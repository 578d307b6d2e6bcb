//! The modules of `codegen/src/emit/` build on each other without circles: what two of them share
//! lives in a module below both (`type_refs`, `struct_fields`), so each can be read, and changed,
//! knowing only what is below it. This reads the sources and fails naming any circle of
//! `super::x` / `crate::emit::x` references, so a new one cannot creep back in.

use proc_macro2::{Delimiter, TokenStream, TokenTree};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

type Graph = BTreeMap<String, BTreeSet<String>>;

/// Every `emit/*.rs` but `mod.rs` (the parent declares them all; that is not a circle).
fn emit_sources() -> BTreeMap<String, String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("src/emit");
    let mut sources = BTreeMap::new();
    for entry in std::fs::read_dir(&dir).expect("codegen/src/emit") {
        let path = entry.expect("a directory entry").path();
        let Some(stem) = path.file_stem().and_then(|s| s.to_str()) else { continue };
        if path.extension().is_some_and(|e| e == "rs") && stem != "mod" {
            sources.insert(stem.to_string(), std::fs::read_to_string(&path).expect("a source file"));
        }
    }
    sources
}

/// Which sibling modules each module names.
fn module_graph(sources: &BTreeMap<String, String>) -> Graph {
    let modules: BTreeSet<String> = sources.keys().cloned().collect();
    sources
        .iter()
        .map(|(name, text)| {
            let tokens: TokenStream = text.parse().unwrap_or_else(|e| panic!("emit/{name}.rs does not lex: {e}"));
            let mut uses = BTreeSet::new();
            collect(tokens, &modules, &mut uses);
            uses.remove(name);
            (name.clone(), uses)
        })
        .collect()
}

fn collect(tokens: TokenStream, modules: &BTreeSet<String>, out: &mut BTreeSet<String>) {
    let trees: Vec<TokenTree> = tokens.into_iter().collect();
    let mut i = 0;
    while i < trees.len() {
        // Paths in quoted tokens are the generated crate's (`super::types::X`), not the generator's.
        if is_ident(&trees[i], &["quote", "quote_spanned", "parse_quote"]) && trees.get(i + 1).is_some_and(|t| is_punct(t, '!')) {
            i += 3;
            continue;
        }
        if let Some(after) = sibling_path_start(&trees, i) {
            match trees.get(after) {
                Some(TokenTree::Ident(name)) if modules.contains(&name.to_string()) => {
                    out.insert(name.to_string());
                }
                // `use super::{a::x, b::y};`
                Some(TokenTree::Group(group)) if group.delimiter() == Delimiter::Brace => {
                    let mut at_start = true;
                    for tree in group.stream() {
                        if let TokenTree::Ident(name) = &tree {
                            if at_start && modules.contains(&name.to_string()) {
                                out.insert(name.to_string());
                            }
                        }
                        at_start = is_punct(&tree, ',');
                    }
                }
                _ => {}
            }
        }
        if let TokenTree::Group(group) = &trees[i] {
            collect(group.stream(), modules, out);
        }
        i += 1;
    }
}

/// After `super::` or `crate::emit::` at `i`, the index of the next path segment.
fn sibling_path_start(trees: &[TokenTree], i: usize) -> Option<usize> {
    let path_sep = |at: usize| trees.get(at).is_some_and(|t| is_punct(t, ':')) && trees.get(at + 1).is_some_and(|t| is_punct(t, ':'));
    if is_ident(&trees[i], &["super"]) && path_sep(i + 1) {
        return Some(i + 3);
    }
    let emit_follows = trees.get(i + 3).is_some_and(|t| is_ident(t, &["emit"]));
    (is_ident(&trees[i], &["crate"]) && path_sep(i + 1) && emit_follows && path_sep(i + 4)).then_some(i + 6)
}

fn is_ident(tree: &TokenTree, names: &[&str]) -> bool {
    matches!(tree, TokenTree::Ident(ident) if names.iter().any(|n| ident == n))
}

fn is_punct(tree: &TokenTree, ch: char) -> bool {
    matches!(tree, TokenTree::Punct(punct) if punct.as_char() == ch)
}

/// The first circle found, as the modules along it (the first repeated at the end).
fn find_cycle(graph: &Graph) -> Option<Vec<String>> {
    fn visit<'g>(node: &'g str, graph: &'g Graph, path: &mut Vec<&'g str>, done: &mut BTreeSet<&'g str>) -> Option<Vec<String>> {
        if let Some(at) = path.iter().position(|n| *n == node) {
            let mut cycle: Vec<String> = path[at..].iter().map(|n| n.to_string()).collect();
            cycle.push(node.to_string());
            return Some(cycle);
        }
        if !done.insert(node) {
            return None;
        }
        path.push(node);
        for next in graph.get(node).into_iter().flatten() {
            if let Some(cycle) = visit(next, graph, path, done) {
                return Some(cycle);
            }
        }
        path.pop();
        None
    }
    let mut done = BTreeSet::new();
    graph.keys().find_map(|node| visit(node, graph, &mut Vec::new(), &mut done))
}

#[test]
fn emit_modules_import_each_other_without_circles() {
    let graph = module_graph(&emit_sources());
    // The scan must see the edges that are there, or finding no circle proves nothing.
    assert!(graph["operations"].contains("pagination") && graph["types"].contains("construction"), "{graph:#?}");
    if let Some(cycle) = find_cycle(&graph) {
        panic!("emit modules import each other in a circle: {}\nmove what they share to a module below them", cycle.join(" → "));
    }
}

#[test]
fn a_circle_is_found_and_named_and_quoted_paths_are_not_edges() {
    let sources: BTreeMap<String, String> = [
        ("a", "use super::{b::x, rust::y};"),
        ("b", "fn f() { crate::emit::c::g(); }"),
        ("c", "pub(super) fn g() { super::a::h() }"),
        ("d", "fn q() -> T { quote! { super::d2::X } }"),
        ("d2", "fn r() {}"),
    ]
    .into_iter()
    .map(|(name, text)| (name.to_string(), text.to_string()))
    .collect();
    let graph = module_graph(&sources);
    assert!(graph["d"].is_empty(), "{graph:#?}");
    assert_eq!(find_cycle(&graph), Some(vec!["a".into(), "b".into(), "c".into(), "a".into()]));
}
