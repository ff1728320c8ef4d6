//! AI objectives.

use aims_domain::measurement::{Objective, ObjectiveFacts};
use aims_domain::{MetricId, ObjectiveId, OrgId, Timestamp};

use crate::error::{Result, StoreError};
use crate::row::{map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `objectives`.
    struct ObjectiveRow in "objectives" {
        id: String,
        org_id: String,
        statement: String,
        commitment: String,
        policy_id: Option<String>,
        metric_id: Option<String>,
        measure: String,
        target: String,
        deadline: Option<i64>,
        owner_id: Option<String>,
        resources: String,
        evaluation: String,
        status: String,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

/// Most objectives one organisation's list reads.
pub const MAX_OBJECTIVES: i64 = 1_000;

impl ObjectiveRow {
    fn new(org: OrgId, o: &Objective) -> Self {
        let f = &o.facts;
        Self {
            id: o.id.to_string(),
            org_id: org.to_string(),
            statement: f.statement.clone(),
            commitment: f.commitment.clone(),
            policy_id: f.policy.map(|d| d.to_string()),
            metric_id: f.metric.map(|m| m.to_string()),
            measure: f.measure.clone(),
            target: f.target.clone(),
            deadline: f.deadline.map(Timestamp::as_micros),
            owner_id: f.owner.map(|u| u.to_string()),
            resources: f.resources.clone(),
            evaluation: f.evaluation.clone(),
            status: f.status.as_str().into(),
            created_at: o.created_at.as_micros(),
            updated_at: o.updated_at.as_micros(),
            revision: o.revision,
        }
    }

    fn into_objective(self) -> Result<Objective> {
        Ok(Objective {
            id: parsed("id", &self.id)?,
            facts: ObjectiveFacts {
                statement: self.statement,
                commitment: self.commitment,
                policy: opt_parsed("policy_id", self.policy_id.as_deref())?,
                metric: opt_parsed("metric_id", self.metric_id.as_deref())?,
                measure: self.measure,
                target: self.target,
                deadline: self.deadline.map(Timestamp::from_micros),
                owner: opt_parsed("owner_id", self.owner_id.as_deref())?,
                resources: self.resources,
                evaluation: self.evaluation,
                status: parsed("status", &self.status)?,
            },
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

impl Tx {
    /// Stores a new objective.
    pub async fn insert_objective(&mut self, org: OrgId, o: &Objective) -> Result<()> {
        self.insert(vec![ObjectiveRow::new(org, o)]).await
    }

    /// Writes an objective changed from revision `o.revision - 1`; `Conflict("revision")`
    /// when someone changed it meanwhile.
    pub async fn save_objective(&mut self, org: OrgId, o: &Objective) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["created_at"],
            expect: Some(("revision", o.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(ObjectiveRow::new(org, o), how).await? {
            0 => match self.objective(org, o.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One objective of `org`.
    pub async fn objective(&mut self, org: OrgId, id: ObjectiveId) -> Result<Option<Objective>> {
        let row = sqlx::query("SELECT * FROM objectives WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| ObjectiveRow::from_row(&r)?.into_objective())
            .transpose()
    }

    /// The organisation's objectives, those with the nearest deadline first (at most
    /// [`MAX_OBJECTIVES`]); only those measured by `metric` when given.
    pub async fn objectives(
        &mut self,
        org: OrgId,
        metric: Option<MetricId>,
    ) -> Result<Vec<Objective>> {
        let rows = sqlx::query(
            "SELECT * FROM objectives WHERE org_id = $1 AND ($2 = '' OR metric_id = $2) \
             ORDER BY deadline IS NULL, deadline, statement, id LIMIT $3",
        )
        .bind(org.to_string())
        .bind(metric.map(|m| m.to_string()).unwrap_or_default())
        .bind(MAX_OBJECTIVES)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| ObjectiveRow::from_row(r)?.into_objective())
    }

    /// Deletes an objective; whether there was one.
    pub async fn delete_objective(&mut self, org: OrgId, id: ObjectiveId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM objectives WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }
}
