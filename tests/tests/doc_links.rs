//! No generated doc links to a path relative to the API's own site (`](/docs/…)`): on a docs site
//! that is not the API's they are dead, so regen makes them absolute against the pin file's
//! `docs_base_url` (issue 21).

use std::path::{Path, PathBuf};

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap_or_else(|e| panic!("{}: {e}", dir.display())) {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            out.push(path);
        }
    }
}

#[test]
fn generated_docs_have_no_site_relative_links() {
    let mut files = Vec::new();
    rust_files(&spec_tests::root().join("generated"), &mut files);
    assert!(files.len() > 50, "the generated sources: {} files", files.len());
    let mut relative = Vec::new();
    let mut absolute = 0;
    for file in &files {
        let text = std::fs::read_to_string(file).unwrap();
        for (number, line) in text.lines().enumerate() {
            let line = line.trim_start();
            if !(line.starts_with("///") || line.starts_with("//!") || line.starts_with("#[doc") || line.starts_with("#![doc")) {
                continue;
            }
            if line.contains("](/") {
                relative.push(format!("{}:{}: {line}", file.display(), number + 1));
            }
            absolute += line.matches("](https://openrouter.ai/docs/").count();
        }
    }
    assert!(relative.is_empty(), "{} relative links, first: {:#?}", relative.len(), &relative[..relative.len().min(5)]);
    assert!(absolute > 0, "the OpenRouter spec's guide links are there, made absolute");
}
