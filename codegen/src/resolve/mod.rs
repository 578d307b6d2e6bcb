//! Resolve: an `openapiv3` document → the type model in `ir`.
//!
//! Components are named first, so references never wait on each other; a component's body is
//! resolved on first use (or in spec order). Inline schemas are named from where they sit and
//! resolved once per place (JSON pointer); `places` settles the final names at the end, so that
//! no name depends on spec order or on unrelated schemas.

mod construction;
mod cycles;
mod names;
mod objects;
mod operations;
mod place_aliases;
mod places;
mod schema;
mod unions;

pub use names::{enum_variant, pascal, snake, type_name, Namer};

use crate::error::SpecError;
use crate::ir::{Api, TypeDef, TypeKind, TypeSpace};
use crate::load::Spec;
use indexmap::IndexMap;
use openapiv3::{ReferenceOr, Schema};
use foldhash::{HashMap, HashSet};

/// Resolves every component schema, every operation and every inline schema they use.
pub fn resolve(api: &str, spec: &Spec) -> Result<Api, SpecError> {
    let mut resolver = Resolver::new(spec);
    resolver.resolve_components()?;
    let mut operations = resolver.resolve_operations()?;
    resolver.apply_tri_state(&operations);
    let kinds = resolver.types.iter().map(|(name, def)| (name.as_str(), &def.kind)).collect();
    let settled = places::final_names(&resolver.requests, &kinds);
    let (mut names, naming_notes, merged) = (settled.names, settled.notes, settled.merged);
    for (inner, component) in &resolver.promoted {
        let name = names.get(component).cloned().unwrap_or_else(|| component.clone());
        names.insert(inner.clone(), name);
    }
    for op in &mut operations {
        places::rename_operation(op, &names);
    }
    let mut schema_types = std::mem::take(&mut resolver.schema_types);
    for (ty, _) in schema_types.values_mut() {
        places::rename_ref(ty, &names);
    }
    let mut warnings = std::mem::take(&mut resolver.warnings);
    let place_refs = std::mem::take(&mut resolver.place_refs);
    let roots: Vec<String> = place_refs.iter().map(|r| resolver.root_of(&r.at)).collect();
    let asked: HashSet<String> = resolver.requests.values().map(|r| names::shorten(&r.desired, &r.root, names::MAX_TYPE_NAME)).collect();
    let mut types = resolver.finish(&names, &merged)?;
    place_aliases::add(&mut types, &place_refs, &roots, &names, &asked);
    break_alias_cycles(&mut types, &spec.file, &mut warnings);
    // `https://{region}.example.com` is not a URL a client can call: fill in each variable's default.
    let default_server = spec.document.servers.first().map(|server| {
        let mut url = server.url.clone();
        for (name, variable) in server.variables.iter().flatten() {
            url = url.replace(&format!("{{{name}}}"), &variable.default);
        }
        url
    });
    Ok(Api { name: api.to_string(), types, operations, default_server, schema_types, naming_notes, warnings })
}

/// `A: {allOf: [$ref: A]}` (or a longer ring of such wrappers) would be `type A = A;`, a type
/// of infinite size: each alias on a ring becomes free-form JSON, with a warning.
fn break_alias_cycles(types: &mut TypeSpace, file: &str, warnings: &mut Vec<SpecError>) {
    let aliases: HashMap<String, String> = types
        .types
        .iter()
        .filter_map(|t| match &t.kind {
            TypeKind::Alias(crate::ir::TypeRef::Named(target)) => Some((t.name.clone(), target.clone())),
            _ => None,
        })
        .collect();
    let on_ring = |start: &str| {
        let mut at = start;
        for _ in 0..=aliases.len() {
            match aliases.get(at) {
                Some(next) if next == start => return true,
                Some(next) => at = next,
                None => return false,
            }
        }
        false
    };
    let ring: HashSet<String> = aliases.keys().filter(|name| on_ring(name)).cloned().collect();
    for def in types.types.iter_mut().filter(|t| ring.contains(&t.name)) {
        warnings.push(SpecError::new(file, def.source.clone(), "this schema is only a reference to itself (through allOf), so it has no shape; generated as `serde_json::Value`"));
        def.kind = TypeKind::Alias(crate::ir::TypeRef::Any);
    }
}

