//! The risk register: the organisation's method and its risks, stored with the links to
//! their systems and controls, and read back. Lists and the heat map are in `list`; what the
//! SoA reads of treatments is in `treatments`.

use aims_domain::risk::{Acceptance, Risk, RiskFacts, RiskMethod};
use aims_domain::{OrgId, RiskId, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::batch::Cell;
use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

mod list;
mod treatments;

pub use list::{RiskQuery, RiskSort};
pub(crate) use treatments::distinct_in_index;

/// The levels the method gives a risk's scores, stored beside it for filtering and sorting.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct RiskLevels {
    pub inherent: usize,
    pub residual: usize,
}

fn read(row: &AnyRow) -> Result<Risk> {
    let facts: RiskFacts = serde_json::from_str(&row.text("facts")?)
        .map_err(|e| StoreError::Corrupt(format!("column facts: {e}")))?;
    let acceptance = match row.opt_parsed("accepted_by")? {
        Some(by) => Some(Acceptance {
            by,
            at: row.at("accepted_at")?,
            note: row.opt_text("acceptance_note")?.unwrap_or_default(),
        }),
        None => None,
    };
    Ok(Risk {
        id: row.parsed("id")?,
        number: row.int("number")?,
        facts,
        acceptance,
        rated_by: row.opt_parsed("rated_by")?,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
        revision: row.int("revision")?,
    })
}

fn facts_json(facts: &RiskFacts) -> Result<String> {
    serde_json::to_string(facts).map_err(|e| StoreError::Corrupt(format!("risk facts: {e}")))
}

fn search_key(facts: &RiskFacts, number: i64) -> String {
    format!("r-{number} {} {}", facts.title, facts.description).to_lowercase()
}

/// What a new risk's row holds, in order.
const RISK_COLUMNS: [&str; 21] = [
    "id",
    "org_id",
    "number",
    "title",
    "search_key",
    "facts",
    "status",
    "treatment",
    "owner_id",
    "risk_source",
    "inherent_level",
    "residual_level",
    "inherent_likelihood",
    "inherent_impact",
    "residual_likelihood",
    "residual_impact",
    "review_due",
    "created_at",
    "updated_at",
    "revision",
    "rated_by",
];

/// The columns of `risk_systems` and of `risk_controls`.
const LINK_COLUMNS: [[&str; 3]; 2] = [
    ["risk_id", "org_id", "system_id"],
    ["risk_id", "org_id", "control_id"],
];

/// A new risk's row, in the order of [`RISK_COLUMNS`].
fn risk_row(org: OrgId, risk: &Risk, number: i64, levels: RiskLevels) -> Result<Vec<Cell>> {
    let f = &risk.facts;
    Ok(vec![
        risk.id.to_string().into(),
        org.to_string().into(),
        number.into(),
        f.title.as_str().into(),
        search_key(f, number).into(),
        facts_json(f)?.into(),
        f.status.as_str().into(),
        f.treatment.as_str().into(),
        f.owner.map(|o| o.to_string()).into(),
        f.risk_source.clone().into(),
        (levels.inherent as i64).into(),
        (levels.residual as i64).into(),
        i64::from(f.inherent_likelihood).into(),
        i64::from(f.inherent_impact).into(),
        i64::from(f.residual_likelihood.unwrap_or(f.inherent_likelihood)).into(),
        i64::from(f.residual_impact.unwrap_or(f.inherent_impact)).into(),
        f.review_due.map(|t| t.as_micros()).into(),
        risk.created_at.as_micros().into(),
        risk.updated_at.as_micros().into(),
        risk.revision.into(),
        risk.rated_by.map(|u| u.to_string()).into(),
    ])
}

