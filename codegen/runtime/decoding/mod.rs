//! Decoding and tolerance: structs' serde (`Object`, `ObjectWriter`, `Extra`), the tolerant reader, JSON paths of failures, bounded reports of server text.

pub(crate) mod json_path;
pub(crate) mod object;
pub(crate) mod report;
pub(crate) mod tolerant;
