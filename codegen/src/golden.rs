//! The committed `generated/` directory is a golden file: compare it with a fresh generation and
//! say, readably, what differs and how to fix it.

use crate::emit::GeneratedFile;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// One way the committed crate differs from what the pinned specs generate.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Drift {
    /// Generation makes this file; it is not committed.
    Missing(PathBuf),
    /// Committed, but generation no longer makes it.
    Stale(PathBuf),
    /// Both exist and differ; the first differing line (1-based) with both versions of it.
    Changed { path: PathBuf, line: usize, committed: String, generated: String, lines_changed: usize },
}

/// Compares generated files with the committed ones under `root`.
pub fn compare(root: &Path, files: &[GeneratedFile]) -> std::io::Result<Vec<Drift>> {
    let mut drifts = Vec::new();
    let expected: BTreeSet<PathBuf> = files.iter().map(|f| f.path.clone()).collect();
    for file in files {
        match std::fs::read_to_string(root.join(&file.path)) {
            Ok(committed) if committed == file.contents => {}
            Ok(committed) => drifts.push(changed(&file.path, &committed, &file.contents)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => drifts.push(Drift::Missing(file.path.clone())),
            Err(e) => return Err(e),
        }
    }
    // A crate whose manifest generation wrote (its pin since removed) and no longer makes: all of
    // it is stale, or it would stay in the workspace as the facade's dependency never again.
    for dir in generated_crates(root)? {
        if !expected.contains(&dir.join("Cargo.toml")) {
            drifts.extend(list_files(root, &dir)?.into_iter().map(Drift::Stale));
        }
    }
    // Every `src` directory generation writes to is owned by it: other files there are stale.
    let owned: BTreeSet<PathBuf> = files.iter().filter_map(|f| src_dir(&f.path)).collect();
    for dir in owned {
        // An API's `DEGRADED.md` is generation's too: it must go when the last warning does.
        let report = dir.parent().map(|api| api.join("DEGRADED.md")).filter(|p| p.parent() != Some(Path::new("")));
        if let Some(report) = report.filter(|p| !expected.contains(p) && root.join(p).is_file()) {
            drifts.push(Drift::Stale(report));
        }
        for path in list_files(root, &dir)? {
            if !expected.contains(&path) {
                drifts.push(Drift::Stale(path));
            }
        }
    }
    Ok(drifts)
}

/// Writes the generated files and removes stale ones; untouched files keep their timestamps,
/// so cargo does not rebuild the (large) generated crate for nothing.
pub fn write(root: &Path, files: &[GeneratedFile]) -> std::io::Result<usize> {
    let mut written = 0;
    for drift in compare(root, files)? {
        match drift {
            Drift::Stale(path) => {
                // Already gone is fine: a `.regen-partial` left by a killed regen is listed as
                // stale, then reused and renamed away by the write of the file it belongs to.
                match std::fs::remove_file(root.join(&path)) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => return Err(e),
                    _ => {}
                }
                // A retired crate goes whole; `remove_dir` only ever removes empty directories.
                for dir in path.ancestors().skip(1).filter(|d| !d.as_os_str().is_empty()) {
                    if std::fs::remove_dir(root.join(dir)).is_err() {
                        break;
                    }
                }
            }
            Drift::Missing(path) | Drift::Changed { path, .. } => {
                let target = root.join(&path);
                if let Some(parent) = target.parent() {
                    std::fs::create_dir_all(parent)?;
                }
                let contents = files.iter().find(|f| f.path == path).map(|f| f.contents.as_str()).unwrap_or_default();
                // Written beside the target and renamed over it, so an interrupted regen leaves
                // each file either old or new, never cut short (everything was generated in
                // memory first, so a generation error writes nothing at all).
                let partial = target.with_extension("regen-partial");
                std::fs::write(&partial, contents)?;
                std::fs::rename(&partial, &target)?;
                written += 1;
            }
        }
    }
    Ok(written)
}

/// A report a person can act on.
pub fn render(drifts: &[Drift], fix_command: &str) -> String {
    let mut out = format!("generated/ does not match the pinned specs ({} file(s) differ):\n", drifts.len());
    for drift in drifts {
        match drift {
            Drift::Missing(path) => out.push_str(&format!("  missing  {} (generation makes it; it is not committed)\n", path.display())),
            Drift::Stale(path) => out.push_str(&format!("  stale    {} (committed; generation no longer makes it)\n", path.display())),
            Drift::Changed { path, line, committed, generated, lines_changed } => {
                out.push_str(&format!("  changed  {} ({lines_changed} line(s) differ), first at line {line}:\n", path.display()));
                out.push_str(&format!("           - {}\n           + {}\n", clip(committed), clip(generated)));
            }
        }
    }
    out.push_str(&format!("Fix: run `{fix_command}` and commit the result.\n"));
    out
}

