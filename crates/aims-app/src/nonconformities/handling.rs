//! What is done about a nonconformity: corrective actions given to people, the verification
//! that they worked (by someone other than the owner, with evidence), and withdrawal of one
//! raised in error.

use aims_domain::audit::AuditAction;
use aims_domain::document::other_than_author;
use aims_domain::improvement::{
    Nonconformity, NonconformityStatus, Verification, VerificationInput,
};
use aims_domain::work::{NotificationKind, Task, TaskFacts};
use aims_domain::{Actor, NonconformityId, Permission, ValidationError};
use serde_json::json;

use super::{MAX_ACTIONS, actions_source, link, refuse_unless_open};
use crate::App;
use crate::error::{AppError, Result};

/// Why the owner may not verify their own nonconformity's actions.
pub const OWNER_MAY_NOT_VERIFY: &str = "the owner of a nonconformity may not verify its \
                                        corrective actions: someone else must";

impl App {
    /// Gives a corrective action of an open nonconformity to a person, as a task about it
    /// (owner, admin, editor); the assignee is told.
    pub async fn add_corrective_action(
        &self,
        actor: &Actor,
        id: NonconformityId,
        mut facts: TaskFacts,
    ) -> Result<Task> {
        actor.require(Permission::EditContent)?;
        facts.source = Some(actions_source(id));
        facts.status = None;
        let facts = facts.validate()?;
        if facts.assignee.is_none() {
            return Err(ValidationError::new("assignee", "choose who does it").into());
        }
        if facts.due.is_none() {
            return Err(ValidationError::new("due", "give the day it is due by").into());
        }
        self.change(actor.org, actor, async |c| {
            let nc = c
                .nonconformity(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("nonconformity"))?;
            refuse_unless_open(&nc)?;
            self.insert_new_task(c, actor, facts.clone()).await
        })
        .await
    }

    /// Records the verification of an open nonconformity's corrective actions, once every
    /// action is done (owner, admin, editor; not the nonconformity's owner). Actions found to
    /// work close it; otherwise it is reopened for new actions and its owner told.
    pub async fn verify_nonconformity(
        &self,
        actor: &Actor,
        id: NonconformityId,
        revision: i64,
        input: VerificationInput,
    ) -> Result<Nonconformity> {
        actor.require(Permission::EditContent)?;
        let input = input.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = Self::nonconformity_at(c, actor, id, revision).await?;
            refuse_unless_open(&before)?;
            if !other_than_author(before.facts.owner, actor.user()) {
                return Err(AppError::Conflict(OWNER_MAY_NOT_VERIFY.into()));
            }
            let actions = c
                .tasks_about(actor.org, &actions_source(id), MAX_ACTIONS)
                .await?;
            let open = actions.iter().filter(|t| t.facts.status().is_open()).count();
            if actions.is_empty() || open > 0 {
                return Err(AppError::Conflict(format!(
                    "{} has {open} corrective action(s) still open of {}: verify once every \
                     action is done",
                    before.reference(),
                    actions.len()
                )));
            }
            for evidence in &input.evidence {
                if c.evidence(actor.org, *evidence).await?.is_none() {
                    return Err(ValidationError::new(
                        "evidence",
                        format!("no evidence {evidence} in this organisation"),
                    )
                    .into());
                }
            }
            let verification = Verification {
                by: actor.user(),
                by_label: actor.label.clone(),
                at: c.now,
                effective: input.effective,
                note: input.note.clone(),
                evidence: input.evidence.clone(),
            };
            let mut nc = Nonconformity {
                verification: Some(verification),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            let details = json!({"reference": nc.reference(), "effective": input.effective,
                                 "note": input.note,
                                 "evidence": input.evidence.iter().map(ToString::to_string).collect::<Vec<_>>()});
            if input.effective {
                nc.status = NonconformityStatus::Closed;
                nc.closed_at = Some(c.now);
                c.save_nonconformity(actor.org, &nc).await?;
                c.record(AuditAction::NonconformityClosed, id, details)
                    .await?;
            } else {
                nc.reopened += 1;
                c.save_nonconformity(actor.org, &nc).await?;
                c.record(AuditAction::NonconformityReopened, id, details)
                    .await?;
                self.notify(
                    c,
                    actor,
                    nc.facts.owner,
                    NotificationKind::Assigned,
                    &format!(
                        "{}: the corrective actions did not work; plan new ones",
                        nc.reference()
                    ),
                    &link(id),
                )
                .await?;
            }
            Ok(nc)
        })
        .await
    }

    /// Withdraws an open nonconformity raised in error or twice, with the reason (owner,
    /// admin, editor). Its number stays taken and its record stays.
    pub async fn withdraw_nonconformity(
        &self,
        actor: &Actor,
        id: NonconformityId,
        revision: i64,
        reason: &str,
    ) -> Result<Nonconformity> {
        actor.require(Permission::EditContent)?;
        let reason = aims_domain::validation::bounded_text("reason", reason, 1, 2_000)?;
        self.change(actor.org, actor, async |c| {
            let before = Self::nonconformity_at(c, actor, id, revision).await?;
            refuse_unless_open(&before)?;
            let nc = Nonconformity {
                status: NonconformityStatus::Withdrawn,
                withdrawn_reason: reason.clone(),
                closed_at: Some(c.now),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before
            };
            c.save_nonconformity(actor.org, &nc).await?;
            c.record(
                AuditAction::NonconformityWithdrawn,
                id,
                json!({"reference": nc.reference(), "reason": reason}),
            )
            .await?;
            Ok(nc)
        })
        .await
    }
}
