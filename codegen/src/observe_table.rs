//! Which operations are generations, and where their facts sit: the `[observe]` table of a pin
//! file, read here and nothing more. `emit::observe` checks it against the resolved spec and
//! writes it into the API's crate; keeping the reading apart lets the client profile carry the
//! table without the profile depending on emission.

use serde::Deserialize;
use std::collections::BTreeMap;

/// The `[observe]` table of `specs/<api>.toml`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ObserveTable {
    /// `gen_ai.system` (`openrouter`).
    pub system: String,
    /// One entry per operation that is a generation.
    #[serde(default)]
    pub generations: Vec<GenerationEntry>,
}

/// One `[[observe.generations]]` entry.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GenerationEntry {
    /// The spec's operation id.
    pub operation: String,
    /// The observation's name in Langfuse.
    pub name: String,
    /// Langfuse's observation type (default `generation`).
    #[serde(default = "generation_type", rename = "type")]
    pub observation_type: String,
    /// `gen_ai.operation.name`.
    pub gen_ai_operation: String,
    #[serde(default)]
    pub request: RequestEntry,
    #[serde(default)]
    pub response: ResultEntry,
    #[serde(default)]
    pub stream: Option<ResultEntry>,
}

fn generation_type() -> String {
    "generation".into()
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RequestEntry {
    #[serde(default)]
    pub model: Pointers,
    #[serde(default)]
    pub input: Pointers,
    #[serde(default)]
    pub parameters: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ResultEntry {
    #[serde(default)]
    pub id: Selectors,
    #[serde(default)]
    pub model: Selectors,
    #[serde(default)]
    pub provider: Selectors,
    #[serde(default)]
    pub output: Selectors,
    #[serde(default)]
    pub text: Selectors,
    #[serde(default)]
    pub reasoning: Selectors,
    #[serde(default)]
    pub tool_calls: Selectors,
    #[serde(default)]
    pub finish_reason: Selectors,
    #[serde(default)]
    pub usage: BTreeMap<String, Selectors>,
    /// Usage keys whose count includes their `<key>_…` details (OpenAI's way), recorded net of them.
    #[serde(default)]
    pub gross_usage: Vec<String>,
    #[serde(default)]
    pub cost: BTreeMap<String, Selectors>,
}

/// One pointer or several (the first present wins).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "OneOrMany<String>")]
pub struct Pointers(pub Vec<String>);

/// One selector or several.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(from = "OneOrMany<SelectorEntry>")]
pub struct Selectors(pub Vec<SelectorEntry>);

#[derive(Deserialize)]
#[serde(untagged)]
enum OneOrMany<T> {
    One(T),
    Many(Vec<T>),
}

impl From<OneOrMany<String>> for Pointers {
    fn from(value: OneOrMany<String>) -> Self {
        match value {
            OneOrMany::One(one) => Pointers(vec![one]),
            OneOrMany::Many(many) => Pointers(many),
        }
    }
}

impl From<OneOrMany<SelectorEntry>> for Selectors {
    fn from(value: OneOrMany<SelectorEntry>) -> Self {
        match value {
            OneOrMany::One(one) => Selectors(vec![one]),
            OneOrMany::Many(many) => Selectors(many),
        }
    }
}

/// A pointer, or a pointer read only from events whose `when` pointer holds `is`.
#[derive(Debug, Clone, Deserialize)]
#[serde(untagged)]
pub enum SelectorEntry {
    At(String),
    When { at: String, when: String, is: String },
}

/// Reads the `[observe]` table out of a pin file's text, if it has one.
pub fn observe_table(pin_file: &str, text: &str) -> Result<Option<ObserveTable>, String> {
    #[derive(Deserialize)]
    struct Loose {
        #[serde(default)]
        observe: Option<toml::Value>,
    }
    let loose: Loose = toml::from_str(text).map_err(|e| format!("{pin_file}: {e}"))?;
    let Some(table) = loose.observe else { return Ok(None) };
    table.try_into().map(Some).map_err(|e: toml::de::Error| format!("{pin_file}: [observe]: {e}"))
}

