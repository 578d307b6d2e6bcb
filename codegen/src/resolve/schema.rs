//! Schemas at the places that use them: primitives, lists and maps stay anonymous, everything
//! else becomes (or reuses) a named type.

use super::{Resolver, Shape};
use crate::error::{child, SpecError};
use crate::ir::{Prim, TypeDef, TypeKind, TypeRef};
use openapiv3::{AdditionalProperties, ReferenceOr, Schema, SchemaKind, StringFormat, Type, VariantOrUnknownOrEmpty};

/// A schema position: a `$ref` or an inline schema (openapiv3 boxes property schemas, not others).
#[derive(Clone, Copy)]
pub(crate) enum Node<'a> {
    Ref(&'a str),
    Inline(&'a Schema),
}

impl<'a> From<&'a ReferenceOr<Schema>> for Node<'a> {
    fn from(value: &'a ReferenceOr<Schema>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

impl<'a> From<&'a ReferenceOr<Box<Schema>>> for Node<'a> {
    fn from(value: &'a ReferenceOr<Box<Schema>>) -> Self {
        match value {
            ReferenceOr::Reference { reference } => Node::Ref(reference),
            ReferenceOr::Item(schema) => Node::Inline(schema),
        }
    }
}

/// Annotation-only keys: a schema with nothing else adds no constraint.
pub(crate) fn is_trivial(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::Object(object)) => {
            object.properties.is_empty() && object.required.is_empty() && object.additional_properties.is_none()
        }
        SchemaKind::Any(any) => {
            any.typ.as_deref().is_none_or(|t| t == "object")
                && any.properties.is_empty()
                && any.required.is_empty()
                && any.additional_properties.is_none()
                && any.items.is_none()
                && any.enumeration.is_empty()
                && any.one_of.is_empty()
                && any.any_of.is_empty()
                && any.all_of.is_empty()
                && any.not.is_none()
                && any.format.is_none()
        }
        _ => false,
    }
}

impl<'a> Resolver<'a> {
    /// The shape of a schema where it is used; inline named types ask for `hint` as their name.
    pub(crate) fn shape(&mut self, node: Node<'a>, hint: &str, at: &str) -> Result<Shape, SpecError> {
        let mut shape = self.shape_here(node, hint, at)?;
        // `Value` already holds `null`: `{}` and `{nullable: true}` are the same "any JSON".
        if shape.ty == TypeRef::Any {
            shape.nullable = false;
        }
        self.schema_types.insert(at.to_string(), (shape.ty.clone(), shape.nullable));
        if let TypeRef::Named(target) = &shape.ty {
            if self.component_types.contains(target) && super::place_aliases::is_named_place(at) {
                self.place_refs.push(super::place_aliases::PlaceRef { hint: hint.to_string(), at: at.to_string(), target: target.clone() });
            }
        }
        Ok(shape)
    }

    fn shape_here(&mut self, node: Node<'a>, hint: &str, at: &str) -> Result<Shape, SpecError> {
        let schema = match node {
            Node::Ref(reference) => return self.shape_of_ref(reference, at),
            Node::Inline(schema) => schema,
        };
        // One place, one type: a schema reached again (through another allOf) is not re-made.
        if let Some(shape) = self.inline_shapes.get(at) {
            return Ok(shape.clone());
        }
        self.place_names.entry(at.to_string()).or_insert_with(|| hint.to_string());
        let shape = self.inline_shape(schema, hint, at)?;
        self.inline_shapes.insert(at.to_string(), shape.clone());
        Ok(shape)
    }

    fn inline_shape(&mut self, schema: &'a Schema, hint: &str, at: &str) -> Result<Shape, SpecError> {
        let data = &schema.schema_data;
        if let Some(ty) = self.anonymous(schema, hint, at)? {
            return Ok(Shape { ty, nullable: data.nullable, deprecated: data.deprecated });
        }
        // `allOf: [$ref]` + annotations (description, nullable): that type, not a new one.
        if let Some(target) = self.wrapped_ref(schema, at)? {
            let mut shape = self.shape_of_ref(target, &format!("{at}/allOf/0"))?;
            shape.nullable |= data.nullable;
            shape.deprecated |= data.deprecated;
            return Ok(shape);
        }
        let (kind, nullable) = self.kind_of(schema, hint, at)?;
        let nullable = nullable || data.nullable;
        if let TypeKind::Alias(ty) = kind {
            return Ok(Shape { ty, nullable, deprecated: data.deprecated });
        }
        let name = self.intern(hint, kind, at, data.description.clone(), data.deprecated);
        Ok(Shape { ty: TypeRef::Named(name), nullable, deprecated: data.deprecated })
    }

