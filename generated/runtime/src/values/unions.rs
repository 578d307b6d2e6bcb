//! Enums and unions: the macros generated types are declared with, and the generic
//! helpers their expansions call (so each type adds little code of its own).

use serde::de::{self, Deserializer, Visitor};
use serde::Deserialize;

use std::fmt;

/// A string enum: known values map to variants, anything else to `Unknown`.
#[doc(hidden)]
pub trait StrEnum: Sized {
    fn from_wire(value: &str) -> Self;
}

/// Deserializes a string enum from borrowed or owned strings.
#[doc(hidden)]
pub fn deserialize_str_enum<'de, D: Deserializer<'de>, T: StrEnum>(deserializer: D) -> Result<T, D::Error> {
    struct StrVisitor<T>(std::marker::PhantomData<T>);
    impl<T: StrEnum> Visitor<'_> for StrVisitor<T> {
        type Value = T;
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a string")
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<T, E> {
            Ok(T::from_wire(value))
        }
    }
    deserializer.deserialize_str(StrVisitor(std::marker::PhantomData))
}

/// Decodes one variant's payload from a buffered value. (No inner path: the error's position
/// in the body locates the union itself, see `json_path`.)
#[doc(hidden)]
pub fn decode_variant<'a, T: Deserialize<'a>>(value: &'a serde_json::Value) -> Result<T, String> {
    T::deserialize(value).map_err(|e| e.to_string())
}

/// The error for a tagged union whose payload failed to decode.
#[doc(hidden)]
pub fn variant_error<E: de::Error>(union: &str, variant: &str, tag: &str, reason: String) -> E {
    E::custom(format_args!("{union}::{variant} ({tag:?}): {reason}"))
}

/// The error for an untagged union no variant matched: every variant's reason, bounded.
#[doc(hidden)]
pub fn no_variant_error<E: de::Error>(union: &str, reasons: &[(&str, String)]) -> E {
    let listed: Vec<String> = reasons
        .iter()
        .map(|(variant, reason)| {
            let reason = match reason.char_indices().nth(200) {
                Some((cut, _)) => format!("{}…", &reason[..cut]),
                None => reason.clone(),
            };
            format!("{variant}: {reason}")
        })
        .collect();
    E::custom(format_args!("no variant of {union} matched: {}", listed.join("; ")))
}

/// Encodes an untagged union's member; a whole number member (`f64`) is written without a
/// fraction (`3`, not `3.0`), the form JSON servers send, so a decoded union re-encodes as sent.
#[doc(hidden)]
pub fn serialize_member<T: serde::Serialize + 'static, S: serde::Serializer>(value: &T, serializer: S) -> Result<S::Ok, S::Error> {
    match crate::object::whole_numbers(value) {
        Some(whole) => serde::Serialize::serialize(&whole, serializer),
        None => value.serialize(serializer),
    }
}

/// The tag of a tagged union, when the value is an object with a string there.
#[doc(hidden)]
pub fn tag_of<'a>(value: &'a serde_json::Value, tag: &str) -> Option<&'a str> {
    value.get(tag).and_then(serde_json::Value::as_str)
}

/// `Display` and `Serialize` of a string enum, as its wire text (`as_str`).
#[doc(hidden)]
#[macro_export]
macro_rules! wire_text_impls {
    ($name:ident) => {
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<_S: $crate::serde::Serializer>(&self, serializer: _S) -> Result<_S::Ok, _S::Error> {
                serializer.serialize_str(self.as_str())
            }
        }
    };
}

