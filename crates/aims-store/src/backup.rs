//! Backup and restore: every table of every tenant, and the blobs, in one portable archive
//! that either engine can load. The format knows no table by name: it reads each table's
//! columns from the database's own catalogue, so a table added by a later migration is
//! covered by adding its name to [`TABLES`], and a test fails naming any table left out.

mod archive;
mod catalogue;
mod reading;
mod restore;
mod value;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use sqlx::any::AnyRow;
use sqlx::{AssertSqlSafe, Row};

pub(crate) use archive::sha256_hex;
pub use archive::{Blob, TableHeader, read_archive, write_archive};
pub use reading::{Item, MAX_BLOB_BYTES, MAX_MANIFEST_BYTES, MAX_ROW_BYTES, read_items_from};
pub use restore::Restored;
pub use value::{ColumnKind, Value};

use crate::connect::Store;
use crate::error::{Result, StoreError};
use crate::migrate::MIGRATIONS;
use crate::tx::Tx;

/// Every table of the schema, parents before children, so that a restore never inserts a row
/// before the row it refers to.
pub const TABLES: &[&str] = &[
    "organisations",
    "users",
    "memberships",
    "invitations",
    "api_tokens",
    "sessions",
    "setup_tokens",
    "sign_in_failures",
    "audit_events",
    "audit_checkpoints",
    "jobs",
    "requirement_texts",
    "ai_systems",
    "ai_components",
    "ai_system_classifications",
    "impact_assessments",
    "impact_assessment_versions",
    "evidence",
    "evidence_targets",
    "documents",
    "document_versions",
    "document_acknowledgements",
    "document_settings",
    "tasks",
    "task_comments",
    "notifications",
    "notification_settings",
    "password_resets",
    "risk_methods",
    "risks",
    "record_numbers",
    "risk_systems",
    "risk_controls",
    "own_controls",
    "control_implementations",
    "system_obligations",
    "soa_versions",
    "redteam_runs",
    "custom_frameworks",
    "aims_roles",
    "aims_role_holders",
    "training_records",
    "metrics",
    "metric_measurements",
    "objectives",
    "contexts",
    "context_versions",
    "nonconformities",
    "incidents",
];

/// The version of the archive layout this build writes and reads.
pub const FORMAT_VERSION: i64 = 1;

/// One table's contents.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct TableDump {
    pub table: String,
    pub columns: Vec<(String, ColumnKind)>,
    /// Rows in a stable order (sorted by value), so that equal data gives equal archives.
    pub rows: Vec<Vec<Value>>,
}

/// Everything in the database, as read by [`Store::dump`].
#[derive(Clone, Debug, PartialEq)]
pub struct Dump {
    /// The schema version the data was read at.
    pub schema_version: i64,
    pub tables: Vec<TableDump>,
}

/// The last migration of this build.
pub fn schema_version() -> i64 {
    MIGRATIONS.last().map_or(0, |m| m.version)
}

impl Store {
    /// Reads every table in one consistent view.
    pub async fn dump(&self) -> Result<Dump> {
        let mut tx = self.read().await?;
        check_coverage(&mut tx).await?;
        let mut tables = Vec::with_capacity(TABLES.len());
        for table in TABLES {
            let columns = catalogue::columns(&mut tx, table).await?;
            let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
            let sql = format!("SELECT {} FROM {table}", names.join(", "));
            let rows = sqlx::query(AssertSqlSafe(sql)).fetch_all(tx.conn()).await?;
            let mut values = rows
                .iter()
                .map(|row| read_row(row, &columns))
                .collect::<Result<Vec<_>>>()?;
            values.sort();
            tables.push(TableDump {
                table: (*table).to_owned(),
                columns,
                rows: values,
            });
        }
        Ok(Dump {
            schema_version: schema_version(),
            tables,
        })
    }

    /// Loads `dump` into this database, which must be migrated and empty. All or nothing.
    pub async fn load(&self, dump: &Dump) -> Result<u64> {
        if dump.schema_version != schema_version() {
            return Err(StoreError::Backup(format!(
                "the archive is at schema version {}, this build at {}: restore it with the aims \
                 release that wrote it, then upgrade",
                dump.schema_version,
                schema_version()
            )));
        }
        let mut tx = self.write().await?;
        check_coverage(&mut tx).await?;
        check_empty(&mut tx).await?;
        let by_name: BTreeMap<&str, &TableDump> =
            dump.tables.iter().map(|t| (t.table.as_str(), t)).collect();
        if let Some(extra) = dump
            .tables
            .iter()
            .find(|t| !TABLES.contains(&t.table.as_str()))
        {
            return Err(StoreError::Backup(format!(
                "the archive holds an unknown table {}",
                extra.table
            )));
        }
        let mut loaded = 0;
        for table in TABLES {
            let Some(part) = by_name.get(table) else {
                return Err(StoreError::Backup(format!(
                    "the archive has no part for table {table}"
                )));
            };
            loaded += load_table(&mut tx, part).await?;
        }
        tx.commit().await?;
        Ok(loaded)
    }
}

