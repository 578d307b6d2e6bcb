//! What changed in the operations a user calls: the method and its arguments (one entry per
//! call that stops compiling, naming the parameters and body fields that made it), the setters
//! of optional parameters, the request body, and the body of every response status, errors
//! included (each is a variant of the operation's error enum that user code matches).

use super::{change, required_word, show, Change, Severity, Shapes};
use crate::ir::{Api, Operation, Param, ResponseContent, TypeRef};
use std::collections::BTreeMap;

pub(super) fn operations(old: &Api, new: &Api, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let key = |op: &Operation| format!("{} {}", op.http_method, op.path);
    let old_ops: BTreeMap<String, &Operation> = old.operations.iter().map(|op| (key(op), op)).collect();
    let new_ops: BTreeMap<String, &Operation> = new.operations.iter().map(|op| (key(op), op)).collect();
    for (at, op) in &new_ops {
        if !old_ops.contains_key(at) {
            change(changes, Severity::Compatible, "operation-added", at, format!("`{}().{}()`", op.tag.module, op.method));
        }
    }
    for (at, before) in &old_ops {
        let Some(after) = new_ops.get(at) else {
            change(changes, Severity::Breaking, "operation-removed", at, format!("`{}().{}()` no longer exists", before.tag.module, before.method));
            continue;
        };
        if (&before.tag.module, &before.method) != (&after.tag.module, &after.method) {
            change(changes, Severity::Breaking, "operation-renamed", at, format!("`{}().{}()` is now `{}().{}()`", before.tag.module, before.method, after.tag.module, after.method));
        }
        if before.builder != after.builder {
            change(changes, Severity::Breaking, "request-builder-renamed", at, format!("`{}` is now `{}`", before.builder, after.builder));
        }
        if !before.deprecated && after.deprecated {
            change(changes, Severity::Compatible, "operation-deprecated", at, "marked deprecated (calls now warn)");
        }
        let (old_call, new_call) = (Call::of(old, before), Call::of(new, after));
        if !old_call.same(&new_call, shapes) {
            let facts = call_facts(before, after, &old_call, &new_call, shapes);
            let detail = format!("`{}` is now `{}`{}", old_call.spelled(before), new_call.spelled(after), facts);
            change(changes, Severity::Breaking, "operation-arguments-changed", at, detail);
        }
        setters(at, before, after, shapes, changes);
        // A body passed whole is an argument (above); one built field by field is replaced with
        // the builder's `.body(…)`, whose argument is the body's type.
        let body = |op: &Operation| op.body.as_ref().map(|b| b.ty.clone());
        let body_changed = match (body(before), body(after)) {
            (Some(a), Some(b)) => !shapes.same(&a, &b),
            (a, b) => a != b,
        };
        if body_changed && old_call.fieldwise {
            let text = |ty: Option<TypeRef>| ty.map_or("none".to_string(), |t| show(&t));
            change(changes, Severity::Breaking, "request-body-changed", at, format!("`.body({})` is now `.body({})`", text(body(before)), text(body(after))));
        }
        responses(at, before, after, shapes, changes);
    }
}

/// The accessor method's arguments, as the user passes them: required parameters, then the body
/// (its required fields when it is built field by field, else the whole body).
pub(crate) struct Call {
    pub arguments: Vec<Argument>,
    fieldwise: bool,
}

pub(crate) struct Argument {
    name: String,
    pub ty: TypeRef,
    /// `impl Into<T>` rather than `T` itself (lists and whole bodies are taken as they are).
    pub into: bool,
}

impl Call {
    pub(crate) fn of(api: &Api, op: &Operation) -> Call {
        let value = |name: &str, ty: &TypeRef| Argument { name: name.to_string(), ty: ty.clone(), into: !matches!(ty, TypeRef::List(_)) };
        let mut arguments: Vec<Argument> = op.params.iter().filter(|p| p.required).map(|p| value(&p.rust, &p.ty)).collect();
        let fields = crate::emit::fieldwise_body_arguments(api, op);
        match (&op.body, &fields) {
            (Some(_), Some(fields)) => arguments.extend(fields.iter().map(|f| value(&f.rust, &f.ty))),
            (Some(body), None) => arguments.push(Argument { name: "body".into(), ty: body.ty.clone(), into: false }),
            (None, _) => {}
        }
        Call { arguments, fieldwise: fields.is_some() }
    }

