//! People and their memberships of organisations; invitations to join are in `invitations`.

use aims_domain::account::{Email, Member, Membership, OrgMembership, User};
use aims_domain::{OrgId, Role, Timestamp, UserId};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows, parsed};
use crate::table_row::{TableRow, Update, columns_but, table_row};
use crate::tx::Tx;

mod invitations;

table_row! {
    /// A row of `users`: a person's account, in whichever organisations they are members.
    struct UserRow in "users" {
        id: String,
        email: String,
        display_name: String,
        password_hash: Option<String>,
        created_at: i64,
        updated_at: i64,
    }
}

table_row! {
    /// A row of `memberships`: a person's role in one organisation.
    struct MembershipRow in "memberships" {
        org_id: String,
        user_id: String,
        role: String,
        created_at: i64,
    }
}

/// The key of a membership.
const MEMBERSHIP: [&str; 2] = ["org_id", "user_id"];

impl UserRow {
    fn new(user: &User) -> Self {
        Self {
            id: user.id.to_string(),
            email: user.email.as_str().to_owned(),
            display_name: user.display_name.clone(),
            password_hash: user.password_hash.clone(),
            created_at: user.created_at.as_micros(),
            updated_at: user.updated_at.as_micros(),
        }
    }

    fn into_user(self) -> Result<User> {
        Ok(User {
            id: parsed("id", &self.id)?,
            email: email("email", &self.email)?,
            display_name: self.display_name,
            password_hash: self.password_hash,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
        })
    }
}

impl MembershipRow {
    fn new(org: OrgId, m: &Membership) -> Self {
        Self {
            org_id: org.to_string(),
            user_id: m.user.to_string(),
            role: m.role.as_str().to_owned(),
            created_at: m.created_at.as_micros(),
        }
    }
}

/// The stored text of an email column as an address.
fn email(column: &str, text: &str) -> Result<Email> {
    Email::parse(text).map_err(|e| StoreError::Corrupt(format!("column {column}: {e}")))
}

fn read_user(row: &AnyRow) -> Result<User> {
    UserRow::from_row(row)?.into_user()
}

impl Tx {
    /// Adds a person's account.
    pub async fn insert_user(&mut self, user: &User) -> Result<()> {
        self.insert(vec![UserRow::new(user)]).await
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
        let mut row = UserRow::new(&self.user(user).await?);
        row.password_hash = Some(hash.to_owned());
        row.updated_at = at.as_micros();
        // Only the hash and the time of change are written: the rest was read, not decided.
        let keep = columns_but::<UserRow>(&["password_hash", "updated_at"]);
        let how = Update {
            key: &["id"],
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

    /// Makes `membership.user` a member of `org` with a role.
    pub async fn insert_membership(&mut self, org: OrgId, membership: &Membership) -> Result<()> {
        self.insert(vec![MembershipRow::new(org, membership)]).await
    }

    /// The stored membership of `user` in `org`.
    async fn membership_row(&mut self, org: OrgId, user: UserId) -> Result<Option<MembershipRow>> {
        let row = sqlx::query("SELECT * FROM memberships WHERE org_id = $1 AND user_id = $2")
            .bind(org.to_string())
            .bind(user.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(MembershipRow::from_row).transpose()
    }

    /// The role of `user` in `org`, if a member.
    pub async fn role_of(&mut self, org: OrgId, user: UserId) -> Result<Option<Role>> {
        self.membership_row(org, user)
            .await?
            .map(|m| parsed("role", &m.role))
            .transpose()
    }

    /// The members of `org`, by email.
    pub async fn members(&mut self, org: OrgId) -> Result<Vec<Member>> {
        let rows = sqlx::query(
            "SELECT m.*, u.email, u.display_name FROM memberships m \
             JOIN users u ON u.id = m.user_id WHERE m.org_id = $1 ORDER BY u.email",
        )
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
            let m = MembershipRow::from_row(row)?;
            Ok(Member {
                user: parsed("user_id", &m.user_id)?,
                email: row.email("email")?,
                display_name: row.text("display_name")?,
                role: parsed("role", &m.role)?,
                joined_at: Timestamp::from_micros(m.created_at),
            })
        })
    }

    /// Changes the role of a member of `org`.
    pub async fn set_role(&mut self, org: OrgId, user: UserId, role: Role) -> Result<()> {
        let mut row = self
            .membership_row(org, user)
            .await?
            .ok_or(StoreError::NotFound)?;
        row.role = role.as_str().to_owned();
        let how = Update {
            key: &MEMBERSHIP,
            keep: &["created_at"],
            expect: None,
            also: None,
            unset: &[],
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
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
        // Every token the person made for `org`, in one statement however many there are.
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
            "SELECT m.*, o.name FROM memberships m JOIN organisations o ON o.id = m.org_id \
             WHERE m.user_id = $1 ORDER BY o.name, o.id",
        )
        .bind(user.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
            let m = MembershipRow::from_row(row)?;
            Ok(OrgMembership {
                org: parsed("org_id", &m.org_id)?,
                org_name: row.text("name")?,
                role: parsed("role", &m.role)?,
            })
        })
    }
}
