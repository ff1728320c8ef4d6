//! Links that reset a forgotten password: each is found by the hash of its secret, works
//! once, and only until it expires.

use aims_domain::{SecretHash, Timestamp, UserId};

use crate::error::{Result, StoreError};
use crate::row::parsed;
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `password_resets`: one emailed link, kept as the hash of its secret.
    struct PasswordResetRow in "password_resets" {
        id: String,
        user_id: String,
        token_hash: String,
        created_at: i64,
        expires_at: i64,
        used_at: Option<i64>,
    }
}

/// An open reset link: whose password it resets, and until when it works.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PasswordReset {
    pub user: UserId,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
}

impl PasswordResetRow {
    fn into_reset(self) -> Result<PasswordReset> {
        Ok(PasswordReset {
            user: parsed("user_id", &self.user_id)?,
            created_at: Timestamp::from_micros(self.created_at),
            expires_at: Timestamp::from_micros(self.expires_at),
        })
    }
}

// Using a link up is one UPDATE whose WHERE holds every condition (unused, unexpired), like a
// setup token's: of two requests racing with one link, only one finds the row.
impl Tx {
    /// Records a reset link for `user`, made `at` and working until `expires_at`; its secret
    /// is kept as `token_hash` only.
    pub async fn insert_password_reset(
        &mut self,
        user: UserId,
        token_hash: &SecretHash,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let row = PasswordResetRow {
            id: uuid::Uuid::now_v7().to_string(),
            user_id: user.to_string(),
            token_hash: token_hash.as_str().to_owned(),
            created_at: at.as_micros(),
            expires_at: expires_at.as_micros(),
            used_at: None,
        };
        self.insert(vec![row]).await
    }

    /// The link whose secret hashes to `token_hash`, if it is unused and unexpired at `now`.
    pub async fn open_password_reset(
        &mut self,
        token_hash: &SecretHash,
        now: Timestamp,
    ) -> Result<Option<PasswordReset>> {
        let row = sqlx::query(
            "SELECT * FROM password_resets WHERE token_hash = $1 AND used_at IS NULL \
             AND expires_at > $2",
        )
        .bind(token_hash.as_str())
        .bind(now.as_micros())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref()
            .map(|r| PasswordResetRow::from_row(r)?.into_reset())
            .transpose()
    }

    /// Uses up the link whose secret hashes to `token_hash` and answers whose it was;
    /// `NotFound` when it is unknown, used or expired at `now`.
    pub async fn use_password_reset(
        &mut self,
        token_hash: &SecretHash,
        now: Timestamp,
    ) -> Result<UserId> {
        let user: Option<String> = sqlx::query_scalar(
            "UPDATE password_resets SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL \
             AND expires_at > $2 RETURNING user_id",
        )
        .bind(token_hash.as_str())
        .bind(now.as_micros())
        .fetch_optional(self.conn())
        .await?;
        parsed("user_id", &user.ok_or(StoreError::NotFound)?)
    }

    /// Uses up every open link of `user` (their password was just set: older links must not
    /// set it again); returns how many.
    pub async fn close_password_resets(&mut self, user: UserId, now: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE password_resets SET used_at = $2 WHERE user_id = $1 AND used_at IS NULL",
        )
        .bind(user.to_string())
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    /// Deletes links that are used or expired at `now`; returns how many.
    pub async fn purge_password_resets(&mut self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query(
            "DELETE FROM password_resets WHERE used_at IS NOT NULL OR expires_at <= $1",
        )
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }
}
