//! Hostile specs (issue 11): each fixture under `tests/fixtures/hostile/` holds constructs that
//! used to crash the generator, reject the whole spec, or pass regen with output that does not
//! compile. Every generation here must finish without a panic, every error and warning must be
//! located (file + JSON pointer), and every emitted file must parse.

mod support;

use codegen::emit::GeneratedFile;
use codegen::pipeline::{generate_api_guarded, ApiInput, GenerateError};

/// The API a fixture is generated as: `langfuse_*` fixtures as `langfuse`, so that its
/// hand-written extension (`codegen/extensions/langfuse.rs`) is checked against them.
fn api_of(fixture: &str) -> &'static str {
    if fixture.starts_with("langfuse_") {
        "langfuse"
    } else {
        "hostile"
    }
}

fn input(name: &str, spec: Vec<u8>) -> ApiInput {
    ApiInput {
        name: api_of(name).into(),
        title: "Hostile".into(),
        pin_file: format!("{name}.toml"),
        sha256: "0".into(),
        spec_file: format!("{name}.yaml"),
        spec,
        overlays: Vec::new(),
        profile: Default::default(),
        other_version: false,
    }
}

fn fixture_bytes(name: &str) -> Vec<u8> {
    let path = format!("{}/tests/fixtures/hostile/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    std::fs::read(&path).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Generates a fixture; every emitted Rust file must parse.
fn generate(name: &str) -> Result<Vec<GeneratedFile>, GenerateError> {
    let files = generate_api_guarded(&input(name, fixture_bytes(name)))?;
    for file in &files {
        if file.path.extension().is_some_and(|e| e == "rs") {
            let parsed = syn::parse_file(&file.contents).unwrap_or_else(|e| panic!("{name}: {} does not parse: {e}\n{}", file.path.display(), file.contents));
            // Structs are written as text in prettyplease's layout, the rest printed by it: the
            // file must read as prettyplease prints it (below the `// @generated` header).
            // Extensions are hand-written and copied as they are.
            let body = file.contents.split_once('\n').map_or("", |(_, body)| body);
            let printed = prettyplease::unparse(&parsed);
            if body != printed && !file.path.ends_with("extensions.rs") {
                let line = body.lines().zip(printed.lines()).position(|(a, b)| a != b).unwrap_or(0);
                let context = |text: &str| text.lines().skip(line.saturating_sub(3)).take(8).collect::<Vec<_>>().join("\n");
                panic!("{name}: {} is not laid out as prettyplease prints it, from line {}:\n{}\n--- prettyplease:\n{}", file.path.display(), line + 2, context(body), context(&printed));
            }
        }
    }
    Ok(files)
}

fn generated(name: &str) -> Vec<GeneratedFile> {
    generate(name).unwrap_or_else(|e| panic!("{name}: {e}"))
}

fn spec_error(name: &str) -> codegen::error::SpecError {
    match generate(name) {
        Ok(_) => panic!("{name}: expected an error"),
        Err(GenerateError::Spec(e)) => e,
        Err(other) => panic!("{name}: expected a located spec error, got {other}"),
    }
}

fn file<'a>(files: &'a [GeneratedFile], suffix: &str) -> &'a str {
    &files.iter().find(|f| f.path.ends_with(suffix)).unwrap_or_else(|| panic!("no file {suffix}")).contents
}

fn all_code(files: &[GeneratedFile]) -> String {
    files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")).map(|f| f.contents.as_str()).collect::<Vec<_>>().join("\n")
}

fn degraded(files: &[GeneratedFile]) -> String {
    files.iter().find(|f| f.path.ends_with("DEGRADED.md")).map(|f| f.contents.clone()).unwrap_or_default()
}

const FIXTURES: [&str; 19] = [
    "component_degrade",
    "unicode_names",
    "keywords",
    "pagination_types",
    "enums",
    "errors_and_tags",
    "self_all_of",
    "loader_constructs",
    "all_of_narrowing",
    "any_of_error",
    "swagger2",
    "key_constraints",
    "path_item_refs",
    "binary_body",
    "constants",
    "prelude_names",
    "langfuse_prompts",
    "langfuse_prompts_moved",
    "one_letter_names",
];

