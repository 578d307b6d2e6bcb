//! `cargo xtask check-history`: regenerate the crate of every spec version pinned under
//! `specs/history/` (read as that API, with its overlays where they still match) and
//! `cargo check` it with all features. `regen` succeeding proves a spec is readable; this proves
//! what it generates compiles, which is what a user of an older or newer spec meets.

use codegen::pin::{self, HistoryPin};
use codegen::pipeline::{self, ApiInput};
use std::path::PathBuf;
use std::process::Command;
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct HistoryArgs {
    /// Only the versions whose file name contains this
    #[arg(long)]
    pub only: Option<String>,
    /// Where each version's crate is written and built (default: target/history-check)
    #[arg(long)]
    pub dir: Option<PathBuf>,
}

/// Every history version whose file name contains `only` (all without it), read as its API:
/// (the version, the pinned input, the version's input).
pub(crate) fn versions(only: Option<&str>) -> Result<Vec<(HistoryPin, ApiInput, ApiInput)>, String> {
    let root = pin::workspace_root();
    let pinned = pipeline::inputs_from_pins(&root, None)?;
    let versions = HistoryPin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let cache = pin::default_cache_dir();
    let mut out = Vec::new();
    for version in versions.into_iter().filter(|v| only.is_none_or(|only| v.file.contains(only))) {
        let input = pinned.iter().find(|p| p.name == version.api).ok_or_else(|| format!("{}: no pinned API named {:?}", version.pin_path.display(), version.api))?;
        let old = input.with_spec(&version.file, version.read(&cache, None).map_err(|e| e.to_string())?);
        out.push((version, input.clone(), old));
    }
    Ok(out)
}

pub fn run(args: HistoryArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    let dir = args.dir.unwrap_or_else(|| root.join("target").join("history-check"));
    let mut failures = Vec::new();
    for (version, _, old) in versions(args.only.as_deref())? {
        let start = Instant::now();
        let files = match pipeline::generate(&[old]) {
            Ok(files) => files,
            Err(e) => {
                failures.push(format!("{}: regen failed: {e}", version.file));
                continue;
            }
        };
        // One workspace per version (its own `generated/`), one target directory for all, so the
        // dependencies build once.
        let workspace = dir.join(version.file.replace('.', "_"));
        codegen::golden::write(&workspace.join("generated"), &files).map_err(|e| format!("{}: {e}", workspace.display()))?;
        // The runtime's manifest is committed, not generated (it names no API).
        let runtime = workspace.join("generated/runtime/Cargo.toml");
        std::fs::copy(root.join("generated/runtime/Cargo.toml"), &runtime).map_err(|e| format!("{}: {e}", runtime.display()))?;
        std::fs::write(workspace.join("Cargo.toml"), workspace_manifest(&root, &version.api)?).map_err(|e| e.to_string())?;
        std::fs::copy(root.join("Cargo.lock"), workspace.join("Cargo.lock")).map_err(|e| e.to_string())?;
        let package = format!("openrouter-langfuse-{}", version.api);
        let output = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
            .args(["check", "--offline", "--quiet", "--all-features", "-p", &package])
            .current_dir(&workspace)
            .env("CARGO_TARGET_DIR", dir.join("target"))
            .env("RUSTFLAGS", "-D warnings")
            .output()
            .map_err(|e| format!("cargo: {e}"))?;
        let degraded = files.iter().find(|f| f.path.ends_with("DEGRADED.md")).map_or(0, |f| f.contents.lines().filter(|l| l.starts_with("- ")).count());
        if output.status.success() {
            println!("{}: compiles ({degraded} degraded, {:.0?})", version.file, start.elapsed());
        } else {
            let stderr = String::from_utf8_lossy(&output.stderr);
            println!("{}: does not compile ({:.0?})", version.file, start.elapsed());
            failures.push(format!("{}: `cargo check --all-features -p {package}` in {} failed:\n{}", version.file, workspace.display(), first_error(&stderr)));
        }
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n\n"))
    }
}

/// A workspace of the API's generated crate alone (the runtime joins as its path dependency),
/// with the `[workspace.package]` it inherits from the repository's root manifest.
pub(crate) fn workspace_manifest(root: &std::path::Path, api: &str) -> Result<String, String> {
    let text = std::fs::read_to_string(root.join("Cargo.toml")).map_err(|e| format!("Cargo.toml: {e}"))?;
    let start = text.find("[workspace.package]").ok_or("Cargo.toml has no [workspace.package]")?;
    let section = &text[start..];
    let end = section[1..].find("\n[").map_or(section.len(), |i| i + 2);
    Ok(format!("[workspace]\nresolver = \"2\"\nmembers = [\"generated/{api}\"]\n\n{}", &section[..end]))
}

/// The first diagnostic of a cargo run: from its `error` line to the blank line ending it.
fn first_error(stderr: &str) -> String {
    let lines: Vec<&str> = stderr.lines().skip_while(|l| !l.starts_with("error")).take_while(|l| !l.is_empty()).take(60).collect();
    if lines.is_empty() {
        stderr.to_string()
    } else {
        lines.join("\n")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_first_diagnostic_is_cut_at_its_blank_line() {
        let stderr = "    Checking x v0.1.0\nerror[E0412]: cannot find type `A`\n  --> src/lib.rs:1:9\n\nerror: could not compile `x`\n";
        assert_eq!(first_error(stderr), "error[E0412]: cannot find type `A`\n  --> src/lib.rs:1:9");
        assert_eq!(first_error("no diagnostic"), "no diagnostic");
    }

    #[test]
    fn the_workspace_holds_the_api_crate_and_what_it_inherits() {
        let manifest = workspace_manifest(&pin::workspace_root(), "langfuse").unwrap();
        assert!(manifest.starts_with("[workspace]\nresolver = \"2\"\nmembers = [\"generated/langfuse\"]\n\n[workspace.package]\n"), "{manifest}");
        assert!(manifest.contains("edition = ") && !manifest.contains("[profile"), "{manifest}");
    }
}
