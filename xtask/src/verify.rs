//! The drift report checked by the compiler (`codegen::probe`): the new version's crate is
//! generated into a workspace beside a probe crate that uses the old version's API; `cargo
//! check` of the probe gives the breaks a user meets, which must be exactly the report's
//! breaking entries. `cargo xtask verify-history` does it for every version pinned under
//! `specs/history/` against the current pin; `cargo xtask verify-pairs` for every fixture pair of
//! `test_support::diff_pairs`; `cargo xtask diff OLD NEW --verify` for any pair.

use codegen::diff::{diff, Severity};
use codegen::pin;
use codegen::pipeline::{self, ApiInput};
use codegen::probe::{self, CompileError, Verdict};
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct VerifyArgs {
    /// Only the versions (or pairs) whose name contains this
    #[arg(long)]
    pub only: Option<String>,
}

/// What one pair gave.
pub struct Outcome {
    pub breaking: usize,
    pub verdict: Verdict,
}

impl Outcome {
    pub fn passed(&self) -> bool {
        self.verdict.missed.is_empty() && self.verdict.invented.is_empty()
    }

    /// One line of counts, then every missed and invented key.
    pub fn describe(&self, label: &str) -> String {
        let v = &self.verdict;
        let mut text = format!("{label}: {} breaking entries, {} probe errors, {} missed, {} invented", self.breaking, v.errors.len(), v.missed.len(), v.invented.len());
        for (key, at) in &v.missed {
            let first = v.errors.iter().find(|(keys, _)| keys.first() == Some(key)).map(|(_, m)| m.as_str()).unwrap_or_default();
            text.push_str(&format!("\n  missed: {key} ({at}): {first}"));
        }
        for entry in &v.invented {
            text.push_str(&format!("\n  invented: {entry}"));
        }
        text
    }
}

pub fn run_history(args: VerifyArgs) -> Result<(), String> {
    let mut failures = Vec::new();
    for (version, new, old) in crate::history::versions(args.only.as_deref())? {
        let start = Instant::now();
        let outcome = verify_pair(&old, &new)?;
        let text = outcome.describe(&version.file);
        println!("{text} ({:.0?})", start.elapsed());
        if !outcome.passed() {
            failures.push(text);
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("the drift report and the compiler disagree:\n{}", failures.join("\n")))
    }
}

pub fn run_pairs(args: VerifyArgs) -> Result<(), String> {
    let mut failures = Vec::new();
    let start = Instant::now();
    let pairs: Vec<_> = test_support::diff_pairs::all().into_iter().filter(|p| args.only.as_deref().is_none_or(|only| p.name.contains(only))).collect();
    for pair in &pairs {
        let outcome = verify_pair(&fixture("old.yaml", &pair.old), &fixture("new.yaml", &pair.new)).map_err(|e| format!("{}: {e}", pair.name))?;
        let text = outcome.describe(pair.name);
        println!("{text}");
        if !outcome.passed() {
            failures.push(text);
        }
    }
    println!("{} pairs in {:.0?}", pairs.len(), start.elapsed());
    if failures.is_empty() {
        Ok(())
    } else {
        Err(format!("the drift report and the compiler disagree:\n{}", failures.join("\n")))
    }
}

/// One side of a fixture pair, as the API `pair` (every pair shares one workspace and target
/// directory, so the runtime is built once).
fn fixture(file: &str, text: &str) -> ApiInput {
    ApiInput {
        name: "pair".into(),
        title: "Pair".into(),
        pin_file: "pair.toml".into(),
        sha256: "0".into(),
        spec_file: file.into(),
        spec: text.as_bytes().to_vec(),
        overlays: Vec::new(),
        profile: Default::default(),
        other_version: false,
    }
}

