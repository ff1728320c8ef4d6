//! The organisation's context and scope: one record per organisation and its numbered
//! versions, the approved ones frozen by the database.

use aims_domain::context::{Context, ContextContent, ContextVersion, ScopedSystem};
use aims_domain::document::DocumentApproval;
use aims_domain::{OrgId, Timestamp};

use crate::error::{Result, StoreError};
use crate::row::{map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `contexts`: where an organisation's context versions stand.
    struct ContextRow in "contexts" {
        org_id: String,
        latest_version: i64,
        latest_status: String,
        approved_version: Option<i64>,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

table_row! {
    /// A row of `context_versions`: one version's content and where it stands.
    struct ContextVersionRow in "context_versions" {
        org_id: String,
        version: i64,
        content: String,
        systems: String,
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
    }
}

impl ContextRow {
    fn new(org: OrgId, c: &Context) -> Self {
        Self {
            org_id: org.to_string(),
            latest_version: c.latest,
            latest_status: c.latest_status.as_str().to_owned(),
            approved_version: c.approved,
            created_at: c.created_at.as_micros(),
            updated_at: c.updated_at.as_micros(),
            revision: c.revision,
        }
    }

    fn into_context(self) -> Result<Context> {
        Ok(Context {
            latest: self.latest_version,
            latest_status: parsed("latest_status", &self.latest_status)?,
            approved: self.approved_version,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            revision: self.revision,
        })
    }
}

fn json<T: serde::Serialize>(what: &str, value: &T) -> Result<String> {
    serde_json::to_string(value).map_err(|e| StoreError::Corrupt(format!("context {what}: {e}")))
}

fn from_json<T: serde::de::DeserializeOwned>(column: &str, text: &str) -> Result<T> {
    serde_json::from_str(text).map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}

impl ContextVersionRow {
    fn new(org: OrgId, v: &ContextVersion) -> Result<Self> {
        let approval = v.approval.as_ref();
        Ok(Self {
            org_id: org.to_string(),
            version: v.version,
            content: json("content", &v.content)?,
            systems: json("systems", &v.systems)?,
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
        })
    }

    fn into_version(self) -> Result<ContextVersion> {
        let content: ContextContent = from_json("content", &self.content)?;
        let systems: Vec<ScopedSystem> = from_json("systems", &self.systems)?;
        let approval = match self.approved_at {
            Some(at) => Some(DocumentApproval {
                by: opt_parsed("approved_by", self.approved_by.as_deref())?,
                by_label: self.approved_by_label.unwrap_or_default(),
                at: Timestamp::from_micros(at),
                comment: self.approval_comment.unwrap_or_default(),
            }),
            None => None,
        };
        Ok(ContextVersion {
            version: self.version,
            content,
            status: parsed("status", &self.status)?,
            author: opt_parsed("author_id", self.author_id.as_deref())?,
            author_label: self.author_label,
            saved_at: Timestamp::from_micros(self.saved_at),
            submitted: match (self.submitted_by_label, self.submitted_at) {
                (Some(by), Some(at)) => Some((by, Timestamp::from_micros(at))),
                _ => None,
            },
            approval,
            systems,
            sha256: self.sha256,
        })
    }
}

/// Most versions of a context one read returns: the newest, enough for years of reviews.
pub const MAX_CONTEXT_VERSIONS: i64 = 200;

impl Tx {
    /// Starts `org`'s context record with its first version.
    pub async fn insert_context(
        &mut self,
        org: OrgId,
        c: &Context,
        first: &ContextVersion,
    ) -> Result<()> {
        self.insert(vec![ContextRow::new(org, c)]).await?;
        self.insert(vec![ContextVersionRow::new(org, first)?]).await
    }

    /// Writes `org`'s context record as `c` holds it, changed from revision
    /// `c.revision - 1`; `Conflict("revision")` when someone changed it meanwhile.
    pub async fn save_context(&mut self, org: OrgId, c: &Context) -> Result<()> {
        let how = Update {
            key: &["org_id"],
            keep: &["created_at"],
            expect: Some(("revision", c.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(ContextRow::new(org, c), how).await? {
            0 => match self.context(org).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// Adds a version to `org`'s context.
    pub async fn insert_context_version(&mut self, org: OrgId, v: &ContextVersion) -> Result<()> {
        self.insert(vec![ContextVersionRow::new(org, v)?]).await
    }

    /// Writes a stored version as `v` holds it. The database refuses any change to what an
    /// approved version says.
    pub async fn save_context_version(&mut self, org: OrgId, v: &ContextVersion) -> Result<()> {
        let how = Update {
            key: &["org_id", "version"],
            keep: &[],
            expect: None,
            unset: &[],
            also: None,
        };
        match self.update(ContextVersionRow::new(org, v)?, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// `org`'s context record, if it has started one.
    pub async fn context(&mut self, org: OrgId) -> Result<Option<Context>> {
        let row = sqlx::query("SELECT * FROM contexts WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| ContextRow::from_row(&r)?.into_context())
            .transpose()
    }

    /// The newest versions of `org`'s context (at most [`MAX_CONTEXT_VERSIONS`]), newest first.
    pub async fn context_versions(&mut self, org: OrgId) -> Result<Vec<ContextVersion>> {
        let rows = sqlx::query(
            "SELECT * FROM context_versions WHERE org_id = $1 ORDER BY version DESC LIMIT $2",
        )
        .bind(org.to_string())
        .bind(MAX_CONTEXT_VERSIONS)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| ContextVersionRow::from_row(r)?.into_version())
    }

    /// One version of `org`'s context.
    pub async fn context_version(
        &mut self,
        org: OrgId,
        version: i64,
    ) -> Result<Option<ContextVersion>> {
        let row = sqlx::query("SELECT * FROM context_versions WHERE org_id = $1 AND version = $2")
            .bind(org.to_string())
            .bind(version)
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| ContextVersionRow::from_row(&r)?.into_version())
            .transpose()
    }
}
