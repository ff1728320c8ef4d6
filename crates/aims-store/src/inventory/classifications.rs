//! Every EU AI Act classification recorded for a system, kept as versions; the latest one is
//! summarised on the system's row for listing and filtering.

use aims_domain::{AiSystemId, ClassificationId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
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

fn read(row: &AnyRow) -> Result<ClassificationRecord> {
    let json = |column: &str| -> Result<serde_json::Value> {
        serde_json::from_str(&row.text(column)?)
            .map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
    };
    Ok(ClassificationRecord {
        id: row.parsed("id")?,
        system: row.parsed("system_id")?,
        version: row.int("version")?,
        class: row.text("class")?,
        answers: json("answers")?,
        result: json("result")?,
        decided_at: row.at("decided_at")?,
        decided_by: row.text("decided_by")?,
    })
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
        sqlx::query(
            "INSERT INTO ai_system_classifications (id, org_id, system_id, version, class, answers, \
             result, decided_at, decided_by) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(record.id.to_string())
        .bind(org.to_string())
        .bind(record.system.to_string())
        .bind(record.version)
        .bind(&record.class)
        .bind(record.answers.to_string())
        .bind(record.result.to_string())
        .bind(record.decided_at.as_micros())
        .bind(&record.decided_by)
        .execute(self.conn())
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
        for requirement in owed {
            sqlx::query(
                "INSERT INTO system_obligations (system_id, org_id, requirement) VALUES ($1, $2, $3)",
            )
            .bind(record.system.to_string())
            .bind(org.to_string())
            .bind(requirement)
            .execute(self.conn())
            .await?;
        }
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
