//! The quickstarts in the generated crate's README (compiled as its doctests) must stay as short
//! as the official SDKs' equivalents allow: at most 1.2× the shortest peer, counted as code lines
//! without blanks or comments.

mod support;

/// Heading of each quickstart and its budget (1.2 × the shortest peer, see the README).
const BUDGETS: [(&str, usize); 6] = [
    ("## Chat with a tool", 29),
    ("## Streaming chat", 15),
    ("## Models with a long context", 14),
    ("## Langfuse: a trace, a generation and a score", 35),
    ("## Langfuse: a prompt by name and label", 10),
    // Issue 19: observing a chat call in Langfuse takes at most 12 lines, the whole program.
    ("## OpenRouter → Langfuse", 12),
];

fn code_lines(block: &str) -> usize {
    // `# ` lines are hidden from the rendered docs (doctest scaffolding), so readers never see them.
    block.lines().filter(|line| !line.starts_with("# ")).map(str::trim).filter(|line| !line.is_empty() && !line.starts_with("//")).count()
}

#[test]
fn every_quickstart_fits_its_budget_and_is_compiled() {
    let readme_path = support::workspace().join("generated/README.md");
    let readme = std::fs::read_to_string(&readme_path).expect("generated/README.md");
    for (heading, budget) in BUDGETS {
        let start = readme.find(heading).unwrap_or_else(|| panic!("{heading:?} is missing from {}", readme_path.display()));
        let section = &readme[start..];
        let fence = section.find("```rust,no_run\n").unwrap_or_else(|| panic!("{heading}: no compiled (`rust,no_run`) example"));
        let body = &section[fence + "```rust,no_run\n".len()..];
        let block = &body[..body.find("```").expect("closing fence")];
        let lines = code_lines(block);
        assert!(lines <= budget, "{heading}: {lines} code lines, budget {budget}");
        assert!(!block.contains("from_value"), "{heading}: request bodies must be typed, not decoded from JSON");
    }
}

#[test]
fn counting_skips_blanks_and_comments() {
    assert_eq!(code_lines("fn main() {\n\n    // why\n    let x = 1;\n}\n"), 3);
    assert_eq!(code_lines("# mod hidden {\nlet x = 1;\n# }\n"), 1);
}
