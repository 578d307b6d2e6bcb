//! Shared helpers for the repository's tests.

pub mod json;
pub mod server;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    codegen::pin::workspace_root()
}

/// The pinned specs' inputs (from the cache, or `SPECS_MIRROR`).
pub fn inputs() -> Vec<codegen::pipeline::ApiInput> {
    codegen::pipeline::inputs_from_pins(&root(), codegen::pin::mirror_from_env().as_deref())
        .unwrap_or_else(|e| panic!("cannot read the pinned specs: {e}"))
}
