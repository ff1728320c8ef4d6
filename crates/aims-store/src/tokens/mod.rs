//! The ways in: API tokens and the one-time setup token here, browser sessions in
//! `sessions`, the count of failed sign-ins that throttles guessing in `sign_in`, and the
//! links that reset a forgotten password in `password_resets`.

use aims_domain::account::ApiToken;
use aims_domain::{ApiTokenId, OrgId, Role, SecretHash, SetupTokenId, Timestamp, UserId};
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows, parsed};
use crate::table_row::{TableRow, Update, columns_but, table_row};
use crate::tx::Tx;

mod password_resets;
mod sessions;
mod sign_in;

pub use password_resets::PasswordReset;

table_row! {
    /// A row of `api_tokens`: a token of one organisation, found by the hash of its secret.
    struct TokenRow in "api_tokens" {
        id: String,
        org_id: String,
        created_by: String,
        name: String,
        role: String,
        prefix: String,
        token_hash: String,
        created_at: i64,
        expires_at: Option<i64>,
        last_used_at: Option<i64>,
        revoked_at: Option<i64>,
    }
}

table_row! {
    /// A row of `setup_tokens`: the link that lets the first person set the service up.
    struct SetupTokenRow in "setup_tokens" {
        id: String,
        token_hash: String,
        created_at: i64,
        expires_at: i64,
        used_at: Option<i64>,
    }
}

impl TokenRow {
    /// The row of a new token of `org`: stored unused and unrevoked, whatever `token` says,
    /// as only using and revoking it write those.
    fn new(org: OrgId, token: &ApiToken, token_hash: &SecretHash) -> Self {
        Self {
            id: token.id.to_string(),
            org_id: org.to_string(),
            created_by: token.created_by.to_string(),
            name: token.name.clone(),
            role: token.role.as_str().to_owned(),
            prefix: token.prefix.clone(),
            token_hash: token_hash.as_str().to_owned(),
            created_at: token.created_at.as_micros(),
            expires_at: token.expires_at.map(Timestamp::as_micros),
            last_used_at: None,
            revoked_at: None,
        }
    }

    fn into_token(self) -> Result<ApiToken> {
        let at = |micros: Option<i64>| micros.map(Timestamp::from_micros);
        Ok(ApiToken {
            id: parsed("id", &self.id)?,
            org: parsed("org_id", &self.org_id)?,
            created_by: parsed("created_by", &self.created_by)?,
            name: self.name,
            role: parsed("role", &self.role)?,
            prefix: self.prefix,
            created_at: Timestamp::from_micros(self.created_at),
            expires_at: at(self.expires_at),
            last_used_at: at(self.last_used_at),
            revoked_at: at(self.revoked_at),
        })
    }
}

fn read_token(row: &AnyRow) -> Result<ApiToken> {
    TokenRow::from_row(row)?.into_token()
}

// Noting a token's use and using up a setup token stay one-column UPDATEs with their
// conditions in the statement: the first runs on API requests and must not add a read; the
// second finds the token by its hash and expiry, so that of two requests racing with one
// token only one succeeds.
impl Tx {
    /// Records an API token of `org`; its secret is kept as `token_hash` only.
    pub async fn insert_api_token(
        &mut self,
        org: OrgId,
        token: &ApiToken,
        token_hash: &SecretHash,
    ) -> Result<()> {
        self.insert(vec![TokenRow::new(org, token, token_hash)])
            .await
    }