    pub(crate) fn shape_of_ref(&mut self, reference: &str, at: &str) -> Result<Shape, SpecError> {
        let raw = self.component_for_ref(reference, at)?;
        self.define_component(&raw)?;
        let deprecated = match &self.schemas[&raw] {
            ReferenceOr::Item(schema) => schema.schema_data.deprecated,
            ReferenceOr::Reference { .. } => false,
        };
        Ok(Shape {
            ty: TypeRef::Named(self.component_names[&raw].clone()),
            nullable: self.nullable_of_component(&raw)?,
            deprecated,
        })
    }

    /// Primitives, lists and maps: no named type needed.
    fn anonymous(&mut self, schema: &'a Schema, hint: &str, at: &str) -> Result<Option<TypeRef>, SpecError> {
        let ty = match &schema.schema_kind {
            SchemaKind::Type(Type::String(string)) if string.enumeration.is_empty() => TypeRef::Prim(string_prim(&string.format)),
            SchemaKind::Type(Type::Integer(integer)) if integer.enumeration.is_empty() => {
                let is_i32 = matches!(&integer.format, VariantOrUnknownOrEmpty::Item(openapiv3::IntegerFormat::Int32));
                TypeRef::Prim(if is_i32 { Prim::I32 } else { Prim::I64 })
            }
            SchemaKind::Type(Type::Number(number)) if number.enumeration.is_empty() => {
                let is_f32 = matches!(&number.format, VariantOrUnknownOrEmpty::Item(openapiv3::NumberFormat::Float));
                TypeRef::Prim(if is_f32 { Prim::F32 } else { Prim::F64 })
            }
            SchemaKind::Type(Type::Boolean(boolean)) if boolean.enumeration.is_empty() => TypeRef::Prim(Prim::Bool),
            SchemaKind::Type(Type::Array(array)) => self.list(array.items.as_ref(), hint, &child(at, "items"))?,
            SchemaKind::Type(Type::Object(object)) if object.properties.is_empty() => {
                self.map(object.additional_properties.as_ref(), hint, at)?
            }
            SchemaKind::Any(any) => {
                let typed = |t: &str| any.typ.as_deref() == Some(t);
                if any.items.is_some() && (any.typ.is_none() || typed("array")) && any.properties.is_empty() {
                    self.list(any.items.as_ref(), hint, &child(at, "items"))?
                } else if is_trivial(schema) {
                    TypeRef::Any
                } else if any.properties.is_empty()
                    && any.one_of.is_empty()
                    && any.any_of.is_empty()
                    && any.all_of.is_empty()
                    && any.enumeration.is_empty()
                    && any.additional_properties.is_some()
                {
                    self.map(any.additional_properties.as_ref(), hint, at)?
                } else if any.typ.is_none() && any.enumeration.is_empty() && any.properties.is_empty()
                    && any.one_of.is_empty() && any.any_of.is_empty() && any.all_of.is_empty()
                {
                    // Only constraints without a type (e.g. `{minimum: 0}`), or `not`: any value.
                    TypeRef::Any
                } else {
                    return Ok(None);
                }
            }
            SchemaKind::Not { .. } => TypeRef::Any,
            _ => return Ok(None),
        };
        Ok(Some(ty))
    }

    fn list(&mut self, items: Option<&'a ReferenceOr<Box<Schema>>>, hint: &str, at: &str) -> Result<TypeRef, SpecError> {
        let Some(items) = items else { return Ok(TypeRef::List(Box::new(TypeRef::Any))) };
        let shape = self.shape(items.into(), &format!("{hint}Item"), at)?;
        Ok(TypeRef::List(Box::new(nullable_inner(shape))))
    }

