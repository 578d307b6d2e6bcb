//! The HTTP layer every generated client shares: base URL, auth, default headers, timeouts,
//! retries, and turning responses into typed values or errors.

use crate::error::{ApiError, DecodeError, Error, ErrorBody};
use crate::request::{parse_header, CallOptions, HeaderList, PartValue, Payload, RequestParts};
use crate::retry::{idempotent, not_processed, retry_after, retryable_status, RetryPolicy};
use crate::secret::{Credentials, Secret};
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use serde::de::DeserializeOwned;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Settings shared by every call of a client.
#[derive(Debug, Clone)]
pub struct ClientOptions {
    /// Base URL, without a trailing slash (`https://openrouter.ai/api/v1`).
    pub base_url: String,
    /// How calls authenticate.
    pub credentials: Credentials,
    /// `User-Agent` header.
    pub user_agent: String,
    /// Headers sent with every request.
    pub default_headers: HeaderList,
    /// Whole-request timeout.
    pub timeout: Option<Duration>,
    /// Connection-establishment timeout.
    pub connect_timeout: Option<Duration>,
    /// Retry policy (per call overridable).
    pub retry: RetryPolicy,
    /// The longest wait for response headers, per attempt.
    pub headers_timeout: Option<Duration>,
    /// For streams: the longest silence before the headers and between events.
    pub idle_timeout: Option<Duration>,
    /// The largest response body read into memory.
    pub max_body_bytes: usize,
    /// For streams: the largest event buffered.
    pub max_event_bytes: usize,
    /// The user's own HTTP client, used instead of building one.
    pub http_client: Option<CustomHttpClient>,
    /// Fail a response whose optional field does not decode, instead of leaving the field out
    /// with a warning (see `tolerant`).
    pub strict_decoding: bool,
}

/// Defaults every generated `Config` starts from; each is documented on its `Config` field.
pub mod defaults {
    use std::time::Duration;
    /// Whole-call timeout, streams included: long enough for a slow completion.
    pub const TIMEOUT: Duration = Duration::from_secs(600);
    /// Connection-establishment timeout.
    pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(30);
    /// Deadline for the response headers of each attempt.
    pub const HEADERS_TIMEOUT: Duration = Duration::from_secs(300);
    /// Longest silence in a stream (keep-alive comments do not count).
    pub const IDLE_TIMEOUT: Duration = Duration::from_secs(120);
    /// Largest response body: a full `/models` listing is a few MB.
    pub const MAX_BODY_BYTES: usize = 64 << 20;
    /// Largest stream event.
    pub const MAX_EVENT_BYTES: usize = crate::sse::DEFAULT_MAX_EVENT_BYTES;
}

/// A `reqwest::Client` the user built (proxies, custom roots, middleware). Its redirect policy,
/// default headers and timeouts are the user's; the client's own deadlines and limits still apply.
#[derive(Clone)]
pub struct CustomHttpClient(pub reqwest::Client);

impl std::fmt::Debug for CustomHttpClient {
    // reqwest's Debug lists the client's default headers, which may hold credentials.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("CustomHttpClient(..)")
    }
}

/// The redirect policy of the client's own HTTP client: same-origin redirects are followed (at
/// most 10); a redirect to another origin is not followed and its 3xx is returned as the answer,
/// so neither configured headers nor a request body ever reach a host the user did not name.
/// Use it in your own client with `reqwest::ClientBuilder::redirect`.
pub fn same_origin_redirects() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        let same = attempt.previous().last().is_some_and(|from| from.origin() == attempt.url().origin());
        if !same {
            attempt.stop()
        } else if attempt.previous().len() > 10 {
            attempt.error("more than 10 redirects")
        } else {
            attempt.follow()
        }
    })
}

/// The response of a successful call: the typed value plus everything the server sent.
#[derive(Debug, Clone)]
pub struct Response<T> {
    /// The HTTP status (a success, possibly one the spec does not declare).
    pub status: StatusCode,
    /// Response headers (rate limits, request ids).
    pub headers: HeaderMap,
    /// The body as sent, including fields the spec does not declare yet.
    pub raw: Bytes,
    /// The body as the spec's type.
    pub value: T,
    /// Fields that did not decode as the spec says and were left out of `value` (their JSON is
    /// in the `extra` of the struct that holds them); empty for a body that matched the spec, and
    /// always with `Config::with_strict_decoding`, which fails such a body instead.
    pub warnings: Vec<crate::tolerant::DecodeWarning>,
    /// Where the call is recorded in Langfuse, when its client is observed (feature `observe`).
    #[cfg(feature = "observe")]
    pub observation: Option<crate::observe::ObservationIds>,
}

