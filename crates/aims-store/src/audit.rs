//! The audit trail: appended in the same transaction as the change it records, one chain per
//! organisation, with appends to one chain serialised on both engines.

use aims_domain::audit::{AuditActor, AuditEvent, ChainHash, NewAuditEvent};
use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

/// Which events to list, newest first.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct AuditQuery {
    pub object_type: Option<String>,
    pub object_id: Option<String>,
    /// The id of the user or token that acted.
    pub actor_id: Option<String>,
    /// Events at or after this instant.
    pub from: Option<Timestamp>,
    /// Events before this instant.
    pub to: Option<Timestamp>,
    /// Only events before this position: the cursor of the next (older) page.
    pub before_seq: Option<i64>,
    /// Only events after this position, the nearest first taken: the cursor of the previous
    /// (newer) page. The events still come back newest first.
    pub after_seq: Option<i64>,
    pub limit: i64,
}

table_row! {
    /// A row of `audit_events`: one sealed event, stored exactly as the chain hashed it.
    struct EventRow in "audit_events" {
        org_id: String,
        seq: i64,
        id: String,
        occurred_at: i64,
        actor_kind: String,
        actor_id: String,
        actor_label: String,
        action: String,
        object_type: String,
        object_id: String,
        change: String,
        prev_hash: String,
        hash: String,
    }
}

impl EventRow {
    /// The row of a sealed event: its texts as they are, its hashes in their text form.
    fn new(e: &AuditEvent) -> Self {
        Self {
            org_id: e.org.to_string(),
            seq: e.seq,
            id: e.id.to_string(),
            occurred_at: e.occurred_at.as_micros(),
            actor_kind: e.actor.kind.clone(),
            actor_id: e.actor.id.clone(),
            actor_label: e.actor.label.clone(),
            action: e.action.clone(),
            object_type: e.object_type.clone(),
            object_id: e.object_id.clone(),
            change: e.change.clone(),
            prev_hash: e.prev_hash.to_string(),
            hash: e.hash.to_string(),
        }
    }

    fn into_event(self) -> Result<AuditEvent> {
        Ok(AuditEvent {
            org: parsed("org_id", &self.org_id)?,
            seq: self.seq,
            id: parsed("id", &self.id)?,
            occurred_at: Timestamp::from_micros(self.occurred_at),
            actor: AuditActor {
                kind: self.actor_kind,
                id: self.actor_id,
                label: self.actor_label,
            },
            action: self.action,
            object_type: self.object_type,
            object_id: self.object_id,
            change: self.change,
            prev_hash: chain_hash("prev_hash", &self.prev_hash)?,
            hash: chain_hash("hash", &self.hash)?,
        })
    }
}

/// A stored hash of the chain.
pub(crate) fn chain_hash(column: &str, text: &str) -> Result<ChainHash> {
    text.parse()
        .map_err(|e| StoreError::Corrupt(format!("audit_events.{column}: {e}")))
}

fn read_event(row: &AnyRow) -> Result<AuditEvent> {
    EventRow::from_row(row)?.into_event()
}