    /// The API tokens of `org` that are not revoked, newest first; only those of `created_by`
    /// when given.
    pub async fn api_tokens(
        &mut self,
        org: OrgId,
        created_by: Option<UserId>,
    ) -> Result<Vec<ApiToken>> {
        let rows = sqlx::query(
            "SELECT * FROM api_tokens WHERE org_id = $1 AND revoked_at IS NULL \
             AND ($2 = '' OR created_by = $2) ORDER BY created_at DESC",
        )
        .bind(org.to_string())
        .bind(created_by.map(|u| u.to_string()).unwrap_or_default())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read_token)
    }

    /// The API token `id` of `org`.
    pub async fn api_token(&mut self, org: OrgId, id: ApiTokenId) -> Result<ApiToken> {
        let row = sqlx::query("SELECT * FROM api_tokens WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        read_token(&row)
    }

    /// The API token whose secret hashes to `token_hash`, in whichever organisation, with
    /// its creator's current role there (none once they left).
    pub async fn api_token_by_hash(
        &mut self,
        token_hash: &SecretHash,
    ) -> Result<Option<(ApiToken, Option<Role>)>> {
        // One statement for what every API request checks first.
        let row = sqlx::query(
            "SELECT t.*, m.role AS creator_role FROM api_tokens t LEFT JOIN memberships m \
             ON m.org_id = t.org_id AND m.user_id = t.created_by WHERE t.token_hash = $1",
        )
        .bind(token_hash.as_str())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref()
            .map(|r| Ok((read_token(r)?, r.opt_parsed("creator_role")?)))
            .transpose()
    }

    /// Revokes the API token `id` of `org`.
    pub async fn revoke_api_token(
        &mut self,
        org: OrgId,
        id: ApiTokenId,
        at: Timestamp,
    ) -> Result<()> {
        let stored = sqlx::query("SELECT * FROM api_tokens WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?
            .ok_or(StoreError::NotFound)?;
        let mut row = TokenRow::from_row(&stored)?;
        row.revoked_at = Some(at.as_micros());
        // Only the revocation is written, and only where none is stored: a token revoked
        // already is not found again.
        let keep = columns_but::<TokenRow>(&["revoked_at"]);
        let how = Update {
            key: &["org_id", "id"],
            keep: &keep,
            expect: None,
            also: None,
            unset: &["revoked_at"],
        };
        match self.update(row, how).await? {
            0 => Err(StoreError::NotFound),
            _ => Ok(()),
        }
    }

    /// Notes that a token was used; written at most once a minute per token.
    pub async fn touch_api_token(&mut self, id: ApiTokenId, at: Timestamp) -> Result<()> {
        sqlx::query(
            "UPDATE api_tokens SET last_used_at = $2 WHERE id = $1 \
             AND (last_used_at IS NULL OR last_used_at < $3)",
        )
        .bind(id.to_string())
        .bind(at.as_micros())
        .bind(at.plus_seconds(-60).as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Records a setup token; the link's secret is kept as `token_hash` only.
    pub async fn insert_setup_token(
        &mut self,
        id: SetupTokenId,
        token_hash: &SecretHash,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        let row = SetupTokenRow {
            id: id.to_string(),
            token_hash: token_hash.as_str().to_owned(),
            created_at: at.as_micros(),
            expires_at: expires_at.as_micros(),
            used_at: None,
        };
        self.insert(vec![row]).await
    }

    /// Whether a setup token with this hash exists, unused and unexpired at `now`.
    pub async fn setup_token_is_valid(
        &mut self,
        token_hash: &SecretHash,
        now: Timestamp,
    ) -> Result<bool> {
        let found: Option<String> = sqlx::query_scalar(
            "SELECT id FROM setup_tokens WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.as_str())
        .bind(now.as_micros())
        .fetch_optional(self.conn())
        .await?;
        Ok(found.is_some())
    }

    /// Uses up a setup token; fails with `NotFound` when it is unknown, used or expired, so
    /// that of two requests racing with one token only one succeeds.
    pub async fn use_setup_token(&mut self, token_hash: &SecretHash, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE setup_tokens SET used_at = $2 WHERE token_hash = $1 AND used_at IS NULL AND expires_at > $2",
        )
        .bind(token_hash.as_str())
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// Deletes setup tokens that are used or expired at `now`; returns how many.
    pub async fn purge_setup_tokens(&mut self, now: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM setup_tokens WHERE used_at IS NOT NULL OR expires_at <= $1")
                .bind(now.as_micros())
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected())
    }
}
