//! How generated structs meet serde. Each struct implements [`Object`] (a table of its wire names
//! and one `match` over their indices) and encodes through [`ObjectWriter`] (one call per field):
//! generic functions here instead of serde's derives, because the derive emits a field enum with
//! its own visitor, a sequence visitor and a map visitor per type, and over the ~2,000 structs of
//! the two APIs that expansion was most of the crates' compile time.
//!
//! The same code keeps the keys a server sends that the spec does not declare, in [`Extra`].

use serde::de::{self, DeserializeSeed, Deserializer, MapAccess, Visitor};
use serde::ser::SerializeMap;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::sync::Arc;

use crate::Map;

/// Properties of an object that its schema does not declare: kept on decode, sent on encode.
///
/// Servers add fields before specs catch up (a chat completion's `provider`, a prompt's
/// `createdAt`); they land here instead of being dropped. On a request type, keys inserted here are
/// sent along with the declared fields, for parameters the spec does not list yet.
///
/// ```
/// # use openrouter_langfuse_runtime::Extra;
/// let mut extra = Extra::default();
/// extra.insert("provider", "OpenAI");
/// assert_eq!(extra.get("provider").and_then(|v| v.as_str()), Some("OpenAI"));
/// ```
#[derive(Clone, Default)]
pub struct Extra(Option<Arc<Kept>>);

/// What an `Extra` holds, shared copy-on-write: every decoded struct without undeclared keys or
/// `null`s points at one shared empty value, so `Extra` stays one pointer and decoding allocates
/// nothing for it.
#[derive(Clone, Default)]
struct Kept {
    keys: Map<serde_json::Value>,
    /// Indices (in declaration order) of the nullable and optional fields sent as `null`.
    nulls: Vec<u16>,
    /// Whether the value was decoded (not built): encoding then gives back what was sent,
    /// `null` where `null` was sent and nothing where nothing was.
    decoded: bool,
}

impl PartialEq for Extra {
    fn eq(&self, other: &Self) -> bool {
        self.len() == other.len() && self.iter().zip(other.iter()).all(|(a, b)| a == b)
    }
}

impl Extra {
    /// The value of an undeclared key.
    pub fn get(&self, key: &str) -> Option<&serde_json::Value> {
        self.0.as_ref().and_then(|kept| kept.keys.get(key))
    }

    /// Adds (or replaces) a key, returning the value it had.
    pub fn insert(&mut self, key: impl Into<String>, value: impl Into<serde_json::Value>) -> Option<serde_json::Value> {
        self.kept_mut().keys.insert(key.into(), value.into())
    }

    /// Removes a key, returning its value.
    pub fn remove(&mut self, key: &str) -> Option<serde_json::Value> {
        self.get(key)?;
        self.kept_mut().keys.shift_remove(key)
    }

    /// The keys and values, in the order the server sent them.
    pub fn iter(&self) -> impl Iterator<Item = (&String, &serde_json::Value)> {
        self.0.iter().flat_map(|kept| kept.keys.iter())
    }

    /// How many undeclared keys there are.
    pub fn len(&self) -> usize {
        self.0.as_ref().map_or(0, |kept| kept.keys.len())
    }

    /// True when the server sent only declared keys.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The `extra` of a struct being decoded: its encoding gives back what was sent.
    #[doc(hidden)]
    pub fn decoded() -> Self {
        static DECODED: std::sync::OnceLock<Arc<Kept>> = std::sync::OnceLock::new();
        Extra(Some(DECODED.get_or_init(|| Arc::new(Kept { decoded: true, ..Kept::default() })).clone()))
    }

    fn kept_mut(&mut self) -> &mut Kept {
        Arc::make_mut(self.0.get_or_insert_with(Default::default))
    }

    fn was_decoded(&self) -> bool {
        self.0.as_ref().is_some_and(|kept| kept.decoded)
    }

    /// Whether the field at `index` was sent as `null`; `None` for a value built, not decoded.
    fn sent_null(&self, index: usize) -> Option<bool> {
        let kept = self.0.as_ref().filter(|kept| kept.decoded)?;
        Some(kept.nulls.iter().any(|&at| usize::from(at) == index))
    }
}

/// Where a decoded struct's keys beyond its fields go, and what it remembers of how it was sent.
#[doc(hidden)]
pub trait Rest {
    /// The field at `index` was sent as `null`.
    fn sent_null(&mut self, index: u16);
}

impl Rest for Extra {
    fn sent_null(&mut self, index: u16) {
        self.kept_mut().nulls.push(index);
    }
}

/// A typed `additionalProperties` map keeps no record of `null`s (the struct has no `extra`).
impl<V> Rest for Map<V> {
    fn sent_null(&mut self, _index: u16) {}
}

impl fmt::Debug for Extra {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map().entries(self.iter()).finish()
    }
}