impl Tx {
    /// The sequence number of the organisation's latest audit event: every change appends
    /// one, so an unchanged number means unchanged data.
    pub async fn audit_head(&mut self, org: OrgId) -> Result<Option<i64>> {
        let row =
            sqlx::query("SELECT seq FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(org.to_string())
                .fetch_optional(self.conn())
                .await?;
        row.map(|r| r.int("seq")).transpose()
    }

    /// The latest event of `org` as stored, if it has any.
    pub(crate) async fn audit_head_row(&mut self, org: OrgId) -> Result<Option<EventRow>> {
        let row =
            sqlx::query("SELECT * FROM audit_events WHERE org_id = $1 ORDER BY seq DESC LIMIT 1")
                .bind(org.to_string())
                .fetch_optional(self.conn())
                .await?;
        row.as_ref().map(EventRow::from_row).transpose()
    }

    /// Seals `event` onto the end of the chain of `org` and stores it. Its time is `at`,
    /// or the time of the event before it if the clock reads earlier (it was stepped back,
    /// or `at` was read before the lock), so that times along a chain never decrease.
    pub async fn append_audit(
        &mut self,
        org: OrgId,
        event: NewAuditEvent,
        at: Timestamp,
    ) -> Result<AuditEvent> {
        self.lock_tenant(org).await?;
        let (prev, at) = match self.audit_head_row(org).await? {
            Some(head) => {
                let hash = chain_hash("hash", &head.hash)?;
                let at = at.max(Timestamp::from_micros(head.occurred_at));
                (Some((head.seq, hash)), at)
            }
            None => (None, at),
        };
        let sealed = event.seal(org, prev, at);
        self.insert_audit_event(&sealed).await?;
        Ok(sealed)
    }

    /// Makes the other writers of `org` wait until this transaction ends, so that what it
    /// reads and numbers (the chain head, the next risk number) stays its own. SQLite needs
    /// no lock of its own: its write transactions already run one at a time.
    pub async fn lock_tenant(&mut self, org: OrgId) -> Result<()> {
        if self.engine() == Engine::Postgres {
            sqlx::query("SELECT id FROM organisations WHERE id = $1 FOR UPDATE")
                .bind(org.to_string())
                .fetch_optional(self.conn())
                .await?
                .ok_or(StoreError::NotFound)?;
        }
        Ok(())
    }

    /// The next number of a register numbered per organisation (`table` with a `number`
    /// column), taken under the organisation's lock so that two writers never share one.
    pub(crate) async fn next_number(&mut self, org: OrgId, table: &'static str) -> Result<i64> {
        self.lock_tenant(org).await?;
        sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT COALESCE(MAX(number), 0) + 1 AS n FROM {table} WHERE org_id = $1"
        )))
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?
        .int("n")
    }

    /// Stores a sealed event as it is.
    pub(crate) async fn insert_audit_event(&mut self, e: &AuditEvent) -> Result<()> {
        self.insert(vec![EventRow::new(e)]).await
    }

    /// The events of `org` that match `query`, newest first.
    pub async fn audit_events(
        &mut self,
        org: OrgId,
        query: &AuditQuery,
    ) -> Result<Vec<AuditEvent>> {
        // Newer pages walk up from their cursor, so that they end where the page before began.
        let order = if query.after_seq.is_some() {
            "ASC"
        } else {
            "DESC"
        };
        let rows = sqlx::query(sqlx::AssertSqlSafe(format!(
            "SELECT * FROM audit_events WHERE org_id = $1 \
             AND ($2 IS NULL OR object_type = $2) AND ($3 IS NULL OR object_id = $3) \
             AND ($4 IS NULL OR actor_id = $4) AND ($5 IS NULL OR occurred_at >= $5) \
             AND ($6 IS NULL OR occurred_at < $6) AND ($7 IS NULL OR seq < $7) \
             AND ($9 IS NULL OR seq > $9) ORDER BY seq {order} LIMIT $8"
        )))
        .bind(org.to_string())
        .bind(query.object_type.clone())
        .bind(query.object_id.clone())
        .bind(query.actor_id.clone())
        .bind(query.from.map(Timestamp::as_micros))
        .bind(query.to.map(Timestamp::as_micros))
        .bind(query.before_seq)
        .bind(query.limit.clamp(1, 1000))
        .bind(query.after_seq)
        .fetch_all(self.conn())
        .await?;
        let mut events = map_rows(rows, read_event)?;
        if query.after_seq.is_some() {
            events.reverse();
        }
        Ok(events)
    }

    /// Up to `limit` events of `org` after position `after_seq`, in chain order.
    pub async fn audit_chain_page(
        &mut self,
        org: OrgId,
        after_seq: i64,
        limit: i64,
    ) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_events WHERE org_id = $1 AND seq > $2 ORDER BY seq LIMIT $3",
        )
        .bind(org.to_string())
        .bind(after_seq)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read_event)
    }
}
