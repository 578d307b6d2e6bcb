//! One fixture pair per kind of break a Rust user feels (their code stops compiling): the drift
//! report (`codegen::diff`) must name each as breaking, with what the user wrote before and
//! what they must write now. Each pair is an old and a new spec, as small as the break allows.

use codegen::diff::{diff, Change, Severity};
use codegen::pipeline::{resolve_input, ApiInput};

/// A spec with one operation per `(tag, schema)`: `GET /<tag>` answering that schema.
fn spec(operations: &[(&str, &str)], schemas: &str) -> String {
    let mut paths = String::new();
    for (tag, schema) in operations {
        paths.push_str(&format!(
            "  /{tag}:\n    post:\n      operationId: {tag}_send\n      tags: [{tag}]\n      requestBody:\n        content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}}}\n"
        ));
    }
    format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}")
}

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

fn changes(old: &str, new: &str) -> Vec<Change> {
    diff(&resolved("old.yaml", old), &resolved("new.yaml", new))
}

/// The diff names a breaking change of `kind` whose place and detail contain `detail`.
fn assert_breaking(changes: &[Change], kind: &str, detail: &str) {
    let found = changes.iter().any(|c| c.severity == Severity::Breaking && c.kind == kind && format!("{} {}", c.location, c.detail).contains(detail));
    assert!(found, "no breaking `{kind}` with {detail:?} in:\n{changes:#?}");
}

#[test]
fn a_field_made_required_changes_the_constructor() {
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a], properties: {a: {type: string}, b: {type: integer}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}\n");
    let changes = changes(&old, &new);
    assert_breaking(&changes, "constructor-changed", "`Thing::new(a: String)` is now `Thing::new(a: String, b: i64)`");
}

#[test]
fn a_field_made_optional_changes_the_constructor_too() {
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a], properties: {a: {type: string}, b: {type: integer}}}\n");
    assert_breaking(&changes(&old, &new), "constructor-changed", "is now `Thing::new(a: String)`");
}

#[test]
fn a_field_whose_rust_name_moves_renames_its_field_and_setter() {
    // `foo-bar` was `foo_bar`; a new property spelled `foo_bar` takes that name.
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {foo-bar: {type: string}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {foo_bar: {type: string}, foo-bar: {type: string}}}\n");
    assert_breaking(&changes(&old, &new), "field-renamed", "Thing.foo-bar field and setter `foo_bar` are now `foo_bar_2`");
}

#[test]
fn an_optional_parameter_whose_rust_name_moves_renames_its_setter() {
    let op = |params: &str| {
        format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: things_list\n      tags: [things]\n      parameters:\n{params}      responses:\n        '204': {{description: done}}\ncomponents: {{}}\n")
    };
    let old = op("        - {name: page-size, in: query, schema: {type: integer}}\n");
    let new = op("        - {name: page_size, in: query, schema: {type: integer}}\n        - {name: page-size, in: query, schema: {type: integer}}\n");
    assert_breaking(&changes(&old, &new), "setter-renamed", "`.page_size()` is now `.page_size_2()` (parameter `page-size`)");
}

#[test]
fn an_object_alias_becoming_a_struct_changes_the_type_kind() {
    let old = spec(&[("things", "Meta")], "    Meta: {type: object}\n");
    let new = spec(&[("things", "Meta")], "    Meta: {type: object, properties: {a: {type: string}}}\n");
    assert_breaking(&changes(&old, &new), "type-kind-changed", "Meta alias → struct");
}

#[test]
fn a_number_constant_becoming_an_enum_changes_the_type_kind() {
    // (A text constant is already an enum of one value: gaining a value adds a variant, see
    // `compatible_edits.rs`.)
    let old = spec(&[("things", "Holder")], "    Holder: {type: object, properties: {level: {$ref: '#/components/schemas/Level'}}}\n    Level: {type: integer, enum: [1]}\n");
    let new = spec(&[("things", "Holder")], "    Holder: {type: object, properties: {level: {$ref: '#/components/schemas/Level'}}}\n    Level: {type: integer, enum: [1, 2]}\n");
    assert_breaking(&changes(&old, &new), "type-kind-changed", "Level constant → enum");
}