impl<'a> IntoIterator for &'a Extra {
    type Item = (&'a String, &'a serde_json::Value);
    type IntoIter = Box<dyn Iterator<Item = Self::Item> + 'a>;
    fn into_iter(self) -> Self::IntoIter {
        Box::new(self.iter())
    }
}

/// A generated struct's decoding: its fields by wire name, read from a JSON object.
#[doc(hidden)]
pub trait Object: Sized {
    /// The type's name, for "expected …" in errors.
    const NAME: &'static str;
    fn decode<'de, A: MapAccess<'de>>(map: A) -> Result<Self, A::Error>;
}

/// `Deserialize::deserialize` of every generated struct.
#[doc(hidden)]
pub fn deserialize_object<'de, D: Deserializer<'de>, T: Object>(deserializer: D) -> Result<T, D::Error> {
    struct ObjectVisitor<T>(std::marker::PhantomData<T>);
    impl<'de, T: Object> Visitor<'de> for ObjectVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "an object ({})", T::NAME)
        }
        fn visit_map<A: MapAccess<'de>>(self, map: A) -> Result<T, A::Error> {
            T::decode(map)
        }
    }
    deserializer.deserialize_map(ObjectVisitor(std::marker::PhantomData))
}

/// A key of an object being decoded: the index of a declared field, or an undeclared name.
#[doc(hidden)]
pub enum FieldKey {
    Known(usize),
    Unknown(String),
}

/// Reads one key and finds it in the struct's table of wire names. A scan of a static table,
/// not a `match` per struct: the generated code stays one line per struct, and for the dozen or so
/// fields of a typical object the scan is as fast as the compiled `match` was (see the decode
/// benchmark). No allocation for declared keys.
#[doc(hidden)]
pub struct Names(pub &'static [&'static str]);

impl Names {
    fn find(&self, key: &str) -> Option<usize> {
        self.0.iter().position(|name| *name == key)
    }
}

impl<'de> DeserializeSeed<'de> for Names {
    type Value = FieldKey;
    fn deserialize<D: Deserializer<'de>>(self, deserializer: D) -> Result<FieldKey, D::Error> {
        deserializer.deserialize_identifier(self)
    }
}

impl Visitor<'_> for Names {
    type Value = FieldKey;
    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a property name")
    }
    fn visit_str<E: de::Error>(self, key: &str) -> Result<FieldKey, E> {
        Ok(match self.find(key) {
            Some(index) => FieldKey::Known(index),
            None => FieldKey::Unknown(key.to_owned()),
        })
    }
    fn visit_string<E: de::Error>(self, key: String) -> Result<FieldKey, E> {
        Ok(match self.find(&key) {
            Some(index) => FieldKey::Known(index),
            None => FieldKey::Unknown(key),
        })
    }
    /// A key the tolerant decoder hands over again after its value failed (see `tolerant`):
    /// undeclared whatever its name, so its JSON lands in `extra`. JSON text never gives keys
    /// as bytes.
    fn visit_bytes<E: de::Error>(self, key: &[u8]) -> Result<FieldKey, E> {
        Ok(FieldKey::Unknown(String::from_utf8_lossy(key).into_owned()))
    }
}

// The readers below return a `Result` without `?` in the generated `match`: one `?` after it
// instead of one per arm keeps every struct's decoder to a single branch on errors, which is
// most of what type and borrow checking pay per field.

/// Reads a required field's value (`None` until its key is seen).
#[doc(hidden)]
pub fn read_required<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut Option<T>) -> Result<(), A::Error> {
    *slot = Some(map.next_value()?);
    Ok(())
}

/// Reads an optional, nullable or patch field's value, as its own type decodes it. In a tolerant
/// decode (see `tolerant`) a value that fails leaves the field `None` (its `null`), and the
/// decoder hands its key over again as an undeclared one, for `extra`.
#[doc(hidden)]
pub fn read_value<'de, A: MapAccess<'de>, T: Deserialize<'de>>(map: &mut A, slot: &mut T) -> Result<(), A::Error> {
    match map.next_value() {
        Ok(value) => *slot = value,
        Err(error) => {
            let none = T::deserialize(de::value::UnitDeserializer::<A::Error>::new());
            match none {
                Ok(none) if crate::tolerant::set_aside_failed_field() => *slot = none,
                _ => return Err(error),
            }
        }
    }
    Ok(())
}

/// Reads an optional or nullable field's value, remembering a `null` (so that encoding writes
/// it back); in a tolerant decode a value that fails leaves the field `None`, as `read_value`.
#[doc(hidden)]
pub fn read_opt<'de, A: MapAccess<'de>, T: Deserialize<'de>, R: Rest>(map: &mut A, slot: &mut Option<T>, rest: &mut R, index: u16) -> Result<(), A::Error> {
    match map.next_value::<Option<T>>() {
        Ok(value) => {
            if value.is_none() {
                rest.sent_null(index);
            }
            *slot = value;
        }
        Err(_) if crate::tolerant::set_aside_failed_field() => *slot = None,
        Err(error) => return Err(error),
    }
    Ok(())
}

