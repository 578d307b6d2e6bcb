//! The facade's crate docs, from its README. The README is what a reader pastes (GitHub and the
//! registry show it as written), so its programs are complete, with no rustdoc hidden lines. The
//! crate docs are the same text, compiled as doctests; there, a program that needs the `observe`
//! feature is wrapped in hidden lines that compile it only with that feature, so the docs build
//! and test with or without it.

/// What a program uses that only the `observe` feature provides.
const OBSERVE_MARKERS: [&str; 4] = ["openrouter_langfuse::observe", "openrouter_langfuse::bridge", "openrouter_langfuse::experiment", ".observed("];

/// The README with each `observe` program wrapped for rustdoc.
pub fn crate_docs(readme: &str) -> String {
    let mut docs = String::with_capacity(readme.len() + 256);
    let mut block: Option<Vec<&str>> = None;
    for line in readme.split_inclusive('\n') {
        match &mut block {
            None => {
                docs.push_str(line);
                if line.trim_end().starts_with("```rust") {
                    block = Some(Vec::new());
                }
            }
            Some(lines) if line.trim_end() == "```" => {
                let needs_observe = lines.iter().any(|l| OBSERVE_MARKERS.iter().any(|marker| l.contains(marker)));
                if needs_observe {
                    docs.push_str("# #[cfg(feature = \"observe\")] mod example {\n");
                }
                lines.iter().for_each(|l| docs.push_str(l));
                if needs_observe {
                    docs.push_str("# }\n# fn main() {}\n");
                }
                docs.push_str(line);
                block = None;
            }
            Some(lines) => lines.push(line),
        }
    }
    if let Some(lines) = block {
        lines.iter().for_each(|l| docs.push_str(l));
    }
    docs
}

#[cfg(test)]
mod tests {
    use super::crate_docs;

    #[test]
    fn only_observe_programs_are_wrapped_and_nothing_else_changes() {
        let readme = "Title\n\n```rust,no_run\nuse openrouter_langfuse::observe::Langfuse;\nfn main() {}\n```\n\n```rust\nfn main() {}\n```\n";
        let docs = crate_docs(readme);
        assert_eq!(
            docs,
            "Title\n\n```rust,no_run\n# #[cfg(feature = \"observe\")] mod example {\nuse openrouter_langfuse::observe::Langfuse;\nfn main() {}\n# }\n# fn main() {}\n```\n\n```rust\nfn main() {}\n```\n"
        );
        assert_eq!(docs.lines().filter(|l| !l.starts_with("# ")).collect::<Vec<_>>().join("\n"), readme.trim_end(), "only hidden lines are added");
    }
}
