//! One fixture pair per kind of break a Rust user feels (their code stops compiling): the drift
//! report (`codegen::diff`) must name each as breaking, with what the user wrote before and
//! what they must write now; and per edit that must break nothing, that it does not. The pairs
//! are in `test_support::diff_pairs`, named after the test that reads them; `cargo xtask
//! verify-pairs` compiles a probe of each too.

use codegen::diff::{diff, Change, Severity};
use codegen::pipeline::{resolve_input, ApiInput};
use test_support::diff_pairs;

fn resolved(file: &str, text: &str) -> codegen::ir::Api {
    let input = ApiInput {
        name: "pair".into(),
        title: "Pair".into(),
        pin_file: "pair.toml".into(),
        sha256: "0".into(),
        spec_file: file.into(),
        spec: text.as_bytes().to_vec(),
        overlays: Vec::new(),
        profile: Default::default(),
        other_version: false,
    };
    resolve_input(&input).unwrap_or_else(|e| panic!("{file}: {e}")).1
}

/// The two sides of the pair named `name`, resolved.
fn apis(name: &str) -> (codegen::ir::Api, codegen::ir::Api) {
    let pair = diff_pairs::get(name);
    (resolved("old.yaml", &pair.old), resolved("new.yaml", &pair.new))
}

/// What the report says of the pair named `name`.
fn changes(name: &str) -> Vec<Change> {
    let (old, new) = apis(name);
    diff(&old, &new)
}

/// The diff names a breaking change of `kind` whose place and detail contain `detail`.
fn assert_breaking(changes: &[Change], kind: &str, detail: &str) {
    let found = changes.iter().any(|c| c.severity == Severity::Breaking && c.kind == kind && format!("{} {}", c.location, c.detail).contains(detail));
    assert!(found, "no breaking `{kind}` with {detail:?} in:\n{changes:#?}");
}

/// No entry of `kind` at all (the change is reported once, by another kind, or is no break).
fn assert_not_breaking(changes: &[Change], kind: &str) {
    let found: Vec<&Change> = changes.iter().filter(|c| c.severity == Severity::Breaking && c.kind == kind).collect();
    assert!(found.is_empty(), "unexpected breaking `{kind}`:\n{found:#?}");
}

/// Every breaking entry, for a pair that must have none.
fn breaking(changes: &[Change]) -> Vec<&Change> {
    changes.iter().filter(|c| c.severity == Severity::Breaking).collect()
}

