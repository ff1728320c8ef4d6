//! What the filtered lists (inventory, risk register) share: numbered text binds, text
//! search, a count that may stop at a cap, and one page read the cheaper of two ways.

use aims_domain::OrgId;
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::Result;
use crate::inventory::like_escaped;
use crate::match_counts::{Counted, Marks};
use crate::row::RowExt;
use crate::tx::Tx;

/// Adds `value` to the binds and numbers the `?` of `clause` after it. Not
/// `sqlx::QueryBuilder`: over the `Any` driver it writes `?` placeholders (sqlx 0.9's
/// `AnyArguments` keeps the default `format_placeholder`), which PostgreSQL rejects, while
/// `$n` works on both engines.
pub(crate) fn bind(clause: &str, value: String, binds: &mut Vec<String>) -> String {
    binds.push(value);
    clause.replace('?', &format!("${}", binds.len()))
}

/// A table searched by words: on SQLite, its trigram index (`text_index_{name}`), the table
/// of stable row numbers beside it, and that table's column naming the listed row.
pub(crate) struct Searched {
    pub index: &'static str,
    pub rows: &'static str,
    pub key: &'static str,
}

/// Fewer characters than this are not a trigram, so an index cannot look them up.
const TRIGRAM: usize = 3;

/// The clauses that keep the rows whose search text contains every word of `text` (up to
/// eight), anywhere. A LIKE for each word, which pg_trgm's index serves on PostgreSQL; on
/// SQLite, when `use_index`, one MATCH against the FTS5 trigram index for the words it can
/// look up instead.
fn text_clauses(
    alias: &str,
    searched: &Searched,
    text: &str,
    use_index: bool,
    binds: &mut Vec<String>,
) -> Vec<String> {
    let Searched { index, rows, key } = searched;
    let words: Vec<String> = text
        .to_lowercase()
        .split_whitespace()
        .take(8)
        .map(str::to_owned)
        .collect();
    let (indexed, scanned): (Vec<&String>, Vec<&String>) = words
        .iter()
        .partition(|w| use_index && w.chars().count() >= TRIGRAM);
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

/// One page of a filtered list over one table, and how to count its matches.
pub(crate) struct Listing<'a> {
    /// The organisation listed: `$1` of every clause.
    pub org: OrgId,
    /// The listed table and its alias in every clause.
    pub table: &'static str,
    pub alias: &'static str,
    /// What a page reads, from the table joined with `joins`.
    pub columns: &'static str,
    pub joins: &'static str,
    /// Conditions that all hold, `$1` being the organisation; `binds` numbers them.
    pub clauses: Vec<String>,
    pub binds: Vec<String>,
    /// Words searched for, if any.
    pub text: Option<(Searched, &'a str)>,
    pub order: String,
    /// On SQLite, the index on `(org_id, ...)` that reads the table in `order`, if any.
    pub order_index: Option<&'static str>,
    /// Stop counting matches one past this many.
    pub cap: Option<i64>,
    pub limit: i64,
    pub offset: i64,
}

impl Listing<'_> {
    /// The WHERE clause and its binds, the text searched by index or by LIKE.
    fn filter(&self, text_by_index: bool) -> (String, Vec<String>) {
        let mut clauses = self.clauses.clone();
        let mut binds = self.binds.clone();
        if let Some((searched, text)) = &self.text {
            clauses.extend(text_clauses(
                self.alias,
                searched,
                text,
                text_by_index,
                &mut binds,
            ));
        }
        (clauses.join(" AND "), binds)
    }
}