#[test]
fn a_type_that_moves_to_another_tag_leaves_its_feature() {
    let schemas = "    Shared: {type: object, properties: {a: {type: string}}}\n    Other: {type: object, properties: {b: {type: string}}}\n";
    let old = spec(&[("alpha", "Shared"), ("beta", "Other")], schemas);
    let new = spec(&[("alpha", "Other"), ("beta", "Shared")], schemas);
    assert_breaking(&changes(&old, &new), "type-features-changed", "Shared no longer compiled with `alpha` (now only with `beta`)");
}

#[test]
fn a_variant_whose_payload_schema_is_renamed_is_named() {
    let union = |target: &str| {
        format!("    Event:\n      oneOf: [{{$ref: '#/components/schemas/{target}'}}, {{$ref: '#/components/schemas/Stop'}}]\n      discriminator: {{propertyName: kind}}\n    {target}: {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [start]}}}}}}\n    Stop: {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [stop]}}}}}}\n")
    };
    // The same wire tag (`start`), now carried by a schema of another name.
    let changes = changes(&spec(&[("events", "Event")], &union("Start")), &spec(&[("events", "Event")], &union("Begin")));
    // The variant keeps its name (from the tag value); what a user builds it from changes.
    assert_breaking(&changes, "union-variant-type-changed", "`Event::Start(Start)` is now `Event::Start(Begin)`");
}

#[test]
fn the_request_builder_type_is_part_of_what_users_name() {
    let op = |id: &str| format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: {id}\n      tags: [things]\n      responses:\n        '204': {{description: done}}\ncomponents: {{}}\n");
    assert_breaking(&changes(&op("things_list"), &op("things_listAll")), "request-builder-renamed", "`ThingsList` is now `ThingsListAll`");
}

#[test]
fn an_object_declaring_additional_properties_moves_its_undeclared_keys() {
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {a: {type: string}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {a: {type: string}}, additionalProperties: {type: integer}}\n");
    assert_breaking(&changes(&old, &new), "extra-field-changed", "Thing `extra: Extra` is now `additional_properties: Map<i64>`");
}