/// Fails naming any table of the database that [`TABLES`] does not list.
pub async fn check_coverage(tx: &mut Tx) -> Result<()> {
    let present = catalogue::tables(tx).await?;
    if let Some(missing) = present.iter().find(|t| !TABLES.contains(&t.as_str())) {
        return Err(StoreError::Backup(format!(
            "table {missing} is not covered by backups: add it to aims_store::backup::TABLES"
        )));
    }
    if let Some(absent) = TABLES.iter().find(|t| !present.iter().any(|p| p == *t)) {
        return Err(StoreError::Backup(format!(
            "table {absent} is listed for backups but does not exist"
        )));
    }
    Ok(())
}

fn read_row(row: &AnyRow, columns: &[(String, ColumnKind)]) -> Result<Vec<Value>> {
    columns
        .iter()
        .enumerate()
        .map(|(i, (name, kind))| {
            let read = match kind {
                ColumnKind::Text => row
                    .try_get::<Option<String>, _>(i)
                    .map(|v| v.map(Value::Text)),
                ColumnKind::Integer => row
                    .try_get::<Option<i64>, _>(i)
                    .map(|v| v.map(Value::Integer)),
                ColumnKind::Bytes => row
                    .try_get::<Option<Vec<u8>>, _>(i)
                    .map(|v| v.map(Value::Bytes)),
            };
            read.map(|v| v.unwrap_or(Value::Null))
                .map_err(|e| StoreError::Backup(format!("reading column {name}: {e}")))
        })
        .collect()
}

/// Fails unless every table is empty: a restore never merges into existing data.
pub(crate) async fn check_empty(tx: &mut Tx) -> Result<()> {
    for table in TABLES {
        let count: i64 = sqlx::query_scalar(AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}")))
            .fetch_one(tx.conn())
            .await?;
        if count > 0 {
            return Err(StoreError::Backup(format!(
                "restore needs an empty database, but table {table} has {count} row(s)"
            )));
        }
    }
    Ok(())
}

/// Fails unless `columns` are the database's columns of `table`, in order.
pub(crate) async fn check_columns(
    tx: &mut Tx,
    table: &str,
    columns: &[(String, ColumnKind)],
) -> Result<()> {
    let present = catalogue::columns(tx, table).await?;
    if present != columns {
        return Err(StoreError::Backup(format!(
            "table {table}: the archive's columns {columns:?} differ from the database's {present:?}"
        )));
    }
    Ok(())
}

async fn load_table(tx: &mut Tx, part: &TableDump) -> Result<u64> {
    check_columns(tx, &part.table, &part.columns).await?;
    insert_table_rows(tx, &part.table, &part.columns, &part.rows, 1).await
}

/// Inserts archived rows of `table` (numbered from `first_row`, for messages).
pub(crate) async fn insert_table_rows(
    tx: &mut Tx,
    table: &str,
    columns: &[(String, ColumnKind)],
    rows: &[Vec<Value>],
    first_row: usize,
) -> Result<u64> {
    let mut cells = Vec::with_capacity(rows.len());
    for (index, row) in rows.iter().enumerate() {
        let number = first_row + index;
        if row.len() != columns.len() {
            return Err(StoreError::Backup(format!(
                "table {table} row {number}: {} values for {} columns",
                row.len(),
                columns.len()
            )));
        }
        let converted = row
            .iter()
            .zip(columns)
            .map(|(value, (name, kind))| {
                value::cell(value, *kind).map_err(|e| {
                    StoreError::Backup(format!("table {table} row {number} column {name}: {e}"))
                })
            })
            .collect::<Result<Vec<_>>>()?;
        cells.push(converted);
    }
    let names: Vec<&str> = columns.iter().map(|(n, _)| n.as_str()).collect();
    tx.insert_rows(table, &names, cells).await?;
    Ok(rows.len() as u64)
}
