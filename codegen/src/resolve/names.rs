//! Rust names for wire names: case conversion, keywords, invalid identifiers, collisions.
//! Every function here is pure, so the same spec always gives the same names.
//!
//! Type names are at most [`MAX_TYPE_NAME`] (60) characters. A name its place asks for that is
//! longer is shortened by [`shorten`], a pure function of that name and of its root (the name of
//! the component or operation the place sits in), so it still depends only on the schema's own
//! place. Names of 60 characters or fewer are never touched. The steps, on PascalCase words:
//! 1. structural joints go: `ListItem` and `Item` between two words (`…EditsItemClear…` →
//!    `…EditsClear…`), never the last word;
//! 2. a run of words that repeats the run right before it goes (`…ContentWebSearchToolResult`
//!    `ContentWebSearchToolResultError` → `…ContentWebSearchToolResultError`);
//! 3. if still too long: the root, then as many of the innermost words as fit (the role of the
//!    innermost schema); words between them go.
//!
//! Places whose shortened names collide are settled like any other collision (`places`).

use heck::{ToSnakeCase, ToUpperCamelCase};
use foldhash::HashSet;

const KEYWORDS: [&str; 50] = [
    "as", "break", "const", "continue", "crate", "else", "enum", "extern", "false", "fn", "for", "if",
    "impl", "in", "let", "loop", "match", "mod", "move", "mut", "pub", "ref", "return", "self", "Self",
    "static", "struct", "super", "trait", "true", "type", "unsafe", "use", "where", "while", "async",
    "await", "dyn", "abstract", "become", "box", "do", "final", "macro", "override", "priv", "typeof",
    "unsized", "virtual", "yield",
];
/// Keywords that cannot be raw identifiers.
const NOT_RAW: [&str; 4] = ["crate", "self", "Self", "super"];
/// Names a generated type must not take, because the emitted code (and the runtime's macros,
/// whose expansions resolve names where they are called) refers to them unqualified: a type of
/// that name in a `types` or tag module would shadow the prelude item or import, and every use
/// would stop compiling. A schema, tag or operation named like one gets the suffix `Model`.
/// The whole std prelude is here (types, traits, variants, derive names), not only what the
/// emitted code uses today, so that a later emitter change cannot reopen the hole.
const RESERVED_TYPES: [&str; 56] = [
    // std prelude: types and variants
    "Option", "Some", "None", "Result", "Ok", "Err", "Box", "Vec", "String",
    // std prelude: traits and derive macros
    "Clone", "Copy", "Send", "Sync", "Sized", "Unpin", "Drop", "Fn", "FnMut", "FnOnce", "From", "Into",
    "TryFrom", "TryInto", "AsRef", "AsMut", "Iterator", "IntoIterator", "DoubleEndedIterator",
    "ExactSizeIterator", "Extend", "FromIterator", "Default", "Debug", "PartialEq", "Eq", "PartialOrd",
    "Ord", "Hash", "ToString", "ToOwned",
    // serde, serde_json and std items the emitted code or the runtime's macros name
    "Serialize", "Deserialize", "Serializer", "Deserializer", "Value", "Map", "Formatter", "PhantomData",
    "IntoFuture", "Future", "Pin",
    // runtime items and the API crate's own names
    "Patch", "Self", "DateTime", "Extra", "Const",
];

/// Spelled-out names for symbols, so that values like `>=` still get a readable variant name.
fn symbol_word(c: char) -> Option<&'static str> {
    Some(match c {
        '=' => "Eq",
        '>' => "Gt",
        '<' => "Lt",
        '!' => "Not",
        '+' => "Plus",
        '-' => "Minus",
        '*' => "Star",
        '/' => "Slash",
        '.' => "Dot",
        '%' => "Percent",
        '&' => "And",
        '|' => "Or",
        '~' => "Tilde",
        '^' => "Caret",
        '@' => "At",
        '#' => "Hash",
        '$' => "Dollar",
        ':' => "Colon",
        '?' => "Question",
        _ => return None,
    })
}