/// Stores an undeclared key's value in the struct's own `additionalProperties` map. In a tolerant
/// decode a value that fails is dropped with its warning (there is no `extra` to keep it in).
#[doc(hidden)]
pub fn keep_declared<'de, A: MapAccess<'de>, V: Deserialize<'de>>(map: &mut A, rest: &mut Map<V>, key: String) -> Result<(), A::Error> {
    match map.next_value() {
        Ok(value) => {
            rest.insert(key, value);
        }
        Err(error) if !crate::tolerant::drop_failed_entry() => return Err(error),
        Err(_) => {}
    }
    Ok(())
}

/// Stores an undeclared key's value; a declared field the tolerant decoder set aside (see
/// `tolerant`) arrives here too, under its wire name.
#[doc(hidden)]
pub fn keep_extra<'de, A: MapAccess<'de>>(map: &mut A, extra: &mut Extra, key: String) -> Result<(), A::Error> {
    let value: serde_json::Value = map.next_value()?;
    extra.insert(key, value);
    Ok(())
}

/// A generated struct's `Serialize`: one call per field, no branch. The first error is kept and
/// the later entries skipped, so `end` returns what an early `?` would have.
///
/// A value that was decoded (its `extra` says so, see `begin_with`) is written as it was sent:
/// an optional field sent as `null` is written `null`, a nullable one that was absent is left
/// out, and a whole number in a number field is written without a fraction (`0`, not `0.0`: the
/// form JSON servers written in JavaScript, both APIs among them, send). The calls come in the
/// order of the struct's fields, which is how a field's index is known.
#[doc(hidden)]
pub struct ObjectWriter<'a, M: SerializeMap> {
    map: M,
    error: Option<M::Error>,
    sent: Option<&'a Extra>,
    field: usize,
}

impl<'a, M: SerializeMap> ObjectWriter<'a, M> {
    pub fn begin<S: serde::Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(serializer: S) -> Result<Self, M::Error> {
        Ok(Self { map: serializer.serialize_map(None)?, error: None, sent: None, field: 0 })
    }

    /// `begin` for a struct with an `extra`, which knows whether the value was decoded.
    pub fn begin_with<S: serde::Serializer<SerializeMap = M, Ok = M::Ok, Error = M::Error>>(serializer: S, extra: &'a Extra) -> Result<Self, M::Error> {
        Ok(Self { map: serializer.serialize_map(None)?, error: None, sent: extra.was_decoded().then_some(extra), field: 0 })
    }

    /// A required field, or a key of `extra`: always written.
    pub fn entry<T: Serialize + 'static>(&mut self, key: &str, value: &T) {
        self.field += 1;
        self.write(key, value);
    }

    fn write<T: Serialize + 'static>(&mut self, key: &str, value: &T) {
        if self.error.is_some() {
            return;
        }
        let written = match self.sent.and_then(|_| whole_numbers(value)) {
            Some(number) => self.map.serialize_entry(key, &number),
            None => self.map.serialize_entry(key, value),
        };
        if let Err(error) = written {
            self.error = Some(error);
        }
    }

    /// Whether the field being written was sent as `null` (`None`: the value was built).
    fn sent_null(&self) -> Option<bool> {
        self.sent.and_then(|extra| extra.sent_null(self.field))
    }

    /// An optional field: written when set, and `null` when it was sent as `null`.
    pub fn optional<T: Serialize + 'static>(&mut self, key: &str, value: &Option<T>) {
        match value {
            Some(value) => self.write(key, value),
            None if self.sent_null() == Some(true) => self.write(key, &()),
            None => {}
        }
        self.field += 1;
    }

    /// A required nullable field: written, `null` when unset, unless it was decoded from a body
    /// that left it out.
    pub fn nullable<T: Serialize + 'static>(&mut self, key: &str, value: &Option<T>) {
        match value {
            Some(value) => self.write(key, value),
            None if self.sent_null() == Some(false) => {}
            None => self.write(key, &()),
        }
        self.field += 1;
    }

    /// A field that tells absent from `null`: written unless absent.
    pub fn patch<T: Serialize + 'static>(&mut self, key: &str, value: &crate::Patch<T>) {
        if !value.is_absent() {
            self.write(key, value);
        }
        self.field += 1;
    }

    /// The struct's `additionalProperties` map, after the declared fields.
    pub fn entries<'v, V: Serialize + 'static>(&mut self, rest: impl IntoIterator<Item = (&'v String, &'v V)>) {
        for (key, value) in rest {
            self.write(key, value);
        }
    }

    /// The undeclared keys a decoded value kept, after the declared fields.
    pub fn extra(&mut self, extra: &Extra) {
        self.entries(extra.iter());
    }

    pub fn end(self) -> Result<M::Ok, M::Error> {
        match self.error {
            Some(error) => Err(error),
            None => self.map.end(),
        }
    }
}

