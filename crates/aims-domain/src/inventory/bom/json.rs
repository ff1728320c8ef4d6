//! Reading JSON members with a path for errors: a member of the wrong type is an error
//! naming where it is; a missing or `null` member is absent.

use serde_json::{Map, Value};

use super::BomError;

pub(super) type Object = Map<String, Value>;
pub(super) type Read<T> = Result<T, BomError>;

pub(super) fn as_object<'a>(value: &'a Value, at: &str) -> Read<&'a Object> {
    value
        .as_object()
        .ok_or_else(|| BomError::new(at, format!("must be an object, not {}", brief(value))))
}

/// An optional string member; `null` counts as absent.
pub(super) fn text_field<'a>(object: &'a Object, key: &str, at: &str) -> Read<Option<&'a str>> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(BomError::new(
            &format!("{at}/{key}"),
            format!("must be a string, not {}", brief(other)),
        )),
    }
}

/// An optional object member; `null` counts as absent.
pub(super) fn object_field<'a>(
    object: &'a Object,
    key: &str,
    at: &str,
) -> Read<Option<&'a Object>> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(None),
        Some(Value::Object(o)) => Ok(Some(o)),
        Some(other) => Err(BomError::new(
            &format!("{at}/{key}"),
            format!("must be an object, not {}", brief(other)),
        )),
    }
}

/// An optional array member, empty when absent or `null`.
pub(super) fn array_field<'a>(object: &'a Object, key: &str, at: &str) -> Read<&'a [Value]> {
    match object.get(key) {
        None | Some(Value::Null) => Ok(&[]),
        Some(Value::Array(items)) => Ok(items),
        Some(other) => Err(BomError::new(
            &format!("{at}/{key}"),
            format!("must be an array, not {}", brief(other)),
        )),
    }
}

/// A few words on what a JSON value is, for error messages.
pub(super) fn brief(value: &Value) -> String {
    match value {
        Value::Null => "null".to_owned(),
        Value::Bool(b) => b.to_string(),
        Value::Number(n) => format!("the number {n}"),
        Value::String(s) => {
            let mut shown: String = s.chars().take(40).collect();
            if shown.len() < s.len() {
                shown.push('…');
            }
            format!("{shown:?}")
        }
        Value::Array(_) => "an array".to_owned(),
        Value::Object(_) => "an object".to_owned(),
    }
}

/// The first candidate that is not blank, trimmed; empty when none is.
pub(super) fn first_text<const N: usize>(candidates: [Option<&str>; N]) -> String {
    candidates
        .into_iter()
        .flatten()
        .map(str::trim)
        .find(|s| !s.is_empty())
        .unwrap_or("")
        .to_owned()
}
