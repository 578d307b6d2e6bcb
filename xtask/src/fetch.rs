//! `cargo xtask fetch`: fill the spec cache from the pinned URLs (or a mirror directory), checking
//! every sha256: the current pins and the older versions pinned in `specs/history/`. `--latest`
//! moves a pin to the API's newest published spec.

use codegen::pin::{self, sha256_hex, HistoryPin, Pin};
use std::path::{Path, PathBuf};

#[derive(clap::Args, Debug)]
pub struct FetchArgs {
    /// Directory holding spec files by their pinned file name (also: SPECS_MIRROR)
    #[arg(long, env = pin::MIRROR_ENV)]
    pub mirror: Option<PathBuf>,
    /// Fetch only this API (default: all pins)
    #[arg(long)]
    pub api: Option<String>,
    /// Fetch the newest spec from the API's published URL and update the pin
    #[arg(long)]
    pub latest: bool,
    /// With --latest: fetch from this URL instead of the pin's latest_url
    #[arg(long, requires = "latest")]
    pub url: Option<String>,
}

pub fn run(args: FetchArgs) -> Result<(), String> {
    let root = pin::workspace_root();
    let cache = pin::default_cache_dir();
    let mirror = args.mirror.as_deref().map(pin::absolute_mirror);
    let pins = Pin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let selected: Vec<&Pin> = pins.iter().filter(|p| args.api.as_deref().is_none_or(|api| api == p.name)).collect();
    if selected.is_empty() {
        return Err(format!("no pin named {:?} in specs/", args.api.unwrap_or_default()));
    }
    if args.latest {
        for pin in selected {
            latest(pin, &cache, mirror.as_deref(), args.url.as_deref())?;
        }
        return Ok(());
    }
    let history = HistoryPin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    if let Some(orphan) = history.iter().find(|h| !pins.iter().any(|p| p.name == h.api)) {
        return Err(format!("{}: api {:?} names no pin in specs/", orphan.pin_path.display(), orphan.api));
    }
    // Every file is tried, so one run names every file that could not be had.
    let mut failures = Vec::new();
    for pin in selected {
        let outcome = fetch_one(&pin.name, &pin.sha256, &pin.url, |m| pin.read(&cache, m), |b| pin.store(&cache, b), mirror.as_deref());
        failures.extend(outcome.err());
    }
    for version in history.iter().filter(|h| args.api.as_deref().is_none_or(|api| api == h.api)) {
        let label = version.relative();
        let outcome = fetch_one(&label, &version.sha256, &version.url, |m| version.read(&cache, m), |b| version.store(&cache, b), mirror.as_deref());
        failures.extend(outcome.err());
    }
    if failures.is_empty() {
        Ok(())
    } else {
        Err(failures.join("\n"))
    }
}

/// One pinned file into the cache: kept when the cache already holds the pinned bytes, else
/// copied from the mirror when one is given, else downloaded from its pinned URL.
fn fetch_one(
    label: &str,
    sha256: &str,
    url: &str,
    read: impl Fn(Option<&Path>) -> Result<Vec<u8>, pin::PinError>,
    store: impl Fn(&[u8]) -> Result<PathBuf, pin::PinError>,
    mirror: Option<&Path>,
) -> Result<(), String> {
    let source = if read(None).is_ok() {
        "cache".to_string()
    } else if let Some(mirror) = mirror {
        read(Some(mirror)).map_err(|e| e.to_string())?;
        format!("mirror {}", mirror.display())
    } else {
        let bytes = download(url)?;
        store(&bytes).map_err(|e| match e {
            pin::PinError::HashMismatch { file, expected, actual, .. } => format!("{file}: sha256 mismatch: the pin expects {expected}, the bytes from {url} hash to {actual}"),
            other => other.to_string(),
        })?;
        format!("downloaded {url}")
    };
    println!("{label}: sha256 {} ok ({source})", &sha256[..12]);
    Ok(())
}

fn latest(pin: &Pin, cache: &Path, mirror: Option<&Path>, url: Option<&str>) -> Result<(), String> {
    let url = url.map(str::to_string).or_else(|| pin.latest_url.clone()).ok_or_else(|| format!("{}: the pin has no latest_url", pin.pin_path.display()))?;
    let bytes = download(&url)?;
    let sha = sha256_hex(&bytes);
    if sha == pin.sha256 {
        println!("{}: unchanged (sha256 {})", pin.name, &sha[..12]);
        return Ok(());
    }
    // The semantic report needs the old spec: from the cache or the mirror, before the pin moves.
    let old_bytes = pin.read(cache, mirror).map_err(|e| e.to_string())?;
    let root = pin::workspace_root();
    let pinned = codegen::pipeline::inputs_from_pins(&root, mirror)?;
    let old = pinned.into_iter().find(|p| p.name == pin.name).ok_or("pin vanished")?.with_spec(&pin.file, old_bytes);
    let new = old.with_spec(&url, bytes.clone());
    let (_, old_api) = codegen::pipeline::resolve_input(&old).map_err(|e| e.to_string())?;
    let (_, new_api) = codegen::pipeline::resolve_input(&new).map_err(|e| e.to_string())?;
    let changes = codegen::diff::diff(&old_api, &new_api);

    pin.rewrite(&url, &sha).map_err(|e| e.to_string())?;
    let updated = Pin::load(&pin.pin_path).map_err(|e| e.to_string())?;
    updated.store(cache, &bytes).map_err(|e| e.to_string())?;
    println!("{}: pin moved to {url} (sha256 {} → {})", pin.name, &pin.sha256[..12], &sha[..12]);
    print!("{}", codegen::diff::render(&pin.name, &changes, false));
    println!("Next: `cargo xtask regen`, then review and commit specs/ and generated/.");
    Ok(())
}

fn download(url: &str) -> Result<Vec<u8>, String> {
    // Generous: a spec is a few MB, and a slow link must not fail a fetch that is progressing.
    let agent = ureq::AgentBuilder::new().timeout_connect(std::time::Duration::from_secs(30)).timeout_read(std::time::Duration::from_secs(300)).build();
    let response = agent.get(url).call().map_err(|e| format!("downloading {url}: {e}"))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).map_err(|e| format!("reading {url}: {e}"))?;
    Ok(bytes)
}
