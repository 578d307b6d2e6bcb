//! The crates' manifests, from `codegen/templates/*.toml`: each API crate with one cargo feature
//! per tag, and the facade with a feature per API (`openrouter`) and per tag
//! (`openrouter-chat`), so adding a pin is all it takes to add an API.

use super::GeneratedFile;
use std::path::{Path, PathBuf};

/// One API as the manifests see it: its name and its tags' features.
pub struct ApiFeatures {
    pub api: String,
    pub tags: Vec<String>,
}

fn template(name: &str) -> Result<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// `generated/<api>/Cargo.toml`.
pub fn api_manifest(features: &ApiFeatures) -> Result<GeneratedFile, String> {
    let quoted: Vec<String> = features.tags.iter().map(|t| format!("{t:?}")).collect();
    let mut lines = format!("all = [{}]\n", quoted.join(", "));
    for tag in &features.tags {
        lines.push_str(&format!("{tag} = []\n"));
    }
    let contents = template("api-crate.toml")?.replace("{api}", &features.api).replace("{features}", &lines);
    Ok(GeneratedFile { path: PathBuf::from(format!("{}/Cargo.toml", features.api)), contents })
}

/// `generated/Cargo.toml`, the facade's.
pub fn facade_manifest(apis: &[ApiFeatures]) -> Result<GeneratedFile, String> {
    let mut default = String::new();
    let mut features = String::new();
    let mut dependencies = String::new();
    for api in apis {
        let name = &api.api;
        let krate = format!("openrouter-langfuse-{name}");
        default.push_str(&format!("{name:?}, "));
        features.push_str(&format!("# The whole {name} API; or only some of its tags, with the `{name}-<tag>` features below.\n"));
        features.push_str(&format!("{name} = [\"dep:{krate}\", \"{krate}/all\"]\n"));
        for tag in &api.tags {
            features.push_str(&format!("{name}-{tag} = [\"dep:{krate}\", \"{krate}/{tag}\"]\n"));
        }
        dependencies.push_str(&format!("{krate} = {{ path = \"{name}\", version = \"=0.1.0\", optional = true, default-features = false }}\n"));
    }
    let contents = template("facade-crate.toml")?
        .replace("{default}", &default)
        .replace("{features}", &features)
        .replace("{dependencies}", &dependencies);
    Ok(GeneratedFile { path: PathBuf::from("Cargo.toml"), contents })
}

/// The facade's `cfg` for an API's module: the API's own feature or any of its tags'.
pub fn api_cfg(api: &ApiFeatures) -> proc_macro2::TokenStream {
    let mut names = vec![api.api.clone()];
    names.extend(api.tags.iter().map(|tag| format!("{}-{tag}", api.api)));
    super::features::any_of(&names)
}