/// A component's Rust name chosen by one of our overlays (`x-rust-name`), where the spec's own
/// name misleads (`ChatMessages` is one message).
fn curated_name(schema: &ReferenceOr<Schema>) -> Option<&str> {
    match schema {
        ReferenceOr::Item(schema) => schema.schema_data.extensions.get("x-rust-name")?.as_str(),
        ReferenceOr::Reference { .. } => None,
    }
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
    /// Component name → the name it asks for (curated, else from the component name).
    component_desired: HashMap<String, String>,
    /// Hands out provisional names (unique while resolving; `places` decides the final ones).
    namer: names::Namer,
    types: IndexMap<String, TypeDef>,
    /// Provisional name → the name its place asks for.
    requests: HashMap<String, places::Request>,
    /// JSON pointer of a resolved inline schema → its shape, so that one place is one type.
    inline_shapes: HashMap<String, Shape>,
    /// JSON pointer → the name its place asks for (owners of properties are looked up here).
    place_names: HashMap<String, String>,
    /// Operation pointer (`/paths/…/get`) → the operation's name, the root of its inline types' names.
    op_roots: HashMap<String, String>,
    /// Inline types that turned out to be their component (provisional name → component's).
    promoted: HashMap<String, String>,
    schema_types: std::collections::BTreeMap<String, (crate::ir::TypeRef, bool)>,
    /// Located notes on what was degraded or skipped rather than refused.
    warnings: Vec<SpecError>,
    /// The provisional names of components (a shape naming one came from a `$ref`).
    component_types: HashSet<String>,
    /// Places that refer to a component, with the name an inline schema there would ask for.
    place_refs: Vec<place_aliases::PlaceRef>,
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
        let component_desired: HashMap<String, String> = schemas
            .iter()
            .map(|(raw, schema)| (raw.clone(), type_name(curated_name(schema).unwrap_or(raw))))
            .collect();
        let component_names: HashMap<String, String> = schemas.keys().map(|raw| (raw.clone(), namer.take(&component_desired[raw]))).collect();
        let component_types = component_names.values().cloned().collect();
        let place_names = schemas
            .keys()
            .map(|raw| (crate::error::child("/components/schemas", raw), component_desired[raw].clone()))
            .collect();
        Resolver {
            file: &spec.file,
            document: &spec.document,
            schemas,
            component_names,
            started: HashSet::default(),
            component_nullable: HashMap::default(),
            component_desired,
            namer,
            types: IndexMap::new(),
            requests: HashMap::default(),
            inline_shapes: HashMap::default(),
            place_names,
            promoted: HashMap::default(),
            op_roots: HashMap::default(),
            schema_types: Default::default(),
            warnings: spec.warnings.clone(),
            component_types,
            place_refs: Vec::new(),
        }
    }

    fn err(&self, at: &str, message: impl Into<String>) -> SpecError {
        SpecError::new(self.file, at, message)
    }

    fn warn(&mut self, at: &str, message: impl Into<String>) {
        self.warnings.push(SpecError::new(self.file, at, message));
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
                let desired = self.component_desired[raw].clone();
                self.insert(
                    TypeDef { name, source: at, doc: None, deprecated: false, kind: TypeKind::Alias(crate::ir::TypeRef::Named(target_name)), hidden: false },
                    desired,
                    true,
                );
                return Ok(());
            }
        };
        // Inline types inside a component are named after what the component asks to be called.
        let desired = self.component_desired[raw].clone();
        // A component the generator cannot express costs that component, not the spec.
        let (mut kind, nullable) = match self.kind_of(schema, &desired, &at) {
            Ok(resolved) => resolved,
            Err(e) => {
                self.warn(&e.pointer, format!("{}; `{name}` is generated as `serde_json::Value`", e.message));
                (TypeKind::Alias(crate::ir::TypeRef::Any), schema.schema_data.nullable)
            }
        };
        // `anyOf: [{…}, null]` made its one member under the component's own name: that member
        // is the component, not a second type the component aliases.
        if let TypeKind::Alias(crate::ir::TypeRef::Named(inner)) = &kind {
            if self.requests.get(inner).is_some_and(|r| !r.component && r.desired == desired) {
                let inner = inner.clone();
                self.requests.remove(&inner);
                if let Some(def) = self.types.shift_remove(&inner) {
                    kind = def.kind;
                }
                self.promoted.insert(inner, name.clone());
            }
        }
        self.component_nullable.insert(raw.to_string(), nullable);
        self.schema_types.insert(at.clone(), (crate::ir::TypeRef::Named(name.clone()), nullable));
        let def = TypeDef {
            name,
            source: at,
            doc: schema.schema_data.description.clone(),
            deprecated: schema.schema_data.deprecated,
            kind,
            hidden: false,
        };
        self.insert(def, desired, true);
        Ok(())
    }

    fn insert(&mut self, def: TypeDef, desired: String, component: bool) {
        let root = self.root_of(&def.source);
        self.requests.insert(def.name.clone(), places::Request { desired, source: def.source.clone(), component, root });
        self.types.insert(def.name.clone(), def);
    }

    /// The name of the component or operation a place sits in, for shortening long names.
    fn root_of(&self, pointer: &str) -> String {
        let unescape = |token: &str| token.replace("~1", "/").replace("~0", "~");
        if let Some(rest) = pointer.strip_prefix("/components/schemas/") {
            let raw = unescape(rest.split('/').next().unwrap_or_default());
            return self.component_desired.get(&raw).cloned().unwrap_or_default();
        }
        if pointer.starts_with("/paths/") {
            let operation: Vec<&str> = pointer.splitn(5, '/').take(4).collect();
            return self.op_roots.get(&operation.join("/")).cloned().unwrap_or_default();
        }
        String::new()
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

    fn finish(self, names: &HashMap<String, String>, merged: &HashSet<String>) -> Result<TypeSpace, SpecError> {
        // A type that reuses another's name is that type: its own definition goes.
        let mut types: Vec<TypeDef> = self.types.into_iter().filter(|(name, _)| !merged.contains(name)).map(|(_, def)| def).collect();
        for def in &mut types {
            places::rename_type(def, names);
        }
        cycles::box_cycles(&mut types);
        construction::decide(&mut types);
        types.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(TypeSpace { types })
    }
}
