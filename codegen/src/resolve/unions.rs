//! `oneOf` / `anyOf`: tagged enums where a tag can be read (discriminator, or a one-value property
//! every variant has), untagged enums tried most-specific-first otherwise.

use super::objects::Collected;
use super::schema::{enum_from_values, Node};
use super::{names::Namer, Resolver};
use crate::error::SpecError;
use crate::ir::{Presence, Prim, TypeKind, TypeRef, Variant};
use openapiv3::{ReferenceOr, Schema, SchemaKind, Type};

/// A union member after resolution.
struct Member {
    ty: TypeRef,
    /// For members that are `$ref`s: the component name (discriminator mappings name these).
    reference: Option<String>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn union_kind(
        &mut self,
        members: &'a [ReferenceOr<Schema>],
        schema: &'a Schema,
        siblings: &[(String, Node<'a>)],
        name: &str,
        at: &str,
    ) -> Result<(TypeKind, bool), SpecError> {
        let mut nullable = schema.schema_data.nullable;
        if siblings.is_empty() {
            if let Some(kind) = merged_string_enum(members) {
                return Ok((kind, nullable));
            }
        }
        let discriminator = schema.schema_data.discriminator.as_ref();
        let tag_property = discriminator.map(|d| d.property_name.as_str());
        let union_at = at.rsplit_once('/').map(|(head, _)| head).unwrap_or(at);
        let mut resolved = Vec::with_capacity(members.len());
        for (index, member) in members.iter().enumerate() {
            let member_at = format!("{at}/{index}");
            // A union of one (what is left of `anyOf: [X, null]`) is that member, under the union's name.
            let hint = if members.len() == 1 {
                name.to_string()
            } else {
                super::names::join(name, &member_label(member, tag_property, self.schemas))
            };
            let shape = if siblings.is_empty() {
                self.shape(member.into(), &hint, &member_at)?
            } else {
                self.member_with_siblings(member.into(), siblings, union_at, &hint, &member_at)?
            };
            nullable |= shape.nullable;
            let reference = match member {
                ReferenceOr::Reference { reference } => reference.strip_prefix("#/components/schemas/").map(str::to_string),
                ReferenceOr::Item(_) => None,
            };
            // A union of one is its member, and with siblings every member is a struct of its own.
            let aliased = members.len() > 1 && siblings.is_empty();
            if let (true, Some(raw), TypeRef::Named(target)) = (aliased, &reference, &shape.ty) {
                self.keep_inline_member_name(raw, target, tag_property, name, &member_at);
            }
            resolved.push(Member { ty: shape.ty, reference });
        }
        match resolved.len() {
            0 => return Ok((TypeKind::Alias(TypeRef::Any), nullable)),
            1 => return Ok((TypeKind::Alias(resolved.remove(0).ty), nullable)),
            _ => {}
        }
        if let Some(open_enum) = self.open_enum(&resolved) {
            return Ok((TypeKind::Alias(open_enum), nullable));
        }
        if let Some(kind) = self.tagged(&resolved, discriminator) {
            return Ok((kind, nullable));
        }
        Ok((self.untagged(resolved, name), nullable))
    }

    /// A `$ref` member keeps, as a place alias, the name the same schema inline would have had
    /// (`Tool::Function(ToolFunction)`), so upstream moving a member to a component breaks no
    /// code. Only for members an inline schema would name by what it says of itself (its title
    /// or tag): those are the members whose variant name survives the move as well.
    /// (`raw` is the member's component, `target` its type).
    fn keep_inline_member_name(&mut self, raw: &str, target: &str, tag_property: Option<&str>, union_name: &str, at: &str) {
        let Some(ReferenceOr::Item(schema)) = self.schemas.get(raw) else { return };
        let Some(label) = self_label(schema, tag_property, self.schemas) else { return };
        let hint = super::names::join(union_name, &label);
        self.place_refs.push(super::place_aliases::PlaceRef { hint, at: at.to_string(), target: target.to_string() });
    }

    /// A `oneOf` with sibling `properties`: the properties belong to every variant.
    fn member_with_siblings(
        &mut self,
        member: Node<'a>,
        siblings: &[(String, Node<'a>)],
        union_at: &str,
        hint: &str,
        at: &str,
    ) -> Result<super::Shape, SpecError> {
        if let Some(shape) = self.inline_shapes.get(at) {
            return Ok(shape.clone());
        }
        self.place_names.entry(at.to_string()).or_insert_with(|| hint.to_string());
        let mut collected = Collected::default();
        self.collect(member, at, &mut collected, 0)?;
        for (name, node) in siblings {
            let sibling_at = crate::error::child(&format!("{union_at}/properties"), name);
            collected.properties.insert(name.clone(), (*node, sibling_at));
        }
        let kind = self.struct_from(collected, hint, at)?;
        let name = self.intern(hint, kind, at, None, false);
        let shape = super::Shape { ty: TypeRef::Named(name), nullable: false, deprecated: false };
        self.inline_shapes.insert(at.to_string(), shape.clone());
        Ok(shape)
    }

    /// `anyOf: [SomeEnum, string]`: our enums are already open, so this is just the enum.
    fn open_enum(&self, members: &[Member]) -> Option<TypeRef> {
        let [a, b] = members else { return None };
        let is_string = |m: &Member| m.ty == TypeRef::Prim(Prim::String);
        let is_enum = |m: &Member| matches!(self.kind_behind(&m.ty), Some(TypeKind::StringEnum { .. }));
        if is_enum(a) && is_string(b) {
            Some(a.ty.clone())
        } else if is_string(a) && is_enum(b) {
            Some(b.ty.clone())
        } else {
            None
        }
    }

    /// The definition behind a reference, through aliases.
    pub(crate) fn kind_behind(&self, ty: &TypeRef) -> Option<&TypeKind> {
        let mut ty = ty;
        for _ in 0..32 {
            let TypeRef::Named(name) = ty else { return None };
            match &self.types.get(name)?.kind {
                TypeKind::Alias(next) => ty = next,
                kind => return Some(kind),
            }
        }
        None
    }

    /// The constant value of a required property of a struct member, if it has one.
    fn tag_value(&self, ty: &TypeRef, property: &str) -> Option<String> {
        let Some(TypeKind::Struct { fields, .. }) = self.kind_behind(ty) else { return None };
        let field = fields.iter().find(|f| f.wire == property && f.presence == Presence::Required)?;
        match self.kind_behind(&field.ty)? {
            TypeKind::Const { value: serde_json::Value::String(value), .. } => Some(value.clone()),
            _ => None,
        }
    }

    fn tagged(&self, members: &[Member], discriminator: Option<&openapiv3::Discriminator>) -> Option<TypeKind> {
        let candidates: Vec<String> = match discriminator {
            Some(d) => vec![d.property_name.clone()],
            None => self.tag_candidates(&members[0].ty),
        };
        'candidate: for property in candidates {
            let mut values = Vec::with_capacity(members.len());
            for member in members {
                let from_mapping = discriminator.and_then(|d| {
                    let reference = member.reference.as_ref()?;
                    d.mapping.iter().find(|(_, target)| target.strip_prefix("#/components/schemas/") == Some(reference.as_str()))
                        .map(|(key, _)| key.clone())
                });
                let Some(value) = self.tag_value(&member.ty, &property).or(from_mapping) else { continue 'candidate };
                if values.contains(&value) {
                    continue 'candidate;
                }
                values.push(value);
            }
            let mut namer = Namer::default();
            namer.reserve("Unknown");
            let variants = members
                .iter()
                .zip(values)
                .map(|(member, value)| Variant {
                    rust: namer.take(&super::pascal(&value)),
                    tag_value: Some(value),
                    ty: member.ty.clone(),
                    boxed: false,
                    conversions: Vec::new(),
                })
                .collect();
            return Some(TypeKind::Union { tag: Some(property), variants });
        }
        None
    }

    /// Required one-value string properties of a struct, `type` first.
    fn tag_candidates(&self, ty: &TypeRef) -> Vec<String> {
        let Some(TypeKind::Struct { fields, .. }) = self.kind_behind(ty) else { return Vec::new() };
        let mut names: Vec<String> = fields.iter().filter(|f| self.tag_value(ty, &f.wire).is_some()).map(|f| f.wire.clone()).collect();
        names.sort_by_key(|name| name != "type");
        names
    }

    fn untagged(&self, members: Vec<Member>, union_name: &str) -> TypeKind {
        let own_tags = self.own_tag_labels(&members);
        let mut ranked: Vec<(u32, usize, Member)> =
            members.into_iter().enumerate().map(|(index, m)| (self.specificity(&m.ty), index, m)).collect();
        ranked.sort_by_key(|(rank, index, _)| (*rank, *index));
        let mut namer = Namer::default();
        namer.reserve("Unknown");
        let labels: Vec<String> = ranked.iter().map(|(_, _, member)| variant_label(&member.ty, union_name)).collect();
        // Two lists (or maps) are told apart by what they hold, never by a number.
        let shared = |label: &str| (label == "List" || label == "Map") && labels.iter().filter(|l| *l == label).count() > 1;
        let variants = ranked
            .into_iter()
            .zip(labels.iter())
            .map(|((_, index, member), label)| Variant {
                rust: namer.take(&own_tags[index].clone().unwrap_or_else(|| if shared(label) { self.payload_label(&member.ty, union_name) } else { label.clone() })),
                tag_value: None,
                ty: member.ty,
                boxed: false,
                conversions: Vec::new(),
            })
            .collect();
        TypeKind::Union { tag: None, variants }
    }

    /// Each member's own tag value as its variant name, where the union as a whole cannot be
    /// tagged (a member lacks the tag, or repeats another's value): the property most members
    /// have as a one-value tag (`type` on a tie), the first member with each value. So a union
    /// that loses its discriminator, or gains a member without the tag, renames none of the
    /// variants it had.
    fn own_tag_labels(&self, members: &[Member]) -> Vec<Option<String>> {
        let mut counts: std::collections::BTreeMap<String, usize> = std::collections::BTreeMap::new();
        for member in members {
            for property in self.tag_candidates(&member.ty) {
                *counts.entry(property).or_default() += 1;
            }
        }
        let best = counts
            .into_iter()
            .filter(|(_, count)| *count >= 2)
            .max_by_key(|(property, count)| (*count, property == "type", std::cmp::Reverse(property.clone())))
            .map(|(property, _)| property);
        let Some(property) = best else { return vec![None; members.len()] };
        let mut seen = foldhash::HashSet::default();
        members
            .iter()
            .map(|member| self.tag_value(&member.ty, &property).filter(|value| seen.insert(value.clone())).map(|value| super::pascal(&value)))
            .collect()
    }

    /// A variant name from what a list or map holds: `StringList`, `NumberList`,
    /// `NumberListList`, `ImageList` (named items, without the union's prefix and the structural
    /// `ListItem`/`Item`), `ObjectList` (an inline item type named only by its place).
    fn payload_label(&self, ty: &TypeRef, union_name: &str) -> String {
        match ty {
            TypeRef::List(inner) => format!("{}List", self.payload_label(inner, union_name)),
            TypeRef::Map(inner) => format!("{}Map", self.payload_label(inner, union_name)),
            TypeRef::Nullable(inner) => self.payload_label(inner, union_name),
            TypeRef::Named(_) => {
                let label = variant_label(ty, union_name);
                let stripped = label.strip_suffix("ListItem").or_else(|| label.strip_suffix("Item")).unwrap_or(&label);
                if !stripped.is_empty() {
                    return stripped.to_string();
                }
                match self.kind_behind(ty) {
                    Some(TypeKind::Struct { .. }) => "Object",
                    Some(TypeKind::Union { .. }) => "Union",
                    Some(TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. }) => "Enum",
                    _ => "Value",
                }
                .to_string()
            }
            TypeRef::Prim(_) | TypeRef::Any => variant_label(ty, union_name),
        }
    }

    /// Lower ranks are tried first: values that match narrowly before values that match anything.
    fn specificity(&self, ty: &TypeRef) -> u32 {
        match ty {
            TypeRef::Prim(Prim::Bool) => 10,
            TypeRef::Prim(Prim::I32 | Prim::I64) => 20,
            TypeRef::Prim(Prim::F32 | Prim::F64) => 30,
            TypeRef::Prim(Prim::DateTime | Prim::Date | Prim::Uuid) => 40,
            TypeRef::Prim(Prim::String | Prim::Binary) => 60,
            TypeRef::List(_) => 300,
            TypeRef::Map(_) => 400,
            TypeRef::Any | TypeRef::Nullable(_) => 500,
            TypeRef::Named(_) => match self.kind_behind(ty) {
                Some(TypeKind::Const { .. }) => 0,
                Some(TypeKind::IntEnum { .. }) => 15,
                Some(TypeKind::StringEnum { .. }) => 50,
                Some(TypeKind::Struct { fields, .. }) => {
                    // Structs with more required (and constant) fields reject more, so go first.
                    let required = fields.iter().filter(|f| f.presence == Presence::Required).count() as u32;
                    let consts = fields.iter().filter(|f| matches!(self.kind_behind(&f.ty), Some(TypeKind::Const { .. }))).count() as u32;
                    200 - (required + 4 * consts).min(99)
                }
                Some(TypeKind::Union { .. }) => 250,
                _ => 450,
            },
        }
    }
}

/// `anyOf: [{enum: [user]}, {enum: [system]}, …]` is one enum.
fn merged_string_enum(members: &[ReferenceOr<Schema>]) -> Option<TypeKind> {
    let mut values = Vec::new();
    for member in members {
        let ReferenceOr::Item(schema) = member else { return None };
        let SchemaKind::Type(Type::String(string)) = &schema.schema_kind else { return None };
        if string.enumeration.is_empty() {
            return None;
        }
        values.extend(string.enumeration.iter().flatten().map(|v| serde_json::Value::String(v.clone())));
    }
    (values.len() > 1).then(|| enum_from_values(values))
}

/// The components a member's `allOf` may refer to.
type Components = indexmap::IndexMap<String, ReferenceOr<Schema>>;

/// How many `$ref`s deep a member's tag is looked for (a chain of bases, never a cycle).
const MAX_BASE_DEPTH: usize = 8;

/// The name part for an inline member, from what the member says of itself: its `title`, else
/// its tag value (the discriminator's, `type`, or any one-value property), else the one `$ref`
/// it extends, else its shape (`Object`, `List`, `Enum`, `Union`, `Value`). Never its position,
/// so that adding or moving a variant renames no other.
fn member_label(member: &ReferenceOr<Schema>, tag_property: Option<&str>, components: &Components) -> String {
    let ReferenceOr::Item(schema) = member else { return "Value".into() };
    if let Some(label) = self_label(schema, tag_property, components) {
        return label;
    }
    if let Some(reference) = extended_ref(schema) {
        return super::type_name(reference.rsplit('/').next().unwrap_or(reference));
    }
    shape_label(schema)
}

/// What a member says of itself: its `title`, else its tag value. A tag its base (`allOf: [$ref
/// Base, …]`) declares counts as its own: a member that only restates the base's tag
/// (`type: {enum: [message]}`) is the same member, so it keeps its name.
fn self_label(schema: &Schema, tag_property: Option<&str>, components: &Components) -> Option<String> {
    if let Some(title) = schema.schema_data.title.as_deref().filter(|t| !t.trim().is_empty()) {
        return Some(super::pascal(title));
    }
    tag_property
        .into_iter()
        .chain(["type"])
        .find_map(|property| inline_tag(schema, property, components, 0))
        .or_else(|| any_inline_tag(schema, components))
        .map(|value| super::pascal(&value))
}

fn shape_label(schema: &Schema) -> String {
    // A one-value enum member is named by its value (`anyOf: [{enum: [auto]}, …]` → `Auto`).
    let single = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration[0].clone(),
        SchemaKind::Any(any) if any.enumeration.len() == 1 => any.enumeration[0].as_str().map(str::to_string),
        _ => None,
    };
    if let Some(value) = single {
        return super::pascal(&value);
    }
    let label = match &schema.schema_kind {
        SchemaKind::Type(Type::Array(_)) => "List",
        SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } => "Object",
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => "Enum",
        SchemaKind::Type(Type::String(_)) => "String",
        SchemaKind::Type(Type::Number(_)) => "Number",
        SchemaKind::Type(Type::Integer(_)) => "Integer",
        SchemaKind::Type(Type::Boolean(_)) => "Bool",
        SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } => "Union",
        SchemaKind::Any(any) if any.items.is_some() => "List",
        SchemaKind::Any(any) if !any.one_of.is_empty() || !any.any_of.is_empty() => "Union",
        SchemaKind::Any(any) if !any.enumeration.is_empty() => "Enum",
        SchemaKind::Any(any) if !any.properties.is_empty() || !any.all_of.is_empty() || any.typ.as_deref() == Some("object") => "Object",
        _ => "Value",
    };
    label.to_string()
}

