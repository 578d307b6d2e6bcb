//! JSON equality as the round-trip tests need it: numbers by value (`1.0` = `1`), date-times by
//! instant (`…00.000Z` = `…00Z`), objects regardless of key order, and a property that is `null`
//! equal to one that is absent — outside request bodies (where `Patch` keeps the difference) the
//! generated types hold both as `None`, which is what both mean.

use serde_json::Value;

/// The first place where two JSON values differ, as a path and a description.
pub fn first_difference(a: &Value, b: &Value, path: &str) -> Option<String> {
    match (a, b) {
        (Value::Number(x), Value::Number(y)) => {
            let equal = x == y || x.as_f64().zip(y.as_f64()).is_some_and(|(x, y)| x == y || (x - y).abs() <= f64::EPSILON * x.abs().max(y.abs()));
            (!equal).then(|| format!("{path}: {x} ≠ {y}"))
        }
        (Value::String(x), Value::String(y)) if x != y => {
            let same_instant = chrono::DateTime::parse_from_rfc3339(x).ok().zip(chrono::DateTime::parse_from_rfc3339(y).ok()).is_some_and(|(x, y)| x == y);
            (!same_instant).then(|| format!("{path}: {x:?} ≠ {y:?}"))
        }
        (Value::Array(x), Value::Array(y)) => {
            if x.len() != y.len() {
                return Some(format!("{path}: {} items ≠ {} items", x.len(), y.len()));
            }
            x.iter().zip(y).enumerate().find_map(|(i, (x, y))| first_difference(x, y, &format!("{path}[{i}]")))
        }
        (Value::Object(x), Value::Object(y)) => {
            for key in x.keys().chain(y.keys()) {
                match (x.get(key), y.get(key)) {
                    (Some(a), Some(b)) => {
                        if let Some(d) = first_difference(a, b, &format!("{path}.{key}")) {
                            return Some(d);
                        }
                    }
                    (Some(Value::Null), None) | (None, Some(Value::Null)) => {}
                    (Some(a), None) => return Some(format!("{path}.{key}: {a} was dropped")),
                    (None, Some(b)) => return Some(format!("{path}.{key}: {b} was added")),
                    (None, None) => {}
                }
            }
            None
        }
        (x, y) => (x != y).then(|| format!("{path}: {x} ≠ {y}")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn numbers_compare_by_value_and_dates_by_instant() {
        assert_eq!(first_difference(&json!({"a": 1.0}), &json!({"a": 1}), ""), None);
        assert_eq!(first_difference(&json!("2024-01-01T00:00:00.000Z"), &json!("2024-01-01T00:00:00Z"), ""), None);
        assert!(first_difference(&json!({"a": 1}), &json!({"a": 2}), "").is_some());
        assert!(first_difference(&json!({"a": 1}), &json!({}), "").unwrap().contains("dropped"));
        assert_eq!(first_difference(&json!({"a": null}), &json!({}), ""), None);
        assert!(first_difference(&json!("x"), &json!("y"), "").is_some());
    }
}
