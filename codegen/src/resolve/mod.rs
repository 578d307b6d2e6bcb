//! Resolve: an `openapiv3` document → the type model in `ir`.
//!
//! Components are named first, so references never wait on each other; a component's body is
//! resolved on first use (or in spec order), inline schemas are named from where they sit and
//! shared when structurally identical.

mod cycles;
mod names;
mod objects;
mod operations;
mod schema;
mod unions;

pub use names::{pascal, snake, type_name, Namer};

use crate::error::SpecError;
use crate::ir::{Api, TypeDef, TypeKind, TypeSpace};
use crate::load::Spec;
use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use std::collections::{HashMap, HashSet};

/// Resolves every component schema, every operation and every inline schema they use.
pub fn resolve(api: &str, spec: &Spec) -> Result<Api, SpecError> {
    let mut resolver = Resolver::new(spec);
    resolver.resolve_components()?;
    let operations = resolver.resolve_operations()?;
    let schema_types = std::mem::take(&mut resolver.schema_types);
    let types = resolver.finish()?;
    let default_server = spec.document.servers.first().map(|s| s.url.clone());
    Ok(Api { name: api.to_string(), types, operations, default_server, schema_types })
}

/// What a schema is, seen from the place that uses it.
#[derive(Debug, Clone)]
pub(crate) struct Shape {
    pub ty: crate::ir::TypeRef,
    pub nullable: bool,
    pub deprecated: bool,
}

pub(crate) struct Resolver<'a> {
    file: &'a str,
    document: &'a openapiv3::OpenAPI,
    schemas: &'a IndexMap<String, ReferenceOr<Schema>>,
    /// Component name → Rust type name, assigned up front.
    component_names: HashMap<String, String>,
    /// Components whose definition is being resolved (cycle guard) or done.
    started: HashSet<String>,
    /// Nullability of each component as seen by users of a `$ref` to it.
    component_nullable: HashMap<String, bool>,
    namer: names::Namer,
    types: IndexMap<String, TypeDef>,
    /// Structural key of each inline-able type → the name it was first given.
    shared: HashMap<String, String>,
    /// Types used as (parts of) request bodies: their optional nullable fields are tri-state.
    request_roots: Vec<crate::ir::TypeRef>,
    schema_types: std::collections::BTreeMap<String, (crate::ir::TypeRef, bool)>,
}

impl<'a> Resolver<'a> {
    fn new(spec: &'a Spec) -> Self {
        static EMPTY: std::sync::OnceLock<IndexMap<String, ReferenceOr<Schema>>> = std::sync::OnceLock::new();
        let schemas = spec
            .document
            .components
            .as_ref()
            .map(|c| &c.schemas)
            .unwrap_or_else(|| EMPTY.get_or_init(IndexMap::new));
        let mut namer = names::Namer::default();
        let component_names =
            schemas.keys().map(|raw| (raw.clone(), namer.take(&type_name(raw)))).collect();
        Resolver {
            file: &spec.file,
            document: &spec.document,
            schemas,
            component_names,
            started: HashSet::new(),
            component_nullable: HashMap::new(),
            namer,
            types: IndexMap::new(),
            shared: HashMap::new(),
            request_roots: Vec::new(),
            schema_types: Default::default(),
        }
    }

    fn err(&self, at: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(self.file, at, message)
    }

    fn resolve_components(&mut self) -> Result<(), SpecError> {
        let names: Vec<String> = self.schemas.keys().cloned().collect();
        for raw in names {
            self.define_component(&raw)?;
        }
        Ok(())
    }

    /// Resolves a component's body once; re-entry (a cycle) is fine because its name is fixed.
    fn define_component(&mut self, raw: &str) -> Result<(), SpecError> {
        if !self.started.insert(raw.to_string()) {
            return Ok(());
        }
        let at = crate::error::child("/components/schemas", raw);
        let name = self.component_names[raw].clone();
        let schemas = self.schemas;
        let schema = match &schemas[raw] {
            ReferenceOr::Item(schema) => schema,
            ReferenceOr::Reference { reference } => {
                let target = self.component_for_ref(reference, &at)?;
                let target_name = self.component_names[&target].clone();
                let nullable = self.nullable_of_component(&target)?;
                self.component_nullable.insert(raw.to_string(), nullable);
                self.insert(TypeDef {
                    name,
                    source: at,
                    doc: None,
                    deprecated: false,
                    kind: TypeKind::Alias(crate::ir::TypeRef::Named(target_name)),
                });
                return Ok(());
            }
        };
        let (kind, nullable) = self.kind_of(schema, &name, &at)?;
        self.component_nullable.insert(raw.to_string(), nullable);
        self.schema_types.insert(at.clone(), (crate::ir::TypeRef::Named(name.clone()), nullable));
        let kind = self.register_shared_component(&name, kind);
        self.insert(TypeDef {
            name,
            source: at,
            doc: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            kind,
        });
        Ok(())
    }

    fn insert(&mut self, def: TypeDef) {
        self.types.insert(def.name.clone(), def);
    }

    /// `#/components/schemas/X` → `X`, checked.
    fn component_for_ref(&self, reference: &str, at: &str) -> Result<String, SpecError> {
        let raw = reference
            .strip_prefix("#/components/schemas/")
            .map(|token| token.replace("~1", "/").replace("~0", "~"))
            .ok_or_else(|| self.err(at, format!("schemas may only reference `#/components/schemas/…`, found {reference:?}")))?;
        if !self.schemas.contains_key(&raw) {
            return Err(self.err(at, format!("dangling reference {reference:?}")));
        }
        Ok(raw)
    }

    fn nullable_of_component(&mut self, raw: &str) -> Result<bool, SpecError> {
        if let Some(nullable) = self.component_nullable.get(raw) {
            return Ok(*nullable);
        }
        // Not defined yet (or inside a cycle): read it off the schema without resolving.
        Ok(match &self.schemas[raw] {
            ReferenceOr::Item(schema) => schema.schema_data.nullable,
            ReferenceOr::Reference { .. } => false,
        })
    }

    fn finish(mut self) -> Result<TypeSpace, SpecError> {
        self.apply_tri_state();
        let mut types: Vec<TypeDef> = self.types.into_values().collect();
        cycles::box_cycles(&mut types);
        types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(TypeSpace { types })
    }
}
