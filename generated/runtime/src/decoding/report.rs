//! Server text in what the client reports (`Display`, `Debug`, warnings, log lines): bounded and
//! with control characters escaped, so a response can neither flood a log nor forge a line or a
//! terminal escape in it. The whole body stays available through `Error::body`.

use std::fmt::{self, Write};

/// How many bytes of a server's text a report shows before "… N bytes more".
pub(crate) const SHOWN: usize = 300;

/// `text` with control characters escaped (`\n`, `\u{1b}`), at most `limit` bytes of it, then
/// "… N bytes more" counting what was left out of the original.
pub(crate) fn clean(text: &str, limit: usize) -> String {
    let mut out = String::new();
    // Writing to a String cannot fail.
    let _ = write_clean(&mut out, text, limit);
    out
}

/// [`clean`], written to a formatter.
pub(crate) fn write_clean(f: &mut impl Write, text: &str, limit: usize) -> fmt::Result {
    let mut shown = 0;
    for (at, c) in text.char_indices() {
        if shown >= limit {
            return write!(f, "… {} bytes more", text.len() - at);
        }
        if c.is_control() {
            write!(f, "{}", c.escape_default())?;
        } else {
            f.write_char(c)?;
        }
        shown += c.len_utf8();
    }
    Ok(())
}

/// The first bytes of a body as cleaned text, like [`clean`] (invalid UTF-8 shown as U+FFFD).
pub(crate) fn clean_bytes(body: &[u8], limit: usize) -> String {
    // Only the first `limit` bytes (and a character's tail) are decoded; the rest is counted.
    let head = &body[..body.len().min(limit.saturating_add(4))];
    let text = String::from_utf8_lossy(head);
    let kept = clean_prefix_len(&text, limit);
    let mut out = String::new();
    let _ = write_clean(&mut out, &text[..kept], usize::MAX);
    if kept < text.len() || body.len() > head.len() {
        out.push_str(&format!("… {} bytes more", body.len().saturating_sub(kept)));
    }
    out
}

/// How many bytes of `text` [`clean`] shows with `limit`.
fn clean_prefix_len(text: &str, limit: usize) -> usize {
    let mut shown = 0;
    for (at, c) in text.char_indices() {
        if shown >= limit {
            return at;
        }
        shown += c.len_utf8();
    }
    text.len()
}

/// `Debug` of a value, cleaned and bounded like server text: a typed error body or a JSON value
/// is the server's content too.
pub(crate) struct Capped<'a, T: ?Sized>(pub &'a T);

impl<T: fmt::Debug + ?Sized> fmt::Debug for Capped<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut writer = CappedWriter { out: f, shown: 0, left_out: 0 };
        write!(writer, "{:?}", self.0)?;
        if writer.left_out > 0 {
            let left_out = writer.left_out;
            write!(writer.out, "… {left_out} bytes more")?;
        }
        Ok(())
    }
}

/// Writes the first [`SHOWN`] bytes, escaped, and counts the rest without keeping it.
struct CappedWriter<'a, 'b> {
    out: &'a mut fmt::Formatter<'b>,
    shown: usize,
    left_out: usize,
}

impl Write for CappedWriter<'_, '_> {
    fn write_str(&mut self, text: &str) -> fmt::Result {
        for c in text.chars() {
            if self.shown >= SHOWN {
                self.left_out += c.len_utf8();
            } else if c.is_control() {
                write!(self.out, "{}", c.escape_default())?;
                self.shown += c.len_utf8();
            } else {
                self.out.write_char(c)?;
                self.shown += c.len_utf8();
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn control_characters_are_escaped_and_long_text_cut() {
        assert_eq!(clean("oops\n INFO forged\x1b[31m\r", 100), "oops\\n INFO forged\\u{1b}[31m\\r");
        let long = "é".repeat(1000);
        let cut = clean(&long, 10);
        assert_eq!(cut, format!("{}… 1990 bytes more", "é".repeat(5)));
        assert_eq!(clean_bytes(long.as_bytes(), 10), cut);
        assert_eq!(clean_bytes(b"short", 10), "short");
        let debug = format!("{:?}", Capped(&"x\n".repeat(1000)));
        assert!(debug.len() < SHOWN + 40 && debug.ends_with("bytes more") && !debug.contains('\n'), "{debug}");
    }
}
