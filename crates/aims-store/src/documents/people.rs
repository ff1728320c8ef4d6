//! What documents ask of people: who confirmed reading them, who may approve them, and what
//! waits on one person.

use aims_domain::document::Document;
use aims_domain::{DocumentId, OrgId, Role, Timestamp, UserId};

use super::DocumentRow;
use crate::error::Result;
use crate::row::{map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `document_acknowledgements`: one member confirmed reading one version.
    struct AcknowledgementRow in "document_acknowledgements" {
        document_id: String,
        org_id: String,
        version: i64,
        user_id: String,
        acknowledged_at: i64,
    }
}

table_row! {
    /// A row of `document_settings`: the roles that may approve documents.
    struct ApproversRow in "document_settings" {
        org_id: String,
        approver_roles: String,
        updated_at: i64,
    }
}

/// The roles that approve documents where the organisation chose none.
pub const DEFAULT_APPROVER_ROLES: [Role; 2] = [Role::Owner, Role::Admin];

pub(super) fn roles_text(roles: &[Role]) -> String {
    roles
        .iter()
        .map(|r| r.as_str())
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn roles_from(column: &str, text: &str) -> Result<Vec<Role>> {
    text.split(',')
        .filter(|s| !s.is_empty())
        .map(|s| parsed(column, s))
        .collect()
}

impl Tx {
    /// Who confirmed reading `version` of a document, and when.
    pub async fn document_acknowledgements(
        &mut self,
        org: OrgId,
        id: DocumentId,
        version: i64,
    ) -> Result<Vec<(UserId, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT * FROM document_acknowledgements WHERE org_id = $1 AND document_id = $2 \
             AND version = $3 ORDER BY acknowledged_at, user_id",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(version)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            let row = AcknowledgementRow::from_row(r)?;
            Ok((
                parsed("user_id", &row.user_id)?,
                Timestamp::from_micros(row.acknowledged_at),
            ))
        })
    }

    /// Records that `user` read `version`; `false` when they had confirmed it already.
    pub async fn acknowledge_document(
        &mut self,
        org: OrgId,
        id: DocumentId,
        version: i64,
        user: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let row = AcknowledgementRow {
            document_id: id.to_string(),
            org_id: org.to_string(),
            version,
            user_id: user.to_string(),
            acknowledged_at: at.as_micros(),
        };
        self.insert_unless_taken(row, &["document_id", "version", "user_id"])
            .await
    }

    /// The roles that may approve documents in `org`.
    pub async fn document_approver_roles(&mut self, org: OrgId) -> Result<Vec<Role>> {
        let row = sqlx::query("SELECT * FROM document_settings WHERE org_id = $1")
            .bind(org.to_string())
            .fetch_optional(self.conn())
            .await?;
        match row {
            Some(r) => roles_from(
                "approver_roles",
                &ApproversRow::from_row(&r)?.approver_roles,
            ),
            None => Ok(DEFAULT_APPROVER_ROLES.to_vec()),
        }
    }

    /// Sets the roles that may approve documents in `org`.
    pub async fn set_document_approver_roles(
        &mut self,
        org: OrgId,
        roles: &[Role],
        at: Timestamp,
    ) -> Result<()> {
        let row = ApproversRow {
            org_id: org.to_string(),
            approver_roles: roles_text(roles),
            updated_at: at.as_micros(),
        };
        self.upsert(row, &["org_id"]).await
    }

    /// Documents whose newest version waits in review and was not last written by `user`:
    /// what an approver may approve, the longest waiting first, at most `limit`.
    pub async fn documents_awaiting_approval(
        &mut self,
        org: OrgId,
        user: UserId,
        limit: i64,
    ) -> Result<Vec<Document>> {
        let rows = sqlx::query(
            "SELECT d.* FROM documents d JOIN document_versions v \
             ON v.document_id = d.id AND v.version = d.latest_version \
             WHERE d.org_id = $1 AND d.retired_at IS NULL AND d.latest_status = 'in_review' \
             AND (v.author_id IS NULL OR v.author_id <> $2) ORDER BY d.updated_at, d.id LIMIT $3",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| DocumentRow::from_row(r)?.into_document())
    }

    /// Documents in force that ask `role` to confirm reading and that `user` has not
    /// confirmed, oldest approval first, at most `limit`.
    pub async fn documents_to_acknowledge(
        &mut self,
        org: OrgId,
        user: UserId,
        role: Role,
        limit: i64,
    ) -> Result<Vec<Document>> {
        let rows = sqlx::query(
            "SELECT d.* FROM documents d WHERE d.org_id = $1 AND d.acknowledge_roles > '' \
             AND d.retired_at IS NULL \
             AND d.approved_version IS NOT NULL AND (',' || d.acknowledge_roles || ',') LIKE $2 \
             AND NOT EXISTS (SELECT 1 FROM document_acknowledgements a WHERE a.document_id = d.id \
             AND a.version = d.approved_version AND a.user_id = $3) ORDER BY d.updated_at, d.id LIMIT $4",
        )
        .bind(org.to_string())
        .bind(format!("%,{},%", role.as_str()))
        .bind(user.to_string())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| DocumentRow::from_row(r)?.into_document())
    }
}
