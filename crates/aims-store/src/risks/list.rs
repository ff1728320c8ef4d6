//! The register listed: filters, sorting and pages in one query, and the heat map's cells.

use aims_domain::risk::Risk;
use aims_domain::{AiSystemId, OrgId, Timestamp};
use sqlx::AssertSqlSafe;

use super::read;
use crate::error::Result;
use crate::listing::{Listing, Searched, bind};
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

/// How the risk list is ordered.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub enum RiskSort {
    #[default]
    Number,
    /// Highest residual level first (with `descending`), then by number.
    Level,
    Updated,
    ReviewDue,
}

/// A filtered, sorted page of the register. Filters left `None` let everything through.
#[derive(Clone, Debug, Default)]
pub struct RiskQuery {
    pub text: Option<String>,
    pub status: Option<String>,
    pub treatment: Option<String>,
    /// Only risks whose residual level is at least this index.
    pub min_level: Option<usize>,
    pub system: Option<AiSystemId>,
    pub owner: Option<aims_domain::UserId>,
    /// Only risks not closed whose review date has come by this instant (as
    /// `Risk::is_overdue` counts it, from the date's very instant).
    pub review_overdue_at: Option<Timestamp>,
    /// Only open risks with a treatment action not done and due on or before this instant.
    pub action_overdue_at: Option<Timestamp>,
    /// Only open risks (every status but closed).
    pub open_only: bool,
    /// Only risks in one heat-map cell: (residual?, likelihood, impact).
    pub cell: Option<(bool, u8, u8)>,
    /// Stop counting matches past this many (the total is then `cap + 1`): a list needs to
    /// know there are "more than 10,000", not to walk all 100,000.
    pub count_cap: Option<i64>,
    pub sort: RiskSort,
    pub descending: bool,
    pub limit: i64,
    pub offset: i64,
}

impl Tx {
    /// One page of `org`'s register and how many risks match in all.
    pub async fn risks(&mut self, org: OrgId, q: &RiskQuery) -> Result<(Vec<Risk>, i64)> {
        let mut clauses = vec!["r.org_id = $1".to_owned()];
        let mut binds: Vec<String> = vec![org.to_string()];
        let mut bind = |clause: &str, value: String| bind(clause, value, &mut binds);
        if let Some(status) = &q.status {
            clauses.push(bind("r.status = ?", status.clone()));
        }
        if let Some(treatment) = &q.treatment {
            clauses.push(bind("r.treatment = ?", treatment.clone()));
        }
        if let Some(owner) = q.owner {
            clauses.push(bind("r.owner_id = ?", owner.to_string()));
        }
        if let Some(system) = q.system {
            clauses.push(bind(
                "r.id IN (SELECT x.risk_id FROM risk_systems x WHERE x.org_id = $1 AND x.system_id = ?)",
                system.to_string(),
            ));
        }
        // Numbers are formatted in, never bound as text: they are integers from our own code.
        if let Some(level) = q.min_level {
            clauses.push(format!("r.residual_level >= {}", level as i64));
        }
        // Instants are bound, not formatted in: a statement whose text changed with the clock
        // would be prepared anew on every request (and push others out of PostgreSQL's
        // statement cache). The binds are text, so the statement casts them.
        if let Some(at) = q.review_overdue_at {
            clauses.push(bind(
                "r.review_due IS NOT NULL AND r.review_due <= CAST(? AS BIGINT) \
                 AND r.status <> 'closed'",
                at.as_micros().to_string(),
            ));
        }
        if let Some(at) = q.action_overdue_at {
            clauses.push(bind(
                "r.action_due <= CAST(? AS BIGINT) AND r.status <> 'closed'",
                at.as_micros().to_string(),
            ));
        }
        // An overdue review or action already keeps open risks only.
        if q.open_only && q.review_overdue_at.is_none() && q.action_overdue_at.is_none() {
            clauses.push("r.status <> 'closed'".into());
        }
        if let Some((residual, l, i)) = q.cell {
            let basis = if residual { "residual" } else { "inherent" };
            clauses.push(format!(
                "r.{basis}_likelihood = {l} AND r.{basis}_impact = {i}"
            ));
        }
        let direction = if q.descending { "DESC" } else { "ASC" };
        let (order, order_index) = match q.sort {
            RiskSort::Number => (format!("r.number {direction}"), Some("risks_by_number")),
            // Both columns one way, so that the (org, level, number) index serves the order.
            RiskSort::Level => (
                format!("r.residual_level {direction}, r.number {direction}"),
                Some("risks_by_level"),
            ),
            RiskSort::Updated => (
                format!("r.updated_at {direction}, r.number"),
                Some("risks_by_updated"),
            ),
            RiskSort::ReviewDue => (
                format!("r.review_due IS NULL, r.review_due {direction}, r.number"),
                None,
            ),
        };
        let searched = Searched {
            index: "text_index_risks",
            rows: "text_index_risk_rows",
            key: "risk_id",
        };
        let (rows, total) = self
            .counted_page(&Listing {
                org,
                table: "risks",
                alias: "r",
                columns: "r.*",
                joins: "",
                clauses,
                binds,
                text: q.text.as_deref().map(|text| (searched, text)),
                order,
                order_index,
                cap: q.count_cap,
                limit: q.limit,
                offset: q.offset,
            })
            .await?;
        Ok((map_rows(rows, read)?, total))
    }
    /// How many open risks sit in each (likelihood, impact) cell, inherent and residual,
    /// optionally only those of one system: `(likelihood, impact, inherent, residual)`.
    pub async fn risk_cells(
        &mut self,
        org: OrgId,
        system: Option<AiSystemId>,
    ) -> Result<(Vec<(i64, i64, i64)>, Vec<(i64, i64, i64)>)> {
        let scope = if system.is_some() {
            "AND r.id IN (SELECT x.risk_id FROM risk_systems x WHERE x.org_id = $1 AND x.system_id = $2)"
        } else {
            "AND $2 = $2"
        };
        let mut out = Vec::new();
        for (l, i) in [
            ("inherent_likelihood", "inherent_impact"),
            ("residual_likelihood", "residual_impact"),
        ] {
            let rows = sqlx::query(AssertSqlSafe(format!(
                "SELECT r.{l} AS l, r.{i} AS i, COUNT(*) AS n FROM risks r WHERE r.org_id = $1 \
                 AND r.status <> 'closed' {scope} GROUP BY r.{l}, r.{i}"
            )))
            .bind(org.to_string())
            .bind(system.map_or_else(|| "-".to_owned(), |s| s.to_string()))
            .fetch_all(self.conn())
            .await?;
            out.push(map_rows(rows, |r| {
                Ok((r.int("l")?, r.int("i")?, r.int("n")?))
            })?);
        }
        let residual = out.pop().unwrap_or_default();
        let inherent = out.pop().unwrap_or_default();
        Ok((inherent, residual))
    }