    /// A map, or plain JSON for a free-form object (users pass `json!({…})` straight in).
    fn map(&mut self, extra: Option<&'a AdditionalProperties>, hint: &str, at: &str) -> Result<TypeRef, SpecError> {
        let value = match extra {
            None | Some(AdditionalProperties::Any(_)) => TypeRef::Any,
            Some(AdditionalProperties::Schema(schema)) => {
                let shape = self.shape(schema.as_ref().into(), &format!("{hint}Value"), &child(at, "additionalProperties"))?;
                nullable_inner(shape)
            }
        };
        Ok(if value == TypeRef::Any { TypeRef::Any } else { TypeRef::Map(Box::new(value)) })
    }

    /// The definition of a named type, and whether the schema admits `null`.
    pub(crate) fn kind_of(&mut self, schema: &'a Schema, name: &str, at: &str) -> Result<(TypeKind, bool), SpecError> {
        let nullable = schema.schema_data.nullable;
        if let Some(kind) = enum_kind(schema) {
            let has_null = enum_has_null(schema);
            if let TypeKind::Alias(ty) = &kind {
                let rust = match ty {
                    TypeRef::Prim(Prim::F64) => "f64",
                    TypeRef::Prim(Prim::Bool) => "bool",
                    _ => "serde_json::Value",
                };
                self.warn(&child(at, "enum"), format!("only string and integer enums become Rust enums; generated as `{rust}`, values not checked"));
            }
            return Ok((kind, nullable || has_null));
        }
        if let Some(values) = self.narrowed_enum(schema) {
            return Ok((enum_from_values(values), nullable));
        }
        if let Some(target) = self.wrapped_ref(schema, at)? {
            let shape = self.shape_of_ref(target, &format!("{at}/allOf/0"))?;
            return Ok((TypeKind::Alias(shape.ty), nullable || shape.nullable));
        }
        match &schema.schema_kind {
            SchemaKind::OneOf { one_of } => self.union_kind(one_of, schema, &[], name, &child(at, "oneOf")),
            SchemaKind::AnyOf { any_of } => self.union_kind(any_of, schema, &[], name, &child(at, "anyOf")),
            SchemaKind::Any(any) if !any.one_of.is_empty() => {
                self.union_kind(&any.one_of, schema, &any.properties_as_nodes(), name, &child(at, "oneOf"))
            }
            SchemaKind::Any(any) if !any.any_of.is_empty() => {
                self.union_kind(&any.any_of, schema, &any.properties_as_nodes(), name, &child(at, "anyOf"))
            }
            SchemaKind::Type(Type::Object(_)) | SchemaKind::AllOf { .. } | SchemaKind::Any(_) => {
                Ok((self.object_kind(schema, name, at)?, nullable))
            }
            _ => match self.anonymous(schema, name, at)? {
                Some(ty) => Ok((TypeKind::Alias(ty), nullable)),
                None => {
                    self.warn(at, "this schema has no Rust equivalent the generator knows; generated as `serde_json::Value`");
                    Ok((TypeKind::Alias(TypeRef::Any), nullable))
                }
            },
        }
    }

    /// Names the inline type at `at` (once: later visits of the same place get the same type).
    pub(crate) fn intern(&mut self, hint: &str, kind: TypeKind, at: &str, doc: Option<String>, deprecated: bool) -> String {
        if let Some(Shape { ty: TypeRef::Named(existing), .. }) = self.inline_shapes.get(at) {
            return existing.clone();
        }
        let name = self.namer.take(hint);
        self.insert(TypeDef { name: name.clone(), source: at.to_string(), doc, deprecated, kind, hidden: false }, hint.to_string(), false);
        name
    }
}