impl Tx {
    /// Counts the rows of `listing` (stopping one past its cap) and reads its page.
    pub(crate) async fn counted_page(
        &mut self,
        listing: &Listing<'_>,
    ) -> Result<(Vec<AnyRow>, i64)> {
        let Listing { table, alias, .. } = listing;
        let sqlite = self.engine() == Engine::Sqlite;
        let (filter, binds) = listing.filter(sqlite);
        let stop = listing
            .cap
            .map_or_else(String::new, |cap| format!(" LIMIT {}", cap.max(0) + 1));
        // Where the page might walk the order's index, the same statement bounds the table's
        // rows from above by its largest rowid, in one seek.
        let walkable = listing.order_index.filter(|_| sqlite);
        let rows_bound = match walkable {
            Some(_) => format!(", (SELECT COALESCE(MAX(rowid), 0) FROM {table}) AS table_rows"),
            None => String::new(),
        };
        let count_sql = format!(
            "SELECT COUNT(*) AS n{rows_bound} FROM \
             (SELECT 1 FROM {table} {alias} WHERE {filter}{stop}) counted"
        );
        let counted = self
            .count_matches(listing.org, count_sql, &binds, walkable.is_some())
            .await?;
        let total = counted.matches;
        let limit = listing.limit.clamp(1, 500);
        let offset = listing.offset.max(0);
        let walked = match walkable {
            Some(index)
                if walk_is_cheaper(
                    total,
                    limit.saturating_add(offset),
                    counted.table_rows.unwrap_or(0),
                ) =>
            {
                Some(index)
            }
            _ => None,
        };
        // Walking the order's index, each row is read anyway: checking its text there is
        // cheaper than collecting every match from the trigram index first.
        let (filter, binds) = match walked {
            Some(_) => listing.filter(false),
            None => (filter, binds),
        };
        let from = match walked {
            Some(index) => format!("{table} {alias} INDEXED BY {index}"),
            None => format!("{table} {alias}"),
        };
        let Listing {
            columns,
            joins,
            order,
            ..
        } = listing;
        let page_sql = if joins.is_empty() {
            format!(
                "SELECT {columns} FROM {from} WHERE {filter} ORDER BY {order} LIMIT {limit} OFFSET {offset}"
            )
        } else {
            // Joined in after the page is cut, the other tables are read for its rows only,
            // not for every match the sort weighs (a third of a text search on PostgreSQL).
            format!(
                "SELECT {columns} FROM (SELECT {alias}.* FROM {from} WHERE {filter} \
                 ORDER BY {order} LIMIT {limit} OFFSET {offset}) {alias} {joins} ORDER BY {order}"
            )
        };
        let mut page = sqlx::query(AssertSqlSafe(page_sql));
        for b in binds {
            page = page.bind(b);
        }
        Ok((page.fetch_all(self.conn()).await?, total))
    }

    /// Runs `count_sql` (which reads `n`, and `table_rows` if `with_rows`) with `binds`, or
    /// takes its result as kept since nothing changed in `org`.
    async fn count_matches(
        &mut self,
        org: OrgId,
        count_sql: String,
        binds: &[String],
        with_rows: bool,
    ) -> Result<Counted> {
        let kept = match self.match_counts() {
            Some((counts, writes)) => {
                let marks = Marks {
                    audit_head: self.audit_head(org).await?,
                    writes,
                };
                let filter = std::iter::once(count_sql.as_str())
                    .chain(binds.iter().map(String::as_str))
                    .collect::<Vec<_>>()
                    .join("\u{0}");
                if let Some(counted) = counts.get(&filter, marks) {
                    return Ok(counted);
                }
                Some((counts, filter, marks))
            }
            None => None,
        };
        let mut count = sqlx::query(AssertSqlSafe(count_sql));
        for b in binds {
            count = count.bind(b.clone());
        }
        let row = count.fetch_one(self.conn()).await?;
        let counted = Counted {
            matches: row.int("n")?,
            table_rows: with_rows.then(|| row.int("table_rows")).transpose()?,
        };
        if let Some((counts, filter, marks)) = kept {
            counts.put(filter, marks, counted);
        }
        Ok(counted)
    }
}

/// Whether reading a table of `rows` rows in order until `wanted` of them pass the filter
/// costs less than reading all `matches` and sorting them, which SQLite's planner does
/// whenever an index serves the filter, however many rows that leaves.
///
/// The walk reads about `wanted × rows / matches` rows; sorting costs about twice as much
/// per row as reading (measured on the spine bench). Over-estimating `rows` only means
/// sorting, as the planner would.
fn walk_is_cheaper(matches: i64, wanted: i64, rows: i64) -> bool {
    wanted.saturating_mul(rows) < matches.saturating_mul(matches).saturating_mul(2)
}

#[cfg(test)]
mod tests {
    use super::walk_is_cheaper;

    #[test]
    fn many_matches_for_a_small_page_walk_and_few_matches_sort() {
        // One stage of six in 10,000 systems: its first pages walk, deep pages sort.
        assert!(walk_is_cheaper(1_667, 50, 10_000));
        assert!(walk_is_cheaper(1_667, 500, 10_000));
        assert!(!walk_is_cheaper(1_667, 1_000, 10_000));
        // 800 of 100,000 risks: sorting 800 beats reading about 6,000.
        assert!(!walk_is_cheaper(800, 50, 100_000));
        // Fewer matches than half a page never walk, whatever the table holds.
        assert!(!walk_is_cheaper(20, 50, 20));
        assert!(!walk_is_cheaper(0, 1, 0));
        // Huge counts do not overflow into a wrong answer.
        assert!(walk_is_cheaper(i64::MAX, 50, 1_000_000));
        assert!(!walk_is_cheaper(1, 50, i64::MAX));
    }
}
