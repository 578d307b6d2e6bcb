//! Shared by the xtask tests: the mirror directory, a throwaway copy of a directory, and a tiny
//! HTTP server on 127.0.0.1 answering from memory.

use std::io::{Read, Write};
use std::net::TcpListener;
use std::path::{Path, PathBuf};

pub fn mirror() -> PathBuf {
    PathBuf::from(std::env::var("SPECS_MIRROR").expect("set SPECS_MIRROR to the specs directory (with history/)"))
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