#[test]
fn a_field_whose_inline_type_moves_into_a_base_is_named_as_a_rename() {
    // The property now comes from a base through `allOf`, so its type is named after the base
    // (names are by place) and code naming the old type breaks; the report says the shape is the
    // same, so the fix is a rename. (A property whose schema becomes a `$ref` keeps its old name
    // as an alias: see `compatible_edits.rs`.)
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {mode: {type: string, enum: [fast, slow]}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {allOf: [{$ref: '#/components/schemas/Base'}, {type: object, properties: {id: {type: string}}}]}\n    Base: {type: object, properties: {mode: {type: string, enum: [fast, slow]}}}\n");
    assert_breaking(&changes(&old, &new), "field-type-changed", "Thing.mode ThingMode → BaseMode (the same shape under another name");
}

/// No entry of `kind` at all (the change is reported once, by another kind, or is no break).
fn assert_not_breaking(changes: &[Change], kind: &str) {
    let found: Vec<&Change> = changes.iter().filter(|c| c.severity == Severity::Breaking && c.kind == kind).collect();
    assert!(found.is_empty(), "unexpected breaking `{kind}`:\n{found:#?}");
}

/// One operation `POST /things` with `body`, answering 200 with `Thing` and 403 with `forbidden`.
fn call_spec(body: &str, forbidden: &str, schemas: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things/{{id}}:\n    post:\n      operationId: things_make\n      tags: [things]\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      requestBody:\n        required: true\n        content: {{application/json: {{schema: {body}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}}}}}\n        '403': {{description: no, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{forbidden}'}}}}}}}}\ncomponents:\n  schemas:\n    Thing: {{type: object, properties: {{a: {{type: string}}}}}}\n    Denied: {{type: object, properties: {{message: {{type: string}}}}}}\n    Refused: {{type: object, properties: {{reason: {{type: string}}}}}}\n{schemas}"
    )
}

#[test]
fn an_error_status_whose_body_changes_type_changes_its_error_variant() {
    let body = "{$ref: '#/components/schemas/Thing'}";
    let changes = changes(&call_spec(body, "Denied", ""), &call_spec(body, "Refused", ""));
    assert_breaking(&changes, "error-body-changed", "403: `ThingsMakeError::Forbidden(Denied)` is now `Forbidden(Refused)`");
}

#[test]
fn a_required_nullable_field_made_optional_changes_its_setter_argument() {
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, required: [code], properties: {code: {type: string, nullable: true}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, properties: {code: {type: string}}}\n");
    assert_breaking(&changes(&old, &new), "field-presence-changed", "Thing.code RequiredNullable → Optional: the setter took `impl Into<Option<String>>`, now `impl Into<String>`");
}

#[test]
fn an_operation_whose_required_arguments_change_is_reported_as_the_call() {
    let speech = |required: &str| format!("{{type: object, required: [{required}], properties: {{input: {{type: string}}, model: {{type: string}}, voice: {{type: string}}}}}}");
    let changes = changes(&call_spec(&speech("input, model, voice"), "Denied", ""), &call_spec(&speech("input, model"), "Denied", ""));
    assert_breaking(
        &changes,
        "operation-arguments-changed",
        "`things().make(id: impl Into<String>, input: impl Into<String>, model: impl Into<String>, voice: impl Into<String>)` is now `things().make(id: impl Into<String>, input: impl Into<String>, model: impl Into<String>)`",
    );
}

#[test]
fn a_required_field_added_is_one_break_the_constructor_change() {
    let old = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a], properties: {a: {type: string}}}\n");
    let new = spec(&[("things", "Thing")], "    Thing: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}\n");
    let changes = changes(&old, &new);
    assert_breaking(&changes, "constructor-changed", "`Thing::new(a: String)` is now `Thing::new(a: String, b: i64)`");
    assert_not_breaking(&changes, "field-added");
    assert_eq!(changes.iter().filter(|c| c.severity == Severity::Breaking && c.location.starts_with("Thing")).count(), 1, "{changes:#?}");
    // The body is built field by field: the call gains the argument too, a second break.
    assert_breaking(&changes, "operation-arguments-changed", "(required body field `b` added)");
}

#[test]
fn the_nested_inline_types_of_a_schema_moved_to_a_component_keep_their_names() {
    let shell = "{type: object, required: [outcome], properties: {outcome: {oneOf: [{title: exit, type: object, properties: {code: {type: integer}}}, {title: timeout, type: object, properties: {after: {type: integer}}}]}, mode: {type: string, enum: [a, b]}}}";
    let old = spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{shell: {shell}}}}}\n"));
    let new = spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{shell: {{$ref: '#/components/schemas/Shell'}}}}}}\n    Shell: {shell}\n"));
    let changes = changes(&old, &new);
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.severity == Severity::Breaking).collect();
    assert!(breaking.is_empty(), "{breaking:#?}");
    let api = resolved("new.yaml", &new);
    for (alias, target) in [("HolderShell", "Shell"), ("HolderShellOutcome", "ShellOutcome"), ("HolderShellOutcomeExit", "ShellOutcomeExit"), ("HolderShellMode", "ShellMode")] {
        let def = api.types.types.iter().find(|t| t.name == alias).unwrap_or_else(|| panic!("no alias {alias}"));
        assert!(def.hidden && def.kind == codegen::ir::TypeKind::Alias(codegen::ir::TypeRef::Named(target.into())), "{def:?}");
    }
}

/// Every breaking entry, for a pair that must have none.
fn breaking(changes: &[Change]) -> Vec<&Change> {
    changes.iter().filter(|c| c.severity == Severity::Breaking).collect()
}

fn type_names(api: &codegen::ir::Api) -> std::collections::BTreeSet<String> {
    api.types.types.iter().map(|t| t.name.clone()).collect()
}