#[test]
fn non_identifier_unicode_becomes_ascii_identifiers() {
    let files = generated("unicode_names");
    let types = support::types_code(&files);
    // `²`, `٣x`, `𝟙` read as digits; a name with no ASCII reading falls back to a safe one.
    assert!(types.contains("pub struct V2 "), "{types}");
    assert!(types.contains("pub _3x: Option<i64>"), "{types}");
    assert!(types.contains("(\"²\", &self._2)"), "{types}");
    assert!(types.contains("pub cafe:"), "{types}");
    assert!(types.is_ascii() || !types.lines().any(|l| l.trim_start().starts_with("pub ") && !l.is_ascii() && !l.contains('"')), "{types}");
    assert!(!all_code(&files).contains("Ident"), "no identifier error text leaked");
}

#[test]
fn keywords_and_builder_internals_get_distinct_names() {
    let files = generated("keywords");
    let types = support::types_code(&files);
    assert!(types.contains("pub self_: String"), "{types}");
    assert!(types.contains("pub self_2: String") || types.contains("pub self__2: String"), "{types}");
    assert!(types.contains("pub r#try:"), "{types}");
    assert!(types.contains("pub struct ResultModel"), "{types}");
    let lib = file(&files, "hostile/src/lib.rs");
    for module in ["pub mod r#type;", "pub mod r#async;", "pub mod mod_operations;", "pub mod lib_operations;", "pub mod crate_;"] {
        assert!(lib.contains(module), "{module}\n{lib}");
    }
    let code = all_code(&files);
    for setter in ["fn client_param(", "fn options_param(", "fn timeout_param(", "fn retry_param(", "fn send_param(", "fn header_param("] {
        assert!(code.contains(setter), "{setter}");
    }
    // A builder named `Result` or `Option` would shadow the prelude in its module.
    assert!(!code.contains("pub struct Result ") && !code.contains("pub struct Option "), "{code}");
}

/// Names of the prelude, serde, the runtime and the crate's own modules, as schemas, tags,
/// operations, properties and parameters: each colliding item is renamed, so nothing the emitted
/// code names unqualified is shadowed (the clippy test below compiles the result).
#[test]
fn prelude_and_runtime_names_are_renamed_not_shadowed() {
    let files = generated("prelude_names");
    let types = support::types_code(&files);
    for renamed in ["DefaultModel", "OptionModel", "SomeModel", "NoneModel", "ResultModel", "OkModel", "ErrModel", "BoxModel", "VecModel", "StringModel", "CloneModel", "DebugModel", "SendModel", "SyncModel", "SizedModel", "ValueModel", "ExtraModel", "IntoModel", "FromModel", "SerializeModel", "DeserializeModel"] {
        assert!(types.contains(&format!(" {renamed} ")) || types.contains(&format!(" {renamed}(")) || types.contains(&format!(" {renamed} =")), "{renamed}\n{types}");
    }
    for shadowing in ["struct Default ", "struct Option ", "enum Some ", "enum Result ", "struct Vec ", "enum Box ", "struct Clone ", "enum Into ", "enum From ", "struct Extra "] {
        assert!(!all_code(&files).contains(shadowing), "{shadowing}");
    }
    // Names the API's own schemas do not share a scope with keep their spelling.
    for kept in ["pub struct Error ", "pub struct Response ", "pub struct Client ", "pub struct Config "] {
        assert!(types.contains(kept), "{kept}");
    }
    let lib = file(&files, "hostile/src/lib.rs");
    for module in ["pub mod default_operations;", "pub mod runtime_operations;", "pub mod std_operations;", "pub mod core_operations;", "pub mod serde_operations;", "pub mod serde_json_operations;"] {
        assert!(lib.contains(module), "{module}\n{lib}");
    }
    assert!(lib.contains("pub use openrouter_langfuse_runtime as runtime;"), "{lib}");
    // The accessor derives `Clone`: an operation `clone` must not shadow it.
    let code = all_code(&files);
    assert!(code.contains("pub fn clone_op(&self)") && !code.contains("pub fn clone(&self)"), "{code}");
}

