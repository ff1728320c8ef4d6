//! What a use case can answer instead of its result. The web layer maps each kind to one
//! HTTP status in one place.

use aims_domain::{Denied, ValidationError};
use aims_store::StoreError;

/// Why a use case did not do what was asked.
#[derive(Debug, thiserror::Error)]
pub enum AppError {
    /// No valid session or token.
    #[error("sign in first")]
    Unauthenticated,
    /// The actor's role lacks a permission.
    #[error(transparent)]
    Denied(#[from] Denied),
    /// The object does not exist in the actor's organisation (or the actor may not know it does).
    #[error("{0} not found")]
    NotFound(&'static str),
    /// The input breaks a rule; names the field.
    #[error(transparent)]
    Invalid(#[from] ValidationError),
    /// The change conflicts with the current state (a duplicate, the last owner, ...).
    #[error("{0}")]
    Conflict(String),
    /// Too many failed attempts; try again later.
    #[error("too many failed attempts: try again in {retry_after_seconds} seconds")]
    Throttled { retry_after_seconds: i64 },
    /// The server is at capacity for this kind of work (password checks); try again shortly.
    #[error("busy: try again in {retry_after_seconds} seconds")]
    Busy { retry_after_seconds: i64 },
    /// The database cannot be reached just now; try again shortly.
    #[error("database unavailable")]
    Unavailable(#[source] StoreError),
    /// The store failed in a way the user cannot mend; the chain of causes goes to the log.
    #[error("storage failed")]
    Storage(#[source] StoreError),
    /// Something failed inside; the detail goes to the log, not to the user.
    #[error("internal error: {0}")]
    Internal(String),
}

impl From<StoreError> for AppError {
    fn from(err: StoreError) -> Self {
        match err {
            StoreError::NotFound => AppError::NotFound("record"),
            StoreError::Conflict(what) if what == "revision" => AppError::Conflict(
                "someone else changed this record meanwhile; reload it and apply your change again"
                    .into(),
            ),
            // The constraint's name is the schema's business, not the user's.
            StoreError::Conflict(constraint) => {
                tracing::debug!(%constraint, "unique constraint refused a write");
                AppError::Conflict("a record with the same unique value exists already".into())
            }
            e @ StoreError::Unavailable(_) => AppError::Unavailable(e),
            other => AppError::Storage(other),
        }
    }
}

/// Maps a store's `NotFound` to a named one, leaving other errors as they are.
pub(crate) fn not_found(what: &'static str) -> impl Fn(StoreError) -> AppError {
    move |err| match err {
        StoreError::NotFound => AppError::NotFound(what),
        other => other.into(),
    }
}

/// An error and its causes on one line, `what: why: why`, each said once (libraries often
/// repeat their cause's words in their own message): for logs and the command line.
pub fn causes(err: &(dyn std::error::Error + 'static)) -> String {
    let mut text = String::new();
    let mut next = Some(err);
    while let Some(cause) = next {
        let line = cause.to_string();
        if !line.is_empty() && !text.contains(&line) {
            if !text.is_empty() {
                text.push_str(": ");
            }
            text.push_str(&line);
        }
        next = cause.source();
    }
    text
}

/// Results of use cases.
pub type Result<T, E = AppError> = std::result::Result<T, E>;
