//! Upstream edits that are compatible on the wire must be compatible in Rust: perturbing the
//! pinned OpenRouter spec the way its history does, the drift report (`codegen::diff`) may list
//! only what was added, and nothing a user compiled against may break.

mod support;

use codegen::diff::{diff, Change, Severity};
use serde_json::{json, Value};

fn pinned() -> Value {
    support::pinned_json("openrouter.yaml")
}

fn resolved(doc: &Value) -> codegen::ir::Api {
    support::resolve_json("openrouter", "openrouter.yaml", doc)
}

/// The changes from the pinned spec to `edit` of it.
fn changes_after(edit: impl FnOnce(&mut Value)) -> Vec<Change> {
    let original = pinned();
    let mut edited = original.clone();
    edit(&mut edited);
    diff(&resolved(&original), &resolved(&edited))
}

fn at<'v>(doc: &'v mut Value, pointer: &str) -> &'v mut Value {
    doc.pointer_mut(pointer).unwrap_or_else(|| panic!("the pinned spec has no {pointer}"))
}

/// No breaking change, and exactly `expected` as `kind location detail` lines.
fn assert_only(changes: &[Change], expected: &[&str]) {
    let breaking: Vec<&Change> = changes.iter().filter(|c| c.severity == Severity::Breaking).collect();
    assert!(breaking.is_empty(), "a compatible edit broke users:\n{breaking:#?}");
    let found: Vec<String> = changes.iter().map(|c| format!("{} {} {}", c.kind, c.location, c.detail)).collect();
    assert_eq!(found, expected, "{changes:#?}");
}

#[test]
fn a_one_value_enum_gaining_a_value_gains_a_variant() {
    // The stream delta's role: only `assistant` today. Its variant stays and nothing else
    // changes shape; only its `Default` (the one value, for constructors) goes, and the report
    // says so (`diff_kinds.rs` has the pair the compiler checks).
    let changes = changes_after(|doc| {
        *at(doc, "/components/schemas/ChatStreamDelta/properties/role/enum") = json!(["assistant", "tool"]);
    });
    let found: Vec<String> = changes.iter().map(|c| format!("{} {} {}", c.kind, c.location, c.detail)).collect();
    assert_eq!(found, ["enum-default-lost ChatStreamDeltaRole now also `tool`: `ChatStreamDeltaRole::default()` no longer exists (name the value's variant instead)"], "{changes:#?}");
}

#[test]
fn an_empty_all_of_member_gaining_a_property_adds_a_field() {
    // A component that only extends its base with `{type: object, properties: {}}` …
    let changes = changes_after(|doc| {
        *at(doc, "/components/schemas/ErrorEvent/allOf/1/properties") = json!({"retry_after": {"type": "integer"}});
    });
    assert_only(&changes, &["field-added ErrorEvent.retry_after optional"]);
    // … and an inline union member that does the same: the variant keeps its payload type.
    let changes = changes_after(|doc| {
        *at(doc, "/components/schemas/InputMessageItem/properties/content/items/oneOf/1/allOf/1/properties") =
            json!({"label": {"type": "string"}});
    });
    let added: Vec<&Change> = changes.iter().filter(|c| c.kind == "field-added").collect();
    assert_eq!(added.len(), 1, "{changes:#?}");
    assert!(added[0].location.ends_with(".label"), "{changes:#?}");
    assert_only(&changes, &[&format!("field-added {} optional", added[0].location)]);
}

#[test]
fn an_object_gaining_an_optional_property_or_additional_properties_adds_only_the_field() {
    let changes = changes_after(|doc| {
        let text = at(doc, "/components/schemas/ChatContentText");
        text["properties"]["zz_note"] = json!({"type": "string"});
        text["additionalProperties"] = json!(true);
        at(doc, "/components/schemas/ChatContentImage")["additionalProperties"] = json!({});
    });
    assert_only(&changes, &["field-added ChatContentText.zz_note optional"]);
}

#[test]
fn a_union_losing_its_discriminator_changes_nothing() {
    let changes = changes_after(|doc| {
        at(doc, "/components/schemas/ChatContentItems").as_object_mut().expect("an object").remove("discriminator");
    });
    assert_only(&changes, &[]);
}

