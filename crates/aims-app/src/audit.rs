//! Reading and verifying the audit trail.

use aims_domain::audit::{AuditEvent, ChainBreak, ChainVerifier, Checkpoint};
use aims_domain::{Actor, OrgId, Permission};
use aims_store::AuditQuery;

use crate::App;
use crate::error::Result;

/// One page of events, newest first, and the cursor of the next page.
#[derive(Clone, Debug)]
pub struct AuditPage {
    pub events: Vec<AuditEvent>,
    pub next_cursor: Option<String>,
    /// The cursor of the page of newer events, unless this page starts at the newest.
    pub previous_cursor: Option<String>,
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
    pub checkpoints: CheckpointReport,
}

/// What the signed checkpoints of a chain say of it.
#[derive(Clone, Debug, Default)]
pub struct CheckpointReport {
    /// Whether any key is trusted here: without one, checkpoints cannot be checked.
    pub checked: bool,
    /// Checkpoints whose signature and head matched the trail.
    pub verified: usize,
    /// The latest of them.
    pub latest: Option<Checkpoint>,
    /// Events after the latest checkpoint: not yet vouched for by a signature.
    pub events_after_latest: i64,
    /// The first checkpoint the trail or its signature does not match: the trail was cut,
    /// rewritten, or the checkpoint forged.
    pub broken: Option<String>,
}

impl ChainReport {
    /// Whether the chain and its checkpoints verified.
    pub fn intact(&self) -> bool {
        self.broken.is_none() && self.checkpoints.broken.is_none()
    }
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
        // A cursor is a position: `123` pages to older events, `a123` back to newer ones.
        if let Some(cursor) = cursor.filter(|c| !c.is_empty()) {
            let (newer, digits) = match cursor.strip_prefix('a') {
                Some(rest) => (true, rest),
                None => (false, cursor),
            };
            let seq = digits
                .parse::<i64>()
                .ok()
                .filter(|s| *s > 0)
                .ok_or_else(|| {
                    aims_domain::ValidationError::new(
                        "cursor",
                        "is not a cursor this service gave out",
                    )
                })?;
            match newer {
                true => query.after_seq = Some(seq),
                false => query.before_seq = Some(seq),
            }
        }
        // As every list: a page size out of range is refused, not quietly changed.
        if !(1..=crate::MAX_PAGE).contains(&query.limit) {
            return Err(aims_domain::ValidationError::new(
                "limit",
                format!("must be 1 to {}", crate::MAX_PAGE),
            )
            .into());
        }
        let events = self
            .store
            .read()
            .await?
            .audit_events(actor.org, &query)
            .await?;
        let full = events.len() as i64 == query.limit;
        // Coming back from older pages, there are always older events again.
        let next_cursor = (full || query.after_seq.is_some())
            .then(|| events.last().map(|e| e.seq.to_string()))
            .flatten();
        let previous_cursor = (query.before_seq.is_some() || (query.after_seq.is_some() && full))
            .then(|| events.first().map(|e| format!("a{}", e.seq)))
            .flatten();
        Ok(AuditPage {
            events,
            next_cursor,
            previous_cursor,
        })
    }

    /// Verifies the actor's organisation's chain.
    pub async fn verify_my_chain(&self, actor: &Actor) -> Result<ChainReport> {
        actor.require(Permission::ReadAuditTrail)?;
        self.verify_chain(actor.org).await
    }

    /// Walks one organisation's chain from its first event, and checks its signed
    /// checkpoints against it.
    pub async fn verify_chain(&self, org: OrgId) -> Result<ChainReport> {
        let mut tx = self.store.read().await?;
        let org_name = tx.org(org).await?.name;
        let checkpoints = tx.checkpoints(org).await?;
        let mut pending = checkpoints.iter().peekable();
        let mut verifier = ChainVerifier::new(org);
        let mut after = 0;
        let mut broken = None;
        let mut report = CheckpointReport {
            checked: !self.audit_keys.trusted.is_empty(),
            ..Default::default()
        };
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
                while let Some(checkpoint) = pending.next_if(|c| c.seq <= event.seq) {
                    if report.broken.is_none() {
                        report.broken = self.check_checkpoint(checkpoint, event);
                    }
                    if report.broken.is_none() {
                        report.verified += 1;
                        report.latest = Some(checkpoint.clone());
                    }
                }
            }
        }
        if broken.is_none()
            && report.broken.is_none()
            && let Some(beyond) = pending.next()
        {
            report.broken = Some(format!(
                "the trail was cut: it ends at #{after}, but a checkpoint signed on {} names #{}",
                beyond.signed_at, beyond.seq
            ));
        }
        report.events_after_latest = after - report.latest.as_ref().map_or(0, |c| c.seq);
        Ok(ChainReport {
            org,
            org_name,
            verified: verifier.checked(),
            head: verifier.head().map(|(_, h)| h.to_string()),
            broken,
            timed_before_predecessor: verifier.timed_before_predecessor().to_vec(),
            checkpoints: report,
        })
    }

    /// Why `checkpoint` does not vouch for the trail, whose event at its position (or the
    /// first after it, when that position is missing) is `event`; `None` when it does.
    fn check_checkpoint(&self, checkpoint: &Checkpoint, event: &AuditEvent) -> Option<String> {
        if !self.audit_keys.trusted.is_empty()
            && let Err(err) = checkpoint.verify(&self.audit_keys.trusted)
        {
            return Some(err.0);
        }
        if checkpoint.seq != event.seq || checkpoint.head != event.hash {
            return Some(format!(
                "the trail was rewritten: event #{} is not the one signed on {}",
                checkpoint.seq, checkpoint.signed_at
            ));
        }
        None
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
