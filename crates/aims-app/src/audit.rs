//! Reading and verifying the audit trail.

use aims_domain::audit::{AuditEvent, ChainBreak, ChainVerifier};
use aims_domain::{Actor, OrgId, Permission};
use aims_store::AuditQuery;

use crate::App;
use crate::error::Result;

/// One page of events, newest first, and the cursor of the next page.
#[derive(Clone, Debug)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
}

/// The outcome of verifying one organisation's chain.
#[derive(Clone, Debug)]
pub struct ChainReport {
    pub org: OrgId,
    pub org_name: String,
    /// Events that verified before the end or the break.
    pub verified: u64,
    pub head: Option<String>,
    pub broken: Option<ChainBreak>,
    /// Positions (up to 20) of events timed before the event they follow: aims records
    /// times that never decrease, so these come from an earlier version or an edit.
    pub timed_before_predecessor: Vec<i64>,
}

const VERIFY_PAGE: i64 = 1000;

impl App {
    /// A page of the actor's organisation's events. `query.before_seq` is taken from `cursor`.
    pub async fn audit_events(
        &self,
        actor: &Actor,
        mut query: AuditQuery,
        cursor: Option<&str>,
    ) -> Result<AuditPage> {
        actor.require(Permission::ReadAuditTrail)?;
        if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
            let seq = cursor
                .parse::<i64>()
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    aims_domain::ValidationError::new(
                        "cursor",
                        "is not a cursor this service gave out",
                    )
                })?;
            query.before_seq = Some(seq);
        }
        query.limit = query.limit.clamp(1, 200);
        let events = self
            .store
            .read()
            .await?
            .audit_events(actor.org, &query)
            .await?;
        let next_cursor = (events.len() as i64 == query.limit)
            .then(|| events.last().map(|e| e.seq.to_string()))
            .flatten();
        Ok(AuditPage {
            events,
            next_cursor,
        })
    }

    /// Verifies the actor's organisation's chain.
    pub async fn verify_my_chain(&self, actor: &Actor) -> Result<ChainReport> {
        actor.require(Permission::ReadAuditTrail)?;
        self.verify_chain(actor.org).await
    }

    /// Walks one organisation's chain from its first event.
    pub async fn verify_chain(&self, org: OrgId) -> Result<ChainReport> {
        let mut tx = self.store.read().await?;
        let org_name = tx.org(org).await?.name;
        let mut verifier = ChainVerifier::new(org);
        let mut after = 0;
        let mut broken = None;
        'walk: loop {
            let page = tx.audit_chain_page(org, after, VERIFY_PAGE).await?;
            if page.is_empty() {
                break;
            }
            for event in &page {
                if let Err(err) = verifier.check(event) {
                    broken = Some(err);
                    break 'walk;
                }
                after = event.seq;
            }
        }
        Ok(ChainReport {
            org,
            org_name,
            verified: verifier.checked(),
            head: verifier.head().map(|(_, h)| h.to_string()),
            broken,
            timed_before_predecessor: verifier.timed_before_predecessor().to_vec(),
        })
    }

    /// `aims verify-audit`: every organisation's chain.
    pub async fn verify_all_chains(&self) -> Result<Vec<ChainReport>> {
        let orgs = self.store.read().await?.all_orgs().await?;
        let mut reports = Vec::with_capacity(orgs.len());
        for org in orgs {
            reports.push(self.verify_chain(org.id).await?);
        }
        Ok(reports)
    }
}
