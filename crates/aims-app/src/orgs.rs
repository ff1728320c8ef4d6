//! The organisation itself: its settings, and the organisations a person belongs to.

use aims_domain::account::{OrgMembership, Organisation};
use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::{Actor, Permission, account};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

impl App {
    /// The actor's organisation.
    pub async fn organisation(&self, actor: &Actor) -> Result<Organisation> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.org(actor.org).await?)
    }

    /// Renames the actor's organisation.
    pub async fn rename_org(&self, actor: &Actor, name: &str) -> Result<Organisation> {
        actor.require(Permission::ManageOrganisation)?;
        let name = account::org_name(name)?;
        let (mut tx, now) = self.begin(actor.org).await?;
        let before = tx.org(actor.org).await?;
        tx.rename_org(actor.org, &name, now).await?;
        let change = json!({"name": {"from": before.name, "to": name}});
        tx.append_audit(
            actor.org,
            NewAuditEvent::new(actor, AuditAction::OrganisationRenamed, actor.org, change),
            now,
        )
        .await?;
        let after = tx.org(actor.org).await?;
        tx.commit().await?;
        Ok(after)
    }

    /// The organisations the person behind `actor` belongs to; a token sees only its own.
    pub async fn my_orgs(&self, actor: &Actor) -> Result<Vec<OrgMembership>> {
        actor.require(Permission::ReadOrganisation)?;
        let user = actor.user().ok_or(AppError::NotFound("account"))?;
        let orgs = self.store.read().await?.orgs_of(user).await?;
        Ok(match actor.kind {
            aims_domain::ActorKind::Token { .. } => {
                orgs.into_iter().filter(|m| m.org == actor.org).collect()
            }
            _ => orgs,
        })
    }
}
