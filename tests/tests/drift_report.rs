//! The semantic drift report for each older spec pinned in `specs/history/` (fetched into the
//! cache by `cargo xtask fetch`) against the current pin, compared with a committed expected report (rewrite with `UPDATE_EXPECT=1`), and its counts
//! checked against an independent count made here from the raw YAML.

use codegen::diff::{diff, render, Change, Severity};
use std::collections::BTreeSet;
use std::path::PathBuf;

const HISTORY: [(&str, &str); 4] = [
    ("openrouter", "openrouter-2026-06-09.yaml"),
    ("openrouter", "openrouter-2026-08-03.yaml"),
    ("langfuse", "langfuse-2026-05-20.yml"),
    ("langfuse", "langfuse-2026-07-30.yml"),
];

fn report(api: &str, file: &str) -> (Vec<Change>, String) {
    let pinned = spec_tests::inputs().into_iter().find(|i| i.name == api).unwrap();
    let old_bytes = spec_tests::history(file);
    let old = pinned.with_spec(file, old_bytes);
    let (_, old_api) = codegen::pipeline::resolve_input(&old).unwrap_or_else(|e| panic!("{e}"));
    let (_, new_api) = codegen::pipeline::resolve_input(&pinned).unwrap_or_else(|e| panic!("{e}"));
    let changes = diff(&old_api, &new_api);
    let text = render(api, &changes, false);
    (changes, text)
}

/// (operations as `METHOD /path`, component schema names) straight from the YAML.
fn raw_inventory(bytes: &[u8]) -> (BTreeSet<String>, BTreeSet<String>) {
    let doc = codegen::load::parse_document("raw", bytes).unwrap();
    let mut operations = BTreeSet::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for method in ["get", "put", "post", "delete", "patch", "head", "options", "trace"] {
            if item.get(method).is_some() {
                operations.insert(format!("{} {path}", method.to_uppercase()));
            }
        }
    }
    let schemas = doc["components"]["schemas"].as_object().map(|m| m.keys().cloned().collect()).unwrap_or_default();
    (operations, schemas)
}

fn count(changes: &[Change], kind: &str) -> usize {
    changes.iter().filter(|c| c.kind == kind).count()
}

#[test]
fn every_pinned_history_version_has_a_report() {
    let pinned: BTreeSet<String> = codegen::pin::HistoryPin::load_all(&spec_tests::root().join("specs")).unwrap().into_iter().map(|v| v.file).collect();
    let reported: BTreeSet<String> = HISTORY.iter().map(|(_, file)| file.to_string()).collect();
    assert_eq!(pinned, reported, "specs/history/ and this test's list differ");
}

#[test]
fn reports_match_the_expected_output_and_an_independent_count() {
    for (api, file) in HISTORY {
        let (changes, text) = report(api, file);
        let expected_path = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/drift_reports").join(format!("{file}.txt"));
        if std::env::var_os("UPDATE_EXPECT").is_some() {
            std::fs::write(&expected_path, &text).unwrap();
        }
        let expected = std::fs::read_to_string(&expected_path).unwrap_or_default();
        assert!(text == expected, "{file}: the report differs from {} (run with UPDATE_EXPECT=1 after checking it)", expected_path.display());

        let old = raw_inventory(&spec_tests::history(file));
        let pinned = spec_tests::inputs().into_iter().find(|i| i.name == api).unwrap();
        let new = raw_inventory(&pinned.spec);
        assert_eq!(count(&changes, "operation-added"), new.0.difference(&old.0).count(), "{file}: operations added");
        assert_eq!(count(&changes, "operation-removed"), old.0.difference(&new.0).count(), "{file}: operations removed");
        assert_eq!(count(&changes, "type-added"), new.1.difference(&old.1).count(), "{file}: component schemas added");
        assert_eq!(count(&changes, "type-removed"), old.1.difference(&new.1).count(), "{file}: component schemas removed");
    }
}

#[test]
fn real_breaking_changes_and_additions_are_classified() {
    let (changes, _) = report("openrouter", "openrouter-2026-08-03.yaml");
    let find = |kind: &str, location: &str| changes.iter().find(|c| c.kind == kind && c.location == location).map(|c| c.severity);
    // Removed schemas (the /messages error bodies moved to AnthropicMessagesErrorResponse).
    assert_eq!(find("type-removed", "MessagesErrorResponse"), Some(Severity::Breaking));
    // Every observability destination gained three required booleans: one break, its `new(…)`.
    assert_eq!(find("constructor-changed", "ObservabilityArizeDestination"), Some(Severity::Breaking));
    assert_eq!(find("field-added", "ObservabilityArizeDestination.broadcast_generation_cost"), Some(Severity::Compatible));
    // The error bodies of `/messages` changed type: each is a variant user code matches.
    assert_eq!(find("error-body-changed", "POST /messages"), Some(Severity::Breaking));
    assert_eq!(find("operation-added", "GET /datasets/session-cost"), Some(Severity::Compatible));
    assert!(changes.iter().any(|c| c.kind == "enum-value-added" && c.location == "ProviderName" && c.severity == Severity::Compatible));

    let (changes, _) = report("langfuse", "langfuse-2026-05-20.yml");
    let find = |kind: &str, location: &str| changes.iter().find(|c| c.kind == kind && c.location == location).map(|c| c.severity);
    // An object became a oneOf union.
    assert_eq!(find("type-kind-changed", "UnstableEvaluator"), Some(Severity::Breaking));
    assert_eq!(find("operation-added", "POST /api/public/feedback"), Some(Severity::Compatible));
}
