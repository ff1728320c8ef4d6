//! Impact assessments and their versions.

use aims_domain::impact::{Approval, AssessmentContent, ImpactAssessment};
use aims_domain::{AiSystemId, ImpactAssessmentId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, columns_but, table_row};
use crate::tx::Tx;

/// One saved version of an assessment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentVersion {
    pub version: i64,
    pub content: AssessmentContent,
    pub saved_at: Timestamp,
    pub saved_by: String,
}

/// An assessment as the organisation-wide list shows it, with its system.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AssessmentListing {
    pub id: ImpactAssessmentId,
    pub system: AiSystemId,
    pub system_name: String,
    /// The system's EU AI Act class, if classified.
    pub system_class: Option<String>,
    pub title: String,
    pub version: i64,
    pub approved_version: Option<i64>,
    pub next_review: Option<Timestamp>,
    pub updated_at: Timestamp,
}

table_row! {
    /// A row of `impact_assessments`: the latest version's number and what lists show of it,
    /// and the approval of one version.
    struct AssessmentRow in "impact_assessments" {
        id: String,
        org_id: String,
        system_id: String,
        title: String,
        version: i64,
        approved_version: Option<i64>,
        approved_by: Option<String>,
        approved_by_label: Option<String>,
        approved_at: Option<i64>,
        next_review: Option<i64>,
        created_at: i64,
        updated_at: i64,
    }
}

table_row! {
    /// A row of `impact_assessment_versions`: one saved version's content, as JSON.
    struct VersionRow in "impact_assessment_versions" {
        assessment_id: String,
        org_id: String,
        version: i64,
        content: String,
        saved_at: i64,
        saved_by: String,
    }
}

/// The columns an approval writes; saving a version leaves them as they are.
const APPROVAL: [&str; 4] = [
    "approved_version",
    "approved_by",
    "approved_by_label",
    "approved_at",
];

impl AssessmentRow {
    fn new(org: OrgId, a: &ImpactAssessment) -> Self {
        let mut row = Self {
            id: a.id.to_string(),
            org_id: org.to_string(),
            system_id: a.system.to_string(),
            title: String::new(),
            version: a.version,
            approved_version: None,
            approved_by: None,
            approved_by_label: None,
            approved_at: None,
            next_review: None,
            created_at: a.created_at.as_micros(),
            updated_at: a.updated_at.as_micros(),
        };
        row.show(&a.content);
        if let Some(approval) = &a.approval {
            row.approve(approval);
        }
        row
    }

    /// Sets what the row repeats of the latest content.
    fn show(&mut self, content: &AssessmentContent) {
        self.title = content.title.clone();
        self.next_review = content.next_review.map(|t| t.as_micros());
    }

    fn approve(&mut self, approval: &Approval) {
        self.approved_version = Some(approval.version);
        self.approved_by = approval.by.map(|u| u.to_string());
        self.approved_by_label = Some(approval.by_label.clone());
        self.approved_at = Some(approval.at.as_micros());
    }

    /// The assessment, with `content` read from its latest version.
    fn into_assessment(self, content: &str) -> Result<ImpactAssessment> {
        let approval = match self.approved_version {
            Some(version) => Some(Approval {
                version,
                by: opt_parsed("approved_by", self.approved_by.as_deref())?,
                by_label: self.approved_by_label.unwrap_or_default(),
                at: Timestamp::from_micros(self.approved_at.ok_or_else(|| {
                    StoreError::Corrupt("column approved_at: empty for an approval".into())
                })?),
            }),
            None => None,
        };
        Ok(ImpactAssessment {
            id: parsed("id", &self.id)?,
            system: parsed("system_id", &self.system_id)?,
            version: self.version,
            content: content_from(content)?,
            approval,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
        })
    }
}

impl VersionRow {
    fn new(
        org: OrgId,
        id: ImpactAssessmentId,
        version: i64,
        content: &AssessmentContent,
        at: Timestamp,
        by: &str,
    ) -> Result<Self> {
        Ok(Self {
            assessment_id: id.to_string(),
            org_id: org.to_string(),
            version,
            content: serde_json::to_string(content)
                .map_err(|e| StoreError::Corrupt(format!("assessment content: {e}")))?,
            saved_at: at.as_micros(),
            saved_by: by.to_owned(),
        })
    }