    /// Arguments are positional: their names never appear in a caller's code.
    fn same(&self, other: &Call, shapes: &Shapes<'_>) -> bool {
        self.arguments.len() == other.arguments.len() && self.arguments.iter().zip(&other.arguments).all(|(a, b)| a.into == b.into && shapes.same(&a.ty, &b.ty))
    }

    fn spelled(&self, op: &Operation) -> String {
        let arguments: Vec<String> = self
            .arguments
            .iter()
            .map(|a| if a.into { format!("{}: impl Into<{}>", a.name, show(&a.ty)) } else { format!("{}: {}", a.name, show(&a.ty)) })
            .collect();
        format!("{}().{}({})", op.tag.module, op.method, arguments.join(", "))
    }
}

/// What made the arguments change, in the user's terms: required parameters added, removed,
/// made optional or retyped, and the body's change.
fn call_facts(before: &Operation, after: &Operation, old_call: &Call, new_call: &Call, shapes: &Shapes<'_>) -> String {
    let mut facts = Vec::new();
    let old_params: BTreeMap<&str, &Param> = before.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    let new_params: BTreeMap<&str, &Param> = after.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    for (name, param) in &new_params {
        match old_params.get(name) {
            None if param.required => facts.push(format!("required `{name}` added")),
            Some(old) if old.required != param.required => facts.push(format!("`{name}`: {} → {}", required_word(old.required), required_word(param.required))),
            Some(old) if param.required && !shapes.same(&old.ty, &param.ty) => facts.push(format!("`{name}`: {} → {}", show(&old.ty), show(&param.ty))),
            _ => {}
        }
    }
    for (name, _) in old_params.iter().filter(|(n, p)| p.required && !new_params.contains_key(*n)) {
        facts.push(format!("required `{name}` removed"));
    }
    let body_arguments = |call: &Call, op: &Operation| call.arguments[op.params.iter().filter(|p| p.required).count()..].iter().map(|a| (a.name.clone(), a.ty.clone())).collect::<BTreeMap<_, _>>();
    let (old_body, new_body) = (body_arguments(old_call, before), body_arguments(new_call, after));
    if old_call.fieldwise != new_call.fieldwise {
        facts.push(if new_call.fieldwise { "the body is now built from its required fields" } else { "the body is now passed whole" }.to_string());
    } else {
        for (name, ty) in &new_body {
            match old_body.get(name) {
                None => facts.push(format!("required body field `{name}` added")),
                Some(old) if !shapes.same(old, ty) => facts.push(format!("body `{name}`: {} → {}", show(old), show(ty))),
                Some(_) => {}
            }
        }
        for name in old_body.keys().filter(|n| !new_body.contains_key(*n)) {
            facts.push(format!("required body field `{name}` removed"));
        }
    }
    if facts.is_empty() {
        String::new()
    } else {
        format!(" ({})", facts.join("; "))
    }
}