    /// Open risks of every organisation, owned by someone, whose review date passed before
    /// `now`, the longest overdue first, at most `limit` (without their systems and
    /// controls): what review tasks are made for.
    pub async fn risk_reviews_due(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, Risk)>> {
        let rows = sqlx::query(
            "SELECT * FROM risks WHERE review_due <= $1 AND status <> 'closed' \
             AND owner_id IS NOT NULL ORDER BY review_due, id LIMIT $2",
        )
        .bind(now.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| Ok((r.parsed("org_id")?, read(r)?)))
    }

    /// Open risks of every organisation whose earliest treatment action not done is due
    /// within [`from`, `until`], the earliest first, at most `limit`: what action tasks are
    /// made for. The lower bound keeps long-overdue actions (whose tasks were made when they
    /// fell due) from filling every run.
    pub async fn risk_actions_due(
        &mut self,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, Risk)>> {
        let rows = sqlx::query(
            "SELECT * FROM risks WHERE action_due >= $3 AND action_due <= $1 \
             AND status <> 'closed' ORDER BY action_due, id LIMIT $2",
        )
        .bind(until.as_micros())
        .bind(limit)
        .bind(from.as_micros())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| Ok((r.parsed("org_id")?, read(r)?)))
    }

    /// Computes `action_due` for up to `limit` risks stored before it was kept; how many.
    pub async fn fill_in_action_due(&mut self, limit: i64) -> Result<usize> {
        let rows = sqlx::query(
            "SELECT id, org_id, facts FROM risks WHERE action_due IS NULL ORDER BY id LIMIT $1",
        )
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        let found = map_rows(rows, |r| {
            let facts: aims_domain::risk::RiskFacts = serde_json::from_str(&r.text("facts")?)
                .map_err(|e| crate::error::StoreError::Corrupt(format!("column facts: {e}")))?;
            Ok((r.text("org_id")?, r.text("id")?, super::action_due(&facts)))
        })?;
        for (org, id, due) in &found {
            // Only where still unknown: a risk saved meanwhile wrote its own.
            sqlx::query(
                "UPDATE risks SET action_due = $3 WHERE org_id = $1 AND id = $2 AND action_due IS NULL",
            )
                .bind(org)
                .bind(id)
                .bind(due)
                .execute(self.conn())
                .await?;
        }
        Ok(found.len())
    }
}
