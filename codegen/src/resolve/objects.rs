//! Objects: properties from the schema itself and, through `allOf`, from every member, merged the
//! way these specs mean it — later members override earlier ones, `required` accumulates.

use super::schema::{is_trivial, Node};
use super::{names::Namer, Resolver};
use crate::error::{child, SpecError};
use crate::ir::{Field, Presence, TypeKind, TypeRef};
use indexmap::{IndexMap, IndexSet};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, Type};

/// The merged view of an object schema.
#[derive(Default)]
pub(crate) struct Collected<'a> {
    pub properties: IndexMap<String, (Node<'a>, String)>,
    pub required: IndexSet<String>,
    pub additional: Option<(&'a AdditionalProperties, String)>,
    /// The components on the current `allOf` path, to name a schema that contains itself.
    pub visiting: Vec<String>,
}

impl<'a> Resolver<'a> {
    pub(crate) fn object_kind(&mut self, schema: &'a Schema, name: &str, at: &str) -> Result<TypeKind, SpecError> {
        let mut collected = Collected::default();
        if let Some(component) = at.strip_prefix("/components/schemas/").filter(|rest| !rest.contains('/')) {
            collected.visiting.push(component.replace("~1", "/").replace("~0", "~"));
        }
        if let Err(e) = self.collect(Node::Inline(schema), at, &mut collected, 0) {
            // One schema we cannot merge must not cost the whole spec: it becomes free-form JSON.
            self.warn(&e.pointer, format!("{}; the schema is generated as `serde_json::Value`", e.message));
            return Ok(TypeKind::Alias(crate::ir::TypeRef::Any));
        }
        self.struct_from(collected, name, at)
    }

    /// Adds one schema's object keywords (and its allOf members', recursively) to `out`.
    pub(crate) fn collect(&self, node: Node<'a>, at: &str, out: &mut Collected<'a>, depth: usize) -> Result<(), SpecError> {
        if depth > 64 {
            return Err(self.err(at, "allOf nests more than 64 levels deep"));
        }
        // Problems are reported where the allOf names a member, not inside the component it
        // refers to, which may be fine on its own.
        let site = at.to_string();
        let (schema, at) = match node {
            Node::Inline(schema) => (schema, at.to_string()),
            Node::Ref(reference) => {
                let raw = self.component_for_ref(reference, at)?;
                if let Some(start) = out.visiting.iter().position(|name| *name == raw) {
                    let mut chain = out.visiting[start..].to_vec();
                    chain.push(raw.clone());
                    return Err(self.err(&site, format!("`{raw}` contains itself through allOf ({}), which no type can", chain.join(" → "))));
                }
                let at = child("/components/schemas", &raw);
                match &self.schemas[&raw] {
                    ReferenceOr::Item(schema) => {
                        out.visiting.push(raw.clone());
                        (schema, at)
                    }
                    ReferenceOr::Reference { reference } => return self.collect(Node::Ref(reference), &at, out, depth + 1),
                }
            }
        };
        let entered = matches!(node, Node::Ref(_));
        match &schema.schema_kind {
            SchemaKind::Type(Type::Object(object)) => {
                add_properties(out, &object.properties, &object.required, &at);
                if let Some(extra) = &object.additional_properties {
                    out.additional = Some((extra, child(&at, "additionalProperties")));
                }
            }
            SchemaKind::AllOf { all_of } => {
                for (index, member) in all_of.iter().enumerate() {
                    self.collect(member.into(), &format!("{at}/allOf/{index}"), out, depth + 1)?;
                }
            }
            SchemaKind::Any(any) if any.one_of.is_empty() && any.any_of.is_empty() => {
                // Base members first: the schema's own properties extend and override them.
                for (index, member) in any.all_of.iter().enumerate() {
                    self.collect(member.into(), &format!("{at}/allOf/{index}"), out, depth + 1)?;
                }
                add_properties(out, &any.properties, &any.required, &at);
                if let Some(extra) = &any.additional_properties {
                    out.additional = Some((extra, child(&at, "additionalProperties")));
                }
            }
            _ if is_trivial(schema) => {}
            // `anyOf: [X, {type: null}]` (its null member already folded into `nullable`) is X.
            SchemaKind::OneOf { one_of: members } | SchemaKind::AnyOf { any_of: members } if members.len() == 1 => {
                let kind = if matches!(schema.schema_kind, SchemaKind::OneOf { .. }) { "oneOf" } else { "anyOf" };
                self.collect((&members[0]).into(), &format!("{at}/{kind}/0"), out, depth + 1)?;
            }
            SchemaKind::OneOf { .. } | SchemaKind::AnyOf { .. } | SchemaKind::Any(_) => {
                return Err(self.err(&site, format!("{}{} is a union (oneOf/anyOf) merged with other members; only objects can be merged", role(&site), via(&site, &at))));
            }
            _ => return Err(self.err(&site, format!("{}{} is not an object, so it cannot be merged into one", role(&site), via(&site, &at)))),
        }
        if entered {
            out.visiting.pop();
        }
        Ok(())
    }

    /// Turns the merged view into a struct (or a map, for objects without properties).
    /// (`at` is the struct's place: a tag field it inherits keeps the name it had there.)
    pub(crate) fn struct_from(&mut self, collected: Collected<'a>, name: &str, at: &str) -> Result<TypeKind, SpecError> {
        let own_at = at;
        // Keys of any JSON value live in `extra`, as undeclared keys do: an object that starts
        // (or stops) allowing additional properties keeps the field its users read.
        let extra = match &collected.additional {
            None | Some((AdditionalProperties::Any(_), _)) => None,
            Some((AdditionalProperties::Schema(schema), at)) => {
                let shape = self.shape(schema.as_ref().into(), &format!("{name}Value"), at)?;
                match shape.ty {
                    TypeRef::Any => None,
                    ty if shape.nullable => Some(TypeRef::Nullable(Box::new(ty))),
                    ty => Some(ty),
                }
            }
        };
        if collected.properties.is_empty() {
            return Ok(TypeKind::Alias(TypeRef::Map(Box::new(extra.unwrap_or(TypeRef::Any)))));
        }
        let mut field_names = Namer::default();
        field_names.reserve(if extra.is_some() { crate::ir::EXTRA_FIELD } else { crate::ir::UNDECLARED_FIELD });
        let mut fields = Vec::with_capacity(collected.properties.len());
        for (wire, (node, at)) in collected.properties {
            // Named after the type that declares the property, wherever it is merged into.
            let owner = self.owner_name(&at).unwrap_or_else(|| name.to_string());
            let hint = super::names::join(&owner, &super::pascal(&wire));
            let shape = self.shape(node, &hint, &at)?;
            if owner != name {
                self.keep_inherited_tag_name(&shape.ty, name, &wire, own_at);
            }
            let required = collected.required.contains(&wire);
            let presence = match (required, shape.nullable) {
                (true, false) => Presence::Required,
                (true, true) => Presence::RequiredNullable,
                (false, _) => Presence::Optional,
            };
            let (doc, example) = self.field_docs(node);
            fields.push(Field {
                rust: field_names.take_with(&super::snake(&wire), "_"),
                wire,
                ty: shape.ty,
                presence,
                nullable: shape.nullable,
                boxed: false,
                constant: false,
                doc,
                example,
                deprecated: shape.deprecated,
            });
        }
        Ok(TypeKind::Struct { fields, extra })
    }
}

/// Longest example (as JSON text) worth showing in a field's docs.
const MAX_EXAMPLE: usize = 300;

impl Resolver<'_> {
    /// A field's description and example: its own, else those of the schema it refers to.
    fn field_docs(&self, node: Node<'_>) -> (Option<String>, Option<String>) {
        let own = match node {
            Node::Inline(schema) => Some(schema),
            Node::Ref(_) => None,
        };
        let target = match node {
            Node::Ref(reference) => Some(reference),
            Node::Inline(schema) => super::schema::single_ref_wrapper(schema),
        };
        let referenced = target
            .and_then(|r| r.strip_prefix("#/components/schemas/"))
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .and_then(|raw| match self.schemas.get(&raw) {
                Some(ReferenceOr::Item(schema)) => Some(schema),
                _ => None,
            });
        let doc = own.and_then(|s| s.schema_data.description.clone()).or_else(|| referenced.and_then(|s| s.schema_data.description.clone()));
        let example = own
            .and_then(|s| s.schema_data.example.as_ref())
            .or_else(|| referenced.and_then(|s| s.schema_data.example.as_ref()))
            .and_then(|example| serde_json::to_string(example).ok())
            .filter(|text| text.len() <= MAX_EXAMPLE);
        (doc, example)
    }

    /// A one-value field (a tag) the struct inherits from a base it extends is named after the
    /// base; the name it has when the struct declares it itself is kept as a place alias, so
    /// upstream moving a tag into a base (`allOf: [$ref ToolCall, …]`) renames nothing. Only
    /// tags: another field's type moving into a base is a rename users are told about.
    fn keep_inherited_tag_name(&mut self, ty: &TypeRef, struct_name: &str, wire: &str, struct_at: &str) {
        let TypeRef::Named(target) = ty else { return };
        if !matches!(self.kind_behind(ty), Some(TypeKind::Const { .. })) {
            return;
        }
        let hint = super::names::join(struct_name, &super::pascal(wire));
        let at = child(&child(struct_at, "properties"), wire);
        self.place_refs.push(super::place_aliases::PlaceRef { hint, at, target: target.clone() });
    }

    /// The name asked for by the type that declares the property at `at`.
    fn owner_name(&mut self, at: &str) -> Option<String> {
        let owner = super::places::owner_of_property(at)?.to_string();
        if !self.place_names.contains_key(&owner) {
            // Declared inside a component not resolved yet: resolve it, which names its places.
            let token = owner.strip_prefix("/components/schemas/")?.split('/').next()?;
            let raw = token.replace("~1", "/").replace("~0", "~");
            if self.schemas.contains_key(&raw) {
                self.define_component(&raw).ok()?;
            }
        }
        self.place_names.get(&owner).cloned()
    }
}

