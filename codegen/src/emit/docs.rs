//! Upstream descriptions → doc attributes that rustdoc and doctests accept.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line (see [`doc_lines`]).
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let lines = doc_lines(text);
    quote! { #( #[doc = #lines] )* }
}

/// The values of a description's doc attributes, one per line. Code fences become `text`
/// blocks: upstream snippets are curl, JSON or TypeScript, and as Rust doctests they would fail
/// to compile.
pub fn doc_lines(text: Option<&str>) -> Vec<String> {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return Vec::new() };
    let mut in_fence = false;
    let lines = text.lines().map(|line| {
        let trimmed = line.trim_start();
        let line = if trimmed.starts_with("```") {
            in_fence = !in_fence;
            if in_fence { "```text".to_string() } else { "```".to_string() }
        } else {
            line.trim_end().replace('\t', "    ")
        };
        format!(" {line}")
    });
    let mut lines: Vec<String> = lines.collect();
    if in_fence {
        lines.push(" ```".to_string());
    }
    lines
}

/// The note of what the spec marks deprecated.
const DEPRECATED_NOTE: &str = "deprecated by the API's spec";

/// The attribute for a type or field the spec marks deprecated, as a line of text.
pub fn deprecated_line() -> String {
    format!("#[deprecated(note = {})]", super::rust_text::string_literal(DEPRECATED_NOTE))
}

/// The attribute for a type the spec marks deprecated.
pub fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote! { #[deprecated(note = #DEPRECATED_NOTE)] }
    } else {
        TokenStream::new()
    }
}

/// `what` is deprecated, with the spec's own reason when its description gives one (the first
/// sentence that mentions deprecation).
pub fn deprecation_note(what: &str, description: Option<&str>) -> String {
    // The sentence that says so and the one after it, which usually names the replacement;
    // markdown emphasis and links read badly in a compiler warning.
    let reason = description.and_then(|text| {
        let plain = text.replace("**", "").replace("Deprecated:", "");
        let sentences: Vec<&str> = plain.split_inclusive(". ").map(str::trim).filter(|s| !s.is_empty()).collect();
        let first = sentences.iter().position(|sentence| sentence.to_ascii_lowercase().contains("deprecat"))?;
        let mut reason = sentences[first..].iter().take(2).copied().collect::<Vec<_>>().join(" ");
        if let Some(link) = reason.find(", see the [") {
            reason.truncate(link);
        }
        Some(reason.trim_end_matches('.').to_string())
    });
    match reason {
        Some(reason) => format!("{what} is deprecated by the API: {reason}"),
        None => format!("{what} is deprecated by the API"),
    }
}

/// A field's docs: its description (or the referenced schema's) and the spec's example.
pub fn field_doc_lines(field: &crate::ir::Field) -> Vec<String> {
    let mut text = field.doc.clone().unwrap_or_default();
    if let Some(example) = &field.example {
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        text.push_str(&format!("Example: `{}`", example.replace('`', "'")));
    }
    doc_lines(Some(&text))
}