impl<T> Response<T> {
    /// Where this call is recorded in Langfuse (its trace and observation ids), when the client
    /// is observed and the operation is a generation: what a score names
    /// (`langfuse.score(ids, Score::numeric("quality", 0.9))`).
    #[cfg(feature = "observe")]
    pub fn observation(&self) -> Option<&crate::observe::ObservationIds> {
        self.observation.as_ref()
    }

    /// Fields that did not decode as the spec says and were left out of the value: each with its
    /// JSON path and what was expected; their JSON is kept in the enclosing struct's `extra`.
    pub fn warnings(&self) -> &[crate::tolerant::DecodeWarning] {
        &self.warnings
    }

    /// The typed value, dropping status, headers and raw body.
    pub fn into_value(self) -> T {
        self.value
    }
}

impl<T> std::ops::Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}

/// A response before decoding.
#[derive(Debug)]
pub struct RawResponse {
    /// HTTP status.
    pub status: StatusCode,
    /// Headers.
    pub headers: HeaderMap,
    /// Whole body.
    pub body: Bytes,
    /// The client's `strict_decoding` setting, for `finish`.
    pub strict_decoding: bool,
    /// The observer's watch over this call, ended by [`finish`].
    #[cfg(feature = "observe")]
    pub(crate) watch: Option<crate::observe::Watch>,
}