fn add_properties<'a>(
    out: &mut Collected<'a>,
    properties: &'a IndexMap<String, ReferenceOr<Box<Schema>>>,
    required: &[String],
    at: &str,
) {
    for (name, schema) in properties {
        // A tag restated as it was (`type: {enum: [message], default: message}` over a base's
        // `type: {enum: [message]}`) is the base's field still: its type keeps the base's name.
        if let (Some((Node::Inline(before), _)), ReferenceOr::Item(after)) = (out.properties.get(name), schema) {
            if one_value(before).is_some() && one_value(before) == one_value(after) && before.schema_data.nullable == after.schema_data.nullable {
                continue;
            }
        }
        // `insert` on an existing key keeps its position and takes the later schema.
        out.properties.insert(name.clone(), (Node::from(schema), child(&child(at, "properties"), name)));
    }
    out.required.extend(required.iter().cloned());
}

/// The value of a one-value text enum.
fn one_value(schema: &Schema) -> Option<&str> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if s.enumeration.len() == 1 => s.enumeration[0].as_deref(),
        _ => None,
    }
}

/// ` (\`/components/schemas/X\`)` when the member is a reference, so the message names both ends.
fn via(site: &str, at: &str) -> String {
    if site == at {
        String::new()
    } else {
        format!(" (`{at}`)")
    }
}

/// What the schema at `site` is to its parent, from the pointer: only a direct `allOf/N` is an
/// allOf member (`anyOf/0` reached while merging is not).
fn role(site: &str) -> &'static str {
    let mut tokens = site.rsplit('/');
    let _index = tokens.next();
    match tokens.next() {
        Some("allOf") => "this allOf member",
        Some("anyOf") => "this anyOf member",
        Some("oneOf") => "this oneOf member",
        _ => "this schema",
    }
}
