//! The spec-drift alarm: `generated/` must be exactly what the pinned specs generate.

#[test]
fn generated_crates_match_the_pinned_specs() {
    let files = codegen::pipeline::generate(&spec_tests::inputs()).unwrap_or_else(|e| panic!("{e}"));
    let drifts = codegen::golden::compare(&spec_tests::root().join("generated"), &files).expect("read generated/");
    assert!(drifts.is_empty(), "{}", codegen::golden::render(&drifts, "cargo xtask regen"));
}

#[test]
fn generation_is_byte_for_byte_deterministic() {
    let inputs = spec_tests::inputs();
    let first = codegen::pipeline::generate(&inputs).unwrap_or_else(|e| panic!("{e}"));
    let second = codegen::pipeline::generate(&inputs).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(first, second);
}
