//! One typed row per table: a struct whose fields are the table's columns, declared once with
//! [`table_row!`]. INSERT, UPDATE and SELECT all go through it, so no statement lists a
//! table's columns by position and a column added to the struct reaches every one of them.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::batch::Cell;
use crate::error::{Result, StoreError};
use crate::tx::Tx;

/// A row of one table, field for column.
pub(crate) trait TableRow: Sized {
    /// The table's name.
    const TABLE: &'static str;
    /// Its columns, in the order of [`TableRow::into_cells`].
    const COLUMNS: &'static [&'static str];
    /// Reads the row's columns by name; other columns of the result are left alone.
    fn from_row(row: &AnyRow) -> Result<Self>;
    /// The row's values, in the order of [`TableRow::COLUMNS`].
    fn into_cells(self) -> Vec<Cell>;
}

/// Declares a table's row: `table_row! { /// doc  struct NameRow in "table" { column: Type, … } }`.
/// Field types are those the `Any` driver reads and writes: `String`, `i64`, their `Option`s
/// and `Vec<u8>`; conversions to and from domain types live beside the struct.
macro_rules! table_row {
    ($(#[$meta:meta])* struct $name:ident in $table:literal {
        $($(#[$field_meta:meta])* $field:ident: $ty:ty),+ $(,)?
    }) => {
        $(#[$meta])*
        #[derive(Clone, Debug, PartialEq, Eq)]
        pub(crate) struct $name {
            $($(#[$field_meta])* pub(crate) $field: $ty),+
        }

        impl $crate::table_row::TableRow for $name {
            const TABLE: &'static str = $table;
            const COLUMNS: &'static [&'static str] = &[$(stringify!($field)),+];

            fn from_row(row: &sqlx::any::AnyRow) -> $crate::error::Result<Self> {
                use sqlx::Row;
                Ok(Self {
                    $($field: row.try_get(stringify!($field)).map_err(|e| {
                        $crate::error::StoreError::Corrupt(format!(
                            "{}.{}: {e}",
                            $table,
                            stringify!($field)
                        ))
                    })?),+
                })
            }

            fn into_cells(self) -> Vec<$crate::batch::Cell> {
                vec![$(self.$field.into()),+]
            }
        }
    };
}
pub(crate) use table_row;

/// How an UPDATE through a [`TableRow`] finds its row and what it leaves alone.
pub(crate) struct Update<'a> {
    /// Columns naming the row (the organisation first), compared with the row's values.
    pub key: &'a [&'a str],
    /// Columns the update leaves as stored: those no change of this kind may touch, and
    /// those other writers own.
    pub keep: &'a [&'a str],
    /// A column the stored row must still hold this value in (a revision), or none.
    pub expect: Option<(&'a str, i64)>,
    /// Columns the stored row must still hold NULL in (an approval not given yet): what a
    /// change that happens once compares, so that a second one finds no row.
    pub unset: &'a [&'a str],
    /// SQL appended to the SET list as it is, binding nothing: a change computed from the
    /// stored row.
    pub also: Option<&'a str>,
}

/// Every column of `R` but `these`: what an update that writes only `these` keeps.
pub(crate) fn columns_but<R: TableRow>(these: &[&str]) -> Vec<&'static str> {
    R::COLUMNS
        .iter()
        .copied()
        .filter(|c| !these.contains(c))
        .collect()
}

