//! The per-API `Client` and `Config`: base URL, credentials from the spec's security schemes and
//! the official SDKs' environment variables, named header settings, and one accessor per tag.

use crate::idents::ident;
use crate::ir::{Api, AuthScheme, Tag};
use crate::profile::ClientProfile;
use proc_macro2::TokenStream;
use quote::quote;
use std::collections::BTreeSet;

pub fn client_module(api: &Api, profile: &ClientProfile) -> TokenStream {
    let base_url = api.default_server.clone().or_else(|| profile.default_base_url.clone()).unwrap_or_default();
    let user_agent = format!("{}-rust/{{}}", api.name);
    let auth = api.operations.iter().map(|op| op.auth).find(|a| *a != AuthScheme::None).unwrap_or(AuthScheme::None);
    let (credential_fields, credential_defaults, credential_setters, credential_env, credentials_expr) = credentials(auth, profile);
    let base_url_env = &profile.base_url_env;
    // With no operation left (none declared, or all skipped) nothing reads the HTTP client.
    // Nor with no tag's feature enabled.
    let tag_features = super::features::tag_features(api);
    let http_allow = if api.operations.is_empty() {
        quote! { #[allow(dead_code)] }
    } else {
        let features = tag_features.iter();
        quote! { #[cfg_attr(not(any(#(feature = #features),*)), allow(dead_code))] }
    };
    let header_fields = profile.headers.iter().map(|h| {
        let name = ident(&h.setting);
        let doc = format!(" {} (sent as `{}`).", h.doc, h.header);
        quote! { #[doc = #doc] pub #name: Option<String>, }
    });
    let header_defaults = profile.headers.iter().map(|h| {
        let name = ident(&h.setting);
        quote! { #name: None, }
    });
    let header_setters = profile.headers.iter().map(|h| {
        let name = ident(&h.setting);
        let setter = ident(&format!("with_{}", h.setting));
        let doc = format!(" Sets `{}`: {}", h.header, h.doc);
        quote! { #[doc = #doc] pub fn #setter(mut self, value: impl Into<String>) -> Self { self.#name = Some(value.into()); self } }
    });
    let header_env = profile.headers.iter().filter_map(|h| {
        let env = h.env.as_ref()?;
        let name = ident(&h.setting);
        Some(quote! { if let Some(value) = crate::runtime::env_var(#env) { config.#name = Some(value); } })
    });
    let headers_mut = if profile.headers.is_empty() { TokenStream::new() } else { quote! { mut } };
    let header_pushes = profile.headers.iter().map(|h| {
        let name = ident(&h.setting);
        let header = &h.header;
        quote! { if let Some(value) = &config.#name { headers.push((#header.to_string(), value.clone())); } }
    });
    let tags: BTreeSet<&Tag> = api.operations.iter().map(|op| &op.tag).collect();
    let accessors = tags.iter().map(|tag| {
        let module = ident(&tag.module);
        let ty = ident(&tag.type_name);
        let feature = super::features::feature_name(tag);
        let doc = format!(" Operations tagged `{}` (cargo feature `{feature}`).", tag.wire);
        quote! { #[doc = #doc] #[cfg(feature = #feature)] pub fn #module(&self) -> super::#module::#ty<'_> { super::#module::#ty { client: self } } }
    });
    let api_doc = format!(" Settings for the {} client. `Config::default()` reads nothing from the environment; see [`Client::from_env`].", api.name);
    quote! {
        //! The client and its configuration.
        use std::time::Duration;

        #[doc = #api_doc]
        #[derive(Debug, Clone)]
        #[non_exhaustive]
        pub struct Config {
            /// Base URL of the API, without a trailing slash.
            pub base_url: String,
            #credential_fields
            /// `User-Agent` header.
            pub user_agent: String,
            /// Headers sent with every request (Debug hides credential-like ones).
            pub default_headers: crate::runtime::HeaderList,
            /// Whole-call timeout, retries included: until an ordinary call's response is read, and
            /// until a stream's last event (default: 10 min; a call's `.timeout()` overrides it).
            pub timeout: Option<Duration>,
            /// Connection timeout (default: 30 s).
            pub connect_timeout: Option<Duration>,
            /// Deadline for the response headers of each attempt, streams included (default: 5 min).
            pub headers_timeout: Option<Duration>,
            /// Streams: the longest silence before the headers and between events; keep-alive
            /// comments do not reset it (default: 2 min).
            pub idle_timeout: Option<Duration>,
            /// Largest response body read into memory; larger is `Error::TooLarge` (default: 64 MiB).
            pub max_body_bytes: usize,
            /// Streams: largest single event; larger is `Error::TooLarge` (default: 16 MiB).
            pub max_event_bytes: usize,
            /// Your own HTTP client (proxies, custom roots); see [`Config::with_http_client`].
            pub http_client: Option<crate::runtime::CustomHttpClient>,
            /// Retry policy for every call (overridable per call).
            pub retry: crate::runtime::RetryPolicy,
            /// Fail a response or stream event whose optional field does not match the spec
            /// (`Error::Decode`), instead of decoding it without that field, its JSON kept in
            /// `extra` and a warning on `Response::warnings` / `EventStream::warnings` (default:
            /// `false`, tolerant). Required fields are strict either way.
            pub strict_decoding: bool,
            #(#header_fields)*
        }

        impl Default for Config {
            fn default() -> Self {
                Config {
                    base_url: #base_url.to_string(),
                    #credential_defaults
                    user_agent: format!(#user_agent, env!("CARGO_PKG_VERSION")),
                    default_headers: crate::runtime::HeaderList::default(),
                    timeout: Some(crate::runtime::defaults::TIMEOUT),
                    connect_timeout: Some(crate::runtime::defaults::CONNECT_TIMEOUT),
                    headers_timeout: Some(crate::runtime::defaults::HEADERS_TIMEOUT),
                    idle_timeout: Some(crate::runtime::defaults::IDLE_TIMEOUT),
                    max_body_bytes: crate::runtime::defaults::MAX_BODY_BYTES,
                    max_event_bytes: crate::runtime::defaults::MAX_EVENT_BYTES,
                    http_client: None,
                    retry: crate::runtime::RetryPolicy::default(),
                    strict_decoding: false,
                    #(#header_defaults)*
                }
            }
        }

        impl Config {
            /// Sets the base URL (self-hosted instances, regions, mock servers).
            pub fn with_base_url(mut self, base_url: impl Into<String>) -> Self {
                self.base_url = base_url.into();
                self
            }
            #credential_setters
            /// Sets the whole-call timeout: ordinary calls and streams alike (a stream longer than it
            /// ends with `Error::Timeout`; lift it per call with `.timeout()`).
            pub fn with_timeout(mut self, timeout: Duration) -> Self {
                self.timeout = Some(timeout);
                self
            }
            /// Sets the connection timeout.
            pub fn with_connect_timeout(mut self, timeout: Duration) -> Self {
                self.connect_timeout = Some(timeout);
                self
            }
            /// Sets the deadline for the response headers of each attempt.
            pub fn with_headers_timeout(mut self, timeout: Duration) -> Self {
                self.headers_timeout = Some(timeout);
                self
            }
            /// Sets the longest silence a stream may keep (comments do not count).
            pub fn with_idle_timeout(mut self, timeout: Duration) -> Self {
                self.idle_timeout = Some(timeout);
                self
            }
            /// Sets the largest response body read into memory.
            pub fn with_max_body_bytes(mut self, limit: usize) -> Self {
                self.max_body_bytes = limit;
                self
            }
            /// Sets the largest stream event buffered.
            pub fn with_max_event_bytes(mut self, limit: usize) -> Self {
                self.max_event_bytes = limit;
                self
            }
            /// Uses your own `reqwest::Client` (proxies, custom CA, middleware) instead of one built
            /// from these settings; `connect_timeout` and redirects are then yours to set (see
            /// `runtime::same_origin_redirects`), the other deadlines and limits still apply.
            pub fn with_http_client(mut self, client: crate::runtime::reqwest::Client) -> Self {
                self.http_client = Some(crate::runtime::CustomHttpClient(client));
                self
            }
            /// Sets the retry policy.
            pub fn with_retry(mut self, retry: crate::runtime::RetryPolicy) -> Self {
                self.retry = retry;
                self
            }
            /// Fails responses whose optional fields do not match the spec, instead of leaving those
            /// fields out with a warning (for tests that hold a server to its spec).
            pub fn with_strict_decoding(mut self, strict: bool) -> Self {
                self.strict_decoding = strict;
                self
            }
            /// Adds a header sent with every request.
            pub fn with_header(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
                self.default_headers.push((name.into(), value.into()));
                self
            }
            #(#header_setters)*

            /// Reads the settings the official SDKs read from the environment.
            pub fn from_env() -> Result<Self, crate::runtime::ConfigError> {
                let mut config = Config::default();
                for name in [#(#base_url_env),*] {
                    if let Some(value) = crate::runtime::env_var(name) {
                        config.base_url = value;
                        break;
                    }
                }
                #credential_env
                #(#header_env)*
                Ok(config)
            }
        }

        /// The API client. Cheap to clone; clones share one connection pool.
        #[derive(Debug, Clone)]
        pub struct Client {
            #http_allow
            pub(crate) http: crate::runtime::HttpClient,
        }

        impl Client {
            /// Builds a client from explicit settings.
            pub fn new(config: Config) -> Result<Self, crate::runtime::ConfigError> {
                let #headers_mut headers = config.default_headers.clone();
                #(#header_pushes)*
                let options = crate::runtime::ClientOptions {
                    base_url: config.base_url.trim_end_matches('/').to_string(),
                    credentials: #credentials_expr,
                    user_agent: config.user_agent.clone(),
                    default_headers: headers,
                    timeout: config.timeout,
                    connect_timeout: config.connect_timeout,
                    retry: config.retry.clone(),
                    headers_timeout: config.headers_timeout,
                    idle_timeout: config.idle_timeout,
                    max_body_bytes: config.max_body_bytes,
                    max_event_bytes: config.max_event_bytes,
                    http_client: config.http_client.clone(),
                    strict_decoding: config.strict_decoding,
                };
                crate::runtime::HttpClient::new(options).map(|http| Client { http }).map_err(crate::runtime::ConfigError::new)
            }

            /// Builds a client from the environment (see [`Config::from_env`]).
            pub fn from_env() -> Result<Self, crate::runtime::ConfigError> {
                Client::new(Config::from_env()?)
            }

            #(#accessors)*
        }
    }
}

type Parts = (TokenStream, TokenStream, TokenStream, TokenStream, TokenStream);

fn credentials(auth: AuthScheme, profile: &ClientProfile) -> Parts {
    match auth {
        AuthScheme::Bearer => {
            let env = profile.bearer_env.clone().unwrap_or_default();
            let missing = format!("set {env} to your API key");
            (
                quote! { /// API key, sent as a bearer token.
                         pub api_key: Option<crate::runtime::Secret>, },
                quote! { api_key: None, },
                quote! {
                    /// Sets the API key.
                    pub fn with_api_key(mut self, api_key: impl Into<crate::runtime::Secret>) -> Self {
                        self.api_key = Some(api_key.into());
                        self
                    }
                },
                quote! {
                    config.api_key = Some(crate::runtime::env_var(#env).ok_or_else(|| crate::runtime::ConfigError::new(#missing))?.into());
                },
                quote! {
                    match &config.api_key {
                        Some(key) => crate::runtime::Credentials::Bearer(key.clone()),
                        None => crate::runtime::Credentials::None,
                    }
                },
            )
        }
        AuthScheme::Basic => {
            let user_env = profile.basic_username_env.clone().unwrap_or_default();
            let password_env = profile.basic_password_env.clone().unwrap_or_default();
            let missing_user = format!("set {user_env}");
            let missing_password = format!("set {password_env}");
            (
                quote! {
                    /// Basic-auth user name (Langfuse: the public key).
                    pub username: Option<String>,
                    /// Basic-auth password (Langfuse: the secret key).
                    pub password: Option<crate::runtime::Secret>,
                },
                quote! { username: None, password: None, },
                quote! {
                    /// Sets the basic-auth credentials.
                    pub fn with_basic_auth(mut self, username: impl Into<String>, password: impl Into<crate::runtime::Secret>) -> Self {
                        self.username = Some(username.into());
                        self.password = Some(password.into());
                        self
                    }
                },
                quote! {
                    config.username = Some(crate::runtime::env_var(#user_env).ok_or_else(|| crate::runtime::ConfigError::new(#missing_user))?);
                    config.password = Some(crate::runtime::env_var(#password_env).ok_or_else(|| crate::runtime::ConfigError::new(#missing_password))?.into());
                },
                quote! {
                    match (&config.username, &config.password) {
                        (Some(username), Some(password)) => crate::runtime::Credentials::Basic { username: username.clone(), password: password.clone() },
                        _ => crate::runtime::Credentials::None,
                    }
                },
            )
        }
        AuthScheme::None => (TokenStream::new(), TokenStream::new(), TokenStream::new(), TokenStream::new(), quote! { crate::runtime::Credentials::None }),
    }
}
