//! Spec drift in plain words: what changed between two versions of an API, computed on the
//! resolved model (so a rewrite of how the spec spells nullability is not a change), and whether
//! each change breaks users of the generated crate (their code stops compiling, or a valid
//! response stops decoding). The rules are written down in the README.

pub(crate) mod operations;

use crate::emit::construction::setter_argument;
use crate::ir::{Api, Field, Presence, TypeDef, TypeKind, TypeRef};
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Breaking,
    Compatible,
}

/// One change, with where it is and what it means.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Change {
    pub severity: Severity,
    /// `operation-added`, `field-removed`, `enum-value-added`, …
    pub kind: &'static str,
    /// `GET /models`, `Model.pricing`, …
    pub location: String,
    pub detail: String,
}

/// Every change from `old` to `new`, breaking ones first, then by kind and place.
pub fn diff(old: &Api, new: &Api) -> Vec<Change> {
    let mut changes = Vec::new();
    let old_types: BTreeMap<&str, &TypeDef> = old.types.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let new_types: BTreeMap<&str, &TypeDef> = new.types.types.iter().map(|t| (t.name.as_str(), t)).collect();
    let shapes = Shapes { old: &old_types, new: &new_types };
    operations::operations(old, new, &shapes, &mut changes);
    types(old, new, &shapes, &mut changes);
    keep_unowned(&mut changes, &old_types);
    changes.sort();
    changes
}

/// Kinds that say what happened to a type named after its place (an inline schema, or a place
/// alias): a user naming that type meets them, but where the field, variant or operation the
/// place belongs to has a breaking entry already, that entry states the break (its type changed
/// there), and these are left out.
const PLACE_KINDS: [&str; 2] = ["inline-type-removed", "place-alias-retyped"];

fn keep_unowned(changes: &mut Vec<Change>, old_types: &BTreeMap<&str, &TypeDef>) {
    let sources: foldhash::HashMap<&str, &str> = old_types.iter().map(|(name, def)| (*name, def.source.as_str())).collect();
    let owned: BTreeSet<String> = changes.iter().filter(|c| c.severity == Severity::Breaking && !PLACE_KINDS.contains(&c.kind)).map(|c| c.location.clone()).collect();
    changes.retain(|c| !PLACE_KINDS.contains(&c.kind) || !crate::probe::owners(&c.location, &sources).iter().skip(1).any(|owner| owned.contains(owner)));
}

fn change(changes: &mut Vec<Change>, severity: Severity, kind: &'static str, location: impl Into<String>, detail: impl Into<String>) {
    changes.push(Change { severity, kind, location: location.into(), detail: detail.into() });
}

fn required_word(required: bool) -> &'static str {
    if required { "required" } else { "optional" }
}

/// A type as the user's code spells it (`Vec<ChatMessage>`, `Option<i64>`, `Map<String>`).
fn show(ty: &TypeRef) -> String {
    ty.spelled()
}

/// Whether a type comes from `components/schemas` (inline types are reported through their owner).
pub fn is_component(def: &TypeDef) -> bool {
    def.source.strip_prefix("/components/schemas/").is_some_and(|rest| !rest.contains('/'))
}

fn types(old: &Api, new: &Api, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let (old_types, new_types) = (shapes.old, shapes.new);
    let (old_features, new_features) = (Features::of(old), Features::of(new));
    // A place alias is compiled with its target, whose own entry reports a feature change.
    for (name, before) in old_types {
        if new_types.get(name).is_some_and(|after| !before.hidden && !after.hidden) {
            feature_changes(name, &old_features, &new_features, changes);
        }
    }
    for (name, def) in new_types {
        if !old_types.contains_key(name) && is_component(def) {
            change(changes, Severity::Compatible, "type-added", *name, kind_word(&def.kind));
        }
    }
    for (name, before) in old_types {
        match new_types.get(name) {
            None if is_component(before) => change(changes, Severity::Breaking, "type-removed", *name, kind_word(&before.kind)),
            // Named after its place (`keep_unowned` drops this where the place reports it).
            None => change(changes, Severity::Breaking, "inline-type-removed", *name, format!("{} named after `{}`, which no longer holds it", kind_word(&before.kind), before.source)),
            Some(after) if before.hidden || after.hidden => place_alias_changes(name, before, after, shapes, changes),
            Some(after) => type_changes(name, &before.kind, &after.kind, shapes, changes),
        }
    }
}