#[test]
fn a_union_that_can_no_longer_be_tagged_keeps_its_variant_names() {
    // A member without a `type` makes the union untagged: its variants keep the names their
    // tags gave them, and the new member is the only addition.
    let changes = changes_after(|doc| {
        let members = at(doc, "/components/schemas/ChatContentItems/oneOf").as_array_mut().expect("oneOf");
        members.push(json!({"title": "Note", "type": "object", "required": ["note"], "properties": {"note": {"type": "string"}}}));
        at(doc, "/components/schemas/ChatContentItems").as_object_mut().expect("an object").remove("discriminator");
    });
    assert_only(&changes, &["union-variant-added ChatContentItems `Note`"]);
}

#[test]
fn an_inline_schema_moved_to_a_component_keeps_its_old_name() {
    // `AdvisorReasoning.effort` (an inline enum) becomes `$ref: AdvisorEffort`, a new component of
    // the same shape: the field's type is the component, and `AdvisorReasoningEffort` stays as a
    // hidden alias of it, so code naming either compiles.
    let changes = changes_after(|doc| {
        let effort = at(doc, "/components/schemas/AdvisorReasoning/properties/effort").take();
        *at(doc, "/components/schemas/AdvisorReasoning/properties/effort") = json!({"$ref": "#/components/schemas/AdvisorEffort"});
        at(doc, "/components/schemas").as_object_mut().expect("schemas").insert("AdvisorEffort".into(), effort);
    });
    assert_only(
        &changes,
        &[
            "field-type-moved AdvisorReasoning.effort AdvisorReasoningEffort → AdvisorEffort (the schema moved to a component; `AdvisorReasoningEffort` is kept as another name of it)",
            "type-added AdvisorEffort enum",
            "type-moved AdvisorReasoningEffort now another name for `AdvisorEffort`: the schema moved to a component (same shape: code naming `AdvisorReasoningEffort` still compiles)",
        ],
    );
}

#[test]
fn a_union_member_moved_to_a_component_keeps_its_payload_name() {
    // The `enabled` member of `MessagesRequest.thinking` (inline, tagged by `type`) becomes
    // `$ref: MessagesThinkingEnabled`: the variant keeps its name, and its old payload type
    // `MessagesRequestThinkingEnabled` stays as a hidden alias, so code building it compiles;
    // so do the types nested in it (`MessagesRequestThinkingEnabledType`).
    let changes = changes_after(|doc| {
        let pointer = "/components/schemas/MessagesRequest/properties/thinking/oneOf/0";
        let enabled = at(doc, pointer).take();
        *at(doc, pointer) = json!({"$ref": "#/components/schemas/MessagesThinkingEnabled"});
        at(doc, "/components/schemas").as_object_mut().expect("schemas").insert("MessagesThinkingEnabled".into(), enabled);
    });
    assert_only(
        &changes,
        &[
            "type-added MessagesThinkingEnabled struct",
            "type-moved MessagesRequestThinkingEnabled now another name for `MessagesThinkingEnabled`: the schema moved to a component (same shape: code naming `MessagesRequestThinkingEnabled` still compiles)",
            // The types nested in it keep their old names too (they are named after the new place).
            "type-moved MessagesRequestThinkingEnabledDisplay another name for `AnthropicThinkingDisplay`, now for `MessagesThinkingEnabledDisplay` (same shape: code naming `MessagesRequestThinkingEnabledDisplay` still compiles)",
            "type-moved MessagesRequestThinkingEnabledType now another name for `MessagesThinkingEnabledType`: the schema moved to a component (same shape: code naming `MessagesRequestThinkingEnabledType` still compiles)",
            "union-variant-type-moved MessagesRequestThinking `MessagesRequestThinking::Enabled(MessagesRequestThinkingEnabled)` is now `MessagesRequestThinking::Enabled(MessagesThinkingEnabled)` (the schema moved to a component; `MessagesRequestThinkingEnabled` is kept as another name of it)",
        ],
    );
}
