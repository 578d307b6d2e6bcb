//! The two pieces the OpenTelemetry exporter is handed: our HTTP client (so one `reqwest`, with
//! the TLS the user chose, serves the API calls and the exports) and a counter of what was
//! exported, from which `shutdown()` reports the spans that never reached Langfuse.

use super::status::Counters;
use crate::secret::Secret;
use opentelemetry_http::{Bytes as HttpBytes, HttpError, Request, Response};
use opentelemetry_sdk::error::OTelSdkResult;
use opentelemetry_sdk::trace::{SpanData, SpanExporter};
use std::future::Future;
use std::pin::Pin;
use std::sync::atomic::Ordering;
use std::sync::Arc;
use std::time::Duration;

/// Which ingestion path Langfuse writes an OTLP batch through. Langfuse v4 writes a batch straight
/// to its events table, visible at once, only when the request says `4`; without it the batch
/// takes the older path and appears minutes later (Langfuse's `worker/src/queues/
/// otelIngestionQueue.ts`, `checkHeaderBasedDirectWrite`; its OTLP route refuses values above 4).
pub(crate) const INGESTION_VERSION: (&str, &str) = ("x-langfuse-ingestion-version", "4");

/// Sends the exporter's requests with our `reqwest` client on the exporter's own runtime, with
/// Basic auth from the key pair, Langfuse's real-time ingestion header, and the export timeout
/// (`LANGFUSE_TIMEOUT`).
pub(crate) struct ExportClient {
    pub http: reqwest::Client,
    pub runtime: tokio::runtime::Handle,
    pub public_key: String,
    pub secret_key: Secret,
    pub timeout: Duration,
}

impl std::fmt::Debug for ExportClient {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ExportClient").field("public_key", &self.public_key).field("secret_key", &self.secret_key).finish_non_exhaustive()
    }
}

type Sent = Result<Response<HttpBytes>, HttpError>;

impl opentelemetry_http::HttpClient for ExportClient {
    // The trait is declared with `async_trait`; this is the signature it expands to.
    fn send_bytes<'life0, 'async_trait>(&'life0 self, request: Request<HttpBytes>) -> Pin<Box<dyn Future<Output = Sent> + Send + 'async_trait>>
    where
        'life0: 'async_trait,
        Self: 'async_trait,
    {
        let http = self.http.clone();
        let (public_key, secret_key, timeout) = (self.public_key.clone(), self.secret_key.expose().to_string(), self.timeout);
        // The batch processor calls from a thread of its own, outside any runtime: the request
        // runs on ours, and its handle can be awaited from anywhere.
        let task = self.runtime.spawn(async move {
            let (parts, body) = request.into_parts();
            let url = parts.uri.to_string();
            let mut builder = http
                .request(parts.method, url)
                .headers(parts.headers)
                .header(INGESTION_VERSION.0, INGESTION_VERSION.1)
                .basic_auth(public_key, Some(secret_key))
                .body(body);
            builder = builder.timeout(timeout);
            let answer = builder.send().await?;
            let status = answer.status();
            let headers = answer.headers().clone();
            let body = answer.bytes().await?;
            let mut response = Response::new(body);
            *response.status_mut() = status;
            *response.headers_mut() = headers;
            Ok::<_, reqwest::Error>(response)
        });
        Box::pin(async move {
            match task.await {
                Ok(Ok(response)) => Ok(response),
                Ok(Err(error)) => Err(Box::new(error) as HttpError),
                Err(join) => Err(Box::new(join) as HttpError),
            }
        })
    }
}

/// The OTLP exporter, counting what it delivers.
#[derive(Debug)]
pub(crate) struct CountingExporter<X> {
    pub inner: X,
    pub counters: Arc<Counters>,
}

impl<X: SpanExporter> SpanExporter for CountingExporter<X> {
    fn export(&self, batch: Vec<SpanData>) -> impl Future<Output = OTelSdkResult> + Send {
        let spans = batch.len() as u64;
        async move {
            let result = self.inner.export(batch).await;
            match &result {
                Ok(()) => {
                    self.counters.exported.fetch_add(spans, Ordering::SeqCst);
                    self.counters.succeeded();
                }
                Err(error) => {
                    self.counters.export_failed.fetch_add(spans, Ordering::SeqCst);
                    // Logged when it is news, not per batch: an outage must not flood the logs.
                    self.counters.failed("exporting spans to Langfuse", &error.to_string());
                }
            }
            result
        }
    }

    fn shutdown_with_timeout(&self, timeout: Duration) -> OTelSdkResult {
        self.inner.shutdown_with_timeout(timeout)
    }

    fn force_flush(&self) -> OTelSdkResult {
        self.inner.force_flush()
    }

    fn set_resource(&mut self, resource: &opentelemetry_sdk::Resource) {
        self.inner.set_resource(resource);
    }
}
