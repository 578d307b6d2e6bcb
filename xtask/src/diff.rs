//! `cargo xtask diff OLD NEW`: what changed in an API between two spec versions, and whether it
//! breaks users of the generated crate. Exits 1 when anything breaking was found.

use codegen::pin;
use codegen::pipeline::{self, ApiInput};
use std::path::PathBuf;

#[derive(clap::Args, Debug)]
pub struct DiffArgs {
    /// The old spec: a file, or the name of a pinned API (its pinned spec)
    pub old: String,
    /// The new spec: a file, or the name of a pinned API (its pinned spec)
    pub new: String,
    /// Which API the files describe (default: the pinned API named on either side)
    #[arg(long)]
    pub api: Option<String>,
    /// Markdown, for a pull-request comment
    #[arg(long, conflicts_with = "json")]
    pub markdown: bool,
    /// JSON, for tools
    #[arg(long)]
    pub json: bool,
    /// Also compile a probe using OLD's API against the crate NEW generates, and fail when the
    /// compiler finds a break the report misses or the report names one the compiler does not
    #[arg(long)]
    pub verify: bool,
    /// Directory holding the pinned spec files (also: SPECS_MIRROR)
    #[arg(long, env = pin::MIRROR_ENV)]
    pub mirror: Option<PathBuf>,
}

/// Returns whether the diff found a breaking change.
pub fn run(args: DiffArgs) -> Result<bool, String> {
    let mirror = args.mirror.as_deref().map(pin::absolute_mirror);
    let pinned = pipeline::inputs_from_pins(&pin::workspace_root(), mirror.as_deref())?;
    let api = args
        .api
        .clone()
        .or_else(|| pinned.iter().find(|p| p.name == args.old || p.name == args.new).map(|p| p.name.clone()))
        .ok_or("name the API with --api (neither side is a pinned API)")?;
    let old = input(&pinned, &api, &args.old)?;
    let new = input(&pinned, &api, &args.new)?;
    let (_, old_api) = pipeline::resolve_input(&old).map_err(|e| e.to_string())?;
    let (_, new_api) = pipeline::resolve_input(&new).map_err(|e| e.to_string())?;
    let changes = codegen::diff::diff(&old_api, &new_api);
    if args.json {
        println!("{}", serde_json::to_string_pretty(&changes).map_err(|e| e.to_string())?);
    } else {
        print!("{}", codegen::diff::render(&api, &changes, args.markdown));
    }
    if args.verify {
        let outcome = crate::verify::verify_pair(&old, &new)?;
        let text = outcome.describe("compiler check");
        if !outcome.passed() {
            return Err(text);
        }
        eprintln!("{text}");
    }
    Ok(changes.iter().any(|c| c.severity == codegen::diff::Severity::Breaking))
}

/// A pinned API by name, or a spec file read as that API.
fn input(pinned: &[ApiInput], api: &str, which: &str) -> Result<ApiInput, String> {
    let pin = pinned.iter().find(|p| p.name == api).ok_or_else(|| format!("no pinned API named {api:?}"))?;
    if which == api {
        return Ok(pin.clone());
    }
    let bytes = std::fs::read(which).map_err(|e| format!("{which}: {e}"))?;
    Ok(pin.with_spec(which, bytes))
}
