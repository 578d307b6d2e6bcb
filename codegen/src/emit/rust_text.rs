//! Rust items written straight as text, in prettyplease's layout.
//!
//! Structs are most of the generated code, and all alike. Building their tokens, parsing them
//! back with syn and printing them with prettyplease was most of what regeneration cost, so they
//! are written here as text instead, laid out line for line as prettyplease lays them out: the
//! output is the same bytes the token path printed. The writer knows prettyplease's rules only
//! for what structs need (one-line-or-one-per-line argument lists, arrays and struct literals);
//! an item with a line it cannot vouch for goes through syn and prettyplease after all (see
//! [`ItemText::line`]), which keeps the layout right for odd specs at a little of the cost.

use proc_macro2::{Literal, TokenStream};
use foldhash::HashMap;

/// prettyplease's line width.
const MARGIN: usize = 89;
/// prettyplease prints a struct literal on one line only up to this width (`Self { a, b }`).
const STRUCT_LITERAL_WIDTH: usize = 35;
const INDENT: &str = "    ";

/// One item (or several, under the same attributes) being written.
#[derive(Default)]
pub struct ItemText {
    text: String,
    depth: usize,
    /// A line the writer cannot lay out as prettyplease would: format the item with it.
    needs_printer: bool,
}

impl ItemText {
    pub fn new() -> ItemText {
        ItemText::default()
    }

    /// Lines inside an `impl` block, to be [`append`](Self::append)ed into one.
    pub fn indented(&mut self) {
        self.depth += 1;
    }

    /// Another item's lines, written at their own depth.
    pub fn append(&mut self, other: ItemText) {
        self.text.push_str(&other.text);
        self.needs_printer |= other.needs_printer;
    }

    /// A line of code at the current depth. One past the margin is where prettyplease would
    /// have broken it, in a way this writer does not know: the item goes through prettyplease.
    pub fn line(&mut self, line: &str) {
        if !self.fits(line) {
            self.needs_printer = true;
        }
        self.unbreakable(line);
    }

    /// A line prettyplease keeps whole however long: doc comments, attributes it laid out, and
    /// item headers without a trait or generics (`impl X {`, `pub struct X {`, `pub enum X {}`).
    pub fn unbreakable(&mut self, line: &str) {
        for _ in 0..self.depth {
            self.text.push_str(INDENT);
        }
        self.text.push_str(line);
        self.text.push('\n');
    }

    /// An element of a broken list, struct literal or `match`, with its comma. The last
    /// element's comma is one prettyplease adds only when it breaks the list, so it may pass the
    /// margin; any other's counts.
    pub fn element(&mut self, element: &str, last: bool) {
        let line = format!("{element},");
        if !self.fits(if last { element } else { &line }) {
            self.needs_printer = true;
        }
        self.unbreakable(&line);
    }

    /// A line that opens a block (ends with `{`): what follows is one level deeper.
    pub fn open(&mut self, line: &str) {
        self.line(line);
        self.depth += 1;
    }

    /// `head for ty {` (`impl serde::Serialize for X {`), or, when that passes the margin,
    /// `head` and `for ty {` on a line each, as prettyplease breaks a trait impl's header.
    pub fn open_impl_for(&mut self, head: &str, ty: &str) {
        let one_line = format!("{head} for {ty} {{");
        if self.fits(&one_line) {
            self.unbreakable(&one_line);
        } else {
            self.unbreakable(head);
            self.unbreakable(&format!("for {ty} {{"));
        }
        self.depth += 1;
    }

    /// An inherent `impl X {` or `pub struct X {` header, which prettyplease does not break.
    pub fn open_header(&mut self, line: &str) {
        self.unbreakable(line);
        self.depth += 1;
    }

    /// A line that closes a block, one level up.
    pub fn close(&mut self, line: &str) {
        self.depth = self.depth.saturating_sub(1);
        self.line(line);
    }

    /// Lines prettyplease laid out already (attributes), indented to the current depth.
    pub fn lines(&mut self, text: &str) {
        for line in text.lines() {
            self.unbreakable(line);
        }
    }

