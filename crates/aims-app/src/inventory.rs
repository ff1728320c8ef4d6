//! The AI system inventory: listing, reading, recording and changing systems and their
//! components. Reading is open to every member; changes need `EditContent`.

use aims_domain::audit::AuditAction;
use aims_domain::inventory::{AiSystem, Component, ComponentFacts, ComponentKind, SystemFacts};
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, AiSystemId, ComponentId, Permission, UserId, ValidationError};
use aims_store::{ClassificationRecord, StoreError, SystemQuery, SystemSort};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result, not_found};
use crate::members::require_new_members;

/// Most systems on one page of the inventory.
pub const MAX_PAGE: i64 = 200;
/// Lists count their matches up to this many; past it they say "more than".
pub const COUNT_CAP: i64 = 10_000;
/// Deepest a list can be paged: past it, filters find rows faster than paging does.
pub const MAX_OFFSET: i64 = 1_000_000;

/// What the inventory list is asked for, as it arrives from a form or a query string.
#[derive(Clone, Debug, Default)]
pub struct SystemFilter {
    pub q: Option<String>,
    pub lifecycle_stage: Option<String>,
    pub status: Option<String>,
    pub role: Option<String>,
    pub tag: Option<String>,
    pub class: Option<String>,
    pub needs_review: Option<bool>,
    /// Only high-risk systems without an approved, current impact assessment (`true`), or
    /// only the others (`false`).
    pub missing_assessment: Option<bool>,
    pub owner: Option<String>,
    /// Only systems inside (`true`) or outside (`false`) the management system's scope.
    pub in_scope: Option<bool>,
    /// `name`, `updated`, `lifecycle_stage` or `class`; a leading `-` sorts descending.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of the inventory.
#[derive(Clone, Debug)]
pub struct SystemPage {
    pub systems: Vec<AiSystem>,
    /// How many systems match the filter in all, counted up to [`COUNT_CAP`] + 1.
    pub total: i64,
    /// More match than [`COUNT_CAP`]; `total` is a lower bound.
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
}

/// A system with everything linked to it, for its page.
#[derive(Clone, Debug)]
pub struct SystemOverview {
    pub system: AiSystem,
    pub components: Vec<Component>,
    /// Every recorded classification, newest first.
    pub classifications: Vec<ClassificationRecord>,
    /// Its impact assessments, newest first.
    pub assessments: Vec<aims_domain::impact::ImpactAssessment>,
    /// The evidence that names the system itself, newest first.
    pub evidence: Vec<aims_domain::evidence::Evidence>,
    /// Its latest red-team runs, newest first.
    pub redteam_runs: Vec<aims_domain::redteam::RedTeamRun>,
}

/// A list's offset: 0 to [`MAX_OFFSET`], 0 when absent.
pub(crate) fn checked_offset(offset: Option<i64>) -> Result<i64, ValidationError> {
    let offset = offset.unwrap_or(0);
    if !(0..=MAX_OFFSET).contains(&offset) {
        return Err(ValidationError::new(
            "offset",
            format!("must be 0 to {MAX_OFFSET}; use filters to reach rows further down"),
        ));
    }
    Ok(offset)
}

fn blank_to_none(value: &Option<String>) -> Option<&str> {
    value.as_deref().map(str::trim).filter(|v| !v.is_empty())
}

impl SystemFilter {
    /// Checks every filter into a store query, naming the first one that is wrong.
    fn to_query(&self, now: aims_domain::Timestamp) -> Result<SystemQuery, ValidationError> {
        use aims_domain::inventory::{AiRole, LifecycleStage, SystemStatus};
        let (descending, sort) = match blank_to_none(&self.sort) {
            Some(s) => match s.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, s),
            },
            None => (false, "name"),
        };
        let sort = match sort {
            "name" => SystemSort::Name,
            "updated" => SystemSort::Updated,
            "lifecycle_stage" => SystemSort::LifecycleStage,
            "class" => SystemSort::Class,
            _ => {
                return Err(ValidationError::new(
                    "sort",
                    "must be name, updated, lifecycle_stage or class, with an optional leading -",
                ));
            }
        };
        let class = match blank_to_none(&self.class) {
            None => None,
            Some(
                c @ ("prohibited" | "high_risk" | "transparency" | "minimal" | "unclassified"),
            ) => Some(c.to_owned()),
            Some(_) => {
                return Err(ValidationError::new(
                    "class",
                    "must be prohibited, high_risk, transparency, minimal or unclassified",
                ));
            }
        };
        let limit = self.limit.unwrap_or(50);
        if !(1..=MAX_PAGE).contains(&limit) {
            return Err(ValidationError::new(
                "limit",
                format!("must be between 1 and {MAX_PAGE}"),
            ));
        }
        let offset = checked_offset(self.offset)?;
        let text = blank_to_none(&self.q).map(str::to_owned);
        if self.q.as_ref().is_some_and(|t| t.chars().count() > 200) {
            return Err(ValidationError::new("q", "must be at most 200 characters"));
        }
        Ok(SystemQuery {
            text,
            lifecycle_stage: blank_to_none(&self.lifecycle_stage)
                .map(|s| s.parse::<LifecycleStage>().map(|s| s.as_str().to_owned()))
                .transpose()?,
            status: blank_to_none(&self.status)
                .map(|s| s.parse::<SystemStatus>().map(|s| s.as_str().to_owned()))
                .transpose()?,
            role: blank_to_none(&self.role)
                .map(|s| s.parse::<AiRole>().map(|s| s.as_str().to_owned()))
                .transpose()?,
            tag: blank_to_none(&self.tag).map(str::to_lowercase),
            class,
            needs_review: self.needs_review,
            missing_assessment: self.missing_assessment.map(|missing| (missing, now)),
            count_cap: Some(COUNT_CAP),
            owner: blank_to_none(&self.owner)
                .map(|o| {
                    o.parse::<UserId>()
                        .map_err(|_| ValidationError::new("owner", "must be a member's id"))
                })
                .transpose()?,
            in_scope: self.in_scope,
            sort,
            descending,
            limit,
            offset,
        })
    }
}