/// Every column of `R` as a SELECT list, those in `blank` read as empty text: what a listing
/// reads when it leaves out a large column (a document, a snapshot).
pub(crate) fn columns_blanking<R: TableRow>(blank: &[&str]) -> String {
    R::COLUMNS
        .iter()
        .map(|c| {
            if blank.contains(c) {
                format!("'' AS {c}")
            } else {
                (*c).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// `Corrupt` naming the first of `names` that is not a column of `R`: a statement built from
/// a misspelt name would otherwise fail on one engine's wording, or not at all.
fn known_columns<R: TableRow>(names: &[&str]) -> Result<()> {
    match names.iter().find(|c| !R::COLUMNS.contains(c)) {
        Some(unknown) => Err(StoreError::Corrupt(format!(
            "table {} has no column {unknown}",
            R::TABLE
        ))),
        None => Ok(()),
    }
}

impl Tx {
    /// Inserts `rows` in as few statements as the engines' parameter limits allow.
    pub(crate) async fn insert<R: TableRow>(&mut self, rows: Vec<R>) -> Result<()> {
        let cells = rows.into_iter().map(R::into_cells).collect();
        self.insert_rows(R::TABLE, R::COLUMNS, cells).await
    }

    /// Inserts `row` unless a stored row holds the same values in the unique key `on`;
    /// whether it did. Nothing stored is changed.
    pub(crate) async fn insert_unless_taken<R: TableRow>(
        &mut self,
        row: R,
        on: &[&str],
    ) -> Result<bool> {
        known_columns::<R>(on)?;
        let tail = format!(" ON CONFLICT ({}) DO NOTHING", on.join(", "));
        let done = self
            .insert_rows_then(R::TABLE, R::COLUMNS, vec![row.into_cells()], &tail)
            .await?;
        Ok(done == 1)
    }

    /// Inserts `row`, or writes its columns over those of the stored row holding the same
    /// values in the unique key `on`. One row per statement: PostgreSQL refuses a statement
    /// that would change one row twice.
    pub(crate) async fn upsert<R: TableRow>(&mut self, row: R, on: &[&str]) -> Result<()> {
        known_columns::<R>(on)?;
        let set: Vec<String> = R::COLUMNS
            .iter()
            .filter(|c| !on.contains(c))
            .map(|c| format!("{c} = excluded.{c}"))
            .collect();
        let action = if set.is_empty() {
            "NOTHING".to_owned()
        } else {
            format!("UPDATE SET {}", set.join(", "))
        };
        let tail = format!(" ON CONFLICT ({}) DO {action}", on.join(", "));
        self.insert_rows_then(R::TABLE, R::COLUMNS, vec![row.into_cells()], &tail)
            .await?;
        Ok(())
    }

    /// Writes `row` over the stored row with the same key; how many rows changed (0 when
    /// none has the key, its `expect` column holds another value, or an `unset` one a value).
    pub(crate) async fn update<R: TableRow>(&mut self, row: R, how: Update<'_>) -> Result<u64> {
        known_columns::<R>(how.key)?;
        known_columns::<R>(how.keep)?;
        known_columns::<R>(how.unset)?;
        let named: Vec<(&str, Cell)> = R::COLUMNS.iter().copied().zip(row.into_cells()).collect();
        let set: Vec<&(&str, Cell)> = named
            .iter()
            .filter(|(c, _)| !how.key.contains(c) && !how.keep.contains(c))
            .collect();
        let keys: Vec<&(&str, Cell)> = how
            .key
            .iter()
            .filter_map(|k| named.iter().find(|(c, _)| c == k))
            .collect();
        let mut n = 0;
        let mut next = || {
            n += 1;
            format!("${n}")
        };
        let mut assignments: Vec<String> = set
            .iter()
            .map(|(c, _)| format!("{c} = {}", next()))
            .collect();
        assignments.extend(how.also.map(str::to_owned));
        let mut conditions: Vec<String> = keys
            .iter()
            .map(|(c, _)| format!("{c} = {}", next()))
            .collect();
        if let Some((column, _)) = how.expect {
            conditions.push(format!("{column} = {}", next()));
        }
        conditions.extend(how.unset.iter().map(|c| format!("{c} IS NULL")));
        let sql = format!(
            "UPDATE {} SET {} WHERE {}",
            R::TABLE,
            assignments.join(", "),
            conditions.join(" AND ")
        );
        let mut query = sqlx::query(AssertSqlSafe(sql));
        for (_, cell) in set.into_iter().chain(keys) {
            query = cell.clone().bind_to(query);
        }
        if let Some((_, value)) = how.expect {
            query = query.bind(value);
        }
        Ok(query.execute(self.conn()).await?.rows_affected())
    }
}
