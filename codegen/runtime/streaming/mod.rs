//! Streaming: the server-sent-events parser, typed event streams with their errors and observation hand-over, lazy pagination.

pub(crate) mod paginate;
pub(crate) mod sse;
pub(crate) mod stream;