/// Schemas `A`…`Z` name every letter emitted code could give a generic parameter, and
/// `new`/`default`/`clone`/`into`/`from` every method clippy or a reader takes for a std one:
/// the emitted generics are named as no schema can be (`_D`, `_S`, `_A`: type names are PascalCase), those operations
/// get `_op`, and the tag `Self` a readable feature (the clippy test below compiles the result).
#[test]
fn one_letter_schemas_and_std_method_operations_break_nothing() {
    let files = generated("one_letter_names");
    let code = all_code(&files);
    let flat = code.split_whitespace().collect::<Vec<_>>().join(" ");
    for letter in 'A'..='Z' {
        assert!(["pub struct", "pub enum", "pub type"].iter().any(|item| flat.contains(&format!("{item} {letter} "))), "{letter}\n{code}");
    }
    for generic in ["<D:", "<S:", "<A:", ", A:", " D::Error", " S::Ok", " A::Error"] {
        assert!(!code.contains(generic), "a generic parameter a schema can name: {generic}");
    }
    assert!(code.contains("fn decode<'d, _A: serde::de::MapAccess<'d>>"), "{code}");
    for op in ["new", "default", "clone", "into", "from"] {
        assert!(flat.contains(&format!("pub fn {op}_op( &self")) || flat.contains(&format!("pub fn {op}_op(&self")), "{op}\n{code}");
        assert!(!flat.contains(&format!("pub fn {op}(&self")) && !flat.contains(&format!("pub fn {op}( &self")), "{op}\n{code}");
    }
    assert!(code.contains("#[cfg(feature = \"self\")]") && !code.contains("feature = \"self-\""), "{code}");
    // The runtime's union macros expand in the module of the union: same rule there.
    let mut macro_files = 0;
    let mut folders = vec![support::workspace().join("codegen/runtime")];
    while let Some(folder) = folders.pop() {
        for entry in std::fs::read_dir(&folder).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                folders.push(path);
                continue;
            }
            let source = std::fs::read_to_string(&path).unwrap();
            let Some(at) = source.find("macro_rules!") else { continue };
            macro_files += 1;
            let macros = &source[at..];
            assert!(!macros.contains("<D:") && !macros.contains("<S:"), "a runtime macro in {} names a generic parameter a schema can name", path.display());
        }
    }
    assert!(macro_files > 0, "the runtime's union and enum macros were not found");
}

/// An extension whose needs the spec meets is written into the crate; one whose type is gone is
/// left out with a located warning naming what moved, and the crate still compiles (the clippy
/// test below builds both).
#[test]
fn an_extension_is_left_out_with_a_warning_when_its_needs_are_gone() {
    let kept = generated("langfuse_prompts");
    assert!(file(&kept, "langfuse/src/extensions.rs").contains("impl PromptChat"));
    assert!(file(&kept, "langfuse/src/lib.rs").contains("mod extensions;"));
    assert_eq!(degraded(&kept), "", "every need is met");

    let moved = generated("langfuse_prompts_moved");
    assert!(!moved.iter().any(|f| f.path.ends_with("extensions.rs")), "the extension is left out");
    assert!(!file(&moved, "langfuse/src/lib.rs").contains("mod extensions"));
    let report = degraded(&moved);
    for expected in [
        "langfuse_prompts_moved.yaml: at /components/schemas: extension `codegen/extensions/langfuse.rs` left out: it needs the type `ChatMessageWithPlaceholders`",
        "langfuse_prompts_moved.yaml: at /components/schemas/PromptChat: extension `codegen/extensions/langfuse.rs` left out: it needs `PromptChat.prompt: Vec<ChatMessageWithPlaceholders>` (line ",
        "which is now `Vec<ChatMessage>`",
    ] {
        assert!(report.contains(expected), "{expected}\n{report}");
    }
}

#[test]
fn paginate_only_when_the_parameter_types_allow_it() {
    let files = generated("pagination_types");
    let code = all_code(&files);
    let pagers = code.matches("pub fn send_paginated").count();
    assert_eq!(pagers, 0, "string/int32 offsets, a string page, an integer cursor, or a string total: no pager\n{code}");
}

