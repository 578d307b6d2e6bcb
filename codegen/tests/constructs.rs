//! One small fixture spec per construct (tests/fixtures): the type model is checked directly, and
//! the emitted `types.rs` is snapshotted (tests/snapshots) so any change in output is reviewed.

mod support;

use codegen::ir::{Api, Field, Presence, Prim, TypeKind, TypeRef};
use codegen::load::load_spec;

fn fixture(name: &str) -> (Api, String) {
    let path = format!("{}/tests/fixtures/{name}.yaml", env!("CARGO_MANIFEST_DIR"));
    let bytes = std::fs::read(&path).unwrap();
    let spec = load_spec(&format!("{name}.yaml"), &bytes, &[]).unwrap_or_else(|e| panic!("{e}"));
    let api = codegen::resolve::resolve("fixture", &spec).unwrap_or_else(|e| panic!("{e}"));
    let provenance = codegen::emit::Provenance { pin_file: "fixture.toml", sha256: "0" };
    let files = codegen::emit::emit_api(&api, &Default::default(), &provenance).unwrap();
    let types = support::types_code(&files);
    (api, types)
}

fn kind<'a>(api: &'a Api, name: &str) -> &'a TypeKind {
    &api.types.types.iter().find(|t| t.name == name).unwrap_or_else(|| panic!("no type {name}")).kind
}

fn field<'a>(api: &'a Api, ty: &str, wire: &str) -> &'a Field {
    let TypeKind::Struct { fields, .. } = kind(api, ty) else { panic!("{ty} is not a struct") };
    fields.iter().find(|f| f.wire == wire).unwrap_or_else(|| panic!("{ty} has no field {wire}"))
}

fn named(name: &str) -> TypeRef {
    TypeRef::Named(name.into())
}

#[test]
fn every_spelling_of_nullable_means_the_same() {
    let (api, types) = fixture("nullability");
    for wire in ["type_array", "any_of_null", "all_of_nullable", "enum_with_null"] {
        assert_eq!(field(&api, "Spellings", wire).presence, Presence::RequiredNullable, "{wire}");
    }
    assert_eq!(field(&api, "Spellings", "plain").presence, Presence::Required);
    assert_eq!(field(&api, "Spellings", "any_of_null").ty, named("Level"));
    assert_eq!(field(&api, "Spellings", "all_of_nullable").ty, named("Level"));
    insta::assert_snapshot!(types);
}

#[test]
fn presence_and_nullability_are_four_cases_and_request_bodies_are_tri_state() {
    let (api, types) = fixture("presence");
    assert_eq!(field(&api, "UpdateThing", "api_key_hashes").presence, Presence::TriState);
    assert_eq!(field(&api, "UpdateThing", "name").presence, Presence::Optional);
    assert_eq!(field(&api, "Thing", "id").presence, Presence::Required);
    assert_eq!(field(&api, "Thing", "ended_at").presence, Presence::RequiredNullable);
    assert_eq!(field(&api, "Thing", "ended_at").ty, TypeRef::Prim(Prim::DateTime));
    assert_eq!(field(&api, "Thing", "name").presence, Presence::Optional);
    // Response-only: optional + nullable is a plain Option.
    assert_eq!(field(&api, "Thing", "note").presence, Presence::Optional);
    insta::assert_snapshot!(types);
}

#[test]
fn all_of_merges_overrides_tightens_and_extends() {
    let (api, types) = fixture("allof");
    let TypeKind::Struct { fields, .. } = kind(&api, "Inherits") else { panic!() };
    let names: Vec<&str> = fields.iter().map(|f| f.wire.as_str()).collect();
    assert_eq!(names, ["id", "verbosity", "location", "extra"]);
    assert_eq!(field(&api, "Inherits", "extra").presence, Presence::Required);
    // `extra` holds undeclared keys, so a property of that name steps aside.
    assert_eq!(field(&api, "Inherits", "extra").rust, "extra_2");
    // An empty `type: object` member is where upstream adds properties: a struct from the start,
    // so that a property added there is an added field, not an alias turned into a struct.
    let TypeKind::Struct { fields, .. } = kind(&api, "Extension") else { panic!() };
    assert_eq!(fields.iter().map(|f| f.wire.as_str()).collect::<Vec<_>>(), ["id", "verbosity", "location"]);
    // The later member wins: the override's enum has `xhigh`.
    let TypeRef::Named(verbosity) = &field(&api, "Override", "verbosity").ty else { panic!() };
    let TypeKind::StringEnum { variants } = kind(&api, verbosity) else { panic!() };
    assert!(variants.iter().any(|v| v.wire == "xhigh"));
    assert_eq!(field(&api, "Tightened", "verbosity").presence, Presence::Required);
    assert_eq!(field(&api, "Holder", "described").ty, named("Base"));
    assert_eq!(field(&api, "Holder", "union_wrapped").ty, named("Shape"));
    // A `required` added beside a `$ref` makes a new, stricter type.
    let TypeRef::Named(location) = &field(&api, "Holder", "location").ty else { panic!() };
    assert_ne!(location, "Location");
    assert_eq!(field(&api, location, "type").presence, Presence::Required);
    insta::assert_snapshot!(types);
}