fn type_names(api: &codegen::ir::Api) -> std::collections::BTreeSet<String> {
    api.types.types.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn every_pair_is_read_by_its_test() {
    let source = include_str!("diff_kinds.rs");
    for pair in diff_pairs::all() {
        assert!(source.contains(&format!("fn {}()", pair.name)) && source.contains(&format!("(\"{}\")", pair.name)), "no test reads the pair {:?}", pair.name);
    }
}

#[test]
fn a_field_made_required_changes_the_constructor() {
    assert_breaking(&changes("a_field_made_required_changes_the_constructor"), "constructor-changed", "`Thing::new(a: String)` is now `Thing::new(a: String, b: i64)`");
}

#[test]
fn a_field_made_optional_changes_the_constructor_too() {
    assert_breaking(&changes("a_field_made_optional_changes_the_constructor_too"), "constructor-changed", "is now `Thing::new(a: String)`");
}

#[test]
fn a_field_whose_rust_name_moves_renames_its_field_and_setter() {
    assert_breaking(&changes("a_field_whose_rust_name_moves_renames_its_field_and_setter"), "field-renamed", "Thing.foo-bar field and setter `foo_bar` are now `foo_bar_2`");
}

#[test]
fn an_optional_parameter_whose_rust_name_moves_renames_its_setter() {
    assert_breaking(&changes("an_optional_parameter_whose_rust_name_moves_renames_its_setter"), "setter-renamed", "`.page_size()` is now `.page_size_2()` (parameter `page-size`)");
}

#[test]
fn an_object_alias_becoming_a_struct_changes_the_type_kind() {
    assert_breaking(&changes("an_object_alias_becoming_a_struct_changes_the_type_kind"), "type-kind-changed", "Meta alias → struct");
}

#[test]
fn a_number_constant_becoming_an_enum_changes_the_type_kind() {
    // (A text constant is already an enum of one value: gaining a value adds a variant, see
    // `compatible_edits.rs`.)
    assert_breaking(&changes("a_number_constant_becoming_an_enum_changes_the_type_kind"), "type-kind-changed", "Level constant → enum");
}

#[test]
fn a_text_constant_gaining_a_value_keeps_its_variant_and_loses_its_default() {
    // One entry, the break, with the new value inside it (no separate `enum-value-added`).
    let changes = changes("a_text_constant_gaining_a_value_keeps_its_variant_and_loses_its_default");
    assert_breaking(&changes, "enum-default-lost", "Mode now also `slow`: `Mode::default()` no longer exists");
    assert_eq!(changes.iter().filter(|c| c.location == "Mode").count(), 1, "{changes:#?}");
}

#[test]
fn a_type_that_moves_to_another_tag_leaves_its_feature() {
    assert_breaking(&changes("a_type_that_moves_to_another_tag_leaves_its_feature"), "type-features-changed", "Shared no longer compiled with `alpha` (now only with `beta`)");
}

#[test]
fn a_variant_whose_payload_schema_is_renamed_is_named() {
    // The variant keeps its name (from the tag value); what a user builds it from changes.
    assert_breaking(&changes("a_variant_whose_payload_schema_is_renamed_is_named"), "union-variant-type-changed", "`Event::Start(Start)` is now `Event::Start(Begin)`");
}

#[test]
fn the_request_builder_type_is_part_of_what_users_name() {
    assert_breaking(&changes("the_request_builder_type_is_part_of_what_users_name"), "request-builder-renamed", "`ThingsList` is now `ThingsListAll`");
}

#[test]
fn an_object_declaring_additional_properties_moves_its_undeclared_keys() {
    assert_breaking(&changes("an_object_declaring_additional_properties_moves_its_undeclared_keys"), "extra-field-changed", "Thing `extra: Extra` is now `additional_properties: Map<i64>`");
}

#[test]
fn a_field_whose_inline_type_moves_into_a_base_is_named_as_a_rename() {
    // The property now comes from a base through `allOf`, so its type is named after the base
    // (names are by place) and code naming the old type breaks; the report says the shape is the
    // same, so the fix is a rename. (A property whose schema becomes a `$ref` keeps its old name
    // as an alias: see `compatible_edits.rs`; a tag keeps it too, see below.)
    assert_breaking(&changes("a_field_whose_inline_type_moves_into_a_base_is_named_as_a_rename"), "field-type-changed", "Thing.mode ThingMode → BaseMode (the same shape under another name");
}

#[test]
fn an_error_status_whose_body_changes_type_changes_its_error_variant() {
    assert_breaking(&changes("an_error_status_whose_body_changes_type_changes_its_error_variant"), "error-body-changed", "403: `ThingsMakeError::Forbidden(Denied)` is now `Forbidden(Refused)`");
}

#[test]
fn a_required_nullable_field_made_optional_changes_its_setter_argument() {
    assert_breaking(
        &changes("a_required_nullable_field_made_optional_changes_its_setter_argument"),
        "field-presence-changed",
        "Thing.code RequiredNullable → Optional: the setter took `impl Into<Option<String>>`, now `impl Into<String>`",
    );
}

#[test]
fn an_operation_whose_required_arguments_change_is_reported_as_the_call() {
    assert_breaking(
        &changes("an_operation_whose_required_arguments_change_is_reported_as_the_call"),
        "operation-arguments-changed",
        "`things().make(id: impl Into<String>, input: impl Into<String>, model: impl Into<String>, voice: impl Into<String>)` is now `things().make(id: impl Into<String>, input: impl Into<String>, model: impl Into<String>)`",
    );
}

#[test]
fn a_required_field_added_is_one_break_the_constructor_change() {
    let changes = changes("a_required_field_added_is_one_break_the_constructor_change");
    assert_breaking(&changes, "constructor-changed", "`Thing::new(a: String)` is now `Thing::new(a: String, b: i64)`");
    assert_not_breaking(&changes, "field-added");
    assert_eq!(changes.iter().filter(|c| c.severity == Severity::Breaking && c.location.starts_with("Thing")).count(), 1, "{changes:#?}");
    // The body is built field by field: the call gains the argument too, a second break.
    assert_breaking(&changes, "operation-arguments-changed", "(required body field `b` added)");
}

#[test]
fn the_nested_inline_types_of_a_schema_moved_to_a_component_keep_their_names() {
    let (old, new) = apis("the_nested_inline_types_of_a_schema_moved_to_a_component_keep_their_names");
    let changes = diff(&old, &new);
    assert!(breaking(&changes).is_empty(), "{changes:#?}");
    for (alias, target) in [("HolderShell", "Shell"), ("HolderShellOutcome", "ShellOutcome"), ("HolderShellOutcomeExit", "ShellOutcomeExit"), ("HolderShellMode", "ShellMode")] {
        let def = new.types.types.iter().find(|t| t.name == alias).unwrap_or_else(|| panic!("no alias {alias}"));
        assert!(def.hidden && def.kind == codegen::ir::TypeKind::Alias(codegen::ir::TypeRef::Named(target.into())), "{def:?}");
    }
}

#[test]
fn a_union_member_restating_its_base_tag_keeps_its_payload_name() {
    // The payload was renamed `InputOutputMessage` → `InputMessage`, and its `type` field's type
    // `OutputMessageType` → `InputMessageType`.
    let (old, new) = apis("a_union_member_restating_its_base_tag_keeps_its_payload_name");
    let changes = diff(&old, &new);
    assert!(breaking(&changes).is_empty(), "{changes:#?}");
    assert_eq!(type_names(&old), type_names(&new));
}

#[test]
fn a_tag_field_moved_into_a_base_keeps_its_type_name() {
    // Its type is named after the base now; the old name stays as another name of it.
    let (old, new) = apis("a_tag_field_moved_into_a_base_keeps_its_type_name");
    let changes = diff(&old, &new);
    assert!(breaking(&changes).is_empty(), "{changes:#?}");
    let (old_names, new_names) = (type_names(&old), type_names(&new));
    assert!(old_names.is_subset(&new_names), "{old_names:?} ⊄ {new_names:?}");
}

#[test]
fn a_tag_keeps_its_kind_when_its_union_can_no_longer_be_tagged() {
    // `source` of the members is the same schema, so its type must be the same kind of type
    // (it was `Const` while the union was tagged, a one-value enum after).
    let (old, new) = apis("a_tag_keeps_its_kind_when_its_union_can_no_longer_be_tagged");
    let kind = |api: &codegen::ir::Api| api.types.types.iter().find(|t| t.name == "AaSource").map(|t| t.kind.clone());
    assert!(kind(&old).is_some());
    assert_eq!(kind(&old), kind(&new));
}
