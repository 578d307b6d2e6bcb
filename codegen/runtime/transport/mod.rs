//! Transport and retries: configuration, requests, HTTP execution with limits and deadlines, auth secrets, retry policy, the call's error type.

pub(crate) mod config;
pub(crate) mod controls;
pub(crate) mod error;
pub(crate) mod http;
pub(crate) mod request;
pub(crate) mod retry;
pub(crate) mod secret;
