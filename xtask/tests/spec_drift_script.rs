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
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(1), "drift must exit 1: {stderr}");
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