#[test]
fn enum_values_are_deduplicated_and_non_strings_stay_numeric() {
    let files = generated("enums");
    let types = support::types_code(&files);
    assert_eq!(types.matches("=> \"a\"").count(), 1, "{types}");
    assert_eq!(types.matches("=> 1,").count(), 1, "{types}");
    assert!(types.contains("pub type Numeric = f64;"), "{types}");
    assert!(types.contains("pub type Flags = bool;"), "{types}");
    assert!(types.contains("pub type Mixed = serde_json::Value;"), "{types}");
    let report = degraded(&files);
    assert!(report.contains("enums.yaml: at /components/schemas/Numeric/enum: only string and integer enums become Rust enums; generated as `f64`"), "{report}");
}

#[test]
fn constants_of_every_kind_name_their_value_for_the_runtime() {
    let files = generated("constants");
    let types = support::types_code(&files);
    // Text constants are enums of one value, shaped like any string enum (see `one_value_enum!`).
    let flat = types.split_whitespace().collect::<Vec<_>>().join(" ");
    for (name, variant) in [("Text", "Code => \"code\""), ("LongText", "AConstantValueLongEnoughToPushItsMarkerPastTheMargin => \"a_constant_value_long_enough_to_push_its_marker_past_the_margin\"")] {
        assert!(flat.contains("one_value_enum! {") && flat.contains(&format!("pub enum {name} {{ {variant}, }}")), "{name}: {types}");
        assert!(!types.contains(&format!("impl rt::ConstValue for {name} ")), "{name}: {types}");
    }
    for (name, value) in [
        ("Flag", "rt::ConstLit::Bool(true)"),
        ("Count", "rt::ConstLit::Int(3)"),
        ("Ratio", "rt::ConstLit::Float(1.5f64)"),
        ("Shape", "rt::ConstLit::Json(\n            \"{\\\"kind\\\":\\\"circle\\\",\\\"sides\\\":[1,2]}\",\n        )"),
    ] {
        assert!(types.contains(&format!("impl rt::ConstValue for {name} {{\n        const VALUE: rt::ConstLit = {value};")), "{name}: {types}");
        assert!(types.contains(&format!("pub type {name} = crate::runtime::Const<constants::{name}>;")), "{name}: {types}");
    }
    // Constants are not arguments: the constructor fills them in.
    assert!(types.contains("pub fn new() -> Self {"), "{types}");
}

#[test]
fn operations_tags_and_paths_that_would_not_compile_are_fixed_or_skipped_with_a_warning() {
    let files = generated("errors_and_tags");
    let code = all_code(&files);
    // Only `default` decodes errors: no one-armed match.
    assert!(!code.contains("match status {\n            _ =>"), "{code}");
    // `Things` and `things` are one module.
    let lib = file(&files, "hostile/src/lib.rs");
    assert_eq!(lib.matches("pub mod things;").count(), 1, "{lib}");
    // Repeated operationId: two builders, two methods.
    assert!(code.contains("pub struct ListThings ") && code.contains("pub struct ListThings2 "), "{code}");
    // Tag `chat` and operation `chat`: accessor and builder are different types.
    assert!(code.contains("pub struct Chat<'a>") && code.contains("pub struct Chat2 "), "{code}");
    let report = degraded(&files);
    assert!(report.contains("/paths/~1x~1{}/get: operation skipped: path variable {}"), "{report}");
    assert!(report.contains("/paths/~1y~1{id}/get: operation skipped: path variable {id}"), "{report}");
    assert!(report.contains("/paths/~1things/get/security: security scheme \"missing\" is not defined"), "{report}");
    assert!(!code.contains("\"/x/{}\""), "{code}");
    assert!(report.contains("/paths/~1cookie/get/parameters/0: operation `withCookie` skipped: cookie parameters are not supported"), "{report}");
    assert!(!code.contains("WithCookie"), "{code}");
}

#[test]
fn a_schema_that_is_all_of_itself_is_refused_or_degraded_located() {
    match generate("self_all_of") {
        Ok(files) => {
            let types = support::types_code(&files);
            assert!(!types.contains("pub type Loop = Loop;"), "{types}");
            // Named as the cycle it is, not as a nesting limit.
            let report = degraded(&files);
            for expected in [
                "self_all_of.yaml: at /components/schemas/Nest/allOf/0: `Nest` contains itself through allOf (Nest → Nest)",
                "self_all_of.yaml: at /components/schemas/Pong/allOf/0: `Ping` contains itself through allOf (Ping → Pong → Ping)",
            ] {
                assert!(report.contains(expected), "{expected}\n{report}");
            }
            assert!(!report.contains("levels deep"), "{report}");
        }
        Err(GenerateError::Spec(e)) => assert!(e.pointer.starts_with("/components/schemas/Loop"), "{e}"),
        Err(e) => panic!("{e}"),
    }
}

