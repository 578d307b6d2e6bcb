//! `regen` writes the generated crate; `check` compares it with a fresh in-memory generation.

use codegen::golden;
use codegen::pin;
use codegen::pipeline;
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
    let mirror = args.mirror.as_deref().map(pin::absolute_mirror);
    let files = generate_all(&root, mirror.as_deref())?;
    for file in files.iter().filter(|f| f.path.ends_with("DEGRADED.md")) {
        for line in file.contents.lines().filter_map(|l| l.strip_prefix("- ")) {
            eprintln!("warning: {line}");
        }
    }
    let written = golden::write(&root.join("generated"), &files).map_err(|e| format!("writing generated/: {e}"))?;
    println!("regen: {} files, {written} changed, in {:.0?}", files.len(), start.elapsed());
    Ok(())
}

pub fn check(args: RegenArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    let mirror = args.mirror.as_deref().map(pin::absolute_mirror);
    let files = generate_all(&root, mirror.as_deref())?;
    let drifts = golden::compare(&root.join("generated"), &files).map_err(|e| format!("reading generated/: {e}"))?;
    if drifts.is_empty() {
        println!("check: generated/ matches the pinned specs ({} files)", files.len());
        return Ok(());
    }
    let mut message = semantic_summary(&root, mirror.as_deref());
    message.push_str(&golden::render(&drifts, "cargo xtask regen"));
    Err(message)
}

/// Reads every pin, its spec (cache or mirror) and overlays, and generates the crate's files.
pub fn generate_all(root: &Path, mirror: Option<&Path>) -> Result<Vec<codegen::emit::GeneratedFile>, String> {
    let inputs = pipeline::inputs_from_pins(root, mirror)?;
    pipeline::generate(&inputs).map_err(|e| e.to_string())
}

#[derive(clap::Args, Debug)]
pub struct MockSpecArgs {
    /// Directory holding the spec files by their pinned file name (also: SPECS_MIRROR)
    #[arg(long, env = pin::MIRROR_ENV)]
    pub mirror: Option<PathBuf>,
    /// Where to write `<api>.json`
    #[arg(long)]
    pub out: PathBuf,
}

pub fn mock_spec(args: MockSpecArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    std::fs::create_dir_all(&args.out).map_err(|e| format!("{}: {e}", args.out.display()))?;
    let mirror = args.mirror.as_deref().map(pin::absolute_mirror);
    for input in pipeline::inputs_from_pins(&root, mirror.as_deref())? {
        let (spec, _) = pipeline::resolve_input(&input).map_err(|e| e.to_string())?;
        let doc = test_support::mock_spec::for_mock_server(&spec.json);
        let path = args.out.join(format!("{}.json", input.name));
        let text = serde_json::to_string_pretty(&doc).map_err(|e| e.to_string())?;
        std::fs::write(&path, text).map_err(|e| format!("{}: {e}", path.display()))?;
        println!("{}", path.display());
    }
    Ok(())
}

/// When a pin moved since `generated/` was made, what changed in the API, in words: the old
/// spec's hash is in the generated files' header and its bytes in the cache.
fn semantic_summary(root: &Path, mirror: Option<&Path>) -> String {
    let Ok(inputs) = pipeline::inputs_from_pins(root, mirror) else { return String::new() };
    let Ok(pins) = pin::Pin::load_all(&root.join("specs")) else { return String::new() };
    let cache = pin::default_cache_dir();
    let mut out = String::new();
    for (input, pin) in inputs.iter().zip(&pins) {
        let header = std::fs::read_to_string(root.join("generated").join(&input.name).join("src/lib.rs")).unwrap_or_default();
        let Some(old_sha) = header.split("(sha256 ").nth(1).and_then(|rest| rest.split(')').next()) else { continue };
        if old_sha == input.sha256 {
            continue;
        }
        // By hash, not by the pin's file name, which may have changed along with the bytes.
        let Some(old_bytes) = pin::find_by_sha256(&cache, old_sha) else {
            out.push_str(&format!("{}: the pin moved from sha256 {old_sha} (that version is not in the cache, so no semantic summary)\n\n", input.name));
            continue;
        };
        let old = input.with_spec(&pin.file, old_bytes);
        if let (Ok((_, old_api)), Ok((_, new_api))) = (pipeline::resolve_input(&old), pipeline::resolve_input(input)) {
            out.push_str(&codegen::diff::render(&input.name, &codegen::diff::diff(&old_api, &new_api), false));
            out.push('\n');
        }
    }
    out
}
