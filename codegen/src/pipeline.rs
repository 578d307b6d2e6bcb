//! The whole generator as one call: spec bytes in, the generated crate's files out. No I/O
//! besides reading the runtime sources, so regen and the drift check share every step.

use crate::emit::manifest::ApiManifest;
use crate::emit::{self, GeneratedFile, Provenance};
use crate::error::SpecError;
use crate::load::{load_spec, OverlaySource};
use std::path::{Path, PathBuf};

/// One API's inputs, as read from its pin.
#[derive(Clone)]
pub struct ApiInput {
    /// Module name in the generated crate (`openrouter`).
    pub name: String,
    /// How people write the API's name (`OpenRouter`): the pin's `title`, else its name.
    pub title: String,
    /// How files and errors name the pin (`specs/openrouter.toml`).
    pub pin_file: String,
    pub sha256: String,
    /// How errors name the spec itself (`openrouter.yaml`).
    pub spec_file: String,
    pub spec: Vec<u8>,
    /// Overlays in order: (display name, bytes).
    pub overlays: Vec<(String, Vec<u8>)>,
    /// The `[client]` table of the pin.
    pub profile: crate::profile::ClientProfile,
    /// Another version than the pinned one: overlay actions that match nothing are skipped.
    pub other_version: bool,
}

/// Why generation failed.
#[derive(Debug)]
pub enum GenerateError {
    Spec(SpecError),
    Emit { api: String, message: String },
    Runtime { path: PathBuf, message: String },
}

impl std::fmt::Display for GenerateError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            GenerateError::Spec(e) => write!(f, "{e}"),
            GenerateError::Emit { api, message } => write!(f, "{api}: {message}"),
            GenerateError::Runtime { path, message } => write!(f, "{}: {message}", path.display()),
        }
    }
}

impl std::error::Error for GenerateError {}

impl From<SpecError> for GenerateError {
    fn from(e: SpecError) -> Self {
        GenerateError::Spec(e)
    }
}

/// Every file under `generated/src`, in path order.
pub fn generate(inputs: &[ApiInput]) -> Result<Vec<GeneratedFile>, GenerateError> {
    let per_api: Vec<Result<(Vec<GeneratedFile>, ApiManifest), GenerateError>> = std::thread::scope(|scope| {
        let handles: Vec<_> = inputs.iter().map(|input| (input, scope.spawn(move || guarded(input, || generate_api(input))))).collect();
        handles
            .into_iter()
            .map(|(input, h)| h.join().unwrap_or_else(|payload| Err(panic_error(input, payload.as_ref()))))
            .collect()
    });
    let mut files = runtime_files()?;
    let mut features = Vec::new();
    for api in per_api {
        let (api_files, api_features) = api?;
        files.extend(api_files);
        features.push(api_features);
    }
    let manifest_error = |message| GenerateError::Emit { api: "manifests".into(), message };
    for api in &features {
        files.extend(emit::manifest::api_files(api).map_err(manifest_error)?);
    }
    files.push(emit::manifest::facade_file(&features).map_err(manifest_error)?);
    let bridge = bridge_file(&features, &files)?;
    let experiment = experiment_file(&features)?;
    files.push(lib_file(&features, bridge.is_some(), experiment.is_some())?);
    files.extend(bridge);
    files.extend(experiment);
    files.extend(readme_files()?);
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

/// One API's generation, with a panic anywhere in it turned into an error naming the API and its
/// spec: a generator bug must not take the other APIs' output, or the user's bearings, with it.
pub fn generate_api_guarded(input: &ApiInput) -> Result<Vec<GeneratedFile>, GenerateError> {
    guarded(input, || generate_api(input)).map(|(files, _)| files)
}

fn guarded<T>(input: &ApiInput, run: impl FnOnce() -> Result<T, GenerateError>) -> Result<T, GenerateError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(run)).unwrap_or_else(|payload| Err(panic_error(input, payload.as_ref())))
}