#[test]
fn a_component_that_cannot_be_expressed_degrades_alone() {
    let files = generated("component_degrade");
    let types = support::types_code(&files);
    assert!(types.contains("pub type Weird = serde_json::Value;"), "{types}");
    assert!(types.contains("pub struct Fine"), "{types}");
    let report = degraded(&files);
    assert!(report.contains("component_degrade.yaml: at /components/schemas/Weird/properties/a"), "{report}");
    assert!(report.contains("`Weird` is generated as `serde_json::Value`"), "{report}");
}

#[test]
fn swagger_2_says_so() {
    let e = spec_error("swagger2");
    assert!(e.message.contains("Swagger 2.0"), "{e}");
}

#[test]
fn an_any_of_member_is_not_called_an_all_of_member() {
    let report = degraded(&generated("any_of_error"));
    let line = report.lines().find(|l| l.contains("at /components/schemas/A/allOf/0/anyOf/0:")).unwrap_or_else(|| panic!("{report}"));
    assert!(!line.contains("allOf member") && line.contains("anyOf member"), "{line}");
}

#[test]
fn loader_constructs_resolve_instead_of_rejecting_the_spec() {
    let files = generated("loader_constructs");
    let types = support::types_code(&files);
    assert!(types.contains("pub type Labels = crate::runtime::Map<String>;"), "{types}");
    // The shared response's schema is used, not refused.
    assert!(all_code(&files).contains("Response<super::types::Labels>"), "{}", all_code(&files));
    assert!(file(&files, "client.rs").contains("https://eu.example.com/v1"), "server variables take their defaults");
}

#[test]
fn key_constraints_become_string_keyed_maps_with_a_warning() {
    let files = generated("key_constraints");
    let types = support::types_code(&files);
    // One pattern keeps its value type; patterns of different shapes hold any JSON.
    assert!(types.contains("pub type Scores = crate::runtime::Map<i64>;"), "{types}");
    assert!(types.contains("pub type Mixed = crate::runtime::Map<serde_json::Value>;"), "{types}");
    assert!(types.contains("pub type ByRegion = crate::runtime::Map<String>;"), "{types}");
    assert!(types.contains("pub labels: Option<crate::runtime::Map<bool>>"), "{types}");
    let report = degraded(&files);
    for (pointer, what) in [
        ("/components/schemas/Scores/patternProperties", "map with `String` keys"),
        ("/components/schemas/Mixed/patternProperties", "`serde_json::Value` values"),
        ("/components/schemas/ByRegion/propertyNames", "`String` keys"),
        ("/components/schemas/Tagged/properties/labels/propertyNames", "`String` keys"),
    ] {
        let line = report.lines().find(|l| l.contains(&format!("key_constraints.yaml: at {pointer}:"))).unwrap_or_else(|| panic!("{pointer}\n{report}"));
        assert!(line.contains(what), "{line}");
    }
}

#[test]
fn an_operation_with_only_a_raw_body_is_skipped_with_a_located_warning() {
    let files = generated("binary_body");
    let code = all_code(&files);
    assert!(code.contains("pub struct Ping ") && !code.contains("pub struct Upload "), "{code}");
    let report = degraded(&files);
    assert!(report.contains("binary_body.yaml: at /paths/~1upload/post/requestBody/content/application~1octet-stream: operation `upload` skipped: raw binary"), "{report}");
}

