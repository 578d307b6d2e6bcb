//! What users need to build values: which fields constructors fill on their own (one-value tags)
//! and which `From` conversions each union gets. Decided once the type names are final, because
//! both look through aliases.

use crate::ir::{Conversion, Presence, Prim, TypeDef, TypeKind, TypeRef};
use foldhash::{HashMap, HashSet};

pub(crate) fn decide(types: &mut [TypeDef]) {
    let kinds: HashMap<String, TypeKind> = types.iter().map(|t| (t.name.clone(), t.kind.clone())).collect();
    let tags = field_tags(types);
    for def in types.iter_mut() {
        if let TypeKind::Const { tag, .. } = &mut def.kind {
            *tag = tags.contains(&def.name);
        }
    }
    for def in types.iter_mut() {
        match &mut def.kind {
            TypeKind::Struct { fields, .. } => {
                for field in fields.iter_mut() {
                    field.constant = field.presence == Presence::Required && matches!(behind(&field.ty, &kinds).1, Some(TypeKind::Const { .. }));
                }
            }
            TypeKind::Union { variants, .. } => {
                let mut seen: Vec<TypeRef> = Vec::new();
                let mut str_taken = false;
                for variant in variants.iter_mut() {
                    let (target, _) = behind(&variant.ty, &kinds);
                    // Two variants of one type would make two identical `From` impls: the first
                    // (most specific) keeps it, the other is built with its variant name.
                    if seen.contains(&target) {
                        continue;
                    }
                    seen.push(target.clone());
                    variant.conversions.push(Conversion::Own);
                    if target == TypeRef::Prim(Prim::String) && !str_taken {
                        str_taken = true;
                        variant.conversions.push(Conversion::Str);
                    }
                }
            }
            _ => {}
        }
    }
}

/// The text constants that stay `runtime::Const` (zero cost, one generic impl of everything),
/// where the others become one-value enums: a property's own inline constant that its object
/// requires, a tag (`type: "text"`). Such a field is filled in by `new`, so a value upstream adds
/// changes the constructor anyway, and an enum's room for more values buys nothing. Decided by the
/// constant's own place and the object declaring it, never by what holds that object (whether a
/// union around it can be tagged): an edit elsewhere changes no constant's kind.
fn field_tags(types: &[TypeDef]) -> HashSet<String> {
    let mut required = HashSet::default();
    let mut other = HashSet::default();
    for def in types {
        let TypeKind::Struct { fields, .. } = &def.kind else { continue };
        for field in fields {
            let TypeRef::Named(name) = &field.ty else { continue };
            if field.presence == Presence::Required { &mut required } else { &mut other }.insert(name.as_str());
        }
    }
    types
        .iter()
        .filter(|def| matches!(def.kind, TypeKind::Const { .. }))
        .filter(|def| def.source.rsplit_once('/').is_some_and(|(parent, _)| parent.ends_with("/properties")))
        .filter(|def| required.contains(def.name.as_str()) && !other.contains(def.name.as_str()))
        .map(|def| def.name.clone())
        .collect()
}

/// The type a reference stands for once aliases are followed, and its definition if named.
fn behind<'k>(ty: &TypeRef, kinds: &'k HashMap<String, TypeKind>) -> (TypeRef, Option<&'k TypeKind>) {
    let mut ty = ty.clone();
    for _ in 0..32 {
        let TypeRef::Named(name) = &ty else { return (ty, None) };
        match kinds.get(name) {
            Some(TypeKind::Alias(next)) => ty = next.clone(),
            Some(kind) => return (ty, Some(kind)),
            None => return (ty, None),
        }
    }
    (ty, None)
}
