//! Stable identity: perturbing a pinned spec in ways that change nothing for existing users
//! (reordering, unrelated additions, respelling nullability) must leave every existing type's
//! name and shape exactly as it was; only the added items appear.

mod support;

use serde_json::{json, Value};
use std::collections::BTreeMap;

/// Every generated type: name → its definition as JSON (kind, fields, variants; no docs).
fn api_shape(api: &codegen::ir::Api) -> BTreeMap<String, String> {
    api.types
        .types
        .iter()
        .map(|def| (def.name.clone(), serde_json::to_string(&def.kind).expect("serialisable")))
        .collect()
}

/// Types that are new, gone, or changed between `before` and `after`.
fn difference(before: &BTreeMap<String, String>, after: &BTreeMap<String, String>) -> (Vec<String>, Vec<String>, Vec<String>) {
    let added = after.keys().filter(|k| !before.contains_key(*k)).cloned().collect();
    let removed = before.keys().filter(|k| !after.contains_key(*k)).cloned().collect();
    let changed = before.iter().filter(|(k, v)| after.get(*k).is_some_and(|w| w != *v)).map(|(k, _)| k.clone()).collect();
    (added, removed, changed)
}

fn schemas(doc: &mut Value) -> &mut serde_json::Map<String, Value> {
    doc["components"]["schemas"].as_object_mut().expect("components.schemas")
}

fn reversed(map: &serde_json::Map<String, Value>) -> serde_json::Map<String, Value> {
    map.iter().rev().map(|(k, v)| (k.clone(), v.clone())).collect()
}

#[test]
fn reordering_components_and_paths_changes_nothing() {
    for (api, file) in [("openrouter", "openrouter.yaml"), ("langfuse", "langfuse.yml")] {
        let original = support::pinned_json(file);
        let before = api_shape(&support::resolve_json(api, file, &original));
        let mut shuffled = original.clone();
        let components = reversed(schemas(&mut shuffled));
        *schemas(&mut shuffled) = components;
        let paths = reversed(shuffled["paths"].as_object().expect("paths"));
        shuffled["paths"] = Value::Object(paths);
        let after = api_shape(&support::resolve_json(api, file, &shuffled));
        assert_eq!(difference(&before, &after), (vec![], vec![], vec![]), "{api}");
    }
}

#[test]
fn an_unrelated_schema_adds_its_types_and_renames_nothing() {
    for (api, file) in [("openrouter", "openrouter.yaml"), ("langfuse", "langfuse.yml")] {
        let original = support::pinned_json(file);
        let before = api_shape(&support::resolve_json(api, file, &original));
        let mut doc = original.clone();
        // First and last in spec order, with inline types whose names could collide with others'.
        let unrelated = json!({"type": "object", "properties": {"status": {"type": "string", "enum": ["on", "off"]}, "role": {"type": "string", "enum": ["a", "b"]}}});
        let mut components = serde_json::Map::new();
        components.insert("AaaUnrelated".into(), unrelated.clone());
        components.extend(schemas(&mut doc).clone());
        components.insert("ZzzUnrelated".into(), unrelated);
        *schemas(&mut doc) = components;
        let after = api_shape(&support::resolve_json(api, file, &doc));
        let (added, removed, changed) = difference(&before, &after);
        assert_eq!(
            added,
            ["AaaUnrelated", "AaaUnrelatedRole", "AaaUnrelatedStatus", "ZzzUnrelated", "ZzzUnrelatedRole", "ZzzUnrelatedStatus"],
            "{api}"
        );
        assert_eq!((removed, changed), (vec![], vec![]), "{api}");
    }
}

