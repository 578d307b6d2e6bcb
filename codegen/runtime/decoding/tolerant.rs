//! Tolerant decoding: a response or stream event whose *optional* field does not match the spec
//! still decodes, with that field left out, its JSON kept in the enclosing struct's `extra` under
//! its wire name, and a [`DecodeWarning`] saying where, what was found and what was expected;
//! a number sent as a numeric string (or the reverse) reads as the value, with a warning.
//!
//! It runs only after the strict decode (`serde_json::from_slice` into the generated type) failed,
//! so well-formed responses pay nothing and each type keeps one decoder (see the README's
//! "Compile cost"). Then the body is parsed once into a [`Node`] tree and decoded once more, from
//! that tree, through [`Walker`]: a deserializer that knows the JSON path of every value it hands
//! out. When an optional field's value fails, the generated decoder's `read_value` (in
//! `object`) leaves the field `None` and the walker hands the same key to the struct once more,
//! as an undeclared one, so its JSON lands in `extra` under its own name. A required field that
//! fails makes its object fail, which climbs to the nearest optional field, or to the top, where
//! the response fails as in strict mode. Two passes over the body whatever the number of
//! off-spec fields: the cost is linear.
//!
//! A `Node` rather than a `serde_json::Value`: its text borrows from the body and its objects are
//! lists in the body's order, so building it allocates once per object or array instead of once
//! per key and string (plus a map insertion per key); parsing a 30 MB body into `Value`s cost
//! three times its strict decode. Only a set-aside field becomes a `Value`, for `extra`.

use crate::json_path::{render, Segment};
use serde::de::value::BorrowedStrDeserializer;
use serde::de::{self, Deserialize, DeserializeSeed, Deserializer, IntoDeserializer, MapAccess, SeqAccess, Visitor};
use serde::ser::{Serialize, SerializeMap, SerializeSeq, Serializer};
use serde_json::{Number, Value};
use std::borrow::Cow;
use std::cell::RefCell;
use std::collections::BTreeSet;
use std::sync::Mutex;

/// A field of a response (or stream event) that did not decode as the spec says. Either the value
/// was decoded without it (an optional field left `None`, its JSON in the `extra` of the struct
/// that holds it, under its wire name), or a number sent as text (or the reverse) was read as
/// the value.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct DecodeWarning {
    /// JSON path of the field (`choices[0].error`, `.` for the top level); control characters in
    /// the server's keys are escaped and long keys cut.
    pub path: String,
    /// What was found there and what the spec expects (`invalid type: string "server_error",
    /// expected i32`; `at error.code: …` when the failure was inside the field), bounded to a
    /// few hundred bytes of server text with control characters escaped.
    pub expected: String,
}

impl std::fmt::Display for DecodeWarning {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.path, self.expected)
    }
}

/// How many warnings one body keeps (a hostile body can have millions of off-spec fields); the
/// decode itself goes on.
const MAX_WARNINGS: usize = 256;

/// Decodes `json` as `T` leaving out the optional fields that fail, after the strict decode failed
/// with `error`. Returns that original error (whose position refers to `json`) when the failure
/// is not in an optional field: a syntax error, a required field at the top, the top-level type.
pub fn decode_tolerant<T: de::DeserializeOwned>(json: &[u8], error: serde_json::Error) -> Result<(T, Vec<DecodeWarning>), serde_json::Error> {
    if !error.is_data() {
        return Err(error);
    }
    let Ok(value) = serde_json::from_slice::<Node<'_>>(json) else { return Err(error) };
    let previous = CONTEXT.with(|context| context.replace(Some(Context::default())));
    let decoded = T::deserialize(Walker { value: &value, path: &Path::Root });
    let context = CONTEXT.with(|context| context.replace(previous)).unwrap_or_default();
    match decoded {
        Ok(decoded) => Ok((decoded, context.warnings)),
        Err(_) => Err(error),
    }
}

