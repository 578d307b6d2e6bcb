//! `regen` writes the generated crate; `check` compares it with a fresh in-memory generation.

use codegen::golden;
use codegen::pin::{self, Pin};
use codegen::pipeline::{self, ApiInput};
use std::path::{Path, PathBuf};
use std::time::Instant;

#[derive(clap::Args, Debug)]
pub struct RegenArgs {
    /// Directory holding the spec files by their pinned file name (also: SPECS_MIRROR)
    #[arg(long, env = pin::MIRROR_ENV)]
    pub mirror: Option<PathBuf>,
}

pub fn regen(args: RegenArgs) -> Result<(), String> {
    let start = Instant::now();
    let root = pin::workspace_root();
    let files = generate_all(&root, args.mirror.as_deref())?;
    let written = golden::write(&root.join("generated"), &files).map_err(|e| format!("writing generated/: {e}"))?;
    println!("regen: {} files, {written} changed, in {:.0?}", files.len(), start.elapsed());
    Ok(())
}

pub fn check(args: RegenArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    let files = generate_all(&root, args.mirror.as_deref())?;
    let drifts = golden::compare(&root.join("generated"), &files).map_err(|e| format!("reading generated/: {e}"))?;
    if drifts.is_empty() {
        println!("check: generated/ matches the pinned specs ({} files)", files.len());
        return Ok(());
    }
    Err(golden::render(&drifts, "cargo xtask regen"))
}

/// Reads every pin, its spec (cache or mirror) and overlays, and generates the crate's files.
pub fn generate_all(root: &Path, mirror: Option<&Path>) -> Result<Vec<codegen::emit::GeneratedFile>, String> {
    let pins = Pin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let cache = pin::default_cache_dir();
    let mut inputs = Vec::with_capacity(pins.len());
    for pin in pins {
        let spec = pin.read(&cache, mirror).map_err(|e| e.to_string())?;
        let mut overlays = Vec::new();
        for path in &pin.overlays {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            overlays.push((relative(root, path), bytes));
        }
        let pin_text = std::fs::read_to_string(&pin.pin_path).map_err(|e| format!("{}: {e}", pin.pin_path.display()))?;
        let profile = codegen::profile::client_profile(&relative(root, &pin.pin_path), &pin_text)?;
        inputs.push(ApiInput {
            profile,
            pin_file: relative(root, &pin.pin_path),
            sha256: pin.sha256.clone(),
            spec_file: pin.file.clone(),
            name: pin.name,
            spec,
            overlays,
        });
    }
    pipeline::generate(&inputs).map_err(|e| e.to_string())
}

fn relative(root: &Path, path: &Path) -> String {
    path.strip_prefix(root).unwrap_or(path).display().to_string()
}
