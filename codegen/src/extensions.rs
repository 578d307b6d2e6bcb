//! Hand-written conveniences (`codegen/extensions/<api>.rs`) are copied into their API's crate,
//! where they name generated types, fields and variants. Upstream renames those freely, and a
//! crate that regenerates but does not compile is worse than one without the convenience. So each
//! extension states what it needs in `// needs:` lines, regen checks every need against the
//! resolved model, and an extension with an unmet need is left out, with a located warning in the
//! API's `DEGRADED.md` naming what moved.
//!
//! ```text
//! // needs: feature prompts                           the tag's cargo feature exists
//! // needs: field PromptText.prompt: String           a struct field, with its Rust type
//! // needs: variant Prompt::Text(PromptText)          a union variant, with its payload type
//! // needs: type Prompt                               a type of that name
//! ```
//!
//! Every named type must also be compiled whenever the extension's feature is on (a type that
//! moved to another tag's feature would be missing from a build with only this one).

use crate::emit::features::Gates;
use crate::ir::{Api, Presence, TypeDef, TypeKind, TypeRef};

/// One `// needs:` line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Need {
    Feature(String),
    Type(String),
    Field { owner: String, field: String, ty: String },
    Variant { owner: String, variant: String, ty: String },
}

/// An extension's source and what it needs, each with its line number.
#[derive(Debug, Clone)]
pub struct Extension {
    pub source: String,
    pub needs: Vec<(usize, Need)>,
}

/// Reads the `// needs:` lines of an extension; a line that does not parse is an error naming
/// its line (it is our file, so this is a bug to fix, not a spec to degrade).
pub fn parse(file: &str, source: &str) -> Result<Extension, String> {
    let mut needs = Vec::new();
    for (index, line) in source.lines().enumerate() {
        let Some(need) = line.trim_start().strip_prefix("// needs:") else { continue };
        let need = parse_need(need.trim()).ok_or_else(|| format!("{file}:{}: cannot read this need: {line}", index + 1))?;
        needs.push((index + 1, need));
    }
    if !needs.iter().any(|(_, need)| matches!(need, Need::Feature(_))) {
        return Err(format!("{file}: an extension must name the feature it is compiled with (`// needs: feature <tag>`)"));
    }
    Ok(Extension { source: source.to_string(), needs })
}

fn parse_need(text: &str) -> Option<Need> {
    let (kind, rest) = text.split_once(' ')?;
    let rest = rest.trim();
    Some(match kind {
        "feature" => Need::Feature(rest.to_string()),
        "type" => Need::Type(rest.to_string()),
        "field" => {
            let (path, ty) = rest.split_once(':')?;
            let (owner, field) = path.trim().split_once('.')?;
            Need::Field { owner: owner.to_string(), field: field.to_string(), ty: ty.trim().to_string() }
        }
        "variant" => {
            let (owner, rest) = rest.split_once("::")?;
            let (variant, ty) = rest.strip_suffix(')')?.split_once('(')?;
            Need::Variant { owner: owner.to_string(), variant: variant.to_string(), ty: ty.to_string() }
        }
        _ => return None,
    })
}

/// Every type the extension names (owners, and named types inside the types it states).
pub fn named_types(extension: &Extension) -> Vec<String> {
    let mut names = Vec::new();
    for (_, need) in &extension.needs {
        match need {
            Need::Feature(_) => {}
            Need::Type(name) => names.push(name.clone()),
            Need::Field { owner, ty, .. } | Need::Variant { owner, ty, .. } => {
                names.push(owner.clone());
                names.extend(ty.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| w.starts_with(|c: char| c.is_ascii_uppercase())).filter(|w| !matches!(*w, "Option" | "Vec" | "Box" | "String")).map(str::to_string));
            }
        }
    }
    names.sort();
    names.dedup();
    names
}