/// The state of the tolerant decode running on this thread (decoding is synchronous).
#[derive(Default)]
struct Context {
    warnings: Vec<DecodeWarning>,
    /// The innermost failure not yet reported: its path and message.
    origin: Option<(String, String)>,
    /// The map whose current value just failed, and that value's path.
    failed: Option<(usize, String)>,
    /// The map told to hand its failed key over again, as an undeclared one.
    set_aside: Option<usize>,
    next_map: usize,
}

thread_local! {
    static CONTEXT: RefCell<Option<Context>> = const { RefCell::new(None) };
}

fn with_context<R>(f: impl FnOnce(&mut Context) -> R) -> Option<R> {
    CONTEXT.with(|context| context.borrow_mut().as_mut().map(f))
}

fn warn(context: &mut Context, path: String, expected: String) {
    if context.warnings.len() < MAX_WARNINGS {
        context.warnings.push(DecodeWarning { path: crate::report::clean(&path, crate::report::SHOWN), expected: crate::report::clean(&expected, crate::report::SHOWN) });
    }
}

/// Called by the generated decoder when an optional field's value failed: when a tolerant decode
/// is running and the failure came from its walker, records the warning, tells the walker to hand
/// the key over again for `extra`, and returns `true` (the field is then left `None`).
pub(crate) fn set_aside_failed_field() -> bool {
    with_context(|context| {
        let Some((map, path)) = context.failed.take() else { return false };
        let (at, message) = context.origin.take().unwrap_or_else(|| (path.clone(), "does not match the spec".to_string()));
        let expected = if at == path { message } else { format!("at {at}: {message}") };
        warn(context, path, expected);
        context.set_aside = Some(map);
        true
    })
    .unwrap_or(false)
}

/// Called when a value of a typed `additionalProperties` map failed: it is dropped (there is no
/// `extra` to keep it in), with its warning; `true` when a tolerant decode is running.
pub(crate) fn drop_failed_entry() -> bool {
    let set_aside = set_aside_failed_field();
    if set_aside {
        with_context(|context| context.set_aside = None);
    }
    set_aside
}

/// The JSON path of the value being decoded, as a chain on the stack.
enum Path<'a> {
    Root,
    Key(&'a Path<'a>, &'a str),
    Index(&'a Path<'a>, usize),
}

impl Path<'_> {
    fn render(&self) -> String {
        let mut segments = Vec::new();
        let mut at = self;
        loop {
            match at {
                Path::Root => break,
                Path::Key(parent, key) => {
                    segments.push(Segment::Key((*key).to_string()));
                    at = parent;
                }
                Path::Index(parent, index) => {
                    segments.push(Segment::Index(*index));
                    at = parent;
                }
            }
        }
        segments.reverse();
        render(&segments)
    }
}

/// Records `error` as the innermost failure, unless one inside it was recorded already.
fn failed(path: &Path<'_>, error: serde_json::Error) -> serde_json::Error {
    with_context(|context| {
        if context.origin.is_none() {
            context.origin = Some((path.render(), error.to_string()));
        }
    });
    error
}

/// A parsed body: like `serde_json::Value`, but its text borrows from the body where it can and
/// its objects keep the body's order (duplicate keys included, as the strict decode sees them).
enum Node<'a> {
    Null,
    Bool(bool),
    Number(Number),
    Text(Cow<'a, str>),
    Array(Vec<Node<'a>>),
    Object(Vec<(Cow<'a, str>, Node<'a>)>),
}

impl Node<'_> {
    /// As a `Value`, for `extra` (only set-aside fields are converted).
    fn to_value(&self) -> Value {
        match self {
            Node::Null => Value::Null,
            Node::Bool(b) => Value::Bool(*b),
            Node::Number(n) => Value::Number(n.clone()),
            Node::Text(text) => Value::String(text.to_string()),
            Node::Array(items) => Value::Array(items.iter().map(Node::to_value).collect()),
            Node::Object(entries) => Value::Object(entries.iter().map(|(key, value)| (key.to_string(), value.to_value())).collect()),
        }
    }
}

