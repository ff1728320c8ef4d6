//! The audit trail: appended in the same transaction as the change it records, one chain per
//! organisation, with appends to one chain serialised on both engines.

use aims_domain::audit::{AuditActor, AuditEvent, ChainHash, NewAuditEvent};
use aims_domain::{OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows};
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
    /// Only events before this position: the cursor of the next page.
    pub before_seq: Option<i64>,
    pub limit: i64,
}

fn read_event(row: &AnyRow) -> Result<AuditEvent> {
    let hash = |column: &str| -> Result<ChainHash> {
        row.text(column)?
            .parse()
            .map_err(|e| StoreError::Corrupt(format!("audit_events.{column}: {e}")))
    };
    Ok(AuditEvent {
        org: row.parsed("org_id")?,
        seq: row.int("seq")?,
        id: row.parsed("id")?,
        occurred_at: row.at("occurred_at")?,
        actor: AuditActor {
            kind: row.text("actor_kind")?,
            id: row.text("actor_id")?,
            label: row.text("actor_label")?,
        },
        action: row.text("action")?,
        object_type: row.text("object_type")?,
        object_id: row.text("object_id")?,
        change: row.text("change")?,
        prev_hash: hash("prev_hash")?,
        hash: hash("hash")?,
    })
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
        let head = sqlx::query(
            "SELECT seq, hash, occurred_at FROM audit_events WHERE org_id = $1 \
             ORDER BY seq DESC LIMIT 1",
        )
        .bind(org.to_string())
        .fetch_optional(self.conn())
        .await?;
        let (prev, at) = match head {
            Some(row) => {
                let hash = row.text("hash")?;
                let hash = hash
                    .parse()
                    .map_err(|e| StoreError::Corrupt(format!("audit_events.hash: {e}")))?;
                let at = at.max(row.at("occurred_at")?);
                (Some((row.int("seq")?, hash)), at)
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

    /// Stores a sealed event as it is.
    pub(crate) async fn insert_audit_event(&mut self, e: &AuditEvent) -> Result<()> {
        sqlx::query(
            "INSERT INTO audit_events (org_id, seq, id, occurred_at, actor_kind, actor_id, actor_label, \
             action, object_type, object_id, change, prev_hash, hash) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13)",
        )
        .bind(e.org.to_string())
        .bind(e.seq)
        .bind(e.id.to_string())
        .bind(e.occurred_at.as_micros())
        .bind(&e.actor.kind)
        .bind(&e.actor.id)
        .bind(&e.actor.label)
        .bind(&e.action)
        .bind(&e.object_type)
        .bind(&e.object_id)
        .bind(&e.change)
        .bind(e.prev_hash.to_string())
        .bind(e.hash.to_string())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// The events of `org` that match `query`, newest first.
    pub async fn audit_events(
        &mut self,
        org: OrgId,
        query: &AuditQuery,
    ) -> Result<Vec<AuditEvent>> {
        let rows = sqlx::query(
            "SELECT * FROM audit_events WHERE org_id = $1 \
             AND ($2 IS NULL OR object_type = $2) AND ($3 IS NULL OR object_id = $3) \
             AND ($4 IS NULL OR actor_id = $4) AND ($5 IS NULL OR occurred_at >= $5) \
             AND ($6 IS NULL OR occurred_at < $6) AND ($7 IS NULL OR seq < $7) \
             ORDER BY seq DESC LIMIT $8",
        )
        .bind(org.to_string())
        .bind(query.object_type.clone())
        .bind(query.object_id.clone())
        .bind(query.actor_id.clone())
        .bind(query.from.map(Timestamp::as_micros))
        .bind(query.to.map(Timestamp::as_micros))
        .bind(query.before_seq)
        .bind(query.limit.clamp(1, 1000))
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read_event)
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
