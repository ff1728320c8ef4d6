//! Reading the values of API request bodies and query strings the same way everywhere: a
//! rule broken is a 422 naming the field; a blank optional value is none.

use aims_app::AppError;
use aims_app::domain::ValidationError;

use crate::error::ApiError;

/// The problem answer for input that breaks a rule.
pub fn invalid(err: ValidationError) -> ApiError {
    AppError::Invalid(err).into()
}

/// `text` parsed as an id, unless blank; names `field` when it is not one.
pub fn optional_id<T: std::str::FromStr>(
    field: &'static str,
    text: Option<&str>,
) -> Result<Option<T>, ValidationError> {
    match text.map(str::trim) {
        None | Some("") => Ok(None),
        Some(text) => text
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, format!("{text:?} is not an id"))),
    }
}

/// A choice given as text, or `default` when none is.
pub fn choice_or<T: std::str::FromStr<Err = ValidationError>>(
    text: Option<&str>,
    default: T,
) -> Result<T, ValidationError> {
    match text.map(str::trim) {
        None | Some("") => Ok(default),
        Some(text) => text.parse(),
    }
}

/// The revision a change starts from, which every change of a revised record must give.
pub fn require_revision(revision: Option<i64>) -> Result<i64, ApiError> {
    revision.ok_or_else(|| {
        invalid(ValidationError::new(
            "revision",
            "give the revision the change starts from",
        ))
    })
}

/// A page's `limit` (100 when not given) and `offset` (0): out of range is a mistake the
/// caller is told of, not quietly mended.
pub fn page(limit: Option<i64>, offset: Option<i64>) -> Result<(i64, i64), ApiError> {
    let limit = limit.unwrap_or(100);
    if !(1..=aims_app::MAX_PAGE).contains(&limit) {
        return Err(invalid(ValidationError::new(
            "limit",
            format!("must be 1 to {}", aims_app::MAX_PAGE),
        )));
    }
    let offset = offset.unwrap_or(0);
    if !(0..=aims_app::MAX_OFFSET).contains(&offset) {
        return Err(invalid(ValidationError::new(
            "offset",
            format!("must be 0 to {}", aims_app::MAX_OFFSET),
        )));
    }
    Ok((limit, offset))
}
