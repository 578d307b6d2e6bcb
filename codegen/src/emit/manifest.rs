//! The generated crates' manifests, from templates in `codegen/templates/` and the pins: each
//! API's `Cargo.toml`, and the facade's, with one feature and one optional dependency per API.
//! Generating them (rather than committing hand-written ones) is what lets a pin file alone add
//! an API: the facade's path dependencies also make each API crate a workspace member.

use super::GeneratedFile;
use std::path::{Path, PathBuf};

/// What a manifest needs to know about one API.
pub struct ApiManifest<'a> {
    /// The pin's `name`: directory, feature, crate suffix.
    pub name: &'a str,
    /// How people write the API's name (`OpenRouter`), for the crate description.
    pub title: &'a str,
}

/// `<api>/Cargo.toml`, plus the license files its package must carry.
pub fn api_files(api: &ApiManifest<'_>) -> Result<Vec<GeneratedFile>, String> {
    let manifest = template("api-Cargo.toml")?.replace("{api}", api.name).replace("{title}", api.title);
    let mut files = vec![GeneratedFile { path: PathBuf::from(format!("{}/Cargo.toml", api.name)), contents: manifest }];
    for license in ["LICENSE-MIT", "LICENSE-APACHE"] {
        files.push(GeneratedFile { path: PathBuf::from(format!("{}/{license}", api.name)), contents: workspace_file(license)? });
    }
    Ok(files)
}

/// The facade's `Cargo.toml`: every API a default feature, in pin order.
pub fn facade_file(apis: &[ApiManifest<'_>]) -> Result<GeneratedFile, String> {
    let default_apis = apis.iter().map(|api| format!("{:?}", api.name)).collect::<Vec<_>>().join(", ");
    let features = apis.iter().map(|api| format!("{0} = [\"dep:openrouter-langfuse-{0}\"]", api.name)).collect::<Vec<_>>().join("\n");
    let dependencies = apis
        .iter()
        .map(|api| format!("openrouter-langfuse-{0} = {{ path = \"{0}\", version = \"=0.1.0\", optional = true }}", api.name))
        .collect::<Vec<_>>()
        .join("\n");
    let contents = template("facade-Cargo.toml")?
        .replace("{default_apis}", &default_apis)
        .replace("{api_features}", &features)
        .replace("{api_dependencies}", &dependencies);
    Ok(GeneratedFile { path: PathBuf::from("Cargo.toml"), contents })
}

fn template(name: &str) -> Result<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}

/// A file at the root of the repository this generator belongs to (the licenses).
fn workspace_file(name: &str) -> Result<String, String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("..").join(name);
    std::fs::read_to_string(&path).map_err(|e| format!("{}: {e}", path.display()))
}
