//! `cargo xtask fetch --latest`, offline: a server on 127.0.0.1 publishes another version of the
//! OpenRouter spec (one from `history/`); the pin must move to it, with the semantic report printed.
//! Runs against a copy of `specs/`, so this checkout's pins are untouched.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::Command;

fn mirror() -> PathBuf {
    PathBuf::from(std::env::var("SPECS_MIRROR").expect("set SPECS_MIRROR to the specs directory (with history/)"))
}

/// Serves `body` to every request, forever (the test process ends it).
fn serve(body: Vec<u8>) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let _ = stream.read(&mut request);
            let head = format!("HTTP/1.1 200 OK\r\ncontent-type: application/yaml\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

#[test]
fn fetch_latest_moves_the_pin_and_reports_what_changed() {
    let published = std::fs::read(mirror().join("history/openrouter-2026-08-03.yaml")).unwrap();
    let port = serve(published.clone());
    let root = std::env::temp_dir().join(format!("fetch-latest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&root);
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../specs"), &root.join("specs"));
    let url = format!("http://127.0.0.1:{port}/openapi.yaml");

    let output = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--latest", "--api", "openrouter", "--url", &url])
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", mirror())
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
    copy_dir(&Path::new(env!("CARGO_MANIFEST_DIR")).join("../generated"), &root.join("generated"));
    let check = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .arg("check")
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env("SPECS_MIRROR", mirror())
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
        .env("SPECS_MIRROR", mirror())
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&again.stdout).contains("unchanged"));
    let _ = std::fs::remove_dir_all(&root);
}
