//! Nonconformities and corrective action (ISO/IEC 42001 10.2): recorded with the requirement
//! not met, contained and corrected, their cause found, corrective actions given to people as
//! tasks, then verified by someone other than the owner; a verification that finds the
//! actions did not work reopens the nonconformity.

use aims_domain::audit::AuditAction;
use aims_domain::improvement::{Nonconformity, NonconformityFacts, NonconformityStatus};
use aims_domain::work::{NotificationKind, Source, SourceKind, Task};
use aims_domain::{Actor, NonconformityId, Permission, UserId, ValidationError};
use aims_store::{NonconformityCounts, NonconformityQuery};
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

mod handling;

/// Most corrective actions one nonconformity's page lists.
pub const MAX_ACTIONS: i64 = 200;

/// A nonconformity with its corrective actions.
#[derive(Clone, Debug)]
pub struct NonconformityRecord {
    pub nonconformity: Nonconformity,
    /// The soonest due first.
    pub actions: Vec<Task>,
}

impl NonconformityRecord {
    /// Its corrective actions still open, and those done (cancelled ones count as neither).
    pub fn action_counts(&self) -> (usize, usize) {
        let open = self
            .actions
            .iter()
            .filter(|t| t.facts.status().is_open())
            .count();
        let done = self
            .actions
            .iter()
            .filter(|t| t.facts.status() == aims_domain::work::TaskStatus::Done)
            .count();
        (open, done)
    }

    /// Where its handling stands.
    pub fn phase(&self) -> aims_domain::improvement::Phase {
        let (open, done) = self.action_counts();
        self.nonconformity.phase(open, done)
    }
}

/// Which nonconformities a list shows, as a person asks for them.
#[derive(Clone, Debug, Default)]
pub struct NonconformityFilter {
    pub status: Option<NonconformityStatus>,
    /// Only those found at least this many days ago.
    pub older_than_days: Option<u32>,
    pub owner: Option<UserId>,
}

/// The page of a nonconformity, where its notifications lead.
pub(crate) fn link(id: NonconformityId) -> String {
    format!("/nonconformities/{id}")
}

/// The source that names a nonconformity's corrective actions.
pub(crate) fn actions_source(id: NonconformityId) -> Source {
    Source {
        kind: SourceKind::Nonconformity,
        id: id.to_string(),
    }
}

impl App {
    /// Checks what a nonconformity refers to: its AI system, requirements and owner.
    async fn check_nonconformity_references(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: &NonconformityFacts,
        before: Option<&NonconformityFacts>,
    ) -> Result<()> {
        if let Some(system) = facts.system
            && before.and_then(|b| b.system) != Some(system)
            && c.ai_system(actor.org, system).await?.is_none()
        {
            return Err(ValidationError::new(
                "system",
                format!("no AI system {system} in this organisation"),
            )
            .into());
        }
        self.check_targets(c, actor, &facts.requirements, "requirements.id")
            .await?;
        crate::members::require_new_members(
            c,
            actor.org,
            [("owner", facts.owner, before.and_then(|b| b.owner))],
        )
        .await
    }

    /// Reads a nonconformity under the change's lock, refusing a stale `revision`.
    pub(crate) async fn nonconformity_at(
        c: &mut Change,
        actor: &Actor,
        id: NonconformityId,
        revision: i64,
    ) -> Result<Nonconformity> {
        let found = c
            .nonconformity(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("nonconformity"))?;
        if revision != found.revision {
            return Err(AppError::Conflict(format!(
                "the nonconformity changed meanwhile (revision {} now); reload it",
                found.revision
            )));
        }
        Ok(found)
    }

