//! Broken specs give located errors (file, JSON pointer, reason), never panics; and the loader's
//! normalisations keep meaning.

use codegen::load::{load_spec, OverlaySource};
use serde_json::json;

fn error(yaml: &str) -> codegen::error::SpecError {
    match load_spec("broken.yaml", yaml.as_bytes(), &[]) {
        Ok(_) => panic!("expected an error"),
        Err(e) => e,
    }
}

const HEAD: &str = "openapi: 3.0.1\ninfo: {title: t, version: '1'}\n";

#[test]
fn invalid_yaml_names_line_and_column() {
    let e = error("openapi: 3.0.1\npaths: {a: [1, 2\n");
    assert_eq!(e.file, "broken.yaml");
    assert!(e.message.contains("invalid YAML at line"), "{e}");
}

#[test]
fn dangling_ref_points_at_the_ref() {
    let e = error(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{b: {{$ref: '#/components/schemas/Missing'}}}}}}\n"));
    assert_eq!(e.pointer, "/components/schemas/A/properties/b/$ref");
    assert!(e.message.contains("dangling reference"), "{e}");
}

#[test]
fn a_ref_in_a_list_under_an_escaped_key_is_located_exactly() {
    let e = error(&format!("{HEAD}paths:\n  /a~b:\n    get:\n      parameters: [{{name: x, in: query}}, {{$ref: '#/components/parameters/Missing'}}]\n      responses: {{'200': {{description: ok}}}}\n"));
    assert_eq!(e.pointer, "/paths/~1a~0b/get/parameters/1/$ref");
    assert!(e.message.contains("dangling reference"), "{e}");
}

#[test]
fn loop_of_pure_refs_is_refused() {
    let e = error(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{$ref: '#/components/schemas/B'}}\n    B: {{$ref: '#/components/schemas/A'}}\n"));
    assert_eq!(e.pointer, "/components/schemas/A/$ref");
    assert!(e.message.contains("loop of references"), "{e}");
}

#[test]
fn unsupported_version_is_refused() {
    let e = error("swagger: '2.0'\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(e.pointer, "/swagger");
    assert!(e.message.contains("Swagger 2.0") && e.message.contains("not supported"), "{e}");
    let e = error("openapi: 2.5.0\ninfo: {title: t, version: '1'}\npaths: {}\n");
    assert_eq!(e.pointer, "/openapi");
    assert!(e.message.contains("unsupported OpenAPI version"), "{e}");
}

#[test]
fn missing_paths_is_refused() {
    let e = error(HEAD);
    assert_eq!(e.pointer, "/paths");
    assert!(e.message.contains("no `paths`"), "{e}");
}

#[test]
fn unknown_schema_type_is_refused() {
    let e = error(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: strin}}\n"));
    assert_eq!(e.pointer, "/components/schemas/A/type");
    assert!(e.message.contains("unknown schema type \"strin\""), "{e}");
}

#[test]
fn keywords_without_an_equivalent_are_refused_not_dropped() {
    // Tuples have no nearest honest type short of dropping every item's shape silently.
    let e = error(&format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: array, prefixItems: [{{type: string}}]}}\n"));
    assert_eq!(e.pointer, "/components/schemas/A/prefixItems");
}

#[test]
fn an_optional_overlay_action_that_matches_nothing_is_a_located_warning() {
    let overlay = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.components.schemas.Nope\n    x-optional: true\n    update: {nullable: true}\n  - target: $.components.schemas.A\n    x-optional: true\n    update: {description: patched}\n";
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: string}}\n");
    let loaded = load_spec("spec.yaml", spec.as_bytes(), &[OverlaySource { file: "fix.yaml", bytes: overlay.as_bytes() }]).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(loaded.warnings.len(), 1, "{:?}", loaded.warnings);
    let warning = &loaded.warnings[0];
    assert_eq!((warning.file.as_str(), warning.pointer.as_str()), ("fix.yaml", "/actions/0/target"));
    assert!(warning.message.contains("optional overlay action skipped"), "{warning}");
    // An optional action that matches still applies.
    assert_eq!(loaded.json.pointer("/components/schemas/A/description"), Some(&json!("patched")));
    let not_a_bool = overlay.replacen("x-optional: true", "x-optional: yes please", 1);
    let e = load_spec("spec.yaml", spec.as_bytes(), &[OverlaySource { file: "fix.yaml", bytes: not_a_bool.as_bytes() }]).err().expect("an error");
    assert_eq!(e.pointer, "/actions/0/x-optional");
}

#[test]
fn overlay_target_matching_nothing_names_the_overlay_action() {
    let overlay = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.components.schemas.Nope\n    update: {nullable: true}\n";
    let spec = format!("{HEAD}paths: {{}}\n");
    let result = load_spec("spec.yaml", spec.as_bytes(), &[OverlaySource { file: "fix.yaml", bytes: overlay.as_bytes() }]);
    let e = result.err().expect("an error");
    assert_eq!((e.file.as_str(), e.pointer.as_str()), ("fix.yaml", "/actions/0/target"));
    assert!(e.message.contains("matches nothing"), "{e}");
}

#[test]
fn overlay_updates_and_removes() {
    let overlay = "overlay: 1.0.0\ninfo: {title: o, version: '1'}\nactions:\n  - target: $.components.schemas.A.properties.x\n    description: the server sends null\n    update: {nullable: true}\n  - target: $.components.schemas.A.properties.y\n    remove: true\n";
    let spec = format!("{HEAD}paths: {{}}\ncomponents:\n  schemas:\n    A: {{type: object, properties: {{x: {{type: string}}, y: {{type: string}}}}}}\n");
    let loaded = load_spec("spec.yaml", spec.as_bytes(), &[OverlaySource { file: "fix.yaml", bytes: overlay.as_bytes() }]).unwrap();
    let a = &loaded.json["components"]["schemas"]["A"]["properties"];
    assert_eq!(a["x"], json!({"type": "string", "nullable": true}));
    assert!(a.get("y").is_none());
}

#[test]
fn openapi_3_1_constructs_are_normalised_without_loss() {
    let spec = "openapi: 3.1.0\ninfo: {title: t, version: '1'}\npaths: {}\ncomponents:\n  schemas:\n    A:\n      type: object\n      properties:\n        a: {type: [string, 'null']}\n        b: {const: code}\n        c: {type: integer, examples: [1, 2]}\n        d: {type: number, exclusiveMinimum: 0}\n        e: {$ref: '#/components/schemas/B', description: wrapped}\n        f: {anyOf: [{$ref: '#/components/schemas/B'}, {type: 'null'}]}\n    B: {type: string}\n";
    let loaded = load_spec("spec.yaml", spec.as_bytes(), &[]).unwrap();
    let p = &loaded.json["components"]["schemas"]["A"]["properties"];
    assert_eq!(loaded.json["openapi"], json!("3.0.3"));
    assert_eq!(p["a"], json!({"type": "string", "nullable": true}));
    assert_eq!(p["b"], json!({"type": "string", "enum": ["code"]}));
    assert_eq!(p["c"], json!({"type": "integer", "example": 1, "x-examples": [1, 2]}));
    assert_eq!(p["d"], json!({"type": "number", "minimum": 0, "exclusiveMinimum": true}));
    assert_eq!(p["e"], json!({"description": "wrapped", "allOf": [{"$ref": "#/components/schemas/B"}]}));
    assert_eq!(p["f"], json!({"anyOf": [{"$ref": "#/components/schemas/B"}], "nullable": true}));
}
