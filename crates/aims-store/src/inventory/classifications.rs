//! Every EU AI Act classification recorded for a system, kept as versions; the latest one is
//! summarised on the system's row for listing and filtering.

use aims_domain::{AiSystemId, ClassificationId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

/// One recorded classification: the answers given, and the result and reasons derived.
#[derive(Clone, Debug, PartialEq)]
pub struct ClassificationRecord {
    pub id: ClassificationId,
    pub system: AiSystemId,
    /// 1 for the first classification of the system, then one more each time.
    pub version: i64,
    pub class: String,
    pub answers: serde_json::Value,
    pub result: serde_json::Value,
    pub decided_at: Timestamp,
    /// Who recorded it, as the audit trail names them.
    pub decided_by: String,
}

table_row! {
    /// A row of `ai_system_classifications`: one version of a system's classification.
    struct ClassificationRow in "ai_system_classifications" {
        id: String,
        org_id: String,
        system_id: String,
        version: i64,
        class: String,
        answers: String,
        result: String,
        decided_at: i64,
        decided_by: String,
    }
}

table_row! {
    /// A row of `system_obligations`: a requirement a system owes under its classification.
    struct ObligationRow in "system_obligations" {
        system_id: String,
        org_id: String,
        requirement: String,
    }
}

impl ClassificationRow {
    fn new(org: OrgId, r: &ClassificationRecord) -> Self {
        Self {
            id: r.id.to_string(),
            org_id: org.to_string(),
            system_id: r.system.to_string(),
            version: r.version,
            class: r.class.clone(),
            answers: r.answers.to_string(),
            result: r.result.to_string(),
            decided_at: r.decided_at.as_micros(),
            decided_by: r.decided_by.clone(),
        }
    }

    fn into_record(self) -> Result<ClassificationRecord> {
        let json = |column: &str, text: &str| -> Result<serde_json::Value> {
            serde_json::from_str(text)
                .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
        };
        Ok(ClassificationRecord {
            id: parsed("id", &self.id)?,
            system: parsed("system_id", &self.system_id)?,
            version: self.version,
            answers: json("answers", &self.answers)?,
            result: json("result", &self.result)?,
            class: self.class,
            decided_at: Timestamp::from_micros(self.decided_at),
            decided_by: self.decided_by,
        })
    }
}

fn read(row: &AnyRow) -> Result<ClassificationRecord> {
    ClassificationRow::from_row(row)?.into_record()
}

impl Tx {
    /// Records a classification as the system's next version and makes it the current one.
    /// The version is assigned here, inside the write transaction, so two people classifying
    /// at once get versions n and n+1, never the same one.
    pub async fn record_classification(
        &mut self,
        org: OrgId,
        mut record: ClassificationRecord,
    ) -> Result<ClassificationRecord> {
        // Before the obligations' and classes' tallies, as every writer of them does, so that none
        // deadlock.
        self.lock_tenant(org).await?;
        let latest = sqlx::query(
            "SELECT COALESCE(MAX(version), 0) AS v FROM ai_system_classifications \
             WHERE org_id = $1 AND system_id = $2",
        )
        .bind(org.to_string())
        .bind(record.system.to_string())
        .fetch_one(self.conn())
        .await?
        .int("v")?;
        record.version = latest + 1;
        self.insert(vec![ClassificationRow::new(org, &record)])
            .await?;
        // The obligations the system now owes, by requirement, for the SoA to read.
        sqlx::query("DELETE FROM system_obligations WHERE system_id = $1 AND (org_id || '') = $2")
            .bind(record.system.to_string())
            .bind(org.to_string())
            .execute(self.conn())
            .await?;
        let mut owed: Vec<&str> = record.result["obligations"]
            .as_array()
            .map(|all| {
                all.iter()
                    .filter_map(|o| o["requirement"].as_str())
                    .collect()
            })
            .unwrap_or_default();
        owed.sort_unstable();
        owed.dedup();
        let obligations = owed
            .into_iter()
            .map(|requirement| ObligationRow {
                system_id: record.system.to_string(),
                org_id: org.to_string(),
                requirement: requirement.to_owned(),
            })
            .collect();
        self.insert(obligations).await?;
        sqlx::query(
            "UPDATE ai_systems SET class = $1, class_version = $2, classified_at = $3, \
             class_needs_review = 0 WHERE org_id = $4 AND id = $5",
        )
        .bind(&record.class)
        .bind(record.version)
        .bind(record.decided_at.as_micros())
        .bind(org.to_string())
        .bind(record.system.to_string())
        .execute(self.conn())
        .await?;
        Ok(record)
    }

    /// Every classification of a system, newest first.
    pub async fn classifications(
        &mut self,
        org: OrgId,
        system: AiSystemId,
    ) -> Result<Vec<ClassificationRecord>> {
        let rows = sqlx::query(
            "SELECT * FROM ai_system_classifications WHERE org_id = $1 AND system_id = $2 \
             ORDER BY version DESC",
        )
        .bind(org.to_string())
        .bind(system.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }
}