/// A system name already taken answers with the name, not a constraint's.
fn name_taken(name: &str) -> impl Fn(StoreError) -> AppError + '_ {
    move |err| match err {
        StoreError::Conflict(_) => {
            AppError::Conflict(format!("an AI system named {name:?} exists already"))
        }
        other => other.into(),
    }
}

impl App {
    /// A filtered, sorted page of the inventory.
    pub async fn ai_systems(&self, actor: &Actor, filter: &SystemFilter) -> Result<SystemPage> {
        actor.require(Permission::ReadOrganisation)?;
        let query = filter.to_query(self.now())?;
        let (systems, total) = self
            .store
            .read()
            .await?
            .ai_systems(actor.org, &query)
            .await?;
        Ok(SystemPage {
            systems,
            total_capped: total > COUNT_CAP,
            total,
            limit: query.limit,
            offset: query.offset,
        })
    }

    /// One system of the actor's organisation.
    pub async fn ai_system(&self, actor: &Actor, id: AiSystemId) -> Result<AiSystem> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .ai_system(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("AI system"))
    }

    /// A system with its components and classifications, read in one transaction.
    pub async fn system_overview(&self, actor: &Actor, id: AiSystemId) -> Result<SystemOverview> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let system = tx
            .ai_system(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        Ok(SystemOverview {
            components: tx.components(actor.org, id).await?,
            classifications: tx.classifications(actor.org, id).await?,
            assessments: tx.impact_assessments(actor.org, id).await?,
            evidence: tx
                .evidence_for(
                    actor.org,
                    &aims_domain::evidence::Target {
                        kind: aims_domain::evidence::TargetKind::System,
                        id: id.to_string(),
                    },
                )
                .await?,
            redteam_runs: tx.redteam_runs(actor.org, id, 20).await?,
            system,
        })
    }

    /// Records a new AI system.
    pub async fn create_ai_system(&self, actor: &Actor, facts: SystemFacts) -> Result<AiSystem> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let system = AiSystem {
            id: AiSystemId::new(),
            facts,
            owner_name: None,
            classification: None,
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        let owner = system.facts.owner;
        require_new_members(c, actor.org, [("owner", owner, None)]).await?;
        c.insert_ai_system(actor.org, &system)
            .await
            .map_err(name_taken(&system.facts.name))?;
        let change = json!({"name": system.facts.name, "lifecycle_stage": system.facts.lifecycle_stage, "status": system.facts.status});
        c.record(AuditAction::AiSystemCreated, system.id, change).await?;
        self.notify(
            c,
            actor,
            system.facts.owner,
            NotificationKind::Assigned,
            &format!("You own the AI system {}", system.facts.name),
            &format!("/systems/{}", system.id),
        )
        .await?;
        let stored = c.ai_system(actor.org, system.id).await?;
        stored.ok_or(AppError::NotFound("AI system"))
        })
        .await
    }

    /// Replaces a system's facts, if nobody changed it since `revision`. A change to a fact
    /// the EU AI Act classification rests on marks the classification for review.
    pub async fn update_ai_system(
        &self,
        actor: &Actor,
        id: AiSystemId,
        revision: i64,
        facts: SystemFacts,
    ) -> Result<AiSystem> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let before = c
            .ai_system(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        if before.revision != revision {
            return Err(AppError::Conflict(format!(
                "the AI system was changed by someone else (now at revision {}); reload it and apply your change again",
                before.revision
            )));
        }
        let changed = before.facts.changed_fields(&facts);
        if changed.is_empty() {
            return Ok(before);
        }
        let owners = [("owner", facts.owner, before.facts.owner)];
        require_new_members(c, actor.org, owners).await?;
        let review = before.facts.changes_classification_facts(&facts);
        let after = AiSystem {
            facts,
            updated_at: now,
            revision: revision + 1,
            ..before.clone()
        };
        c.update_ai_system(actor.org, &after, revision, review)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(what) if what == "revision" => {
                    AppError::Conflict("the AI system was changed by someone else".into())
                }
                other => name_taken(&after.facts.name)(other),
            })?;
        let marks_review = review && before.classification.is_some();
        c.record(AuditAction::AiSystemUpdated, id, json!({"fields": changed, "classification_needs_review": marks_review})).await?;
        if after.facts.owner != before.facts.owner {
            self.notify(
                c,
                actor,
                after.facts.owner,
                NotificationKind::Assigned,
                &format!("You own the AI system {}", after.facts.name),
                &format!("/systems/{id}"),
            )
            .await?;
        }
        let after = c.ai_system(actor.org, id).await?;
        after.ok_or(AppError::NotFound("AI system"))
        })
        .await
    }

    /// Removes a system with its components and classification history.
    pub async fn delete_ai_system(&self, actor: &Actor, id: AiSystemId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let system = c
                .ai_system(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("AI system"))?;
            c.delete_ai_system(actor.org, id)
                .await
                .map_err(not_found("AI system"))?;
            c.record(
                AuditAction::AiSystemDeleted,
                id,
                json!({"name": system.facts.name}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Adds a component to a system.
    pub async fn add_component(
        &self,
        actor: &Actor,
        system: AiSystemId,
        kind: ComponentKind,
        facts: ComponentFacts,
    ) -> Result<Component> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let component = Component {
            id: ComponentId::new(),
            system,
            kind,
            facts,
            created_at: now,
            updated_at: now,
        };
        c.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let present = c.components(actor.org, system).await?.len();
        if present >= crate::bom::MAX_COMPONENTS_PER_SYSTEM {
            return Err(crate::bom::too_many("kind", present + 1));
        }
        c.insert_component(actor.org, &component).await?;
        let change = json!({"system": system.to_string(), "kind": kind, "name": component.facts.name, "version": component.facts.version});
        c.record(AuditAction::ComponentAdded, component.id, change).await?;
        Ok(component)
        })
        .await
    }

    /// Replaces a component's facts.
    pub async fn update_component(
        &self,
        actor: &Actor,
        id: ComponentId,
        facts: ComponentFacts,
    ) -> Result<Component> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let before = c
                .component(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("component"))?;
            let after = Component {
                facts,
                updated_at: now,
                ..before
            };
            c.update_component(actor.org, &after).await?;
            let change = json!({"system": after.system.to_string(), "name": after.facts.name});
            c.record(AuditAction::ComponentUpdated, id, change).await?;
            Ok(after)
        })
        .await
    }

    /// Removes a component.
    pub async fn remove_component(&self, actor: &Actor, id: ComponentId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
        let before = c
            .component(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("component"))?;
        c.delete_component(actor.org, id).await?;
        let change = json!({"system": before.system.to_string(), "kind": before.kind, "name": before.facts.name});
        c.record(AuditAction::ComponentRemoved, id, change).await?;
        Ok(())
        })
        .await
    }
}
