//! What users need to build values: which fields constructors fill on their own (one-value tags)
//! and which `From` conversions each union gets. Decided once the type names are final, because
//! both look through aliases.

use crate::ir::{Conversion, Presence, Prim, TypeDef, TypeKind, TypeRef};
use std::collections::HashMap;

pub(crate) fn decide(types: &mut [TypeDef]) {
    let kinds: HashMap<String, TypeKind> = types.iter().map(|t| (t.name.clone(), t.kind.clone())).collect();
    let tags = union_tags(&kinds);
    for def in types.iter_mut() {
        if let TypeKind::Const { union_tag, .. } = &mut def.kind {
            *union_tag = tags.contains(&def.name);
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

/// The constants that are a tagged union member's tag. They stay `runtime::Const` (zero cost,
/// one generic impl of everything), where other text constants become one-value enums: a tag
/// that gained a value would no longer tell the union's members apart, so its shape is not
/// what such an edit puts at stake.
fn union_tags(kinds: &HashMap<String, TypeKind>) -> std::collections::HashSet<String> {
    let mut tags = std::collections::HashSet::new();
    for kind in kinds.values() {
        let TypeKind::Union { tag: Some(tag), variants } = kind else { continue };
        for variant in variants {
            let Some(TypeKind::Struct { fields, .. }) = behind(&variant.ty, kinds).1 else { continue };
            for field in fields.iter().filter(|f| &f.wire == tag) {
                if let (TypeRef::Named(name), Some(TypeKind::Const { .. })) = behind(&field.ty, kinds) {
                    tags.insert(name);
                }
            }
        }
    }
    tags
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
