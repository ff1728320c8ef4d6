//! What the SoA is derived from, counted by the tallies and indexes kept for it: the
//! obligations classified systems owe, and the evidence naming each control.

use std::collections::BTreeMap;

use aims_domain::evidence::TargetKind;
use aims_domain::{EvidenceId, OrgId, Timestamp};

use crate::error::Result;
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

/// A requirement some classified systems owe: how many, and the first of them by name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationCount {
    pub requirement: String,
    pub systems: i64,
    pub first_system: String,
}

/// How much evidence names a control, and how much of it counts at the instant asked.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct EvidenceCount {
    pub total: i64,
    pub current: i64,
}

impl Tx {
    /// The EU AI Act requirements at least one system owes, in order, without counting.
    pub async fn owed_requirements(&mut self, org: OrgId) -> Result<Vec<String>> {
        crate::risks::distinct_in_index(self, "system_obligations", "requirement", org).await
    }

    /// Per EU AI Act requirement owed by at least one system, how many systems owe it and the
    /// name of one (by id order), for the SoA's "why applicable" column.
    pub async fn obligation_counts(&mut self, org: OrgId) -> Result<Vec<ObligationCount>> {
        // The running tally, and the first system by one seek of the requirement's index.
        let rows = sqlx::query(
            "SELECT t.requirement, t.systems AS n, (SELECT MIN(o.system_id) FROM system_obligations o \
             WHERE o.org_id = t.org_id AND o.requirement = t.requirement) AS first_id \
             FROM tally_requirement_systems t WHERE t.org_id = $1 ORDER BY t.requirement",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        let counted = map_rows(rows, |r| {
            Ok((r.text("requirement")?, r.int("n")?, r.text("first_id")?))
        })?;
        let mut out = Vec::with_capacity(counted.len());
        for (requirement, systems, first_id) in counted {
            let name = sqlx::query("SELECT name FROM ai_systems WHERE org_id = $1 AND id = $2")
                .bind(org.to_string())
                .bind(&first_id)
                .fetch_optional(self.conn())
                .await?
                .map(|r| r.text("name"))
                .transpose()?
                .unwrap_or_default();
            out.push(ObligationCount {
                requirement,
                systems,
                first_system: name,
            });
        }
        Ok(out)
    }

    /// How much evidence names each control, and how much counts at `now`.
    pub async fn control_evidence_counts(
        &mut self,
        org: OrgId,
        now: Timestamp,
    ) -> Result<BTreeMap<String, EvidenceCount>> {
        self.evidence_counts(org, TargetKind::Control, "", now)
            .await
    }

    /// How much evidence names each target of `kind` whose id starts with `prefix`
    /// (`iso-iec-42001:` for one framework's requirements), and how much counts at `now`.
    pub async fn evidence_counts(
        &mut self,
        org: OrgId,
        kind: TargetKind,
        prefix: &str,
        now: Timestamp,
    ) -> Result<BTreeMap<String, EvidenceCount>> {
        // substr rather than LIKE (which would need escaping) or a range (which collations
        // order differently); left out when there is no prefix, as it blinds the planner.
        let by_prefix = if prefix.is_empty() {
            "$4 = ''"
        } else {
            "substr(t.target_id, 1, length(CAST($4 AS TEXT))) = CAST($4 AS TEXT)"
        };
        // The running total, less what expired: only expired links are read, each target's
        // by a range of the (org, kind, target, valid_until) index.
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT t.target_id, t.records AS total, t.records - \
             (SELECT COUNT(*) FROM evidence_targets e WHERE e.org_id = t.org_id \
              AND e.kind = t.kind AND e.target_id = t.target_id AND e.valid_until <= $2) AS current \
             FROM tally_evidence_targets t WHERE t.org_id = $1 AND t.kind = $3 AND {by_prefix}"
        )))
        .bind(org.to_string())
        .bind(now.as_micros())
        .bind(kind.as_str())
        .bind(prefix)
        .fetch_all(self.conn())
        .await?;
        rows.iter()
            .map(|r| {
                let count = EvidenceCount {
                    total: r.int("total")?,
                    current: r.opt_int("current")?.unwrap_or(0),
                };
                Ok((r.text("target_id")?, count))
            })
            .collect()
    }

    /// Up to `limit` pieces of evidence naming `control`: those that never expire first, then
    /// those valid longest. Two index walks rather than one sort, as engines order NULLs
    /// differently and a control may have thousands of pieces.
    pub async fn control_evidence(
        &mut self,
        org: OrgId,
        control: &str,
        limit: i64,
    ) -> Result<Vec<(EvidenceId, String, Option<Timestamp>)>> {
        let mut found = Vec::new();
        for order in [
            "AND t.valid_until IS NULL ORDER BY t.evidence_id",
            "AND t.valid_until IS NOT NULL ORDER BY t.valid_until DESC",
        ] {
            let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
                "SELECT e.id, e.title, e.valid_until FROM evidence_targets t JOIN evidence e ON e.id = t.evidence_id \
                 WHERE t.org_id = $1 AND t.kind = 'control' AND t.target_id = $2 {order} LIMIT $3"
            )))
            .bind(org.to_string())
            .bind(control)
            .bind(limit - found.len() as i64)
            .fetch_all(self.conn())
            .await?;
            found.extend(map_rows(rows, |r| {
                Ok((r.parsed("id")?, r.text("title")?, r.opt_at("valid_until")?))
            })?);
            if found.len() as i64 >= limit {
                break;
            }
        }
        Ok(found)
    }
}