fn kind_word(kind: &TypeKind) -> &'static str {
    match kind {
        TypeKind::Struct { .. } => "struct",
        // A text constant is emitted as an enum of one value (see `one_value_enum!`).
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } | TypeKind::Const { value: serde_json::Value::String(_), .. } => "enum",
        TypeKind::Const { .. } => "constant",
        TypeKind::Union { .. } => "union",
        TypeKind::Alias(_) => "alias",
    }
}

/// The cargo features that compile each type: a user who enabled one of them to get a type loses
/// it when it no longer sits behind that feature.
struct Features {
    gates: crate::emit::features::Gates,
    /// What "every tag" (an ungated type) means in this version.
    every: BTreeSet<String>,
}

impl Features {
    fn of(api: &Api) -> Features {
        let mut every = crate::emit::features::tag_features(api);
        every.insert(crate::emit::features::ALL.to_string());
        Features { gates: crate::emit::features::Gates::of(api), every }
    }

    fn of_type(&self, name: &str) -> BTreeSet<String> {
        self.gates.type_features(name).map(|f| f.into_iter().collect()).unwrap_or_else(|| self.every.clone())
    }
}

fn feature_changes(name: &str, old: &Features, new: &Features, changes: &mut Vec<Change>) {
    let (before, after) = (old.of_type(name), new.of_type(name));
    // A tag that is gone took its operations with it (reported there); only the features that
    // still exist and no longer compile the type are a change the user sees here.
    let lost: Vec<&String> = before.iter().filter(|f| !after.contains(*f) && new.every.contains(*f)).collect();
    if !lost.is_empty() {
        let lost: Vec<String> = lost.iter().map(|f| format!("`{f}`")).collect();
        let now: Vec<String> = after.iter().map(|f| format!("`{f}`")).collect();
        change(changes, Severity::Breaking, "type-features-changed", name, format!("no longer compiled with {} (now only with {})", lost.join(", "), now.join(", ")));
    }
}

/// Both versions' types by name, to say when a retyped field's new type is the old one renamed.
struct Shapes<'a> {
    old: &'a BTreeMap<&'a str, &'a TypeDef>,
    new: &'a BTreeMap<&'a str, &'a TypeDef>,
}

impl Shapes<'_> {
    /// Whether `old` (a type of the old version) and `new` (of the new one) are the same shape
    /// under two names: same kind, same enum values, same wire field names and presence. A hint
    /// for the report (the user renames the type), not a judgement: the change still breaks.
    fn renamed(&self, old: &TypeRef, new: &TypeRef) -> bool {
        match (old, new) {
            (TypeRef::List(a), TypeRef::List(b)) | (TypeRef::Map(a), TypeRef::Map(b)) | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => self.renamed(a, b),
            (TypeRef::Named(a), TypeRef::Named(b)) if a != b => {
                let (Some(a), Some(b)) = (self.old.get(a.as_str()), self.new.get(b.as_str())) else { return false };
                match (&a.kind, &b.kind) {
                    (TypeKind::Struct { fields: x, .. }, TypeKind::Struct { fields: y, .. }) => {
                        let outline = |fields: &[Field]| fields.iter().map(|f| (f.wire.clone(), format!("{:?}", f.presence))).collect::<BTreeSet<_>>();
                        outline(x) == outline(y)
                    }
                    // The same variants, each holding the same type for a user (its old name kept).
                    (TypeKind::Union { variants: x, .. }, TypeKind::Union { variants: y, .. }) => {
                        x.len() == y.len() && x.iter().zip(y).all(|(a, b)| a.rust == b.rust && a.boxed == b.boxed && (self.same(&a.ty, &b.ty) || self.renamed(&a.ty, &b.ty)))
                    }
                    (x, y) => match (enum_values(x), enum_values(y)) {
                        (Some(x), Some(y)) => x == y,
                        _ => x == y,
                    },
                }
            }
            _ => false,
        }
    }
}

impl Shapes<'_> {
    /// Whether callers of a setter taking `impl Into<T>` (`T` of the old version) usually pass
    /// something other than a `T` (`probe::user_value`): such a call stops compiling when the
    /// setter starts taking `impl Into<Option<T>>`; a call passing a `T` does not.
    fn takes_other_values(&self, ty: &TypeRef) -> bool {
        let kind_of = |name: &str| self.old.get(name).map(|def| &def.kind);
        matches!(crate::probe::user_value(ty, &kind_of), crate::probe::UserValue::Other(_))
    }

    /// `old` and `new` name the same type for a user's code: equal, or the name `old` spells
    /// is, in the new version, another name (an alias, a place alias) of the type `new` is.
    fn same(&self, old: &TypeRef, new: &TypeRef) -> bool {
        match (old, new) {
            _ if old == new => true,
            (TypeRef::List(a), TypeRef::List(b)) | (TypeRef::Map(a), TypeRef::Map(b)) | (TypeRef::Nullable(a), TypeRef::Nullable(b)) => self.same(a, b),
            _ => self.resolved(old) == self.resolved(new),
        }
    }

    /// `ty` with the new version's aliases followed (a chain of place aliases is a few long).
    fn resolved(&self, ty: &TypeRef) -> TypeRef {
        let mut ty = ty.clone();
        for _ in 0..8 {
            let TypeRef::Named(name) = &ty else { break };
            match self.new.get(name.as_str()).map(|def| &def.kind) {
                Some(TypeKind::Alias(target)) => ty = target.clone(),
                _ => break,
            }
        }
        ty
    }
}

