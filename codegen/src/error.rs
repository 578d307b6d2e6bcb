//! The one error type every stage of the generator reports: where in which file, and what is wrong.

use std::fmt;

/// A problem found in a spec or overlay file, located by a JSON pointer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecError {
    /// The file the problem is in (as the user named it).
    pub file: String,
    /// RFC 6901 JSON pointer to the offending node ("" is the document root).
    pub pointer: String,
    /// What is wrong, in words.
    pub message: String,
}

impl SpecError {
    pub fn new(file: &str, pointer: impl Into<String>, message: impl Into<String>) -> Self {
        SpecError { file: file.to_string(), pointer: pointer.into(), message: message.into() }
    }
}

impl fmt::Display for SpecError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let pointer = if self.pointer.is_empty() { "(document root)" } else { &self.pointer };
        write!(f, "{}: at {}: {}", self.file, pointer, self.message)
    }
}

impl std::error::Error for SpecError {}

/// Escapes one JSON pointer reference token (RFC 6901 §4).
pub fn escape_token(token: &str) -> String {
    token.replace('~', "~0").replace('/', "~1")
}

/// Appends a token to a pointer.
pub fn child(pointer: &str, token: &str) -> String {
    format!("{pointer}/{}", escape_token(token))
}
