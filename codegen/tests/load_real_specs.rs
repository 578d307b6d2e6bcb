//! The two pinned upstream specs load, with every operation and component schema intact.

use codegen::load::load_spec;
use std::path::PathBuf;

fn mirror() -> PathBuf {
    PathBuf::from(std::env::var("SPECS_MIRROR").expect("set SPECS_MIRROR to the directory holding the pinned specs"))
}

fn count_operations(doc: &openapiv3::OpenAPI) -> usize {
    doc.paths.paths.values().filter_map(|p| p.as_item()).map(|item| item.iter().count()).sum()
}

#[test]
fn both_specs_load_with_every_operation_and_schema() {
    for (file, operations, schemas) in [("openrouter.yaml", 97, 769), ("langfuse.yml", 114, 344)] {
        let bytes = std::fs::read(mirror().join(file)).unwrap();
        let spec = load_spec(file, &bytes, &[]).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(count_operations(&spec.document), operations, "{file}");
        assert_eq!(spec.document.components.as_ref().unwrap().schemas.len(), schemas, "{file}");
    }
}
