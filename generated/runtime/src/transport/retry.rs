//! When and how long to wait before trying a failed request again.

use reqwest::header::HeaderMap;
use std::time::{Duration, SystemTime};

/// Exponential backoff with full jitter, bounded by attempts and total time.
#[derive(Debug, Clone)]
pub struct RetryPolicy {
    /// Retries after the first attempt (0 = never retry).
    pub max_retries: u32,
    /// Backoff ceiling for the first retry; doubles each retry.
    pub initial_backoff: Duration,
    /// Largest backoff between two attempts.
    pub max_backoff: Duration,
    /// No retry starts after this much time since the first attempt.
    pub max_elapsed: Duration,
    /// Also retry non-idempotent requests (POST, PATCH) that may have reached the server.
    pub retry_non_idempotent: bool,
    /// The longest `Retry-After` honoured; a server asking for more gets its error returned at
    /// once rather than a caller put to sleep for hours.
    pub max_retry_after: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            max_retries: 2,
            initial_backoff: Duration::from_millis(500),
            max_backoff: Duration::from_secs(8),
            max_elapsed: Duration::from_secs(60),
            retry_non_idempotent: false,
            max_retry_after: Duration::from_secs(300),
        }
    }
}

impl RetryPolicy {
    /// A policy that never retries.
    pub fn none() -> Self {
        RetryPolicy { max_retries: 0, ..RetryPolicy::default() }
    }

    /// Full jitter: a uniformly random wait up to the exponential ceiling for this retry.
    pub fn backoff(&self, retry: u32) -> Duration {
        let ceiling = self.initial_backoff.saturating_mul(2u32.saturating_pow(retry.min(20))).min(self.max_backoff);
        ceiling.mul_f64(fastrand::f64())
    }
}

/// Statuses worth another try: the request was not processed (408, 429) or the server or a
/// gateway failed (5xx, including the 524 and 529 OpenRouter uses for timeouts and overload).
pub fn retryable_status(status: u16) -> bool {
    matches!(status, 408 | 429) || (500..600).contains(&status) && status != 501 && status != 505
}

/// Statuses that prove the server did not act on the request, so any method may be retried.
pub fn not_processed(status: u16) -> bool {
    matches!(status, 408 | 429)
}

/// Methods that may be repeated without changing the outcome.
pub fn idempotent(method: &reqwest::Method) -> bool {
    matches!(method.as_str(), "GET" | "HEAD" | "OPTIONS" | "PUT" | "DELETE" | "TRACE")
}

/// `Retry-After` as seconds or an HTTP date.
pub fn retry_after(headers: &HeaderMap) -> Option<Duration> {
    let value = headers.get(reqwest::header::RETRY_AFTER)?.to_str().ok()?.trim();
    if let Ok(seconds) = value.parse::<u64>() {
        return Some(Duration::from_secs(seconds));
    }
    let when = httpdate::parse_http_date(value).ok()?;
    Some(when.duration_since(SystemTime::now()).unwrap_or(Duration::ZERO))
}
