//! What the filtered lists (inventory, risk register) share: numbered text binds, a count that
//! may stop at a cap, and one page, all run with the same binds.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::RowExt;
use crate::tx::Tx;

/// Adds `value` to the binds and numbers the `?` of `clause` after it.
pub(crate) fn bind(clause: &str, value: String, binds: &mut Vec<String>) -> String {
    binds.push(value);
    clause.replace('?', &format!("${}", binds.len()))
}

impl Tx {
    /// Counts the rows of `from` matching `filter` (stopping one past `cap` when given) and
    /// reads `select` ordered by `order`, `limit` rows from `offset`.
    #[allow(clippy::too_many_arguments)]
    pub(crate) async fn counted_page(
        &mut self,
        from: &str,
        select: &str,
        filter: &str,
        order: &str,
        binds: Vec<String>,
        cap: Option<i64>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AnyRow>, i64)> {
        let stop = cap.map_or_else(String::new, |cap| format!(" LIMIT {}", cap.max(0) + 1));
        let mut count = sqlx::query(AssertSqlSafe(format!(
            "SELECT COUNT(*) AS n FROM (SELECT 1 FROM {from} WHERE {filter}{stop}) counted"
        )));
        for b in &binds {
            count = count.bind(b.clone());
        }
        let total = count.fetch_one(self.conn()).await?.int("n")?;
        let mut page = sqlx::query(AssertSqlSafe(format!(
            "{select} WHERE {filter} ORDER BY {order} LIMIT {} OFFSET {}",
            limit.clamp(1, 500),
            offset.max(0)
        )));
        for b in binds {
            page = page.bind(b);
        }
        Ok((page.fetch_all(self.conn()).await?, total))
    }
}
