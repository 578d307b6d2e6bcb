//! The inline schemas operations use (parameters, bodies, responses) get named types too, named
//! after the operation: `{Operation}Request`, `{Operation}Response`, `{Operation}{Parameter}`.

use super::Resolver;
use crate::error::{child, SpecError};
use crate::ir::{TypeKind, TypeRef};
use openapiv3::{ReferenceOr, StatusCode};
use std::collections::HashSet;

impl<'a> Resolver<'a> {
    pub(crate) fn resolve_operation_schemas(&mut self) -> Result<(), SpecError> {
        let paths = &self.document.paths.paths;
        for (path, item) in paths {
            let ReferenceOr::Item(item) = item else { continue };
            let path_at = child("/paths", path);
            for (method, operation) in item.iter() {
                let at = child(&path_at, method);
                let op_name = super::pascal(&operation_label(operation.operation_id.as_deref(), method, path));
                for (index, parameter) in operation.parameters.iter().chain(&item.parameters).enumerate() {
                    let ReferenceOr::Item(parameter) = parameter else { continue };
                    let data = parameter.parameter_data_ref();
                    if let openapiv3::ParameterSchemaOrContent::Schema(schema) = &data.format {
                        let hint = format!("{op_name}{}", super::pascal(&data.name));
                        self.shape(schema.into(), &hint, &format!("{at}/parameters/{index}/schema"))?;
                    }
                }
                if let Some(ReferenceOr::Item(body)) = &operation.request_body {
                    for (media, content) in &body.content {
                        if let Some(schema) = &content.schema {
                            let body_at = child(&child(&child(&at, "requestBody"), "content"), media);
                            let shape = self.shape(schema.into(), &format!("{op_name}Request"), &child(&body_at, "schema"))?;
                            self.request_roots.push(shape.ty);
                        }
                    }
                }
                for (status, response) in &operation.responses.responses {
                    let ReferenceOr::Item(response) = response else { continue };
                    let code = match status {
                        StatusCode::Code(code) => code.to_string(),
                        StatusCode::Range(range) => format!("{range}XX"),
                    };
                    let hint = if code.starts_with('2') { format!("{op_name}Response") } else { format!("{op_name}{code}Response") };
                    for (media, content) in &response.content {
                        if let Some(schema) = &content.schema {
                            let response_at = child(&child(&child(&child(&at, "responses"), &code), "content"), media);
                            self.shape(schema.into(), &hint, &child(&response_at, "schema"))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    /// Optional nullable fields of types sent in request bodies become tri-state.
    pub(crate) fn apply_tri_state(&mut self) {
        let mut seen = HashSet::new();
        let mut queue: Vec<TypeRef> = self.request_roots.clone();
        while let Some(ty) = queue.pop() {
            match ty {
                TypeRef::Named(name) => {
                    if !seen.insert(name.clone()) {
                        continue;
                    }
                    if let Some(def) = self.types.get(&name) {
                        match &def.kind {
                            TypeKind::Struct { fields, extra } => {
                                queue.extend(fields.iter().map(|f| f.ty.clone()));
                                queue.extend(extra.iter().cloned());
                            }
                            TypeKind::Union { variants, .. } => queue.extend(variants.iter().map(|v| v.ty.clone())),
                            TypeKind::Alias(target) => queue.push(target.clone()),
                            _ => {}
                        }
                    }
                }
                TypeRef::List(inner) | TypeRef::Map(inner) | TypeRef::Nullable(inner) => queue.push(*inner),
                TypeRef::Prim(_) | TypeRef::Any => {}
            }
        }
        for name in seen {
            if let Some(def) = self.types.get_mut(&name) {
                if let TypeKind::Struct { fields, .. } = &mut def.kind {
                    for field in fields.iter_mut().filter(|f| f.nullable && f.presence == crate::ir::Presence::Optional) {
                        field.presence = crate::ir::Presence::TriState;
                    }
                }
            }
        }
    }
}

/// operationId, or `{method} {path}` for operations without one.
pub(crate) fn operation_label(operation_id: Option<&str>, method: &str, path: &str) -> String {
    operation_id.map(str::to_string).unwrap_or_else(|| format!("{method} {path}"))
}
