//! The counts behind the readiness dashboard, each one query scoped to the organisation.

use aims_domain::{AiSystemId, OrgId, Timestamp};
use sqlx::AssertSqlSafe;

use crate::error::Result;
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

/// Whether the organisation holds at least one of each first record.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FirstRecords {
    pub risk_method: bool,
    pub impact_assessment: bool,
    pub approved_impact_assessment: bool,
    pub risk: bool,
    pub evidence: bool,
    pub soa_version: bool,
    pub approved_soa_version: bool,
}

impl Tx {
    /// How many systems have each EU AI Act class (`None` for unclassified).
    pub async fn systems_by_class(&mut self, org: OrgId) -> Result<Vec<(Option<String>, i64)>> {
        // Read from the running tally, where unclassified systems count under ''.
        let rows = sqlx::query(
            "SELECT NULLIF(class, '') AS class, systems AS n FROM tally_system_classes \
             WHERE org_id = $1 ORDER BY class = '', class",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| Ok((r.opt_text("class")?, r.int("n")?)))
    }

    /// How many systems have a classification marked for review.
    pub async fn classifications_needing_review(&mut self, org: OrgId) -> Result<i64> {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM ai_systems WHERE org_id = $1 AND class_needs_review = 1",
        )
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?
        .int("n")
    }

    /// The first `first` high-risk systems by name with no impact assessment that is approved
    /// in its latest version and before its review date at `now`, and how many there are.
    pub async fn high_risk_without_current_assessment(
        &mut self,
        org: OrgId,
        now: Timestamp,
        first: i64,
    ) -> Result<(Vec<(AiSystemId, String)>, i64)> {
        // The names walk the high-risk systems in name order and stop at `first`. The count
        // takes those with a current assessment from the class tally, reading assessments
        // rather than every high-risk system.
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT s.id, s.name FROM ai_systems s WHERE s.org_id = $1 AND {} \
             ORDER BY s.name_key LIMIT {}",
            lacks_current_assessment(now),
            first.max(0)
        )))
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        let listed = map_rows(rows, |r| Ok((r.parsed("id")?, r.text("name")?)))?;
        let total = sqlx::query(AssertSqlSafe(format!(
            "SELECT COALESCE((SELECT systems FROM tally_system_classes \
             WHERE org_id = $1 AND class = 'high_risk'), 0) - (SELECT COUNT(DISTINCT a.system_id) \
             FROM impact_assessments a JOIN ai_systems s ON s.org_id = a.org_id AND s.id = a.system_id \
             WHERE a.org_id = $1 AND s.class = 'high_risk' AND {}) AS total",
            assessment_is_current("a", now)
        )))
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?
        .int("total")?;
        Ok((listed, total))
    }

    /// Which first records of an AI management system the organisation holds, each as
    /// "at least one" (an index probe, not a count of a large register).
    pub async fn first_records(&mut self, org: OrgId) -> Result<FirstRecords> {
        let probe =
            |from: &str| format!("(SELECT COUNT(*) FROM (SELECT 1 FROM {from} LIMIT 1) AS probe)");
        let row = sqlx::query(AssertSqlSafe(format!(
            "SELECT {} AS method, {} AS assessment, {} AS approved_assessment, {} AS risk, \
             {} AS evidence, {} AS soa_version, {} AS approved_soa",
            probe("risk_methods WHERE org_id = $1"),
            probe("impact_assessments WHERE org_id = $1"),
            probe("impact_assessments WHERE org_id = $1 AND approved_version IS NOT NULL"),
            probe("risks WHERE org_id = $1"),
            probe("evidence WHERE org_id = $1"),
            probe("soa_versions WHERE org_id = $1"),
            probe("soa_versions WHERE org_id = $1 AND approved_at IS NOT NULL"),
        )))
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?;
        let has = |name: &str| row.int(name).map(|n| n > 0);
        Ok(FirstRecords {
            risk_method: has("method")?,
            impact_assessment: has("assessment")?,
            approved_impact_assessment: has("approved_assessment")?,
            risk: has("risk")?,
            evidence: has("evidence")?,
            soa_version: has("soa_version")?,
            approved_soa_version: has("approved_soa")?,
        })
    }

    /// Evidence whose validity ended by `now`, and evidence ending within (`now`, `soon`].
    pub async fn evidence_expiry_counts(
        &mut self,
        org: OrgId,
        now: Timestamp,
        soon: Timestamp,
    ) -> Result<(i64, i64)> {
        // Two range counts on the (org, valid_until) index rather than one pass over all.
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM evidence WHERE org_id = $1 AND valid_until <= $2) \
             AS expired, (SELECT COUNT(*) FROM evidence WHERE org_id = $1 \
             AND valid_until > $2 AND valid_until <= $3) AS expiring",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .bind(soon.as_micros())
        .fetch_one(self.conn())
        .await?;
        Ok((
            row.opt_int("expired")?.unwrap_or(0),
            row.opt_int("expiring")?.unwrap_or(0),
        ))
    }
}

/// The condition on system `s` of being high-risk without an approved impact assessment
/// whose next review is after `now`: what the dashboard flags and the inventory can filter by.
pub(crate) fn lacks_current_assessment(now: Timestamp) -> String {
    format!(
        "s.class = 'high_risk' AND NOT EXISTS (SELECT 1 FROM impact_assessments a \
         WHERE a.org_id = s.org_id AND a.system_id = s.id AND {})",
        assessment_is_current("a", now)
    )
}

/// The condition on assessment `alias` of being approved in its latest version and not yet
/// due for review at `now`.
fn assessment_is_current(alias: &str, now: Timestamp) -> String {
    // The instant is formatted in, never bound as text: it is an integer from our own code.
    format!(
        "{alias}.approved_version = {alias}.version \
         AND ({alias}.next_review IS NULL OR {alias}.next_review > {})",
        now.as_micros()
    )
}