/// PascalCase type or variant name; never empty, never starting with a digit.
pub fn pascal(raw: &str) -> String {
    let mut name = crate::idents::transliterate(raw).to_upper_camel_case();
    if name.is_empty() {
        name = raw.chars().filter_map(symbol_word).collect();
    }
    if name.is_empty() {
        name = "Empty".to_string();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, 'V');
    }
    name
}

/// A string enum's variant name for a wire value, before collisions are numbered: `Unknown`
/// (the fallback variant) and `Self` take a `Value` suffix.
pub fn enum_variant(wire: &str) -> String {
    let mut base = pascal(wire);
    if base == "Unknown" || base == "Self" {
        base.push_str("Value");
    }
    base
}

/// A type name for a schema name: PascalCase, not shadowing a name the generated code relies on.
pub fn type_name(raw: &str) -> String {
    let name = pascal(raw);
    if RESERVED_TYPES.contains(&name.as_str()) {
        format!("{name}Model")
    } else {
        name
    }
}

/// A snake_case field or method name, keyword-safe: `type` → `r#type`, `01ai` → `_01ai`.
pub fn snake(raw: &str) -> String {
    let mut name = crate::idents::transliterate(raw).to_snake_case();
    if name.is_empty() {
        name = raw.chars().filter_map(symbol_word).collect::<String>().to_snake_case();
    }
    if name.is_empty() {
        name = "empty".into();
    }
    if name.starts_with(|c: char| c.is_ascii_digit()) {
        name.insert(0, '_');
    }
    if NOT_RAW.contains(&name.as_str()) {
        name.push('_');
    } else if KEYWORDS.contains(&name.as_str()) {
        name.insert_str(0, "r#");
    }
    name
}

/// `owner` + `suffix` as one PascalCase name, never repeating a word: a suffix that starts with
/// the owner's last word drops it (`ChatContentImage` + `ImageUrl` → `ChatContentImageUrl`); a
/// suffix that is only that word becomes `Def` (`ChatFunctionToolFunction` + `Function` →
/// `ChatFunctionToolFunctionDef`).
pub fn join(owner: &str, suffix: &str) -> String {
    let last = owner.rfind(|c: char| c.is_ascii_uppercase()).map(|i| &owner[i..]).unwrap_or(owner);
    let first_end = suffix.char_indices().skip(1).find(|(_, c)| c.is_ascii_uppercase()).map(|(i, _)| i).unwrap_or(suffix.len());
    let (first, rest) = suffix.split_at(first_end);
    if last.is_empty() || last != first {
        format!("{owner}{suffix}")
    } else if rest.is_empty() {
        format!("{owner}Def")
    } else {
        format!("{owner}{rest}")
    }
}

/// The longest type name the generator hands out.
pub const MAX_TYPE_NAME: usize = 60;

/// PascalCase words: `ListItemV5m` → `List`, `Item`, `V5m` (digits stay with their word).
fn words(name: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = 0;
    for (index, c) in name.char_indices().skip(1) {
        if c.is_ascii_uppercase() {
            out.push(&name[start..index]);
            start = index;
        }
    }
    if start < name.len() {
        out.push(&name[start..]);
    }
    out
}

