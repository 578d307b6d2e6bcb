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

/// A struct field's docs: the spec's (see [`field_doc_lines`]), or, where it has none, what the
/// field is from its place: its wire name and whether the server must send it.
pub fn field_doc_lines_or_role(field: &crate::ir::Field) -> Vec<String> {
    if field.doc.as_deref().is_some_and(|doc| !doc.trim().is_empty()) {
        return field_doc_lines(field);
    }
    let mut described = field.clone();
    described.doc = Some(field_role(field));
    field_doc_lines(&described)
}

/// "The `wire` property (required)." for a field the spec does not describe.
fn field_role(field: &crate::ir::Field) -> String {
    use crate::ir::Presence;
    let presence = match field.presence {
        Presence::Required if field.constant => "always the same value, filled in by `new`",
        Presence::Required => "required",
        Presence::RequiredNullable => "required, may be `null`",
        Presence::Optional => "optional",
        Presence::TriState => "optional, may be `null`: `Patch` tells absent from `null`",
    };
    format!("The `{}` property ({presence}).", field.wire)
}

/// The first paragraph of a description: what a setter's doc repeats of its field's.
pub fn first_paragraph(text: Option<&str>) -> Option<String> {
    let text = text.map(str::trim).filter(|t| !t.is_empty())?;
    let paragraph: Vec<&str> = text.lines().take_while(|line| !line.trim().is_empty()).collect();
    // A paragraph that opens a code fence or a list reads badly cut short: keep it whole or not at all.
    let joined = paragraph.join("\n");
    joined.matches("```").count().is_multiple_of(2).then_some(joined)
}

/// A type's docs: the spec's description, or what the type is from its place (its schema's
/// name, or where in the spec it sits); then, for a type only sent or only received, which serde
/// direction it has and that `full-serde` adds the other.
pub fn type_doc_text(def: &crate::ir::TypeDef, direction: Direction) -> String {
    let mut text = match def.doc.as_deref().map(str::trim).filter(|t| !t.is_empty()) {
        Some(doc) => doc.to_string(),
        None => type_role(def),
    };
    // A constant's and an alias's serde impls are their target's (a constant has both).
    let direction = if matches!(def.kind, crate::ir::TypeKind::Const { .. } | crate::ir::TypeKind::Alias(_)) { Direction::Both } else { direction };
    let note = match direction {
        Direction::Sent => Some("Sent in requests: implements `Serialize`; the `full-serde` feature adds `Deserialize`."),
        Direction::Received => Some("Received in responses: implements `Deserialize`; the `full-serde` feature adds `Serialize`."),
        Direction::Both => None,
    };
    if let Some(note) = note {
        text.push_str("\n\n");
        text.push_str(note);
    }
    text
}

/// Which way a type travels, for its docs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Direction {
    Sent,
    Received,
    Both,
}

fn type_role(def: &crate::ir::TypeDef) -> String {
    use crate::ir::TypeKind;
    let place = match def.source.strip_prefix("/components/schemas/") {
        Some(component) if !component.contains('/') => format!("the `{}` schema", component.replace("~1", "/").replace("~0", "~")),
        _ => format!("the schema at `{}`", def.source),
    };
    match &def.kind {
        TypeKind::Struct { .. } => format!("The object of {place} in the API's spec."),
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => format!("The values of {place} in the API's spec."),
        TypeKind::Const { .. } => format!("The one value of {place} in the API's spec."),
        TypeKind::Union { .. } => format!("One of the shapes {place} in the API's spec allows (`oneOf`/`anyOf`)."),
        TypeKind::Alias(_) => format!("The type of {place} in the API's spec."),
    }
}

/// Makes the spec's site-relative links (`](/docs/guides/…)`) absolute against `base`, in the doc
/// lines of a generated file (`///`, `//!`, `#[doc = …]`), so they work on a docs site that is
/// not the API's own.
pub fn absolute_links(contents: &str, base: &str) -> String {
    if !contents.contains("](/") {
        return contents.to_string();
    }
    let target = format!("]({}/", base.trim_end_matches('/'));
    let mut out = String::with_capacity(contents.len() + 256);
    for line in contents.split_inclusive('\n') {
        let trimmed = line.trim_start();
        if trimmed.starts_with("///") || trimmed.starts_with("//!") || trimmed.starts_with("#[doc") || trimmed.starts_with("#![doc") {
            out.push_str(&line.replace("](/", &target));
        } else {
            out.push_str(line);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_links_become_absolute_in_docs_only() {
        let file = "/// See [keys](/docs/keys) and [site](https://x.org/a).\nlet s = \"](/not-a-doc)\";\n#[doc = \" [a](/b)\"]\n";
        let fixed = absolute_links(file, "https://openrouter.ai/");
        assert_eq!(fixed, "/// See [keys](https://openrouter.ai/docs/keys) and [site](https://x.org/a).\nlet s = \"](/not-a-doc)\";\n#[doc = \" [a](https://openrouter.ai/b)\"]\n");
    }

    #[test]
    fn a_first_paragraph_stops_at_a_blank_line_and_never_cuts_a_fence() {
        assert_eq!(first_paragraph(Some("One.\nStill one.\n\nTwo.")).as_deref(), Some("One.\nStill one."));
        assert_eq!(first_paragraph(Some("```json\n{}\n\n```")), None);
        assert_eq!(first_paragraph(Some("  ")), None);
    }
}