#[test]
fn path_item_references_are_followed_inside_the_document_and_skipped_otherwise() {
    let files = generated("path_item_refs");
    let code = all_code(&files);
    // `/things` from components/pathItems, `/things-again` through `/things`.
    assert!(code.contains("\"/things\"") && code.contains("\"/things-again\""), "{code}");
    assert!(code.contains("pub struct GetPlain "), "{code}");
    assert!(!code.contains("/elsewhere") && !code.contains("/nowhere"), "{code}");
    let report = degraded(&files);
    assert!(report.contains("path_item_refs.yaml: at /paths/~1elsewhere/$ref: path skipped: its path item reference \"other.yaml#/paths/~1elsewhere\" points outside this document"), "{report}");
    assert!(report.contains("path_item_refs.yaml: at /paths/~1nowhere/$ref: path skipped"), "{report}");
    assert!(!report.contains("/paths/~1things"), "followed references are not degraded\n{report}");
}

#[test]
fn all_of_narrowing_is_resolved_or_located_at_the_all_of() {
    // A union in an allOf is degraded to `serde_json::Value`, with the warning at the allOf member
    // that names it, not inside the component (which is fine on its own).
    let files = generated("all_of_narrowing");
    let report = degraded(&files);
    assert!(report.contains("at /components/schemas/Tagged/allOf/0: this allOf member (`/components/schemas/Shape`)"), "{report}");
    assert!(!report.contains("at /components/schemas/Color:"), "{report}");
    let types = support::types_code(&files);
    // An enum narrowed by a sibling enum is the values both allow.
    assert!(types.split_whitespace().collect::<Vec<_>>().join(" ").contains("pub enum Warm { Red => \"red\", }"), "{types}");
    assert!(!report.contains("/components/schemas/Warm"), "{report}");
    let warm_or_cool = types.split("WarmOrCool {").nth(1).and_then(|rest| rest.split('}').next()).unwrap_or_else(|| panic!("{types}"));
    assert!(warm_or_cool.contains("\"red\"") && warm_or_cool.contains("\"blue\""), "{warm_or_cool}");
    assert!(!warm_or_cool.contains("green") && !warm_or_cool.contains("purple"), "{warm_or_cool}");
}

#[test]
fn an_optional_overlay_miss_is_listed_in_degraded_md() {
    let overlay = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.components.schemas.Gone\n    x-optional: true\n    update: {nullable: true}\n";
    let mut api = input("enums", fixture_bytes("enums"));
    api.overlays = vec![("specs/overlays/hostile.yaml".into(), overlay.as_bytes().to_vec())];
    let files = generate_api_guarded(&api).unwrap_or_else(|e| panic!("{e}"));
    let report = degraded(&files);
    assert!(report.contains("- specs/overlays/hostile.yaml: at /actions/0/target: optional overlay action skipped"), "{report}");
}

#[test]
fn a_panic_becomes_an_error_naming_the_api() {
    // Not valid UTF-8 or YAML either way: whatever happens, no panic escapes and the API is named.
    let result = generate_api_guarded(&input("garbage", vec![0xff, 0xfe, b':', b'{']));
    if let Err(GenerateError::Emit { api, message }) = &result {
        assert_eq!(api, "hostile", "{message}");
    }
}

/// Every fixture: no panic, and errors located.
#[test]
fn no_fixture_panics_and_every_error_is_located() {
    for name in FIXTURES {
        match generate(name) {
            Ok(files) => {
                for line in degraded(&files).lines().filter_map(|l| l.strip_prefix("- ")) {
                    assert!(line.contains(": at /"), "{name}: warning not located: {line}");
                }
            }
            Err(GenerateError::Spec(e)) => assert!(!e.file.is_empty(), "{name}: {e}"),
            Err(e) => panic!("{name}: not a located spec error: {e}"),
        }
    }
}

/// Mutants of both pinned specs (`codegen::fuzz`): none may panic, every error must be located by
/// a JSON pointer, and every success must parse. A CI-sized count (debug builds manage about one
/// case a second); `cargo xtask fuzz --cases N` runs as many as wanted in release.
#[test]
fn mutants_of_the_pinned_specs_never_panic_and_errors_are_located() {
    let specs: Vec<(&str, serde_json::Value)> =
        ["openrouter.yaml", "langfuse.yml"].into_iter().map(|file| (file, support::pinned_json(file))).collect();
    let cases = std::env::var("HOSTILE_MUTATION_CASES").ok().and_then(|s| s.parse().ok()).unwrap_or(24u64);
    let seed = 0x9E37_79B9_7F4A_7C15;
    let start = std::time::Instant::now();
    let mut failures = Vec::new();
    let mut located = 0;
    for case in 0..cases {
        let (file, base) = &specs[case as usize % specs.len()];
        match codegen::fuzz::run_case(file, base, seed, case) {
            codegen::fuzz::Outcome::Located => located += 1,
            outcome if outcome.is_failure() => failures.push(format!("case {case} ({file}): {outcome:?}")),
            _ => {}
        }
    }
    println!("mutation test: {cases} cases in {:.0?}, {located} located errors, {} failures", start.elapsed(), failures.len());
    assert!(located < cases, "every mutant was refused: the mutations no longer exercise generation");
    assert!(failures.is_empty(), "{} of {cases} mutants failed (replay: cargo xtask fuzz --seed {seed} --case N):\n{}", failures.len(), failures.join("\n"));
}

