//! File contents for uploads (`format: binary` in a schema).

use serde::{Deserialize, Serialize};

/// Bytes to upload, with the file name and media type the server should see.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Binary {
    /// The contents.
    pub bytes: Vec<u8>,
    /// The file name sent with the part.
    pub file_name: Option<String>,
    /// The part's media type (default `application/octet-stream`).
    pub content_type: Option<String>,
}

impl Binary {
    /// Bytes with a file name.
    pub fn new(bytes: impl Into<Vec<u8>>, file_name: impl Into<String>) -> Self {
        Binary { bytes: bytes.into(), file_name: Some(file_name.into()), content_type: None }
    }

    /// Sets the part's media type.
    pub fn with_content_type(mut self, content_type: impl Into<String>) -> Self {
        self.content_type = Some(content_type.into());
        self
    }
}

impl From<Vec<u8>> for Binary {
    fn from(bytes: Vec<u8>) -> Self {
        Binary { bytes, file_name: None, content_type: None }
    }
}

// In JSON a binary value can only travel as a sequence of byte values; uploads go through
// multipart parts, which carry the bytes as they are.
impl Serialize for Binary {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        self.bytes.serialize(serializer)
    }
}

impl<'de> Deserialize<'de> for Binary {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        Vec::<u8>::deserialize(deserializer).map(Binary::from)
    }
}