impl<'de> Deserialize<'de> for Node<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        deserializer.deserialize_any(NodeVisitor)
    }
}

struct NodeVisitor;

impl<'de> Visitor<'de> for NodeVisitor {
    type Value = Node<'de>;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("any JSON value")
    }
    fn visit_bool<E>(self, value: bool) -> Result<Node<'de>, E> {
        Ok(Node::Bool(value))
    }
    fn visit_i64<E>(self, value: i64) -> Result<Node<'de>, E> {
        Ok(Node::Number(value.into()))
    }
    fn visit_u64<E>(self, value: u64) -> Result<Node<'de>, E> {
        Ok(Node::Number(value.into()))
    }
    fn visit_f64<E>(self, value: f64) -> Result<Node<'de>, E> {
        // As `Value` does: JSON has no NaN or infinity, so this is only a guard.
        Ok(Number::from_f64(value).map_or(Node::Null, Node::Number))
    }
    fn visit_borrowed_str<E>(self, value: &'de str) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Borrowed(value)))
    }
    fn visit_str<E>(self, value: &str) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Owned(value.to_string())))
    }
    fn visit_string<E>(self, value: String) -> Result<Node<'de>, E> {
        Ok(Node::Text(Cow::Owned(value)))
    }
    fn visit_unit<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_none<E>(self) -> Result<Node<'de>, E> {
        Ok(Node::Null)
    }
    fn visit_some<D: Deserializer<'de>>(self, deserializer: D) -> Result<Node<'de>, D::Error> {
        Node::deserialize(deserializer)
    }
    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Node<'de>, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0).min(4096));
        while let Some(item) = seq.next_element()? {
            items.push(item);
        }
        Ok(Node::Array(items))
    }
    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Node<'de>, A::Error> {
        let mut entries = Vec::with_capacity(map.size_hint().unwrap_or(0).min(4096));
        while let Some(Key(key)) = map.next_key()? {
            // serde_json's `arbitrary_precision`, on when any crate in the build asks for it, hands
            // each number over as a map of this one key to its text (`Value` reads it the same way).
            if entries.is_empty() && key == NUMBER_TOKEN {
                let Key(text) = map.next_value()?;
                return text.parse().map(Node::Number).map_err(de::Error::custom);
            }
            entries.push((key, map.next_value()?));
        }
        Ok(Node::Object(entries))
    }
}

/// The key of serde_json's number map (`serde_json::Number`'s own deserializer names it so).
const NUMBER_TOKEN: &str = "$serde_json::private::Number";

/// A key, borrowed from the body unless it has escapes (serde's `Cow<str>` always copies).
struct Key<'a>(Cow<'a, str>);

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        match Node::deserialize(deserializer)? {
            Node::Text(text) => Ok(Key(text)),
            _ => Err(de::Error::custom("a key that is not text")),
        }
    }
}

/// Writes the node as JSON, in the body's order (text sent as a value reads as this).
impl Serialize for Node<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self {
            Node::Null => serializer.serialize_unit(),
            Node::Bool(b) => serializer.serialize_bool(*b),
            Node::Number(n) => n.serialize(serializer),
            Node::Text(text) => serializer.serialize_str(text),
            Node::Array(items) => {
                let mut seq = serializer.serialize_seq(Some(items.len()))?;
                for item in items {
                    seq.serialize_element(item)?;
                }
                seq.end()
            }
            Node::Object(entries) => {
                let mut map = serializer.serialize_map(Some(entries.len()))?;
                for (key, value) in entries {
                    map.serialize_entry(key, value)?;
                }
                map.end()
            }
        }
    }
}

/// A deserializer over a parsed body that knows where it is, sets aside failed optional fields
/// (with `object::read_value`) and reads numbers sent as text, and text sent as numbers.
struct Walker<'de, 'p> {
    value: &'de Node<'de>,
    path: &'p Path<'p>,
}