/// A type that became, or stopped being, a place alias (see `resolve::place_aliases`): code
/// naming it still compiles when the shape behind the name is the same. When it is not, the
/// field whose type it names reports the break (the alias only follows it).
fn place_alias_changes(name: &str, before: &TypeDef, after: &TypeDef, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let target = |def: &TypeDef| match &def.kind {
        TypeKind::Alias(ty) if def.hidden => Some(ty.clone()),
        _ => None,
    };
    let here = TypeRef::Named(name.to_string());
    let (same, detail) = match (target(before), target(after)) {
        (None, Some(now)) => (shapes.renamed(&here, &now), format!("now another name for `{}`: the schema moved to a component", show(&now))),
        (Some(then), None) => (shapes.renamed(&then, &here), format!("was another name for `{}`, now its own type: the schema is inline again", show(&then))),
        (Some(then), Some(now)) => (shapes.same(&then, &now) || shapes.renamed(&then, &now), format!("another name for `{}`, now for `{}`", show(&then), show(&now))),
        (None, None) => return,
    };
    if same && before.kind != after.kind {
        change(changes, Severity::Compatible, "type-moved", name, format!("{detail} (same shape: code naming `{name}` still compiles)"));
    } else if !same && (target(before).is_none() || target(after).is_none()) {
        // (An alias retargeted from one component to another: what code built with it meets is
        // the old component's own change, reported there.)
        change(changes, Severity::Breaking, "place-alias-retyped", name, format!("{detail}, of another shape"));
    }
}

fn type_changes(name: &str, before: &TypeKind, after: &TypeKind, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    match (before, after) {
        (TypeKind::Struct { fields: old, extra: old_extra }, TypeKind::Struct { fields: new, extra: new_extra }) => {
            field_changes(name, old, new, shapes, changes);
            constructor_changes(name, old, new, shapes, changes);
            extra_changes(name, old_extra.as_ref(), new_extra.as_ref(), changes);
        }
        (TypeKind::StringEnum { .. } | TypeKind::Const { .. }, TypeKind::StringEnum { .. } | TypeKind::Const { .. })
            if enum_values(before).is_some() && enum_values(after).is_some() =>
        {
            let (old, new) = (enum_values(before).unwrap_or_default(), enum_values(after).unwrap_or_default());
            let added: Vec<String> = new.difference(&old).map(|value| format!("`{value}`")).collect();
            if matches!(before, TypeKind::Const { .. }) && matches!(after, TypeKind::StringEnum { .. }) {
                // A constant's `Default` (its only value, there for constructors) goes with its
                // second value: the variant stays, `{name}::default()` does not.
                let detail = format!("now also {}: `{name}::default()` no longer exists (name the value's variant instead)", added.join(", "));
                change(changes, Severity::Breaking, "enum-default-lost", name, detail);
            } else {
                for value in added {
                    change(changes, Severity::Compatible, "enum-value-added", name, value);
                }
            }
            for value in old.difference(&new) {
                change(changes, Severity::Breaking, "enum-value-removed", name, format!("`{value}`"));
            }
        }
        (TypeKind::Union { variants: old, .. }, TypeKind::Union { variants: new, .. }) => {
            // Variants are matched by their Rust name, which is what users write (a union that
            // loses its tag keeps its variants' names, see `resolve::unions`).
            let label = |v: &crate::ir::Variant| v.rust.clone();
            let old: BTreeMap<String, &crate::ir::Variant> = old.iter().map(|v| (label(v), v)).collect();
            let new: BTreeMap<String, &crate::ir::Variant> = new.iter().map(|v| (label(v), v)).collect();
            for variant in new.keys().filter(|k| !old.contains_key(*k)) {
                change(changes, Severity::Compatible, "union-variant-added", name, format!("`{variant}`"));
            }
            for (variant, before) in &old {
                let Some(after) = new.get(variant) else {
                    change(changes, Severity::Breaking, "union-variant-removed", name, format!("`{variant}`"));
                    continue;
                };
                if let (Some(old_tag), Some(new_tag)) = (&before.tag_value, &after.tag_value) {
                    if old_tag != new_tag {
                        change(changes, Severity::Breaking, "union-variant-tag-changed", name, format!("`{name}::{variant}` is sent as `{old_tag}` before, `{new_tag}` now"));
                    }
                }
                if (&before.ty, before.boxed) != (&after.ty, after.boxed) {
                    let retyped = format!("`{name}::{}({})` is now `{name}::{}({})`", before.rust, payload(before), after.rust, payload(after));
                    if before.boxed == after.boxed && shapes.same(&before.ty, &after.ty) {
                        let kept = format!("{retyped} (the schema moved to a component; `{}` is kept as another name of it)", show(&before.ty));
                        change(changes, Severity::Compatible, "union-variant-type-moved", name, kept);
                    } else {
                        change(changes, Severity::Breaking, "union-variant-type-changed", name, retyped);
                    }
                }
            }
        }
        (TypeKind::Alias(old), TypeKind::Alias(new)) if old != new => {
            change(changes, Severity::Breaking, "type-changed", name, format!("{} → {}", show(old), show(new)));
        }
        (old, new) if kind_word(old) != kind_word(new) => {
            change(changes, Severity::Breaking, "type-kind-changed", name, format!("{} → {}", kind_word(old), kind_word(new)));
        }
        _ => {}
    }
}