    /// Records a nonconformity (owner, admin, editor) under the next number; its owner is told.
    pub async fn record_nonconformity(
        &self,
        actor: &Actor,
        facts: NonconformityFacts,
    ) -> Result<Nonconformity> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            self.check_nonconformity_references(c, actor, &facts, None)
                .await?;
            let mut nc = Nonconformity {
                id: NonconformityId::new(),
                number: 0,
                facts: facts.clone(),
                status: NonconformityStatus::Open,
                withdrawn_reason: String::new(),
                verification: None,
                reopened: 0,
                closed_at: None,
                created_by: actor.label.clone(),
                created_at: c.now,
                updated_at: c.now,
                revision: 1,
            };
            nc.number = c.insert_nonconformity(actor.org, &nc).await?;
            c.record(
                AuditAction::NonconformityCreated,
                nc.id,
                json!({"reference": nc.reference(), "title": facts.title, "grade": facts.grade,
                       "source": facts.source, "owner": facts.owner.map(|u| u.to_string())}),
            )
            .await?;
            self.notify(
                c,
                actor,
                facts.owner,
                NotificationKind::Assigned,
                &format!("You own {}: {}", nc.reference(), facts.title),
                &link(nc.id),
            )
            .await?;
            Ok(nc)
        })
        .await
    }

    /// Changes an open nonconformity from `revision` (owner, admin, editor); a new owner is
    /// told.
    pub async fn update_nonconformity(
        &self,
        actor: &Actor,
        id: NonconformityId,
        revision: i64,
        facts: NonconformityFacts,
    ) -> Result<Nonconformity> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = Self::nonconformity_at(c, actor, id, revision).await?;
            refuse_unless_open(&before)?;
            if facts == before.facts {
                return Ok(before);
            }
            self.check_nonconformity_references(c, actor, &facts, Some(&before.facts))
                .await?;
            let nc = Nonconformity {
                facts: facts.clone(),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_nonconformity(actor.org, &nc).await?;
            c.record(
                AuditAction::NonconformityUpdated,
                id,
                json!({"reference": nc.reference(), "grade": facts.grade,
                       "grade_before": before.facts.grade,
                       "owner": facts.owner.map(|u| u.to_string()),
                       "owner_before": before.facts.owner.map(|u| u.to_string()),
                       "cause_category": facts.cause_category}),
            )
            .await?;
            if facts.owner != before.facts.owner {
                self.notify(
                    c,
                    actor,
                    facts.owner,
                    NotificationKind::Assigned,
                    &format!("You own {}: {}", nc.reference(), facts.title),
                    &link(id),
                )
                .await?;
            }
            Ok(nc)
        })
        .await
    }

    /// One nonconformity with its corrective actions.
    pub async fn nonconformity(
        &self,
        actor: &Actor,
        id: NonconformityId,
    ) -> Result<NonconformityRecord> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let nonconformity = tx
            .nonconformity(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("nonconformity"))?;
        let actions = tx
            .tasks_about(actor.org, &actions_source(id), MAX_ACTIONS)
            .await?;
        Ok(NonconformityRecord {
            nonconformity,
            actions,
        })
    }

    /// One page of the register (the longest open first), with the total; at most
    /// [`crate::MAX_PAGE`] to a page.
    pub async fn nonconformity_list(
        &self,
        actor: &Actor,
        filter: &NonconformityFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Nonconformity>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let query = NonconformityQuery {
            status: filter.status,
            found_by: filter
                .older_than_days
                .map(|d| self.now().plus_days(-i64::from(d))),
            owner: filter.owner,
            limit: limit.clamp(1, crate::MAX_PAGE),
            offset: offset.clamp(0, crate::MAX_OFFSET),
        };
        let mut tx = self.store.read().await?;
        Ok(tx.nonconformities(actor.org, &query).await?)
    }

    /// The register's figures now: open ones by grade and age, and overdue actions.
    pub async fn nonconformity_counts(&self, actor: &Actor) -> Result<NonconformityCounts> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        Ok(tx.nonconformity_counts(actor.org, self.now()).await?)
    }
}

/// Refuses a change to a nonconformity that is closed or withdrawn.
pub(crate) fn refuse_unless_open(nc: &Nonconformity) -> Result<()> {
    match nc.status {
        NonconformityStatus::Open => Ok(()),
        status => Err(AppError::Conflict(format!(
            "{} is {}: it can no longer change",
            nc.reference(),
            status.label().to_lowercase()
        ))),
    }
}
