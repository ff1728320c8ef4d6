//! Browser sessions.

use aims_domain::account::Session;
use aims_domain::{OrgId, SecretHash, SessionId, Timestamp, UserId};
use sqlx::any::AnyRow;

use crate::error::Result;
use crate::row::{affected_one, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `sessions`: a signed-in browser, found by the hash of its cookie's secret.
    struct SessionRow in "sessions" {
        id: String,
        token_hash: String,
        user_id: String,
        active_org_id: Option<String>,
        created_at: i64,
        last_seen_at: i64,
        expires_at: i64,
        user_agent: String,
        address: String,
    }
}

impl SessionRow {
    fn new(s: &Session, token_hash: &SecretHash) -> Self {
        Self {
            id: s.id.to_string(),
            token_hash: token_hash.as_str().to_owned(),
            user_id: s.user.to_string(),
            active_org_id: s.active_org.map(|o| o.to_string()),
            created_at: s.created_at.as_micros(),
            last_seen_at: s.last_seen_at.as_micros(),
            expires_at: s.expires_at.as_micros(),
            user_agent: s.user_agent.clone(),
            address: s.address.clone(),
        }
    }

    fn into_session(self) -> Result<Session> {
        Ok(Session {
            id: parsed("id", &self.id)?,
            user: parsed("user_id", &self.user_id)?,
            active_org: opt_parsed("active_org_id", self.active_org_id.as_deref())?,
            created_at: Timestamp::from_micros(self.created_at),
            last_seen_at: Timestamp::from_micros(self.last_seen_at),
            expires_at: Timestamp::from_micros(self.expires_at),
            user_agent: self.user_agent,
            address: self.address,
        })
    }
}

fn read(row: &AnyRow) -> Result<Session> {
    SessionRow::from_row(row)?.into_session()
}

// Extending a session and switching its organisation stay one-column UPDATEs by id: the first
// runs on every request a session makes, and neither needs the row read first.
impl Tx {
    /// Records a browser session; its cookie's secret is kept as `token_hash` only.
    pub async fn insert_session(
        &mut self,
        session: &Session,
        token_hash: &SecretHash,
    ) -> Result<()> {
        self.insert(vec![SessionRow::new(session, token_hash)])
            .await
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
        row.as_ref().map(read).transpose()
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
        map_rows(rows, read)
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
}
