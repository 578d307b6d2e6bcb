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
use foldhash::{HashMap, HashSet};

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
    let aliases = aliases_of(&types.types, refs, roots, names, asked);
    types.types.extend(aliases.into_iter().map(|alias| TypeDef {
        name: alias.name,
        source: alias.at,
        doc: None,
        deprecated: false,
        kind: TypeKind::Alias(TypeRef::Named(alias.target)),
        hidden: true,
    }));
    types.types.sort_by(|a, b| a.name.cmp(&b.name));
}

/// The place aliases of `types`: those of the places, then those of the types nested in their
/// targets.
fn aliases_of(types: &[TypeDef], refs: &[PlaceRef], roots: &[String], names: &HashMap<String, String>, asked: &HashSet<String>) -> Vec<Alias> {
    let mut nesting = Nesting::of(types);
    let mut wanted = Vec::new();
    for (place, root) in refs.iter().zip(roots) {
        let name = shorten(&place.hint, root, MAX_TYPE_NAME);
        let target = names.get(&place.target).cloned().unwrap_or_else(|| place.target.clone());
        if name == target || nesting.is_taken(&name) || asked.contains(&name) {
            continue;
        }
        wanted.push(Wanted { name, at: place.at.clone(), target });
    }
    let mut fresh = unique(wanted).kept;
    let mut all = Vec::new();
    // Nested types may themselves be place aliases (added in the round before): repeat until
    // no new name comes up (a few rounds: one per level of components inside components). Each
    // round looks only at what the round before added, against everything: a name first comes up
    // in the round after the alias or type that makes it, and is then settled for good (taken,
    // or refused because two places give it to different types).
    // Eight levels at most: a recursive schema nests without end.
    for _ in 0..8 {
        let round = nesting.next_round(&fresh, asked);
        all.append(&mut fresh);
        fresh = round;
        if fresh.is_empty() {
            break;
        }
    }
    all
}

/// A hidden alias: its name, the place it is defined at, and the type it names.
#[derive(Clone)]
struct Alias {
    name: String,
    at: String,
    target: String,
}

/// A name a place would give to a type.
type Wanted = Alias;

/// What [`unique`] made of the wanted names.
struct Settled {
    /// For names every place gives to one type, that alias (at the first of its places).
    kept: Vec<Alias>,
    /// Names two places would give to different types.
    refused: Vec<String>,
}

/// The names that every place asking for them would point at the same type, each at its first
/// place by pointer.
fn unique(mut wanted: Vec<Wanted>) -> Settled {
    wanted.sort_unstable_by(|a, b| a.name.cmp(&b.name));
    let mut settled = Settled { kept: Vec::new(), refused: Vec::new() };
    let mut places = wanted.into_iter().peekable();
    while let Some(mut first) = places.next() {
        let mut one_target = true;
        while let Some(next) = places.next_if(|next| next.name == first.name) {
            one_target &= next.target == first.target;
            if next.at < first.at {
                first = next;
            }
        }
        if one_target {
            settled.kept.push(first);
        } else {
            settled.refused.push(first.name);
        }
    }
    settled
}

/// The inline types inside a component are named after it (`Shell` + `outcome` →
/// `ShellOutcome`), so when a schema moves to a component, the types nested in it change their
/// names with it. Each gets the name it had under the old place as well, the place alias's name
/// in front of the rest of its own (`OutputItem` + `Outcome`), under the same rules: never a name
/// that exists or is asked for, never one that two places would give to different types.
///
/// Every type by the place it was made at, and every alias by the place of the type it names, so
/// that each round pairs only the new aliases with every type inside their target, and the new
/// aliases with every older alias whose target holds them.
struct Nesting<'a> {
    /// (place, name) of every type, by the first three segments of its place (the component or
    /// operation it is part of), so that the types under a place are found among few.
    types_by_root: HashMap<&'a str, Vec<(&'a str, &'a str)>>,
    /// The place of every type, by name.
    type_places: HashMap<&'a str, &'a str>,
    /// (place, name) of every alias so far, by the root of its place.
    aliases_by_root: HashMap<String, Vec<(String, String)>>,
    /// The place of every alias so far, by name.
    alias_places: HashMap<String, String>,
    /// The aliases of earlier rounds, by the place of the type they name.
    aliases_by_target_place: HashMap<String, Vec<Alias>>,
    /// The lengths of those places: most prefixes of a place need no lookup.
    target_place_lengths: HashSet<usize>,
    /// Names two places would give to different types.
    refused: HashSet<String>,
}

/// The first three segments of a place (`/components/schemas/Shell`,
/// `/paths/~1chat/post`), or all of a shorter one.
fn root_of(place: &str) -> &str {
    match slashes(place).nth(3) {
        Some(cut) => &place[..cut],
        None => place,
    }
}