fn panic_error(input: &ApiInput, payload: &(dyn std::any::Any + Send)) -> GenerateError {
    let what = payload
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| payload.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "unknown panic".into());
    GenerateError::Emit {
        api: input.name.clone(),
        message: format!("{} ({}): the generator panicked (a bug in codegen, not in the spec): {what}", input.spec_file, input.pin_file),
    }
}

fn generate_api(input: &ApiInput) -> Result<(Vec<GeneratedFile>, ApiManifest), GenerateError> {
    let (_, mut api) = resolve_input(input)?;
    let extension = checked_extension(input, &mut api)?;
    let observe = checked_observe(input, &mut api)?;
    let features = ApiManifest {
        name: input.name.clone(),
        title: input.title.clone(),
        tags: emit::features::tag_features(&api).into_iter().collect(),
        observe: observe.is_some(),
        types: api.types.types.iter().map(|t| t.name.clone()).collect(),
    };
    let provenance = Provenance { pin_file: &input.pin_file, sha256: &input.sha256 };
    let mut files =
        emit::emit_api(&api, &input.profile, &provenance).map_err(|message| GenerateError::Emit { api: input.name.clone(), message })?;
    // Generation operations, recorded when the crate's `observe` feature is on.
    if let Some(body) = observe {
        let header = format!("// @generated by `cargo xtask regen` from the [observe] table of {}. Do not edit by hand.\n", input.pin_file);
        let lib = PathBuf::from(format!("{}/src/lib.rs", input.name));
        if let Some(file) = files.iter_mut().find(|f| f.path == lib) {
            file.contents.push_str("/// Recording generation calls in Langfuse (cargo feature `observe`).\n#[cfg(feature = \"observe\")]\nmod observe;\n#[cfg(feature = \"observe\")]\npub use observe::ObserveWith;\n");
        }
        files.push(GeneratedFile { path: PathBuf::from(format!("{}/src/observe.rs", input.name)), contents: format!("{header}{body}") });
    }
    // Hand-written conveniences for this API become a private module of its crate: they add
    // methods to generated types, and the few types of their own (Langfuse's `CompiledPrompt`)
    // are re-exported at the crate root.
    if let Some((contents, features)) = extension {
        let lib = PathBuf::from(format!("{}/src/lib.rs", input.name));
        if let Some(file) = files.iter_mut().find(|f| f.path == lib) {
            // Declared only with the features the extension serves (the file's own `#![cfg]`
            // would leave the re-export below pointing at nothing); `allow`: it may export nothing.
            let each: Vec<String> = features.iter().map(|f| format!("feature = {f:?}")).collect();
            let gate = if each.len() == 1 { each[0].clone() } else { format!("any({})", each.join(", ")) };
            file.contents.push_str(&format!("#[cfg({gate})]\nmod extensions;\n#[cfg({gate})]\n#[allow(unused_imports)]\npub use extensions::*;\n"));
        }
        files.push(GeneratedFile { path: PathBuf::from(format!("{}/src/extensions.rs", input.name)), contents });
    }
    Ok((files, features))
}

/// The `[observe]` module, when the pin has the table. Against the pinned spec a pointer that
/// misses is an error (the table must be fixed with the pin, as an overlay must); against another
/// version (history, a newer upstream being diffed) the module is left out with a located
/// warning, as an extension is, so that version still regenerates into a crate that compiles.
fn checked_observe(input: &ApiInput, api: &mut crate::ir::Api) -> Result<Option<String>, GenerateError> {
    let Some(table) = &input.profile.observe else { return Ok(None) };
    match crate::emit::observe::observe_module(&input.pin_file, table, api) {
        Ok(body) => Ok(Some(body)),
        Err(message) if input.other_version => {
            api.warnings.push(SpecError::new(&input.spec_file, "/paths", format!("the [observe] table left out (no `Client::observed`): {message}")));
            Ok(None)
        }
        Err(message) => Err(GenerateError::Emit { api: input.name.clone(), message }),
    }
}

