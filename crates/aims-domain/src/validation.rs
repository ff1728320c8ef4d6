//! The one error every validated value returns: which field, and what is wrong with it.

use std::fmt;

/// Input that does not satisfy a rule, naming the field it came from.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ValidationError {
    /// The field, in the names the API and the forms use.
    pub field: &'static str,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl ValidationError {
    /// An error about `field`.
    pub fn new(field: &'static str, message: impl Into<String>) -> Self {
        Self {
            field,
            message: message.into(),
        }
    }
}

impl fmt::Display for ValidationError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.field, self.message)
    }
}

impl std::error::Error for ValidationError {}

/// Trims `text` and checks its length in characters (at least `min` once trimmed, at most
/// `max` as given); names `field` when it fails.
pub fn bounded_text(
    field: &'static str,
    text: &str,
    min: usize,
    max: usize,
) -> Result<String, ValidationError> {
    let trimmed = text.trim();
    let length = trimmed.chars().count();
    if length < min {
        return Err(if min == 1 {
            ValidationError::new(field, "must not be empty")
        } else {
            ValidationError::new(field, format!("must be at least {min} characters"))
        });
    }
    if text.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed.chars().any(|c| c.is_control()) {
        return Err(ValidationError::new(
            field,
            "must not contain control characters",
        ));
    }
    Ok(trimmed.to_owned())
}

/// Like [`bounded_text`] for prose that may span lines: newlines and tabs are kept, an empty
/// value is allowed, other control characters are refused.
pub fn long_text(field: &'static str, text: &str, max: usize) -> Result<String, ValidationError> {
    let trimmed = text.trim();
    if text.chars().count() > max {
        return Err(ValidationError::new(
            field,
            format!("must be at most {max} characters"),
        ));
    }
    if trimmed
        .chars()
        .any(|c| c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
    {
        return Err(ValidationError::new(
            field,
            "must not contain control characters other than line breaks and tabs",
        ));
    }
    Ok(trimmed.replace("\r\n", "\n"))
}

/// A list of short labels (tags, regions): each trimmed, lower-cased, 1 to 40 characters of
/// letters, digits, `-`, `_`, `.`, `:` or `/`; duplicates removed, order kept; at most `max`.
pub fn labels(
    field: &'static str,
    items: &[String],
    max: usize,
) -> Result<Vec<String>, ValidationError> {
    let mut out: Vec<String> = Vec::new();
    for item in items {
        let label = item.trim().to_lowercase();
        if label.is_empty() {
            continue;
        }
        if label.chars().count() > 40 {
            return Err(ValidationError::new(
                field,
                format!("{label:?} is longer than 40 characters"),
            ));
        }
        if !label
            .chars()
            .all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | ':' | '/'))
        {
            return Err(ValidationError::new(
                field,
                format!("{label:?} may hold only letters, digits and - _ . : /"),
            ));
        }
        if !out.contains(&label) {
            out.push(label);
        }
    }
    if out.len() > max {
        return Err(ValidationError::new(
            field,
            format!("at most {max} entries"),
        ));
    }
    Ok(out)
}
