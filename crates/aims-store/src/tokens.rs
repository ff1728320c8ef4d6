//! The ways in: browser sessions, API tokens, the one-time setup token, and the count of
//! failed sign-ins that throttles guessing.

use aims_domain::account::{ApiToken, Session};
use aims_domain::{
    ApiTokenId, OrgId, Role, SecretHash, SessionId, SetupTokenId, Timestamp, UserId,
};
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::row::{RowExt, affected_one, map_rows};
use crate::tx::Tx;

fn read_token(row: &AnyRow) -> Result<ApiToken> {
    Ok(ApiToken {
        id: row.parsed("id")?,
        org: row.parsed("org_id")?,
        created_by: row.parsed("created_by")?,
        name: row.text("name")?,
        role: row.parsed("role")?,
        prefix: row.text("prefix")?,
        created_at: row.at("created_at")?,
        expires_at: row.opt_at("expires_at")?,
        last_used_at: row.opt_at("last_used_at")?,
        revoked_at: row.opt_at("revoked_at")?,
    })
}

fn read_session(row: &AnyRow) -> Result<Session> {
    Ok(Session {
        id: row.parsed("id")?,
        user: row.parsed("user_id")?,
        active_org: row.opt_parsed("active_org_id")?,
        created_at: row.at("created_at")?,
        last_seen_at: row.at("last_seen_at")?,
        expires_at: row.at("expires_at")?,
        user_agent: row.text("user_agent")?,
        address: row.text("address")?,
    })
}