impl<'de> Walker<'de, '_> {
    /// A number sent as a string where the spec says number: the number, with a warning.
    fn number_in_text(&self) -> Option<Number> {
        let Node::Text(text) = self.value else { return None };
        let number: Number = text.trim().parse().ok()?;
        with_context(|context| warn(context, self.path.render(), format!("found the string {text:?} where the spec says number: read as {number}")));
        Some(number)
    }

    /// Text the spec declares, sent as a number (or an object or array, such as tool-call
    /// `arguments` sent as an object): its JSON text, with a warning.
    fn text_of_value(&self) -> Option<String> {
        let found = match self.value {
            Node::Number(_) => "a number",
            Node::Object(_) => "an object",
            Node::Array(_) => "an array",
            _ => return None,
        };
        let text = serde_json::to_string(self.value).ok()?;
        with_context(|context| warn(context, self.path.render(), format!("found {found} where the spec says string: read as its JSON text")));
        Some(text)
    }
}

macro_rules! numbers {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            match self.number_in_text() {
                Some(number) => number.$method(visitor).map_err(|e| failed(self.path, e)),
                None => self.deserialize_any(visitor),
            }
        }
    )*};
}

// The visitor's own error for a value of another kind is the one `Value` gives
// (`invalid type: string "x", expected i32`).
macro_rules! any {
    ($($method:ident)*) => {$(
        fn $method<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
            self.deserialize_any(visitor)
        }
    )*};
}

impl<'de> Deserializer<'de> for Walker<'de, '_> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        let result = match self.value {
            Node::Null => visitor.visit_unit(),
            Node::Bool(b) => visitor.visit_bool(*b),
            Node::Number(n) => n.deserialize_any(visitor),
            Node::Text(text) => visitor.visit_borrowed_str(text.as_ref()),
            Node::Array(items) => visitor.visit_seq(SeqWalker { items: items.iter(), index: 0, path: self.path }),
            Node::Object(entries) => visitor.visit_map(MapWalker::new(entries, self.path)),
        };
        result.map_err(|e| failed(self.path, e))
    }

    fn deserialize_option<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.value {
            Node::Null => visitor.visit_none(),
            _ => visitor.visit_some(self),
        }
    }

    fn deserialize_newtype_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_newtype_struct(self)
    }

    fn deserialize_str<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        match self.text_of_value() {
            Some(text) => visitor.visit_string(text),
            None => self.deserialize_any(visitor),
        }
    }

    fn deserialize_string<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.deserialize_str(visitor)
    }

    fn deserialize_struct<V: Visitor<'de>>(self, _name: &'static str, _fields: &'static [&'static str], visitor: V) -> Result<V::Value, serde_json::Error> {
        self.deserialize_map(visitor)
    }

    fn deserialize_tuple<V: Visitor<'de>>(self, _len: usize, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_tuple_struct<V: Visitor<'de>>(self, _name: &'static str, _len: usize, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.deserialize_seq(visitor)
    }

    fn deserialize_unit_struct<V: Visitor<'de>>(self, _name: &'static str, visitor: V) -> Result<V::Value, serde_json::Error> {
        self.deserialize_any(visitor)
    }

    fn deserialize_enum<V: Visitor<'de>>(self, name: &'static str, variants: &'static [&'static str], visitor: V) -> Result<V::Value, serde_json::Error> {
        let result = match self.value {
            Node::Text(text) => visitor.visit_enum(BorrowedStrDeserializer::new(text.as_ref())),
            // An externally tagged variant with data; no generated type has one.
            other => other.to_value().deserialize_enum(name, variants, visitor),
        };
        result.map_err(|e| failed(self.path, e))
    }

    fn deserialize_ignored_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_unit()
    }

    numbers! { deserialize_i8 deserialize_i16 deserialize_i32 deserialize_i64 deserialize_i128 deserialize_u8 deserialize_u16 deserialize_u32 deserialize_u64 deserialize_u128 deserialize_f32 deserialize_f64 }
    any! { deserialize_bool deserialize_char deserialize_bytes deserialize_byte_buf deserialize_unit deserialize_identifier deserialize_seq deserialize_map }
}