#[test]
fn a_union_member_restating_its_base_tag_keeps_its_payload_name() {
    // Upstream added `type: {enum: [message], default: message}` to a member whose base already
    // says `type: message`: the payload was renamed `InputOutputMessage` → `InputMessage`.
    let input = |restated: &str| {
        format!(
            "    Input:\n      anyOf:\n        - allOf: [{{$ref: '#/components/schemas/OutputMessage'}}, {{type: object, properties: {{content: {{type: string}}{restated}}}}}]\n        - {{$ref: '#/components/schemas/Call'}}\n    OutputMessage: {{type: object, required: [type, id], properties: {{type: {{type: string, enum: [message]}}, id: {{type: string}}, content: {{type: string}}}}}}\n    Call: {{type: object, required: [type], properties: {{type: {{type: string, enum: [call]}}}}}}\n"
        )
    };
    let old = spec(&[("inputs", "Input")], &input(""));
    let new = spec(&[("inputs", "Input")], &input(", type: {type: string, enum: [message], default: message}"));
    let changes = changes(&old, &new);
    assert!(breaking(&changes).is_empty(), "{changes:#?}");
    assert_eq!(type_names(&resolved("old.yaml", &old)), type_names(&resolved("new.yaml", &new)));
}

#[test]
fn a_tag_field_moved_into_a_base_keeps_its_type_name() {
    // The same `type: custom` field, now declared by a base the schema extends: its type is
    // named after the base, and the old name stays as another name of it.
    let old = spec(&[("calls", "Call")], "    Call: {type: object, required: [type, id], properties: {type: {type: string, enum: [custom]}, id: {type: string}}}\n");
    let new = spec(
        &[("calls", "Call")],
        "    Call: {allOf: [{$ref: '#/components/schemas/ToolCall'}, {type: object, properties: {status: {type: string}}}]}\n    ToolCall: {type: object, required: [type, id], properties: {type: {type: string, enum: [custom]}, id: {type: string}}}\n",
    );
    let changes = changes(&old, &new);
    assert!(breaking(&changes).is_empty(), "{changes:#?}");
    let (old_names, new_names) = (type_names(&resolved("old.yaml", &old)), type_names(&resolved("new.yaml", &new)));
    assert!(old_names.is_subset(&new_names), "{old_names:?} ⊄ {new_names:?}");
}

#[test]
fn a_tag_keeps_its_kind_when_its_union_can_no_longer_be_tagged() {
    // Upstream dropped the discriminator and added a member without `source`: `source` of the
    // members is the same schema, so its type must be the same kind of type.
    let scores = |members: &str, discriminator: &str| {
        format!(
            "    Scores: {{type: object, required: [data], properties: {{data: {{type: array, items: {{oneOf: [{members}]{discriminator}}}}}}}}}\n    Aa: {{type: object, required: [source, score], properties: {{source: {{type: string, enum: [aa]}}, score: {{type: number}}}}}}\n    Da: {{type: object, required: [source, rank], properties: {{source: {{type: string, enum: [da]}}, rank: {{type: integer}}}}}}\n    Search: {{type: object, required: [query], properties: {{query: {{type: string}}}}}}\n"
        )
    };
    let (aa, da, search) = ("{$ref: '#/components/schemas/Aa'}", "{$ref: '#/components/schemas/Da'}", "{$ref: '#/components/schemas/Search'}");
    let old = spec(&[("scores", "Scores")], &scores(&format!("{aa}, {da}"), ", discriminator: {propertyName: source}"));
    let new = spec(&[("scores", "Scores")], &scores(&format!("{aa}, {da}, {search}"), ""));
    let kind = |api: &codegen::ir::Api| api.types.types.iter().find(|t| t.name == "AaSource").map(|t| t.kind.clone());
    let (old_api, new_api) = (resolved("old.yaml", &old), resolved("new.yaml", &new));
    assert!(kind(&old_api).is_some());
    assert_eq!(kind(&old_api), kind(&new_api));
}
