//! AI incidents: the register, numbered per organisation, sorted by reporting deadline, and
//! the counts the dashboard shows of it.

use aims_domain::impact::HarmKind;
use aims_domain::incident::{Incident, IncidentFacts, IncidentStatus, Report, ReportingClock};
use aims_domain::{AiSystemId, IncidentId, OrgId, RiskId, Timestamp};
use sqlx::AssertSqlSafe;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `incidents`.
    struct IncidentRow in "incidents" {
        id: String,
        org_id: String,
        number: i64,
        system_id: Option<String>,
        system_name: String,
        title: String,
        occurred_at: i64,
        aware_at: i64,
        description: String,
        harms: String,
        people_affected: Option<i64>,
        severity: String,
        containment: String,
        owner_id: Option<String>,
        seriousness: String,
        risks: String,
        status: String,
        initial_report: Option<String>,
        complete_report: Option<String>,
        provider_notice: Option<String>,
        report_item: Option<String>,
        report_days: Option<i64>,
        report_due: Option<i64>,
        closing_note: String,
        created_by: String,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

fn corrupt(column: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {e}"))
}

fn json<T: serde::Serialize>(column: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| corrupt(column, e))
}

fn report_json(column: &str, report: &Option<Report>) -> Result<Option<String>> {
    report.as_ref().map(|r| json(column, r)).transpose()
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| corrupt(column, e))
}

fn report_from(column: &str, text: Option<&str>) -> Result<Option<Report>> {
    text.map(|t| from_json(column, t)).transpose()
}

impl IncidentRow {
    fn new(org: OrgId, i: &Incident) -> Result<Self> {
        let f = &i.facts;
        Ok(Self {
            id: i.id.to_string(),
            org_id: org.to_string(),
            number: i.number,
            system_id: f.system.map(|s| s.to_string()),
            system_name: i.system_name.clone(),
            title: f.title.clone(),
            occurred_at: f.occurred_at.as_micros(),
            aware_at: f.aware_at.as_micros(),
            description: f.description.clone(),
            harms: json("harms", &f.harms)?,
            people_affected: f.people_affected,
            severity: f.severity.as_str().into(),
            containment: f.containment.clone(),
            owner_id: f.owner.map(|u| u.to_string()),
            seriousness: json("seriousness", &f.seriousness)?,
            risks: json("risks", &f.risks)?,
            status: i.status.as_str().into(),
            initial_report: report_json("initial_report", &i.initial_report)?,
            complete_report: report_json("complete_report", &i.complete_report)?,
            provider_notice: report_json("provider_notice", &i.provider_notice)?,
            report_item: i.clock.as_ref().map(|c| c.item.clone()),
            report_days: i.clock.as_ref().map(|c| i64::from(c.days)),
            report_due: i.clock.as_ref().map(|c| c.due.as_micros()),
            closing_note: i.closing_note.clone(),
            created_by: i.created_by.clone(),
            created_at: i.created_at.as_micros(),
            updated_at: i.updated_at.as_micros(),
            revision: i.revision,
        })
    }

