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
    /// How people write the API's name (`OpenRouter`), for generated descriptions.
    pub title: Option<String>,
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
    #[error("{file}: not in the spec cache ({cache}); run `cargo xtask fetch` (it downloads the pinned URLs, or copies from `--mirror DIR` / {MIRROR_ENV})")]
    NotCached { file: String, cache: PathBuf },
}

#[derive(Deserialize)]
struct PinFile {
    name: String,
    #[serde(default)]
    title: Option<String>,
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
        // Errors name the pin as the user knows it, relative to the workspace, whoever loads it.
        let shown = path.strip_prefix(workspace_root()).unwrap_or(path).to_path_buf();
        let text = std::fs::read_to_string(path).map_err(|source| PinError::Io { path: shown.clone(), source })?;
        let invalid = |message: String| PinError::Invalid { path: shown.clone(), message };
        let raw: PinFile = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if raw.sha256.len() != 64 || !raw.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(invalid(format!("sha256 must be 64 lowercase hex digits, found {:?}", raw.sha256)));
        }
        // Checked here, not only by regen, so that `fetch` refuses a pin regen would refuse.
        validate_api_name(&raw.name).map_err(invalid)?;
        if raw.file.contains('/') || raw.file.contains('\\') || raw.file.is_empty() {
            return Err(invalid(format!("file must be a plain file name, found {:?}", raw.file)));
        }
        let dir = path.parent().unwrap_or(Path::new("."));
        Ok(Pin {
            name: raw.name,
            title: raw.title,
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
        if let Some(bytes) = cached_verified(&self.cached_path(cache_dir), &self.sha256) {
            let versioned = self.versioned_path(cache_dir, &self.sha256);
            if !versioned.exists() {
                // Best effort: only `check`'s semantic summary reads it.
                let _ = versioned.parent().map(std::fs::create_dir_all);
                let _ = std::fs::write(versioned, &bytes);
            }
            return Ok(bytes);
        }
        let Some(mirror) = mirror else {
            return Err(PinError::NotCached { file: self.file.clone(), cache: cache_dir.to_path_buf() });
        };
        let bytes = read_mirror(&self.file, &mirror.join(&self.file))?;
        self.store(cache_dir, &bytes)?;
        Ok(bytes)
    }

    /// Checks bytes against the pin's hash.
    pub fn verify(&self, bytes: &[u8], from: &str) -> Result<(), PinError> {
        verify(&self.file, &self.sha256, bytes, from)
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

/// An older published version of a pinned API's spec, pinned the same way (upstream URL at a
/// commit + sha256) by a file in `specs/history/`. Drift tests diff it against the current pin.
/// Cached, and looked for in a mirror, under `history/<file>`.
#[derive(Debug, Clone)]
pub struct HistoryPin {
    /// The pinned API this is a version of.
    pub api: String,
    /// Plain file name, under `history/` in the cache and in a mirror.
    pub file: String,
    pub url: String,
    pub sha256: String,
    pub pin_path: PathBuf,
}

/// Where history pins live under `specs/`, and history files under the cache and a mirror.
pub const HISTORY_DIR: &str = "history";

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct HistoryPinFile {
    api: String,
    file: String,
    url: String,
    sha256: String,
}

impl HistoryPin {
    pub fn load(path: &Path) -> Result<HistoryPin, PinError> {
        let text = std::fs::read_to_string(path).map_err(|source| PinError::Io { path: path.to_path_buf(), source })?;
        let invalid = |message: String| PinError::Invalid { path: path.to_path_buf(), message };
        let raw: HistoryPinFile = toml::from_str(&text).map_err(|e| invalid(e.to_string()))?;
        if raw.sha256.len() != 64 || !raw.sha256.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b)) {
            return Err(invalid(format!("sha256 must be 64 lowercase hex digits, found {:?}", raw.sha256)));
        }
        if raw.file.contains('/') || raw.file.contains('\\') || raw.file.is_empty() {
            return Err(invalid(format!("file must be a plain file name, found {:?}", raw.file)));
        }
        Ok(HistoryPin { api: raw.api, file: raw.file, url: raw.url, sha256: raw.sha256, pin_path: path.to_path_buf() })
    }

    /// Every `*.toml` in `specs_dir/history`, sorted by file name (none when the folder is absent).
    pub fn load_all(specs_dir: &Path) -> Result<Vec<HistoryPin>, PinError> {
        let dir = specs_dir.join(HISTORY_DIR);
        let entries = match std::fs::read_dir(&dir) {
            Ok(entries) => entries,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
            Err(source) => return Err(PinError::Io { path: dir, source }),
        };
        let mut pins = Vec::new();
        for entry in entries {
            let path = entry.map_err(|source| PinError::Io { path: dir.clone(), source })?.path();
            if path.extension().is_some_and(|e| e == "toml") {
                pins.push(HistoryPin::load(&path)?);
            }
        }
        pins.sort_by(|a, b| a.file.cmp(&b.file));
        Ok(pins)
    }

    /// `history/<file>`: the path under the cache and under a mirror.
    pub fn relative(&self) -> String {
        format!("{HISTORY_DIR}/{}", self.file)
    }

    pub fn cached_path(&self, cache_dir: &Path) -> PathBuf {
        cache_dir.join(HISTORY_DIR).join(&self.file)
    }

    /// The pinned bytes: from the cache when it holds the right ones, else from the mirror (then
    /// cached). Always verified against the pin.
    pub fn read(&self, cache_dir: &Path, mirror: Option<&Path>) -> Result<Vec<u8>, PinError> {
        if let Some(bytes) = cached_verified(&self.cached_path(cache_dir), &self.sha256) {
            return Ok(bytes);
        }
        let Some(mirror) = mirror else {
            return Err(PinError::NotCached { file: self.relative(), cache: cache_dir.to_path_buf() });
        };
        let bytes = read_mirror(&self.relative(), &mirror.join(HISTORY_DIR).join(&self.file))?;
        self.store(cache_dir, &bytes)?;
        Ok(bytes)
    }

    pub fn verify(&self, bytes: &[u8], from: &str) -> Result<(), PinError> {
        verify(&self.relative(), &self.sha256, bytes, from)
    }

    /// Verifies bytes and writes them into the cache.
    pub fn store(&self, cache_dir: &Path, bytes: &[u8]) -> Result<PathBuf, PinError> {
        self.verify(bytes, "the download")?;
        let path = self.cached_path(cache_dir);
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(|source| PinError::Io { path: dir.to_path_buf(), source })?;
        }
        std::fs::write(&path, bytes).map_err(|source| PinError::Io { path: path.clone(), source })?;
        Ok(path)
    }
}

