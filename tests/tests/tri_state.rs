//! Optional + nullable request fields: absent leaves the value unchanged, `null` clears it, a value
//! sets it — OpenRouter `UpdateObservabilityDestinationRequest.api_key_hashes` and `.filter_rules`.

use openrouter_langfuse::openrouter::types::UpdateObservabilityDestinationRequest;
use openrouter_langfuse::runtime::Patch;
use serde_json::json;

fn empty() -> UpdateObservabilityDestinationRequest {
    serde_json::from_value(json!({})).unwrap()
}

#[test]
fn absent_fields_are_not_sent() {
    let request = empty();
    assert!(request.api_key_hashes.is_absent() && request.filter_rules.is_absent());
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({}));
}

#[test]
fn null_clears_and_is_sent_as_null() {
    let mut request = empty();
    request.api_key_hashes = None.into();
    request.filter_rules = Patch::Null;
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({"api_key_hashes": null, "filter_rules": null}));
}

#[test]
fn a_value_is_sent_as_the_value() {
    let mut request = empty();
    request.api_key_hashes = vec!["abc".to_string()].into();
    request.name = Some("prod".into());
    assert_eq!(serde_json::to_value(&request).unwrap(), json!({"api_key_hashes": ["abc"], "name": "prod"}));
}

#[test]
fn decoding_keeps_the_three_states_apart() {
    let absent: UpdateObservabilityDestinationRequest = serde_json::from_value(json!({})).unwrap();
    let null: UpdateObservabilityDestinationRequest = serde_json::from_value(json!({"api_key_hashes": null})).unwrap();
    let value: UpdateObservabilityDestinationRequest = serde_json::from_value(json!({"api_key_hashes": ["x"]})).unwrap();
    assert_eq!(absent.api_key_hashes, Patch::Absent);
    assert_eq!(null.api_key_hashes, Patch::Null);
    assert_eq!(value.api_key_hashes, Patch::Value(vec!["x".to_string()]));
}