/// Property schemas of an `AnySchema`, for `oneOf` + sibling `properties` (they apply to every variant).
pub(crate) trait SiblingProperties {
    fn properties_as_nodes(&self) -> Vec<(String, Node<'_>)>;
}

impl SiblingProperties for openapiv3::AnySchema {
    fn properties_as_nodes(&self) -> Vec<(String, Node<'_>)> {
        self.properties.iter().map(|(name, schema)| (name.clone(), Node::from(schema))).collect()
    }
}

fn nullable_inner(shape: Shape) -> TypeRef {
    if shape.nullable && shape.ty != TypeRef::Any {
        TypeRef::Nullable(Box::new(shape.ty))
    } else {
        shape.ty
    }
}

pub(crate) fn string_prim(format: &VariantOrUnknownOrEmpty<StringFormat>) -> Prim {
    match format {
        VariantOrUnknownOrEmpty::Item(StringFormat::DateTime) => Prim::DateTime,
        VariantOrUnknownOrEmpty::Item(StringFormat::Date) => Prim::Date,
        VariantOrUnknownOrEmpty::Item(StringFormat::Binary) => Prim::Binary,
        VariantOrUnknownOrEmpty::Unknown(name) if name == "uuid" => Prim::Uuid,
        _ => Prim::String,
    }
}

/// `allOf: [{$ref}]` with nothing but annotations beside it (and no-op members).
pub(crate) fn single_ref_wrapper(schema: &Schema) -> Option<&str> {
    let members = match &schema.schema_kind {
        SchemaKind::AllOf { all_of } => all_of,
        SchemaKind::Any(any) if is_only_all_of(any) => &any.all_of,
        _ => return None,
    };
    let mut refs = members.iter().filter_map(|member| match member {
        ReferenceOr::Reference { reference } => Some(reference.as_str()),
        ReferenceOr::Item(_) => None,
    });
    let inline_all_trivial = members.iter().all(|member| match member {
        ReferenceOr::Reference { .. } => true,
        ReferenceOr::Item(schema) => is_trivial(schema),
    });
    let first = refs.next()?;
    (refs.next().is_none() && inline_all_trivial).then_some(first)
}

impl<'a> Resolver<'a> {
    /// The type an `allOf` only re-states: `allOf: [$ref X]` with annotations beside it. An
    /// inline member that says `type: object` (even with no properties yet) extends an object
    /// `X` instead, so it is a struct of its own from the start: when upstream fills that member
    /// with a property, users see an optional field added, not an alias turned into a struct.
    fn wrapped_ref(&mut self, schema: &'a Schema, at: &str) -> Result<Option<&'a str>, SpecError> {
        let Some(target) = single_ref_wrapper(schema) else { return Ok(None) };
        let members = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) => &any.all_of,
            _ => return Ok(Some(target)),
        };
        let extension = members.iter().any(|m| matches!(m, ReferenceOr::Item(member) if matches!(member.schema_kind, SchemaKind::Type(Type::Object(_)))));
        if !extension {
            return Ok(Some(target));
        }
        let shape = self.shape_of_ref(target, &format!("{at}/allOf/0"))?;
        let extends_struct = matches!(self.kind_behind(&shape.ty), Some(TypeKind::Struct { .. }));
        Ok((!extends_struct).then_some(target))
    }
}

fn is_only_all_of(any: &openapiv3::AnySchema) -> bool {
    any.typ.as_deref().is_none_or(|t| t == "object")
        && any.properties.is_empty()
        && any.required.is_empty()
        && any.additional_properties.is_none()
        && any.one_of.is_empty()
        && any.any_of.is_empty()
        && any.items.is_none()
        && any.enumeration.is_empty()
}

impl<'a> Resolver<'a> {
    /// `allOf: [$ref: Color, {enum: [red]}]`: every member lists values, so the schema is the
    /// values they share (in the first member's order), an enum of its own.
    fn narrowed_enum(&self, schema: &'a Schema) -> Option<Vec<serde_json::Value>> {
        let members = match &schema.schema_kind {
            SchemaKind::AllOf { all_of } => all_of,
            SchemaKind::Any(any) if is_only_all_of(any) => &any.all_of,
            _ => return None,
        };
        if members.len() < 2 {
            return None;
        }
        let mut shared: Option<Vec<serde_json::Value>> = None;
        for member in members {
            let mut member = member;
            for _ in 0..8 {
                let ReferenceOr::Reference { reference } = member else { break };
                member = self.schemas.get(reference.strip_prefix("#/components/schemas/")?)?;
            }
            let ReferenceOr::Item(member) = member else { return None };
            let values = enum_values(member)?;
            shared = Some(match shared {
                None => values,
                Some(before) => before.into_iter().filter(|v| values.contains(v)).collect(),
            });
        }
        shared.filter(|values| !values.is_empty())
    }
}

