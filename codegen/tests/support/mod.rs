//! Shared by the tests that resolve the pinned specs: they read the cache that `cargo xtask
//! fetch` fills, found from the workspace root (never from the caller's directory).
#![allow(dead_code)]

use codegen::pin::{default_cache_dir, workspace_root, Pin};
use serde_json::Value;
use std::path::PathBuf;

pub fn workspace() -> PathBuf {
    workspace_root()
}

/// The pinned spec of `file` as JSON, before our overlays: the verified bytes from the cache.
pub fn pinned_json(file: &str) -> Value {
    let pins = Pin::load_all(&workspace().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let pin = pins.iter().find(|p| p.file == file).unwrap_or_else(|| panic!("no pin for {file} in specs/"));
    let bytes = pin.read(&default_cache_dir(), None).unwrap_or_else(|e| panic!("{e}"));
    codegen::load::parse_document(file, &bytes).unwrap_or_else(|e| panic!("{e}"))
}

/// `json` loaded with the API's overlays and resolved.
pub fn resolve_json(api: &str, file: &str, json: &Value) -> codegen::ir::Api {
    let bytes = serde_json::to_vec(json).expect("JSON");
    let overlay_path = workspace().join("specs/overlays").join(format!("{api}.yaml"));
    let overlay = std::fs::read(&overlay_path).ok();
    let overlays: Vec<codegen::load::OverlaySource<'_>> =
        overlay.as_deref().map(|bytes| codegen::load::OverlaySource { file: "overlay", bytes }).into_iter().collect();
    let spec = codegen::load::load_spec(file, &bytes, &overlays).unwrap_or_else(|e| panic!("{e}"));
    codegen::resolve::resolve(api, &spec).unwrap_or_else(|e| panic!("{e}"))
}

pub fn resolved(api: &str, file: &str) -> codegen::ir::Api {
    resolve_json(api, file, &pinned_json(file))
}

/// `types.rs` and the files under `types/` (per feature set, and the place aliases'), in path
/// order: all of an API's types.
pub fn types_code(files: &[codegen::emit::GeneratedFile]) -> String {
    let mut parts: Vec<&codegen::emit::GeneratedFile> =
        files.iter().filter(|f| f.path.ends_with("types.rs") || f.path.components().any(|part| part.as_os_str() == "types")).collect();
    parts.sort_by(|a, b| a.path.cmp(&b.path));
    parts.iter().map(|f| f.contents.as_str()).collect::<Vec<_>>().join("\n")
}

/// The pinned spec of each API and every version of it under `.spec-cache/history/`, resolved as
/// regen resolves them (history versions as other versions: overlays that no longer fit are left
/// out). Returns `(label, api)` pairs, the pins first, then the history files by name.
pub fn every_version() -> Vec<(String, codegen::ir::Api)> {
    let root = workspace();
    let pinned = codegen::pipeline::inputs_from_pins(&root, None).unwrap_or_else(|e| panic!("{e}"));
    let mut out = Vec::new();
    for input in &pinned {
        let (_, api) = codegen::pipeline::resolve_input(input).unwrap_or_else(|e| panic!("{e}"));
        out.push((input.spec_file.clone(), api));
    }
    let history = default_cache_dir().join("history");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&history)
        .unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask fetch`", history.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    for path in files {
        let file = path.file_name().and_then(|n| n.to_str()).unwrap_or_default().to_string();
        let Some(input) = pinned.iter().find(|i| file.starts_with(&format!("{}-", i.name))) else { continue };
        let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{file}: {e}"));
        let (_, api) = codegen::pipeline::resolve_input(&input.with_spec(&file, bytes)).unwrap_or_else(|e| panic!("{e}"));
        out.push((file, api));
    }
    out
}
