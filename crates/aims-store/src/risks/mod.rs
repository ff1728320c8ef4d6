//! The risk register: the organisation's method and its risks, stored with the links to
//! their systems and controls, and read back. Lists and the heat map are in `list`; what the
//! SoA reads of treatments is in `treatments`.

use aims_domain::risk::{Acceptance, Risk, RiskFacts, RiskMethod};
use aims_domain::{OrgId, RiskId, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
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

table_row! {
    /// A row of `record_numbers`: the last number an organisation gave in a register.
    struct RecordNumberRow in "record_numbers" {
        org_id: String,
        register: String,
        last_number: i64,
    }
}

table_row! {
    /// A row of `risks`: the facts as JSON, and beside them what lists filter and sort on.
    struct RiskRow in "risks" {
        id: String,
        org_id: String,
        number: i64,
        title: String,
        search_key: String,
        facts: String,
        status: String,
        treatment: String,
        owner_id: Option<String>,
        risk_source: Option<String>,
        inherent_level: i64,
        residual_level: i64,
        inherent_likelihood: i64,
        inherent_impact: i64,
        residual_likelihood: i64,
        residual_impact: i64,
        review_due: Option<i64>,
        accepted_by: Option<String>,
        accepted_at: Option<i64>,
        acceptance_note: Option<String>,
        created_at: i64,
        updated_at: i64,
        revision: i64,
        rated_by: Option<String>,
        action_due: Option<i64>,
    }
}

/// `action_due` of a risk none of whose open treatment actions has a due day.
pub(crate) const NO_ACTION_DUE: i64 = i64::MAX;

/// The due day of the earliest open treatment action of `facts`, as `action_due` holds it.
pub(crate) fn action_due(facts: &RiskFacts) -> i64 {
    facts
        .actions
        .iter()
        .filter(|a| !a.done)
        .filter_map(|a| a.due.map(Timestamp::as_micros))
        .min()
        .unwrap_or(NO_ACTION_DUE)
}

table_row! {
    /// A row of `risk_methods`: the organisation's method of rating risks, as JSON.
    struct MethodRow in "risk_methods" {
        org_id: String,
        method: String,
        updated_at: i64,
        updated_by: String,
    }
}

table_row! {
    /// A row of `risk_systems`: a system the risk concerns.
    struct RiskSystemRow in "risk_systems" {
        risk_id: String,
        org_id: String,
        system_id: String,
    }
}

table_row! {
    /// A row of `risk_controls`: a control an open risk's treatment selects.
    struct RiskControlRow in "risk_controls" {
        risk_id: String,
        org_id: String,
        control_id: String,
    }
}

impl RiskRow {
    /// The row of `risk`, numbered `number`, with the levels its method gives it.
    fn new(org: OrgId, risk: &Risk, number: i64, levels: RiskLevels) -> Result<Self> {
        let f = &risk.facts;
        let acceptance = risk.acceptance.as_ref();
        Ok(Self {
            id: risk.id.to_string(),
            org_id: org.to_string(),
            number,
            title: f.title.clone(),
            search_key: format!("r-{number} {} {}", f.title, f.description).to_lowercase(),
            facts: serde_json::to_string(f)
                .map_err(|e| StoreError::Corrupt(format!("risk facts: {e}")))?,
            status: f.status.as_str().to_owned(),
            treatment: f.treatment.as_str().to_owned(),
            owner_id: f.owner.map(|o| o.to_string()),
            risk_source: f.risk_source.clone(),
            inherent_level: levels.inherent as i64,
            residual_level: levels.residual as i64,
            inherent_likelihood: i64::from(f.inherent_likelihood),
            inherent_impact: i64::from(f.inherent_impact),
            residual_likelihood: i64::from(f.residual_likelihood.unwrap_or(f.inherent_likelihood)),
            residual_impact: i64::from(f.residual_impact.unwrap_or(f.inherent_impact)),
            review_due: f.review_due.map(|t| t.as_micros()),
            accepted_by: acceptance.map(|a| a.by.to_string()),
            accepted_at: acceptance.map(|a| a.at.as_micros()),
            acceptance_note: acceptance.map(|a| a.note.clone()),
            created_at: risk.created_at.as_micros(),
            updated_at: risk.updated_at.as_micros(),
            revision: risk.revision,
            rated_by: risk.rated_by.map(|u| u.to_string()),
            action_due: Some(action_due(f)),
        })
    }

    fn into_risk(self) -> Result<Risk> {
        let facts: RiskFacts = serde_json::from_str(&self.facts)
            .map_err(|e| StoreError::Corrupt(format!("column facts: {e}")))?;
        let acceptance = match opt_parsed("accepted_by", self.accepted_by.as_deref())? {
            Some(by) => Some(Acceptance {
                by,
                at: Timestamp::from_micros(self.accepted_at.ok_or_else(|| {
                    StoreError::Corrupt("column accepted_at: empty for an accepted risk".into())
                })?),
                note: self.acceptance_note.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(Risk {
            id: parsed("id", &self.id)?,
            number: self.number,
            facts,
            acceptance,
            rated_by: opt_parsed("rated_by", self.rated_by.as_deref())?,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

fn read(row: &AnyRow) -> Result<Risk> {
    RiskRow::from_row(row)?.into_risk()
}

/// The rows linking a risk to its systems and to the controls its treatment selects.
fn risk_links(org: OrgId, id: RiskId, f: &RiskFacts) -> (Vec<RiskSystemRow>, Vec<RiskControlRow>) {
    // A closed risk treats nothing any more: only open risks' controls are linked, so that
    // the SoA counts them from this table's index alone.
    let controls: &[String] = if f.status == aims_domain::risk::RiskStatus::Closed {
        &[]
    } else {
        &f.controls
    };
    (
        f.systems
            .iter()
            .map(|s| RiskSystemRow {
                risk_id: id.to_string(),
                org_id: org.to_string(),
                system_id: s.to_string(),
            })
            .collect(),
        controls
            .iter()
            .map(|c| RiskControlRow {
                risk_id: id.to_string(),
                org_id: org.to_string(),
                control_id: c.clone(),
            })
            .collect(),
    )
}

impl Tx {
    /// The organisation's risk method, if it configured one.
    pub async fn risk_method(&mut self, org: OrgId) -> Result<Option<RiskMethod>> {
        let row = sqlx::query("SELECT * FROM risk_methods WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| method_from(&MethodRow::from_row(&r)?.method))
            .transpose()
    }

    /// Sets the organisation's risk method.
    pub async fn put_risk_method(
        &mut self,
        org: OrgId,
        method: &RiskMethod,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let row = MethodRow {
            org_id: org.to_string(),
            method: serde_json::to_string(method)
                .map_err(|e| StoreError::Corrupt(e.to_string()))?,
            updated_at: at.as_micros(),
            updated_by: by.to_owned(),
        };
        self.upsert(row, &["org_id"]).await
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
        // The next number after the last one ever given (kept when its risk is deleted), or
        // after the highest held (a register restored from before numbers were kept).
        let first = sqlx::query(
            "SELECT COALESCE(MAX(n), 0) + 1 AS n FROM (\
             SELECT MAX(number) AS n FROM risks WHERE org_id = $1 \
             UNION ALL SELECT last_number AS n FROM record_numbers \
             WHERE org_id = $1 AND register = 'risks') AS given",
        )
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = risks
            .iter()
            .zip(first..)
            .map(|((risk, levels), number)| RiskRow::new(org, risk, number, *levels))
            .collect::<Result<Vec<_>>>()?;
        self.insert(rows).await?;
        let last = first + risks.len() as i64 - 1;
        self.upsert(
            RecordNumberRow {
                org_id: org.to_string(),
                register: "risks".into(),
                last_number: last,
            },
            &["org_id", "register"],
        )
        .await?;
        let (mut systems, mut controls) = (Vec::new(), Vec::new());
        for (risk, _) in risks {
            let (s, c) = risk_links(org, risk.id, &risk.facts);
            systems.extend(s);
            controls.extend(c);
        }
        self.insert(systems).await?;
        self.insert(controls).await?;
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
        self.insert(systems).await?;
        self.insert(controls).await
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
        let mut row = RiskRow::new(org, risk, risk.number, levels)?;
        row.revision = expected_revision + 1;
        let changed = self
            .update(
                row,
                Update {
                    key: &["org_id", "id"],
                    keep: &["number", "created_at"],
                    expect: Some(("revision", expected_revision)),
                    also: None,
                    unset: &[],
                },
            )
            .await?;
        if changed == 0 {
            return match self.risk(org, risk.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            };
        }
        self.link_risk(org, risk.id, &risk.facts).await
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