/// Declares an open string enum: known values, plus `Unknown` for values added after generation.
#[macro_export]
macro_rules! string_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $wire:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", $wire, "`")] $variant,)*
            /// A value this version of the client does not know (servers add values over time).
            Unknown(String),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                match self {
                    $($name::$variant => $wire,)*
                    $name::Unknown(value) => value,
                }
            }
        }

        impl $crate::StrEnum for $name {
            fn from_wire(value: &str) -> Self {
                match value {
                    $($wire => $name::$variant,)*
                    other => $name::Unknown(other.to_string()),
                }
            }
        }

        impl From<&str> for $name {
            fn from(value: &str) -> Self {
                <$name as $crate::StrEnum>::from_wire(value)
            }
        }

        $crate::wire_text_impls!($name);

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<_D: $crate::serde::Deserializer<'de>>(deserializer: _D) -> Result<Self, _D::Error> {
                $crate::deserialize_str_enum(deserializer)
            }
        }
    };
}

/// Checks that a one-value enum's wire value is its one value (see [`one_value_enum!`]).
#[doc(hidden)]
pub fn deserialize_one_value<'de, D: Deserializer<'de>>(deserializer: D, expected: &'static str) -> Result<(), D::Error> {
    struct OneValue(&'static str);
    impl Visitor<'_> for OneValue {
        type Value = ();
        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            write!(f, "the constant {:?}", self.0)
        }
        fn visit_str<E: de::Error>(self, value: &str) -> Result<(), E> {
            if value == self.0 {
                Ok(())
            } else {
                Err(E::custom(format_args!("expected the constant {:?}, found {value:?}", self.0)))
            }
        }
    }
    deserializer.deserialize_str(OneValue(expected))
}

/// Declares a string enum the spec allows one value of. It has the shape of every other string
/// enum (a variant per value, `#[non_exhaustive]`), so that when upstream adds a second value
/// the type gains variants (`Unknown` among them) instead of changing kind under its users.
/// Unlike an open enum it checks the value on decode, because untagged unions tell their
/// variants apart by such values. It holds no data, so it costs no space in its struct.
/// `Default` is the one value, which is how constructors fill it in. (A union member's tag stays
/// a `Const`: see `resolve::construction`.)
#[macro_export]
macro_rules! one_value_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $variant:ident => $wire:literal, }) => {
        $(#[$meta])*
        // The traits of `string_enum!` (no more, or a value added upstream would take one away),
        // and `Default` for constructors.
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Default)]
        #[non_exhaustive]
        pub enum $name {
            #[doc = concat!("`", $wire, "`")]
            #[default]
            $variant,
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_str(&self) -> &str {
                $wire
            }
        }

        $crate::wire_text_impls!($name);

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<_D: $crate::serde::Deserializer<'de>>(deserializer: _D) -> Result<Self, _D::Error> {
                $crate::deserialize_one_value(deserializer, $wire).map(|()| $name::$variant)
            }
        }
    };
}

/// `From` each listed variant type into a union (`"text".into()`, `ChatUserMessage::new(…).into()`).
#[macro_export]
macro_rules! union_from {
    ($name:ident { $($variant:ident($ty:ty),)* }) => {
        $(
            impl From<$ty> for $name {
                fn from(value: $ty) -> Self {
                    $name::$variant(value.into())
                }
            }
        )*
    };
}

