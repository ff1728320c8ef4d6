//! What tables and columns the database holds, read from each engine's own catalogue.

use sqlx::Row;

use super::ColumnKind;
use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// The application's tables, by name. Left out: the migration ledger, SQLite's text
/// indexes (`text_index_*` and FTS5's own tables under them) and the running counts
/// (`tally_*`), which triggers derive from the tables and fill again on restore.
pub(crate) async fn tables(tx: &mut Tx) -> Result<Vec<String>> {
    let sql = match tx.engine() {
        Engine::Sqlite => {
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
             AND name NOT LIKE 'text_index_%' AND name NOT LIKE 'tally_%' \
             AND name <> 'schema_migrations' ORDER BY name"
        }
        Engine::Postgres => {
            "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
             AND table_type = 'BASE TABLE' AND table_name NOT LIKE 'tally_%' \
             AND table_name <> 'schema_migrations' ORDER BY table_name"
        }
    };
    Ok(sqlx::query_scalar(sql).fetch_all(tx.conn()).await?)
}

/// The columns of `table` in declared order, with their kinds.
pub(crate) async fn columns(tx: &mut Tx, table: &str) -> Result<Vec<(String, ColumnKind)>> {
    let sql = match tx.engine() {
        Engine::Sqlite => "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
        Engine::Postgres => {
            "SELECT column_name::text, data_type::text FROM information_schema.columns \
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position"
        }
    };
    let rows = sqlx::query(sql).bind(table).fetch_all(tx.conn()).await?;
    if rows.is_empty() {
        return Err(StoreError::Backup(format!("table {table} does not exist")));
    }
    rows.iter()
        .map(|row| {
            let name: String = row.try_get(0)?;
            let declared: String = row.try_get(1)?;
            let kind = ColumnKind::from_declared(&declared).ok_or_else(|| {
                StoreError::Backup(format!(
                    "column {table}.{name} has type {declared}, which backups do not carry"
                ))
            })?;
            Ok((name, kind))
        })
        .collect()
}
