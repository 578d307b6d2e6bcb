//! Shared by the xtask tests: the workspace's spec cache (filled by `cargo xtask fetch`), a
//! throwaway copy of a directory, and a tiny HTTP server on 127.0.0.1 answering from memory.

#![allow(dead_code)] // each test binary uses a different part of it
use codegen::pin::{HistoryPin, Pin};
use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

/// This checkout's root, found from the crate rather than the working directory.
pub fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).parent().unwrap().to_path_buf()
}

/// This checkout's spec cache. It has a mirror's layout (`<file>`, `history/<file>`), so a tool
/// run against a scratch checkout can be pointed at it with `--mirror`.
pub fn cache() -> PathBuf {
    workspace().join(".spec-cache")
}

/// The current pins of this checkout.
pub fn pins() -> Vec<Pin> {
    Pin::load_all(&workspace().join("specs")).unwrap()
}

/// The history pins of this checkout.
pub fn history_pins() -> Vec<HistoryPin> {
    HistoryPin::load_all(&workspace().join("specs")).unwrap()
}

/// A pinned spec's bytes from the cache (verified); says to run `cargo xtask fetch` when absent.
pub fn pinned(file: &str) -> Vec<u8> {
    if let Some(pin) = pins().into_iter().find(|p| p.file == file) {
        return pin.read(&cache(), None).unwrap_or_else(|e| panic!("{e}"));
    }
    let version = history_pins().into_iter().find(|h| h.file == file).unwrap_or_else(|| panic!("no pin for {file} in specs/ or specs/history/"));
    version.read(&cache(), None).unwrap_or_else(|e| panic!("{e}"))
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A fresh scratch directory for one test (removed first, in case an earlier run left it).
pub fn scratch(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Serves each request with the body `route` picks for its request line; returns the port.
pub fn serve(route: impl Fn(&str) -> Vec<u8> + Send + 'static) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { continue };
            let mut request = [0u8; 4096];
            let read = stream.read(&mut request).unwrap_or(0);
            let body = route(&String::from_utf8_lossy(&request[..read]));
            let head = format!("HTTP/1.1 200 OK\r\ncontent-length: {}\r\nconnection: close\r\n\r\n", body.len());
            let _ = stream.write_all(head.as_bytes());
            let _ = stream.write_all(&body);
        }
    });
    port
}