/// The emitted code of every fixture that generates, in one crate (one module per fixture, so
/// the dependencies build once), must pass `cargo clippy -D warnings`, as `generated/` does.
/// Slow (it builds the runtime's HTTP stack the first time), hence ignored by default;
/// `scripts/test-all.sh` runs it: `cargo test -p codegen --test hostile -- --ignored`.
#[test]
#[ignore]
fn hostile_fixtures_pass_clippy() {
    let workspace = support::workspace();
    let dir = workspace.join("target").join("hostile-clippy");
    let src = dir.join("src");
    let _ = std::fs::remove_dir_all(&src);
    std::fs::create_dir_all(&src).unwrap();
    let runtime = workspace.join("generated").join("runtime");
    let manifest = format!(
        "[package]\nname = \"hostile-clippy\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nopenrouter-langfuse-runtime = {{ path = {:?} }}\nserde = {{ version = \"1\", features = [\"derive\"] }}\nserde_json = \"1\"\n\n[workspace]\n",
        runtime.display().to_string()
    );
    std::fs::copy(workspace.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
    let mut lib = String::from("//! Every hostile fixture's generated module.\npub use openrouter_langfuse_runtime as runtime;\n");
    // Every feature a fixture gates code on, declared and enabled, so that all of it is checked.
    let mut features = std::collections::BTreeSet::new();
    for name in FIXTURES {
        let Ok(files) = generate(name) else { continue };
        for file in &files {
            features.extend(file.contents.split("feature = \"").skip(1).filter_map(|rest| rest.split('"').next()).map(str::to_string));
        }
        lib.push_str(&format!("pub mod {name};\n"));
        for file in files.iter().filter(|f| f.path.extension().is_some_and(|e| e == "rs")) {
            // `hostile/src/lib.rs` → `src/<fixture>.rs`, the rest under `src/<fixture>/` (a tag
            // may be named `mod`, so the fixture's root cannot be a `mod.rs`), `types/` included.
            let root = format!("{}/src", api_of(name));
            let relative = file.path.strip_prefix(&root).unwrap_or(&file.path);
            let target = if relative == std::path::Path::new("lib.rs") { src.join(format!("{name}.rs")) } else { src.join(name).join(relative) };
            std::fs::create_dir_all(target.parent().unwrap()).unwrap();
            std::fs::write(target, &file.contents).unwrap();
        }
    }
    std::fs::write(src.join("lib.rs"), lib).unwrap();
    let declared: String = features.iter().map(|feature| format!("{feature:?} = []\n")).collect();
    std::fs::write(dir.join("Cargo.toml"), format!("{manifest}\n[features]\n{declared}")).unwrap();
    let output = std::process::Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["clippy", "--offline", "--quiet", "--all-features", "--", "-D", "warnings"])
        .current_dir(&dir)
        .env("CARGO_TARGET_DIR", dir.join("target"))
        .output()
        .expect("cargo clippy runs");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "clippy failed on the hostile fixtures' code:\n{stderr}");
}

#[test]
fn api_names_that_would_clash_in_generated_are_refused() {
    for bad in ["runtime", "src", "prelude", "type", "self", "Open", "open-router", "", "9x"] {
        assert!(codegen::pipeline::validate_api_name(bad).is_err(), "{bad:?}");
    }
    for good in ["openrouter", "langfuse", "api_2"] {
        assert!(codegen::pipeline::validate_api_name(good).is_ok(), "{good:?}");
    }
}
