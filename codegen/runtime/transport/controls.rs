//! What every request builder has, written once: generated builders call `call_controls!()` in
//! their `impl` and `send_on_await!(…)` after it instead of repeating five methods and an
//! `IntoFuture` impl each (a fifth of an operation's source, for every operation of every API).

/// The methods that override the client's settings for one call. Expands inside a builder's
/// `impl`; the builder has an `options: CallOptions` field.
#[macro_export]
#[doc(hidden)]
macro_rules! call_controls {
    () => {
        /// Overrides the client's whole-call timeout for this call: the time until the whole
        /// response is read, retries included, and for a stream until its last event.
        pub fn timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.timeout = Some(timeout);
            self
        }

        /// Overrides the client's retry policy for this call.
        pub fn retry(mut self, policy: $crate::RetryPolicy) -> Self {
            self.options.retry = Some(policy);
            self
        }

        /// Adds a header to this call (checked when sent: an invalid one is `Error::Request`).
        pub fn header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
            self.options.headers.push((name.into(), value.into()));
            self
        }

        /// Overrides the client's deadline for the response headers.
        pub fn headers_timeout(mut self, timeout: std::time::Duration) -> Self {
            self.options.headers_timeout = Some(timeout);
            self
        }

        /// Overrides the client's largest response body (and, for streams, largest event).
        pub fn max_body_bytes(mut self, limit: usize) -> Self {
            self.options.max_body_bytes = Some(limit);
            self.options.max_event_bytes = Some(limit);
            self
        }
    };
}

/// `.await` on a builder sends it: `IntoFuture` through the builder's `send`, whose result is
/// `Result<Response<$success>, Error<$error>>`.
#[macro_export]
#[doc(hidden)]
macro_rules! send_on_await {
    ($builder:ident, $success:ty, $error:ty) => {
        /// `.await` sends the request, like [`send`](Self::send).
        impl std::future::IntoFuture for $builder {
            type Output = Result<$crate::Response<$success>, $crate::Error<$error>>;
            type IntoFuture = $crate::BoxFuture<Self::Output>;

            #[inline]
            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