#[test]
fn unions_are_tagged_when_a_tag_can_be_read_and_ordered_otherwise() {
    let (api, types) = fixture("unions");
    let TypeKind::Union { tag, variants } = kind(&api, "ShapeTagged") else { panic!() };
    assert_eq!(tag.as_deref(), Some("_shape"));
    assert_eq!(variants.iter().map(|v| v.tag_value.clone().unwrap()).collect::<Vec<_>>(), ["file", "list"]);
    let TypeKind::Union { tag, variants } = kind(&api, "IngestionEvent") else { panic!() };
    assert_eq!(tag.as_deref(), Some("type"));
    assert_eq!(variants.iter().map(|v| v.rust.as_str()).collect::<Vec<_>>(), ["TraceCreate", "SdkLog"]);
    let TypeKind::Union { tag: None, .. } = kind(&api, "DuplicateTags") else { panic!("duplicate tags must be untagged") };
    let TypeKind::Union { tag: None, variants } = kind(&api, "MapValue") else { panic!() };
    let order: Vec<&TypeRef> = variants.iter().map(|v| &v.ty).collect();
    assert_eq!(
        order,
        [&TypeRef::Prim(Prim::Bool), &TypeRef::Prim(Prim::I64), &TypeRef::Prim(Prim::F32), &TypeRef::Prim(Prim::String), &TypeRef::List(Box::new(TypeRef::Prim(Prim::String)))]
    );
    let TypeKind::Union { variants, .. } = kind(&api, "UsageDetails") else { panic!() };
    // Structs with more required fields first, the catch-all map last.
    assert!(matches!(variants.last().unwrap().ty, TypeRef::Map(_)));
    let TypeKind::StringEnum { variants } = kind(&api, "Role") else { panic!("anyOf of one-value enums is one enum") };
    assert_eq!(variants.len(), 2);
    assert_eq!(kind(&api, "OpenProvider"), &TypeKind::Alias(named("Provider")));
    insta::assert_snapshot!(types);
}

#[test]
fn awkward_names_become_valid_rust_with_serde_renames() {
    let (api, types) = fixture("names");
    for name in ["UnstablePublicApiError", "Preview20250311Tool", "OptionModel"] {
        kind(&api, name);
    }
    assert_eq!(field(&api, "Awkward", "type").rust, "r#type");
    assert_eq!(field(&api, "Awkward", "_shape").rust, "shape");
    assert_eq!(field(&api, "Awkward", "01ai").rust, "_01ai");
    assert_eq!(field(&api, "Awkward", "amazon-bedrock/claude-on-aws").rust, "amazon_bedrock_claude_on_aws");
    assert_eq!(field(&api, "Awkward", "timestamp_granularities[]").rust, "timestamp_granularities");
    assert_eq!(field(&api, "Awkward", "fooBar").rust, "foo_bar");
    assert_eq!(field(&api, "Awkward", "foo_bar").rust, "foo_bar_2");
    let TypeKind::StringEnum { variants } = kind(&api, "Operators") else { panic!() };
    let rust: Vec<&str> = variants.iter().map(|v| v.rust.as_str()).collect();
    assert_eq!(rust, ["GtEq", "LtGt", "Eq", "V5m", "ImagePng", "UnknownValue", "ResponseOutputTextDelta", "DoesNotContain"]);
    let TypeKind::IntEnum { variants } = kind(&api, "Status") else { panic!() };
    assert_eq!(variants, &[("V0".to_string(), 0), ("Minus1".to_string(), -1), ("Minus10".to_string(), -10)]);
    assert_eq!(kind(&api, "Deleted"), &TypeKind::Const { value: serde_json::json!(true), tag: false });
    assert_eq!(kind(&api, "Kind"), &TypeKind::Const { value: serde_json::json!("code"), tag: false });
    insta::assert_snapshot!(types);
}