fn enum_values(schema: &Schema) -> Option<Vec<serde_json::Value>> {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            Some(s.enumeration.iter().flatten().map(|v| serde_json::Value::String(v.clone())).collect())
        }
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => Some(i.enumeration.iter().flatten().map(|v| serde_json::Value::from(*v)).collect()),
        SchemaKind::Any(any) if !any.enumeration.is_empty() && any.properties.is_empty() && any.all_of.is_empty() => {
            Some(any.enumeration.iter().filter(|v| !v.is_null()).cloned().collect())
        }
        _ => None,
    }
}

/// `enum`s (and `const`s, which the loader turned into one-value enums).
fn enum_kind(schema: &Schema) -> Option<TypeKind> {
    let values: Vec<serde_json::Value> = match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) if !s.enumeration.is_empty() => {
            s.enumeration.iter().flatten().map(|v| serde_json::Value::String(v.clone())).collect()
        }
        SchemaKind::Type(Type::Integer(i)) if !i.enumeration.is_empty() => {
            i.enumeration.iter().flatten().map(|v| serde_json::Value::from(*v)).collect()
        }
        SchemaKind::Type(Type::Number(n)) if !n.enumeration.is_empty() => {
            n.enumeration.iter().flatten().map(|v| serde_json::Value::from(*v)).collect()
        }
        SchemaKind::Type(Type::Boolean(b)) if !b.enumeration.is_empty() => {
            b.enumeration.iter().flatten().map(|v| serde_json::Value::Bool(*v)).collect()
        }
        SchemaKind::Any(any) if !any.enumeration.is_empty() && any.properties.is_empty() => {
            any.enumeration.iter().filter(|v| !v.is_null()).cloned().collect()
        }
        _ => return None,
    };
    Some(enum_from_values(values))
}

pub(crate) fn enum_from_values(values: Vec<serde_json::Value>) -> TypeKind {
    // A repeated value would be an unreachable match arm in the generated code.
    let mut values = values;
    let mut seen = Vec::with_capacity(values.len());
    values.retain(|v| if seen.contains(v) { false } else { seen.push(v.clone()); true });
    if values.is_empty() {
        return TypeKind::Alias(TypeRef::Any);
    }
    if values.len() == 1 {
        return TypeKind::Const { value: values[0].clone(), tag: false };
    }
    if values.iter().all(|v| v.is_i64()) {
        let mut namer = super::names::Namer::default();
        namer.reserve("Unknown");
        let variants = values
            .iter()
            .filter_map(|v| v.as_i64())
            .map(|n| {
                let base = if n < 0 { format!("Minus{}", n.unsigned_abs()) } else { format!("V{n}") };
                (namer.take(&base), n)
            })
            .collect();
        return TypeKind::IntEnum { variants };
    }
    // Only strings can be string-enum variants: other values keep their JSON type, unchecked.
    if !values.iter().all(|v| v.is_string()) {
        let prim = if values.iter().all(|v| v.is_number()) {
            TypeRef::Prim(crate::ir::Prim::F64)
        } else if values.iter().all(|v| v.is_boolean()) {
            TypeRef::Prim(crate::ir::Prim::Bool)
        } else {
            TypeRef::Any
        };
        return TypeKind::Alias(prim);
    }
    let mut namer = super::names::Namer::default();
    namer.reserve("Unknown");
    let variants = values
        .iter()
        .map(|v| match v {
            serde_json::Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .map(|wire| crate::ir::EnumVariant { rust: namer.take(&super::names::enum_variant(&wire)), wire })
        .collect();
    TypeKind::StringEnum { variants }
}

fn enum_has_null(schema: &Schema) -> bool {
    match &schema.schema_kind {
        SchemaKind::Type(Type::String(s)) => s.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Integer(i)) => i.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Number(n)) => n.enumeration.iter().any(Option::is_none),
        SchemaKind::Type(Type::Boolean(b)) => b.enumeration.iter().any(Option::is_none),
        SchemaKind::Any(any) => any.enumeration.iter().any(serde_json::Value::is_null),
        _ => false,
    }
}
