//! The one way a use case changes an organisation's records: a write transaction that
//! holds the organisation's lock from its first statement, the time of the change read
//! under that lock, and the audit events that must accompany every write.

use aims_domain::audit::{AuditAction, AuditActor, AuditEvent, NewAuditEvent};
use aims_domain::{OrgId, Timestamp};
use aims_store::Tx;
use serde_json::Value;

use crate::App;
use crate::error::Result;

/// A change to one organisation in progress.
pub(crate) struct Change {
    /// The write transaction; everything the change reads to decide goes through it, so
    /// nothing it decided on can change before it commits.
    pub tx: Tx,
    /// The time of the change, read after the lock was taken.
    pub now: Timestamp,
    org: OrgId,
    by: AuditActor,
    recorded: usize,
}

impl Change {
    /// Appends an audit event for `action` on `object`, by whoever makes the change.
    pub async fn record(
        &mut self,
        action: AuditAction,
        object: impl std::fmt::Display,
        details: Value,
    ) -> Result<AuditEvent> {
        let event = NewAuditEvent::new(self.by.clone(), action, object, details);
        let sealed = self.tx.append_audit(self.org, event, self.now).await?;
        self.recorded += 1;
        Ok(sealed)
    }
}

/// The change reads and writes through its transaction.
impl std::ops::Deref for Change {
    type Target = Tx;
    fn deref(&self) -> &Tx {
        &self.tx
    }
}

impl std::ops::DerefMut for Change {
    fn deref_mut(&mut self) -> &mut Tx {
        &mut self.tx
    }
}

impl App {
    /// Runs `work` as one change to `org` made by `by`: begins the write transaction, takes
    /// the organisation's lock, reads the time, lets `work` read, decide, write and record,
    /// and commits. A change that records no audit event is rolled back rather than
    /// committed, so a write can never be kept without its event; an error from `work`
    /// rolls everything back.
    pub(crate) async fn change<T>(
        &self,
        org: OrgId,
        by: impl Into<AuditActor>,
        work: impl AsyncFnOnce(&mut Change) -> Result<T>,
    ) -> Result<T> {
        let tx = self.store.write_for(org).await?;
        let mut change = Change {
            tx,
            now: self.now(),
            org,
            by: by.into(),
            recorded: 0,
        };
        let out = work(&mut change).await?;
        if change.recorded > 0 {
            change.tx.commit().await?;
        }
        Ok(out)
    }
}