/// The values of a string enum, or of a text constant (an enum of one value to its users).
fn enum_values(kind: &TypeKind) -> Option<BTreeSet<&str>> {
    match kind {
        TypeKind::StringEnum { variants } => Some(variants.iter().map(|v| v.wire.as_str()).collect()),
        TypeKind::Const { value: serde_json::Value::String(value), .. } => Some(BTreeSet::from([value.as_str()])),
        _ => None,
    }
}

fn payload(variant: &crate::ir::Variant) -> String {
    if variant.boxed {
        format!("Box<{}>", show(&variant.ty))
    } else {
        show(&variant.ty)
    }
}

/// Keys a struct does not declare live in `extra: runtime::Extra`, unless the schema declares
/// `additionalProperties`: then in `additional_properties: Map<T>`. Code reading either field
/// breaks when the schema starts or stops declaring them, or changes their type.
fn extra_changes(name: &str, old: Option<&TypeRef>, new: Option<&TypeRef>, changes: &mut Vec<Change>) {
    let field = |extra: Option<&TypeRef>| match extra {
        None => format!("{}: Extra", crate::ir::UNDECLARED_FIELD),
        Some(ty) => format!("{}: Map<{}>", crate::ir::EXTRA_FIELD, show(ty)),
    };
    if old != new {
        change(changes, Severity::Breaking, "extra-field-changed", name, format!("`{}` is now `{}`", field(old), field(new)));
    }
}

/// `new(…)` takes the required fields that are not constants, in order: any change to that list
/// breaks every call, whatever made it (a field added, made required or optional, retyped).
fn constructor_changes(name: &str, old: &[Field], new: &[Field], shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let required = |fields: &'_ [Field]| -> Vec<Field> { fields.iter().filter(|f| f.presence == Presence::Required && !f.constant).cloned().collect() };
    let (old_args, new_args) = (required(old), required(new));
    let unchanged = old_args.len() == new_args.len() && old_args.iter().zip(&new_args).all(|(a, b)| a.rust == b.rust && shapes.same(&a.ty, &b.ty));
    let arguments = |fields: &[Field]| -> Vec<String> { fields.iter().map(|f| format!("{}: {}", f.rust, show(&f.ty))).collect() };
    let (before, after) = (arguments(&old_args), arguments(&new_args));
    if !unchanged {
        change(changes, Severity::Breaking, "constructor-changed", name, format!("`{name}::new({})` is now `{name}::new({})`", before.join(", "), after.join(", ")));
    }
}

