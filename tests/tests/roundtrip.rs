#![allow(deprecated)]
//! Every example in both specs decodes into its generated type and re-encodes to equal JSON.
//! Examples that contradict their own schema are listed in `example_defects.toml` with the
//! reason; the test fails if that list is wrong in either direction.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::collections::BTreeMap;

fn round_trip<T: DeserializeOwned + Serialize + std::fmt::Debug>(value: serde_json::Value) -> Result<serde_json::Value, String> {
    let typed: T = serde_path_to_error::deserialize(&value).map_err(|e| format!("decode at `{}`: {}", e.path(), e.inner()))?;
    // Undeclared keys survive the round trip (they are kept in `extra`), but an example that needs
    // them contradicts its schema; `Extra` prints as a map, so a non-empty one shows here.
    let debug = if UNDECLARED_ALLOWED.with(std::cell::Cell::get) { String::new() } else { format!("{typed:?}") };
    if let Some(at) = debug.find("extra: {\"") {
        let shown: String = debug[at..].chars().take(80).collect();
        return Err(format!("keys the schema does not declare: {shown}…"));
    }
    serde_json::to_value(&typed).map_err(|e| format!("encode: {e}"))
}

include!(concat!(env!("OUT_DIR"), "/registry.rs"));

thread_local! {
    /// Set by the property test, whose random instances carry undeclared keys on purpose.
    static UNDECLARED_ALLOWED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

#[derive(serde::Deserialize)]
struct Defects {
    defect: Vec<Defect>,
}

#[derive(serde::Deserialize)]
struct Defect {
    api: String,
    pointer: String,
    reason: String,
}

#[test]
fn every_example_round_trips() {
    let defects: Defects = toml_edit_free_parse(include_str!("example_defects.toml"));
    let expected: BTreeMap<(String, String), String> =
        defects.defect.into_iter().map(|d| ((d.api, d.pointer), d.reason)).collect();
    let mut failures: BTreeMap<(String, String), String> = BTreeMap::new();
    for input in spec_tests::inputs() {
        let (spec, api) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
        let examples = codegen::examples::collect(&spec.json);
        let mut tested = 0;
        let mut not_json = 0;
        for example in &examples {
            // Examples of multipart forms, files, audio and video are placeholders for bytes, not JSON.
            if is_non_json_media(&example.schema) {
                not_json += 1;
                continue;
            }
            let Some((ty, nullable)) = codegen::examples::type_at(&api, &example.schema) else {
                failures.insert((input.name.clone(), example.pointer.clone()), format!("no generated type for schema {}", example.schema));
                continue;
            };
            let key = codegen::examples::type_key(&input.name, ty, *nullable);
            let check = lookup(&key).unwrap_or_else(|| panic!("registry has no entry for {key}"));
            tested += 1;
            let outcome = check(example.value.clone()).and_then(|encoded| match spec_tests::json::first_difference(&example.value, &encoded, "") {
                None => Ok(()),
                Some(difference) => Err(format!("re-encoded differently: {difference}")),
            });
            if let Err(message) = outcome {
                failures.insert((input.name.clone(), example.pointer.clone()), format!("{key}: {message}"));
            }
        }
        eprintln!("{}: {} examples found, {tested} decoded and re-encoded, {not_json} of non-JSON media not applicable", input.name, examples.len());
        assert!(tested > 0 || examples.is_empty());
    }
    let unexpected: Vec<String> = failures.iter().filter(|(k, _)| !expected.contains_key(*k)).map(|((api, p), m)| format!("{api} {p}: {m}")).collect();
    let fixed: Vec<String> = expected.keys().filter(|k| !failures.contains_key(*k)).map(|(api, p)| format!("{api} {p}")).collect();
    assert!(unexpected.is_empty() && fixed.is_empty(), "examples failing that are not listed as spec defects:\n{}\n\nlisted defects that now pass (remove them):\n{}", unexpected.join("\n"), fixed.join("\n"));
}

/// The defects file is a tiny TOML subset; parse it with the toml crate via codegen's dependency.
fn toml_edit_free_parse(text: &str) -> Defects {
    codegen::profile::parse_toml(text).unwrap_or_else(|e| panic!("example_defects.toml: {e}"))
}

fn is_non_json_media(schema_pointer: &str) -> bool {
    let Some((_, after)) = schema_pointer.split_once("/content/") else { return false };
    let media = after.split('/').next().unwrap_or_default().replace("~1", "/");
    !(media == "application/json" || media.ends_with("+json"))
}

include!(concat!(env!("OUT_DIR"), "/component_schemas.rs"));

/// Issue 29: for every component schema of both pinned specs, random instances (fixed seed)
/// decode into the generated type and re-encode to the same JSON value, compared strictly:
/// `null` stays `null`, absent stays absent, `0` stays `0`, undeclared keys keep their names.
#[test]
fn random_instances_of_every_schema_round_trip_exactly() {
    const INSTANCES: u64 = 6;
    let mut documents = BTreeMap::new();
    for input in spec_tests::inputs() {
        let (spec, _) = codegen::pipeline::resolve_input(&input).unwrap_or_else(|e| panic!("{e}"));
        documents.insert(input.name.clone(), spec.json);
    }
    let schemas = component_schemas();
    UNDECLARED_ALLOWED.with(|allowed| allowed.set(true));
    let mut failures = Vec::new();
    let mut checked = 0;
    for (index, (api, pointer, key)) in schemas.iter().enumerate() {
        let doc = &documents[*api];
        let schema = doc.pointer(pointer.trim_start_matches('#')).unwrap_or_else(|| panic!("{api} {pointer}"));
        let check = lookup(key).unwrap_or_else(|| panic!("registry has no entry for {key}"));
        for n in 0..INSTANCES {
            let mut rng = test_support::random::Rng::new(29 * 1_000_003 + index as u64 * 101 + n);
            let value = test_support::random::instance(doc, schema, &mut rng, 0);
            checked += 1;
            match check(value.clone()) {
                Ok(encoded) if encoded == value => {}
                Ok(encoded) => failures.push(format!("{api} {pointer} ({key}), instance {n}: re-encoded differently at {}", strict_difference(&value, &encoded, ""))),
                Err(message) => failures.push(format!("{api} {pointer} ({key}), instance {n}: {message}\n  sent {value}")),
            }
        }
    }
    eprintln!("{} component schemas, {checked} random instances", schemas.len());
    assert!(schemas.len() > 500, "both specs' components: {}", schemas.len());
    assert!(failures.is_empty(), "{} of {checked} instances did not round-trip exactly:\n{}", failures.len(), failures.iter().take(80).cloned().collect::<Vec<_>>().join("\n"));
}

/// Where two JSON values first differ, numbers compared with their form (`0` ≠ `0.0`).
fn strict_difference(a: &serde_json::Value, b: &serde_json::Value, path: &str) -> String {
    use serde_json::Value;
    match (a, b) {
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(p), Some(q)) if p != q => return strict_difference(p, q, &format!("{path}.{key}")),
                    (Some(p), None) => return format!("{path}.{key}: {p} was dropped"),
                    (None, Some(q)) => return format!("{path}.{key}: {q} was added"),
                    _ => {}
                }
            }
            format!("{path}: keys differ")
        }
        (Value::Array(x), Value::Array(y)) if x.len() == y.len() => {
            x.iter().zip(y).enumerate().find(|(_, (p, q))| p != q).map(|(i, (p, q))| strict_difference(p, q, &format!("{path}[{i}]"))).unwrap_or_default()
        }
        _ => format!("{path}: {a} ≠ {b}"),
    }
}
