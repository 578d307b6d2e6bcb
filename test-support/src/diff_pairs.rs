//! The fixture pairs of the drift report: an old and a new spec per kind of change a Rust user
//! feels, as small as the change allows. `codegen/tests/diff_kinds.rs` checks what the report
//! says of each; `cargo xtask verify-pairs` compiles a probe of each old API against the crate
//! the new spec generates, so the compiler checks the report too.

/// One fixture pair, named after the test that reads it.
pub struct Pair {
    pub name: &'static str,
    pub old: String,
    pub new: String,
}

/// Every pair.
pub fn all() -> Vec<Pair> {
    let mut pairs = Vec::new();
    let mut add = |name: &'static str, old: String, new: String| pairs.push(Pair { name, old, new });
    let thing = |schema: &str| spec(&[("things", "Thing")], schema);

    let required_a = "    Thing: {type: object, required: [a], properties: {a: {type: string}, b: {type: integer}}}\n";
    let required_ab = "    Thing: {type: object, required: [a, b], properties: {a: {type: string}, b: {type: integer}}}\n";
    add("a_field_made_required_changes_the_constructor", thing(required_a), thing(required_ab));
    add("a_field_made_optional_changes_the_constructor_too", thing(required_ab), thing(required_a));
    add(
        "a_required_field_added_is_one_break_the_constructor_change",
        thing("    Thing: {type: object, required: [a], properties: {a: {type: string}}}\n"),
        thing(required_ab),
    );
    // `foo-bar` was `foo_bar`; a new property spelled `foo_bar` takes that name.
    add(
        "a_field_whose_rust_name_moves_renames_its_field_and_setter",
        thing("    Thing: {type: object, properties: {foo-bar: {type: string}}}\n"),
        thing("    Thing: {type: object, properties: {foo_bar: {type: string}, foo-bar: {type: string}}}\n"),
    );
    let listing = |params: &str| {
        format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: things_list\n      tags: [things]\n      parameters:\n{params}      responses:\n        '204': {{description: done}}\ncomponents: {{}}\n")
    };
    add(
        "an_optional_parameter_whose_rust_name_moves_renames_its_setter",
        listing("        - {name: page-size, in: query, schema: {type: integer}}\n"),
        listing("        - {name: page_size, in: query, schema: {type: integer}}\n        - {name: page-size, in: query, schema: {type: integer}}\n"),
    );
    add(
        "an_object_alias_becoming_a_struct_changes_the_type_kind",
        spec(&[("things", "Meta")], "    Meta: {type: object}\n"),
        spec(&[("things", "Meta")], "    Meta: {type: object, properties: {a: {type: string}}}\n"),
    );
    let level = |values: &str| spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{level: {{$ref: '#/components/schemas/Level'}}}}}}\n    Level: {{type: integer, enum: [{values}]}}\n"));
    add("a_number_constant_becoming_an_enum_changes_the_type_kind", level("1"), level("1, 2"));
    let mode = |values: &str| spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{mode: {{$ref: '#/components/schemas/Mode'}}}}}}\n    Mode: {{type: string, enum: [{values}]}}\n"));
    add("a_text_constant_gaining_a_value_keeps_its_variant_and_loses_its_default", mode("fast"), mode("fast, slow"));
    let two = "    Shared: {type: object, properties: {a: {type: string}}}\n    Other: {type: object, properties: {b: {type: string}}}\n";
    add("a_type_that_moves_to_another_tag_leaves_its_feature", spec(&[("alpha", "Shared"), ("beta", "Other")], two), spec(&[("alpha", "Other"), ("beta", "Shared")], two));
    // The same wire tag (`start`), now carried by a schema of another name.
    let event = |target: &str| {
        spec(&[("events", "Event")], &format!("    Event:\n      oneOf: [{{$ref: '#/components/schemas/{target}'}}, {{$ref: '#/components/schemas/Stop'}}]\n      discriminator: {{propertyName: kind}}\n    {target}: {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [start]}}}}}}\n    Stop: {{type: object, required: [kind], properties: {{kind: {{type: string, enum: [stop]}}}}}}\n"))
    };
    add("a_variant_whose_payload_schema_is_renamed_is_named", event("Start"), event("Begin"));
    let operation = |id: &str| format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things:\n    get:\n      operationId: {id}\n      tags: [things]\n      responses:\n        '204': {{description: done}}\ncomponents: {{}}\n");
    add("the_request_builder_type_is_part_of_what_users_name", operation("things_list"), operation("things_listAll"));
    add(
        "an_object_declaring_additional_properties_moves_its_undeclared_keys",
        thing("    Thing: {type: object, properties: {a: {type: string}}}\n"),
        thing("    Thing: {type: object, properties: {a: {type: string}}, additionalProperties: {type: integer}}\n"),
    );
    add(
        "a_field_whose_inline_type_moves_into_a_base_is_named_as_a_rename",
        thing("    Thing: {type: object, properties: {mode: {type: string, enum: [fast, slow]}}}\n"),
        thing("    Thing: {allOf: [{$ref: '#/components/schemas/Base'}, {type: object, properties: {id: {type: string}}}]}\n    Base: {type: object, properties: {mode: {type: string, enum: [fast, slow]}}}\n"),
    );
    let body = "{$ref: '#/components/schemas/Thing'}";
    add("an_error_status_whose_body_changes_type_changes_its_error_variant", call_spec(body, "Denied"), call_spec(body, "Refused"));
    add(
        "a_required_nullable_field_made_optional_changes_its_setter_argument",
        thing("    Thing: {type: object, required: [code], properties: {code: {type: string, nullable: true}}}\n"),
        thing("    Thing: {type: object, properties: {code: {type: string}}}\n"),
    );
    let speech = |required: &str| format!("{{type: object, required: [{required}], properties: {{input: {{type: string}}, model: {{type: string}}, voice: {{type: string}}}}}}");
    add("an_operation_whose_required_arguments_change_is_reported_as_the_call", call_spec(&speech("input, model, voice"), "Denied"), call_spec(&speech("input, model"), "Denied"));
    let shell = "{type: object, required: [outcome], properties: {outcome: {oneOf: [{title: exit, type: object, properties: {code: {type: integer}}}, {title: timeout, type: object, properties: {after: {type: integer}}}]}, mode: {type: string, enum: [a, b]}}}";
    add(
        "the_nested_inline_types_of_a_schema_moved_to_a_component_keep_their_names",
        spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{shell: {shell}}}}}\n")),
        spec(&[("things", "Holder")], &format!("    Holder: {{type: object, properties: {{shell: {{$ref: '#/components/schemas/Shell'}}}}}}\n    Shell: {shell}\n")),
    );
    // Upstream added `type: {enum: [message], default: message}` to a member whose base already
    // says `type: message`.
    let input = |restated: &str| {
        spec(&[("inputs", "Input")], &format!(
            "    Input:\n      anyOf:\n        - allOf: [{{$ref: '#/components/schemas/OutputMessage'}}, {{type: object, properties: {{content: {{type: string}}{restated}}}}}]\n        - {{$ref: '#/components/schemas/Call'}}\n    OutputMessage: {{type: object, required: [type, id], properties: {{type: {{type: string, enum: [message]}}, id: {{type: string}}, content: {{type: string}}}}}}\n    Call: {{type: object, required: [type], properties: {{type: {{type: string, enum: [call]}}}}}}\n"
        ))
    };
    add("a_union_member_restating_its_base_tag_keeps_its_payload_name", input(""), input(", type: {type: string, enum: [message], default: message}"));
    // The same `type: custom` field, now declared by a base the schema extends.
    add(
        "a_tag_field_moved_into_a_base_keeps_its_type_name",
        spec(&[("calls", "Call")], "    Call: {type: object, required: [type, id], properties: {type: {type: string, enum: [custom]}, id: {type: string}}}\n"),
        spec(
            &[("calls", "Call")],
            "    Call: {allOf: [{$ref: '#/components/schemas/ToolCall'}, {type: object, properties: {status: {type: string}}}]}\n    ToolCall: {type: object, required: [type, id], properties: {type: {type: string, enum: [custom]}, id: {type: string}}}\n",
        ),
    );
    // Upstream dropped the discriminator and added a member without `source`.
    let scores = |members: &str, discriminator: &str| {
        spec(&[("scores", "Scores")], &format!(
            "    Scores: {{type: object, required: [data], properties: {{data: {{type: array, items: {{oneOf: [{members}]{discriminator}}}}}}}}}\n    Aa: {{type: object, required: [source, score], properties: {{source: {{type: string, enum: [aa]}}, score: {{type: number}}}}}}\n    Da: {{type: object, required: [source, rank], properties: {{source: {{type: string, enum: [da]}}, rank: {{type: integer}}}}}}\n    Search: {{type: object, required: [query], properties: {{query: {{type: string}}}}}}\n"
        ))
    };
    let (aa, da, search) = ("{$ref: '#/components/schemas/Aa'}", "{$ref: '#/components/schemas/Da'}", "{$ref: '#/components/schemas/Search'}");
    add(
        "a_tag_keeps_its_kind_when_its_union_can_no_longer_be_tagged",
        scores(&format!("{aa}, {da}"), ", discriminator: {propertyName: source}"),
        scores(&format!("{aa}, {da}, {search}"), ""),
    );
    pairs
}

