//! Roles of the management system with their holders, and people's training records.

mod roles;
mod training;

pub use training::TrainingQuery;

use crate::error::{Result, StoreError};

/// A list of text as its stored JSON.
fn list_to_json(list: &[String]) -> Result<String> {
    serde_json::to_string(list).map_err(|e| StoreError::Corrupt(e.to_string()))
}

/// A stored JSON list of text, naming `column` when it is not one.
fn list_from_json(column: &str, text: &str) -> Result<Vec<String>> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}