/// A configured HTTP client; cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    options: Arc<ClientOptions>,
    default_headers: Arc<HeaderMap>,
    #[cfg(feature = "observe")]
    observer: Option<Arc<dyn crate::observe::Observer>>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("options", &self.options).finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Builds the client; fails, naming the setting but never showing its value, on credentials
    /// or header values HTTP cannot carry.
    pub fn new(mut options: ClientOptions) -> Result<Self, String> {
        options.credentials = checked_credentials(&options.credentials)?;
        let mut headers = HeaderMap::new();
        let (name, value) = parse_header("User-Agent", &options.user_agent)?;
        headers.insert(name, value);
        for (name, value) in options.default_headers.iter() {
            let (name, value) = parse_header(name, value)?;
            headers.append(name, value);
        }
        let http = match &options.http_client {
            Some(custom) => custom.0.clone(),
            None => {
                let mut builder = reqwest::Client::builder().redirect(same_origin_redirects());
                if let Some(timeout) = options.connect_timeout {
                    builder = builder.connect_timeout(timeout);
                }
                builder.build().map_err(|e| format!("could not build the HTTP client: {e}"))?
            }
        };
        Ok(HttpClient {
            http,
            options: Arc::new(options),
            default_headers: Arc::new(headers),
            #[cfg(feature = "observe")]
            observer: None,
        })
    }

    /// The same client (same connection pool and settings), reporting its calls to `observer`.
    #[cfg(feature = "observe")]
    pub fn with_observer(&self, observer: Arc<dyn crate::observe::Observer>) -> Self {
        HttpClient { observer: Some(observer), ..self.clone() }
    }

    /// The observer's watch over a call that is starting, when there is an observer and it
    /// wants this operation.
    #[cfg(feature = "observe")]
    pub(crate) fn watch(&self, parts: &RequestParts) -> Option<crate::observe::Watch> {
        crate::observe::Watch::begin(self.observer.as_ref(), parts.operation, &parts.body)
    }

    /// The options this client was built with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Sends a request, retrying as the policy allows, and reads the whole body.
    pub async fn execute<E>(&self, parts: RequestParts) -> Result<RawResponse, Error<E>> {
        let timeout = parts.options.timeout.or(self.options.timeout);
        let limit = parts.options.max_body_bytes.unwrap_or(self.options.max_body_bytes);
        let started = Instant::now();
        let operation = parts.operation;
        #[cfg(feature = "observe")]
        let mut watch = self.watch(&parts);
        let whole = async {
            let response = self.send(&parts, started, None).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = read_body(response, limit, operation, started).await?;
            Ok(RawResponse {
                status,
                headers,
                body,
                strict_decoding: self.options.strict_decoding,
                #[cfg(feature = "observe")]
                watch: None,
            })
        };
        let result = match timeout {
            Some(deadline) => tokio::time::timeout(deadline, whole)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { operation, elapsed: started.elapsed() })),
            None => whole.await,
        };
        #[cfg(feature = "observe")]
        let result = match result {
            // `finish` decodes the body and so knows how the call ends: the watch goes with it.
            Ok(mut raw) => {
                if let Some(watch) = &mut watch {
                    watch.status(raw.status.as_u16());
                }
                raw.watch = watch;
                Ok(raw)
            }
            Err(error) => {
                if let Some(watch) = watch {
                    watch.fail(&error);
                }
                Err(error)
            }
        };
        result
    }

    /// The call's limit on a response body.
    pub fn max_body_bytes(&self, options: &CallOptions) -> usize {
        options.max_body_bytes.unwrap_or(self.options.max_body_bytes)
    }

    /// Sends a request until its headers arrive, retrying as the policy allows; the body is left
    /// unread (streams read it as it comes). Each attempt waits for its headers at most the
    /// headers timeout, or `header_wait` when that is shorter.
    pub async fn send<E>(&self, parts: &RequestParts, started: Instant, header_wait: Option<Duration>) -> Result<reqwest::Response, Error<E>> {
        let policy = parts.options.retry.clone().unwrap_or_else(|| self.options.retry.clone());
        let may_repeat = idempotent(&parts.method) || policy.retry_non_idempotent;
        let header_wait = match (parts.options.headers_timeout.or(self.options.headers_timeout), header_wait) {
            (Some(a), Some(b)) => Some(a.min(b)),
            (a, b) => a.or(b),
        };
        let mut retry = 0;
        loop {
            let request = self.build(parts)?;
            // One span per attempt; credentials and bodies are never recorded.
            let span = tracing::info_span!(
                "http_request",
                operation = parts.operation,
                method = %parts.method,
                attempt = retry + 1,
                status = tracing::field::Empty,
                latency_ms = tracing::field::Empty,
            );
            let attempt_started = Instant::now();
            let attempt = tracing::Instrument::instrument(self.http.execute(request), span.clone());
            let outcome = match header_wait {
                Some(wait) => match tokio::time::timeout(wait, attempt).await {
                    Ok(outcome) => outcome,
                    Err(_) => return Err(Error::Timeout { operation: parts.operation, elapsed: started.elapsed() }),
                },
                None => attempt.await,
            };
            span.record("latency_ms", attempt_started.elapsed().as_millis() as u64);
            if let Ok(response) = &outcome {
                span.record("status", response.status().as_u16());
            }
            let wait = match &outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    // A server asking for a longer pause than the cap gets its answer returned.
                    (retryable_status(status) && (may_repeat || not_processed(status)))
                        .then(|| retry_after(response.headers()).unwrap_or_else(|| policy.backoff(retry)))
                        .filter(|wait| *wait <= policy.max_retry_after)
                }
                // A refused connection never reached the server; anything later might have.
                Err(e) if e.is_connect() || may_repeat => Some(policy.backoff(retry)),
                Err(_) => None,
            };
            // Saturating: the wait comes from the server and may be near `u64::MAX` seconds.
            let in_budget = retry < policy.max_retries && wait.is_some_and(|w| started.elapsed().saturating_add(w) <= policy.max_elapsed);
            match wait {
                Some(wait) if in_budget => {
                    tracing::debug!(operation = parts.operation, retry = retry + 1, wait_ms = wait.as_millis() as u64, "retrying");
                    retry += 1;
                    tokio::time::sleep(wait).await;
                }
                _ => {
                    return outcome.map_err(|source| transport_error(parts.operation, source, started));
                }
            }
        }
    }

    fn build<E>(&self, parts: &RequestParts) -> Result<reqwest::Request, Error<E>> {
        let invalid = |message: String| Error::Request { operation: parts.operation, message };
        let url = format!("{}{}", self.options.base_url.trim_end_matches('/'), parts.path);
        let mut call_headers = HeaderMap::new();
        for (name, value) in parts.options.headers.iter() {
            let (name, value) = parse_header(name, value).map_err(invalid)?;
            call_headers.append(name, value);
        }
        let mut request = self.http.request(parts.method.clone(), &url).headers((*self.default_headers).clone());
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        for (name, value) in &parts.headers {
            let (name, value) = parse_header(name, value).map_err(invalid)?;
            request = request.header(name, value);
        }
        request = request.headers(call_headers);
        if parts.authenticated {
            request = match &self.options.credentials {
                Credentials::None => request,
                Credentials::Bearer(token) => request.bearer_auth(token.expose()),
                Credentials::Basic { username, password } => request.basic_auth(username, Some(password.expose())),
            };
        }
        request = match &parts.body {
            Payload::None => request,
            Payload::Json(bytes) => request.header(reqwest::header::CONTENT_TYPE, "application/json").body(bytes.clone()),
            Payload::Multipart(parts) => {
                let mut form = reqwest::multipart::Form::new();
                for part in parts {
                    form = match &part.value {
                        PartValue::Text(text) => form.text(part.name.clone(), text.clone()),
                        PartValue::File(file) => {
                            let mut piece = reqwest::multipart::Part::bytes(file.bytes.clone())
                                .file_name(file.file_name.clone().unwrap_or_else(|| "file".to_string()));
                            let media = file.content_type.as_deref().unwrap_or("application/octet-stream");
                            piece = piece.mime_str(media).map_err(|e| invalid(format!("invalid content type {media:?}: {e}")))?;
                            form.part(part.name.clone(), piece)
                        }
                    };
                }
                request.multipart(form)
            }
        };
        request.build().map_err(|e| invalid(e.to_string()))
    }
}