struct SeqWalker<'de, 'p> {
    items: std::slice::Iter<'de, Node<'de>>,
    index: usize,
    path: &'p Path<'p>,
}

impl<'de> SeqAccess<'de> for SeqWalker<'de, '_> {
    type Error = serde_json::Error;

    fn next_element_seed<T: DeserializeSeed<'de>>(&mut self, seed: T) -> Result<Option<T::Value>, serde_json::Error> {
        let Some(value) = self.items.next() else { return Ok(None) };
        let path = Path::Index(self.path, self.index);
        self.index += 1;
        // An element is never left out alone (that would renumber the array): its failure is
        // the array's, and climbs to the field that holds it.
        seed.deserialize(Walker { value, path: &path }).map(Some).map_err(|e| failed(&path, e))
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.items.len())
    }
}

struct MapWalker<'de, 'p> {
    entries: std::slice::Iter<'de, (Cow<'de, str>, Node<'de>)>,
    path: &'p Path<'p>,
    id: usize,
    /// The entry whose value is read next.
    current: Option<&'de (Cow<'de, str>, Node<'de>)>,
    /// The entry whose value failed, handed over once more as an undeclared key when its field
    /// was optional.
    failed: Option<&'de (Cow<'de, str>, Node<'de>)>,
    /// Whether `current` is such a set-aside entry, read as it is.
    raw: bool,
}

impl<'de, 'p> MapWalker<'de, 'p> {
    fn new(entries: &'de [(Cow<'de, str>, Node<'de>)], path: &'p Path<'p>) -> Self {
        let id = with_context(|context| {
            context.next_map += 1;
            context.next_map
        })
        .unwrap_or_default();
        MapWalker { entries: entries.iter(), path, id, current: None, failed: None, raw: false }
    }
}

impl<'de> MapAccess<'de> for MapWalker<'de, '_> {
    type Error = serde_json::Error;

    fn next_key_seed<K: DeserializeSeed<'de>>(&mut self, seed: K) -> Result<Option<K::Value>, serde_json::Error> {
        if let Some(entry) = self.failed.take() {
            let id = self.id;
            if with_context(|context| context.set_aside.take_if(|map| *map == id).is_some()).unwrap_or(false) {
                self.current = Some(entry);
                self.raw = true;
                // Bytes, not a string: the generated decoders' key lookup (`object::Names`) reads
                // a key given as bytes as undeclared, whatever its name.
                return seed.deserialize(SetAsideKey(entry.0.as_ref())).map(Some);
            }
        }
        let Some(entry) = self.entries.next() else { return Ok(None) };
        self.current = Some(entry);
        self.raw = false;
        seed.deserialize(entry.0.as_ref().into_deserializer()).map(Some)
    }

    fn next_value_seed<V: DeserializeSeed<'de>>(&mut self, seed: V) -> Result<V::Value, serde_json::Error> {
        let Some(entry) = self.current.take() else { return Err(de::Error::custom("a value without its key")) };
        let (key, value) = entry;
        if self.raw {
            return seed.deserialize(value.to_value());
        }
        let path = Path::Key(self.path, key.as_ref());
        seed.deserialize(Walker { value, path: &path }).map_err(|error| {
            let error = failed(&path, error);
            self.failed = Some(entry);
            let id = self.id;
            with_context(|context| context.failed = Some((id, path.render())));
            error
        })
    }

    fn size_hint(&self) -> Option<usize> {
        Some(self.entries.len())
    }
}

/// A set-aside key, given to the key visitor as bytes (see `MapWalker::next_key_seed`).
struct SetAsideKey<'de>(&'de str);

impl<'de> Deserializer<'de> for SetAsideKey<'de> {
    type Error = serde_json::Error;

    fn deserialize_any<V: Visitor<'de>>(self, visitor: V) -> Result<V::Value, serde_json::Error> {
        visitor.visit_borrowed_bytes(self.0.as_bytes())
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf option unit
        unit_struct newtype_struct seq tuple tuple_struct map struct enum identifier ignored_any
    }
}

