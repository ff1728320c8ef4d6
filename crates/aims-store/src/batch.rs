//! Many rows in few statements: each INSERT carries as many rows as the engines' limit on
//! parameters allows, so that a bulk load or a restore costs a round trip per thousand rows
//! rather than one per row (which dominates on PostgreSQL over a network).

use sqlx::AssertSqlSafe;

use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// The most parameters one statement binds: under SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMETERS: usize = 30_000;

/// One value to insert, typed so that a NULL carries the type the engine expects.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) enum Cell {
    Text(Option<String>),
    Integer(Option<i64>),
    Bytes(Option<Vec<u8>>),
}

impl Cell {
    /// Binds this value as the query's next parameter.
    pub(crate) fn bind_to<'q>(
        self,
        query: sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments>,
    ) -> sqlx::query::Query<'q, sqlx::Any, sqlx::any::AnyArguments> {
        match self {
            Cell::Text(v) => query.bind(v),
            Cell::Integer(v) => query.bind(v),
            Cell::Bytes(v) => query.bind(v),
        }
    }
}

impl From<String> for Cell {
    fn from(v: String) -> Self {
        Cell::Text(Some(v))
    }
}

impl From<&str> for Cell {
    fn from(v: &str) -> Self {
        Cell::Text(Some(v.to_owned()))
    }
}

impl From<Option<String>> for Cell {
    fn from(v: Option<String>) -> Self {
        Cell::Text(v)
    }
}

impl From<i64> for Cell {
    fn from(v: i64) -> Self {
        Cell::Integer(Some(v))
    }
}

impl From<Option<i64>> for Cell {
    fn from(v: Option<i64>) -> Self {
        Cell::Integer(v)
    }
}

impl From<Vec<u8>> for Cell {
    fn from(v: Vec<u8>) -> Self {
        Cell::Bytes(Some(v))
    }
}

impl From<Option<Vec<u8>>> for Cell {
    fn from(v: Option<Vec<u8>>) -> Self {
        Cell::Bytes(v)
    }
}

/// The `VALUES` list of `rows` rows of `width` parameters each: numbered (`$1`) for
/// PostgreSQL, plain `?` in order for SQLite. sqlx asks SQLite for every parameter's name,
/// and SQLite finds the name of a numbered or named one by walking a list of all of them,
/// which makes binding thousands of them quadratic.
fn values_list(rows: usize, width: usize, numbered: bool) -> String {
    let mut out = String::with_capacity(rows * width * 6);
    for r in 0..rows {
        if r > 0 {
            out.push_str(", ");
        }
        out.push('(');
        for c in 0..width {
            if c > 0 {
                out.push_str(", ");
            }
            if numbered {
                out.push_str(&format!("${}", r * width + c + 1));
            } else {
                out.push('?');
            }
        }
        out.push(')');
    }
    out
}

impl Tx {
    /// Inserts `rows` into `table`, each a value for every one of `columns`, in as few
    /// statements as the parameter limit allows.
    pub(crate) async fn insert_rows(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Cell>>,
    ) -> Result<()> {
        self.insert_rows_then(table, columns, rows, "").await?;
        Ok(())
    }

    /// As [`Tx::insert_rows`], with `tail` (an `ON CONFLICT` clause, binding nothing) after
    /// each statement's `VALUES`; how many rows the statements inserted or changed.
    pub(crate) async fn insert_rows_then(
        &mut self,
        table: &str,
        columns: &[&str],
        rows: Vec<Vec<Cell>>,
        tail: &str,
    ) -> Result<u64> {
        if let Some(bad) = rows.iter().position(|r| r.len() != columns.len()) {
            return Err(StoreError::Corrupt(format!(
                "table {table} row {}: {} values for {} columns",
                bad + 1,
                rows[bad].len(),
                columns.len()
            )));
        }
        let per_statement = (MAX_PARAMETERS / columns.len().max(1)).max(1);
        let numbered = self.engine() == Engine::Postgres;
        let head = format!("INSERT INTO {table} ({}) VALUES ", columns.join(", "));
        let mut rows = rows.into_iter().peekable();
        let mut affected = 0;
        while rows.peek().is_some() {
            let chunk: Vec<Vec<Cell>> = rows.by_ref().take(per_statement).collect();
            let sql = format!(
                "{head}{}{tail}",
                values_list(chunk.len(), columns.len(), numbered)
            );
            let mut query = sqlx::query(AssertSqlSafe(sql));
            for cell in chunk.into_iter().flatten() {
                query = cell.bind_to(query);
            }
            affected += query.execute(self.conn()).await?.rows_affected();
        }
        Ok(affected)
    }
}

#[cfg(test)]
mod tests {
    use super::values_list;

    #[test]
    fn parameters_are_numbered_row_by_row_or_plain_in_order() {
        assert_eq!(values_list(1, 1, true), "($1)");
        assert_eq!(values_list(2, 3, true), "($1, $2, $3), ($4, $5, $6)");
        assert_eq!(values_list(2, 2, false), "(?, ?), (?, ?)");
    }
}
