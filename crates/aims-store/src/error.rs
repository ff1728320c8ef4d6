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
    /// The database refused the statement.
    #[error("the database refused a statement")]
    Database(#[source] sqlx::Error),
    /// The database could not be reached, or dropped the connection: worth trying again.
    #[error("the database is unavailable")]
    Unavailable(#[source] sqlx::Error),
    /// The database at `target` (its URL without a password) could not be opened; the
    /// reason is in words a person can act on.
    #[error("{reason}")]
    Connect { target: String, reason: String },
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
            e if lost_connection(&e) || unreachable(&e) => StoreError::Unavailable(e),
            other => StoreError::Database(other),
        }
    }
}

impl StoreError {
    /// Whether the connection used was dead (the server restarted or dropped it), so that
    /// the same read on another connection may well succeed.
    pub fn is_lost_connection(&self) -> bool {
        matches!(self, StoreError::Unavailable(e) if lost_connection(e))
    }
}

/// Whether `err` says the connection is gone: a broken socket, or PostgreSQL ending the
/// session (an administrator, a shutdown or a crash).
pub(crate) fn lost_connection(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::Io(_) => true,
        sqlx::Error::Database(db) => db
            .code()
            .is_some_and(|c| c.starts_with("08") || matches!(&*c, "57P01" | "57P02")),
        _ => false,
    }
}

/// Whether `err` says no connection can be had just now: every one busy for the whole wait,
/// the pool shut, or PostgreSQL still starting.
fn unreachable(err: &sqlx::Error) -> bool {
    match err {
        sqlx::Error::PoolTimedOut | sqlx::Error::PoolClosed => true,
        sqlx::Error::Database(db) => db.code().is_some_and(|c| c == "57P03"),
        _ => false,
    }
}

/// Why connecting to `target` failed, and what to check, in words a person acts on.
pub(crate) fn connect_error(target: &str, err: &sqlx::Error) -> StoreError {
    let reason = match err {
        sqlx::Error::Database(db) => match db.code().as_deref() {
            Some("3D000") => format!(
                "{}; create it (`createdb NAME`) or correct the database name in the URL",
                db.message()
            ),
            Some("28P01" | "28000") => format!(
                "{}; check the user name and password in the URL, and pg_hba.conf",
                db.message()
            ),
            // SQLite's SQLITE_CANTOPEN.
            Some("14") => format!(
                "{}; check that its folder exists and that aims may write there",
                db.message()
            ),
            _ => db.message().to_owned(),
        },
        sqlx::Error::Io(e) if e.kind() == std::io::ErrorKind::ConnectionRefused => {
            "nothing accepts connections there (connection refused); check that PostgreSQL \
             is running and listening on that host and port"
                .to_owned()
        }
        sqlx::Error::Io(e) => {
            format!("{e}; check the host and port in the URL and that the server is reachable")
        }
        sqlx::Error::PoolTimedOut => {
            "no connection could be made in time; check that the server is running and reachable"
                .to_owned()
        }
        other => other.to_string(),
    };
    StoreError::Connect {
        target: target.to_owned(),
        reason,
    }
}

/// Results of the store.
pub type Result<T, E = StoreError> = std::result::Result<T, E>;
