//! `{{name}}` variables in prompt templates, filled the way the official Langfuse SDKs do:
//! spaces inside the braces are allowed, values are inserted as given (no HTML escaping), and a
//! variable without a value stays as written so that a missing one is visible, not blank.

/// Replaces each `{{name}}` in `template` with its value from `variables`.
pub fn fill_template<K: AsRef<str>, V: AsRef<str>>(template: &str, variables: &[(K, V)]) -> String {
    let mut out = String::with_capacity(template.len());
    let mut rest = template;
    while let Some(start) = rest.find("{{") {
        let Some(length) = rest[start + 2..].find("}}") else { break };
        let name = rest[start + 2..start + 2 + length].trim();
        out.push_str(&rest[..start]);
        match variables.iter().find(|(key, _)| key.as_ref() == name) {
            Some((_, value)) => out.push_str(value.as_ref()),
            None => out.push_str(&rest[start..start + 2 + length + 2]),
        }
        rest = &rest[start + 2 + length + 2..];
    }
    out.push_str(rest);
    out
}

#[cfg(test)]
mod tests {
    use super::fill_template;

    #[test]
    fn fills_known_variables_and_keeps_unknown_ones() {
        let filled = fill_template("Hi {{name}}, about {{ topic }}: {{missing}} {{", &[("name", "Ada"), ("topic", "Rust")]);
        assert_eq!(filled, "Hi Ada, about Rust: {{missing}} {{");
    }

    #[test]
    fn values_are_inserted_verbatim_and_not_rescanned() {
        assert_eq!(fill_template("{{a}}{{b}}", &[("a", "{{b}}"), ("b", "<x>")]), "{{b}}<x>");
    }
}