    /// One `///` line per doc line, as prettyplease prints `#[doc = "…"]`. A line prettyplease
    /// would print another way is written as the attribute, and the item goes through it.
    pub fn docs<S: AsRef<str>>(&mut self, lines: &[S]) {
        for line in lines {
            let line = line.as_ref();
            if line.contains(['\n', '\r']) || line.starts_with('/') {
                self.needs_printer = true;
                self.unbreakable(&format!("#[doc = {}]", string_literal(line)));
            } else {
                self.unbreakable(&format!("///{}", line.trim_end_matches(' ')));
            }
        }
    }

    /// `head(a, b) tail` on one line when it fits, else one argument per line: a function's
    /// signature (`tail` = `) -> Self {`, which opens its body) or a call statement.
    pub fn list(&mut self, head: &str, items: &[String], tail: &str) {
        let one_line = format!("{head}{}{tail}", items.join(", "));
        if items.is_empty() || self.fits(&one_line) {
            self.line(&one_line);
        } else {
            self.line(head);
            self.depth += 1;
            for (index, item) in items.iter().enumerate() {
                self.element(item, index + 1 == items.len());
            }
            self.depth -= 1;
            self.line(tail);
        }
        if tail.ends_with('{') {
            self.depth += 1;
        }
    }

    /// `before Self { fields } after` (`Ok(`, `)`): on one line only when short, as prettyplease
    /// keeps struct literals.
    pub fn struct_literal(&mut self, before: &str, fields: &[String], after: &str) {
        let literal = if fields.is_empty() { "Self {}".to_string() } else { format!("Self {{ {} }}", fields.join(", ")) };
        if literal.len() <= STRUCT_LITERAL_WIDTH {
            self.line(&format!("{before}{literal}{after}"));
        } else {
            self.line(&format!("{before}Self {{"));
            self.depth += 1;
            for (index, field) in fields.iter().enumerate() {
                let last = index + 1 == fields.len();
                let whole = if last { field.clone() } else { format!("{field},") };
                // prettyplease moves a conversion that does not fit to a line of its own.
                match field.strip_suffix(".into()") {
                    Some(value) if !self.fits(&whole) => {
                        self.line(value);
                        self.depth += 1;
                        self.element(".into()", last);
                        self.depth -= 1;
                    }
                    _ => self.element(field, last),
                }
            }
            self.depth -= 1;
            self.line(&format!("}}{after}"));
        }
    }

    fn fits(&self, line: &str) -> bool {
        self.depth * INDENT.len() + line.len() <= MARGIN
    }

    /// The item's text, or prettyplease's printing of it when a line needs that (see
    /// [`line`](Self::line) and [`docs`](Self::docs)).
    pub fn finish(self) -> Result<String, String> {
        if !self.needs_printer {
            return Ok(self.text);
        }
        let file = syn::parse_file(&self.text).map_err(|e| format!("emitted code does not parse: {e}"))?;
        Ok(prettyplease::unparse(&file))
    }
}

/// A string literal as proc-macro2 writes one (and so as the token path printed it).
pub fn string_literal(value: &str) -> String {
    Literal::string(value).to_string()
}

/// `#[cfg(…)]` attributes as prettyplease lays them out (a long `any(…)` takes several lines),
/// remembered per distinct gate: there are few, each used by many items.
#[derive(Default)]
pub struct CfgText {
    printed: HashMap<String, String>,
}

impl CfgText {
    /// For a top-level item.
    pub fn text(&mut self, cfg: &TokenStream) -> Result<String, String> {
        self.laid_out(cfg, false)
    }

    /// For an item one module down: prettyplease breaks a long gate against the margin, so the
    /// indented gate may take more lines.
    pub fn text_nested(&mut self, cfg: &TokenStream) -> Result<String, String> {
        self.laid_out(cfg, true)
    }

