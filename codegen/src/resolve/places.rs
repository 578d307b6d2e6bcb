//! Names by place. While resolving, every named type gets a provisional name and records the name
//! its place asks for (component name, owner + property, union + variant label …). At the end,
//! `final_names` settles each requested name deterministically — components before inline
//! types, then by JSON pointer — so a name never depends on spec order or on unrelated schemas,
//! and only the members of one collision group can affect each other.
//!
//! A requested name over 60 characters is first shortened (`names::shorten`, from the name and
//! the root it sits in), with a note. Within one group, a later place whose type is the same as
//! an earlier one's (same kind once references are settled; docs and examples aside) reuses that
//! type instead of being numbered: its own definition is dropped and every reference points at
//! the kept one. Only places of different shapes are numbered (`Foo2`), with a note.

use crate::ir::{NamingNote, Operation, ResponseContent, TypeDef, TypeKind, TypeRef};
use std::collections::BTreeMap;
use foldhash::{HashMap, HashSet};

/// What a provisional type asked to be called, and where it sits.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub desired: String,
    /// JSON pointer of the schema (components: `/components/schemas/X`).
    pub source: String,
    pub component: bool,
    /// The name of the component or operation the place sits in (empty when unknown): shortening
    /// keeps it.
    pub root: String,
}

/// The outcome of settling names.
#[derive(Debug, Default)]
pub(crate) struct Settled {
    /// Provisional name → final name.
    pub names: HashMap<String, String>,
    /// Provisional names whose type is the same as another's in their group: their definitions
    /// are dropped, and `names` points them at the kept type's name.
    pub merged: HashSet<String>,
    pub notes: Vec<NamingNote>,
}


/// The pointer of the type that owns a property at `pointer` (`…/X/properties/p` → `…/X`),
/// looking through `allOf` members, which merge into their owner.
pub(crate) fn owner_of_property(pointer: &str) -> Option<&str> {
    let (owner, _) = pointer.rsplit_once("/properties/")?;
    Some(strip_all_of(owner))
}

/// `…/X/allOf/0/allOf/2` → `…/X`.
pub(crate) fn strip_all_of(mut pointer: &str) -> &str {
    loop {
        let Some((head, index)) = pointer.rsplit_once('/') else { return pointer };
        let Some(rest) = head.strip_suffix("/allOf") else { return pointer };
        if index.is_empty() || !index.bytes().all(|b| b.is_ascii_digit()) {
            return pointer;
        }
        pointer = rest;
    }
}

/// A kind as compared for reuse: references through `canonical`, docs and examples left out.
fn comparable(kind: &TypeKind, canonical: &HashMap<String, String>) -> TypeKind {
    let mut def = TypeDef { name: String::new(), source: String::new(), doc: None, deprecated: false, kind: kind.clone(), hidden: false };
    rename_type(&mut def, canonical);
    if let TypeKind::Struct { fields, .. } = &mut def.kind {
        for field in fields {
            field.doc = None;
            field.example = None;
        }
    }
    def.kind
}

