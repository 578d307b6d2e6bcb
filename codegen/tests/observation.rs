//! The `[observe]` table of a pin file: every pointer it names is checked against the resolved
//! spec, so an upstream move fails regen with the operation, the setting and the missing step.

use codegen::emit::observe::observe_module;
use codegen::observe_table::observe_table;
use codegen::pipeline::{generate_api_guarded, resolve_input, ApiInput};

const SPEC: &str = r##"
openapi: 3.0.1
info: {title: Mini chat, version: "1"}
paths:
  /chat:
    post:
      operationId: chat
      requestBody:
        required: true
        content:
          application/json:
            schema:
              type: object
              required: [messages]
              properties:
                model: {type: string}
                temperature: {type: number}
                messages: {type: array, items: {type: object, properties: {content: {type: string}}}}
      responses:
        "200":
          description: ok
          content:
            application/json:
              schema: {$ref: "#/components/schemas/Completion"}
            text/event-stream:
              schema: {type: object, properties: {data: {$ref: "#/components/schemas/Event"}}}
components:
  schemas:
    Usage:
      type: object
      properties:
        prompt_tokens: {type: integer}
        cost: {type: number}
    Completion:
      type: object
      properties:
        id: {type: string}
        choices: {type: array, items: {type: object, properties: {text: {type: string}}}}
        usage: {$ref: "#/components/schemas/Usage"}
    Event:
      oneOf:
        - {type: object, required: [type], properties: {type: {type: string, enum: [delta]}, delta: {type: string}}}
        - {type: object, required: [type], properties: {type: {type: string, enum: [done]}, usage: {$ref: "#/components/schemas/Usage"}}}
      discriminator: {propertyName: type}
"##;

const TABLE: &str = r#"
[observe]
system = "mini"

[[observe.generations]]
operation = "chat"
name = "chat"
gen_ai_operation = "chat"

[observe.generations.request]
model = "/model"
input = "/messages"

[observe.generations.request.parameters]
temperature = "/temperature"

[observe.generations.response]
id = "/id"
output = "/choices/0/text"

[observe.generations.response.usage]
input = "/usage/prompt_tokens"

[observe.generations.stream]
text = { at = "/delta", when = "/type", is = "delta" }

[observe.generations.stream.usage]
input = "/usage/prompt_tokens"
"#;

fn input(table: &str) -> ApiInput {
    let profile = codegen::profile::ClientProfile { observe: observe_table("mini.toml", table).unwrap(), ..Default::default() };
    ApiInput {
        name: "mini".into(),
        title: "Mini".into(),
        pin_file: "mini.toml".into(),
        sha256: "0".into(),
        spec_file: "mini.yaml".into(),
        spec: SPEC.as_bytes().to_vec(),
        overlays: Vec::new(),
        profile,
        other_version: false,
    }
}

fn check(table: &str) -> Result<String, String> {
    let input = input(table);
    let (_, api) = resolve_input(&input).map_err(|e| e.to_string())?;
    observe_module("mini.toml", input.profile.observe.as_ref().unwrap(), &api)
}

#[test]
fn a_table_whose_pointers_all_exist_becomes_the_crates_observe_module() {
    let module = check(TABLE).unwrap();
    assert!(module.contains("operation: \"chat\""), "{module}");
    assert!(module.contains("(\"temperature\", \"/temperature\")"));
    assert!(module.contains("when: Some((\"/type\", \"delta\"))"));
    let files = generate_api_guarded(&input(TABLE)).unwrap();
    let lib = files.iter().find(|f| f.path.ends_with("mini/src/lib.rs")).unwrap();
    assert!(lib.contents.contains("#[cfg(feature = \"observe\")]\nmod observe;"));
    assert!(files.iter().any(|f| f.path.ends_with("mini/src/observe.rs")));
}

#[test]
fn a_moved_field_is_named_with_the_operation_and_the_setting() {
    let moved = TABLE.replace("input = \"/usage/prompt_tokens\"\n\n[observe.generations.stream]", "input = \"/usage/input_tokens\"\n\n[observe.generations.stream]");
    let error = check(&moved).unwrap_err();
    assert!(error.contains("mini.toml: [[observe.generations]] #1 (operation `chat`): response.usage.input `/usage/input_tokens`"), "{error}");
    assert!(error.contains("`input_tokens` is not a property of Usage (it has: prompt_tokens, cost)"), "{error}");
}

#[test]
fn pointers_into_lists_unions_and_scalars_are_checked_step_by_step() {
    let not_an_index = check(&TABLE.replace("/choices/0/text", "/choices/first/text")).unwrap_err();
    assert!(not_an_index.contains("`first` indexes a list: it must be a number"), "{not_an_index}");
    let in_no_variant = check(&TABLE.replace("at = \"/delta\"", "at = \"/text\"")).unwrap_err();
    assert!(in_no_variant.contains("stream.text `/text`: no variant of Event has it"), "{in_no_variant}");
    let inside_a_scalar = check(&TABLE.replace("id = \"/id\"", "id = \"/id/value\"")).unwrap_err();
    assert!(inside_a_scalar.contains("`value` goes inside a String value"), "{inside_a_scalar}");
    let unknown_operation = check(&TABLE.replace("operation = \"chat\"", "operation = \"complete\"")).unwrap_err();
    assert!(unknown_operation.contains("the spec has no operation `complete`"), "{unknown_operation}");
}

#[test]
fn a_malformed_table_is_refused_with_the_pin_file_named() {
    let error = observe_table("mini.toml", "[observe]\nsystem = \"mini\"\n[[observe.generations]]\noperation = \"chat\"\n").unwrap_err();
    assert!(error.starts_with("mini.toml: [observe]:"), "{error}");
}

#[test]
fn a_gross_usage_count_must_have_details_to_be_net_of() {
    let table = TABLE.replace("[observe.generations.response]\nid = \"/id\"", "[observe.generations.response]\ngross_usage = [\"input\"]\nid = \"/id\"");
    let error = check(&table).unwrap_err();
    assert!(error.contains("response.gross_usage: `input` needs a usage entry of its own and at least one `input_…` detail"), "{error}");
    let with_detail = table.replace("[observe.generations.response.usage]\ninput = \"/usage/prompt_tokens\"", "[observe.generations.response.usage]\ninput = \"/usage/prompt_tokens\"\ninput_cached_tokens = \"/usage/prompt_tokens\"");
    let module = check(&with_detail).unwrap();
    assert!(module.contains("gross_usage: &[\"input\"]"), "{module}");
}
