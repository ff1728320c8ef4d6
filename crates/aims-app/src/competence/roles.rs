//! Use cases of the roles of the management system: editors define them and name their
//! holders; everyone in the organisation reads them. A person given a role is told.

use aims_domain::audit::AuditAction;
use aims_domain::competence::{AimsRole, AimsRoleFacts};
use aims_domain::id::AimsRoleId;
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, Permission, UserId, ValidationError};
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

fn ids(list: &[UserId]) -> Vec<String> {
    list.iter().map(|u| u.to_string()).collect()
}

impl App {
    /// Checks what a role names against the organisation, under the change's lock: a name
    /// no other role has, holders who are members (those already holding it may stay), and
    /// clauses and controls of a known framework.
    async fn check_role(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: &AimsRoleFacts,
        before: Option<&AimsRole>,
    ) -> Result<()> {
        let lower = facts.name.to_lowercase();
        let taken =
            c.aims_roles(actor.org).await?.into_iter().any(|r| {
                Some(r.id) != before.map(|b| b.id) && r.facts.name.to_lowercase() == lower
            });
        if taken {
            return Err(ValidationError::new(
                "name",
                format!("a role named {:?} exists already", facts.name),
            )
            .into());
        }
        let held = before.map(|b| b.facts.holders.clone()).unwrap_or_default();
        // Collected first: an iterator borrowing `held` across the await would keep the
        // future from being `Send`.
        let new_holders: Vec<_> = facts
            .holders
            .iter()
            .filter(|h| !held.contains(h))
            .map(|h| ("holders", Some(*h), None))
            .collect();
        crate::members::require_new_members(c, actor.org, new_holders).await?;
        let library = self.library(actor).await?;
        for reference in &facts.references {
            let known = reference.split_once(':').is_some_and(|(framework, item)| {
                library
                    .catalogue(framework)
                    .is_some_and(|c| c.item(item).is_some())
            });
            if !known {
                return Err(ValidationError::new(
                    "references",
                    format!("{reference:?} is no clause or control of a framework in aims"),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Defines a role (owner, admin, editor); its holders are told.
    pub async fn create_aims_role(&self, actor: &Actor, facts: AimsRoleFacts) -> Result<AimsRole> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            self.check_role(c, actor, &facts, None).await?;
            let role = AimsRole {
                id: AimsRoleId::new(),
                facts: facts.clone(),
                created_by: actor.label.clone(),
                created_at: c.now,
                updated_at: c.now,
                revision: 1,
            };
            c.insert_aims_role(actor.org, &role).await?;
            c.record(
                AuditAction::AimsRoleCreated,
                role.id,
                json!({"name": role.facts.name, "holders": ids(&role.facts.holders),
                       "competences": role.facts.competences}),
            )
            .await?;
            let link = format!("/roles/{}", role.id);
            self.notify(
                c,
                actor,
                role.facts.holders.clone(),
                NotificationKind::RoleGiven,
                &role.facts.name,
                &link,
            )
            .await?;
            Ok(role)
        })
        .await
    }

    /// Changes a role from `revision` (owner, admin, editor); 409 when someone changed it
    /// meanwhile. People newly given it are told.
    pub async fn update_aims_role(
        &self,
        actor: &Actor,
        id: AimsRoleId,
        revision: i64,
        facts: AimsRoleFacts,
    ) -> Result<AimsRole> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = c
                .aims_role(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("role"))?;
            if revision != before.revision {
                return Err(AppError::Conflict(format!(
                    "the role changed meanwhile (revision {} now); reload it",
                    before.revision
                )));
            }
            if facts == before.facts {
                return Ok(before);
            }
            self.check_role(c, actor, &facts, Some(&before)).await?;
            let role = AimsRole {
                facts: facts.clone(),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_aims_role(actor.org, &role).await?;
            let added: Vec<UserId> = role
                .facts
                .holders
                .iter()
                .copied()
                .filter(|h| !before.facts.holders.contains(h))
                .collect();
            let removed: Vec<UserId> = before
                .facts
                .holders
                .iter()
                .copied()
                .filter(|h| !role.facts.holders.contains(h))
                .collect();
            c.record(
                AuditAction::AimsRoleUpdated,
                id,
                json!({"name": role.facts.name, "name_before": before.facts.name,
                       "holders_added": ids(&added), "holders_removed": ids(&removed),
                       "competences": role.facts.competences}),
            )
            .await?;
            let link = format!("/roles/{id}");
            self.notify(
                c,
                actor,
                added,
                NotificationKind::RoleGiven,
                &role.facts.name,
                &link,
            )
            .await?;
            Ok(role)
        })
        .await
    }

    /// Removes a role (owner, admin, editor); the training records of its holders stay.
    pub async fn delete_aims_role(&self, actor: &Actor, id: AimsRoleId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let role = c
                .aims_role(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("role"))?;
            c.delete_aims_role(actor.org, id).await?;
            c.record(
                AuditAction::AimsRoleDeleted,
                id,
                json!({"name": role.facts.name, "holders": ids(&role.facts.holders)}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// One role with its holders.
    pub async fn aims_role(&self, actor: &Actor, id: AimsRoleId) -> Result<AimsRole> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .aims_role(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("role"))
    }

    /// Every role of the organisation by name.
    pub async fn aims_roles(&self, actor: &Actor) -> Result<Vec<AimsRole>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.aims_roles(actor.org).await?)
    }
}
