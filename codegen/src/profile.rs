//! What the spec cannot say about a client: the environment variables and defaults the official
//! SDKs use, and first-class header settings. Read from the `[client]` table of a pin file.

use serde::Deserialize;

/// The `[client]` table of `specs/<api>.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientProfile {
    /// Base URL when the spec declares no `servers`.
    #[serde(default)]
    pub default_base_url: Option<String>,
    /// Environment variables that override the base URL, first set wins.
    #[serde(default)]
    pub base_url_env: Vec<String>,
    /// Environment variable holding the bearer token.
    #[serde(default)]
    pub bearer_env: Option<String>,
    /// Environment variables holding the basic-auth user name and password.
    #[serde(default)]
    pub basic_username_env: Option<String>,
    #[serde(default)]
    pub basic_password_env: Option<String>,
    /// The site the spec's relative doc links (`/docs/guides/…`) are relative to; the generated
    /// docs link there instead, so the links work on a docs site that is not the API's own.
    #[serde(default)]
    pub docs_base_url: Option<String>,
    /// Headers users set as named settings (`HTTP-Referer` → `http_referer`).
    #[serde(default)]
    pub headers: Vec<HeaderSetting>,
    /// The pin's `[observe]` table: which operations are generations (a table of its own in the
    /// pin file, kept here so that every stage that has the profile has it).
    #[serde(skip)]
    pub observe: Option<crate::observe_table::ObserveTable>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct HeaderSetting {
    /// Setting name on the config (`app_url`).
    pub setting: String,
    /// Header name on the wire (`HTTP-Referer`).
    pub header: String,
    /// What it is for (becomes the setting's doc comment).
    pub doc: String,
    /// Environment variable that sets it in `from_env()`.
    #[serde(default)]
    pub env: Option<String>,
}

#[derive(Deserialize)]
struct PinFile {
    #[serde(default)]
    client: ClientProfile,
}

/// Reads the `[client]` table out of a pin file's text.
pub fn client_profile(pin_file: &str, text: &str) -> Result<ClientProfile, String> {
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default)]
        client: Option<toml::Value>,
    }
    let loose: Loose = toml::from_str(text).map_err(|e| format!("{pin_file}: {e}"))?;
    let observe = crate::observe_table::observe_table(pin_file, text)?;
    let Some(client) = loose.client else { return Ok(ClientProfile { observe, ..ClientProfile::default() }) };
    let wrapped = toml::Table::from_iter([("client".to_string(), client)]);
    let parsed: PinFile = wrapped.try_into().map_err(|e: toml::de::Error| format!("{pin_file}: [client]: {e}"))?;
    Ok(ClientProfile { observe, ..parsed.client })
}

/// Parses any TOML document into a type (the tests' data files use it).
pub fn parse_toml<T: serde::de::DeserializeOwned>(text: &str) -> Result<T, String> {
    toml::from_str(text).map_err(|e| e.to_string())
}
