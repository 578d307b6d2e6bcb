//! `cargo xtask fetch --latest`, offline: a server on 127.0.0.1 publishes another version of the
//! OpenRouter spec (a pinned history version, from the cache); the pin must move to it, with the
//! semantic report printed. Runs against a copy of `specs/`, so this checkout's pins are
//! untouched; this checkout's cache stands in as the mirror for the copy's empty one.

mod support;

use std::process::Command;
use support::{cache, copy_dir, pinned, scratch, serve, workspace};

#[test]
fn fetch_latest_moves_the_pin_and_reports_what_changed() {
    let published = pinned("openrouter-2026-08-03.yaml");
    let served = published.clone();
    let port = serve(move |_| served.clone());
    let root = scratch("fetch-latest");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    let url = format!("http://127.0.0.1:{port}/openapi.yaml");

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--latest", "--api", "openrouter", "--url", &url])
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", cache())
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(output.status.success(), "{stdout}\n{}", String::from_utf8_lossy(&output.stderr));
    assert!(stdout.contains("pin moved to"), "{stdout}");
    // The published version is older than the pin: what the pin added shows up as removed.
    assert!(stdout.contains("BREAKING operation-removed: GET /datasets/session-cost"), "{stdout}");
    assert!(stdout.contains("Next: `cargo xtask regen`"), "{stdout}");

    let pin = std::fs::read_to_string(root.join("specs/openrouter.toml")).unwrap();
    assert!(pin.contains(&format!("url = {url:?}")), "{pin}");
    assert!(pin.contains("sha256 = \"b0afa90ea2e8517d9a9ecfca7cedb133dc71dfd370b4b338e4eb9f6b0516bc4d\""), "{pin}");
    assert!(pin.contains("[client]"), "the rest of the pin is kept: {pin}");
    assert_eq!(std::fs::read(root.join(".spec-cache/openrouter.yaml")).unwrap(), published);

    // `check` now fails, and says first what changed in the API, then which files differ.
    copy_dir(&workspace().join("generated"), &root.join("generated"));
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("check")
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", cache())
        .output()
        .unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success());
    let summary = stderr.find("openrouter: ").expect("a semantic summary");
    let files = stderr.find("generated/ does not match").expect("the file-level report");
    assert!(summary < files, "summary first, code diff after: {stderr}");
    assert!(stderr.contains("BREAKING operation-removed: GET /datasets/session-cost"), "{stderr}");
    assert!(stderr.contains("Fix: run `cargo xtask regen`"), "{stderr}");

    // Fetching the same version again changes nothing.
    let again = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--latest", "--api", "openrouter", "--url", &url])
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", cache())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"));
    let _ = std::fs::remove_dir_all(&root);
}
