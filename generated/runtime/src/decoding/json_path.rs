//! The JSON path of a decode error, found after the fact from the error's line and column.
//!
//! Tracking the path while decoding (a wrapping deserializer) doubles the code compiled for every
//! generated type; decode failures are rare, so the path is recovered instead by scanning the
//! body up to where serde_json stopped. One function, compiled once.

/// The path (`data[3].pricing.prompt`, `.` at the top level) of the value serde_json was reading
/// at `line`:`column` (1-based, as `serde_json::Error` reports them; column counts bytes).
///
/// serde_json reports the last byte it read: inside or at the end of a scalar, the path names
/// that scalar; at the `}`/`]` that closes a container (a missing field, or a union none of whose
/// variants matched), it names the container.
pub fn path_at(json: &[u8], line: usize, column: usize) -> String {
    render(&segments_at(json, line, column))
}

/// One step of a JSON path: an object's key or an array's index.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Segment {
    Key(String),
    Index(usize),
}

/// The path of [`path_at`] as steps, for code that walks to the value (the tolerant decoder).
pub fn segments_at(json: &[u8], line: usize, column: usize) -> Vec<Segment> {
    let offset = offset_of(json, line, column);
    let mut stack: Vec<Frame> = Vec::new();
    let mut i = 0;
    while i < offset {
        match json[i] {
            b'"' => {
                let (text, end) = string_at(json, i);
                if let Some(Frame::Object { key, expecting_key }) = stack.last_mut() {
                    if *expecting_key {
                        *key = Some(text);
                        *expecting_key = false;
                    }
                }
                // A string that runs past the error offset is the value that failed.
                if end >= offset {
                    break;
                }
                i = end;
            }
            b'{' => stack.push(Frame::Object { key: None, expecting_key: true }),
            b'[' => stack.push(Frame::Array { index: 0 }),
            b'}' | b']' => {
                stack.pop();
            }
            b',' => match stack.last_mut() {
                Some(Frame::Object { expecting_key, .. }) => *expecting_key = true,
                Some(Frame::Array { index }) => *index += 1,
                None => {}
            },
            _ => {}
        }
        i += 1;
    }
    // At a closing bracket the failing value is the container itself, not its last member.
    if matches!(json.get(offset), Some(b'}' | b']')) {
        stack.pop();
    }
    stack
        .into_iter()
        .filter_map(|frame| match frame {
            Frame::Object { key, .. } => key.map(Segment::Key),
            Frame::Array { index } => Some(Segment::Index(index)),
        })
        .collect()
}

/// A failed decode as (path, message without serde_json's "at line … column …").
pub fn located(json: &[u8], error: &serde_json::Error) -> (String, String) {
    let path = path_at(json, error.line(), error.column());
    let message = error.to_string();
    let suffix = format!(" at line {} column {}", error.line(), error.column());
    let message = message.strip_suffix(&suffix).map(str::to_string).unwrap_or(message);
    (path, message)
}

enum Frame {
    Object { key: Option<String>, expecting_key: bool },
    Array { index: usize },
}

/// `data[3].pricing.prompt`; `.` for the top level.
pub fn render(segments: &[Segment]) -> String {
    let mut path = String::new();
    for segment in segments {
        match segment {
            Segment::Key(key) => {
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(key);
            }
            Segment::Index(index) => path.push_str(&format!("[{index}]")),
        }
    }
    if path.is_empty() {
        path.push('.');
    }
    path
}

/// The byte index of 1-based `line`:`column`; past the end when the error was at the end.
fn offset_of(json: &[u8], line: usize, column: usize) -> usize {
    let mut start = 0;
    for _ in 1..line {
        match json[start..].iter().position(|&b| b == b'\n') {
            Some(newline) => start += newline + 1,
            None => return json.len(),
        }
    }
    (start + column.saturating_sub(1)).min(json.len())
}

/// The text of the string starting at `json[start] == b'"'`, and the index of its closing quote
/// (or the end of the input). Escapes are undone for `\"`, `\\` and `\/`; others are kept as written.
fn string_at(json: &[u8], start: usize) -> (String, usize) {
    let mut text = Vec::new();
    let mut i = start + 1;
    while i < json.len() {
        match json[i] {
            b'"' => return (String::from_utf8_lossy(&text).into_owned(), i),
            b'\\' if i + 1 < json.len() => {
                match json[i + 1] {
                    escaped @ (b'"' | b'\\' | b'/') => text.push(escaped),
                    other => text.extend_from_slice(&[b'\\', other]),
                }
                i += 2;
            }
            byte => {
                text.push(byte);
                i += 1;
            }
        }
    }
    (String::from_utf8_lossy(&text).into_owned(), json.len())
}

#[cfg(test)]
mod tests {
    use super::path_at;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Pricing {
        prompt: String,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Model {
        id: String,
        pricing: Pricing,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Models {
        data: Vec<Model>,
    }

    fn path_of_error(json: &str) -> String {
        let error = serde_json::from_str::<Models>(json).unwrap_err();
        path_at(json.as_bytes(), error.line(), error.column())
    }

    #[test]
    fn a_wrong_scalar_is_named_with_its_index_and_key() {
        let json = r#"{"data": [{"id": "a", "pricing": {"prompt": "1"}}, {"id": "b", "pricing": {"prompt": 2}}]}"#;
        assert_eq!(path_of_error(json), "data[1].pricing.prompt");
    }

    #[test]
    fn a_missing_field_names_the_object_that_lacks_it() {
        let json = "{\"data\": [\n  {\"id\": \"a\", \"pricing\": {}}\n]}";
        assert_eq!(path_of_error(json), "data[0].pricing");
    }

    #[test]
    fn keys_with_escapes_and_strings_with_brackets_do_not_confuse_it() {
        let json = r#"{"data": [{"id": "x}],{\"", "pricing": {"prompt": false}}]}"#;
        assert_eq!(path_of_error(json), "data[0].pricing.prompt");
    }

    #[test]
    fn the_top_level_is_a_dot() {
        assert_eq!(path_of_error("true"), ".");
        assert_eq!(path_of_error("{\"data\": true}"), "data");
    }
}
