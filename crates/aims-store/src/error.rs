//! What can go wrong in the store.

/// An error from the store.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// The record does not exist in this organisation.
    #[error("not found")]
    NotFound,
    /// A record with the same unique value exists already.
    #[error("already exists ({0})")]
    Conflict(String),
    /// The database refused or could not be reached.
    #[error("database error: {0}")]
    Database(#[source] sqlx::Error),
    /// A stored value could not be read back into its domain type.
    #[error("stored data is invalid: {0}")]
    Corrupt(String),
    /// The schema is not at the version this build expects.
    #[error("migrations: {0}")]
    Migration(String),
    /// A backup archive could not be written or read.
    #[error("backup: {0}")]
    Backup(String),
}

impl From<sqlx::Error> for StoreError {
    fn from(err: sqlx::Error) -> Self {
        if let Some(db) = err.as_database_error()
            && db.is_unique_violation()
        {
            return StoreError::Conflict(db.constraint().unwrap_or("unique").to_owned());
        }
        match err {
            sqlx::Error::RowNotFound => StoreError::NotFound,
            other => StoreError::Database(other),
        }
    }
}

/// Results of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