/// The API's extension (`codegen/extensions/<api>.rs`), when it has one and the model has all it
/// needs; otherwise it is left out and each unmet need becomes a located warning (DEGRADED.md),
/// so that a spec that regenerates always gives a crate that compiles.
fn checked_extension(input: &ApiInput, api: &mut crate::ir::Api) -> Result<Option<(String, Vec<String>)>, GenerateError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("extensions").join(format!("{}.rs", input.name));
    if !path.is_file() {
        return Ok(None);
    }
    let source = std::fs::read_to_string(&path).map_err(|e| GenerateError::Runtime { path: path.clone(), message: e.to_string() })?;
    let shown = format!("codegen/extensions/{}.rs", input.name);
    let extension = crate::extensions::parse(&shown, &source).map_err(|message| GenerateError::Runtime { path: path.clone(), message })?;
    let unmet = crate::extensions::unmet(&extension, api);
    if unmet.is_empty() {
        let features = extension
            .needs
            .iter()
            .filter_map(|(_, need)| match need {
                crate::extensions::Need::Feature(feature) => Some(feature.clone()),
                _ => None,
            })
            .collect();
        return Ok(Some((extension.source, features)));
    }
    for (pointer, need) in unmet {
        api.warnings.push(SpecError::new(&input.spec_file, pointer, format!("extension `{shown}` left out: it needs {need}")));
    }
    Ok(None)
}

/// The facade crate's README (`codegen/templates/crate-readme.md`) and its crate-level docs: the
/// same text, with the `observe` programs compiled as doctests only with that feature.
fn readme_files() -> Result<[GeneratedFile; 2], GenerateError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join("crate-readme.md");
    let contents = std::fs::read_to_string(&path).map_err(|e| GenerateError::Runtime { path: path.clone(), message: e.to_string() })?;
    let docs = crate::crate_docs::crate_docs(&contents);
    Ok([GeneratedFile { path: PathBuf::from("README.md"), contents }, GeneratedFile { path: PathBuf::from("src/crate-docs.md"), contents: docs }])
}

/// The runtime sources, copied verbatim into the runtime crate's `src/`, folders and all (a
/// concern with several files, such as `observe/`, keeps its folder).
pub fn runtime_files() -> Result<Vec<GeneratedFile>, GenerateError> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("runtime");
    let mut files = Vec::new();
    collect_runtime_files(&dir, Path::new(""), &mut files)?;
    // Directory order is the file system's: sorted, the output is the same on every machine.
    files.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(files)
}

fn collect_runtime_files(dir: &Path, relative: &Path, files: &mut Vec<GeneratedFile>) -> Result<(), GenerateError> {
    let entries = std::fs::read_dir(dir).map_err(|e| GenerateError::Runtime { path: dir.to_path_buf(), message: e.to_string() })?;
    for entry in entries {
        let path = entry.map_err(|e| GenerateError::Runtime { path: dir.to_path_buf(), message: e.to_string() })?.path();
        let name = path.file_name().map(PathBuf::from).unwrap_or_default();
        if path.is_dir() {
            collect_runtime_files(&path, &relative.join(&name), files)?;
        } else if path.extension().is_some_and(|ext| ext == "rs") {
            let contents = std::fs::read_to_string(&path).map_err(|e| GenerateError::Runtime { path: path.clone(), message: e.to_string() })?;
            // The runtime's top `mod.rs` is the root of a crate of its own; a folder's stays `mod.rs`.
            let name = if relative.as_os_str().is_empty() && name == Path::new("mod.rs") { PathBuf::from("lib.rs") } else { name };
            files.push(GeneratedFile { path: Path::new("runtime/src").join(relative).join(name), contents });
        }
    }
    Ok(())
}

/// The types `codegen/templates/facade-bridge.rs` names, by API.
const BRIDGE_NEEDS: [(&str, &[&str]); 2] = [
    ("openrouter", &["ChatMessage", "ChatSystemMessage", "ChatDeveloperMessage", "ChatAssistantMessage", "ChatUserMessage"]),
    ("langfuse", &["Prompt", "ChatMessageWithPlaceholders"]),
];