/// `desired` in at most `limit` characters (see the module doc for the rule). `root` is the
/// name of the component or operation the place sits in; when it is not a word-aligned prefix of
/// `desired`, the first word stands in for it.
pub fn shorten(desired: &str, root: &str, limit: usize) -> String {
    if desired.len() <= limit {
        return desired.to_string();
    }
    let all = words(desired);
    let aligned = !root.is_empty()
        && root.len() < desired.len()
        && desired.starts_with(root)
        && desired[root.len()..].starts_with(|c: char| c.is_ascii_uppercase());
    let root_len = if aligned { words(root).len() } else { 1.min(all.len()) };
    let (root_words, rest) = all.split_at(root_len);
    // 1. Structural joints: `Item` (and a `List` right before it), never the last word.
    let mut kept: Vec<&str> = Vec::with_capacity(rest.len());
    for (index, word) in rest.iter().enumerate() {
        let last = index + 1 == rest.len();
        let joint = *word == "Item" && !last;
        let list_joint = *word == "List" && rest.get(index + 1) == Some(&"Item") && index + 2 < rest.len();
        if !joint && !list_joint {
            kept.push(word);
        }
    }
    // 2. Stutters: a run of words right after the same run (longest first, then leftmost).
    let mut full: Vec<&str> = root_words.iter().copied().chain(kept).collect();
    'stutter: loop {
        for run in (1..=full.len() / 2).rev() {
            for start in 0..=full.len() - 2 * run {
                if start + run >= root_len && full[start..start + run] == full[start + run..start + 2 * run] {
                    full.drain(start + run..start + 2 * run);
                    continue 'stutter;
                }
            }
        }
        break;
    }
    let joined = full.concat();
    if joined.len() <= limit {
        return joined;
    }
    // 3. The root and as many innermost words as fit.
    let mut root_words = full[..root_len].to_vec();
    let rest = &full[root_len..];
    let Some(last) = rest.last() else {
        return truncate(&joined, limit);
    };
    while root_words.len() > 1 && root_words.concat().len() + last.len() > limit {
        root_words.pop();
    }
    let root_text = root_words.concat();
    let mut tail = last.len();
    let mut from = rest.len() - 1;
    while from > 0 && root_text.len() + tail + rest[from - 1].len() <= limit {
        from -= 1;
        tail += rest[from].len();
    }
    truncate(&format!("{root_text}{}", rest[from..].concat()), limit)
}

fn truncate(name: &str, limit: usize) -> String {
    let mut end = limit.min(name.len());
    while !name.is_char_boundary(end) {
        end -= 1;
    }
    name[..end].to_string()
}

/// Hands out names unique within one scope: the first asker gets `base`, later ones `base2`, `base3`…
#[derive(Debug, Default)]
pub struct Namer {
    taken: HashSet<String>,
}

impl Namer {
    pub fn take(&mut self, base: &str) -> String {
        self.take_with(base, "")
    }

    /// Like `take`, with a separator before the number (`_` for snake_case names).
    pub fn take_with(&mut self, base: &str, separator: &str) -> String {
        if self.taken.insert(base.to_string()) {
            return base.to_string();
        }
        // `self_` + `_2` would be `self__2`, which is not snake case.
        let separator = if base.ends_with(separator) { "" } else { separator };
        (2..)
            .map(|n| format!("{base}{separator}{n}"))
            .find(|candidate| self.taken.insert(candidate.clone()))
            .unwrap_or_default()
    }