/// Declares an open integer enum.
#[macro_export]
macro_rules! int_enum {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident => $value:literal,)* }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", stringify!($value), "`")] $variant,)*
            /// A value this version of the client does not know.
            Unknown(i64),
        }

        impl $name {
            /// The value as sent on the wire.
            pub fn as_i64(&self) -> i64 {
                match self {
                    $($name::$variant => $value,)*
                    $name::Unknown(value) => *value,
                }
            }

            /// The variant for a wire value.
            pub fn from_i64(value: i64) -> Self {
                match value {
                    $($value => $name::$variant,)*
                    other => $name::Unknown(other),
                }
            }
        }

        impl $crate::serde::Serialize for $name {
            fn serialize<_S: $crate::serde::Serializer>(&self, serializer: _S) -> Result<_S::Ok, _S::Error> {
                serializer.serialize_i64(self.as_i64())
            }
        }

        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<_D: $crate::serde::Deserializer<'de>>(deserializer: _D) -> Result<Self, _D::Error> {
                <i64 as $crate::serde::Deserialize>::deserialize(deserializer).map($name::from_i64)
            }
        }
    };
}

/// Declares a union told apart by a tag property; unknown tags keep the raw JSON. The optional
/// `Serialize: #[…];` and `Deserialize: #[…];` put an attribute (a `cfg`) on that impl.
#[macro_export]
macro_rules! tagged_union {
    ($(#[$meta:meta])* pub enum $name:ident { tag = $tag:literal; $($variant:ident = $value:literal => $ty:ty,)* } $(Serialize: #[$serialize:meta];)? $(Deserialize: #[$deserialize:meta];)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum $name {
            $(#[doc = concat!("`", $tag, ": ", $value, "`")] $variant($ty),)*
            /// A variant this version of the client does not know; the raw JSON is kept.
            Unknown($crate::serde_json::Value),
        }

        $(#[$serialize])?
        impl $crate::serde::Serialize for $name {
            fn serialize<_S: $crate::serde::Serializer>(&self, serializer: _S) -> Result<_S::Ok, _S::Error> {
                match self {
                    $($name::$variant(value) => $crate::serde::Serialize::serialize(value, serializer),)*
                    $name::Unknown(value) => $crate::serde::Serialize::serialize(value, serializer),
                }
            }
        }

        $(#[$deserialize])?
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<_D: $crate::serde::Deserializer<'de>>(deserializer: _D) -> Result<Self, _D::Error> {
                let value = <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                match $crate::tag_of(&value, $tag) {
                    $(Some($value) => $crate::decode_variant(&value)
                        .map($name::$variant)
                        .map_err(|reason| $crate::variant_error(stringify!($name), stringify!($variant), $value, reason)),)*
                    _ => Ok($name::Unknown(value)),
                }
            }
        }
    };
}

/// Declares a union without a tag: variants are tried in order, the first that decodes wins.
/// `Serialize: #[…];` and `Deserialize: #[…];` as for [`tagged_union!`].
#[macro_export]
macro_rules! untagged_union {
    ($(#[$meta:meta])* pub enum $name:ident { $($variant:ident($ty:ty),)* } $(Serialize: #[$serialize:meta];)? $(Deserialize: #[$deserialize:meta];)?) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub enum $name {
            $(#[allow(missing_docs)] $variant($ty),)*
        }

        $(#[$serialize])?
        impl $crate::serde::Serialize for $name {
            fn serialize<_S: $crate::serde::Serializer>(&self, serializer: _S) -> Result<_S::Ok, _S::Error> {
                match self {
                    $($name::$variant(value) => $crate::serialize_member(value, serializer),)*
                }
            }
        }

        $(#[$deserialize])?
        impl<'de> $crate::serde::Deserialize<'de> for $name {
            fn deserialize<_D: $crate::serde::Deserializer<'de>>(deserializer: _D) -> Result<Self, _D::Error> {
                let value = <$crate::serde_json::Value as $crate::serde::Deserialize>::deserialize(deserializer)?;
                let mut reasons: Vec<(&str, String)> = Vec::new();
                $(
                    match $crate::decode_variant::<$ty>(&value) {
                        Ok(decoded) => return Ok($name::$variant(decoded)),
                        Err(reason) => reasons.push((stringify!($variant), reason)),
                    }
                )*
                Err($crate::no_variant_error(stringify!($name), &reasons))
            }
        }
    };
}

/// Decimal numbers the API sends as strings (OpenRouter's prices: `"0.0000025"` USD per token),
/// read as numbers: `model.pricing.prompt.as_f64()`.
///
/// An accessor, not a number type for those fields: the spec types them as plain strings (no
/// format says which strings are decimals), the string keeps every digit the server sent (for
/// exact sums, parse it with a decimal crate), and changing the fields' type would break every
/// program that reads them as text. In the prelude.
///
/// ```
/// use openrouter_langfuse_runtime::DecimalText;
/// assert_eq!("0.0000025".as_f64(), Some(0.0000025));
/// assert_eq!(Some("-1".to_string()).as_f64(), Some(-1.0));
/// assert_eq!("free".as_f64(), None);
/// ```
pub trait DecimalText {
    /// The number the text spells (surrounding spaces allowed), or `None` when it spells none
    /// (or an infinite or NaN one).
    fn as_f64(&self) -> Option<f64>;
}

impl DecimalText for str {
    fn as_f64(&self) -> Option<f64> {
        self.trim().parse::<f64>().ok().filter(|value| value.is_finite())
    }
}

impl DecimalText for String {
    fn as_f64(&self) -> Option<f64> {
        self.as_str().as_f64()
    }
}

impl DecimalText for Option<String> {
    fn as_f64(&self) -> Option<f64> {
        self.as_deref().and_then(DecimalText::as_f64)
    }
}

#[cfg(test)]
mod tests {
    use super::DecimalText;

    #[test]
    fn decimal_strings_read_as_numbers_and_other_text_as_none() {
        assert_eq!("0.0000025".as_f64(), Some(0.0000025));
        assert_eq!(" 1e-6 ".to_string().as_f64(), Some(0.000001));
        assert_eq!(None::<String>.as_f64(), None);
        for not_a_number in ["", "free", "inf", "NaN", "0,5"] {
            assert_eq!(not_a_number.as_f64(), None, "{not_a_number:?}");
        }
    }
}
