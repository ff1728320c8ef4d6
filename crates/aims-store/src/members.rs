//! People, their memberships of organisations, and invitations to join.

use aims_domain::account::{Email, Invitation, Member, Membership, OrgMembership, User};
use aims_domain::{InvitationId, OrgId, Role, SecretHash, Timestamp, UserId};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

fn read_user(row: &AnyRow) -> Result<User> {
    Ok(User {
        id: row.parsed("id")?,
        email: row.email("email")?,
        display_name: row.text("display_name")?,
        password_hash: row.opt_text("password_hash")?,
        created_at: row.at("created_at")?,
        updated_at: row.at("updated_at")?,
    })
}

fn read_invitation(row: &AnyRow) -> Result<Invitation> {
    Ok(Invitation {
        id: row.parsed("id")?,
        org: row.parsed("org_id")?,
        email: row.email("email")?,
        role: row.parsed("role")?,
        invited_by: row.opt_parsed("invited_by")?,
        created_at: row.at("created_at")?,
        expires_at: row.at("expires_at")?,
        accepted_at: row.opt_at("accepted_at")?,
        revoked_at: row.opt_at("revoked_at")?,
    })
}

impl Tx {
    /// Adds a person's account.
    pub async fn insert_user(&mut self, user: &User) -> Result<()> {
        sqlx::query(
            "INSERT INTO users (id, email, display_name, password_hash, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind(user.id.to_string())
        .bind(user.email.as_str())
        .bind(&user.display_name)
        .bind(user.password_hash.clone())
        .bind(user.created_at.as_micros())
        .bind(user.updated_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The account signed in with `email`, if any.
    pub async fn user_by_email(&mut self, email: &Email) -> Result<Option<User>> {
        let row = sqlx::query("SELECT * FROM users WHERE email = $1")
            .bind(email.as_str())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read_user).transpose()
    }

    /// The account `user`.
    pub async fn user(&mut self, user: UserId) -> Result<User> {
        let row = sqlx::query("SELECT * FROM users WHERE id = $1")
            .bind(user.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        read_user(&row)
    }

    /// Replaces a person's password hash.
    pub async fn set_password_hash(
        &mut self,
        user: UserId,
        hash: &str,
        at: Timestamp,
    ) -> Result<()> {
        let done =
            sqlx::query("UPDATE users SET password_hash = $2, updated_at = $3 WHERE id = $1")
                .bind(user.to_string())
                .bind(hash)
                .bind(at.as_micros())
                .execute(self.conn())
                .await?;
        affected_one(done)
    }

    /// Makes `membership.user` a member of `org` with a role.
    pub async fn insert_membership(&mut self, org: OrgId, membership: &Membership) -> Result<()> {
        sqlx::query(
            "INSERT INTO memberships (org_id, user_id, role, created_at) VALUES ($1, $2, $3, $4)",
        )
        .bind(org.to_string())
        .bind(membership.user.to_string())
        .bind(membership.role.as_str())
        .bind(membership.created_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The role of `user` in `org`, if a member.
    pub async fn role_of(&mut self, org: OrgId, user: UserId) -> Result<Option<Role>> {
        let role: Option<String> =
            sqlx::query_scalar("SELECT role FROM memberships WHERE org_id = $1 AND user_id = $2")
                .bind(org.to_string())
                .bind(user.to_string())
                .fetch_optional(self.conn())
                .await?;
        role.map(|r| {
            r.parse()
                .map_err(|e| StoreError::Corrupt(format!("memberships.role: {e}")))
        })
        .transpose()
    }

    /// The members of `org`, by email.
    pub async fn members(&mut self, org: OrgId) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT u.id, u.email, u.display_name, m.role, m.created_at FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
            Ok(Member {
                user: row.parsed("id")?,
                email: row.email("email")?,
                display_name: row.text("display_name")?,
                role: row.parsed("role")?,
                joined_at: row.at("created_at")?,
            })
        })
    }

    /// Changes the role of a member of `org`.
    pub async fn set_role(&mut self, org: OrgId, user: UserId, role: Role) -> Result<()> {
        let done =
            sqlx::query("UPDATE memberships SET role = $3 WHERE org_id = $1 AND user_id = $2")
                .bind(org.to_string())
                .bind(user.to_string())
                .bind(role.as_str())
                .execute(self.conn())
                .await?;
        affected_one(done)
    }

    /// Ends a membership of `org`, and the API tokens the person made for it.
    pub async fn remove_membership(
        &mut self,
        org: OrgId,
        user: UserId,
        at: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query("DELETE FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.to_string())
            .bind(user.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)?;
        sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 \
             WHERE org_id = $1 AND created_by = $2 AND revoked_at IS NULL",
        )
        .bind(org.to_string())
        .bind(user.to_string())
        .bind(at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// How many owners `org` has.
    pub async fn count_owners(&mut self, org: OrgId) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM memberships WHERE org_id = $1 AND role = 'owner'",
        )
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?)
    }

    /// The organisations `user` belongs to, by name.
    pub async fn orgs_of(&mut self, user: UserId) -> Result<Vec<OrgMembership>> {
        let rows = sqlx::query(
            "SELECT o.id, o.name, m.role FROM memberships m JOIN organisations o ON o.id = m.org_id \
             WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
            Ok(OrgMembership {
                org: row.parsed("id")?,
                org_name: row.text("name")?,
                role: row.parsed("role")?,
            })
        })
    }

    /// Records an invitation to `org`; the link's secret is kept as `token_hash` only.
    pub async fn insert_invitation(
        &mut self,
        org: OrgId,
        inv: &Invitation,
        token_hash: &SecretHash,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, created_at, \
             expires_at, accepted_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, NULL, NULL)",
        )
        .bind(inv.id.to_string())
        .bind(org.to_string())
        .bind(inv.email.as_str())
        .bind(inv.role.as_str())
        .bind(token_hash.as_str())
        .bind(inv.invited_by.map(|u| u.to_string()))
        .bind(inv.created_at.as_micros())
        .bind(inv.expires_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
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
        map_rows(rows, read_invitation)
    }

    /// The invitation `id` of `org`.
    pub async fn invitation(&mut self, org: OrgId, id: InvitationId) -> Result<Invitation> {
        let row = sqlx::query("SELECT * FROM invitations WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        read_invitation(&row)
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
        row.as_ref().map(read_invitation).transpose()
    }

    /// Closes an open invitation of `org`, as accepted or as revoked.
    pub async fn close_invitation(
        &mut self,
        org: OrgId,
        id: InvitationId,
        accepted: bool,
        at: Timestamp,
    ) -> Result<()> {
        let sql = if accepted {
            "UPDATE invitations SET accepted_at = $3 WHERE org_id = $1 AND id = $2 \
             AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > $3"
        } else {
            "UPDATE invitations SET revoked_at = $3 WHERE org_id = $1 AND id = $2 \
             AND accepted_at IS NULL AND revoked_at IS NULL"
        };
        let done = sqlx::query(sql)
            .bind(org.to_string())
            .bind(id.to_string())
            .bind(at.as_micros())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }
}