/// Builds the probe of `old` against the crate `new` generates, and compares.
pub fn verify_pair(old: &ApiInput, new: &ApiInput) -> Result<Outcome, String> {
    let (_, old_api) = pipeline::resolve_input(old).map_err(|e| e.to_string())?;
    let (_, new_api) = pipeline::resolve_input(new).map_err(|e| e.to_string())?;
    let changes = diff(&old_api, &new_api);
    let api = &new.name;
    let crate_name = format!("openrouter_langfuse_{api}");
    let probe = probe::probe(&old_api, &crate_name);
    // One workspace per API, one target directory with `check-history` (same flags), so the
    // dependencies and an unchanged API crate build once.
    let root = pin::workspace_root();
    let dir = root.join("target").join("history-check");
    let workspace = dir.join(format!("verify-{api}"));
    let files = pipeline::generate(std::slice::from_ref(new)).map_err(|e| e.to_string())?;
    codegen::golden::write(&workspace.join("generated"), &files).map_err(|e| format!("{}: {e}", workspace.display()))?;
    copy_if_changed(&root.join("generated/runtime/Cargo.toml"), &workspace.join("generated/runtime/Cargo.toml"))?;
    copy_if_changed(&root.join("Cargo.lock"), &workspace.join("Cargo.lock"))?;
    let manifest = crate::history::workspace_manifest(&root, api)?.replacen(&format!("members = [\"generated/{api}\"]"), &format!("members = [\"generated/{api}\", \"probe\"]"), 1);
    write_if_changed(&workspace.join("Cargo.toml"), &manifest)?;
    let probe_manifest = format!(
        "[package]\nname = \"drift-probe\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n[dependencies]\nopenrouter-langfuse-{api} = {{ path = \"../generated/{api}\" }}\n"
    );
    write_if_changed(&workspace.join("probe/Cargo.toml"), &probe_manifest)?;
    write_if_changed(&workspace.join("probe/src/lib.rs"), &probe.source)?;
    let errors = check(&workspace, &dir.join("target"))?;
    let breaking = changes.iter().filter(|c| c.severity == Severity::Breaking).count();
    Ok(Outcome { breaking, verdict: probe::verify(&old_api, &changes, &probe, &errors) })
}

fn write_if_changed(path: &Path, contents: &str) -> Result<(), String> {
    if std::fs::read_to_string(path).is_ok_and(|old| old == contents) {
        return Ok(());
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).map_err(|e| format!("{}: {e}", parent.display()))?;
    }
    std::fs::write(path, contents).map_err(|e| format!("{}: {e}", path.display()))
}

fn copy_if_changed(from: &Path, to: &Path) -> Result<(), String> {
    let contents = std::fs::read_to_string(from).map_err(|e| format!("{}: {e}", from.display()))?;
    write_if_changed(to, &contents)
}

/// `cargo check` of the probe: its errors, by line. An error anywhere else (the new crate does
/// not compile) fails the run: that is `check-history`'s finding, not a drift.
fn check(workspace: &Path, target: &PathBuf) -> Result<Vec<CompileError>, String> {
    let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .args(["check", "--offline", "--quiet", "--message-format=json", "-p", "drift-probe"])
        .current_dir(workspace)
        .env("CARGO_TARGET_DIR", target)
        .env("RUSTFLAGS", "-D warnings")
        .output()
        .map_err(|e| format!("cargo: {e}"))?;
    let mut errors = Vec::new();
    for line in String::from_utf8_lossy(&output.stdout).lines() {
        let Ok(message) = serde_json::from_str::<serde_json::Value>(line) else { continue };
        if message["reason"] != "compiler-message" || message["message"]["level"] != "error" {
            continue;
        }
        let text = message["message"]["message"].as_str().unwrap_or_default().to_string();
        let primary = message["message"]["spans"].as_array().and_then(|spans| spans.iter().find(|s| s["is_primary"] == true));
        match primary {
            Some(span) if span["file_name"].as_str().is_some_and(|f| f.ends_with("src/lib.rs")) && message["target"]["name"] == "drift_probe" => {
                errors.push(CompileError { line: span["line_start"].as_u64().unwrap_or(0) as usize, message: text });
            }
            // "aborting due to N previous errors" and the like carry no span.
            None if text.starts_with("aborting") || text.contains("previous error") => {}
            _ => return Err(format!("{}: the new crate does not compile: {text}", workspace.display())),
        }
    }
    if !output.status.success() && errors.is_empty() {
        return Err(format!("{}: cargo check failed:\n{}", workspace.display(), String::from_utf8_lossy(&output.stderr)));
    }
    Ok(errors)
}
