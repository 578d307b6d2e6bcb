//! Load: bytes of a spec (and our overlays) → a checked, normalised `openapiv3` document.

mod degrade;
mod normalise;
mod overlay;
mod parse;
mod path_items;
mod refs;

use crate::error::SpecError;
use serde_json::Value;

pub use parse::parse_document;

/// An overlay file as read from disk.
pub struct OverlaySource<'a> {
    pub file: &'a str,
    pub bytes: &'a [u8],
}

/// A loaded spec: the typed document plus the normalised JSON it came from (examples and
/// extensions are read from there), and the file name every later error names.
pub struct Spec {
    pub file: String,
    pub document: openapiv3::OpenAPI,
    pub json: Value,
    /// Located notes on what loading degraded or skipped rather than refused.
    pub warnings: Vec<SpecError>,
}

/// Parses, applies overlays, checks references, normalises, and reads the document as OpenAPI 3.0.
pub fn load_spec(file: &str, bytes: &[u8], overlays: &[OverlaySource<'_>]) -> Result<Spec, SpecError> {
    load_with(file, bytes, overlays, overlay::Misses::Fail)
}

/// Like [`load_spec`] for a version of the spec other than the pinned one: overlay actions that
/// no longer (or not yet) match anything are skipped instead of failing.
pub fn load_other_version(file: &str, bytes: &[u8], overlays: &[OverlaySource<'_>]) -> Result<Spec, SpecError> {
    load_with(file, bytes, overlays, overlay::Misses::Skip)
}

fn load_with(file: &str, bytes: &[u8], overlays: &[OverlaySource<'_>], misses: overlay::Misses) -> Result<Spec, SpecError> {
    let mut json = parse_document(file, bytes)?;
    let mut warnings = Vec::new();
    for source in overlays {
        let overlay = parse_document(source.file, source.bytes)?;
        warnings.extend(overlay::apply_overlay(&mut json, source.file, &overlay, misses)?);
    }
    warnings.extend(path_items::inline_path_item_refs(file, &mut json));
    refs::check_refs(file, &json)?;
    warnings.extend(normalise::normalise_document(file, &mut json)?);
    let document = read_openapi(file, &json)?;
    Ok(Spec { file: file.to_string(), document, json, warnings })
}

fn read_openapi(file: &str, json: &Value) -> Result<openapiv3::OpenAPI, SpecError> {
    // Tracking the path makes reading OpenRouter's spec half as slow again (~40 → ~27 ms without
    // it), so it is only paid to locate an error, by reading the document a second time.
    if let Ok(document) = <openapiv3::OpenAPI as serde::Deserialize>::deserialize(json) {
        return Ok(document);
    }
    serde_path_to_error::deserialize(json).map_err(|e| {
        let pointer = path_to_pointer(e.path());
        SpecError::new(file, pointer, format!("not a valid OpenAPI document here: {}", e.inner()))
    })
}

/// serde_path_to_error's dotted path → a JSON pointer.
fn path_to_pointer(path: &serde_path_to_error::Path) -> String {
    use serde_path_to_error::Segment;
    let mut pointer = String::new();
    for segment in path.iter() {
        match segment {
            Segment::Seq { index } => pointer.push_str(&format!("/{index}")),
            Segment::Map { key } | Segment::Enum { variant: key } => {
                pointer.push('/');
                pointer.push_str(&crate::error::escape_token(key));
            }
            Segment::Unknown => pointer.push_str("/?"),
        }
    }
    pointer
}
