//! Names by role: every generated type name is the one its place asks for, or is listed here with
//! the reason it could not be (the list is checked in, so a new deviation is a reviewed change).

use codegen::load::load_spec;

fn workspace() -> std::path::PathBuf {
    std::path::Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("workspace root").to_path_buf()
}

fn resolved(api: &str, file: &str) -> codegen::ir::Api {
    let path = workspace().join(".spec-cache").join(file);
    let bytes = std::fs::read(&path).unwrap_or_else(|e| panic!("{}: {e}; run `cargo xtask fetch`", path.display()));
    let overlay_path = workspace().join("specs/overlays").join(format!("{api}.yaml"));
    let overlay = std::fs::read(&overlay_path).ok();
    let overlays: Vec<codegen::load::OverlaySource<'_>> =
        overlay.as_deref().map(|bytes| codegen::load::OverlaySource { file: "overlay", bytes }).into_iter().collect();
    let spec = load_spec(file, &bytes, &overlays).unwrap_or_else(|e| panic!("{e}"));
    codegen::resolve::resolve(api, &spec).unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn print_notes() {
    for (api, file) in [("openrouter", "openrouter.yaml"), ("langfuse", "langfuse.yml")] {
        let api = resolved(api, file);
        for note in &api.naming_notes {
            println!("{}\t{}\t{}", note.name, note.source, note.reason);
        }
    }
}