    pub fn reserve(&mut self, name: &str) {
        self.taken.insert(name.to_string());
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn awkward_wire_names_become_valid_identifiers() {
        assert_eq!(snake("type"), "r#type");
        assert_eq!(snake("_shape"), "shape");
        assert_eq!(snake("01ai"), "_01ai");
        assert_eq!(snake("amazon-bedrock/claude-on-aws"), "amazon_bedrock_claude_on_aws");
        assert_eq!(snake("timestamp_granularities[]"), "timestamp_granularities");
        assert_eq!(snake("Resources"), "resources");
        assert_eq!(snake("self"), "self_");
        assert_eq!(pascal(">="), "GtEq");
        assert_eq!(pascal("<>"), "LtGt");
        assert_eq!(pascal("5m"), "V5m");
        assert_eq!(pascal("image/png"), "ImagePng");
        assert_eq!(pascal("response.output_text.delta"), "ResponseOutputTextDelta");
        assert_eq!(type_name("unstablePublicApiError"), "UnstablePublicApiError");
        assert_eq!(type_name("Preview_20250311_WebSearchServerTool"), "Preview20250311WebSearchServerTool");
        assert_eq!(type_name("BYOKKey"), "ByokKey");
        assert_eq!(type_name("Option"), "OptionModel");
        // The accessor of untagged operations (tag `default`) and prelude variants and traits.
        for (raw, renamed) in [("default", "DefaultModel"), ("Some", "SomeModel"), ("into", "IntoModel"), ("Extra", "ExtraModel")] {
            assert_eq!(type_name(raw), renamed);
        }
    }

    #[test]
    fn joined_names_never_repeat_a_word() {
        assert_eq!(join("ChatFunctionToolFunction", "Function"), "ChatFunctionToolFunctionDef");
        assert_eq!(join("ChatUserMessage", "Content"), "ChatUserMessageContent");
        assert_eq!(join("FooItems", "Item"), "FooItemsItem");
        assert_eq!(join("FooType", "TypeName"), "FooTypeName");
        assert_eq!(join("ChatContentImage", "ImageUrl"), "ChatContentImageUrl");
    }

    #[test]
    fn long_names_are_shortened_by_their_structure() {
        let limit = MAX_TYPE_NAME;
        // Joints and a stutter.
        let error = "MessagesMessageParamContentListItemWebSearchToolResultContentWebSearchToolResultError";
        assert_eq!(shorten(&format!("{error}Type"), "MessagesMessageParam", limit), "MessagesMessageParamContentWebSearchToolResultErrorType");
        assert_eq!(shorten(&format!("{error}Code"), "MessagesMessageParam", limit), "MessagesMessageParamContentWebSearchToolResultErrorCode");
        assert_eq!(shorten(error, "MessagesMessageParam", limit), "MessagesMessageParamContentWebSearchToolResultError");
        assert_eq!(
            shorten("MessagesMessageParamContentListItemWebSearchToolResultContent", "MessagesMessageParam", limit),
            "MessagesMessageParamContentWebSearchToolResultContent"
        );
        // Joints only.
        assert_eq!(
            shorten("MessagesMessageParamContentListItemToolResultContentListItemToolReference", "MessagesMessageParam", limit),
            "MessagesMessageParamContentToolResultContentToolReference"
        );
        assert_eq!(
            shorten("MessagesRequestContextManagementEditsItemClearThinking20251015", "MessagesRequest", limit),
            "MessagesRequestContextManagementEditsClearThinking20251015"
        );
        assert_eq!(
            shorten("CreateEmbeddingsRequestInputListItemContentItemImageUrlImageUrl", "CreateEmbeddings", limit),
            "CreateEmbeddingsRequestInputContentImageUrl"
        );
        // The root and the innermost words.
        assert_eq!(
            shorten("MessagesMessageParamContentListItemToolResultContentListItemToolReferenceType", "MessagesMessageParam", limit),
            "MessagesMessageParamToolResultContentToolReferenceType"
        );
        assert_eq!(
            shorten("MessagesRequestContextManagementEditsItemClearThinking20251015KeepAllType", "MessagesRequest", limit),
            "MessagesRequestEditsClearThinking20251015KeepAllType"
        );
        assert_eq!(
            shorten("MessagesRequestContextManagementEditsItemClearToolUses20250919ClearToolInputs", "MessagesRequest", limit),
            "MessagesRequestEditsClearToolUses20250919ClearToolInputs"
        );
        // Short names stay; the result always fits; a root that is not a prefix is ignored.
        assert_eq!(shorten("ChatRequestReasoningEffort", "ChatRequest", limit), "ChatRequestReasoningEffort");
        let long = "Abcdefghij".repeat(8);
        assert!(shorten(&long, "", limit).len() <= limit);
        assert!(shorten(&format!("{long}Type"), "Other", limit).len() <= limit);
        assert!(shorten(&format!("{long}ItemListItem{long}"), &long, 20).len() <= 20);
    }

    #[test]
    fn collisions_get_numbered_in_request_order() {
        let mut namer = Namer::default();
        assert_eq!(namer.take("Foo"), "Foo");
        assert_eq!(namer.take("Foo"), "Foo2");
        assert_eq!(namer.take_with("bar", "_"), "bar");
        assert_eq!(namer.take_with("bar", "_"), "bar_2");
    }
}
