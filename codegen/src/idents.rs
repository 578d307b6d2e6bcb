//! The one sanitiser every Rust identifier passes through. Resolve uses `transliterate` before it
//! cases a wire name, so names are settled (and de-duplicated) in the form they will be emitted
//! in; emit's `ident` then makes whatever it is handed valid, so no spec can make it panic.
//!
//! Identifiers are kept ASCII: non-ASCII identifiers are legal Rust, but `uncommon_codepoints`
//! and the confusable lints warn on them, and the generated crates build with `-D warnings`.

use proc_macro2::{Ident, Span};

/// Strict and reserved keywords of edition 2021, plus the 2018 ones; each becomes `r#…`.
pub const KEYWORDS: [&str; 51] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield", "try",
];

/// Keywords that cannot be raw identifiers; they get a trailing `_` instead.
pub const NOT_RAW: [&str; 4] = ["crate", "self", "Self", "super"];

/// An ASCII rendering of `raw`: ASCII is kept, characters with an obvious ASCII reading
/// (superscript and other Unicode digits, full-width forms, mathematical letters, common Latin
/// accents) are replaced by it, and everything else becomes a space, which the casing functions
/// treat as a word break.
pub fn transliterate(raw: &str) -> String {
    if raw.is_ascii() {
        return raw.to_string();
    }
    let mut out = String::with_capacity(raw.len());
    for c in raw.chars() {
        match ascii_of(c) {
            Some(text) => out.push_str(&text),
            None => out.push(' '),
        }
    }
    out
}

fn ascii_of(c: char) -> Option<String> {
    if c.is_ascii() {
        return Some(c.to_string());
    }
    let code = c as u32;
    let digit = |d: u32| Some(char::from_digit(d, 10)?.to_string());
    match c {
        '⁰' => return digit(0),
        '¹' => return digit(1),
        '²' => return digit(2),
        '³' => return digit(3),
        '⁴'..='⁹' => return digit(code - '⁴' as u32 + 4),
        '₀'..='₉' => return digit(code - '₀' as u32),
        _ => {}
    }
    // Full-width ASCII forms.
    if (0xFF01..=0xFF5E).contains(&code) {
        return char::from_u32(code - 0xFF01 + 0x21).map(|c| c.to_string());
    }
    // Mathematical alphanumeric symbols: 13 alphabets of 52 letters, then 5 sets of 10 digits.
    if (0x1D400..=0x1D6A3).contains(&code) {
        let i = (code - 0x1D400) % 52;
        let letter = if i < 26 { b'A' + i as u8 } else { b'a' + (i - 26) as u8 };
        return Some((letter as char).to_string());
    }
    if (0x1D7CE..=0x1D7FF).contains(&code) {
        return digit((code - 0x1D7CE) % 10);
    }
    if let Some(d) = c.to_digit(10) {
        return digit(d);
    }
    // Decimal digits of other scripts (Arabic-Indic `٣`, Devanagari…) sit in runs of ten starting
    // at a zero; `is_numeric` alone would also admit fractions and Roman numerals.
    for zero in [0x0660, 0x06F0, 0x07C0, 0x0966, 0x09E6, 0x0A66, 0x0AE6, 0x0B66, 0x0BE6, 0x0C66, 0x0CE6, 0x0D66, 0x0E50, 0x0ED0, 0x0F20, 0x1040, 0x17E0, 0x1810] {
        if (zero..zero + 10).contains(&code) {
            return digit(code - zero);
        }
    }
    let latin = match c {
        'À'..='Å' | 'à'..='å' | 'ā' | 'ă' | 'ą' | 'Ā' | 'Ă' | 'Ą' => "a",
        'Æ' | 'æ' => "ae",
        'Ç' | 'ç' | 'ć' | 'č' | 'Ć' | 'Č' => "c",
        'È'..='Ë' | 'è'..='ë' | 'ē' | 'ę' | 'ě' | 'Ē' | 'Ę' | 'Ě' => "e",
        'Ì'..='Ï' | 'ì'..='ï' | 'ı' => "i",
        'Ñ' | 'ñ' | 'ń' | 'ň' => "n",
        'Ò'..='Ö' | 'Ø' | 'ò'..='ö' | 'ø' | 'ő' | 'Ő' => "o",
        'Ù'..='Ü' | 'ù'..='ü' | 'ů' | 'ű' => "u",
        'Ý' | 'ý' | 'ÿ' => "y",
        'ß' => "ss",
        'ł' | 'Ł' => "l",
        'ś' | 'š' | 'Ś' | 'Š' => "s",
        'ź' | 'ż' | 'ž' | 'Ź' | 'Ż' | 'Ž' => "z",
        _ => return None,
    };
    // Keep the case of the original letter so casing functions still see word starts.
    Some(if c.is_uppercase() { latin.to_uppercase() } else { latin.to_string() })
}

/// `name` as a valid identifier, whatever it is: `r#` asks for a raw identifier; characters
/// outside `[A-Za-z0-9_]` are transliterated or dropped; a leading digit gets `_`; keywords become
/// raw, or get a trailing `_` where raw is not allowed; nothing left gives `unnamed`.
pub fn sanitise(name: &str) -> String {
    let bare = name.strip_prefix("r#").unwrap_or(name);
    // Nearly every name is already plain ASCII: one copy, no transliteration pass.
    let mut out: String = if bare.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_') {
        bare.to_string()
    } else {
        transliterate(bare).chars().filter(|c| c.is_ascii_alphanumeric() || *c == '_').collect()
    };
    if out.bytes().all(|b| b == b'_') {
        out = format!("{out}unnamed");
    }
    if out.starts_with(|c: char| c.is_ascii_digit()) {
        out.insert(0, '_');
    }
    if NOT_RAW.contains(&out.as_str()) {
        out.push('_');
    } else if KEYWORDS.contains(&out.as_str()) {
        out.insert_str(0, "r#");
    }
    out
}

/// An identifier token for `name` (see `sanitise`); never panics.
pub fn ident(name: &str) -> Ident {
    let clean = sanitise(name);
    match clean.strip_prefix("r#") {
        Some(raw) => Ident::new_raw(raw, Span::call_site()),
        None => Ident::new(&clean, Span::call_site()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_input_gives_a_valid_identifier() {
        for (input, expected) in [
            ("²", "_2"),
            ("٣x", "_3x"),
            ("𝟙", "_1"),
            ("", "unnamed"),
            ("_", "_unnamed"),
            ("type", "r#type"),
            ("r#type", "r#type"),
            ("self", "self_"),
            ("Self", "Self_"),
            ("r#crate", "crate_"),
            ("café", "cafe"),
            ("日本", "unnamed"),
            ("Ｆｏｏ", "Foo"),
            ("𝐀b", "Ab"),
            ("foo_bar", "foo_bar"),
            ("Foo2", "Foo2"),
        ] {
            assert_eq!(sanitise(input), expected, "{input:?}");
            let _ = ident(input);
        }
    }
}