/// The pair named `name`.
pub fn get(name: &str) -> Pair {
    all().into_iter().find(|p| p.name == name).unwrap_or_else(|| panic!("no fixture pair {name:?}"))
}

/// A spec with one operation per `(tag, schema)`: `POST /<tag>` taking and answering that schema.
fn spec(operations: &[(&str, &str)], schemas: &str) -> String {
    let mut paths = String::new();
    for (tag, schema) in operations {
        paths.push_str(&format!(
            "  /{tag}:\n    post:\n      operationId: {tag}_send\n      tags: [{tag}]\n      requestBody:\n        content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{schema}'}}}}}}}}\n"
        ));
    }
    format!("openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n{paths}components:\n  schemas:\n{schemas}")
}

/// One operation `POST /things/{id}` with `body`, answering 200 with `Thing` and 403 with `forbidden`.
fn call_spec(body: &str, forbidden: &str) -> String {
    format!(
        "openapi: 3.0.3\ninfo: {{title: pair, version: '1'}}\npaths:\n  /things/{{id}}:\n    post:\n      operationId: things_make\n      tags: [things]\n      parameters:\n        - {{name: id, in: path, required: true, schema: {{type: string}}}}\n      requestBody:\n        required: true\n        content: {{application/json: {{schema: {body}}}}}\n      responses:\n        '200': {{description: ok, content: {{application/json: {{schema: {{$ref: '#/components/schemas/Thing'}}}}}}}}\n        '403': {{description: no, content: {{application/json: {{schema: {{$ref: '#/components/schemas/{forbidden}'}}}}}}}}\ncomponents:\n  schemas:\n    Thing: {{type: object, properties: {{a: {{type: string}}}}}}\n    Denied: {{type: object, properties: {{message: {{type: string}}}}}}\n    Refused: {{type: object, properties: {{reason: {{type: string}}}}}}\n"
    )
}