/// Logs each warning once per operation and path (array indices ignored, so a stream or a list
/// with the same deviation in every item logs it once), as a `tracing` warning. Paths and texts
/// are already bounded and escaped.
pub(crate) fn log_once(operation: &'static str, warnings: &[DecodeWarning]) {
    // Bounded: a server with ever-new paths cannot grow it without limit.
    const MAX_REMEMBERED: usize = 1024;
    static SEEN: Mutex<BTreeSet<(&'static str, String)>> = Mutex::new(BTreeSet::new());
    for warning in warnings {
        let key = (operation, without_indices(&warning.path));
        let first = match SEEN.lock() {
            Ok(mut seen) => seen.len() < MAX_REMEMBERED && seen.insert(key),
            Err(_) => false,
        };
        if first {
            tracing::warn!(
                operation,
                path = %warning.path,
                expected = %warning.expected,
                "a response field did not decode as the spec says: left out with its JSON kept in `extra`, or read from text (Config::with_strict_decoding makes this an error)"
            );
        }
    }
}

fn without_indices(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    let mut in_index = false;
    for c in path.chars() {
        match c {
            '[' => {
                in_index = true;
                out.push_str("[]");
            }
            ']' => in_index = false,
            _ if in_index => {}
            _ => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Deserialize;

    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Error {
        code: i32,
        message: String,
    }
    #[derive(Deserialize, Debug)]
    #[allow(dead_code)]
    struct Chunk {
        id: String,
        error: Option<Error>,
        usage: Option<u32>,
        #[serde(default)]
        list: Vec<u32>,
    }

    fn tolerant(json: &str) -> Result<(Chunk, Vec<DecodeWarning>), String> {
        let error = serde_json::from_str::<Chunk>(json).expect_err("the strict decode fails");
        decode_tolerant::<Chunk>(json.as_bytes(), error).map_err(|e| e.to_string())
    }

    #[test]
    fn numbers_sent_as_text_read_as_numbers_with_a_warning() {
        let (chunk, warnings) = tolerant(r#"{"id": 5, "usage": "7"}"#).unwrap();
        assert_eq!((chunk.id.as_str(), chunk.usage), ("5", Some(7)));
        assert_eq!(warnings.len(), 2, "{warnings:?}");
        assert_eq!(warnings[0].path, "id");
        assert_eq!(warnings[1].path, "usage");
        assert!(warnings[1].expected.contains("found the string \"7\""), "{}", warnings[1].expected);
    }

    #[test]
    fn a_failing_required_field_at_the_top_fails_as_strict_does() {
        let error = tolerant(r#"{"id": true, "usage": 7}"#).unwrap_err();
        assert!(error.contains("invalid type: boolean `true`"), "{error}");
    }

    #[test]
    fn syntax_errors_are_not_tolerated() {
        let error = tolerant(r#"{"id": "a", "usage": 7"#).unwrap_err();
        assert!(error.contains("EOF"), "{error}");
    }

    #[test]
    fn the_walker_reads_any_value_as_it_is() {
        let value = serde_json::json!({"a": [1, 2.5, "x", null, {"b": true}]});
        let text = value.to_string();
        let node: Node<'_> = serde_json::from_str(&text).unwrap();
        assert_eq!(Value::deserialize(Walker { value: &node, path: &Path::Root }).unwrap(), value);
        assert_eq!(serde_json::to_string(&node).unwrap(), text);
        // A number as serde_json's `arbitrary_precision` hands it over.
        let number: Node<'_> = serde_json::from_str(r#"{"$serde_json::private::Number": "12.5"}"#).unwrap();
        assert_eq!(number.to_value(), serde_json::json!(12.5));
        assert_eq!(without_indices("choices[12].error.metadata"), "choices[].error.metadata");
    }
}
