//! The organisation itself: its settings, and the organisations a person belongs to.

use aims_domain::account::{OrgMembership, Organisation};
use aims_domain::audit::AuditAction;
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
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let before = c.org(actor.org).await?;
            c.rename_org(actor.org, &name, now).await?;
            let change = json!({"name": {"from": before.name, "to": name}});
            c.record(AuditAction::OrganisationRenamed, actor.org, change)
                .await?;
            let after = c.org(actor.org).await?;
            Ok(after)
        })
        .await
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