/// A version of a spec the cache has seen, found by its hash alone: the pin's `file` may have been
/// renamed since that version was cached, so the name in `by-sha256/<sha256>-<file>` is not
/// trusted, and the cache's other files (current and history) are looked at by content too.
pub fn find_by_sha256(cache_dir: &Path, sha256: &str) -> Option<Vec<u8>> {
    let prefix = format!("{sha256}-");
    let files_in = |dir: PathBuf| -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = std::fs::read_dir(dir).into_iter().flatten().flatten().map(|e| e.path()).filter(|p| p.is_file()).collect();
        files.sort();
        files
    };
    let named = files_in(cache_dir.join("by-sha256")).into_iter().filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.starts_with(&prefix)));
    let others = files_in(cache_dir.to_path_buf()).into_iter().chain(files_in(cache_dir.join(HISTORY_DIR)));
    named.chain(others).find_map(|path| cached_verified(&path, sha256))
}

/// The file's bytes when it exists and hashes to `sha256` (a stale or partial file is a miss).
fn cached_verified(path: &Path, sha256: &str) -> Option<Vec<u8>> {
    std::fs::read(path).ok().filter(|bytes| sha256_hex(bytes) == sha256)
}

fn read_mirror(file: &str, source: &Path) -> Result<Vec<u8>, PinError> {
    match std::fs::read(source) {
        Ok(bytes) => Ok(bytes),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Err(PinError::MissingInMirror { file: file.to_string(), looked_at: source.to_path_buf() }),
        Err(error) => Err(PinError::Io { path: source.to_path_buf(), source: error }),
    }
}

