//! Errors of the red-team engine.

use std::path::PathBuf;

/// What went wrong, with where.
#[derive(Debug, thiserror::Error)]
pub enum RedTeamError {
    /// A probe pack, a config or a report could not be read as the format it claims.
    #[error("{file}: {message}")]
    Invalid { file: String, message: String },
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    /// The journal belongs to another run configuration.
    #[error("{0}")]
    Resume(String),
    /// A target could not be built from its configuration.
    #[error("target: {0}")]
    Target(String),
    /// Something went wrong inside the engine itself.
    #[error("internal error: {0}")]
    Internal(String),
}

impl RedTeamError {
    /// An invalid-input error for `file`.
    pub fn invalid(file: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid {
            file: file.into(),
            message: message.into(),
        }
    }

    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Self::Io {
            path: path.into(),
            source,
        }
    }
}