/// The facade's `bridge` module (a Langfuse prompt as OpenRouter messages, linked in traces),
/// when both APIs are pinned, the Langfuse extension it builds on was kept, and every type it
/// names exists; else nothing, so that a spec that moved one of them still gives a facade that
/// compiles (the API crates' DEGRADED.md say what moved).
fn bridge_file(apis: &[ApiManifest], files: &[GeneratedFile]) -> Result<Option<GeneratedFile>, GenerateError> {
    let has_extension = files.iter().any(|f| f.path == Path::new("langfuse/src/extensions.rs"));
    let met = BRIDGE_NEEDS.iter().all(|(api, types)| apis.iter().any(|m| m.name == *api && types.iter().all(|t| m.types.contains(*t))));
    if !(has_extension && met) {
        return Ok(None);
    }
    template_file("facade-bridge.rs", "src/bridge.rs").map(Some)
}

/// The types `codegen/templates/facade-experiment.rs` names, by API.
const EXPERIMENT_NEEDS: [(&str, &[&str]); 2] = [
    ("openrouter", &["ChatMessage", "ChatSystemMessage", "ChatDeveloperMessage", "ChatAssistantMessage", "ChatUserMessage", "ChatResult"]),
    ("langfuse", &["DatasetItem", "PaginatedDatasetItems"]),
];

/// The facade's `experiment` module (a dataset through several models, as a Langfuse
/// experiment), when both APIs are pinned, OpenRouter is observed and every type it names
/// exists; else nothing, as for the bridge.
fn experiment_file(apis: &[ApiManifest]) -> Result<Option<GeneratedFile>, GenerateError> {
    let met = EXPERIMENT_NEEDS.iter().all(|(api, types)| apis.iter().any(|m| m.name == *api && types.iter().all(|t| m.types.contains(*t))));
    let observed = apis.iter().any(|m| m.name == "openrouter" && m.observe);
    if !(met && observed) {
        return Ok(None);
    }
    template_file("facade-experiment.rs", "src/experiment.rs").map(Some)
}

/// A facade template, copied with its header.
fn template_file(template: &str, to: &str) -> Result<GeneratedFile, GenerateError> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates").join(template);
    let contents = std::fs::read_to_string(&path).map_err(|e| GenerateError::Runtime { path: path.clone(), message: e.to_string() })?;
    let header = format!("// @generated by `cargo xtask regen` from codegen/templates/{template}. Do not edit by hand.\n");
    Ok(GeneratedFile { path: PathBuf::from(to), contents: format!("{header}{contents}") })
}

fn lib_file(apis: &[ApiManifest], bridge: bool, experiment: bool) -> Result<GeneratedFile, GenerateError> {
    let modules = apis.iter().map(|api| {
        let module = emit::ident(&api.name);
        let krate = emit::ident(&format!("openrouter_langfuse_{}", api.name));
        let cfg = emit::manifest::api_cfg(api);
        let doc = format!(" The {} API, generated from `specs/{}.toml`.", api.title, api.name);
        quote::quote! {
            #[doc = #doc]
            #cfg
            #[doc(inline)]
            pub use #krate as #module;
        }
    });
    let bridge_module = if bridge {
        quote::quote! {
            /// Between the two APIs: a Langfuse prompt as OpenRouter chat messages, and
            /// generations linked to it in Langfuse.
            #[cfg(all(any(feature = "openrouter", feature = "openrouter-chat"), any(feature = "langfuse", feature = "langfuse-prompts")))]
            pub mod bridge;
        }
    } else {
        quote::quote! {}
    };
    let experiment_module = if experiment {
        quote::quote! {
            /// Experiments: a Langfuse dataset (or your own items) through several OpenRouter
            /// models, scored, recorded as Langfuse experiment runs, compared in a table.
            #[cfg(all(feature = "observe", any(feature = "openrouter", feature = "openrouter-chat"), any(feature = "langfuse", feature = "langfuse-dataset-items")))]
            pub mod experiment;
        }
    } else {
        quote::quote! {}
    };
    let tokens = quote::quote! {
        #![doc = include_str!("crate-docs.md")]
        /// Shared types: errors, responses, retries, streams, `Patch`.
        #[doc(inline)]
        pub use openrouter_langfuse_runtime as runtime;
        #(#modules)*

        #bridge_module

        #experiment_module

        /// OpenRouter calls recorded in Langfuse over OpenTelemetry (cargo feature `observe`):
        /// [`observe::Langfuse`], traces, and the hook underneath.
        #[cfg(feature = "observe")]
        #[doc(inline)]
        pub use openrouter_langfuse_runtime::observe;

        /// What a typical program needs in scope: stream combinators (`next()` on streams),
        /// the error and response types, `Patch`, `json!` for free-form JSON fields, and
        /// `DecimalText` (`.as_f64()` on prices sent as decimal strings).
        pub mod prelude {
            pub use crate::runtime::{DecimalText, Error, Patch, Response, RetryPolicy, StreamExt, TryStreamExt};
            pub use crate::runtime::serde_json::json;
        }
    };
    let header = "// @generated by `cargo xtask regen`. Do not edit by hand.\n";
    let contents = emit::format_file(header, tokens).map_err(|message| GenerateError::Emit { api: "lib".into(), message })?;
    Ok(GeneratedFile { path: PathBuf::from("src/lib.rs"), contents })
}

