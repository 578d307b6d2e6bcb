//! `cargo xtask fetch` without a mirror: every current and history spec comes from its pinned URL
//! and is verified. A server on 127.0.0.1 stands in for the upstream host (the pins of a scratch
//! copy of `specs/` point at it, same paths), serving the pinned bytes from this checkout's cache.
//! With the cache filled that way, the scratch checkout's `check` passes: the URL path gives the
//! tools exactly what the mirror path does.

mod support;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use support::{cache, copy_dir, history_pins, pinned, pins, scratch, serve, workspace};

/// `https://host/a/b` → (`/a/b`).
fn url_path(url: &str) -> String {
    let after_scheme = url.split_once("://").map(|(_, rest)| rest).unwrap_or(url);
    after_scheme.find('/').map(|i| after_scheme[i..].to_string()).unwrap_or_else(|| "/".into())
}

/// Points every pin (current and history) of a scratch `specs/` at the loopback host.
fn redirect_pins(specs: &Path, port: u16) {
    for dir in [specs.to_path_buf(), specs.join("history")] {
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.extension().is_none_or(|e| e != "toml") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            let rewritten: Vec<String> = text
                .lines()
                .map(|line| match line.strip_prefix("url = \"").and_then(|rest| rest.strip_suffix('"')) {
                    Some(url) => format!("url = \"http://127.0.0.1:{port}{}\"", url_path(url)),
                    None => line.to_string(),
                })
                .collect();
            std::fs::write(&path, rewritten.join("\n") + "\n").unwrap();
        }
    }
}

/// Every pinned file by its upstream URL path, with its pinned bytes.
fn upstream() -> BTreeMap<String, (String, Vec<u8>)> {
    let mut files = BTreeMap::new();
    for pin in pins() {
        files.insert(url_path(&pin.url), (pin.file.clone(), pinned(&pin.file)));
    }
    for version in history_pins() {
        files.insert(url_path(&version.url), (version.relative(), pinned(&version.file)));
    }
    files
}

fn xtask(root: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask")).args(args).env("SPECS_WORKSPACE_ROOT", root).env_remove("SPECS_MIRROR").output().unwrap()
}

fn text(output: &Output) -> String {
    format!("{}\n{}", String::from_utf8_lossy(&output.stdout), String::from_utf8_lossy(&output.stderr))
}

#[test]
fn fetch_downloads_every_current_and_history_pin_from_its_url() {
    let files = upstream();
    assert_eq!(files.len(), pins().len() + history_pins().len(), "every pin has its own URL");
    assert!(history_pins().len() >= 4, "the drift tests' history versions are pinned");
    let requests = Arc::new(AtomicUsize::new(0));
    let (served, counter) = (files.clone(), requests.clone());
    let port = serve(move |request| {
        counter.fetch_add(1, Ordering::SeqCst);
        let path = request.split(' ').nth(1).unwrap_or_default();
        served.get(path).map(|(_, bytes)| bytes.clone()).unwrap_or_default()
    });
    let root = scratch("fetch-urls");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    redirect_pins(&root.join("specs"), port);

    let fetch = xtask(&root, &["fetch"]);
    assert!(fetch.status.success(), "{}", text(&fetch));
    assert_eq!(text(&fetch).matches("(downloaded http://127.0.0.1:").count(), files.len(), "{}", text(&fetch));
    for (file, bytes) in files.values() {
        assert!(std::fs::read(root.join(".spec-cache").join(file)).ok().as_ref() == Some(bytes), "{file} in the cache is not the pinned bytes");
    }
    assert_eq!(requests.load(Ordering::SeqCst), files.len());

    // A filled cache is not downloaded again.
    let again = xtask(&root, &["fetch"]);
    assert!(again.status.success(), "{}", text(&again));
    assert_eq!(text(&again).matches("ok (cache)").count(), files.len(), "{}", text(&again));
    assert_eq!(requests.load(Ordering::SeqCst), files.len(), "a second fetch downloaded again");

    // The URL-filled cache generates exactly the committed code.
    copy_dir(&workspace().join("generated"), &root.join("generated"));
    let check = xtask(&root, &["check"]);
    assert!(check.status.success(), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_download_with_the_wrong_bytes_is_refused_and_named() {
    let files = upstream();
    let (bad_path, (bad_file, _)) = files.iter().find(|(_, (file, _))| file.starts_with("history/")).map(|(p, f)| (p.clone(), f.clone())).unwrap();
    let served = files.clone();
    let tampered = bad_path.clone();
    let port = serve(move |request| {
        let path = request.split(' ').nth(1).unwrap_or_default();
        if path == tampered {
            return b"openapi: 3.0.0\n".to_vec();
        }
        served.get(path).map(|(_, bytes)| bytes.clone()).unwrap_or_default()
    });
    let root = scratch("fetch-urls-bad");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    redirect_pins(&root.join("specs"), port);

    let fetch = xtask(&root, &["fetch"]);
    let output = text(&fetch);
    assert!(!fetch.status.success(), "{output}");
    assert!(output.contains(&format!("{bad_file}: sha256 mismatch")) && output.contains(&bad_path), "{output}");
    assert!(!root.join(".spec-cache").join(&bad_file).exists(), "refused bytes were cached");
    // The other files were still fetched: one run names every problem.
    assert_eq!(output.matches("(downloaded ").count(), files.len() - 1, "{output}");
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn tools_without_a_cached_spec_say_to_run_fetch() {
    let root = scratch("fetch-urls-empty");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    let check = xtask(&root, &["check"]);
    assert!(!check.status.success());
    assert!(text(&check).contains("run `cargo xtask fetch`"), "{}", text(&check));
    let _ = std::fs::remove_dir_all(&root);
}

#[test]
fn a_relative_mirror_is_relative_to_where_the_command_started() {
    // From the workspace root `.spec-cache` names this checkout's cache (a mirror's layout); read
    // relative to the scratch checkout instead, it would name that checkout's empty cache.
    let root = scratch("fetch-relative-mirror");
    copy_dir(&workspace().join("specs"), &root.join("specs"));
    let fetch = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["fetch", "--mirror", ".spec-cache"])
        .current_dir(workspace())
        .env("SPECS_WORKSPACE_ROOT", &root)
        .env_remove("SPECS_MIRROR")
        .output()
        .unwrap();
    let output = text(&fetch);
    assert!(fetch.status.success(), "{output}");
    assert!(output.contains(&format!("(mirror {})", cache().display())), "the mirror is reported as an absolute path: {output}");
    for version in history_pins() {
        assert!(version.cached_path(&root.join(".spec-cache")).exists(), "{} copied from the mirror's history/", version.file);
    }
    let _ = std::fs::remove_dir_all(&root);
}