    fn into_incident(self) -> Result<Incident> {
        let harms: Vec<HarmKind> = from_json("harms", &self.harms)?;
        let risks: Vec<RiskId> = from_json("risks", &self.risks)?;
        let clock = match (self.report_item, self.report_days, self.report_due) {
            (Some(item), Some(days), Some(due)) => Some(ReportingClock {
                item,
                days: u32::try_from(days)
                    .map_err(|_| StoreError::Corrupt(format!("column report_days: {days}")))?,
                due: Timestamp::from_micros(due),
            }),
            (None, None, None) => None,
            _ => {
                return Err(StoreError::Corrupt(
                    "columns report_item, report_days, report_due: set in part".into(),
                ));
            }
        };
        Ok(Incident {
            id: parsed("id", &self.id)?,
            number: self.number,
            facts: IncidentFacts {
                title: self.title,
                system: opt_parsed("system_id", self.system_id.as_deref())?,
                occurred_at: Timestamp::from_micros(self.occurred_at),
                aware_at: Timestamp::from_micros(self.aware_at),
                description: self.description,
                harms,
                people_affected: self.people_affected,
                severity: parsed("severity", &self.severity)?,
                containment: self.containment,
                owner: opt_parsed("owner_id", self.owner_id.as_deref())?,
                seriousness: from_json("seriousness", &self.seriousness)?,
                risks,
            },
            system_name: self.system_name,
            status: parsed("status", &self.status)?,
            initial_report: report_from("initial_report", self.initial_report.as_deref())?,
            complete_report: report_from("complete_report", self.complete_report.as_deref())?,
            provider_notice: report_from("provider_notice", self.provider_notice.as_deref())?,
            clock,
            closing_note: self.closing_note,
            created_by: self.created_by,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

/// Which incidents a list reads.
#[derive(Clone, Debug, Default)]
pub struct IncidentQuery {
    pub status: Option<IncidentStatus>,
    pub system: Option<AiSystemId>,
    pub limit: i64,
    pub offset: i64,
}

/// What the dashboard shows of the register at an instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct IncidentCounts {
    pub open: i64,
    /// Open incidents with a reporting deadline (serious incidents of high-risk systems).
    pub reportable: i64,
    /// Of those, the ones not yet reported to the authority.
    pub awaiting_report: i64,
    /// Of those, the ones past their deadline.
    pub report_overdue: i64,
}

impl Tx {
    /// Stores a new incident under the organisation's next number; returns it.
    pub async fn insert_incident(&mut self, org: OrgId, i: &Incident) -> Result<i64> {
        let number = self.next_number(org, "incidents").await?;
        let mut row = IncidentRow::new(org, i)?;
        row.number = number;
        self.insert(vec![row]).await?;
        Ok(number)
    }

    /// Writes an incident changed from revision `i.revision - 1`; `Conflict("revision")` when
    /// someone changed it meanwhile.
    pub async fn save_incident(&mut self, org: OrgId, i: &Incident) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["number", "created_by", "created_at"],
            expect: Some(("revision", i.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(IncidentRow::new(org, i)?, how).await? {
            0 => match self.incident(org, i.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One incident of `org`.
    pub async fn incident(&mut self, org: OrgId, id: IncidentId) -> Result<Option<Incident>> {
        let row = sqlx::query("SELECT * FROM incidents WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| IncidentRow::from_row(&r)?.into_incident())
            .transpose()
    }

    /// One page of the register, the nearest reporting deadline first (those without one
    /// after, the most recently known first), with the total.
    pub async fn incidents(
        &mut self,
        org: OrgId,
        q: &IncidentQuery,
    ) -> Result<(Vec<Incident>, i64)> {
        let filter = "org_id = $1 AND ($2 = '' OR status = $2) AND ($3 = '' OR system_id = $3)";
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(org.to_string())
                .bind(q.status.map(|s| s.as_str()).unwrap_or_default())
                .bind(q.system.map(|s| s.to_string()).unwrap_or_default())
        };
        let total = bind(format!(
            "SELECT COUNT(*) AS n FROM incidents WHERE {filter}"
        ))
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = bind(format!(
            "SELECT * FROM incidents WHERE {filter} \
             ORDER BY CASE WHEN report_due IS NULL THEN 1 ELSE 0 END, report_due, \
             aware_at DESC, number DESC LIMIT $4 OFFSET $5"
        ))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| IncidentRow::from_row(r)?.into_incident())?;
        Ok((list, total))
    }

    /// The incidents that name `risk`, the most recent first (at most `limit`).
    pub async fn incidents_about_risk(
        &mut self,
        org: OrgId,
        risk: RiskId,
        limit: i64,
    ) -> Result<Vec<Incident>> {
        // Ids are UUIDs: one found in the JSON list is that risk.
        let rows = sqlx::query(
            "SELECT * FROM incidents WHERE org_id = $1 AND risks LIKE $2 \
             ORDER BY aware_at DESC, number DESC LIMIT $3",
        )
        .bind(org.to_string())
        .bind(format!("%\"{risk}\"%"))
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| IncidentRow::from_row(r)?.into_incident())
    }

    /// The register's figures at `now`.
    pub async fn incident_counts(&mut self, org: OrgId, now: Timestamp) -> Result<IncidentCounts> {
        let row = sqlx::query(
            "SELECT COUNT(*) AS open, \
             COALESCE(SUM(CASE WHEN report_due IS NOT NULL THEN 1 ELSE 0 END), 0) AS reportable, \
             COALESCE(SUM(CASE WHEN report_due IS NOT NULL AND initial_report IS NULL \
             THEN 1 ELSE 0 END), 0) AS awaiting, \
             COALESCE(SUM(CASE WHEN report_due IS NOT NULL AND initial_report IS NULL \
             AND report_due < $2 THEN 1 ELSE 0 END), 0) AS overdue \
             FROM incidents WHERE org_id = $1 AND status = 'open'",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_one(self.conn())
        .await?;
        Ok(IncidentCounts {
            open: row.int("open")?,
            reportable: row.int("reportable")?,
            awaiting_report: row.int("awaiting")?,
            report_overdue: row.int("overdue")?,
        })
    }
}