/// Reads every pin under `root/specs`, its spec (cache, or the mirror) and overlays.
pub fn inputs_from_pins(root: &Path, mirror: Option<&Path>) -> Result<Vec<ApiInput>, String> {
    let pins = crate::pin::Pin::load_all(&root.join("specs")).map_err(|e| e.to_string())?;
    let cache = crate::pin::default_cache_dir();
    let relative = |path: &Path| path.strip_prefix(root).unwrap_or(path).display().to_string();
    let mut inputs = Vec::with_capacity(pins.len());
    for pin in pins {
        let spec = pin.read(&cache, mirror).map_err(|e| e.to_string())?;
        let mut overlays = Vec::new();
        for path in &pin.overlays {
            let bytes = std::fs::read(path).map_err(|e| format!("{}: {e}", path.display()))?;
            overlays.push((relative(path), bytes));
        }
        let pin_text = std::fs::read_to_string(&pin.pin_path).map_err(|e| format!("{}: {e}", pin.pin_path.display()))?;
        let profile = crate::profile::client_profile(&relative(&pin.pin_path), &pin_text)?;
        inputs.push(ApiInput {
            pin_file: relative(&pin.pin_path),
            sha256: pin.sha256.clone(),
            spec_file: pin.file.clone(),
            title: pin.title.clone().unwrap_or_else(|| pin.name.clone()),
            name: pin.name,
            spec,
            overlays,
            profile,
            other_version: false,
        });
    }
    Ok(inputs)
}

pub use crate::pin::validate_api_name;

/// Loads and resolves one API (for tools that need the model, not the files).
pub fn resolve_input(input: &ApiInput) -> Result<(crate::load::Spec, crate::ir::Api), GenerateError> {
    let overlays: Vec<OverlaySource<'_>> =
        input.overlays.iter().map(|(file, bytes)| OverlaySource { file, bytes }).collect();
    let spec = if input.other_version {
        crate::load::load_other_version(&input.spec_file, &input.spec, &overlays)?
    } else {
        load_spec(&input.spec_file, &input.spec, &overlays)?
    };
    let api = crate::resolve::resolve(&input.name, &spec)?;
    Ok((spec, api))
}

impl ApiInput {
    /// The same API read from other spec bytes (an older or newer version). The pin's overlays
    /// apply to it too, as far as they match, so that a drift report compares like with like
    /// (an overlay's rename or fix is not reported as an upstream change).
    pub fn with_spec(&self, spec_file: &str, spec: Vec<u8>) -> ApiInput {
        ApiInput { spec_file: spec_file.to_string(), spec, other_version: true, ..self.clone() }
    }
}
