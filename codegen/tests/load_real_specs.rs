//! The two pinned upstream specs load, with every operation and component schema intact.

use codegen::load::load_spec;
use codegen::pin::{default_cache_dir, workspace_root, Pin};

/// The pinned spec's verified bytes from the cache `cargo xtask fetch` fills.
fn pinned(file: &str) -> Vec<u8> {
    let pins = Pin::load_all(&workspace_root().join("specs")).unwrap_or_else(|e| panic!("{e}"));
    let pin = pins.iter().find(|p| p.file == file).unwrap_or_else(|| panic!("no pin for {file} in specs/"));
    pin.read(&default_cache_dir(), None).unwrap_or_else(|e| panic!("{e}"))
}

fn count_operations(doc: &openapiv3::OpenAPI) -> usize {
    doc.paths.paths.values().filter_map(|p| p.as_item()).map(|item| item.iter().count()).sum()
}

#[test]
fn both_specs_load_with_every_operation_and_schema() {
    for (file, operations, schemas) in [("openrouter.yaml", 97, 769), ("langfuse.yml", 114, 344)] {
        let bytes = pinned(file);
        let spec = load_spec(file, &bytes, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count_operations(&spec.document), operations, "{file}");
        assert_eq!(spec.document.components.as_ref().unwrap().schemas.len(), schemas, "{file}");
    }
}
