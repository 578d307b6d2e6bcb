//! Support code shared by every generated type and operation: HTTP, auth, retries, streaming,
//! errors, and the serde helpers behind enums, constants and unions.
//!
//! Written into the generated crates by `cargo xtask regen` from `codegen/runtime/`; edit it there.
//! A crate of its own, so that each API's (large) crate compiles in parallel with the other.

mod binary;
mod config;
mod error;
mod http;
mod paginate;
mod patch;
mod request;
mod retry;
mod secret;
mod sse;
mod stream;
mod values;

pub use binary::Binary;
pub use config::{env_var, ConfigError};
pub use error::{ApiError, DecodeError, Error, ErrorBody};
pub use http::{defaults, finish, same_origin_redirects, unwrap_json, ClientOptions, CustomHttpClient, HttpClient, Json, RawResponse, Response, SuccessBody};
pub use paginate::{paginate, ItemStream};
pub use patch::Patch;
pub use request::{header_value, json_body, path_segment, push_file, push_part, push_query, sensitive_header, CallOptions, HeaderList, Part, PartValue, Payload, RequestParts};
pub use retry::RetryPolicy;
pub use secret::{Credentials, Secret};
pub use sse::{RawEvent, SseParser, DEFAULT_MAX_EVENT_BYTES};
pub use stream::{decode_event, open_stream, EventStream};
#[doc(hidden)]
pub use values::{decode_variant, deserialize_const, deserialize_str_enum, no_variant_error, tag_of, variant_error, StrEnum};

pub use bytes::Bytes;
#[doc(hidden)]
pub use serde;
#[doc(hidden)]
pub use serde_json;
pub use reqwest::header::HeaderMap;
pub use reqwest::{Method, StatusCode};
/// The HTTP client crate, for [`CustomHttpClient`] and [`same_origin_redirects`].
pub use reqwest;

/// JSON objects with string keys, in the order the server sent them.
pub type Map<V> = indexmap::IndexMap<String, V>;
/// `format: date-time`.
pub type DateTime = chrono::DateTime<chrono::Utc>;
/// `format: date`.
pub type Date = chrono::NaiveDate;
/// `format: uuid`.
pub type Uuid = uuid::Uuid;
