//! Documents of the management system, their versions, read acknowledgements and who may
//! approve them.

use aims_domain::document::{
    Document, DocumentApproval, DocumentContent, DocumentSettings, DocumentVersion,
};
use aims_domain::evidence::{StoredFile, Target};
use aims_domain::{DocumentId, OrgId, Timestamp};

use crate::error::{Result, StoreError};
use crate::row::{map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

mod listing;
mod people;

pub use listing::{DocumentCounts, DocumentQuery};
pub use people::DEFAULT_APPROVER_ROLES;
use people::{roles_from, roles_text};

table_row! {
    /// A row of `documents`: settings, and what lists show of the versions.
    struct DocumentRow in "documents" {
        id: String,
        org_id: String,
        kind: String,
        title: String,
        owner_id: Option<String>,
        template: Option<String>,
        review_months: i64,
        acknowledge_roles: String,
        latest_version: i64,
        latest_status: String,
        approved_version: Option<i64>,
        next_review: Option<i64>,
        retired_by_label: Option<String>,
        retired_at: Option<i64>,
        retired_reason: Option<String>,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

table_row! {
    /// A row of `document_versions`: one version's content and where it stands.
    struct VersionRow in "document_versions" {
        document_id: String,
        org_id: String,
        version: i64,
        kind: String,
        title: String,
        body: String,
        serves: String,
        status: String,
        author_id: Option<String>,
        author_label: String,
        saved_at: i64,
        submitted_by_label: Option<String>,
        submitted_at: Option<i64>,
        approved_by: Option<String>,
        approved_by_label: Option<String>,
        approved_at: Option<i64>,
        approval_comment: Option<String>,
        sha256: Option<String>,
        attachment_sha256: Option<String>,
        attachment_size: Option<i64>,
        attachment_media_type: Option<String>,
        attachment_name: Option<String>,
    }
}

impl DocumentRow {
    fn new(org: OrgId, d: &Document) -> Self {
        let (retired_by_label, retired_at, retired_reason) = match &d.retired {
            Some((by, at, reason)) => {
                (Some(by.clone()), Some(at.as_micros()), Some(reason.clone()))
            }
            None => (None, None, None),
        };
        Self {
            id: d.id.to_string(),
            org_id: org.to_string(),
            kind: d.kind.as_str().to_owned(),
            title: d.title.clone(),
            owner_id: d.settings.owner.map(|u| u.to_string()),
            template: d.template.clone(),
            review_months: i64::from(d.settings.review_months),
            acknowledge_roles: roles_text(&d.settings.acknowledge_roles),
            latest_version: d.latest,
            latest_status: d.latest_status.as_str().to_owned(),
            approved_version: d.approved,
            next_review: d.next_review.map(|t| t.as_micros()),
            retired_by_label,
            retired_at,
            retired_reason,
            created_at: d.created_at.as_micros(),
            updated_at: d.updated_at.as_micros(),
            revision: d.revision,
        }
    }

    fn into_document(self) -> Result<Document> {
        let retired = match self.retired_at {
            Some(at) => Some((
                self.retired_by_label.unwrap_or_default(),
                Timestamp::from_micros(at),
                self.retired_reason.unwrap_or_default(),
            )),
            None => None,
        };
        Ok(Document {
            id: parsed("id", &self.id)?,
            settings: DocumentSettings {
                owner: opt_parsed("owner_id", self.owner_id.as_deref())?,
                review_months: u32::try_from(self.review_months)
                    .map_err(|e| StoreError::Corrupt(format!("column review_months: {e}")))?,
                acknowledge_roles: roles_from("acknowledge_roles", &self.acknowledge_roles)?,
            },
            template: self.template,
            title: self.title,
            kind: parsed("kind", &self.kind)?,
            latest: self.latest_version,
            latest_status: parsed("latest_status", &self.latest_status)?,
            approved: self.approved_version,
            next_review: self.next_review.map(Timestamp::from_micros),
            retired,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

impl VersionRow {
    fn new(org: OrgId, id: DocumentId, v: &DocumentVersion) -> Result<Self> {
        let approval = v.approval.as_ref();
        let file = v.content.attachment.as_ref();
        Ok(Self {
            document_id: id.to_string(),
            org_id: org.to_string(),
            version: v.version,
            kind: v.content.kind().as_str().to_owned(),
            title: v.content.title.clone(),
            body: v.content.body.clone(),
            serves: serde_json::to_string(&v.content.serves)
                .map_err(|e| StoreError::Corrupt(format!("document serves: {e}")))?,
            status: v.status.as_str().to_owned(),
            author_id: v.author.map(|u| u.to_string()),
            author_label: v.author_label.clone(),
            saved_at: v.saved_at.as_micros(),
            submitted_by_label: v.submitted.as_ref().map(|(by, _)| by.clone()),
            submitted_at: v.submitted.as_ref().map(|(_, at)| at.as_micros()),
            approved_by: approval.and_then(|a| a.by.map(|u| u.to_string())),
            approved_by_label: approval.map(|a| a.by_label.clone()),
            approved_at: approval.map(|a| a.at.as_micros()),
            approval_comment: approval.map(|a| a.comment.clone()),
            sha256: v.sha256.clone(),
            attachment_sha256: file.map(|f| f.sha256.clone()),
            attachment_size: file.map(|f| f.size),
            attachment_media_type: file.map(|f| f.media_type.clone()),
            attachment_name: file.map(|f| f.file_name.clone()),
        })
    }

    fn into_version(self) -> Result<DocumentVersion> {
        let serves: Vec<Target> = serde_json::from_str(&self.serves)
            .map_err(|e| StoreError::Corrupt(format!("column serves: {e}")))?;
        let approval = match self.approved_at {
            Some(at) => Some(DocumentApproval {
                by: opt_parsed("approved_by", self.approved_by.as_deref())?,
                by_label: self.approved_by_label.unwrap_or_default(),
                at: Timestamp::from_micros(at),
                comment: self.approval_comment.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(DocumentVersion {
            version: self.version,
            content: DocumentContent {
                kind: Some(parsed("kind", &self.kind)?),
                title: self.title,
                body: self.body,
                serves,
                attachment: self.attachment_sha256.map(|sha256| StoredFile {
                    sha256,
                    size: self.attachment_size.unwrap_or_default(),
                    media_type: self.attachment_media_type.unwrap_or_default(),
                    file_name: self.attachment_name.unwrap_or_default(),
                }),
            },
            status: parsed("status", &self.status)?,
            author: opt_parsed("author_id", self.author_id.as_deref())?,
            author_label: self.author_label,
            saved_at: Timestamp::from_micros(self.saved_at),
            submitted: match (self.submitted_by_label, self.submitted_at) {
                (Some(by), Some(at)) => Some((by, Timestamp::from_micros(at))),
                _ => None,
            },
            approval,
            sha256: self.sha256,
        })
    }
}

impl Tx {
    /// Stores a new document with its first version.
    pub async fn insert_document(
        &mut self,
        org: OrgId,
        d: &Document,
        first: &DocumentVersion,
    ) -> Result<()> {
        self.insert(vec![DocumentRow::new(org, d)]).await?;
        self.insert(vec![VersionRow::new(org, d.id, first)?]).await
    }

    /// Stores many documents with all their versions, in as few statements as the engines
    /// allow: what a generated data set loads.
    pub async fn insert_documents(
        &mut self,
        org: OrgId,
        documents: &[(Document, Vec<DocumentVersion>)],
    ) -> Result<()> {
        let rows = documents
            .iter()
            .map(|(d, _)| DocumentRow::new(org, d))
            .collect();
        self.insert(rows).await?;
        let mut versions = Vec::new();
        for (d, list) in documents {
            for v in list {
                versions.push(VersionRow::new(org, d.id, v)?);
            }
        }
        self.insert(versions).await
    }

    /// Writes a document's row as `d` holds it, changed from revision `d.revision - 1`;
    /// `Conflict("revision")` when someone changed it meanwhile.
    pub async fn save_document(&mut self, org: OrgId, d: &Document) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["created_at", "template"],
            expect: Some(("revision", d.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(DocumentRow::new(org, d), how).await? {
            0 => match self.document(org, d.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// Adds a version to a document.
    pub async fn insert_document_version(
        &mut self,
        org: OrgId,
        id: DocumentId,
        v: &DocumentVersion,
    ) -> Result<()> {
        self.insert(vec![VersionRow::new(org, id, v)?]).await
    }

    /// Writes a stored version as `v` holds it. The database refuses any change to what an
    /// approved version says.
    pub async fn save_document_version(
        &mut self,
        org: OrgId,
        id: DocumentId,
        v: &DocumentVersion,
    ) -> Result<()> {
        let how = Update {
            key: &["org_id", "document_id", "version"],
            keep: &[],
            expect: None,
            unset: &[],
            also: None,
        };
        match self.update(VersionRow::new(org, id, v)?, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// One document of `org`.
    pub async fn document(&mut self, org: OrgId, id: DocumentId) -> Result<Option<Document>> {
        let row = sqlx::query("SELECT * FROM documents WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| DocumentRow::from_row(&r)?.into_document())
            .transpose()
    }

    /// Every version of a document, newest first.
    pub async fn document_versions(
        &mut self,
        org: OrgId,
        id: DocumentId,
    ) -> Result<Vec<DocumentVersion>> {
        let rows = sqlx::query(
            "SELECT * FROM document_versions WHERE org_id = $1 AND document_id = $2 \
             ORDER BY version DESC",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| VersionRow::from_row(r)?.into_version())
    }

    /// One version of a document.
    pub async fn document_version(
        &mut self,
        org: OrgId,
        id: DocumentId,
        version: i64,
    ) -> Result<Option<DocumentVersion>> {
        let row = sqlx::query(
            "SELECT * FROM document_versions WHERE org_id = $1 AND document_id = $2 AND version = $3",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(version)
        .fetch_optional(self.conn())
        .await?;
        row.map(|r| VersionRow::from_row(&r)?.into_version())
            .transpose()
    }
}