/// Credentials as sent: surrounding whitespace (a pasted key's newline) removed, and any control
/// character left inside refused here, naming the setting, rather than failing every call later.
pub(crate) fn checked_credentials(credentials: &Credentials) -> Result<Credentials, String> {
    let check = |what: &str, value: &str| -> Result<String, String> {
        let value = value.trim();
        if value.chars().any(char::is_control) {
            return Err(format!("the {what} contains a line break or another control character (value not shown); check how it was set"));
        }
        Ok(value.to_string())
    };
    Ok(match credentials {
        Credentials::None => Credentials::None,
        Credentials::Bearer(token) => Credentials::Bearer(Secret::new(check("API key", token.expose())?)),
        Credentials::Basic { username, password } => Credentials::Basic {
            username: check("basic-auth user name (public key)", username)?,
            password: Secret::new(check("basic-auth password (secret key)", password.expose())?),
        },
    })
}

/// Reads a body, refusing to hold more than `limit` bytes: a declared length past the limit fails
/// before reading, and an undeclared one fails as soon as it passes it.
pub(crate) async fn read_body<E>(mut response: reqwest::Response, limit: usize, operation: &'static str, started: Instant) -> Result<Bytes, Error<E>> {
    let too_large = || Error::TooLarge { operation, what: "response body", limit };
    let declared = response.content_length();
    if declared.is_some_and(|length| length > limit as u64) {
        return Err(too_large());
    }
    let mut body = bytes::BytesMut::with_capacity(declared.unwrap_or(0) as usize);
    while let Some(chunk) = response.chunk().await.map_err(|source| transport_error(operation, source, started))? {
        if body.len().saturating_add(chunk.len()) > limit {
            return Err(too_large());
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body.freeze())
}

fn transport_error<E>(operation: &'static str, source: reqwest::Error, started: Instant) -> Error<E> {
    if source.is_timeout() {
        Error::Timeout { operation, elapsed: started.elapsed() }
    } else {
        Error::Transport { operation, source }
    }
}

/// What a success body is: the generated code picks one per operation.
pub trait SuccessBody: Sized {
    /// Decodes the body of a 2xx response.
    fn decode(body: &Bytes) -> Result<Self, (String, String)>;

    /// Decodes the body leaving out optional fields that do not match the spec, with a warning
    /// for each (JSON bodies; the others have no fields to leave out).
    fn decode_tolerant(body: &Bytes) -> Result<(Self, Vec<crate::tolerant::DecodeWarning>), (String, String)> {
        Self::decode(body).map(|value| (value, Vec::new()))
    }
}

/// A JSON success body of type `T`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> SuccessBody for Json<T> {
    fn decode(body: &Bytes) -> Result<Self, (String, String)> {
        // An empty body reads as `null`, so optional and unit-like types still decode.
        let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body };
        serde_json::from_slice(bytes).map(Json).map_err(|e| crate::json_path::located(bytes, &e))
    }

    fn decode_tolerant(body: &Bytes) -> Result<(Self, Vec<crate::tolerant::DecodeWarning>), (String, String)> {
        let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body };
        // The strict decode first, unchanged: a body that matches the spec costs nothing more.
        match serde_json::from_slice(bytes) {
            Ok(value) => Ok((Json(value), Vec::new())),
            Err(error) => crate::tolerant::decode_tolerant(bytes, error)
                .map(|(value, warnings)| (Json(value), warnings))
                .map_err(|e| crate::json_path::located(bytes, &e)),
        }
    }
}

impl SuccessBody for () {
    fn decode(_: &Bytes) -> Result<Self, (String, String)> {
        Ok(())
    }
}

impl SuccessBody for Bytes {
    fn decode(body: &Bytes) -> Result<Self, (String, String)> {
        Ok(body.clone())
    }
}