#[test]
fn formats_maps_inline_names_recursion_and_docs() {
    let (api, types) = fixture("shapes");
    let prim = |wire| field(&api, "Formats", wire).ty.clone();
    assert_eq!(prim("at"), TypeRef::Prim(Prim::DateTime));
    assert_eq!(prim("on"), TypeRef::Prim(Prim::Date));
    assert_eq!(prim("id"), TypeRef::Prim(Prim::Uuid));
    assert_eq!(prim("small"), TypeRef::Prim(Prim::I32));
    assert_eq!(prim("big"), TypeRef::Prim(Prim::I64));
    assert_eq!(prim("plain"), TypeRef::Prim(Prim::I64));
    assert_eq!(prim("f32"), TypeRef::Prim(Prim::F32));
    assert_eq!(prim("f64"), TypeRef::Prim(Prim::F64));
    // Free-form objects are plain JSON (users pass `json!({…})`); typed maps stay maps.
    assert_eq!(field(&api, "Maps", "anything").ty, TypeRef::Any);
    assert_eq!(field(&api, "Maps", "counts").ty, TypeRef::Map(Box::new(TypeRef::Prim(Prim::I64))));
    assert_eq!(field(&api, "Maps", "free").ty, TypeRef::Any);
    // Additional properties of any value live in `extra`, like undeclared keys: a schema that
    // starts allowing them does not move the keys to another field.
    let TypeKind::Struct { extra, .. } = kind(&api, "WithExtra") else { panic!() };
    assert_eq!(extra, &None);
    // Identical inline enums in two places are two types, each named after its own place.
    assert_eq!(field(&api, "Inline", "status").ty, named("InlineStatus"));
    assert_eq!(field(&api, "Inline", "other_status").ty, named("InlineOtherStatus"));
    assert_eq!(field(&api, "Inline", "items").ty, TypeRef::List(Box::new(named("InlineItemsItem"))));
    kind(&api, "CreateThingRequest");
    kind(&api, "CreateThingResponse");
    // Recursion: a direct self reference is boxed, one through a Vec is not; mutual recursion too.
    assert!(field(&api, "Node", "next").boxed);
    assert!(!field(&api, "Node", "children").boxed);
    assert!(field(&api, "A", "b").boxed && field(&api, "B", "a").boxed);
    assert!(types.contains("```text"), "code fences become text blocks");
    assert!(types.contains("#[deprecated(note"));
    insta::assert_snapshot!(types);
}

#[test]
fn generation_is_deterministic() {
    for name in ["nullability", "presence", "allof", "unions", "names", "shapes"] {
        assert_eq!(fixture(name).1, fixture(name).1, "{name}");
    }
}

/// Whether the item that follows `header` in the emitted file is compiled only with `full-serde`.
fn needs_full_serde(types: &str, header: &str) -> bool {
    let at = types.find(header).unwrap_or_else(|| panic!("no `{header}` in:\n{types}"));
    types[..at].trim_end().ends_with("#[cfg(feature = \"full-serde\")]")
}

#[test]
fn serde_impls_follow_the_directions_a_type_travels_in() {
    let (_, types) = fixture("directions");
    let encoder = |ty: &str| format!("impl serde::Serialize for {ty} ");
    let decoder = |ty: &str| format!("impl<'de> serde::Deserialize<'de> for {ty} ");
    let object = |ty: &str| format!("impl crate::runtime::Object for {ty} ");
    // Sent only: no decoder by default.
    for ty in ["Order", "Shipping"] {
        assert!(!needs_full_serde(&types, &encoder(ty)), "{ty} is sent");
        assert!(needs_full_serde(&types, &decoder(ty)), "{ty} is never received");
        assert!(needs_full_serde(&types, &object(ty)), "{ty} is never received");
    }
    // Received only, through a union too: no encoder by default.
    for ty in ["Receipt", "CardPayment", "CashPayment"] {
        assert!(needs_full_serde(&types, &encoder(ty)), "{ty} is never sent");
        assert!(!needs_full_serde(&types, &decoder(ty)), "{ty} is received");
    }
    let flat: String = types.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(flat.contains("CashPayment(CashPayment), } Serialize : #[cfg(feature = \"full-serde\")];"), "the union's encoder is gated:\n{types}");
    // Both ways, or reached from a schema no operation uses: both impls, always.
    for ty in ["Item", "Note", "Archive"] {
        assert!(!needs_full_serde(&types, &encoder(ty)), "{ty}");
        assert!(!needs_full_serde(&types, &decoder(ty)), "{ty}");
    }
    insta::assert_snapshot!(types);
}