/// Why the extension cannot be compiled against `api`: one message per unmet need, with the
/// JSON pointer of the schema it concerns (`/components/schemas` for a type that is gone).
pub fn unmet(extension: &Extension, api: &Api) -> Vec<(String, String)> {
    let find = |name: &str| api.types.types.iter().find(|t| t.name == name);
    let gates = Gates::of(api);
    let features: Vec<&String> = extension.needs.iter().filter_map(|(_, n)| if let Need::Feature(f) = n { Some(f) } else { None }).collect();
    let tag_features = crate::emit::features::tag_features(api);
    let mut problems = Vec::new();
    for (line, need) in &extension.needs {
        let problem = match need {
            Need::Feature(feature) => (!tag_features.contains(feature)).then(|| ("/paths".to_string(), format!("the tag feature `{feature}` (line {line}), which no operation has any more"))),
            Need::Type(name) => find(name).is_none().then(|| missing_type(name, *line)),
            Need::Field { owner, field, ty } => match find(owner) {
                None => Some(missing_type(owner, *line)),
                Some(def) => match &def.kind {
                    TypeKind::Struct { fields, .. } => match fields.iter().find(|f| f.rust == *field) {
                        None => Some((def.source.clone(), format!("the field `{owner}.{field}` (line {line}), which `{owner}` no longer has"))),
                        Some(f) => {
                            let actual = field_type(f.presence, f.boxed, &f.ty);
                            (actual != *ty).then(|| (def.source.clone(), format!("`{owner}.{field}: {ty}` (line {line}), which is now `{actual}`")))
                        }
                    },
                    _ => Some((def.source.clone(), format!("the struct `{owner}` (line {line}), which is now {}", kind_name(def)))),
                },
            },
            Need::Variant { owner, variant, ty } => match find(owner) {
                None => Some(missing_type(owner, *line)),
                Some(def) => match &def.kind {
                    TypeKind::Union { variants, .. } => match variants.iter().find(|v| v.rust == *variant) {
                        None => Some((def.source.clone(), format!("the variant `{owner}::{variant}` (line {line}), which `{owner}` no longer has"))),
                        Some(v) => {
                            let actual = if v.boxed { format!("Box<{}>", v.ty.spelled()) } else { v.ty.spelled() };
                            (actual != *ty).then(|| (def.source.clone(), format!("`{owner}::{variant}({ty})` (line {line}), whose payload is now `{actual}`")))
                        }
                    },
                    _ => Some((def.source.clone(), format!("the union `{owner}` (line {line}), which is now {}", kind_name(def)))),
                },
            },
        };
        problems.extend(problem);
    }
    // A type present but compiled under other features only would be missing from a build with
    // just the extension's feature.
    for name in named_types(extension) {
        let Some(def) = find(&name) else { continue };
        if let Some(gated) = gates.type_features(&name) {
            if let Some(feature) = features.iter().find(|f| !gated.contains(f)) {
                problems.push((def.source.clone(), format!("`{name}` compiled with the feature `{feature}`, but it is now compiled only with {}", gated.join(", "))));
            }
        }
    }
    problems
}

fn missing_type(name: &str, line: usize) -> (String, String) {
    ("/components/schemas".to_string(), format!("the type `{name}` (line {line}), which the spec no longer defines"))
}

fn kind_name(def: &TypeDef) -> &'static str {
    match def.kind {
        TypeKind::Struct { .. } => "a struct",
        TypeKind::StringEnum { .. } | TypeKind::IntEnum { .. } => "an enum",
        TypeKind::Const { .. } => "a constant",
        TypeKind::Union { .. } => "a union",
        TypeKind::Alias(_) => "a type alias",
    }
}

/// A field's Rust type as the extension writes it (named types unqualified).
fn field_type(presence: Presence, boxed: bool, ty: &TypeRef) -> String {
    let inner = if boxed { format!("Box<{}>", ty.spelled()) } else { ty.spelled() };
    match presence {
        Presence::Required => inner,
        Presence::RequiredNullable | Presence::Optional => format!("Option<{inner}>"),
        Presence::TriState => format!("Patch<{inner}>"),
    }
}


#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn needs_parse_and_a_bad_line_is_named() {
        let ext = parse("x.rs", "// needs: feature prompts\n// needs: field A.b: Vec<C>\n// needs: variant U::V(Box<W>)\n// needs: type T\n").unwrap();
        assert_eq!(ext.needs[1], (2, Need::Field { owner: "A".into(), field: "b".into(), ty: "Vec<C>".into() }));
        assert_eq!(ext.needs[2], (3, Need::Variant { owner: "U".into(), variant: "V".into(), ty: "Box<W>".into() }));
        assert_eq!(named_types(&ext), ["A", "C", "T", "U", "W"]);
        let err = parse("x.rs", "// needs: feature p\n// needs: fild A.b\n").unwrap_err();
        assert!(err.starts_with("x.rs:2: cannot read"), "{err}");
        assert!(parse("x.rs", "// needs: type T\n").unwrap_err().contains("feature"));
    }

    /// The needs are written by hand, so check them against the code: every type an extension
    /// imports is declared, and its `cfg` is the feature it declares.
    #[test]
    fn every_extension_declares_the_types_it_imports_and_its_feature() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("extensions");
        let mut checked = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            let source = std::fs::read_to_string(&path).unwrap();
            let ext = parse(&path.display().to_string(), &source).unwrap_or_else(|e| panic!("{e}"));
            let declared = named_types(&ext);
            let imports = source.lines().filter_map(|l| l.trim().strip_prefix("use super::types::")).flat_map(|l| l.trim_matches(|c| "{};".contains(c)).split(',').map(|n| n.trim().to_string()).collect::<Vec<_>>());
            for name in imports.filter(|n| !n.is_empty()) {
                assert!(declared.contains(&name), "{}: imports `{name}` without a `// needs:` line for it", path.display());
            }
            let features: Vec<_> = ext.needs.iter().filter_map(|(_, n)| if let Need::Feature(f) = n { Some(f) } else { None }).collect();
            for feature in features {
                assert!(source.contains(&format!("#![cfg(feature = \"{feature}\")]")), "{}: not compiled with `{feature}`", path.display());
            }
            checked += 1;
        }
        assert!(checked > 0, "no extension found in {}", dir.display());
    }
}
