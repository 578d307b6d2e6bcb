//! `cargo xtask fetch`: fill the spec cache from the pinned URLs (or a mirror directory), checking
//! every sha256; `--latest` moves a pin to the API's newest published spec.

use codegen::pin::{self, sha256_hex, Pin};
use std::path::PathBuf;

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
    let pins = Pin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let selected: Vec<&Pin> = pins.iter().filter(|p| args.api.as_deref().is_none_or(|api| api == p.name)).collect();
    if selected.is_empty() {
        return Err(format!("no pin named {:?} in specs/", args.api.unwrap_or_default()));
    }
    for pin in selected {
        if args.latest {
            latest(pin, &cache, args.mirror.as_deref(), args.url.as_deref())?;
        } else {
            pinned(pin, &cache, args.mirror.as_deref())?;
        }
    }
    Ok(())
}

fn pinned(pin: &Pin, cache: &std::path::Path, mirror: Option<&std::path::Path>) -> Result<(), String> {
    let source = match mirror {
        Some(mirror) => {
            pin.read(cache, Some(mirror)).map_err(|e| e.to_string())?;
            format!("mirror {}", mirror.display())
        }
        None => match pin.read(cache, None) {
            Ok(_) => "cache".to_string(),
            Err(_) => {
                let bytes = download(&pin.url)?;
                pin.verify(&bytes, &pin.url).map_err(|e| e.to_string())?;
                pin.store(cache, &bytes).map_err(|e| e.to_string())?;
                "downloaded".to_string()
            }
        },
    };
    println!("{}: sha256 {} ok ({source})", pin.name, &pin.sha256[..12]);
    Ok(())
}

fn latest(pin: &Pin, cache: &std::path::Path, mirror: Option<&std::path::Path>, url: Option<&str>) -> Result<(), String> {
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
    let response = ureq::get(url).call().map_err(|e| format!("downloading {url}: {e}"))?;
    let mut bytes = Vec::new();
    std::io::Read::read_to_end(&mut response.into_reader(), &mut bytes).map_err(|e| format!("reading {url}: {e}"))?;
    Ok(bytes)
}