    fn into_version(self) -> Result<AssessmentVersion> {
        Ok(AssessmentVersion {
            version: self.version,
            content: content_from(&self.content)?,
            saved_at: Timestamp::from_micros(self.saved_at),
            saved_by: self.saved_by,
        })
    }
}

fn content_from(json: &str) -> Result<AssessmentContent> {
    serde_json::from_str(json).map_err(|e| StoreError::Corrupt(format!("column content: {e}")))
}

/// An assessment read with its latest version's content (the join of [`SELECT`]).
fn read(row: &AnyRow) -> Result<ImpactAssessment> {
    AssessmentRow::from_row(row)?.into_assessment(&row.text("content")?)
}

/// The assessment's row and its latest version's content, the one column of that version
/// the row lacks (its other columns share names with the row's).
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
        self.insert(vec![AssessmentRow::new(org, a)]).await?;
        let version = VersionRow::new(org, a.id, a.version, &a.content, a.updated_at, saved_by)?;
        self.insert(vec![version]).await
    }

    /// The stored row of one assessment of `org`, without its content.
    async fn assessment_row(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
    ) -> Result<Option<AssessmentRow>> {
        let row = sqlx::query("SELECT * FROM impact_assessments WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(AssessmentRow::from_row).transpose()
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
        let mut row = self
            .assessment_row(org, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        let version = expected_version + 1;
        row.show(content);
        row.version = version;
        row.updated_at = at.as_micros();
        // The approval is the approver's to write; the version is compared where it is
        // written, so that of two saves from one version only one counts.
        let how = Update {
            key: &["org_id", "id"],
            keep: &APPROVAL,
            expect: Some(("version", expected_version)),
            also: None,
            unset: &[],
        };
        if self.update(row, how).await? == 0 {
            return Err(StoreError::Conflict("version".into()));
        }
        let saved = VersionRow::new(org, id, version, content, at, by)?;
        self.insert(vec![saved]).await?;
        Ok(version)
    }

    /// Records the approval of one version.
    pub async fn approve_assessment(
        &mut self,
        org: OrgId,
        id: ImpactAssessmentId,
        approval: &Approval,
    ) -> Result<()> {
        let mut row = self
            .assessment_row(org, id)
            .await?
            .ok_or(StoreError::NotFound)?;
        row.approve(approval);
        // Only the approval is written: a version saved meanwhile stays saved.
        let keep = columns_but::<AssessmentRow>(&APPROVAL);
        let how = Update {
            key: &["org_id", "id"],
            keep: &keep,
            expect: None,
            also: None,
            unset: &[],
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
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

    /// One page of the organisation's assessments, most recently changed first, with the
    /// total.
    pub async fn impact_assessment_list(
        &mut self,
        org: OrgId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<AssessmentListing>, i64)> {
        let total = sqlx::query("SELECT COUNT(*) AS n FROM impact_assessments WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_one(self.conn())
            .await?
            .int("n")?;
        let rows = sqlx::query(
            "SELECT a.id, a.system_id, s.name AS system_name, s.class AS system_class, a.title, \
             a.version, a.approved_version, a.next_review, a.updated_at \
             FROM impact_assessments a JOIN ai_systems s ON s.org_id = a.org_id AND s.id = a.system_id \
             WHERE a.org_id = $1 ORDER BY a.updated_at DESC, a.id LIMIT $2 OFFSET $3",
        )
        .bind(org.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| {
            Ok(AssessmentListing {
                id: r.parsed("id")?,
                system: r.parsed("system_id")?,
                system_name: r.text("system_name")?,
                system_class: r.opt_text("system_class")?,
                title: r.text("title")?,
                version: r.int("version")?,
                approved_version: r.opt_int("approved_version")?,
                next_review: r.opt_int("next_review")?.map(Timestamp::from_micros),
                updated_at: Timestamp::from_micros(r.int("updated_at")?),
            })
        })?;
        Ok((list, total))
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
        map_rows(rows, |r| VersionRow::from_row(r)?.into_version())
    }
}