/// The byte offsets of the `/`s of a place.
fn slashes(place: &str) -> impl Iterator<Item = usize> + '_ {
    place.bytes().enumerate().filter(|(_, byte)| *byte == b'/').map(|(at, _)| at)
}

impl<'a> Nesting<'a> {
    fn of(types: &'a [TypeDef]) -> Nesting<'a> {
        let mut types_by_root: HashMap<&str, Vec<(&str, &str)>> = HashMap::default();
        for def in types {
            types_by_root.entry(root_of(&def.source)).or_default().push((def.source.as_str(), def.name.as_str()));
        }
        Nesting {
            types_by_root,
            type_places: types.iter().map(|t| (t.name.as_str(), t.source.as_str())).collect(),
            aliases_by_root: HashMap::default(),
            alias_places: HashMap::default(),
            aliases_by_target_place: HashMap::default(),
            target_place_lengths: HashSet::default(),
            refused: HashSet::default(),
        }
    }

    fn is_taken(&self, name: &str) -> bool {
        self.type_places.contains_key(name) || self.alias_places.contains_key(name)
    }

    fn place_of(&self, name: &str) -> Option<&str> {
        self.type_places.get(name).copied().or_else(|| self.alias_places.get(name).map(String::as_str))
    }

    /// The aliases the `fresh` ones (just settled) bring: theirs for the types inside their
    /// targets, and the older aliases' for the fresh aliases that sit inside theirs.
    fn next_round(&mut self, fresh: &[Alias], asked: &HashSet<String>) -> Vec<Alias> {
        for alias in fresh {
            self.aliases_by_root.entry(root_of(&alias.at).to_string()).or_default().push((alias.at.clone(), alias.name.clone()));
            self.alias_places.insert(alias.name.clone(), alias.at.clone());
        }
        let mut wanted = Vec::new();
        let mut candidate = String::new();
        let mut want = |alias: &Alias, inside: &str, place: &str, name: &str| {
            let (alias_name, alias_at, alias_target) = (alias.name.as_str(), alias.at.as_str(), alias.target.as_str());
            // Hidden ones too: a place alias inside the component (its place moved on to a
            // component of its own) is a name the old nesting had as well.
            let Some(rest) = name.strip_prefix(alias_target) else { return };
            if name == alias_name || rest.is_empty() || alias_name.len() + rest.len() > MAX_TYPE_NAME {
                return;
            }
            candidate.clear();
            candidate.push_str(alias_name);
            candidate.push_str(rest);
            if self.is_taken(&candidate) || asked.contains(candidate.as_str()) || self.refused.contains(candidate.as_str()) {
                return;
            }
            // Each is defined at the place its name comes from, so the types nested in it are
            // found under that place in the next round.
            let below = &place[inside.len() - 1..];
            let mut at = String::with_capacity(alias_at.len() + below.len());
            at.push_str(alias_at);
            at.push_str(below);
            wanted.push(Wanted { name: candidate.clone(), at, target: name.to_string() });
        };
        for alias in fresh {
            let Some(place) = self.place_of(&alias.target) else { continue };
            let mut inside = String::with_capacity(place.len() + 1);
            inside.push_str(place);
            inside.push('/');
            // A place of fewer than three segments holds whole roots: look through them all.
            let roots: Vec<&str> = if slashes(place).nth(2).is_some() {
                vec![root_of(place)]
            } else {
                self.types_by_root.keys().copied().chain(self.aliases_by_root.keys().map(String::as_str)).collect()
            };
            let mut nested: Vec<(&str, &str)> = Vec::new();
            for root in roots {
                let types = self.types_by_root.get(root).into_iter().flatten().copied();
                let aliases = self.aliases_by_root.get(root).into_iter().flatten().map(|(place, name)| (place.as_str(), name.as_str()));
                nested.extend(types.chain(aliases).filter(|(place, _)| place.starts_with(&inside)));
            }
            for (place, name) in nested {
                want(alias, &inside, place, name);
            }
        }
        for new in fresh {
            // Each older alias whose target's place is a proper prefix of this one's, at a `/`.
            for cut in slashes(&new.at).filter(|cut| self.target_place_lengths.contains(cut)) {
                for older in self.aliases_by_target_place.get(&new.at[..cut]).into_iter().flatten() {
                    want(older, &new.at[..=cut], &new.at, &new.name);
                }
            }
        }
        for alias in fresh {
            if let Some(place) = self.place_of(&alias.target).map(str::to_string) {
                self.target_place_lengths.insert(place.len());
                self.aliases_by_target_place.entry(place).or_default().push(alias.clone());
            }
        }
        let settled = unique(wanted);
        self.refused.extend(settled.refused);
        settled.kept
    }
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