/// Final names for every provisional name, the types that reuse another's, and notes on names
/// that had to deviate. `kinds` gives each provisional type's kind.
pub(crate) fn final_names(requests: &HashMap<String, Request>, kinds: &HashMap<&str, &TypeKind>) -> Settled {
    let limit = super::names::MAX_TYPE_NAME;
    let mut groups: BTreeMap<String, Vec<(&String, &Request)>> = BTreeMap::new();
    for (provisional, request) in requests {
        groups.entry(super::names::shorten(&request.desired, &request.root, limit)).or_default().push((provisional, request));
    }
    for members in groups.values_mut() {
        members.sort_by(|(_, a), (_, b)| (!a.component, &a.source).cmp(&(!b.component, &b.source)));
    }
    // Reuse: a member whose kind equals an earlier member's (references read through the reuses
    // found so far) becomes that member. Repeated until nothing changes, because one reuse can
    // make two referring types equal. Each pass goes through groups and members in a fixed order.
    let mut canonical: HashMap<String, String> = HashMap::default();
    loop {
        let mut changed = false;
        for members in groups.values() {
            let mut kept: Vec<(&String, TypeKind)> = Vec::new();
            for (provisional, _) in members {
                if canonical.contains_key(provisional.as_str()) {
                    continue;
                }
                let Some(kind) = kinds.get(provisional.as_str()) else { continue };
                let kind = comparable(kind, &canonical);
                if let Some((first, _)) = kept.iter().find(|(_, k)| *k == kind) {
                    canonical.insert(provisional.to_string(), first.to_string());
                    changed = true;
                } else {
                    kept.push((provisional, kind));
                }
            }
        }
        if !changed {
            break;
        }
    }
    // Every requested name is reserved for its own group first, so that a numbered name given
    // to a collision can never take a name another place asked for.
    let mut taken: HashSet<String> = groups.keys().cloned().collect();
    let mut settled = Settled::default();
    for (desired, members) in &groups {
        let mut number = 2;
        let mut first = true;
        for (provisional, request) in members {
            if canonical.contains_key(provisional.as_str()) {
                continue;
            }
            let body = format!("{desired}Body");
            let name = if first {
                first = false;
                desired.clone()
            } else if request.source.starts_with("/paths/") && body.len() <= limit && taken.insert(body.clone()) {
                // An operation's own inline request or response schema, beside a component of
                // that name: what it is (the body) says more than a number.
                settled.notes.push(NamingNote {
                    name: body.clone(),
                    source: request.source.clone(),
                    reason: format!("the component `{desired}` has the name its operation asks for; the operation's inline schema is its body"),
                });
                body
            } else {
                let name = loop {
                    let digits = number.to_string();
                    let base = super::names::shorten(&request.desired, &request.root, limit - digits.len());
                    let base = if desired.len() + digits.len() <= limit { desired.as_str() } else { base.as_str() };
                    let candidate = format!("{base}{digits}");
                    number += 1;
                    if taken.insert(candidate.clone()) {
                        break candidate;
                    }
                };
                settled.notes.push(NamingNote {
                    name: name.clone(),
                    source: request.source.clone(),
                    reason: format!("another place also asks for `{desired}`; numbered after it (components first, then by JSON pointer)"),
                });
                name
            };
            if name.len() < request.desired.len() && !name.starts_with(request.desired.as_str()) {
                settled.notes.push(NamingNote {
                    name: name.clone(),
                    source: request.source.clone(),
                    reason: format!("shortened from `{}` ({} characters; at most {limit})", request.desired, request.desired.len()),
                });
            }
            settled.names.insert(provisional.to_string(), name);
        }
    }
    // Reusing members take the final name of the member they reuse (through chains).
    for provisional in canonical.keys() {
        let mut target = provisional;
        while let Some(next) = canonical.get(target) {
            target = next;
        }
        let name = settled.names.get(target).cloned().unwrap_or_else(|| target.clone());
        settled.names.insert(provisional.clone(), name);
        settled.merged.insert(provisional.clone());
    }
    settled
}

pub(crate) fn rename_ref(ty: &mut TypeRef, names: &HashMap<String, String>) {
    match ty {
        TypeRef::Named(name) => {
            if let Some(new) = names.get(name.as_str()) {
                *name = new.clone();
            }
        }
        TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => rename_ref(inner, names),
        TypeRef::Prim(_) | TypeRef::Any => {}
    }
}

pub(crate) fn rename_type(def: &mut TypeDef, names: &HashMap<String, String>) {
    if let Some(new) = names.get(def.name.as_str()) {
        def.name = new.clone();
    }
    match &mut def.kind {
        TypeKind::Struct { fields, extra } => {
            fields.iter_mut().for_each(|f| rename_ref(&mut f.ty, names));
            if let Some(extra) = extra {
                rename_ref(extra, names);
            }
        }
        TypeKind::Union { variants, .. } => variants.iter_mut().for_each(|v| rename_ref(&mut v.ty, names)),
        TypeKind::Alias(target) => rename_ref(target, names),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } | TypeKind::Const { .. } => {}
    }
}

