//! The crate root starts from Cargo.toml (issue 21): the `[dependencies]` blocks in the facade's
//! README name features that exist, at the facade's version, and (the ignored test, which
//! `scripts/test-all.sh` runs) build as written in a program outside this workspace, with only
//! the registry version swapped for this checkout's path.

use std::path::PathBuf;
use std::process::Command;

/// The ```toml blocks of the README's "Cargo.toml" section.
fn manifest_blocks() -> Vec<String> {
    let readme = std::fs::read_to_string(spec_tests::root().join("generated/README.md")).unwrap();
    let start = readme.find("\n## Cargo.toml\n").expect("a \"Cargo.toml\" section in generated/README.md");
    let section = &readme[start + 1..];
    let section = &section[..section[3..].find("\n## ").map_or(section.len(), |end| end + 3)];
    section.split("```toml\n").skip(1).map(|block| block[..block.find("```").expect("closing fence")].to_string()).collect()
}

/// The `openrouter-langfuse = …` line of a block.
fn facade_line(block: &str) -> &str {
    block.lines().find(|line| line.starts_with("openrouter-langfuse ")).unwrap_or_else(|| panic!("no openrouter-langfuse line in\n{block}"))
}

#[test]
fn the_readme_dependencies_name_real_features_at_the_facades_version() {
    let blocks = manifest_blocks();
    assert_eq!(blocks.len(), 2, "both APIs, and one API with its tags: {blocks:#?}");
    let manifest = std::fs::read_to_string(spec_tests::root().join("generated/Cargo.toml")).unwrap();
    let version = manifest.lines().find_map(|line| line.strip_prefix("version = \"")).and_then(|v| v.strip_suffix('"')).unwrap();
    for block in &blocks {
        assert!(block.starts_with("[dependencies]\n"), "{block}");
        assert!(block.contains("tokio = ") && block.contains("\"macros\"") && block.contains("\"rt-multi-thread\""), "{block}");
        let line = facade_line(block);
        let wanted = line.split('"').nth(1).unwrap();
        assert!(version.starts_with(wanted), "{line}: the facade is {version}");
        if let Some(list) = line.split("features = [").nth(1) {
            for feature in list.split(']').next().unwrap().split(',').map(|f| f.trim().trim_matches('"')) {
                assert!(manifest.lines().any(|l| l.starts_with(&format!("{feature} = "))), "{feature} is not a feature of generated/Cargo.toml");
            }
        }
    }
}

const BOTH_APIS: &str = r##"use openrouter_langfuse::prelude::*;
use openrouter_langfuse::{langfuse, openrouter};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let _chat = openrouter::Client::new(openrouter::Config::default().with_api_key("sk-or-x"))?;
    let _traces = langfuse::Client::new(langfuse::Config::default().with_basic_auth("pk", "sk"))?;
    let arguments: serde_json::Value = serde_json::from_str(r#"{"city":"Paris"}"#)?;
    println!("{}", json!({"arguments": arguments}));
    Ok(())
}
"##;

const CHAT_AND_MODELS: &str = r#"use openrouter_langfuse::openrouter::{types::*, Client, Config};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let client = Client::new(Config::default().with_api_key("sk-or-x"))?;
    let _request = client.chat().send(vec![ChatUserMessage::new("hi").into()]).model("openai/gpt-4o-mini");
    let _models = client.models().list();
    let arguments: serde_json::Value = serde_json::from_str("{}")?;
    println!("{arguments}");
    Ok(())
}
"#;

#[test]
#[ignore = "slow: builds the generated crates in a program of its own; scripts/test-all.sh runs it with --ignored"]
fn the_readme_dependencies_build_a_program_outside_the_workspace() {
    let root = spec_tests::root();
    let generated = root.join("generated");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    for (index, (block, program)) in manifest_blocks().iter().zip([BOTH_APIS, CHAT_AND_MODELS]).enumerate() {
        let dir: PathBuf = std::env::temp_dir().join(format!("openrouter-langfuse-readme-{}-{index}", std::process::id()));
        std::fs::create_dir_all(dir.join("src")).unwrap();
        // The registry version becomes this checkout's path; the rest of the block is as written.
        let line = facade_line(block);
        let path = format!("path = {:?}", generated.display().to_string());
        let local = match line.split_once("= {") {
            Some((name, rest)) => format!("{name}= {{ {path},{rest}"),
            None => format!("openrouter-langfuse = {{ {path} }}"),
        };
        let manifest = format!("[package]\nname = \"readme-program-{index}\"\nversion = \"0.0.0\"\nedition = \"2021\"\npublish = false\n\n{}\n[workspace]\n", block.replace(line, &local));
        std::fs::write(dir.join("Cargo.toml"), manifest).unwrap();
        std::fs::copy(root.join("Cargo.lock"), dir.join("Cargo.lock")).unwrap();
        std::fs::write(dir.join("src/main.rs"), program).unwrap();
        let build = Command::new(&cargo)
            .args(["build", "--offline", "--quiet"])
            .current_dir(&dir)
            .env("CARGO_TARGET_DIR", root.join("target"))
            .output()
            .unwrap();
        let _ = std::fs::remove_dir_all(&dir);
        assert!(build.status.success(), "block {index}:\n{block}\n{}", String::from_utf8_lossy(&build.stderr));
    }
}