fn clip(line: &str) -> String {
    let line = line.trim();
    match line.char_indices().nth(160) {
        Some((cut, _)) => format!("{}…", &line[..cut]),
        None => line.to_string(),
    }
}

fn changed(path: &Path, committed: &str, generated: &str) -> Drift {
    let old: Vec<&str> = committed.lines().collect();
    let new: Vec<&str> = generated.lines().collect();
    let first = (0..old.len().max(new.len())).find(|&i| old.get(i) != new.get(i)).unwrap_or(0);
    let old_set: foldhash::HashMap<&str, usize> = count(&old);
    let new_set: foldhash::HashMap<&str, usize> = count(&new);
    let lines_changed = new_set.iter().map(|(l, n)| n.saturating_sub(*old_set.get(l).unwrap_or(&0))).sum::<usize>()
        + old_set.iter().map(|(l, n)| n.saturating_sub(*new_set.get(l).unwrap_or(&0))).sum::<usize>();
    Drift::Changed {
        path: path.to_path_buf(),
        line: first + 1,
        committed: old.get(first).copied().unwrap_or("<end of file>").to_string(),
        generated: new.get(first).copied().unwrap_or("<end of file>").to_string(),
        lines_changed,
    }
}

fn count<'a>(lines: &[&'a str]) -> foldhash::HashMap<&'a str, usize> {
    let mut counts = foldhash::HashMap::default();
    for line in lines {
        *counts.entry(*line).or_insert(0) += 1;
    }
    counts
}

/// The directories directly under `root` whose `Cargo.toml` says generation wrote it.
fn generated_crates(root: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let entries = match std::fs::read_dir(root) {
        Ok(entries) => entries,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(out),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let manifest = entry.path().join("Cargo.toml");
        let made_by_regen = std::fs::read_to_string(&manifest).is_ok_and(|text| text.starts_with(crate::emit::manifest::MARKER));
        if entry.file_type()?.is_dir() && made_by_regen {
            out.push(PathBuf::from(entry.file_name()));
        }
    }
    out.sort();
    Ok(out)
}

/// `x/src/a/b.rs` → `x/src`; `src/lib.rs` → `src`.
fn src_dir(path: &Path) -> Option<PathBuf> {
    let mut dir = PathBuf::new();
    for part in path.components() {
        dir.push(part);
        if part.as_os_str() == "src" {
            return Some(dir);
        }
    }
    None
}

/// Files below `root/dir`, relative to `root`, sorted.
fn list_files(root: &Path, dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out = Vec::new();
    let full = root.join(dir);
    if !full.exists() {
        return Ok(out);
    }
    for entry in std::fs::read_dir(full)? {
        let entry = entry?;
        let relative = dir.join(entry.file_name());
        if entry.file_type()?.is_dir() {
            out.extend(list_files(root, &relative)?);
        } else {
            out.push(relative);
        }
    }
    out.sort();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A regen killed between writing a file's `.regen-partial` and renaming it leaves the
    /// partial behind; the next regen must repair the tree and succeed.
    #[test]
    fn a_regen_after_an_interrupted_one_repairs_the_tree_and_succeeds() {
        let root = std::env::temp_dir().join(format!("golden-interrupted-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&root);
        let src = root.join("api/src");
        std::fs::create_dir_all(&src).unwrap();
        std::fs::write(src.join("lib.rs"), "old").unwrap();
        std::fs::write(src.join("lib.regen-partial"), "cut sh").unwrap();
        let files = vec![
            GeneratedFile { path: PathBuf::from("api/Cargo.toml"), contents: "[package]".into() },
            GeneratedFile { path: PathBuf::from("api/src/lib.rs"), contents: "new".into() },
        ];
        let written = write(&root, &files).expect("the second regen succeeds");
        assert_eq!(written, 2);
        assert_eq!(std::fs::read_to_string(src.join("lib.rs")).unwrap(), "new");
        assert!(!src.join("lib.regen-partial").exists());
        assert!(compare(&root, &files).unwrap().is_empty(), "the tree is repaired");
        std::fs::remove_dir_all(&root).unwrap();
    }
}
