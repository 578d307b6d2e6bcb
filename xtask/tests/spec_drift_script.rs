//! `scripts/spec-drift.sh` (what the user-facing CI workflow runs), offline: a loopback server
//! publishes an older OpenRouter spec and the current Langfuse one; the script must move only the
//! OpenRouter pin, regenerate, report the breaking change in Markdown and exit 1.

mod support;

use std::process::Command;
use support::{cache, copy_dir, pinned, scratch, serve, workspace};

#[test]
fn the_drift_script_moves_changed_pins_regenerates_and_reports() {
    let repo = workspace();
    let openrouter = pinned("openrouter-2026-08-03.yaml");
    let langfuse = pinned("langfuse.yml");
    let port = serve(move |request| if request.starts_with("GET /openrouter") { openrouter.clone() } else { langfuse.clone() });
    let root = scratch("spec-drift");
    copy_dir(&repo.join("specs"), &root.join("specs"));
    let report = root.join("report.md");
    let output = Command::new("bash")
        .arg(repo.join("scripts/spec-drift.sh"))
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", cache())
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("REPORT", &report)
        .env("LATEST_URL_openrouter", format!("http://127.0.0.1:{port}/openrouter"))
        .env("LATEST_URL_langfuse", format!("http://127.0.0.1:{port}/langfuse"))
        .env("DRIFT_BUILD", fake_build(&root, 0))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "drift must exit 1: {stderr}");
    // Only the changed API's crate is built, with all its features.
    assert_eq!(std::fs::read_to_string(root.join("built.txt")).unwrap(), "openrouter-langfuse-openrouter\n");
    let text = std::fs::read_to_string(&report).unwrap();
    assert!(text.contains("## openrouter: the published spec changed"), "{text}");
    assert!(text.contains("BREAKING operation-removed: GET /datasets/session-cost"), "{text}");
    assert!(!text.contains("## langfuse"), "Langfuse did not change: {text}");
    assert!(text.contains("Regenerated: regen:"), "{text}");
    assert!(root.join("generated/openrouter/src/types.rs").exists(), "generated/ was regenerated");
    let pin = std::fs::read_to_string(root.join("specs/openrouter.toml")).unwrap();
    assert!(pin.contains("b0afa90ea2e8517d9a9ecfca7cedb133dc71dfd370b4b338e4eb9f6b0516bc4d"));
    let _ = std::fs::remove_dir_all(&root);
}

/// A stand-in for `cargo build --all-features -p`: records the package it was asked to build
/// and, when `fails`, prints a compiler error the way rustc does and exits 101.
fn fake_build(root: &std::path::Path, fails: u8) -> String {
    let script = root.join(if fails == 0 { "build-ok.sh" } else { "build-fails.sh" });
    let error = "error[E0412]: cannot find type `ChatMessageWithPlaceholders` in module `super::types`\n  --> src/extensions.rs:9:21\n   |\n9  | use super::types::ChatMessageWithPlaceholders;\n   |                   ^^^ not found\n\nerror: could not compile\n";
    let body = if fails == 0 { String::new() } else { format!("printf '%s' '{error}' >&2\nexit 101\n") };
    std::fs::write(&script, format!("#!/usr/bin/env bash\necho \"$1\" >> '{}'\n{body}", root.join("built.txt").display())).unwrap();
    format!("bash {}", script.display())
}

/// A regenerated crate that does not compile fails the job (exit 3) with the first compiler
/// error beside the drift report.
#[test]
fn the_drift_script_fails_when_the_regenerated_crate_does_not_compile() {
    let repo = workspace();
    let openrouter = pinned("openrouter-2026-08-03.yaml");
    let langfuse = pinned("langfuse.yml");
    let port = serve(move |request| if request.starts_with("GET /openrouter") { openrouter.clone() } else { langfuse.clone() });
    let root = scratch("spec-drift-build");
    copy_dir(&repo.join("specs"), &root.join("specs"));
    let report = root.join("report.md");
    let output = Command::new("bash")
        .arg(repo.join("scripts/spec-drift.sh"))
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", cache())
        .env("XTASK", env!("CARGO_BIN_EXE_xtask"))
        .env("REPORT", &report)
        .env("LATEST_URL_openrouter", format!("http://127.0.0.1:{port}/openrouter"))
        .env("LATEST_URL_langfuse", format!("http://127.0.0.1:{port}/langfuse"))
        .env("DRIFT_BUILD", fake_build(&root, 1))
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(3), "a crate that does not compile must exit 3: {stderr}");
    let text = std::fs::read_to_string(&report).unwrap();
    let drift = text.find("## openrouter: the published spec changed").expect("the drift report");
    let failure = text.find("## openrouter: the regenerated crate does not compile").expect("the build failure");
    assert!(drift < failure, "{text}");
    assert!(text.contains("error[E0412]: cannot find type `ChatMessageWithPlaceholders`"), "{text}");
    assert!(text.contains("not found"), "the whole first diagnostic: {text}");
    assert!(!text.contains("could not compile"), "only the first diagnostic: {text}");
    let _ = std::fs::remove_dir_all(&root);
}
