//! Figures derived from a whole organisation (the dashboard, the Statement of Applicability),
//! kept per organisation with the audit head they were derived at.
//!
//! Every change to an organisation appends to its audit trail, so while the head is the same
//! the figures are too, on this server or any other over the same database. Some figures
//! (expired evidence, overdue reviews) change with time alone, so an entry also ages out.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};

use aims_domain::{OrgId, Timestamp};
use aims_store::Store;

use crate::error::Result;

/// How long derived figures may serve when nothing changed.
const MAX_AGE_SECONDS: i64 = 60;

/// Figures with the audit head and the instant they were derived at.
type Entry<T> = (Option<i64>, Timestamp, T);

/// Derived figures per organisation, each with the audit head and instant of its derivation.
pub(crate) struct HeadCache<T>(Arc<Mutex<HashMap<OrgId, Entry<T>>>>);

impl<T> Default for HeadCache<T> {
    fn default() -> Self {
        Self(Arc::default())
    }
}

impl<T> Clone for HeadCache<T> {
    fn clone(&self) -> Self {
        Self(self.0.clone())
    }
}

impl<T: Clone> HeadCache<T> {
    /// The figures of `org` as kept, if its audit head is unchanged and they are fresh at
    /// `now`; otherwise derived by `derive` and kept.
    pub(crate) async fn get_or_derive(
        &self,
        store: &Store,
        org: OrgId,
        now: Timestamp,
        derive: impl AsyncFnOnce() -> Result<T>,
    ) -> Result<T> {
        let head = store.read_once(|tx| Box::pin(tx.audit_head(org))).await?;
        if let Some(kept) = self.get(org, head, now) {
            return Ok(kept);
        }
        let figures = derive().await?;
        self.put(org, head, now, figures.clone());
        Ok(figures)
    }

    /// The figures of `org` if they were derived at `head` less than a minute before `now`.
    fn get(&self, org: OrgId, head: Option<i64>, now: Timestamp) -> Option<T> {
        let entries = self.0.lock().ok()?;
        let (at_head, at, figures) = entries.get(&org)?;
        let age = now.as_micros() - at.as_micros();
        (*at_head == head && (0..MAX_AGE_SECONDS * 1_000_000).contains(&age))
            .then(|| figures.clone())
    }

    /// Keeps `figures` as derived for `org` at `head` and `now`.
    fn put(&self, org: OrgId, head: Option<i64>, now: Timestamp, figures: T) {
        // A poisoned lock only costs the cache: the figures are derived again next time.
        if let Ok(mut entries) = self.0.lock() {
            entries.insert(org, (head, now, figures));
        }
    }
}
