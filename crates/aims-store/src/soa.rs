//! Controls and the Statement of Applicability: own controls, implementation records, what
//! the SoA is derived from (obligations owed, evidence per control), and SoA versions.

use std::collections::BTreeMap;

use aims_domain::evidence::TargetKind;
use aims_domain::soa::ImplementationFacts;
use aims_domain::{EvidenceId, OrgId, Timestamp};

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
use crate::tx::Tx;

/// A control the organisation defined itself.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OwnControl {
    pub id: String,
    pub title: String,
    pub description: String,
}

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

/// A generated SoA version.
#[derive(Clone, Debug, PartialEq)]
pub struct SoaVersion {
    pub version: i64,
    pub snapshot: serde_json::Value,
    pub generated_at: Timestamp,
    pub generated_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<Timestamp>,
}

impl Tx {
    /// The organisation's own controls, by id.
    pub async fn own_controls(&mut self, org: OrgId) -> Result<Vec<OwnControl>> {
        let rows =
            sqlx::query("SELECT * FROM own_controls WHERE org_id = $1 ORDER BY created_at, id")
                .bind(org.to_string())
                .fetch_all(self.conn())
                .await?;
        map_rows(rows, |r| {
            Ok(OwnControl {
                id: r.text("id")?,
                title: r.text("title")?,
                description: r.text("description")?,
            })
        })
    }

    /// Adds an own control as `ORG-n`, the next free number; returns its id.
    pub async fn insert_own_control(
        &mut self,
        org: OrgId,
        title: &str,
        description: &str,
        at: Timestamp,
    ) -> Result<String> {
        self.lock_tenant(org).await?;
        let count = sqlx::query("SELECT COUNT(*) AS n FROM own_controls WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(self.conn())
            .await?
            .int("n")?;
        let id = format!("ORG-{}", count + 1);
        sqlx::query("INSERT INTO own_controls (org_id, id, title, description, created_at) VALUES ($1, $2, $3, $4, $5)")
            .bind(org.to_string())
            .bind(&id)
            .bind(title)
            .bind(description)
            .bind(at.as_micros())
            .execute(self.conn())
            .await?;
        Ok(id)
    }

    /// Every implementation record of `org`, by control id.
    pub async fn implementations(
        &mut self,
        org: OrgId,
    ) -> Result<BTreeMap<String, ImplementationFacts>> {
        let rows =
            sqlx::query("SELECT control_id, facts FROM control_implementations WHERE org_id = $1")
                .bind(org.to_string())
                .fetch_all(self.conn())
                .await?;
        rows.iter()
            .map(|r| {
                let facts = serde_json::from_str(&r.text("facts")?).map_err(|e| {
                    StoreError::Corrupt(format!("control_implementations.facts: {e}"))
                })?;
                Ok((r.text("control_id")?, facts))
            })
            .collect()
    }

    /// Sets the implementation record of one control.
    pub async fn put_implementation(
        &mut self,
        org: OrgId,
        control: &str,
        facts: &ImplementationFacts,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let json = serde_json::to_string(facts).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO control_implementations (org_id, control_id, facts, updated_at, updated_by) \
             VALUES ($1, $2, $3, $4, $5) ON CONFLICT (org_id, control_id) DO UPDATE SET \
             facts = excluded.facts, updated_at = excluded.updated_at, updated_by = excluded.updated_by",
        )
        .bind(org.to_string())
        .bind(control)
        .bind(json)
        .bind(at.as_micros())
        .bind(by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

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

    /// The number the next SoA version of `org` gets; holds the tenant lock until the
    /// transaction ends, so that two generations never take the same one.
    pub async fn next_soa_version(&mut self, org: OrgId) -> Result<i64> {
        self.lock_tenant(org).await?;
        sqlx::query("SELECT COALESCE(MAX(version), 0) + 1 AS v FROM soa_versions WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(self.conn())
            .await?
            .int("v")
    }

    /// Stores a generated SoA under `version`.
    pub async fn insert_soa_version(
        &mut self,
        org: OrgId,
        version: i64,
        snapshot: &serde_json::Value,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO soa_versions (org_id, version, snapshot, generated_at, generated_by) VALUES ($1, $2, $3, $4, $5)",
        )
        .bind(org.to_string())
        .bind(version)
        .bind(snapshot.to_string())
        .bind(at.as_micros())
        .bind(by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Every SoA version of `org`, newest first, without their snapshots.
    pub async fn soa_versions(&mut self, org: OrgId) -> Result<Vec<SoaVersion>> {
        let rows = sqlx::query(
            "SELECT version, generated_at, generated_by, approved_by, approved_at FROM soa_versions \
             WHERE org_id = $1 ORDER BY version DESC",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            Ok(SoaVersion {
                version: r.int("version")?,
                snapshot: serde_json::Value::Null,
                generated_at: r.at("generated_at")?,
                generated_by: r.text("generated_by")?,
                approved_by: r.opt_text("approved_by")?,
                approved_at: r.opt_at("approved_at")?,
            })
        })
    }

    /// One SoA version with its snapshot.
    pub async fn soa_version(&mut self, org: OrgId, version: i64) -> Result<Option<SoaVersion>> {
        let row = sqlx::query("SELECT * FROM soa_versions WHERE org_id = $1 AND version = $2")
            .bind(org.to_string())
            .bind(version)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| {
            Ok(SoaVersion {
                version: r.int("version")?,
                snapshot: serde_json::from_str(&r.text("snapshot")?)
                    .map_err(|e| StoreError::Corrupt(format!("soa_versions.snapshot: {e}")))?,
                generated_at: r.at("generated_at")?,
                generated_by: r.text("generated_by")?,
                approved_by: r.opt_text("approved_by")?,
                approved_at: r.opt_at("approved_at")?,
            })
        })
        .transpose()
    }

    /// Records the approval of one SoA version not yet approved: `NotFound` when `org` has no
    /// such version, `Conflict("approved")` when it is approved already (an approval, once
    /// given, is never overwritten, whatever the caller read before).
    pub async fn approve_soa_version(
        &mut self,
        org: OrgId,
        version: i64,
        by: &str,
        at: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE soa_versions SET approved_by = $1, approved_at = $2 \
             WHERE org_id = $3 AND version = $4 AND approved_at IS NULL",
        )
        .bind(by)
        .bind(at.as_micros())
        .bind(org.to_string())
        .bind(version)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 1 {
            return Ok(());
        }
        match self.soa_version(org, version).await? {
            Some(_) => Err(StoreError::Conflict("approved".into())),
            None => Err(StoreError::NotFound),
        }
    }
}