pub(crate) fn rename_operation(op: &mut Operation, names: &HashMap<String, String>) {
    op.params.iter_mut().for_each(|p| rename_ref(&mut p.ty, names));
    if let Some(body) = &mut op.body {
        rename_ref(&mut body.ty, names);
    }
    for response in &mut op.responses {
        if let ResponseContent::Json(ty) = &mut response.content {
            rename_ref(ty, names);
        }
        if let Some(stream) = &mut response.stream {
            rename_ref(stream, names);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn request(desired: &str, source: &str, component: bool) -> Request {
        Request { desired: desired.into(), source: source.into(), component, root: String::new() }
    }

    fn string_enum(values: &[&str]) -> TypeKind {
        let variants = values.iter().map(|v| crate::ir::EnumVariant { rust: super::super::pascal(v), wire: v.to_string() }).collect();
        TypeKind::StringEnum { variants }
    }

    #[test]
    fn owners_look_through_all_of() {
        assert_eq!(owner_of_property("/components/schemas/A/allOf/1/properties/x"), Some("/components/schemas/A"));
        assert_eq!(owner_of_property("/components/schemas/A/properties/x/properties/y"), Some("/components/schemas/A/properties/x"));
        assert_eq!(strip_all_of("/components/schemas/allOf"), "/components/schemas/allOf");
    }

    #[test]
    fn collisions_are_settled_by_kind_then_pointer_not_by_order() {
        let mut requests = HashMap::default();
        requests.insert("p1".to_string(), request("FooBar", "/components/schemas/Foo/properties/bar", false));
        requests.insert("p2".to_string(), request("FooBar", "/components/schemas/FooBar", true));
        requests.insert("p3".to_string(), request("FooBar", "/components/schemas/Foo/properties/Bar", false));
        requests.insert("p4".to_string(), request("FooBar2", "/components/schemas/FooBar2", true));
        let kinds: HashMap<String, TypeKind> =
            ["p1", "p2", "p3", "p4"].iter().map(|p| (p.to_string(), string_enum(&[p]))).collect();
        let kinds = kinds.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let Settled { names, notes, merged } = final_names(&requests, &kinds);
        assert!(merged.is_empty());
        assert_eq!(names["p2"], "FooBar");
        assert_eq!(names["p3"], "FooBar3", "FooBar2 is asked for by another place");
        assert_eq!(names["p1"], "FooBar4");
        assert_eq!(names["p4"], "FooBar2");
        assert_eq!(notes.len(), 2);
    }

    #[test]
    fn a_place_of_the_same_shape_reuses_the_type_and_only_different_shapes_are_numbered() {
        let mut requests = HashMap::default();
        requests.insert("a".to_string(), request("ChatRequestReasoningEffort", "/components/schemas/ChatRequest/properties/reasoning/properties/effort", false));
        requests.insert("b".to_string(), request("ChatRequestReasoningEffort", "/components/schemas/ChatRequest/properties/reasoning_effort", false));
        requests.insert("c".to_string(), request("ChatRequestReasoningEffort", "/components/schemas/ChatRequest/properties/x", false));
        // Two owners that differ only in which of the equal enums they refer to.
        requests.insert("o1".to_string(), request("Owner", "/components/schemas/A/properties/o", false));
        requests.insert("o2".to_string(), request("Owner", "/components/schemas/B/properties/o", false));
        let same = string_enum(&["low", "high"]);
        let other = string_enum(&["low"]);
        let owner = |target: &str| TypeKind::Alias(crate::ir::TypeRef::Named(target.into()));
        let (o1, o2) = (owner("a"), owner("b"));
        let kinds: HashMap<&str, &TypeKind> = [("a", &same), ("b", &same), ("c", &other), ("o1", &o1), ("o2", &o2)].into_iter().collect();
        let Settled { names, notes, merged } = final_names(&requests, &kinds);
        assert_eq!(names["a"], "ChatRequestReasoningEffort");
        assert_eq!(names["b"], "ChatRequestReasoningEffort", "the same enum: reused");
        assert_eq!(names["c"], "ChatRequestReasoningEffort2", "a different enum: numbered, without a gap");
        assert_eq!((names["o1"].as_str(), names["o2"].as_str()), ("Owner", "Owner"), "equal once their references are");
        assert_eq!(merged, HashSet::from_iter(["b".to_string(), "o2".to_string()]));
        assert_eq!(notes.len(), 1);
    }

    #[test]
    fn long_names_are_shortened_with_a_note_and_their_collisions_settled() {
        let mut requests = HashMap::default();
        let long = "MessagesRequestContextManagementEditsItemClearThinking20251015KeepAll";
        let mut a = request(long, "/components/schemas/MessagesRequest/x/anyOf/1", false);
        a.root = "MessagesRequest".into();
        let mut b = request(long, "/components/schemas/MessagesRequest/x/anyOf/2", false);
        b.root = "MessagesRequest".into();
        requests.insert("a".to_string(), a);
        requests.insert("b".to_string(), b);
        let (one, two) = (string_enum(&["all"]), TypeKind::Const { value: serde_json::json!("all"), tag: false });
        let kinds: HashMap<&str, &TypeKind> = [("a", &one), ("b", &two)].into_iter().collect();
        let Settled { names, notes, .. } = final_names(&requests, &kinds);
        assert_eq!(names["a"], "MessagesRequestManagementEditsClearThinking20251015KeepAll");
        assert_eq!(names["b"], "MessagesRequestManagementEditsClearThinking20251015KeepAll2");
        assert!(names.values().all(|n| n.len() <= 60));
        assert_eq!(notes.len(), 3, "{notes:?}");
    }
}
