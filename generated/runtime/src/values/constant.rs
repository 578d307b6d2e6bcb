//! Schema constants (`const: "message"`, a one-value `enum`): one generic type for all of them.
//!
//! Each constant used to be a unit struct with its own derives and serde impls; over the ~500
//! constants of the two APIs that was a fifth of the OpenRouter crate's compile memory. Now a
//! constant is an alias of [`Const`] over a marker that only names the value, and every impl is
//! written once, here.

use serde::de::{self, Deserializer};
use serde::{Deserialize, Serialize, Serializer};
use std::fmt;
use std::hash::{Hash, Hasher};
use std::marker::PhantomData;

/// A field that can hold only one value, the schema's constant: it is filled in by the
/// constructors (`Default`), encodes as that value and decodes only from it.
///
/// ```
/// # use openrouter_langfuse_runtime::{Const, ConstLit, ConstValue};
/// enum Message {}
/// impl ConstValue for Message {
///     const VALUE: ConstLit = ConstLit::Str("message");
/// }
/// let kind = Const::<Message>::default();
/// assert_eq!(kind.value(), serde_json::json!("message"));
/// assert_eq!(format!("{kind:?}"), "\"message\"");
/// assert!(serde_json::from_str::<Const<Message>>("\"reply\"").is_err());
/// ```
pub struct Const<M>(PhantomData<M>);

/// The value a marker type stands for (implemented by the generated code).
#[doc(hidden)]
pub trait ConstValue {
    const VALUE: ConstLit;
}

/// A constant's value as a literal: `const` items cannot hold a `serde_json::Value`.
#[doc(hidden)]
#[derive(Debug, Clone, Copy)]
pub enum ConstLit {
    Str(&'static str),
    Bool(bool),
    Int(i64),
    Float(f64),
    /// `null`, an array or an object, as JSON text.
    Json(&'static str),
}

impl<M: ConstValue> Const<M> {
    /// The constant, as JSON.
    pub fn value(&self) -> serde_json::Value {
        match M::VALUE {
            ConstLit::Str(value) => value.into(),
            ConstLit::Bool(value) => value.into(),
            ConstLit::Int(value) => value.into(),
            ConstLit::Float(value) => value.into(),
            // Written by the generator from a parsed value, so it parses back.
            ConstLit::Json(text) => serde_json::from_slice(text.as_bytes()).unwrap_or(serde_json::Value::Null),
        }
    }
}

// Written out rather than derived: a derive would ask `M` for the same traits, and markers have none.
impl<M> Clone for Const<M> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<M> Copy for Const<M> {}

impl<M> Default for Const<M> {
    fn default() -> Self {
        Const(PhantomData)
    }
}

impl<M> PartialEq for Const<M> {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl<M> Eq for Const<M> {}

impl<M> Hash for Const<M> {
    fn hash<H: Hasher>(&self, _: &mut H) {}
}

impl<M: ConstValue> fmt::Debug for Const<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match M::VALUE {
            ConstLit::Str(value) => fmt::Debug::fmt(value, f),
            _ => fmt::Display::fmt(&self.value(), f),
        }
    }
}

impl<M: ConstValue> Serialize for Const<M> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match M::VALUE {
            ConstLit::Str(value) => serializer.serialize_str(value),
            ConstLit::Bool(value) => serializer.serialize_bool(value),
            ConstLit::Int(value) => serializer.serialize_i64(value),
            ConstLit::Float(value) => serializer.serialize_f64(value),
            ConstLit::Json(_) => self.value().serialize(serializer),
        }
    }
}

impl<'de, M: ConstValue> Deserialize<'de> for Const<M> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let found = serde_json::Value::deserialize(deserializer)?;
        // Text and boolean constants (nearly all of them, e.g. every streamed chunk's `object`) are
        // compared in place; building the expected value is left to the rest and to the error.
        let matches = match M::VALUE {
            ConstLit::Str(value) => found.as_str() == Some(value),
            ConstLit::Bool(value) => found.as_bool() == Some(value),
            _ => found == Self::default().value(),
        };
        if matches {
            Ok(Self::default())
        } else {
            let expected = Self::default().value();
            Err(de::Error::custom(format_args!("expected the constant {expected}, found {found}")))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    enum Flag {}
    impl ConstValue for Flag {
        const VALUE: ConstLit = ConstLit::Bool(true);
    }
    enum Version {}
    impl ConstValue for Version {
        const VALUE: ConstLit = ConstLit::Int(2);
    }
    enum Ratio {}
    impl ConstValue for Ratio {
        const VALUE: ConstLit = ConstLit::Float(0.5);
    }
    enum Shape {}
    impl ConstValue for Shape {
        const VALUE: ConstLit = ConstLit::Json(r#"{"kind":"square","sides":[1,2]}"#);
    }

    fn round_trip<M: ConstValue>(wire: serde_json::Value) {
        let value = Const::<M>::default();
        assert_eq!(serde_json::to_value(value).unwrap(), wire);
        assert_eq!(value.value(), wire);
        assert!(serde_json::from_value::<Const<M>>(wire).is_ok());
    }

    #[test]
    fn every_kind_of_constant_encodes_as_its_value_and_decodes_only_from_it() {
        round_trip::<Flag>(json!(true));
        round_trip::<Version>(json!(2));
        round_trip::<Ratio>(json!(0.5));
        round_trip::<Shape>(json!({"kind": "square", "sides": [1, 2]}));
        let error = serde_json::from_value::<Const<Shape>>(json!({"kind": "circle"})).unwrap_err().to_string();
        assert!(error.contains(r#"expected the constant {"kind":"square","sides":[1,2]}, found {"kind":"circle"}"#), "{error}");
        assert!(serde_json::from_value::<Const<Flag>>(json!("true")).is_err());
        assert_eq!(format!("{:?}", Const::<Version>::default()), "2");
    }
}
