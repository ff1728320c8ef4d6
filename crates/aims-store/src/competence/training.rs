//! People's training, attestation, qualification and AI literacy records.

use aims_domain::competence::{TrainingFacts, TrainingKind, TrainingRecord};
use aims_domain::id::TrainingRecordId;
use aims_domain::{OrgId, Timestamp, UserId};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use super::{list_from_json, list_to_json};
use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `training_records`.
    struct TrainingRow in "training_records" {
        id: String,
        org_id: String,
        user_id: String,
        kind: String,
        title: String,
        completed_on: i64,
        expires_on: Option<i64>,
        provider: String,
        notes: String,
        evidence_id: Option<String>,
        competences: String,
        recorded_by_label: String,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

impl TrainingRow {
    fn new(org: OrgId, t: &TrainingRecord) -> Result<Self> {
        let f = &t.facts;
        let completed_on = f
            .completed_on
            .ok_or_else(|| StoreError::Corrupt("a training record without its day".into()))?;
        Ok(Self {
            id: t.id.to_string(),
            org_id: org.to_string(),
            user_id: t.person.to_string(),
            kind: f.kind().as_str().to_owned(),
            title: f.title.clone(),
            completed_on: completed_on.as_micros(),
            expires_on: f.expires_on.map(|d| d.as_micros()),
            provider: f.provider.clone(),
            notes: f.notes.clone(),
            evidence_id: f.evidence.map(|e| e.to_string()),
            competences: list_to_json(&f.competences)?,
            recorded_by_label: t.recorded_by.clone(),
            created_at: t.created_at.as_micros(),
            updated_at: t.updated_at.as_micros(),
            revision: t.revision,
        })
    }

    fn into_record(self) -> Result<TrainingRecord> {
        let person: UserId = parsed("user_id", &self.user_id)?;
        Ok(TrainingRecord {
            id: parsed("id", &self.id)?,
            person,
            facts: TrainingFacts {
                person: Some(person),
                kind: Some(parsed::<TrainingKind>("kind", &self.kind)?),
                title: self.title,
                completed_on: Some(Timestamp::from_micros(self.completed_on)),
                expires_on: self.expires_on.map(Timestamp::from_micros),
                provider: self.provider,
                notes: self.notes,
                evidence: opt_parsed("evidence_id", self.evidence_id.as_deref())?,
                competences: list_from_json("competences", &self.competences)?,
            },
            recorded_by: self.recorded_by_label,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

fn read(row: &AnyRow) -> Result<TrainingRecord> {
    TrainingRow::from_row(row)?.into_record()
}

/// Which training records a list shows.
#[derive(Clone, Debug, Default)]
pub struct TrainingQuery {
    pub person: Option<UserId>,
    pub kind: Option<TrainingKind>,
    /// Only records whose last day is after this instant, or that never lapse.
    pub expires_after: Option<Timestamp>,
    /// Only records whose last day is on or before this instant; they are listed soonest
    /// expiry first rather than newest first.
    pub expires_by: Option<Timestamp>,
    pub limit: i64,
    pub offset: i64,
}

impl Tx {
    /// Stores a new training record.
    pub async fn insert_training_record(&mut self, org: OrgId, t: &TrainingRecord) -> Result<()> {
        self.insert(vec![TrainingRow::new(org, t)?]).await
    }

    /// Writes a record changed from revision `t.revision - 1`; `Conflict("revision")` when
    /// someone changed it meanwhile.
    pub async fn save_training_record(&mut self, org: OrgId, t: &TrainingRecord) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["created_at", "recorded_by_label"],
            expect: Some(("revision", t.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(TrainingRow::new(org, t)?, how).await? {
            0 => match self.training_record(org, t.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One training record of `org`.
    pub async fn training_record(
        &mut self,
        org: OrgId,
        id: TrainingRecordId,
    ) -> Result<Option<TrainingRecord>> {
        let row = sqlx::query("SELECT * FROM training_records WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| read(&r)).transpose()
    }

    /// One page of training records, the most recently completed first, with the total.
    pub async fn training_records(
        &mut self,
        org: OrgId,
        q: &TrainingQuery,
    ) -> Result<(Vec<TrainingRecord>, i64)> {
        let filter = [
            "org_id = $1",
            if q.person.is_some() {
                "user_id = $2"
            } else {
                "$2 = $2"
            },
            if q.kind.is_some() {
                "kind = $3"
            } else {
                "$3 = $3"
            },
            if q.expires_after.is_some() {
                "(expires_on IS NULL OR expires_on > $4)"
            } else {
                "$4 = $4"
            },
            if q.expires_by.is_some() {
                "expires_on <= $5"
            } else {
                "$5 = $5"
            },
        ]
        .join(" AND ");
        let order = if q.expires_by.is_some() {
            "expires_on, id"
        } else {
            "completed_on DESC, id DESC"
        };
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(org.to_string())
                .bind(q.person.map(|u| u.to_string()).unwrap_or_default())
                .bind(q.kind.map(|k| k.as_str()).unwrap_or_default())
                .bind(q.expires_after.map(|t| t.as_micros()).unwrap_or_default())
                .bind(q.expires_by.map(|t| t.as_micros()).unwrap_or_default())
        };
        let total = bind(format!(
            "SELECT COUNT(*) AS n FROM training_records WHERE {filter}"
        ))
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = bind(format!(
            "SELECT * FROM training_records WHERE {filter} ORDER BY {order} LIMIT $6 OFFSET $7"
        ))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(self.conn())
        .await?;
        Ok((map_rows(rows, read)?, total))
    }

    /// Every training record of `org`: what coverage is computed from.
    pub async fn all_training_records(&mut self, org: OrgId) -> Result<Vec<TrainingRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM training_records WHERE org_id = $1 ORDER BY user_id, completed_on, id",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// Records of every organisation whose last day falls from `from` to `until`, unless
    /// the same person holds a later record of the same kind and title (renewed already);
    /// soonest first, at most `limit`.
    pub async fn training_expiring(
        &mut self,
        from: Timestamp,
        until: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, TrainingRecord)>> {
        let rows = sqlx::query(
            "SELECT * FROM training_records t WHERE t.expires_on >= $1 AND t.expires_on <= $2 \
             AND NOT EXISTS (SELECT 1 FROM training_records n WHERE n.org_id = t.org_id \
               AND n.user_id = t.user_id AND n.kind = t.kind AND n.title = t.title \
               AND n.id <> t.id AND n.completed_on >= t.completed_on \
               AND (n.expires_on IS NULL OR n.expires_on > t.expires_on)) \
             ORDER BY t.expires_on, t.id LIMIT $3",
        )
        .bind(from.as_micros())
        .bind(until.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| Ok((r.parsed("org_id")?, read(r)?)))
    }

    /// Removes a training record.
    pub async fn delete_training_record(&mut self, org: OrgId, id: TrainingRecordId) -> Result<()> {
        let done = sqlx::query("DELETE FROM training_records WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }
}
