//! A type's struct fields, through aliases. Operations read request bodies with it, and so do the
//! methods they gain from `streaming` and `pagination` (the stream flag, the page fields), which is
//! why it is not in `operations.rs`.

use crate::ir::{Field, TypeKind, TypeRef};
use foldhash::HashMap;

/// Follows aliases to a struct's fields.
pub fn struct_fields<'t>(ty: &TypeRef, types: &HashMap<&str, &'t TypeKind>) -> Option<&'t [Field]> {
    let mut ty = ty.clone();
    for _ in 0..16 {
        let TypeRef::Named(name) = &ty else { return None };
        match types.get(name.as_str())? {
            TypeKind::Struct { fields, extra: None } => return Some(fields),
            TypeKind::Alias(next) => ty = next.clone(),
            _ => return None,
        }
    }
    None
}
