//! Support code shared by every generated type and operation, in folders by concern:
//! `transport/` (HTTP, auth, retries, errors), `decoding/` (structs' serde, the tolerant reader,
//! bounded reports), `streaming/` (SSE, event streams, pagination), `values/` (enums, unions,
//! constants, `Patch`) and `observe/` (OpenRouter calls recorded in Langfuse).
//!
//! Written into the generated crates by `cargo xtask regen` from `codegen/runtime/`; edit it there.
//! A crate of its own, so that each API's (large) crate compiles in parallel with the other.

mod decoding;
#[cfg(feature = "observe")]
pub mod observe;
mod streaming;
mod transport;
mod values;

// Each module by its own name at the root, wherever its folder: the code (the observation folder
// too) names them `crate::http`, `crate::request`, … whatever the layout.
pub(crate) use decoding::{json_path, object, report, tolerant};
pub(crate) use streaming::{paginate, sse, stream};
pub(crate) use transport::{config, error, http, request, retry, secret};
pub(crate) use values::{binary, constant, patch, template, unions};

pub use binary::Binary;
pub use config::ConfigError;
pub use constant::Const;
pub use error::{ApiError, DecodeError, Error};
pub use object::Extra;
pub use http::{defaults, same_origin_redirects, CustomHttpClient, Response};
pub use paginate::ItemStream;
pub use patch::Patch;
pub use request::HeaderList;
pub use retry::RetryPolicy;
pub use secret::Secret;
pub use sse::DEFAULT_MAX_EVENT_BYTES;
pub use stream::EventStream;
pub use tolerant::DecodeWarning;

// Plumbing the generated crates call; public only because they are crates of their own.
#[doc(hidden)]
pub use config::env_var;
#[doc(hidden)]
pub use constant::{ConstLit, ConstValue};
#[doc(hidden)]
pub use error::ErrorBody;
#[doc(hidden)]
pub use http::{finish, unwrap_json, ClientOptions, HttpClient, Json, RawResponse, SuccessBody};
#[doc(hidden)]
pub use object::{deserialize_object, keep_declared, keep_extra, read_opt, read_required, read_value, FieldKey, Names, Object, ObjectWriter, Rest};
#[doc(hidden)]
pub use paginate::paginate;
#[doc(hidden)]
pub use request::{header_value, json_body, path_segment, push_file, push_part, push_query, sensitive_header, CallOptions, Part, PartValue, Payload, RequestParts};
#[doc(hidden)]
pub use secret::Credentials;
#[doc(hidden)]
pub use sse::{RawEvent, SseParser};
#[doc(hidden)]
pub use stream::{decode_event, decode_event_with, open_stream};
#[doc(hidden)]
pub use unions::{decode_variant, deserialize_one_value, deserialize_str_enum, no_variant_error, serialize_member, tag_of, variant_error, StrEnum};

pub use bytes::Bytes;
#[doc(hidden)]
pub use serde;
#[doc(hidden)]
pub use serde_json;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
/// The HTTP client crate, for [`CustomHttpClient`] and [`same_origin_redirects`].
pub use reqwest;

pub use futures_util::{Stream, StreamExt, TryStreamExt};
pub use template::fill_template;
pub use unions::DecimalText;

/// The current time, for the `date-time` fields of requests (`DateTime` is chrono's UTC time).
pub fn now() -> DateTime {
    chrono::Utc::now()
}

/// What awaiting a request builder gives (`client.models().list().await`).
pub type BoxFuture<T> = std::pin::Pin<Box<dyn std::future::Future<Output = T> + Send + 'static>>;

/// JSON objects with string keys, in the order the server sent them.
pub type Map<V> = indexmap::IndexMap<String, V>;
/// `format: date-time`.
pub type DateTime = chrono::DateTime<chrono::Utc>;
/// `format: date`.
pub type Date = chrono::NaiveDate;
/// `format: uuid`.
pub type Uuid = uuid::Uuid;
