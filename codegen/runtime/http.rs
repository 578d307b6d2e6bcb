//! The HTTP layer every generated client shares: base URL, auth, default headers, timeouts,
//! retries, and turning responses into typed values or errors.

use super::error::{snippet, ApiError, DecodeError, Error, ErrorBody};
use super::request::{CallOptions, Payload, PartValue, RequestParts};
use super::retry::{idempotent, not_processed, retry_after, retryable_status, RetryPolicy};
use super::secret::Credentials;
use bytes::Bytes;
use reqwest::header::{HeaderMap, HeaderName, HeaderValue};
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
    pub default_headers: Vec<(String, String)>,
    /// Whole-request timeout.
    pub timeout: Option<Duration>,
    /// Connection-establishment timeout.
    pub connect_timeout: Option<Duration>,
    /// Retry policy (per call overridable).
    pub retry: RetryPolicy,
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
}

impl<T> Response<T> {
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
}

/// A configured HTTP client; cheap to clone.
#[derive(Clone)]
pub struct HttpClient {
    http: reqwest::Client,
    options: Arc<ClientOptions>,
    default_headers: Arc<HeaderMap>,
}

impl std::fmt::Debug for HttpClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("HttpClient").field("options", &self.options).finish_non_exhaustive()
    }
}

impl HttpClient {
    /// Builds the client; fails on header values HTTP cannot carry.
    pub fn new(options: ClientOptions) -> Result<Self, String> {
        let mut headers = HeaderMap::new();
        for (name, value) in &options.default_headers {
            let name = HeaderName::from_bytes(name.as_bytes()).map_err(|e| format!("invalid header name {name:?}: {e}"))?;
            let value = HeaderValue::from_str(value).map_err(|e| format!("invalid value for header {name}: {e}"))?;
            headers.insert(name, value);
        }
        let mut builder = reqwest::Client::builder().user_agent(options.user_agent.clone());
        if let Some(timeout) = options.connect_timeout {
            builder = builder.connect_timeout(timeout);
        }
        let http = builder.build().map_err(|e| format!("could not build the HTTP client: {e}"))?;
        Ok(HttpClient { http, options: Arc::new(options), default_headers: Arc::new(headers) })
    }

    /// The options this client was built with.
    pub fn options(&self) -> &ClientOptions {
        &self.options
    }

    /// Sends a request, retrying as the policy allows, and reads the whole body.
    pub async fn execute<E>(&self, parts: RequestParts) -> Result<RawResponse, Error<E>> {
        let timeout = parts.options.timeout.or(self.options.timeout);
        let started = Instant::now();
        let operation = parts.operation;
        let whole = async {
            let response = self.send(&parts, started).await?;
            let status = response.status();
            let headers = response.headers().clone();
            let body = response.bytes().await.map_err(|source| transport_error(operation, source, started))?;
            Ok(RawResponse { status, headers, body })
        };
        match timeout {
            Some(limit) => tokio::time::timeout(limit, whole)
                .await
                .unwrap_or_else(|_| Err(Error::Timeout { operation, elapsed: started.elapsed() })),
            None => whole.await,
        }
    }

    /// Sends a request until its headers arrive, retrying as the policy allows; the body is left
    /// unread (streams read it as it comes).
    pub async fn send<E>(&self, parts: &RequestParts, started: Instant) -> Result<reqwest::Response, Error<E>> {
        let policy = parts.options.retry.clone().unwrap_or_else(|| self.options.retry.clone());
        let may_repeat = idempotent(&parts.method) || policy.retry_non_idempotent;
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
            let outcome = tracing::Instrument::instrument(self.http.execute(request), span.clone()).await;
            span.record("latency_ms", attempt_started.elapsed().as_millis() as u64);
            if let Ok(response) = &outcome {
                span.record("status", response.status().as_u16());
            }
            let wait = match &outcome {
                Ok(response) => {
                    let status = response.status().as_u16();
                    (retryable_status(status) && (may_repeat || not_processed(status)))
                        .then(|| retry_after(response.headers()).unwrap_or_else(|| policy.backoff(retry)))
                }
                // A refused connection never reached the server; anything later might have.
                Err(e) if e.is_connect() || may_repeat => Some(policy.backoff(retry)),
                Err(_) => None,
            };
            let in_budget = retry < policy.max_retries && wait.is_some_and(|w| started.elapsed() + w <= policy.max_elapsed);
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
        let mut request = self.http.request(parts.method.clone(), &url).headers((*self.default_headers).clone());
        if !parts.query.is_empty() {
            request = request.query(&parts.query);
        }
        for (name, value) in &parts.headers {
            request = request.header(*name, value);
        }
        request = apply_call_headers(request, &parts.options);
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

fn apply_call_headers(mut request: reqwest::RequestBuilder, options: &CallOptions) -> reqwest::RequestBuilder {
    for (name, value) in &options.headers {
        request = request.header(name.as_str(), value.as_str());
    }
    request
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
}

/// A JSON success body of type `T`.
pub struct Json<T>(pub T);

impl<T: DeserializeOwned> SuccessBody for Json<T> {
    fn decode(body: &Bytes) -> Result<Self, (String, String)> {
        // An empty body reads as `null`, so optional and unit-like types still decode.
        let bytes: &[u8] = if body.iter().all(u8::is_ascii_whitespace) { b"null" } else { body };
        let mut deserializer = serde_json::Deserializer::from_slice(bytes);
        serde_path_to_error::deserialize(&mut deserializer)
            .map(Json)
            .map_err(|e| (e.path().to_string(), e.inner().to_string()))
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
pub fn finish<S: SuccessBody, E: ErrorBody>(operation: &'static str, raw: RawResponse) -> Result<Response<S>, Error<E>> {
    let RawResponse { status, headers, body } = raw;
    if status.is_success() {
        return match S::decode(&body) {
            Ok(value) => Ok(Response { status, headers, raw: body, value }),
            Err((path, message)) => Err(Error::Decode(Box::new(DecodeError {
                operation,
                status: status.as_u16(),
                path,
                message,
                snippet: snippet(&body),
            }))),
        };
    }
    let typed = E::decode(status.as_u16(), &body);
    Err(Error::Api(Box::new(ApiError { operation, status, headers, body: typed, raw: body })))
}

/// Unwraps `Response<Json<T>>` into `Response<T>`.
pub fn unwrap_json<T>(response: Response<Json<T>>) -> Response<T> {
    Response { status: response.status, headers: response.headers, raw: response.raw, value: response.value.0 }
}