/// Optional parameters are setters of the request builder, called by name: one that is removed,
/// made required, retyped or renamed breaks the calls to it.
fn setters(at: &str, before: &Operation, after: &Operation, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let new_params: BTreeMap<&str, &Param> = after.params.iter().map(|p| (p.wire.as_str(), p)).collect();
    for param in after.params.iter().filter(|p| !p.required && !before.params.iter().any(|o| o.wire == p.wire)) {
        change(changes, Severity::Compatible, "parameter-added", at, format!("optional `{}`", param.wire));
    }
    for old in before.params.iter().filter(|p| !p.required) {
        let name = &old.wire;
        match new_params.get(name.as_str()) {
            None => change(changes, Severity::Breaking, "parameter-removed", at, format!("`.{}()` (optional `{name}`) no longer exists", old.rust)),
            Some(new) if new.required => change(changes, Severity::Breaking, "parameter-requiredness-changed", at, format!("`{name}`: optional → required (`.{}()` is now an argument)", old.rust)),
            Some(new) if !shapes.same(&old.ty, &new.ty) => change(changes, Severity::Breaking, "parameter-type-changed", at, format!("`.{}()` of `{name}`: {} → {}", old.rust, show(&old.ty), show(&new.ty))),
            Some(new) if old.rust != new.rust => change(changes, Severity::Breaking, "setter-renamed", at, format!("`.{}()` is now `.{}()` (parameter `{name}`)", old.rust, new.rust)),
            Some(_) => {}
        }
    }
}

/// The success body is what `send()` returns; every other status with a JSON body is a variant
/// of the error enum, holding that body's type.
fn responses(at: &str, before: &Operation, after: &Operation, shapes: &Shapes<'_>, changes: &mut Vec<Change>) {
    let same = |a: &ResponseContent, b: &ResponseContent| match (a, b) {
        (ResponseContent::Json(a), ResponseContent::Json(b)) => shapes.same(a, b),
        (a, b) => a == b,
    };
    let success = |op: &Operation| op.responses.iter().find(|r| (200..300).contains(&r.status)).map(|r| r.content.clone()).unwrap_or(ResponseContent::Empty);
    if !same(&success(before), &success(after)) {
        change(changes, Severity::Breaking, "response-changed", at, format!("success body {} → {}", content_word(&success(before)), content_word(&success(after))));
    }
    if before.error_type != after.error_type {
        let name = |ty: &Option<String>| ty.clone().unwrap_or_else(|| "serde_json::Value".into());
        change(changes, Severity::Breaking, "error-type-renamed", at, format!("`Error<{}>` is now `Error<{}>`", name(&before.error_type), name(&after.error_type)));
    }
    for new in after.responses.iter().filter(|r| !before.responses.iter().any(|o| (o.status, o.range) == (r.status, r.range))) {
        change(changes, Severity::Compatible, "response-status-added", at, status_word(new.status, new.range));
    }
    let error_type = before.error_type.as_deref().unwrap_or("Error");
    for old in before.responses.iter().filter(|r| !(200..300).contains(&r.status)) {
        let variant = |content: &ResponseContent| match content {
            ResponseContent::Json(ty) => Some(show(ty)),
            _ => None,
        };
        let Some(old_body) = variant(&old.content) else {
            // No variant held this status: losing it or typing it breaks no code.
            if !after.responses.iter().any(|r| (r.status, r.range) == (old.status, old.range)) {
                change(changes, Severity::Compatible, "response-status-removed", at, format!("{} (it had no typed body)", status_word(old.status, old.range)));
            }
            continue;
        };
        match after.responses.iter().find(|r| (r.status, r.range) == (old.status, old.range)) {
            None => change(changes, Severity::Breaking, "response-status-removed", at, format!("{} (`{error_type}::{}` goes away)", status_word(old.status, old.range), old.variant)),
            Some(new) if !same(&old.content, &new.content) => {
                let now = variant(&new.content).map_or_else(|| "gone (no JSON body)".to_string(), |body| format!("`{}({body})`", new.variant));
                change(changes, Severity::Breaking, "error-body-changed", at, format!("{}: `{error_type}::{}({old_body})` is now {now}", status_word(old.status, old.range), old.variant));
            }
            Some(_) => {}
        }
    }
}

fn content_word(content: &ResponseContent) -> String {
    match content {
        ResponseContent::Json(ty) => show(ty),
        ResponseContent::Empty => "none".into(),
        ResponseContent::Text => "text".into(),
        ResponseContent::Binary => "bytes".into(),
    }
}

fn status_word(status: u16, range: bool) -> String {
    match (status, range) {
        (0, _) => "default".into(),
        (code, true) => format!("{}XX", code / 100),
        (code, false) => code.to_string(),
    }
}