#[test]
fn a_new_union_variant_or_optional_field_changes_only_its_owner() {
    let original = support::pinned_json("openrouter.yaml");
    let before = api_shape(&support::resolve_json("openrouter", "openrouter.yaml", &original));
    let mut doc = original.clone();
    // An inline tool type in front of the others: positions of every other member shift.
    let members = doc.pointer_mut("/components/schemas/ChatFunctionTool/anyOf").and_then(Value::as_array_mut).expect("ChatFunctionTool.anyOf");
    members.insert(0, json!({"type": "object", "required": ["type"], "properties": {"type": {"type": "string", "enum": ["my_tool"]}, "config": {"type": "object", "properties": {"level": {"type": "string", "enum": ["x", "y"]}}}}}));
    // An optional field with an inline type of its own.
    let properties = doc.pointer_mut("/components/schemas/ChatUserMessage/properties").and_then(Value::as_object_mut).expect("ChatUserMessage.properties");
    properties.insert("zz_extra".into(), json!({"type": "object", "properties": {"mode": {"type": "string", "enum": ["p", "q"]}}}));
    let after = api_shape(&support::resolve_json("openrouter", "openrouter.yaml", &doc));
    let (added, removed, changed) = difference(&before, &after);
    for own in ["ChatFunctionToolMyTool", "ChatFunctionToolMyToolConfig", "ChatFunctionToolMyToolConfigLevel", "ChatFunctionToolMyToolType", "ChatUserMessageZzExtra", "ChatUserMessageZzExtraMode"] {
        assert!(added.iter().any(|a| a == own), "{own}: {added:?}");
    }
    // The rest are hidden aliases of the new nested types, under the names of the places (and
    // places of places) that refer to their owners (`ChatMessageUser` is `ChatUserMessage`):
    // see `place_aliases`. Nothing else is added.
    let suffixes = ["MyTool", "MyToolConfig", "MyToolConfigLevel", "MyToolType", "ZzExtra", "ZzExtraMode"];
    assert!(added.iter().all(|a| suffixes.iter().any(|s| a.ends_with(s))), "{added:?}");
    assert!(removed.is_empty(), "{removed:?}");
    assert_eq!(changed, ["ChatFunctionTool", "ChatUserMessage"]);
}

/// `type: [X, "null"]` → `anyOf: [{type: X, …}, {type: "null"}]`, and `additionalProperties: {}`
/// → `true`: other spellings of the same thing.
fn respell(value: &mut Value, count: &mut usize) {
    match value {
        Value::Object(object) => {
            if let Some(Value::Array(types)) = object.get("type").cloned() {
                if types.len() == 2 && types.contains(&json!("null")) && !object.contains_key("enum") {
                    let other = types.iter().find(|t| **t != json!("null")).cloned().expect("a non-null type");
                    let mut inner = object.clone();
                    inner.insert("type".into(), other);
                    // Annotations describe the property, so they stay beside the `anyOf`.
                    const ANNOTATIONS: [&str; 4] = ["description", "example", "deprecated", "title"];
                    let keep: serde_json::Map<String, Value> =
                        object.iter().filter(|(k, _)| ANNOTATIONS.contains(&k.as_str())).map(|(k, v)| (k.clone(), v.clone())).collect();
                    inner.retain(|k, _| !ANNOTATIONS.contains(&k.as_str()));
                    *object = keep;
                    object.insert("anyOf".into(), json!([inner, {"type": "null"}]));
                    *count += 1;
                }
            }
            if object.get("additionalProperties") == Some(&json!({})) {
                object.insert("additionalProperties".into(), json!(true));
                *count += 1;
            }
            for (key, child) in object.iter_mut() {
                if key != "example" && key != "examples" {
                    respell(child, count);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(|item| respell(item, count)),
        _ => {}
    }
}

#[test]
fn respelling_nullability_changes_nothing() {
    let original = support::pinned_json("openrouter.yaml");
    let before = api_shape(&support::resolve_json("openrouter", "openrouter.yaml", &original));
    let mut doc = original.clone();
    let mut count = 0;
    respell(&mut doc["components"], &mut count);
    assert!(count > 100, "the perturbation must touch many schemas, touched {count}");
    let after = api_shape(&support::resolve_json("openrouter", "openrouter.yaml", &doc));
    let (added, removed, changed) = difference(&before, &after);
    for name in &changed {
        eprintln!("{name}\n  before: {}\n  after:  {}", before[name], after[name]);
    }
    assert_eq!((added, removed, changed), (vec![], vec![], vec![]));
}
