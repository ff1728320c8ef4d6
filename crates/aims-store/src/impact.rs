//! Impact assessments and their versions.

use aims_domain::impact::{Approval, AssessmentContent, ImpactAssessment};
use aims_domain::{AiSystemId, ImpactAssessmentId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

/// One saved version of an assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentVersion {
    pub version: i64,
    pub content: AssessmentContent,
    pub saved_at: Timestamp,
    pub saved_by: String,
}

fn content(row: &AnyRow) -> Result<AssessmentContent> {
    serde_json::from_str(&row.text("content")?)
        .map_err(|e| StoreError::Corrupt(format!("column content: {e}")))
}

fn read(row: &AnyRow) -> Result<ImpactAssessment> {
    let approval = match row.opt_int("approved_version")? {
        Some(version) => Some(Approval {
            version,
            by: row.opt_parsed("approved_by")?,
            by_label: row.opt_text("approved_by_label")?.unwrap_or_default(),
            at: row.at("approved_at")?,
        }),
        None => None,
    };
    Ok(ImpactAssessment {
        id: row.parsed("id")?,
        system: row.parsed("system_id")?,
        version: row.int("version")?,
        content: content(row)?,
        approval,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
    })
}

const SELECT: &str = "SELECT a.*, v.content FROM impact_assessments a \
     JOIN impact_assessment_versions v ON v.assessment_id = a.id AND v.version = a.version";

impl Tx {
    /// Stores a new assessment with its first version.
    pub async fn insert_impact_assessment(
        &mut self,
        org: OrgId,
        a: &ImpactAssessment,
        saved_by: &str,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO impact_assessments (id, org_id, system_id, title, version, next_review, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)",
        )
        .bind(a.id.to_string())
        .bind(org.to_string())
        .bind(a.system.to_string())
        .bind(&a.content.title)
        .bind(a.version)
        .bind(a.content.next_review.map(|t| t.as_micros()))
        .bind(a.created_at.as_micros())
        .bind(a.updated_at.as_micros())
        .execute(self.conn())
        .await?;
        self.insert_assessment_version(org, a.id, a.version, &a.content, a.updated_at, saved_by)
            .await
    }

    async fn insert_assessment_version(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
        version: i64,
        content: &AssessmentContent,
        at: Timestamp,
        by: &str,
    ) -> Result<()> {
        let json = serde_json::to_string(content)
            .map_err(|e| StoreError::Corrupt(format!("assessment content: {e}")))?;
        sqlx::query(
            "INSERT INTO impact_assessment_versions (assessment_id, org_id, version, content, \
             saved_at, saved_by) VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(id.to_string())
        .bind(org.to_string())
        .bind(version)
        .bind(json)
        .bind(at.as_micros())
        .bind(by)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Saves `content` as the version after `expected_version`; `Conflict("version")` when
    /// someone saved meanwhile, `NotFound` when the assessment is not in `org`.
    pub async fn save_assessment_version(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
        expected_version: i64,
        content: &AssessmentContent,
        at: Timestamp,
        by: &str,
    ) -> Result<i64> {
        let done = sqlx::query(
            "UPDATE impact_assessments SET version = version + 1, title = $1, next_review = $2, \
             updated_at = $3 WHERE org_id = $4 AND id = $5 AND version = $6",
        )
        .bind(&content.title)
        .bind(content.next_review.map(|t| t.as_micros()))
        .bind(at.as_micros())
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(expected_version)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return match self.impact_assessment(org, id).await? {
                Some(_) => Err(StoreError::Conflict("version".into())),
                None => Err(StoreError::NotFound),
            };
        }
        let version = expected_version + 1;
        self.insert_assessment_version(org, id, version, content, at, by)
            .await?;
        Ok(version)
    }

    /// Records the approval of one version.
    pub async fn approve_assessment(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
        approval: &Approval,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE impact_assessments SET approved_version = $1, approved_by = $2, \
             approved_by_label = $3, approved_at = $4 WHERE org_id = $5 AND id = $6",
        )
        .bind(approval.version)
        .bind(approval.by.map(|u| u.to_string()))
        .bind(&approval.by_label)
        .bind(approval.at.as_micros())
        .bind(org.to_string())
        .bind(id.to_string())
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// One assessment of `org`, with its latest content.
    pub async fn impact_assessment(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
    ) -> Result<Option<ImpactAssessment>> {
        let row = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE a.org_id = $1 AND a.id = $2"
        )))
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read).transpose()
    }

    /// The assessments of one system, newest first.
    pub async fn impact_assessments(
        &mut self,
        org: OrgId,
        system: AiSystemId,
    ) -> Result<Vec<ImpactAssessment>> {
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "{SELECT} WHERE a.org_id = $1 AND a.system_id = $2 ORDER BY a.created_at DESC, a.id"
        )))
        .bind(org.to_string())
        .bind(system.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// Every version of one assessment, newest first.
    pub async fn assessment_versions(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
    ) -> Result<Vec<AssessmentVersion>> {
        let rows = sqlx::query(
            "SELECT * FROM impact_assessment_versions WHERE org_id = $1 AND assessment_id = $2 \
             ORDER BY version DESC",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            Ok(AssessmentVersion {
                version: r.int("version")?,
                content: content(r)?,
                saved_at: r.at("saved_at")?,
                saved_by: r.text("saved_by")?,
            })
        })
    }
}