/// The rows linking a risk to its systems and to the controls its treatment selects.
fn risk_links(org: OrgId, id: RiskId, f: &RiskFacts) -> (Vec<Vec<Cell>>, Vec<Vec<Cell>>) {
    let link = |other: String| vec![id.to_string().into(), org.to_string().into(), other.into()];
    // A closed risk treats nothing any more: only open risks' controls are linked, so that
    // the SoA counts them from this table's index alone.
    let controls: &[String] = if f.status == aims_domain::risk::RiskStatus::Closed {
        &[]
    } else {
        &f.controls
    };
    (
        f.systems.iter().map(|s| link(s.to_string())).collect(),
        controls.iter().map(|c| link(c.clone())).collect(),
    )
}

impl Tx {
    /// The organisation's risk method, if it configured one.
    pub async fn risk_method(&mut self, org: OrgId) -> Result<Option<RiskMethod>> {
        let row = sqlx::query("SELECT method FROM risk_methods WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| method_from(&r.text("method")?)).transpose()
    }

    /// Sets the organisation's risk method.
    pub async fn put_risk_method(
        &mut self,
        org: OrgId,
        method: &RiskMethod,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let json = serde_json::to_string(method).map_err(|e| StoreError::Corrupt(e.to_string()))?;
        sqlx::query(
            "INSERT INTO risk_methods (org_id, method, updated_at, updated_by) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (org_id) DO UPDATE SET method = excluded.method, updated_at = excluded.updated_at, \
             updated_by = excluded.updated_by",
        )
        .bind(org.to_string())
        .bind(json)
        .bind(at.as_micros())
        .bind(by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Stores a new risk under the organisation's next number, which it returns.
    pub async fn insert_risk(
        &mut self,
        org: OrgId,
        risk: &Risk,
        levels: RiskLevels,
    ) -> Result<i64> {
        self.insert_risks(org, &[(risk, levels)]).await
    }

    /// Stores new risks under the organisation's next numbers, in order, in a few
    /// statements; returns the first number.
    pub async fn insert_risks(&mut self, org: OrgId, risks: &[(&Risk, RiskLevels)]) -> Result<i64> {
        self.lock_tenant(org).await?;
        let first =
            sqlx::query("SELECT COALESCE(MAX(number), 0) + 1 AS n FROM risks WHERE org_id = $1")
                .bind(org.to_string())
                .fetch_one(self.conn())
                .await?
                .int("n")?;
        let rows = risks
            .iter()
            .zip(first..)
            .map(|((risk, levels), number)| risk_row(org, risk, number, *levels))
            .collect::<Result<Vec<_>>>()?;
        self.insert_rows("risks", &RISK_COLUMNS, rows).await?;
        let (mut systems, mut controls) = (Vec::new(), Vec::new());
        for (risk, _) in risks {
            let (s, c) = risk_links(org, risk.id, &risk.facts);
            systems.extend(s);
            controls.extend(c);
        }
        self.insert_rows("risk_systems", &LINK_COLUMNS[0], systems)
            .await?;
        self.insert_rows("risk_controls", &LINK_COLUMNS[1], controls)
            .await?;
        Ok(first)
    }

    async fn link_risk(&mut self, org: OrgId, id: RiskId, f: &RiskFacts) -> Result<()> {
        for table in ["risk_systems", "risk_controls"] {
            // `org_id || ''`: the tenant check without letting SQLite pick the org-wide index
            // over the primary key (which starts with risk_id).
            sqlx::query(AssertSqlSafe(format!(
                "DELETE FROM {table} WHERE (org_id || '') = $1 AND risk_id = $2"
            )))
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        }
        let (systems, controls) = risk_links(org, id, f);
        self.insert_rows("risk_systems", &LINK_COLUMNS[0], systems)
            .await?;
        self.insert_rows("risk_controls", &LINK_COLUMNS[1], controls)
            .await
    }

    /// Replaces a risk's facts, levels and acceptance if it is still at `expected_revision`:
    /// `NotFound` when it is not in `org`, `Conflict("revision")` when it changed meanwhile.
    pub async fn update_risk(
        &mut self,
        org: OrgId,
        risk: &Risk,
        levels: RiskLevels,
        expected_revision: i64,
    ) -> Result<()> {
        // Before the links' tallies, as every writer of them does, so that none deadlock.
        self.lock_tenant(org).await?;
        let f = &risk.facts;
        let acceptance = risk.acceptance.as_ref();
        let done = sqlx::query(
            "UPDATE risks SET title = $1, search_key = $2, facts = $3, status = $4, treatment = $5, \
             owner_id = $6, risk_source = $7, inherent_level = $8, residual_level = $9, \
             inherent_likelihood = $10, inherent_impact = $11, residual_likelihood = $12, \
             residual_impact = $13, review_due = $14, accepted_by = $15, accepted_at = $16, \
             acceptance_note = $17, updated_at = $18, rated_by = $22, revision = revision + 1 \
             WHERE org_id = $19 AND id = $20 AND revision = $21",
        )
        .bind(&f.title)
        .bind(search_key(f, risk.number))
        .bind(facts_json(f)?)
        .bind(f.status.as_str())
        .bind(f.treatment.as_str())
        .bind(f.owner.map(|o| o.to_string()))
        .bind(f.risk_source.clone())
        .bind(levels.inherent as i64)
        .bind(levels.residual as i64)
        .bind(i64::from(f.inherent_likelihood))
        .bind(i64::from(f.inherent_impact))
        .bind(i64::from(f.residual_likelihood.unwrap_or(f.inherent_likelihood)))
        .bind(i64::from(f.residual_impact.unwrap_or(f.inherent_impact)))
        .bind(f.review_due.map(|t| t.as_micros()))
        .bind(acceptance.map(|a| a.by.to_string()))
        .bind(acceptance.map(|a| a.at.as_micros()))
        .bind(acceptance.map(|a| a.note.clone()))
        .bind(risk.updated_at.as_micros())
        .bind(org.to_string())
        .bind(risk.id.to_string())
        .bind(expected_revision)
        .bind(risk.rated_by.map(|u| u.to_string()))
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return match self.risk(org, risk.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            };
        }
        self.link_risk(org, risk.id, f).await
    }

    /// One risk of `org`.
    pub async fn risk(&mut self, org: OrgId, id: RiskId) -> Result<Option<Risk>> {
        let row = sqlx::query("SELECT * FROM risks WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read).transpose()
    }

    /// One risk and its organisation's method, if it set one, read by one statement: what a
    /// risk's page shows, without a transaction around two reads.
    pub async fn risk_with_method(
        &mut self,
        org: OrgId,
        id: RiskId,
    ) -> Result<Option<(Risk, Option<RiskMethod>)>> {
        let row = sqlx::query(
            "SELECT r.*, (SELECT m.method FROM risk_methods m WHERE m.org_id = r.org_id) \
             AS org_risk_method FROM risks r WHERE r.org_id = $1 AND r.id = $2",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| {
            let method = r.opt_text("org_risk_method")?;
            Ok((read(&r)?, method.as_deref().map(method_from).transpose()?))
        })
        .transpose()
    }

    /// Removes a risk.
    pub async fn delete_risk(&mut self, org: OrgId, id: RiskId) -> Result<()> {
        // Before the links' tallies, as every writer of them does, so that none deadlock.
        self.lock_tenant(org).await?;
        let done = sqlx::query("DELETE FROM risks WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// Every risk of `org` (for re-scoring after a change of method), by number.
    pub async fn all_risks(&mut self, org: OrgId) -> Result<Vec<Risk>> {
        let rows = sqlx::query("SELECT * FROM risks WHERE org_id = $1 ORDER BY number")
            .bind(org.to_string())
            .fetch_all(self.conn())
            .await?;
        map_rows(rows, read)
    }
}

/// A risk method as stored.
fn method_from(json: &str) -> Result<RiskMethod> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("risk_methods.method: {e}")))
}