/// The pinned OpenRouter spec, resolved and emitted once for the tests that read its files.
fn pinned_openrouter() -> &'static (Api, Vec<codegen::emit::GeneratedFile>) {
    static EMITTED: std::sync::OnceLock<(Api, Vec<codegen::emit::GeneratedFile>)> = std::sync::OnceLock::new();
    EMITTED.get_or_init(|| {
        let api = support::resolved("openrouter", "openrouter.yaml");
        let provenance = codegen::emit::Provenance { pin_file: "openrouter.toml", sha256: "0" };
        let files = codegen::emit::emit_api(&api, &Default::default(), &provenance).unwrap();
        (api, files)
    })
}

/// Each type file imports every type with one glob; the thousands of place aliases stay out of
/// that import (in `cargo check` each glob is resolved name by name, so importing them into every
/// file was most of what they cost), yet each is still `types::Name`.
#[test]
fn place_aliases_live_apart_from_what_the_type_files_import() {
    let (api, files) = pinned_openrouter();
    let text = |path: &str| files.iter().find(|f| f.path == std::path::Path::new(path)).map(|f| f.contents.as_str()).unwrap_or_else(|| panic!("{path}"));
    let aliases: Vec<&str> = api.types.types.iter().filter(|t| t.hidden && matches!(t.kind, TypeKind::Alias(TypeRef::Named(_)))).map(|t| t.name.as_str()).collect();
    assert!(aliases.len() > 1000, "the pinned spec has thousands of place aliases: {}", aliases.len());
    let under = |dir: &str| -> Vec<&codegen::emit::GeneratedFile> { files.iter().filter(|f| f.path.parent() == Some(std::path::Path::new(dir))).collect() };
    let type_files: Vec<_> = under("openrouter/src/types").into_iter().filter(|f| f.path.file_name().is_some_and(|name| name.to_string_lossy().starts_with("for_"))).collect();
    let alias_files = under("openrouter/src/types/place_aliases");
    assert!(type_files.len() > 10 && !alias_files.is_empty(), "{} type files, {} alias files", type_files.len(), alias_files.len());
    let declared = |code: &str, name: &str| code.contains(&format!("\npub type {name} = "));
    for file in &type_files {
        assert!(file.contents.contains("\nuse super::defined::*;\n"), "{} imports `defined`", file.path.display());
        assert!(!file.contents.contains("#[doc(hidden)]\npub type"), "{} holds a place alias", file.path.display());
    }
    let types_rs = text("openrouter/src/types.rs");
    let defined = types_rs.split("mod defined {").nth(1).and_then(|rest| rest.split("\n}").next()).expect("types.rs declares `mod defined`");
    assert!(!defined.contains("place_aliases"), "`defined` leaves the aliases out:\n{defined}");
    assert!(types_rs.contains("\nmod place_aliases;\npub use place_aliases::*;\n"), "types.rs re-exports the aliases");
    let alias_code: String = alias_files.iter().map(|f| f.contents.as_str()).chain([text("openrouter/src/types/place_aliases.rs")]).collect();
    let missing: Vec<&&str> = aliases.iter().filter(|name| !declared(&alias_code, name)).collect();
    assert!(missing.is_empty(), "aliases not in types/place_aliases: {missing:?}");
}

/// An operation's error enum is `#[non_exhaustive]` like every other generated enum: a status the
/// spec adds later is a new variant, and the drift report calls that compatible.
#[test]
fn error_enums_are_non_exhaustive() {
    let (_, files) = pinned_openrouter();
    let mut error_enums = 0;
    for file in files.iter().filter(|f| !f.path.components().any(|part| part.as_os_str() == "types")) {
        let lines: Vec<&str> = file.contents.lines().collect();
        for (index, line) in lines.iter().enumerate().filter(|(_, line)| line.starts_with("pub enum ") && line.contains("Error")) {
            error_enums += 1;
            let attributes = lines[..index].iter().rev().take_while(|above| above.starts_with("#[") || above.starts_with("///"));
            assert!(attributes.clone().any(|a| *a == "#[non_exhaustive]"), "{}: {line}", file.path.display());
        }
    }
    assert!(error_enums > 50, "the pinned spec's operations declare error enums: {error_enums}");
}
