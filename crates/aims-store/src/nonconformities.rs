//! Nonconformities: the register, numbered per organisation, and the counts the dashboard
//! shows of it.

use aims_domain::evidence::Target;
use aims_domain::improvement::{
    Nonconformity, NonconformityFacts, NonconformityStatus, Verification,
};
use aims_domain::{NonconformityId, OrgId, Timestamp, UserId};
use sqlx::AssertSqlSafe;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `nonconformities`.
    struct NonconformityRow in "nonconformities" {
        id: String,
        org_id: String,
        number: i64,
        title: String,
        description: String,
        location: String,
        system_id: Option<String>,
        requirements: String,
        source: String,
        source_ref: String,
        grade: String,
        owner_id: Option<String>,
        detected_on: i64,
        containment: String,
        correction: String,
        root_cause: String,
        cause_category: Option<String>,
        status: String,
        withdrawn_reason: String,
        verification: Option<String>,
        reopened: i64,
        closed_at: Option<i64>,
        created_by: String,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

fn corrupt(column: &str, e: serde_json::Error) -> StoreError {
    StoreError::Corrupt(format!("column {column}: {e}"))
}

impl NonconformityRow {
    fn new(org: OrgId, n: &Nonconformity) -> Result<Self> {
        let f = &n.facts;
        Ok(Self {
            id: n.id.to_string(),
            org_id: org.to_string(),
            number: n.number,
            title: f.title.clone(),
            description: f.description.clone(),
            location: f.location.clone(),
            system_id: f.system.map(|s| s.to_string()),
            requirements: serde_json::to_string(&f.requirements)
                .map_err(|e| corrupt("requirements", e))?,
            source: f.source.as_str().into(),
            source_ref: f.source_ref.clone(),
            grade: f.grade.as_str().into(),
            owner_id: f.owner.map(|u| u.to_string()),
            detected_on: f.detected_on.as_micros(),
            containment: f.containment.clone(),
            correction: f.correction.clone(),
            root_cause: f.root_cause.clone(),
            cause_category: f.cause_category.map(|c| c.as_str().to_owned()),
            status: n.status.as_str().into(),
            withdrawn_reason: n.withdrawn_reason.clone(),
            verification: n
                .verification
                .as_ref()
                .map(serde_json::to_string)
                .transpose()
                .map_err(|e| corrupt("verification", e))?,
            reopened: n.reopened,
            closed_at: n.closed_at.map(Timestamp::as_micros),
            created_by: n.created_by.clone(),
            created_at: n.created_at.as_micros(),
            updated_at: n.updated_at.as_micros(),
            revision: n.revision,
        })
    }

    fn into_nonconformity(self) -> Result<Nonconformity> {
        let requirements: Vec<Target> =
            serde_json::from_str(&self.requirements).map_err(|e| corrupt("requirements", e))?;
        let verification: Option<Verification> = self
            .verification
            .as_deref()
            .map(serde_json::from_str)
            .transpose()
            .map_err(|e| corrupt("verification", e))?;
        Ok(Nonconformity {
            id: parsed("id", &self.id)?,
            number: self.number,
            facts: NonconformityFacts {
                title: self.title,
                description: self.description,
                location: self.location,
                system: opt_parsed("system_id", self.system_id.as_deref())?,
                requirements,
                source: parsed("source", &self.source)?,
                source_ref: self.source_ref,
                grade: parsed("grade", &self.grade)?,
                owner: opt_parsed("owner_id", self.owner_id.as_deref())?,
                detected_on: Timestamp::from_micros(self.detected_on),
                containment: self.containment,
                correction: self.correction,
                root_cause: self.root_cause,
                cause_category: opt_parsed("cause_category", self.cause_category.as_deref())?,
            },
            status: parsed("status", &self.status)?,
            withdrawn_reason: self.withdrawn_reason,
            verification,
            reopened: self.reopened,
            closed_at: self.closed_at.map(Timestamp::from_micros),
            created_by: self.created_by,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

/// Which nonconformities a list reads.
#[derive(Clone, Debug, Default)]
pub struct NonconformityQuery {
    pub status: Option<NonconformityStatus>,
    /// Only those found on or before this instant (older than an age).
    pub found_by: Option<Timestamp>,
    pub owner: Option<UserId>,
    pub limit: i64,
    pub offset: i64,
}

/// What the dashboard shows of the register at an instant.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct NonconformityCounts {
    pub open: i64,
    pub open_major: i64,
    /// Open ones found within the last 30 days, 30 to 90 days ago, and longer ago.
    pub under_30_days: i64,
    pub from_30_to_90_days: i64,
    pub over_90_days: i64,
    /// Corrective actions still open past their due day.
    pub overdue_actions: i64,
}

impl Tx {
    /// Stores a new nonconformity under the organisation's next number; returns it.
    pub async fn insert_nonconformity(&mut self, org: OrgId, n: &Nonconformity) -> Result<i64> {
        let number = self.next_number(org, "nonconformities").await?;
        let mut row = NonconformityRow::new(org, n)?;
        row.number = number;
        self.insert(vec![row]).await?;
        Ok(number)
    }

    /// Writes a nonconformity changed from revision `n.revision - 1`; `Conflict("revision")`
    /// when someone changed it meanwhile.
    pub async fn save_nonconformity(&mut self, org: OrgId, n: &Nonconformity) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["number", "created_by", "created_at"],
            expect: Some(("revision", n.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(NonconformityRow::new(org, n)?, how).await? {
            0 => match self.nonconformity(org, n.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One nonconformity of `org`.
    pub async fn nonconformity(
        &mut self,
        org: OrgId,
        id: NonconformityId,
    ) -> Result<Option<Nonconformity>> {
        let row = sqlx::query("SELECT * FROM nonconformities WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| NonconformityRow::from_row(&r)?.into_nonconformity())
            .transpose()
    }

    /// One page of the register, the longest open first (by the day found), with the total.
    pub async fn nonconformities(
        &mut self,
        org: OrgId,
        q: &NonconformityQuery,
    ) -> Result<(Vec<Nonconformity>, i64)> {
        let filter = "org_id = $1 AND ($2 = '' OR status = $2) \
                      AND ($3 = 0 OR detected_on <= $3) AND ($4 = '' OR owner_id = $4)";
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(org.to_string())
                .bind(q.status.map(|s| s.as_str()).unwrap_or_default())
                .bind(q.found_by.map(Timestamp::as_micros).unwrap_or_default())
                .bind(q.owner.map(|u| u.to_string()).unwrap_or_default())
        };
        let total = bind(format!(
            "SELECT COUNT(*) AS n FROM nonconformities WHERE {filter}"
        ))
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = bind(format!(
            "SELECT * FROM nonconformities WHERE {filter} \
             ORDER BY detected_on, number LIMIT $5 OFFSET $6"
        ))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| {
            NonconformityRow::from_row(r)?.into_nonconformity()
        })?;
        Ok((list, total))
    }

    /// The register's figures at `now`: open ones by grade and age, and overdue actions.
    pub async fn nonconformity_counts(
        &mut self,
        org: OrgId,
        now: Timestamp,
    ) -> Result<NonconformityCounts> {
        let day = 86_400_000_000_i64;
        let row = sqlx::query(
            "SELECT COUNT(*) AS open, \
             COALESCE(SUM(CASE WHEN grade = 'major' THEN 1 ELSE 0 END), 0) AS major, \
             COALESCE(SUM(CASE WHEN detected_on > $2 THEN 1 ELSE 0 END), 0) AS recent, \
             COALESCE(SUM(CASE WHEN detected_on <= $3 THEN 1 ELSE 0 END), 0) AS old \
             FROM nonconformities WHERE org_id = $1 AND status = 'open'",
        )
        .bind(org.to_string())
        .bind(now.as_micros() - 30 * day)
        .bind(now.as_micros() - 90 * day)
        .fetch_one(self.conn())
        .await?;
        let overdue_actions = sqlx::query(
            "SELECT COUNT(*) AS n FROM tasks WHERE org_id = $1 AND source_kind = 'nonconformity' \
             AND status IN ('open', 'in_progress') AND due <= $2",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let open = row.int("open")?;
        let (recent, old) = (row.int("recent")?, row.int("old")?);
        Ok(NonconformityCounts {
            open,
            open_major: row.int("major")?,
            under_30_days: recent,
            from_30_to_90_days: open - recent - old,
            over_90_days: old,
            overdue_actions,
        })
    }
}
