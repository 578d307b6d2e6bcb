//! Place aliases. Types are named by place, so when upstream moves an inline schema to a
//! component (`instruct_type: {enum: […]}` → `instruct_type: {$ref: InstructType}`), the field's
//! type changes its name from `ModelArchitectureInstructType` to `InstructType` and code naming
//! the old one stops compiling, though nothing changed on the wire. So every place that refers
//! to a component (a property, a list item, a map value, a parameter or body, and a union member
//! that would be named by its title or tag) also keeps the name its inline schema would have had,
//! as a hidden alias of the component:
//! `#[doc(hidden)] pub type ModelArchitectureInstructType = InstructType;`. Fields keep the
//! component's name, which is what the docs show; the alias is only there to be found by old code.
//!
//! An alias never takes a name a type or another place asks for, and a name two places would give
//! to different components is left out: aliases change no other name.

use super::names::{shorten, MAX_TYPE_NAME};
use crate::ir::{TypeDef, TypeKind, TypeRef, TypeSpace};
use std::collections::{BTreeMap, HashMap, HashSet};

/// A place whose schema is a `$ref` to a component.
#[derive(Debug, Clone)]
pub(crate) struct PlaceRef {
    /// The name an inline schema at this place would ask for.
    pub hint: String,
    /// The place's JSON pointer.
    pub at: String,
    /// The component's provisional name.
    pub target: String,
}

/// Places whose inline schema would be named after them: properties, list items, map values,
/// parameters and bodies. Union members are named by their own title or tag, not their place
/// (`Resolver::keep_inline_member_name` adds those), and `allOf` members are merged, never a
/// type of their own.
pub(crate) fn is_named_place(at: &str) -> bool {
    let Some((parent, last)) = at.rsplit_once('/') else { return false };
    let parent_last = parent.rsplit('/').next().unwrap_or_default();
    match parent_last {
        "oneOf" | "anyOf" | "allOf" => false,
        "properties" => true,
        _ => matches!(last, "items" | "additionalProperties" | "schema"),
    }
}

/// Adds the hidden alias of every place in `refs` whose name is free (`roots[i]` is the root of
/// `refs[i]`'s name, `names` the final name of each provisional one, `asked` every name a type's
/// place asks for).
pub(crate) fn add(types: &mut TypeSpace, refs: &[PlaceRef], roots: &[String], names: &HashMap<String, String>, asked: &HashSet<String>) {
    let existing: HashSet<String> = types.types.iter().map(|t| t.name.clone()).collect();
    // Name → (pointer, target), every place that would take it, by pointer.
    let mut wanted: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (place, root) in refs.iter().zip(roots) {
        let name = shorten(&place.hint, root, MAX_TYPE_NAME);
        let target = names.get(&place.target).cloned().unwrap_or_else(|| place.target.clone());
        if name == target || existing.contains(&name) || asked.contains(&name) {
            continue;
        }
        wanted.entry(name).or_default().insert(place.at.clone(), target);
    }
    for (name, places) in wanted {
        let targets: HashSet<&String> = places.values().collect();
        if targets.len() != 1 {
            continue;
        }
        let Some((source, target)) = places.into_iter().next() else { continue };
        types.types.push(TypeDef { name, source, doc: None, deprecated: false, kind: TypeKind::Alias(TypeRef::Named(target)), hidden: true });
    }
    types.types.sort_by(|a, b| a.name.cmp(&b.name));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_places_named_after_themselves_get_aliases() {
        assert!(is_named_place("/components/schemas/ModelArchitecture/properties/instruct_type"));
        assert!(is_named_place("/components/schemas/Config/properties/groups/items"));
        assert!(is_named_place("/paths/~1models/get/parameters/0/schema"));
        assert!(!is_named_place("/components/schemas/Tool/oneOf/2"));
        assert!(!is_named_place("/components/schemas/Tool/allOf/0"));
        assert!(!is_named_place("/components/schemas/Tool"));
    }
}