fn verify(file: &str, expected: &str, bytes: &[u8], from: &str) -> Result<(), PinError> {
    let actual = sha256_hex(bytes);
    if actual == expected {
        Ok(())
    } else {
        Err(PinError::HashMismatch { file: file.to_string(), from: from.to_string(), expected: expected.to_string(), actual })
    }
}

pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// A mirror directory as the user typed it, made absolute against the directory the command was
/// started in: a relative `SPECS_MIRROR=../shared/specs` then means the same thing to every tool,
/// whatever directory it later works from.
pub fn absolute_mirror(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// Environment variable that points the tools at another checkout (used by tests that must not
/// touch this one's pins).
pub const ROOT_ENV: &str = "SPECS_WORKSPACE_ROOT";

/// The workspace root (the parent of this crate, unless `SPECS_WORKSPACE_ROOT` says otherwise).
/// An API's name becomes a directory, a crate, a module and a feature of `generated/`: it must be
/// a plain lowercase identifier and must not take a name the facade crate already uses.
pub fn validate_api_name(name: &str) -> Result<(), String> {
    let plain = name.starts_with(|c: char| c.is_ascii_lowercase())
        && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if !plain {
        return Err(format!("API name {name:?} must be lowercase ASCII letters, digits and `_`, starting with a letter"));
    }
    if crate::idents::sanitise(name) != name {
        return Err(format!("API name {name:?} is a Rust keyword"));
    }
    const TAKEN: [&str; 7] = ["runtime", "src", "prelude", "examples", "target", "tests", "default"];
    if TAKEN.contains(&name) {
        return Err(format!("API name {name:?} is taken by the generated crate (`{name}`)"));
    }
    Ok(())
}

pub fn workspace_root() -> PathBuf {
    if let Some(root) = std::env::var_os(ROOT_ENV).filter(|v| !v.is_empty()) {
        return PathBuf::from(root);
    }
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().map(Path::to_path_buf).unwrap_or_default()
}

pub fn default_cache_dir() -> PathBuf {
    workspace_root().join(".spec-cache")
}

#[cfg(test)]
mod tests {
    use super::*;

    const BYTES: &[u8] = b"openapi: 3.0.0\n";

    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("pin-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(dir.join("specs/history")).unwrap();
        dir
    }

    fn history_pin(dir: &Path, sha256: &str) -> HistoryPin {
        let path = dir.join("specs/history/api-old.toml");
        let text = format!("api = \"api\"\nfile = \"api-old.yaml\"\nurl = \"https://example.invalid/a/old.yaml\"\nsha256 = \"{sha256}\"\n");
        std::fs::write(&path, text).unwrap();
        HistoryPin::load_all(&dir.join("specs")).unwrap().remove(0)
    }

    /// `fetch` and `regen` both load pins here, so a name regen cannot use fails both, and every
    /// pin error names the file relative to the workspace.
    #[test]
    fn a_pin_named_like_the_generated_crates_own_parts_is_refused_on_load_with_a_relative_path() {
        let dir = workspace_root().join("target").join(format!("pin-names-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        for bad in ["runtime", "self", "prelude", "9x"] {
            let path = dir.join(format!("{bad}.toml"));
            let text = format!("name = \"{bad}\"\nfile = \"a.yaml\"\nurl = \"https://example.invalid/a.yaml\"\nsha256 = \"{}\"\n", "0".repeat(64));
            std::fs::write(&path, text).unwrap();
            let err = Pin::load(&path).unwrap_err().to_string();
            assert!(err.starts_with(&format!("target/pin-names-{}/{bad}.toml: API name", std::process::id())), "{err}");
        }
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    fn history_comes_from_the_cache_or_the_mirrors_history_folder_and_is_verified() {
        let dir = scratch("history");
        let pin = history_pin(&dir, &sha256_hex(BYTES));
        let (cache, mirror) = (dir.join("cache"), dir.join("mirror"));

        let missing = pin.read(&cache, None).unwrap_err().to_string();
        assert!(missing.contains("history/api-old.yaml") && missing.contains("run `cargo xtask fetch`"), "{missing}");
        let not_mirrored = pin.read(&cache, Some(&mirror)).unwrap_err().to_string();
        assert!(not_mirrored.contains(&mirror.join("history/api-old.yaml").display().to_string()), "{not_mirrored}");

        std::fs::create_dir_all(mirror.join("history")).unwrap();
        std::fs::write(mirror.join("history/api-old.yaml"), BYTES).unwrap();
        assert_eq!(pin.read(&cache, Some(&mirror)).unwrap(), BYTES);
        assert_eq!(std::fs::read(cache.join("history/api-old.yaml")).unwrap(), BYTES, "copied into the cache");
        assert_eq!(pin.read(&cache, None).unwrap(), BYTES, "then read without the mirror");

        // A cached file that no longer matches the pin is a miss, not an answer.
        std::fs::write(cache.join("history/api-old.yaml"), b"tampered").unwrap();
        assert!(pin.read(&cache, None).is_err());
        std::fs::write(mirror.join("history/api-old.yaml"), b"tampered").unwrap();
        let mismatch = pin.read(&cache, Some(&mirror)).unwrap_err().to_string();
        assert!(mismatch.contains("sha256 mismatch"), "{mismatch}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_history_pin_must_name_a_plain_file_and_a_full_hash() {
        let dir = scratch("history-invalid");
        let path = dir.join("specs/history/bad.toml");
        std::fs::write(&path, "api = \"api\"\nfile = \"../x.yaml\"\nurl = \"u\"\nsha256 = \"abc\"\n").unwrap();
        let error = HistoryPin::load_all(&dir.join("specs")).unwrap_err().to_string();
        assert!(error.contains("sha256 must be 64 lowercase hex digits"), "{error}");
        std::fs::write(&path, format!("api = \"api\"\nfile = \"../x.yaml\"\nurl = \"u\"\nsha256 = \"{}\"\n", sha256_hex(BYTES))).unwrap();
        let error = HistoryPin::load_all(&dir.join("specs")).unwrap_err().to_string();
        assert!(error.contains("plain file name"), "{error}");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_cached_version_is_found_by_hash_under_any_name() {
        let dir = scratch("by-hash");
        let cache = dir.join("cache");
        std::fs::create_dir_all(cache.join("by-sha256")).unwrap();
        let sha = sha256_hex(BYTES);
        std::fs::write(cache.join(format!("by-sha256/{sha}-old-name.yaml")), BYTES).unwrap();
        assert_eq!(find_by_sha256(&cache, &sha).as_deref(), Some(BYTES));
        // A file under the right name with the wrong bytes is not an answer.
        std::fs::write(cache.join(format!("by-sha256/{sha}-old-name.yaml")), b"tampered").unwrap();
        assert_eq!(find_by_sha256(&cache, &sha), None);
        std::fs::create_dir_all(cache.join("history")).unwrap();
        std::fs::write(cache.join("history/api-2026.yaml"), BYTES).unwrap();
        assert_eq!(find_by_sha256(&cache, &sha).as_deref(), Some(BYTES), "history files are looked at by content");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn a_relative_mirror_is_made_absolute_against_the_working_directory() {
        let resolved = absolute_mirror(Path::new("../shared/specs"));
        assert!(resolved.is_absolute());
        assert_eq!(resolved, std::env::current_dir().unwrap().join("../shared/specs"));
    }
}
