//! Specs are pinned like dependencies: `specs/<api>.toml` names the upstream URL (immutable, at a
//! commit) and its sha256. The bytes live in a git-ignored cache, filled from that URL or from a
//! mirror directory (CI and offline work), and are verified every time they are read.

use serde::Deserialize;
use sha2::{Digest, Sha256};
use std::path::{Path, PathBuf};

/// Environment variable naming a mirror directory of spec files.
pub const MIRROR_ENV: &str = "SPECS_MIRROR";

/// One pinned spec.
#[derive(Debug, Clone)]
pub struct Pin {
    /// Module name in the generated crate.
    pub name: String,
    /// File name in the mirror directory and in the cache.
    pub file: String,
    pub url: String,
    pub sha256: String,
    /// Where a scheduled drift check fetches the newest spec.
    pub latest_url: Option<String>,
    /// Overlay files, absolute, in the order they apply.
    pub overlays: Vec<PathBuf>,
    /// The pin file itself.
    pub pin_path: PathBuf,
}

/// Why a pin could not be read or its spec not be had.
#[derive(Debug, thiserror::Error)]
pub enum PinError {
    #[error("{path}: {message}")]
    Invalid { path: PathBuf, message: String },
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: std::io::Error },
    #[error("{file}: sha256 mismatch: the pin expects {expected}, the bytes from {from} hash to {actual}")]
    HashMismatch { file: String, from: String, expected: String, actual: String },
    #[error("{file}: not in the mirror directory: looked for {looked_at}")]
    MissingInMirror { file: String, looked_at: PathBuf },
    #[error("{file}: not in the cache ({cache}); run `cargo xtask fetch` or set {MIRROR_ENV} to a directory holding it")]
    NotCached { file: String, cache: PathBuf },
}

#[derive(Deserialize)]
struct PinFile {
    name: String,
    file: String,
    url: String,
    sha256: String,
    #[serde(default)]
    latest_url: Option<String>,
    #[serde(default)]
    overlays: Vec<String>,
    /// Read by `profile`, not here.
    #[serde(default)]
    #[allow(dead_code)]
    client: Option<toml::Value>,
}