/// The single `$ref` among an inline member's `allOf` (`allOf: [$ref Base, {…}]` → `Base`).
fn extended_ref(schema: &Schema) -> Option<&str> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) => &any.all_of,
        _ => return None,
    };
    let mut refs = members.iter().filter_map(|m| match m {
        ReferenceOr::Reference { reference } => Some(reference.as_str()),
        ReferenceOr::Item(_) => None,
    });
    let first = refs.next()?;
    refs.next().is_none().then_some(first)
}

/// The component a `$ref` names, through references to references.
fn component<'s>(reference: &str, components: &'s Components) -> Option<&'s Schema> {
    let mut reference = reference;
    for _ in 0..MAX_BASE_DEPTH {
        let raw = reference.strip_prefix("#/components/schemas/")?.replace("~1", "/").replace("~0", "~");
        match components.get(&raw)? {
            ReferenceOr::Item(schema) => return Some(schema),
            ReferenceOr::Reference { reference: next } => reference = next,
        }
    }
    None
}

/// The value of the first (by name) one-value string property of an inline member, its own or
/// from its `allOf` members (inline or the components they refer to).
fn any_inline_tag(schema: &Schema, components: &Components) -> Option<String> {
    let mut names: Vec<&String> = Vec::new();
    collect_property_names(schema, components, &mut names, 0);
    names.sort();
    names.dedup();
    names.into_iter().find_map(|name| inline_tag(schema, name, components, 0))
}

