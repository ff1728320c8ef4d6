//! Reading columns back into domain types, with a clear error when stored data is invalid.

use std::str::FromStr;

use aims_domain::Timestamp;
use aims_domain::account::Email;
use sqlx::Row;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};

/// Typed access to the columns of one row.
pub(crate) trait RowExt {
    fn text(&self, column: &str) -> Result<String>;
    fn opt_text(&self, column: &str) -> Result<Option<String>>;
    fn int(&self, column: &str) -> Result<i64>;
    fn opt_int(&self, column: &str) -> Result<Option<i64>>;

    fn parsed<T: FromStr>(&self, column: &str) -> Result<T>
    where
        T::Err: std::fmt::Display,
    {
        parsed(column, &self.text(column)?)
    }

    fn opt_parsed<T: FromStr>(&self, column: &str) -> Result<Option<T>>
    where
        T::Err: std::fmt::Display,
    {
        opt_parsed(column, self.opt_text(column)?.as_deref())
    }

    fn at(&self, column: &str) -> Result<Timestamp> {
        self.int(column).map(Timestamp::from_micros)
    }

    fn opt_at(&self, column: &str) -> Result<Option<Timestamp>> {
        Ok(self.opt_int(column)?.map(Timestamp::from_micros))
    }

    fn email(&self, column: &str) -> Result<Email> {
        let text = self.text(column)?;
        Email::parse(&text).map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
    }
}

impl RowExt for AnyRow {
    fn text(&self, column: &str) -> Result<String> {
        Ok(self.try_get(column)?)
    }

    fn opt_text(&self, column: &str) -> Result<Option<String>> {
        Ok(self.try_get(column)?)
    }

    fn int(&self, column: &str) -> Result<i64> {
        Ok(self.try_get(column)?)
    }

    fn opt_int(&self, column: &str) -> Result<Option<i64>> {
        Ok(self.try_get(column)?)
    }
}

/// The stored text of `column` as a domain value.
pub(crate) fn parsed<T: FromStr>(column: &str, text: &str) -> Result<T>
where
    T::Err: std::fmt::Display,
{
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("column {column}: {e} ({text:?})")))
}

/// The stored text of a column that may be NULL as a domain value.
pub(crate) fn opt_parsed<T: FromStr>(column: &str, text: Option<&str>) -> Result<Option<T>>
where
    T::Err: std::fmt::Display,
{
    text.map(|t| parsed(column, t)).transpose()
}

/// Maps each row with `read`, stopping at the first invalid one.
pub(crate) fn map_rows<T>(
    rows: Vec<AnyRow>,
    read: impl Fn(&AnyRow) -> Result<T>,
) -> Result<Vec<T>> {
    rows.iter().map(read).collect()
}

/// `NotFound` when a statement changed no row: the record is not in this organisation.
pub(crate) fn affected_one(done: sqlx::any::AnyQueryResult) -> Result<()> {
    if done.rows_affected() == 0 {
        Err(StoreError::NotFound)
    } else {
        Ok(())
    }
}
