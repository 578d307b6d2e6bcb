//! Shared helpers for the repository's tests.

pub mod json;
pub mod otlp;
pub mod server;

use std::path::PathBuf;

/// The workspace root.
pub fn root() -> PathBuf {
    codegen::pin::workspace_root()
}

/// The pinned specs' inputs, from the cache `cargo xtask fetch` fills. Tests never look at
/// `SPECS_MIRROR`: the cache is their one source, wherever cargo runs them from.
pub fn inputs() -> Vec<codegen::pipeline::ApiInput> {
    codegen::pipeline::inputs_from_pins(&root(), None).unwrap_or_else(|e| panic!("cannot read the pinned specs: {e}"))
}

/// An older version of a pinned spec (pinned in `specs/history/`), verified, from the cache.
pub fn history(file: &str) -> Vec<u8> {
    let versions = codegen::pin::HistoryPin::load_all(&root().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let version = versions.iter().find(|v| v.file == file).unwrap_or_else(|| panic!("no pin for {file} in specs/history/"));
    version.read(&codegen::pin::default_cache_dir(), None).unwrap_or_else(|e| panic!("{e}"))
}
