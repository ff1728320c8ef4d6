//! What the filtered lists (inventory, risk register) share: numbered text binds, text
//! search, a count that may stop at a cap, and one page, all run with the same binds.

use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::Result;
use crate::inventory::like_escaped;
use crate::row::RowExt;
use crate::tx::Tx;

/// Adds `value` to the binds and numbers the `?` of `clause` after it.
pub(crate) fn bind(clause: &str, value: String, binds: &mut Vec<String>) -> String {
    binds.push(value);
    clause.replace('?', &format!("${}", binds.len()))
}

/// A table searched by words: its alias in the list query and, on SQLite, its trigram index
/// (`text_index_{name}`) with the table of stable row numbers beside it.
pub(crate) struct Searched {
    pub alias: &'static str,
    pub index: &'static str,
    pub rows: &'static str,
    pub key: &'static str,
}

/// Fewer characters than this are not a trigram, so an index cannot look them up.
const TRIGRAM: usize = 3;

/// The clauses that keep the rows whose search text contains every word of `text` (up to
/// eight), anywhere. On PostgreSQL a LIKE that pg_trgm's index serves; on SQLite one MATCH
/// against the FTS5 trigram index for the words it can look up, and a LIKE for shorter ones.
pub(crate) fn text_clauses(
    engine: Engine,
    searched: &Searched,
    text: &str,
    binds: &mut Vec<String>,
) -> Vec<String> {
    let Searched {
        alias,
        index,
        rows,
        key,
    } = searched;
    let words: Vec<String> = text
        .to_lowercase()
        .split_whitespace()
        .take(8)
        .map(str::to_owned)
        .collect();
    let (indexed, scanned): (Vec<&String>, Vec<&String>) = words
        .iter()
        .partition(|w| engine == Engine::Sqlite && w.chars().count() >= TRIGRAM);
    let mut clauses: Vec<String> = scanned
        .into_iter()
        .map(|word| {
            bind(
                &format!("{alias}.search_key LIKE ? ESCAPE '\\'"),
                format!("%{}%", like_escaped(word)),
                binds,
            )
        })
        .collect();
    if !indexed.is_empty() {
        // Each word is one quoted FTS5 string, so nothing in it is query syntax.
        let query = indexed
            .iter()
            .map(|w| format!("\"{}\"", w.replace('"', "\"\"")))
            .collect::<Vec<_>>()
            .join(" AND ");
        clauses.push(bind(
            &format!(
                "{alias}.id IN (SELECT x.{key} FROM {index} f JOIN {rows} x ON x.row = f.rowid \
                 WHERE {index} MATCH ?)"
            ),
            query,
            binds,
        ));
    }
    clauses
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
