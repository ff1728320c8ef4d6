//! An event's change as people read it: one line per field, in words, a replaced value shown
//! as before → after, rather than the canonical JSON the chain hashes.

use serde_json::Value;

/// One line of a change.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ChangeLine {
    /// The field, in words (`acceptance_withdrawn` → `Acceptance withdrawn`).
    pub field: String,
    /// The value it had, where the change replaced one.
    pub before: Option<String>,
    pub after: String,
}

/// A field name in words.
pub fn field_words(name: &str) -> String {
    let words = name.replace(['_', '.'], " ");
    let mut chars = words.trim().chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A value as text: lists joined, `true`/`false` as yes/no, nothing as a dash.
fn text(value: &Value) -> String {
    match value {
        Value::Null => "—".to_owned(),
        Value::Bool(true) => "yes".to_owned(),
        Value::Bool(false) => "no".to_owned(),
        Value::String(s) => s.replace('_', " "),
        Value::Number(n) => n.to_string(),
        Value::Array(items) if items.is_empty() => "none".to_owned(),
        Value::Array(items) => items.iter().map(text).collect::<Vec<_>>().join(", "),
        Value::Object(map) => map
            .iter()
            .map(|(k, v)| format!("{}: {}", field_words(k), text(v)))
            .collect::<Vec<_>>()
            .join("; "),
    }
}

/// The (before, after) of a value that records a replacement.
fn replacement(value: &Value) -> Option<(&Value, &Value)> {
    let map = value.as_object()?;
    for (old, new) in [("from", "to"), ("before", "after"), ("old", "new")] {
        if let (Some(a), Some(b)) = (map.get(old), map.get(new))
            && map.len() == 2
        {
            return Some((a, b));
        }
    }
    None
}

/// The lines of a change given as JSON text; text that is not JSON reads as one line.
pub fn change_lines(change: &str) -> Vec<ChangeLine> {
    let value: Value = match serde_json::from_str(change) {
        Ok(v) => v,
        Err(_) => {
            return vec![ChangeLine {
                field: "Change".into(),
                before: None,
                after: change.to_owned(),
            }];
        }
    };
    if let Some((before, after)) = replacement(&value) {
        return vec![ChangeLine {
            field: "Value".into(),
            before: Some(text(before)),
            after: text(after),
        }];
    }
    match value {
        Value::Object(map) => map
            .iter()
            .map(|(key, v)| match replacement(v) {
                Some((before, after)) => ChangeLine {
                    field: field_words(key),
                    before: Some(text(before)),
                    after: text(after),
                },
                None => ChangeLine {
                    field: field_words(key),
                    before: None,
                    after: text(v),
                },
            })
            .collect(),
        other => vec![ChangeLine {
            field: "Change".into(),
            before: None,
            after: text(&other),
        }],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaced_values_read_as_before_and_after() {
        let lines = change_lines(r#"{"name":{"from":"Acme","to":"Acme Ltd"}}"#);
        assert_eq!(
            lines,
            [ChangeLine {
                field: "Name".into(),
                before: Some("Acme".into()),
                after: "Acme Ltd".into()
            }]
        );
        let role = change_lines(r#"{"from":"viewer","to":"editor"}"#);
        assert_eq!(
            (role[0].before.as_deref(), role[0].after.as_str()),
            (Some("viewer"), "editor")
        );
    }

    #[test]
    fn fields_and_lists_read_as_words() {
        let lines = change_lines(
            r#"{"acceptance_withdrawn":true,"fields":["inherent_likelihood","owner"],"note":null}"#,
        );
        let read: Vec<(String, String)> = lines.into_iter().map(|l| (l.field, l.after)).collect();
        assert_eq!(
            read,
            [
                ("Acceptance withdrawn".to_owned(), "yes".to_owned()),
                ("Fields".to_owned(), "inherent likelihood, owner".to_owned()),
                ("Note".to_owned(), "—".to_owned()),
            ]
        );
        assert!(change_lines("{}").is_empty());
        assert_eq!(change_lines("not json")[0].after, "not json");
    }
}