impl SuccessBody for String {
    fn decode(body: &Bytes) -> Result<Self, (String, String)> {
        String::from_utf8(body.to_vec()).map_err(|e| (String::new(), format!("the body is not UTF-8 text: {e}")))
    }
}

/// Turns a raw response into the operation's result: any 2xx decodes as the success type
/// (a status the spec does not declare is still a success); other statuses are API errors with
/// the spec's typed body when it decodes, and the raw body always.
pub async fn finish<S: SuccessBody + Send + 'static, E: ErrorBody + Send + 'static>(operation: &'static str, raw: RawResponse) -> Result<Response<S>, Error<E>> {
    #[cfg(feature = "observe")]
    {
        let mut raw = raw;
        let watch = raw.watch.take();
        let mut result = decide(operation, raw).await;
        if let Some(watch) = watch {
            match &mut result {
                Ok(response) => {
                    response.observation = watch.ids();
                    watch.finish(Some(response.raw.clone()), crate::observe::Outcome::Success)
                }
                Err(error) => watch.fail(error),
            }
        }
        result
    }
    #[cfg(not(feature = "observe"))]
    decide(operation, raw).await
}

/// Bodies and events up to this size are decoded where they arrive; larger ones on a blocking
/// thread. About
/// half a millisecond of strict decoding: below it the hand-over would cost more than it saves.
pub(crate) const DECODED_IN_PLACE: usize = 128 << 10;

/// `decode(arg, input)` (a body or a stream event of `size` bytes), on one of tokio's blocking
/// threads when it is large. Decoding is synchronous and takes time in proportion to the input
/// (a 30 MB model list: about a hundred milliseconds strictly, several hundred tolerantly); on an
/// async worker it would stall every other task on that thread for as long. Outside a tokio
/// runtime, or when the runtime is shutting down and refuses the task, it decodes in place.
pub(crate) async fn decode_off_worker<I, A, R>(input: &I, size: usize, arg: A, decode: fn(A, &I) -> R) -> R
where
    I: Clone + Send + 'static,
    A: Copy + Send + 'static,
    R: Send + 'static,
{
    if size <= DECODED_IN_PLACE {
        return decode(arg, input);
    }
    let Ok(runtime) = tokio::runtime::Handle::try_current() else { return decode(arg, input) };
    let shared = input.clone();
    match runtime.spawn_blocking(move || decode(arg, &shared)).await {
        Ok(result) => result,
        Err(error) if error.is_panic() => std::panic::resume_unwind(error.into_panic()),
        Err(_) => decode(arg, input),
    }
}

fn decode_success<S: SuccessBody>(strict: bool, body: &Bytes) -> Result<(S, Vec<crate::tolerant::DecodeWarning>), (String, String)> {
    if strict {
        S::decode(body).map(|value| (value, Vec::new()))
    } else {
        S::decode_tolerant(body)
    }
}

pub(crate) fn decode_error<E: ErrorBody>(status: u16, body: &Bytes) -> Option<E> {
    E::decode(status, body)
}

async fn decide<S: SuccessBody + Send + 'static, E: ErrorBody + Send + 'static>(operation: &'static str, raw: RawResponse) -> Result<Response<S>, Error<E>> {
    let status = raw.status;
    let headers = raw.headers;
    let body = raw.body;
    let strict_decoding = raw.strict_decoding;
    if status.is_success() {
        let decoded = decode_off_worker(&body, body.len(), strict_decoding, decode_success::<S>).await;
        return match decoded {
            Ok((value, warnings)) => {
                crate::tolerant::log_once(operation, &warnings);
                Ok(Response {
                    status,
                    headers,
                    raw: body,
                    value,
                    warnings,
                    #[cfg(feature = "observe")]
                    observation: None,
                })
            }
            Err((path, message)) => Err(Error::Decode(Box::new(DecodeError { operation, status: status.as_u16(), path, message, body, headers }))),
        };
    }
    let typed = decode_off_worker(&body, body.len(), status.as_u16(), decode_error::<E>).await;
    Err(Error::Api(Box::new(ApiError { operation, status, headers, body: typed, raw: body })))
}

/// Unwraps `Response<Json<T>>` into `Response<T>`.
pub fn unwrap_json<T>(response: Response<Json<T>>) -> Response<T> {
    Response {
        status: response.status,
        headers: response.headers,
        raw: response.raw,
        value: response.value.0,
        warnings: response.warnings,
        #[cfg(feature = "observe")]
        observation: response.observation,
    }
}
