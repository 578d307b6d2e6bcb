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
    let mut added = unique(wanted);
    let mut taken = existing;
    // Nested types may themselves be place aliases (added in the round before): repeat until
    // no new name comes up (a few rounds: one per level of components inside components).
    for _ in 0..8 {
        let kept: Vec<(String, String, String)> = added.iter().map(|(name, (source, target))| (name.clone(), source.clone(), target.clone())).collect();
        taken.extend(kept.iter().map(|(name, _, _)| name.clone()));
        for (name, source, target) in kept {
            types.types.push(TypeDef { name, source, doc: None, deprecated: false, kind: TypeKind::Alias(TypeRef::Named(target)), hidden: true });
        }
        let aliases: BTreeMap<String, (String, String)> = types.types.iter().filter_map(|t| match &t.kind {
            TypeKind::Alias(TypeRef::Named(target)) if t.hidden => Some((t.name.clone(), (t.source.clone(), target.clone()))),
            _ => None,
        }).collect();
        added = nested_aliases(types, &aliases, &taken, asked);
        if added.is_empty() {
            break;
        }
    }
    types.types.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The names that every place asking for them would point at the same type: name → (pointer,
/// target).
fn unique(wanted: BTreeMap<String, BTreeMap<String, String>>) -> BTreeMap<String, (String, String)> {
    let mut kept = BTreeMap::new();
    for (name, places) in wanted {
        let targets: HashSet<&String> = places.values().collect();
        if targets.len() != 1 {
            continue;
        }
        if let Some(place) = places.into_iter().next() {
            kept.insert(name, place);
        }
    }
    kept
}

/// The inline types inside a component are named after it (`Shell` + `outcome` →
/// `ShellOutcome`), so when a schema moves to a component, the types nested in it change their
/// names with it. Each gets the name it had under the old place as well, the place alias's name
/// in front of the rest of its own (`OutputItem` + `Outcome`), under the same rules: never a name
/// that exists or is asked for, never one that two places would give to different types.
fn nested_aliases(types: &TypeSpace, kept: &BTreeMap<String, (String, String)>, existing: &HashSet<String>, asked: &HashSet<String>) -> BTreeMap<String, (String, String)> {
    let source: HashMap<&str, &str> = types.types.iter().map(|t| (t.name.as_str(), t.source.as_str())).collect();
    // By place, so the types under one place are one run of the list: a scan of every type for
    // every alias made regeneration three times as slow.
    let mut by_place: Vec<&TypeDef> = types.types.iter().collect();
    by_place.sort_by(|a, b| a.source.cmp(&b.source));
    let mut wanted: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for (alias, (at, target)) in kept {
        let Some(inside) = source.get(target.as_str()).map(|s| format!("{s}/")) else { continue };
        let start = by_place.partition_point(|t| t.source.as_str() < inside.as_str());
        let nested = by_place[start..].iter().take_while(|t| t.source.starts_with(&inside));
        // Hidden ones too: a place alias inside the component (its place moved on to a
        // component of its own) is a name the old nesting had as well.
        for def in nested.filter(|t| t.name != *alias) {
            let Some(rest) = def.name.strip_prefix(target.as_str()) else { continue };
            let name = format!("{alias}{rest}");
            if rest.is_empty() || name.len() > MAX_TYPE_NAME || existing.contains(&name) || asked.contains(&name) || kept.contains_key(&name) {
                continue;
            }
            wanted.entry(name).or_default().insert(format!("{at}{}", &def.source[inside.len() - 1..]), def.name.clone());
        }
    }
    // Each is defined at the place its name comes from, so the types nested in it are found
    // under that place in the next round.
    unique(wanted)
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