impl Tx {
    /// Records an API token of `org`; its secret is kept as `token_hash` only.
    pub async fn insert_api_token(
        &mut self,
        org: OrgId,
        token: &ApiToken,
        token_hash: &SecretHash,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO api_tokens (id, org_id, created_by, name, role, prefix, token_hash, created_at, \
             expires_at, last_used_at, revoked_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, NULL, NULL)",
        )
        .bind(token.id.to_string())
        .bind(org.to_string())
        .bind(token.created_by.to_string())
        .bind(&token.name)
        .bind(token.role.as_str())
        .bind(&token.prefix)
        .bind(token_hash.as_str())
        .bind(token.created_at.as_micros())
        .bind(token.expires_at.map(Timestamp::as_micros))
        .execute(self.conn())
        .await?;
        Ok(())
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
        let done = sqlx::query(
            "UPDATE api_tokens SET revoked_at = $3 WHERE org_id = $1 AND id = $2 AND revoked_at IS NULL",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(at.as_micros())
        .execute(self.conn())
        .await?;
        affected_one(done)
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

    /// Records a browser session; its cookie's secret is kept as `token_hash` only.
    pub async fn insert_session(
        &mut self,
        session: &Session,
        token_hash: &SecretHash,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO sessions (id, token_hash, user_id, active_org_id, created_at, last_seen_at, \
             expires_at, user_agent, address) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)",
        )
        .bind(session.id.to_string())
        .bind(token_hash.as_str())
        .bind(session.user.to_string())
        .bind(session.active_org.map(|o| o.to_string()))
        .bind(session.created_at.as_micros())
        .bind(session.last_seen_at.as_micros())
        .bind(session.expires_at.as_micros())
        .bind(&session.user_agent)
        .bind(&session.address)
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The session whose cookie hashes to `token_hash`, if it has not expired at `now`.
    pub async fn live_session(
        &mut self,
        token_hash: &SecretHash,
        now: Timestamp,
    ) -> Result<Option<Session>> {
        let row = sqlx::query("SELECT * FROM sessions WHERE token_hash = $1 AND expires_at > $2")
            .bind(token_hash.as_str())
            .bind(now.as_micros())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read_session).transpose()
    }

    /// The live sessions of `user`, most recently used first.
    pub async fn sessions_of(&mut self, user: UserId, now: Timestamp) -> Result<Vec<Session>> {
        let rows = sqlx::query(
            "SELECT * FROM sessions WHERE user_id = $1 AND expires_at > $2 ORDER BY last_seen_at DESC",
        )
        .bind(user.to_string())
        .bind(now.as_micros())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read_session)
    }

    /// Ends the session `id` of `user`.
    pub async fn delete_session(&mut self, user: UserId, id: SessionId) -> Result<()> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id = $2")
            .bind(user.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        affected_one(done)
    }

    /// Ends every session of `user` but `keep`; returns how many ended.
    pub async fn delete_other_sessions(
        &mut self,
        user: UserId,
        keep: Option<SessionId>,
    ) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE user_id = $1 AND id <> $2")
            .bind(user.to_string())
            .bind(keep.map(|s| s.to_string()).unwrap_or_default())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// Extends a session that is in use.
    pub async fn touch_session(
        &mut self,
        id: SessionId,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query("UPDATE sessions SET last_seen_at = $2, expires_at = $3 WHERE id = $1")
            .bind(id.to_string())
            .bind(at.as_micros())
            .bind(expires_at.as_micros())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Switches the organisation a session works in.
    pub async fn set_session_org(&mut self, id: SessionId, org: OrgId) -> Result<()> {
        sqlx::query("UPDATE sessions SET active_org_id = $2 WHERE id = $1")
            .bind(id.to_string())
            .bind(org.to_string())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Deletes sessions that expired before `now`; returns how many.
    pub async fn purge_expired_sessions(&mut self, now: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sessions WHERE expires_at <= $1")
            .bind(now.as_micros())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }

    /// Records a setup token; the link's secret is kept as `token_hash` only.
    pub async fn insert_setup_token(
        &mut self,
        id: SetupTokenId,
        token_hash: &SecretHash,
        at: Timestamp,
        expires_at: Timestamp,
    ) -> Result<()> {
        sqlx::query(
            "INSERT INTO setup_tokens (id, token_hash, created_at, expires_at, used_at) VALUES ($1, $2, $3, $4, NULL)",
        )
        .bind(id.to_string())
        .bind(token_hash.as_str())
        .bind(at.as_micros())
        .bind(expires_at.as_micros())
        .execute(self.conn())
        .await?;
        Ok(())
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

    /// Counts this password check as a failure of each subject, unless one of them has
    /// failed `limit` times since `since` already: then records nothing and answers `false`.
    /// Counting and recording are one step, so that checks racing for one account cannot
    /// all slip under its limit: SQLite runs write transactions one at a time, and on
    /// PostgreSQL each subject is locked for the rest of the transaction (in one order).
    /// A check that then succeeds takes its failures back with [`Tx::forget_sign_in_attempt`].
    pub async fn claim_sign_in_attempt(
        &mut self,
        attempt: &str,
        subjects: &[(&str, i64)],
        since: Timestamp,
        at: Timestamp,
    ) -> Result<bool> {
        if self.engine() == Engine::Postgres {
            let mut ordered: Vec<&str> = subjects.iter().map(|(s, _)| *s).collect();
            ordered.sort_unstable();
            for subject in ordered {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(subject)
                    .execute(self.conn())
                    .await?;
            }
        }
        for (subject, limit) in subjects {
            if self.count_sign_in_failures(subject, since).await? >= *limit {
                return Ok(false);
            }
        }
        for (i, (subject, _)) in subjects.iter().enumerate() {
            sqlx::query(
                "INSERT INTO sign_in_failures (id, subject, failed_at) VALUES ($1, $2, $3)",
            )
            .bind(format!("{attempt}:{i}"))
            .bind(*subject)
            .bind(at.as_micros())
            .execute(self.conn())
            .await?;
        }
        Ok(true)
    }

    /// Takes back the failures [`Tx::claim_sign_in_attempt`] counted for `attempt` against
    /// its first `subjects` subjects.
    pub async fn forget_sign_in_attempt(&mut self, attempt: &str, subjects: usize) -> Result<()> {
        for i in 0..subjects {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
                .bind(format!("{attempt}:{i}"))
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Counts a failed sign-in against `subject`.
    pub async fn record_sign_in_failure(&mut self, subject: &str, at: Timestamp) -> Result<()> {
        sqlx::query("INSERT INTO sign_in_failures (id, subject, failed_at) VALUES ($1, $2, $3)")
            .bind(uuid::Uuid::now_v7().to_string())
            .bind(subject)
            .bind(at.as_micros())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Failed sign-ins against `subject` since `since`.
    pub async fn count_sign_in_failures(&mut self, subject: &str, since: Timestamp) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE subject = $1 AND failed_at > $2",
        )
        .bind(subject)
        .bind(since.as_micros())
        .fetch_one(self.conn())
        .await?)
    }

    /// Forgets the failures against `subject` (after a successful sign-in).
    pub async fn clear_sign_in_failures(&mut self, subject: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
            .bind(subject)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Deletes failures older than `before`; returns how many.
    pub async fn purge_sign_in_failures(&mut self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE failed_at <= $1")
            .bind(before.as_micros())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }
}
