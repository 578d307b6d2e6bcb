//! Upstream descriptions → doc attributes that rustdoc and doctests accept.

use proc_macro2::TokenStream;
use quote::quote;

/// One `#[doc]` attribute per line. Code fences become `text` blocks: upstream snippets are
/// curl, JSON or TypeScript, and as Rust doctests they would fail to compile.
pub fn doc_attrs(text: Option<&str>) -> TokenStream {
    let Some(text) = text.map(str::trim).filter(|t| !t.is_empty()) else { return TokenStream::new() };
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
    quote! { #( #[doc = #lines] )* }
}

/// Extra doc line for a deprecated item plus the attribute itself.
pub fn deprecated_attr(deprecated: bool) -> TokenStream {
    if deprecated {
        quote! { #[deprecated] }
    } else {
        TokenStream::new()
    }
}