    fn laid_out(&mut self, cfg: &TokenStream, nested: bool) -> Result<String, String> {
        if cfg.is_empty() {
            return Ok(String::new());
        }
        let key = format!("{nested} {cfg}");
        if let Some(text) = self.printed.get(&key) {
            return Ok(text.clone());
        }
        let probe = if nested { quote::quote! { mod m { #cfg struct Probe; } } } else { quote::quote! { #cfg struct Probe; } };
        let file: syn::File = syn::parse2(probe).map_err(|e| format!("a feature gate does not parse: {e}"))?;
        let printed = prettyplease::unparse(&file);
        let unexpected = || "a feature gate printed in an unexpected way".to_string();
        let text = if nested {
            let inner = printed.strip_prefix("mod m {\n").and_then(|rest| rest.strip_suffix("    struct Probe;\n}\n")).ok_or_else(unexpected)?;
            inner.lines().map(|line| format!("{}\n", line.strip_prefix(INDENT).unwrap_or(line))).collect()
        } else {
            printed.strip_suffix("struct Probe;\n").ok_or_else(unexpected)?.to_string()
        };
        self.printed.insert(key, text.clone());
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn printed(text: &str) -> String {
        prettyplease::unparse(&syn::parse_file(text).expect("test code parses"))
    }

    #[test]
    fn argument_lists_break_where_prettyplease_breaks_them() {
        for name in ["short", "a_name_long_enough_that_the_signature_no_longer_fits_on_one"] {
            let mut item = ItemText::new();
            item.open("impl X {");
            item.list(&format!("pub fn {name}("), &["mut self".into(), "value: impl Into<Option<String>>".into()], ") -> Self {");
            item.line("self");
            item.close("}");
            item.close("}");
            assert!(!item.needs_printer, "{name}");
            let text = item.finish().expect("writes");
            assert_eq!(text, printed(&text), "{name}");
        }
    }

    #[test]
    fn long_calls_and_arrays_take_one_argument_per_line_as_prettyplease_does() {
        for wire in ["id", "allowed_passthrough_parameters_and_more"] {
            let mut item = ItemText::new();
            item.open("fn f(map: M) -> Result<(), E> {");
            item.list("map.entry(", &[string_literal(wire), format!("&self.{wire}")], ");");
            item.list("return Err(", &[format!("serde::de::Error::missing_field({})", string_literal(wire))], ");");
            item.list("const FIELDS: &[&str] = &[", &[string_literal(wire), string_literal(wire)], "];");
            item.open("while let Some(key) = map.next_key_seed(rt::Names(FIELDS))? {");
            item.open("let read = match key {");
            item.element("rt::FieldKey::Unknown(key) => rt::keep_declared(&mut map, &mut rest, key)", true);
            item.close("};");
            item.close("}");
            item.close("}");
            assert!(!item.needs_printer, "{wire}");
            let text = item.finish().expect("writes");
            assert_eq!(text, printed(&text), "{wire}");
        }
    }

    #[test]
    fn struct_literals_stay_on_one_line_only_when_short() {
        // The first conversion fits but for its comma; the second does not.
        let (fits, breaks) = ("broadcast_generation_request_context", "broadcast_generation_request_context_xy");
        for fields in [
            vec!["a: v0".to_string()],
            vec!["first: v0".into(), "second: v1".into(), "rest".into()],
            vec![format!("{fits}: {fits}.into()"), format!("{breaks}: {breaks}.into()")],
        ] {
            let mut item = ItemText::new();
            item.open("fn f() -> Result<X, E> {");
            item.struct_literal("Ok(", &fields, ")");
            item.close("}");
            assert!(!item.needs_printer, "{fields:?}");
            let text = item.finish().expect("writes");
            assert_eq!(text, printed(&text), "{fields:?}");
        }
    }

    #[test]
    fn lines_past_the_margin_and_odd_docs_go_through_prettyplease() {
        let mut item = ItemText::new();
        item.open("fn f() {");
        item.line(&format!("call({});", string_literal(&"x".repeat(100))));
        item.close("}");
        let text = item.finish().expect("writes");
        assert!(text.contains("call(\n"), "{text}");

        let mut item = ItemText::new();
        item.docs(&[" two\nlines"]);
        item.line("struct S;");
        let text = item.finish().expect("writes");
        assert_eq!(text, printed("#[doc = \" two\\nlines\"] struct S;"));
    }
}
