//! The type model: everything `emit` needs, decided by `resolve`. `emit` makes no decisions.

use serde::Serialize;

/// The Rust field that keeps additional properties of an object that allows them.
pub const EXTRA_FIELD: &str = "additional_properties";
/// The Rust field that keeps the keys a server sends that the schema does not declare (objects
/// whose schema says nothing of additional properties, or forbids them).
pub const UNDECLARED_FIELD: &str = "extra";

/// One API's generated types, in a stable order.
#[derive(Debug, Clone, Serialize)]
pub struct TypeSpace {
    pub types: Vec<TypeDef>,
}

impl TypeSpace {
    /// Each place alias (hidden, see `resolve::place_aliases`) and the type it names.
    pub fn place_aliases(&self) -> foldhash::HashMap<&str, &str> {
        self.types
            .iter()
            .filter_map(|t| match &t.kind {
                TypeKind::Alias(TypeRef::Named(target)) if t.hidden => Some((t.name.as_str(), target.as_str())),
                _ => None,
            })
            .collect()
    }
}

/// A named Rust type.
#[derive(Debug, Clone, Serialize)]
pub struct TypeDef {
    /// Rust type name (PascalCase, unique within the API).
    pub name: String,
    /// JSON pointer of the schema this type was made from (first one, when shared).
    pub source: String,
    pub doc: Option<String>,
    pub deprecated: bool,
    pub kind: TypeKind,
    /// A place alias: the name a place that now refers to a component would have given its
    /// inline type, kept (hidden from the docs) so that code written while the schema was
    /// inline still compiles after upstream moves it to a `$ref` (see `resolve::place_aliases`).
    pub hidden: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum TypeKind {
    /// An object with known properties; `extra` keeps additional properties when the schema allows them.
    Struct { fields: Vec<Field>, extra: Option<TypeRef> },
    /// A string enum; unknown values decode to a fallback variant.
    StringEnum { variants: Vec<EnumVariant> },
    /// An integer enum; unknown values decode to a fallback variant.
    IntEnum { variants: Vec<(String, i64)> },
    /// A single allowed value (`const`, or an `enum` of one value), checked on decode.
    /// `tag`: the value is a required property's own (`type: "text"`), filled in by `new`.
    Const { value: serde_json::Value, tag: bool },
    /// `oneOf`/`anyOf`: tagged when `tag` is set (each variant has a distinct tag value), else tried in order.
    Union { tag: Option<String>, variants: Vec<Variant> },
    /// Another name for a type.
    Alias(TypeRef),
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct EnumVariant {
    pub rust: String,
    pub wire: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Variant {
    pub rust: String,
    /// The tag value, for tagged unions.
    pub tag_value: Option<String>,
    pub ty: TypeRef,
    pub boxed: bool,
    /// The `From` impls the union gets for this variant (none when another variant has the same type).
    pub conversions: Vec<Conversion>,
}

/// A value a union converts from, for one variant.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Conversion {
    /// The variant's own type.
    Own,
    /// `&str`, for a `String` variant.
    Str,
}

/// How a field is present on the wire and how Rust holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Presence {
    /// Required, never null: `T`.
    Required,
    /// Required but may be null: `Option<T>`, `None` sent as `null`.
    RequiredNullable,
    /// May be absent: `Option<T>`, `None` omitted.
    Optional,
    /// May be absent or null, and the difference matters (request bodies): `Patch<T>`.
    TriState,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Field {
    /// Property name on the wire.
    pub wire: String,
    /// Rust field name (snake_case, keyword-safe, unique within the struct).
    pub rust: String,
    pub ty: TypeRef,
    pub presence: Presence,
    /// The schema admits `null` (kept apart from `presence` so request types can become tri-state).
    pub nullable: bool,
    pub boxed: bool,
    /// A required field of a one-value type: constructors fill it, users never pass it.
    pub constant: bool,
    pub doc: Option<String>,
    /// Examples the spec gives for this field, as JSON text.
    pub example: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum TypeRef {
    Named(String),
    Prim(Prim),
    List(Box<TypeRef>),
    Map(Box<TypeRef>),
    /// A list item or map value that may be `null`.
    Nullable(Box<TypeRef>),
    /// Any JSON value.
    Any,
}

impl TypeRef {
    /// The type as user code spells it, without the paths the generated code writes
    /// (`Vec<ChatMessage>`, `Option<i64>`, `Map<String>`, `DateTime`, `serde_json::Value`): what extension
    /// needs and the drift report say.
    pub fn spelled(&self) -> String {
        match self {
            TypeRef::Named(name) => name.clone(),
            TypeRef::Prim(prim) => prim.rust_name().to_string(),
            TypeRef::List(inner) => format!("Vec<{}>", inner.spelled()),
            TypeRef::Map(inner) => format!("Map<{}>", inner.spelled()),
            TypeRef::Nullable(inner) => format!("Option<{}>", inner.spelled()),
            TypeRef::Any => "serde_json::Value".to_string(),
        }
    }
}

impl Prim {
    /// The Rust type's name; the last four are the runtime's (`crate::runtime::DateTime`).
    pub fn rust_name(&self) -> &'static str {
        match self {
            Prim::String => "String",
            Prim::Bool => "bool",
            Prim::I32 => "i32",
            Prim::I64 => "i64",
            Prim::F32 => "f32",
            Prim::F64 => "f64",
            Prim::DateTime => "DateTime",
            Prim::Date => "Date",
            Prim::Uuid => "Uuid",
            Prim::Binary => "Binary",
        }
    }

    /// Whether the type is the runtime's rather than the language's.
    pub fn from_runtime(&self) -> bool {
        matches!(self, Prim::DateTime | Prim::Date | Prim::Uuid | Prim::Binary)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Prim {
    String,
    Bool,
    I32,
    I64,
    F32,
    F64,
    DateTime,
    Date,
    Uuid,
    Binary,
}

/// One API's operations, grouped by tag, with the names `emit` uses.
#[derive(Debug, Clone, Serialize)]
pub struct Api {
    pub name: String,
    pub types: TypeSpace,
    pub operations: Vec<Operation>,
    pub default_server: Option<String>,
    /// The Rust type of every schema position (JSON pointer) that was resolved, and whether it
    /// admits null there: how examples and error messages find their type.
    pub schema_types: std::collections::BTreeMap<String, (TypeRef, bool)>,
    /// Names that are not simply the one their place asks for, with the reason.
    pub naming_notes: Vec<NamingNote>,
    /// What the generator could not express and degraded (or skipped), located in the spec.
    #[serde(skip)]
    pub warnings: Vec<crate::error::SpecError>,
}

/// A type name that had to deviate from the name its place asks for.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct NamingNote {
    pub name: String,
    /// JSON pointer of the schema.
    pub source: String,
    pub reason: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct Operation {
    /// The spec's operationId (or `METHOD /path` when it has none).
    pub id: String,
    pub tag: Tag,
    /// Method name on the tag's accessor (`list`, `get_queue`).
    pub method: String,
    /// Request builder type name (`ListQueues`), unique within the API.
    pub builder: String,
    pub http_method: String,
    pub path: String,
    pub summary: Option<String>,
    pub description: Option<String>,
    pub deprecated: bool,
    pub params: Vec<Param>,
    pub body: Option<Body>,
    pub responses: Vec<Response>,
    pub auth: AuthScheme,
    /// Name of the error-body enum (`ListQueuesError`), or `None` when every error body is free JSON.
    pub error_type: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct Tag {
    /// As the spec spells it.
    pub wire: String,
    /// Module and accessor name (`annotation_queues`).
    pub module: String,
    /// Accessor type name (`AnnotationQueues`).
    pub type_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum AuthScheme {
    None,
    Bearer,
    Basic,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum ParamLocation {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, Serialize)]
pub struct Param {
    pub wire: String,
    pub rust: String,
    pub location: ParamLocation,
    pub ty: TypeRef,
    pub required: bool,
    /// Arrays as repeated `name=value` pairs (form style, explode), else comma-joined.
    pub explode: bool,
    pub doc: Option<String>,
    pub deprecated: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum BodyMedia {
    Json,
    Multipart,
    Binary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Body {
    pub media: BodyMedia,
    pub ty: TypeRef,
    pub required: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
pub enum ResponseContent {
    Empty,
    Json(TypeRef),
    Text,
    Binary,
}

#[derive(Debug, Clone, Serialize)]
pub struct Response {
    /// `200`, or `0` for `default`; ranges (`5XX`) are stored as their first code with `range` set.
    pub status: u16,
    pub range: bool,
    pub content: ResponseContent,
    /// Schema of each `text/event-stream` event's `data`, when the response can stream.
    pub stream: Option<TypeRef>,
    /// Rust variant name in the error enum (`BadRequest`, `Status418`).
    pub variant: String,
}