impl Pin {
    /// Reads and validates one pin file.
    pub fn load(path: &Path) -> Result<Pin, PinError> {
        let text = std::fs::read_to_string(path).map_err(|source| PinError::Io { path: path.to_path_buf(), source })?;
        let invalid = |message: String| PinError::Invalid { path: path.to_path_buf(), message };
        let raw: PinFile = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if raw.sha256.len() != 64 || !raw.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(invalid(format!("sha256 must be 64 lowercase hex digits, found {:?}", raw.sha256)));
        }
        if raw.name.is_empty() || !raw.name.bytes().all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'_') {
            return Err(invalid(format!("name must be a snake_case identifier, found {:?}", raw.name)));
        }
        if raw.file.contains('/') || raw.file.contains('\\') || raw.file.is_empty() {
            return Err(invalid(format!("file must be a plain file name, found {:?}", raw.file)));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        Ok(Pin {
            name: raw.name,
            file: raw.file,
            url: raw.url,
            sha256: raw.sha256,
            latest_url: raw.latest_url,
            overlays: raw.overlays.iter().map(|o| dir.join(o)).collect(),
            pin_path: path.to_path_buf(),
        })
    }

    /// Every `*.toml` directly in `specs_dir`, sorted by name.
    pub fn load_all(specs_dir: &Path) -> Result<Vec<Pin>, PinError> {
        let entries = std::fs::read_dir(specs_dir).map_err(|source| PinError::Io { path: specs_dir.to_path_buf(), source })?;
        let mut pins = Vec::new();
        for entry in entries {
            let path = entry.map_err(|source| PinError::Io { path: specs_dir.to_path_buf(), source })?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                pins.push(Pin::load(&path)?);
            }
        }
        pins.sort_by(|a, b| a.name.cmp(&b.name));
        Ok(pins)
    }

    pub fn cached_path(&self, cache_dir: &Path) -> PathBuf {
        cache_dir.join(&self.file)
    }

    /// Where the cache keeps every version it has seen, by hash (so that `check` can explain a
    /// pin change semantically after the pin has moved).
    pub fn versioned_path(&self, cache_dir: &Path, sha256: &str) -> PathBuf {
        cache_dir.join("by-sha256").join(format!("{sha256}-{}", self.file))
    }

    /// The pinned spec's bytes: from the cache when it holds the right ones, else from the
    /// mirror (then cached). Always verified against the pin.
    pub fn read(&self, cache_dir: &Path, mirror: Option<&Path>) -> Result<Vec<u8>, PinError> {
        let cached = self.cached_path(cache_dir);
        if let Ok(bytes) = std::fs::read(&cached) {
            if sha256_hex(&bytes) == self.sha256 {
                let versioned = self.versioned_path(cache_dir, &self.sha256);
                if !versioned.exists() {
                    // Best effort: only `check`'s semantic summary reads it.
                    let _ = versioned.parent().map(std::fs::create_dir_all);
                    let _ = std::fs::write(versioned, &bytes);
                }
                return Ok(bytes);
            }
        }
        let Some(mirror) = mirror else {
            return Err(PinError::NotCached { file: self.file.clone(), cache: cache_dir.to_path_buf() });
        };
        let source = mirror.join(&self.file);
        let bytes = match std::fs::read(&source) {
            Ok(bytes) => bytes,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(PinError::MissingInMirror { file: self.file.clone(), looked_at: source });
            }
            Err(source_error) => return Err(PinError::Io { path: source, source: source_error }),
        };
        self.verify(&bytes, &source.display().to_string())?;
        self.store(cache_dir, &bytes)?;
        Ok(bytes)
    }

    /// Checks bytes against the pin's hash.
    pub fn verify(&self, bytes: &[u8], from: &str) -> Result<(), PinError> {
        let actual = sha256_hex(bytes);
        if actual == self.sha256 {
            Ok(())
        } else {
            Err(PinError::HashMismatch { file: self.file.clone(), from: from.to_string(), expected: self.sha256.clone(), actual })
        }
    }

    /// Verifies bytes and writes them into the cache.
    pub fn store(&self, cache_dir: &Path, bytes: &[u8]) -> Result<PathBuf, PinError> {
        self.verify(bytes, "the download")?;
        std::fs::create_dir_all(cache_dir).map_err(|source| PinError::Io { path: cache_dir.to_path_buf(), source })?;
        let path = self.cached_path(cache_dir);
        std::fs::write(&path, bytes).map_err(|source| PinError::Io { path: path.clone(), source })?;
        let versioned = self.versioned_path(cache_dir, &self.sha256);
        if let Some(dir) = versioned.parent() {
            std::fs::create_dir_all(dir).map_err(|source| PinError::Io { path: dir.to_path_buf(), source })?;
        }
        std::fs::write(&versioned, bytes).map_err(|source| PinError::Io { path: versioned, source })?;
        Ok(path)
    }

    /// Points the pin at new bytes: rewrites `url` and `sha256` in place, keeping comments.
    pub fn rewrite(&self, new_url: &str, new_sha256: &str) -> Result<(), PinError> {
        let text = std::fs::read_to_string(&self.pin_path).map_err(|source| PinError::Io { path: self.pin_path.clone(), source })?;
        let mut out = String::with_capacity(text.len());
        for line in text.lines() {
            let key = line.split('=').next().unwrap_or_default().trim();
            match key {
                "url" => out.push_str(&format!("url = {new_url:?}")),
                "sha256" => out.push_str(&format!("sha256 = {new_sha256:?}")),
                _ => out.push_str(line),
            }
            out.push('\n');
        }
        std::fs::write(&self.pin_path, out).map_err(|source| PinError::Io { path: self.pin_path.clone(), source })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// The mirror directory from the environment (empty counts as unset).
pub fn mirror_from_env() -> Option<PathBuf> {
    std::env::var_os(MIRROR_ENV).filter(|v| !v.is_empty()).map(PathBuf::from)
}

/// Environment variable that points the tools at another checkout (used by tests that must not
/// touch this one's pins).
pub const ROOT_ENV: &str = "SPECS_WORKSPACE_ROOT";

/// The workspace root (the parent of this crate, unless `SPECS_WORKSPACE_ROOT` says otherwise).
pub fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os(ROOT_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

pub fn default_cache_dir() -> PathBuf {
    workspace_root().join(".spec-cache")
}
