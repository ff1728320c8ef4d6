//! What the Statement of Applicability reads from the register: which controls treatments
//! select, how many risks each, and a few of them by name.

use aims_domain::{OrgId, RiskId};

use crate::error::Result;
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

impl Tx {
    /// How many open risks' treatments select each control.
    pub async fn control_treatment_counts(
        &mut self,
        org: OrgId,
    ) -> Result<std::collections::BTreeMap<String, i64>> {
        let rows = sqlx::query(
            "SELECT control_id, risks AS n FROM tally_control_treatments WHERE org_id = $1",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|r| Ok((r.text("control_id")?, r.int("n")?)))
            .collect()
    }

    /// The controls that at least one risk treatment selects, in id order. A walk from one
    /// distinct id to the next down the index: a few dozen seeks however many risks there are.
    pub async fn controls_selected(&mut self, org: OrgId) -> Result<Vec<String>> {
        distinct_in_index(self, "risk_controls", "control_id", org).await
    }

    /// The first `limit` open risks (oldest first) whose treatment selects `control`:
    /// `(id, number, title)`.
    pub async fn control_treatment_sample(
        &mut self,
        org: OrgId,
        control: &str,
        limit: i64,
    ) -> Result<Vec<(RiskId, i64, String)>> {
        let rows = sqlx::query(
            "SELECT r.id, r.number, r.title FROM risk_controls c JOIN risks r ON r.id = c.risk_id \
             WHERE c.org_id = $1 AND c.control_id = $2 ORDER BY c.risk_id LIMIT $3",
        )
        .bind(org.to_string())
        .bind(control)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            Ok((r.parsed("id")?, r.int("number")?, r.text("title")?))
        })
    }
}

/// The distinct values of `column` of `table` for `org`, read by hopping along an index that
/// starts with (org_id, column): both engines answer each hop with one seek, where a
/// `DISTINCT` or `GROUP BY` would read every row. `table` and `column` come from our code.
pub(crate) async fn distinct_in_index(
    tx: &mut Tx,
    table: &str,
    column: &str,
    org: OrgId,
) -> Result<Vec<String>> {
    let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
        "WITH RECURSIVE hop(v) AS ( \
           SELECT MIN({column}) FROM {table} WHERE org_id = $1 \
           UNION ALL \
           SELECT (SELECT MIN({column}) FROM {table} WHERE org_id = $1 AND {column} > hop.v) \
           FROM hop WHERE hop.v IS NOT NULL \
         ) SELECT v FROM hop WHERE v IS NOT NULL"
    )))
    .bind(org.to_string())
    .fetch_all(tx.conn())
    .await?;
    map_rows(rows, |r| r.text("v"))
}
