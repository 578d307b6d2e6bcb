//! Another version of a pinned spec (history, a newer upstream) must regenerate into a crate
//! that compiles even when the pin's hand-written parts no longer fit it: they are left out with
//! a located warning instead of failing regen (`cargo xtask check-history` compiles the result).

mod support;

#[test]
fn an_observe_table_that_misses_an_older_version_is_left_out_with_a_warning() {
    let root = support::workspace();
    let pinned = codegen::pipeline::inputs_from_pins(&root, None).unwrap_or_else(|e| panic!("{e}"));
    let openrouter = pinned.iter().find(|i| i.name == "openrouter").expect("the openrouter pin");
    assert!(openrouter.profile.observe.is_some(), "the pin has an [observe] table");
    let file = "openrouter-2026-06-09.yaml";
    let bytes = std::fs::read(codegen::pin::default_cache_dir().join("history").join(file)).unwrap_or_else(|e| panic!("{file}: {e}; run `cargo xtask fetch`"));

    let files = codegen::pipeline::generate_api_guarded(&openrouter.with_spec(file, bytes.clone())).unwrap_or_else(|e| panic!("{e}"));
    assert!(!files.iter().any(|f| f.path.ends_with("observe.rs")), "no observe module");
    let lib = files.iter().find(|f| f.path.ends_with("openrouter/src/lib.rs")).expect("lib.rs");
    assert!(!lib.contents.contains("mod observe;"), "{}", lib.contents);
    let report = files.iter().find(|f| f.path.ends_with("DEGRADED.md")).map(|f| f.contents.clone()).unwrap_or_default();
    assert!(report.contains(&format!("- {file}: at /paths: the [observe] table left out (no `Client::observed`): specs/openrouter.toml: [[observe.generations]]")), "{report}");

    // As the pinned spec itself, the same miss is an error: the table must move with the pin.
    let mut as_pinned = openrouter.with_spec(file, bytes);
    as_pinned.other_version = false;
    as_pinned.overlays.clear();
    let Err(error) = codegen::pipeline::generate_api_guarded(&as_pinned) else { panic!("expected an error") };
    let error = error.to_string();
    assert!(error.contains("[[observe.generations]]"), "{error}");
}
