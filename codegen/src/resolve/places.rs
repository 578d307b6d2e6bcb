//! Names by place. While resolving, every named type gets a provisional name and records the name
//! its place asks for (component name, owner + property, union + variant label …). At the end,
//! `final_names` settles each requested name deterministically — components before inline
//! types, then by JSON pointer — so a name never depends on spec order or on unrelated schemas,
//! and only the members of one collision group can affect each other.

use crate::ir::{NamingNote, Operation, ResponseContent, TypeDef, TypeKind, TypeRef};
use std::collections::{BTreeMap, HashMap, HashSet};

/// What a provisional type asked to be called, and where it sits.
#[derive(Debug, Clone)]
pub(crate) struct Request {
    pub desired: String,
    /// JSON pointer of the schema (components: `/components/schemas/X`).
    pub source: String,
    pub component: bool,
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

/// Final names for every provisional name, plus notes on names that had to deviate.
pub(crate) fn final_names(requests: &HashMap<String, Request>) -> (HashMap<String, String>, Vec<NamingNote>) {
    let mut groups: BTreeMap<&str, Vec<(&String, &Request)>> = BTreeMap::new();
    for (provisional, request) in requests {
        groups.entry(request.desired.as_str()).or_default().push((provisional, request));
    }
    // Every requested name is reserved for its own group first, so that a numbered name given
    // to a collision can never take a name another place asked for.
    let mut taken: HashSet<String> = groups.keys().map(|name| name.to_string()).collect();
    let mut names = HashMap::new();
    let mut notes = Vec::new();
    for (desired, mut members) in groups {
        members.sort_by(|(_, a), (_, b)| (!a.component, &a.source).cmp(&(!b.component, &b.source)));
        let mut number = 2;
        for (index, (provisional, request)) in members.into_iter().enumerate() {
            if index == 0 {
                names.insert(provisional.clone(), desired.to_string());
                continue;
            }
            let name = loop {
                let candidate = format!("{desired}{number}");
                number += 1;
                if taken.insert(candidate.clone()) {
                    break candidate;
                }
            };
            notes.push(NamingNote {
                name: name.clone(),
                source: request.source.clone(),
                reason: format!("another place also asks for `{desired}`; numbered after it (components first, then by JSON pointer)"),
            });
            names.insert(provisional.clone(), name);
        }
    }
    (names, notes)
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
        Request { desired: desired.into(), source: source.into(), component }
    }

    #[test]
    fn owners_look_through_all_of() {
        assert_eq!(owner_of_property("/components/schemas/A/allOf/1/properties/x"), Some("/components/schemas/A"));
        assert_eq!(owner_of_property("/components/schemas/A/properties/x/properties/y"), Some("/components/schemas/A/properties/x"));
        assert_eq!(strip_all_of("/components/schemas/allOf"), "/components/schemas/allOf");
    }

    #[test]
    fn collisions_are_settled_by_kind_then_pointer_not_by_order() {
        let mut requests = HashMap::new();
        requests.insert("p1".to_string(), request("FooBar", "/components/schemas/Foo/properties/bar", false));
        requests.insert("p2".to_string(), request("FooBar", "/components/schemas/FooBar", true));
        requests.insert("p3".to_string(), request("FooBar", "/components/schemas/Foo/properties/Bar", false));
        requests.insert("p4".to_string(), request("FooBar2", "/components/schemas/FooBar2", true));
        let (names, notes) = final_names(&requests);
        assert_eq!(names["p2"], "FooBar");
        assert_eq!(names["p3"], "FooBar3", "FooBar2 is asked for by another place");
        assert_eq!(names["p1"], "FooBar4");
        assert_eq!(names["p4"], "FooBar2");
        assert_eq!(notes.len(), 2);
    }
}
