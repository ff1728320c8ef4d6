//! Invitations to join an organisation.

use aims_domain::account::Invitation;
use aims_domain::{InvitationId, OrgId, SecretHash, Timestamp};
use sqlx::any::AnyRow;

use super::email;
use crate::error::{Result, StoreError};
use crate::row::{map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, columns_but, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `invitations`: who is invited to which organisation with which role, found by
    /// the hash of the link's secret; open until accepted, revoked or expired.
    struct InvitationRow in "invitations" {
        id: String,
        org_id: String,
        email: String,
        role: String,
        token_hash: String,
        invited_by: Option<String>,
        created_at: i64,
        expires_at: i64,
        accepted_at: Option<i64>,
        revoked_at: Option<i64>,
    }
}

/// The columns that close an invitation, one of them once.
const CLOSED: [&str; 2] = ["accepted_at", "revoked_at"];

impl InvitationRow {
    /// The row of a new invitation to `org`: stored open, whatever `inv` says, as only
    /// closing it writes that.
    fn new(org: OrgId, inv: &Invitation, token_hash: &SecretHash) -> Self {
        Self {
            id: inv.id.to_string(),
            org_id: org.to_string(),
            email: inv.email.as_str().to_owned(),
            role: inv.role.as_str().to_owned(),
            token_hash: token_hash.as_str().to_owned(),
            invited_by: inv.invited_by.map(|u| u.to_string()),
            created_at: inv.created_at.as_micros(),
            expires_at: inv.expires_at.as_micros(),
            accepted_at: None,
            revoked_at: None,
        }
    }

    fn into_invitation(self) -> Result<Invitation> {
        Ok(Invitation {
            id: parsed("id", &self.id)?,
            org: parsed("org_id", &self.org_id)?,
            email: email("email", &self.email)?,
            role: parsed("role", &self.role)?,
            invited_by: opt_parsed("invited_by", self.invited_by.as_deref())?,
            created_at: Timestamp::from_micros(self.created_at),
            expires_at: Timestamp::from_micros(self.expires_at),
            accepted_at: self.accepted_at.map(Timestamp::from_micros),
            revoked_at: self.revoked_at.map(Timestamp::from_micros),
        })
    }
}

fn read(row: &AnyRow) -> Result<Invitation> {
    InvitationRow::from_row(row)?.into_invitation()
}

impl Tx {
    /// Records an invitation to `org`; the link's secret is kept as `token_hash` only.
    pub async fn insert_invitation(
        &mut self,
        org: OrgId,
        inv: &Invitation,
        token_hash: &SecretHash,
    ) -> Result<()> {
        self.insert(vec![InvitationRow::new(org, inv, token_hash)])
            .await
    }

    /// The invitations of `org` still open at `now`, newest first.
    pub async fn open_invitations(
        &mut self,
        org: OrgId,
        now: Timestamp,
    ) -> Result<Vec<Invitation>> {
        let rows = sqlx::query(
            "SELECT * FROM invitations WHERE org_id = $1 AND accepted_at IS NULL \
             AND revoked_at IS NULL AND expires_at > $2 ORDER BY created_at DESC",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read)
    }

    /// The stored invitation `id` of `org`.
    async fn invitation_row(&mut self, org: OrgId, id: InvitationId) -> Result<InvitationRow> {
        let row = sqlx::query("SELECT * FROM invitations WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        InvitationRow::from_row(&row)
    }

    /// The invitation `id` of `org`.
    pub async fn invitation(&mut self, org: OrgId, id: InvitationId) -> Result<Invitation> {
        self.invitation_row(org, id).await?.into_invitation()
    }

    /// The invitation whose link carries the secret hashed to `token_hash`.
    pub async fn invitation_by_token(
        &mut self,
        token_hash: &SecretHash,
    ) -> Result<Option<Invitation>> {
        let row = sqlx::query("SELECT * FROM invitations WHERE token_hash = $1")
            .bind(token_hash.as_str())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read).transpose()
    }

    /// Closes an open invitation of `org`, as accepted (before it expires) or as revoked;
    /// `NotFound` when it is not open.
    pub async fn close_invitation(
        &mut self,
        org: OrgId,
        id: InvitationId,
        accepted: bool,
        at: Timestamp,
    ) -> Result<()> {
        let mut row = self.invitation_row(org, id).await?;
        // The expiry is never written after the invitation is made, so what was read holds.
        if accepted && row.expires_at <= at.as_micros() {
            return Err(StoreError::NotFound);
        }
        let closing = if accepted {
            row.accepted_at = Some(at.as_micros());
            "accepted_at"
        } else {
            row.revoked_at = Some(at.as_micros());
            "revoked_at"
        };
        // Only that column is written, and only while neither is set: of two closings racing
        // for one invitation, one finds it open.
        let keep = columns_but::<InvitationRow>(&[closing]);
        let how = Update {
            key: &["org_id", "id"],
            keep: &keep,
            expect: None,
            also: None,
            unset: &CLOSED,
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }
}
