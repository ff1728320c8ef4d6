//! AI objectives (ISO/IEC 42001 6.2): each carries out a commitment of the AI policy, is
//! measured by a metric or a stated measure, and has an owner and a deadline.

use aims_domain::audit::AuditAction;
use aims_domain::measurement::{Objective, ObjectiveFacts};
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, ObjectiveId, Permission, ValidationError};
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

impl App {
    /// Checks what an objective refers to: its policy document, metric and owner.
    async fn check_objective_references(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: &ObjectiveFacts,
        before: Option<&ObjectiveFacts>,
    ) -> Result<()> {
        if let Some(policy) = facts.policy
            && before.and_then(|b| b.policy) != Some(policy)
            && c.document(actor.org, policy).await?.is_none()
        {
            return Err(ValidationError::new(
                "policy",
                format!("no document {policy} in this organisation"),
            )
            .into());
        }
        if let Some(metric) = facts.metric
            && before.and_then(|b| b.metric) != Some(metric)
            && c.metric(actor.org, metric).await?.is_none()
        {
            return Err(ValidationError::new(
                "metric",
                format!("no metric {metric} in this organisation"),
            )
            .into());
        }
        crate::members::require_new_members(
            c,
            actor.org,
            [("owner", facts.owner, before.and_then(|b| b.owner))],
        )
        .await
    }

    /// The organisation's objectives, the nearest deadline first.
    pub async fn objectives(&self, actor: &Actor) -> Result<Vec<Objective>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.objectives(actor.org, None).await?)
    }

    /// The objectives a metric measures.
    pub async fn objectives_of_metric(
        &self,
        actor: &Actor,
        metric: aims_domain::MetricId,
    ) -> Result<Vec<Objective>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self
            .store
            .read()
            .await?
            .objectives(actor.org, Some(metric))
            .await?)
    }

    /// One objective.
    pub async fn objective(&self, actor: &Actor, id: ObjectiveId) -> Result<Objective> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .objective(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("objective"))
    }

    /// Sets an objective (owner, admin, editor); its owner is told.
    pub async fn create_objective(
        &self,
        actor: &Actor,
        facts: ObjectiveFacts,
    ) -> Result<Objective> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            self.check_objective_references(c, actor, &facts, None)
                .await?;
            let objective = Objective {
                id: ObjectiveId::new(),
                facts: facts.clone(),
                created_at: c.now,
                updated_at: c.now,
                revision: 1,
            };
            c.insert_objective(actor.org, &objective).await?;
            c.record(
                AuditAction::ObjectiveCreated,
                objective.id,
                json!({"statement": facts.statement, "status": facts.status,
                       "owner": facts.owner.map(|u| u.to_string()),
                       "deadline": facts.deadline.map(|d| d.to_string())}),
            )
            .await?;
            self.notify(
                c,
                actor,
                facts.owner,
                NotificationKind::Assigned,
                &format!("Objective: {}", facts.statement),
                &format!("/objectives/{}", objective.id),
            )
            .await?;
            Ok(objective)
        })
        .await
    }

    /// Changes an objective from `revision` (owner, admin, editor); a new owner is told.
    pub async fn update_objective(
        &self,
        actor: &Actor,
        id: ObjectiveId,
        revision: i64,
        facts: ObjectiveFacts,
    ) -> Result<Objective> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = c
                .objective(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("objective"))?;
            if revision != before.revision {
                return Err(AppError::Conflict(format!(
                    "the objective changed meanwhile (revision {} now); reload it",
                    before.revision
                )));
            }
            if facts == before.facts {
                return Ok(before);
            }
            self.check_objective_references(c, actor, &facts, Some(&before.facts))
                .await?;
            let objective = Objective {
                facts: facts.clone(),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_objective(actor.org, &objective).await?;
            c.record(
                AuditAction::ObjectiveUpdated,
                id,
                json!({"status": facts.status, "status_before": before.facts.status,
                       "owner": facts.owner.map(|u| u.to_string()),
                       "owner_before": before.facts.owner.map(|u| u.to_string()),
                       "deadline": facts.deadline.map(|d| d.to_string()),
                       "deadline_before": before.facts.deadline.map(|d| d.to_string())}),
            )
            .await?;
            if facts.owner != before.facts.owner {
                self.notify(
                    c,
                    actor,
                    facts.owner,
                    NotificationKind::Assigned,
                    &format!("Objective: {}", facts.statement),
                    &format!("/objectives/{id}"),
                )
                .await?;
            }
            Ok(objective)
        })
        .await
    }

    /// Deletes an objective (owner, admin, editor).
    pub async fn delete_objective(&self, actor: &Actor, id: ObjectiveId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let objective = c
                .objective(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("objective"))?;
            c.delete_objective(actor.org, id).await?;
            c.record(
                AuditAction::ObjectiveDeleted,
                id,
                json!({"statement": objective.facts.statement}),
            )
            .await?;
            Ok(())
        })
        .await
    }
}
