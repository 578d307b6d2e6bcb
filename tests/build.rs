//! Writes the round-trip registry: for every Rust type an example in the pinned specs decodes
//! into, a function that decodes a JSON value into it and encodes it back. Generated, because
//! there are hundreds of such types and the list follows the specs.

use std::collections::BTreeSet;
use std::fmt::Write;

fn main() {
    let root = codegen::pin::workspace_root();
    println!("cargo:rerun-if-env-changed={}", codegen::pin::MIRROR_ENV);
    println!("cargo:rerun-if-changed={}", root.join("specs").display());
    let mirror = codegen::pin::mirror_from_env();
    let inputs = codegen::pipeline::inputs_from_pins(&root, mirror.as_deref())
        .unwrap_or_else(|e| panic!("cannot read the pinned specs (set SPECS_MIRROR or run `cargo xtask fetch`): {e}"));
    let mut keys = BTreeSet::new();
    for input in &inputs {
        let (spec, api) = codegen::pipeline::resolve_input(input).unwrap_or_else(|e| panic!("{e}"));
        for example in codegen::examples::collect(&spec.json) {
            if let Some((ty, nullable)) = codegen::examples::type_at(&api, &example.schema) {
                keys.insert(codegen::examples::type_key(&input.name, ty, *nullable));
            }
        }
    }
    let mut out = String::from("/// Decode-then-encode for a type, by its Rust type expression.\npub fn lookup(key: &str) -> Option<fn(serde_json::Value) -> Result<serde_json::Value, String>> {\n    match key {\n");
    for key in &keys {
        let _ = writeln!(out, "        {key:?} => Some(round_trip::<{key}>),");
    }
    out.push_str("        _ => None,\n    }\n}\n");
    let dir = std::env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    std::fs::write(std::path::Path::new(&dir).join("registry.rs"), out).expect("write registry.rs");
}