fn collect_property_names<'s>(schema: &'s Schema, components: &'s Components, out: &mut Vec<&'s String>, depth: usize) {
    let (properties, all_of) = match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => (Some(&object.properties), None),
        SchemaKind::Any(any) => (Some(&any.properties), Some(&any.all_of)),
        SchemaKind::AllOf { all_of } => (None, Some(all_of)),
        _ => (None, None),
    };
    out.extend(properties.into_iter().flat_map(|p| p.keys()));
    for member in all_of.into_iter().flatten() {
        let member = match member {
            ReferenceOr::Item(member) => Some(member),
            ReferenceOr::Reference { reference } if depth < MAX_BASE_DEPTH => component(reference, components),
            ReferenceOr::Reference { .. } => None,
        };
        if let Some(member) = member {
            collect_property_names(member, components, out, depth + 1);
        }
    }
}

/// A one-value enum property named `property` in an inline schema or its `allOf` members; the
/// schema's own declaration first, as it overrides its bases'.
fn inline_tag(schema: &Schema, property: &str, components: &Components, depth: usize) -> Option<String> {
    let from_props = |props: &indexmap::IndexMap<String, ReferenceOr<Box<Schema>>>| {
        let ReferenceOr::Item(prop) = props.get(property)? else { return None };
        match &prop.schema_kind {
            SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration[0].clone(),
            _ => None,
        }
    };
    let from_members = |members: &[ReferenceOr<Schema>]| {
        members.iter().find_map(|m| match m {
            ReferenceOr::Item(member) => inline_tag(member, property, components, depth + 1),
            ReferenceOr::Reference { reference } if depth < MAX_BASE_DEPTH => inline_tag(component(reference, components)?, property, components, depth + 1),
            ReferenceOr::Reference { .. } => None,
        })
    };
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => from_props(&object.properties),
        SchemaKind::Any(any) => from_props(&any.properties).or_else(|| from_members(&any.all_of)),
        SchemaKind::AllOf { all_of } => from_members(all_of),
        _ => None,
    }
}

/// A variant name for an untagged member: the type's name without the union's own prefix.
fn variant_label(ty: &TypeRef, union_name: &str) -> String {
    match ty {
        TypeRef::Named(name) => {
            let trimmed = name.strip_prefix(union_name).unwrap_or(name);
            if trimmed.is_empty() || trimmed.starts_with(|c: char| c.is_ascii_digit()) { name.clone() } else { trimmed.to_string() }
        }
        TypeRef::Prim(prim) => format!("{prim:?}").replace("I64", "Integer").replace("I32", "Integer").replace("F64", "Number").replace("F32", "Number"),
        TypeRef::List(_) => "List".into(),
        TypeRef::Map(_) => "Map".into(),
        TypeRef::Nullable(inner) => variant_label(inner, union_name),
        TypeRef::Any => "Any".into(),
    }
}