fn field_changes(name: &str, old: &[Field], new: &[Field], shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let old_fields: BTreeMap<&str, &Field> = old.iter().map(|f| (f.wire.as_str(), f)).collect();
    for field in new {
        let at = format!("{name}.{}", field.wire);
        match old_fields.get(field.wire.as_str()) {
            // Structs are `#[non_exhaustive]`: no literal names every field, so a new required
            // field breaks only `new(…)`, which `constructor-changed` reports (a constant is
            // filled in by `new` itself).
            None if field.presence == Presence::Required => change(changes, Severity::Compatible, "field-added", at, format!("required (an argument of `{name}::new`, see constructor-changed, unless a constant)")),
            None => change(changes, Severity::Compatible, "field-added", at, "optional"),
            Some(before) => {
                if before.rust != field.rust {
                    change(changes, Severity::Breaking, "field-renamed", at.clone(), format!("field and setter `{}` are now `{}`", before.rust, field.rust));
                }
                let holds_option = |p: Presence| p != Presence::Required;
                if before.presence != field.presence {
                    let same_field = holds_option(before.presence) == holds_option(field.presence) && before.presence != Presence::TriState && field.presence != Presence::TriState;
                    // Both `Option<T>` to read, but the setter's argument is what callers write:
                    // `impl Into<Option<T>>` for a required-nullable field, `impl Into<T>` for an
                    // optional one, so `.field(None)` or `.field(value)` stops compiling.
                    let setter = |p: Presence| setter_argument(p, &field.ty, &show(&field.ty), "Patch");
                    // A value of exactly `T` converts into both; what callers usually pass (a
                    // `&str`, a variant's payload) converts only into `T`, and `None` only into
                    // `Option<T>`.
                    let setter_breaks = setter(before.presence) != setter(field.presence)
                        && (before.presence == Presence::RequiredNullable || shapes.takes_other_values(&before.ty));
                    let (severity, why) = if !same_field {
                        (Severity::Breaking, String::new())
                    } else if setter_breaks {
                        (Severity::Breaking, format!(": the setter took `{}`, now `{}`", setter(before.presence), setter(field.presence)))
                    } else {
                        (Severity::Compatible, String::new())
                    };
                    change(changes, severity, "field-presence-changed", at.clone(), format!("{:?} → {:?}{why}", before.presence, field.presence));
                } else if before.nullable != field.nullable {
                    change(changes, Severity::Compatible, "field-nullability-changed", at.clone(), format!("nullable: {} → {}", before.nullable, field.nullable));
                }
                if before.ty != field.ty && shapes.same(&before.ty, &field.ty) {
                    change(changes, Severity::Compatible, "field-type-moved", at, format!("{} → {} (the schema moved to a component; `{}` is kept as another name of it)", show(&before.ty), show(&field.ty), show(&before.ty)));
                } else if before.ty != field.ty {
                    let hint = if shapes.renamed(&before.ty, &field.ty) { " (the same shape under another name: rename the type in your code)" } else { "" };
                    change(changes, Severity::Breaking, "field-type-changed", at, format!("{} → {}{hint}", show(&before.ty), show(&field.ty)));
                }
            }
        }
    }
    let new_names: BTreeSet<&str> = new.iter().map(|f| f.wire.as_str()).collect();
    for field in old.iter().filter(|f| !new_names.contains(f.wire.as_str())) {
        change(changes, Severity::Breaking, "field-removed", format!("{name}.{}", field.wire), "");
    }
}

/// Counts per severity and kind.
pub fn summary(changes: &[Change]) -> BTreeMap<(Severity, &'static str), usize> {
    let mut counts = BTreeMap::new();
    for c in changes {
        *counts.entry((c.severity, c.kind)).or_insert(0) += 1;
    }
    counts
}

/// The report as plain text (default) or Markdown (for a pull-request comment).
pub fn render(api: &str, changes: &[Change], markdown: bool) -> String {
    let breaking = changes.iter().filter(|c| c.severity == Severity::Breaking).count();
    let mut out = String::new();
    let title = format!("{api}: {} change(s), {breaking} breaking, {} compatible", changes.len(), changes.len() - breaking);
    if markdown {
        out.push_str(&format!("### {title}\n\n| kind | count |\n| --- | --- |\n"));
        for ((severity, kind), count) in summary(changes) {
            out.push_str(&format!("| {kind} ({severity:?}) | {count} |\n"));
        }
        out.push('\n');
        for c in changes {
            out.push_str(&format!("- **{:?}** `{}` {}: {}\n", c.severity, c.kind, c.location, c.detail));
        }
    } else {
        out.push_str(&format!("{title}\n"));
        for ((severity, kind), count) in summary(changes) {
            out.push_str(&format!("  {count:>5}  {kind} ({severity:?})\n"));
        }
        for c in changes {
            let mark = if c.severity == Severity::Breaking { "BREAKING " } else { "" };
            out.push_str(&format!("{mark}{}: {} {}\n", c.kind, c.location, c.detail).replace("  ", " "));
        }
    }
    out
}
