//! `cargo xtask check` explains a pin change semantically from the previous version's bytes,
//! which it finds in the cache by hash: renaming the pin's `file` along with the move must not
//! lose them. Runs against a scratch checkout whose Langfuse pin moved to an older published
//! version under a new file name; the previous bytes are cached only under the old name.

mod support;

use std::process::Command;
use support::{copy_dir, history_pins, pinned, pins, scratch, workspace};

#[test]
fn check_finds_the_previous_version_by_hash_after_the_pin_file_is_renamed() {
    let root = scratch("check-by-hash");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    copy_dir(&workspace().join("generated"), &root.join("generated"));
    let current = pins().into_iter().find(|p| p.name == "langfuse").expect("a langfuse pin");
    let older = history_pins().into_iter().find(|h| h.file == "langfuse-2026-07-30.yml").expect("a langfuse history pin");

    // The pin moves to other bytes under another file name.
    let pin_path = root.join("specs/langfuse.toml");
    let text = std::fs::read_to_string(&pin_path).unwrap();
    let moved = text.replace(&format!("file = {:?}", current.file), "file = \"langfuse-renamed.yml\"").replace(&current.sha256, &older.sha256);
    assert_ne!(moved, text);
    std::fs::write(&pin_path, moved).unwrap();

    let cache = root.join(".spec-cache");
    std::fs::create_dir_all(cache.join("by-sha256")).unwrap();
    let openrouter = pins().into_iter().find(|p| p.name == "openrouter").expect("an openrouter pin");
    std::fs::write(cache.join(&openrouter.file), pinned(&openrouter.file)).unwrap();
    std::fs::write(cache.join("langfuse-renamed.yml"), pinned(&older.file)).unwrap();
    // What `generated/` was made from, cached under the name it had then.
    std::fs::write(cache.join(format!("by-sha256/{}-{}", current.sha256, current.file)), pinned(&current.file)).unwrap();

    let check = Command::new(env!("CARGO_BIN_EXE_xtask")).arg("check").env("SPECS_WORKSPACE_ROOT", &root).env_remove("SPECS_MIRROR").output().unwrap();
    let stderr = String::from_utf8_lossy(&check.stderr);
    assert!(!check.status.success(), "{stderr}");
    assert!(!stderr.contains("not in the cache"), "the previous version is in the cache under its old name:\n{stderr}");
    let summary = stderr.find("langfuse: ").and_then(|at| stderr[at..].lines().next()).unwrap_or_else(|| panic!("no semantic summary:\n{stderr}"));
    assert!(summary.contains("change(s)") && summary.contains("breaking"), "{summary}");
    assert!(stderr.contains("generated/ does not match"), "{stderr}");
    let _ = std::fs::remove_dir_all(&root);
}