/// A value holding whole `f64`s, with those written as integers (`0`, not `0.0`): the form a
/// decoded number was sent in. `f64` itself, boxed or tri-state, and maps and lists of them
/// (keys kept in order).
#[derive(Serialize)]
#[serde(untagged)]
pub(crate) enum WholeForm {
    One(serde_json::Value),
    Map(Map<serde_json::Value>),
    List(Vec<serde_json::Value>),
}

pub(crate) fn whole_numbers<T: 'static>(value: &T) -> Option<WholeForm> {
    let value = value as &dyn std::any::Any;
    let number = |n: f64| whole(n).map_or_else(|| serde_json::Value::from(n), serde_json::Value::from);
    let one = |n: f64| whole(n).map(|n| WholeForm::One(n.into()));
    if let Some(n) = value.downcast_ref::<f64>() {
        return one(*n);
    }
    if let Some(n) = value.downcast_ref::<Box<f64>>() {
        return one(**n);
    }
    if let Some(crate::Patch::Value(n)) = value.downcast_ref::<crate::Patch<f64>>() {
        return one(*n);
    }
    if let Some(map) = value.downcast_ref::<Map<f64>>() {
        return Some(WholeForm::Map(map.iter().map(|(key, n)| (key.clone(), number(*n))).collect()));
    }
    if let Some(list) = value.downcast_ref::<Vec<f64>>() {
        return Some(WholeForm::List(list.iter().map(|n| number(*n)).collect()));
    }
    None
}

fn whole(number: f64) -> Option<i64> {
    // Within ±2^53 every whole f64 is exactly an i64, and JavaScript writes it without a fraction.
    (number.fract() == 0.0 && number.abs() < 9_007_199_254_740_992.0 && !(number == 0.0 && number.is_sign_negative())).then_some(number as i64)
}

/// Writes the undeclared keys after the declared fields.
fn serialize_extra<M: SerializeMap>(map: &mut M, extra: &Extra) -> Result<(), M::Error> {
    for (key, value) in extra.iter() {
        map.serialize_entry(key, value)?;
    }
    Ok(())
}

impl Serialize for Extra {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let mut map = serializer.serialize_map(Some(self.len()))?;
        serialize_extra(&mut map, self)?;
        map.end()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::cell::Cell;
    use std::rc::Rc;

    /// A field value that fails to encode, or counts how often it was encoded.
    struct Probe {
        fail: bool,
        encoded: Rc<Cell<u32>>,
    }

    impl Serialize for Probe {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            self.encoded.set(self.encoded.get() + 1);
            if self.fail {
                return Err(serde::ser::Error::custom("probe refused"));
            }
            serializer.serialize_u32(1)
        }
    }

    struct Written(Vec<(&'static str, Probe)>, Option<u32>);

    impl Serialize for Written {
        fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
            let mut map = ObjectWriter::begin(serializer)?;
            for (key, probe) in &self.0 {
                map.entry(key, probe);
            }
            map.optional("absent", &None::<u32>);
            map.optional("present", &self.1);
            map.patch("cleared", &crate::Patch::<u32>::Null);
            map.patch("untouched", &crate::Patch::<u32>::Absent);
            map.end()
        }
    }

    #[test]
    fn the_object_writer_skips_what_is_absent_and_stops_at_the_first_error() {
        let count = Rc::new(Cell::new(0));
        let ok = Written(vec![("a", Probe { fail: false, encoded: count.clone() })], Some(7));
        assert_eq!(serde_json::to_string(&ok).unwrap(), r#"{"a":1,"present":7,"cleared":null}"#);

        let after_error = Rc::new(Cell::new(0));
        let failing = Written(
            vec![
                ("a", Probe { fail: false, encoded: count.clone() }),
                ("b", Probe { fail: true, encoded: count.clone() }),
                ("c", Probe { fail: false, encoded: after_error.clone() }),
            ],
            None,
        );
        let error = serde_json::to_string(&failing).unwrap_err().to_string();
        assert_eq!(error, "probe refused");
        assert_eq!(after_error.get(), 0, "entries after the first error are not encoded");
    }

    #[test]
    fn names_are_found_by_wire_name_and_unknown_keys_kept() {
        let names = Names(&["id", "type", "created_at"]);
        assert_eq!(names.find("created_at"), Some(2));
        assert_eq!(names.find("Created_At"), None);
        let key: FieldKey = names.deserialize(serde_json::Value::from("extra_key")).unwrap();
        assert!(matches!(key, FieldKey::Unknown(name) if name == "extra_key"));
    }
}
