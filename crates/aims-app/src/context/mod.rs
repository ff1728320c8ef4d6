//! The organisation's context and the scope of its management system (ISO/IEC 42001 4.1 to
//! 4.4): drafted by editors, sent for review, approved by a second person holding a role
//! that approves documents. A change to the approved context makes a new draft; the approved
//! version stays in force until the draft is approved.

use aims_domain::audit::AuditAction;
use aims_domain::context::{self, Context, ContextContent, ContextStatus, ContextVersion};
use aims_domain::document::DocumentDiff;
use aims_domain::inventory::AiSystem;
use aims_domain::{Actor, Permission, Role};
use aims_store::SystemQuery;
use serde::Deserialize;
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

mod lifecycle;

/// The page every notification about the context leads to.
pub const CONTEXT_LINK: &str = "/context";

/// Most out-of-scope systems the record lists by name; the rest are counted.
pub const LISTED_OUT_OF_SCOPE: i64 = 50;

/// What a person writes of the context: the content of its working draft.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct ContextInput {
    #[serde(flatten)]
    pub content: ContextContent,
    /// The record's revision the edit started from, so that an edit of a draft someone else
    /// saved meanwhile is refused rather than silently overwriting it.
    #[serde(default)]
    pub revision: Option<i64>,
}

/// The context with everything its page shows.
#[derive(Clone, Debug)]
pub struct ContextRecord {
    /// None until someone saves a first draft.
    pub context: Option<Context>,
    /// Newest first.
    pub versions: Vec<ContextVersion>,
    /// The roles that may approve (those that approve documents).
    pub approver_roles: Vec<Role>,
    /// How many systems of the inventory are in scope now, and how many are not.
    pub systems_in_scope: i64,
    pub systems_out_of_scope: i64,
    /// The first [`LISTED_OUT_OF_SCOPE`] systems out of scope, by name.
    pub out_of_scope: Vec<AiSystem>,
}

impl ContextRecord {
    /// The version in force, if one is approved.
    pub fn in_force(&self) -> Option<&ContextVersion> {
        let approved = self.context.as_ref()?.approved?;
        self.versions.iter().find(|v| v.version == approved)
    }

    /// The newest version when it is not the one in force: the draft or the one in review.
    pub fn working(&self) -> Option<&ContextVersion> {
        self.versions
            .first()
            .filter(|v| matches!(v.status, ContextStatus::Draft | ContextStatus::InReview))
    }
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict(message.into())
}

/// The newest of `versions` if it is `version`, else a conflict naming the newest.
fn latest_is(versions: &[ContextVersion], version: i64) -> Result<ContextVersion> {
    let latest = versions
        .first()
        .ok_or(AppError::NotFound("context version"))?;
    if latest.version != version {
        return Err(conflict(format!(
            "version {version} is not the latest: version {} is; reload the context",
            latest.version
        )));
    }
    Ok(latest.clone())
}

fn scope_query(in_scope: bool, limit: i64) -> SystemQuery {
    SystemQuery {
        in_scope: Some(in_scope),
        limit,
        ..Default::default()
    }
}

impl App {
    /// The context: its versions, who may approve, and the inventory's scope now (any member).
    pub async fn context(&self, actor: &Actor) -> Result<ContextRecord> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let context = tx.context(actor.org).await?;
        let versions = tx.context_versions(actor.org).await?;
        let (_, systems_in_scope) = tx.ai_systems(actor.org, &scope_query(true, 1)).await?;
        let (out_of_scope, systems_out_of_scope) = tx
            .ai_systems(actor.org, &scope_query(false, LISTED_OUT_OF_SCOPE))
            .await?;
        Ok(ContextRecord {
            context,
            versions,
            approver_roles: tx.document_approver_roles(actor.org).await?,
            systems_in_scope,
            systems_out_of_scope,
            out_of_scope,
        })
    }

    /// One version of the context (any member).
    pub async fn context_version(&self, actor: &Actor, version: i64) -> Result<ContextVersion> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.context_version(actor.org, version)
            .await?
            .ok_or(AppError::NotFound("context version"))
    }

    /// What changed from version `from` to version `to` of the context (any member).
    pub async fn compare_context_versions(
        &self,
        actor: &Actor,
        from: i64,
        to: i64,
    ) -> Result<DocumentDiff> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let mut find = async |v: i64| {
            tx.context_version(actor.org, v)
                .await?
                .ok_or(AppError::NotFound("context version"))
        };
        let (old, new) = (find(from).await?, find(to).await?);
        Ok(context::compare(
            (&old.content, &old.systems),
            (&new.content, &new.systems),
        ))
    }

    /// Saves the working draft of the context (owner, admin, editor): the first save starts
    /// the record; a save while a version is approved starts a new draft beside it, so that
    /// the approved version stays in force; a version in review must be returned to draft
    /// first. Saving what is already there changes nothing.
    pub async fn save_context(&self, actor: &Actor, input: ContextInput) -> Result<Context> {
        actor.require(Permission::EditContent)?;
        let content = input.content.validate()?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let draft = |version| ContextVersion {
                version,
                content: content.clone(),
                status: ContextStatus::Draft,
                author: actor.user(),
                author_label: actor.label.clone(),
                saved_at: now,
                submitted: None,
                approval: None,
                systems: Vec::new(),
                sha256: None,
            };
            let Some(mut record) = c.context(actor.org).await? else {
                if let Some(revision) = input.revision.filter(|r| *r != 0) {
                    return Err(conflict(format!(
                        "the context was removed or never saved (your edit started from \
                         revision {revision}); reload it"
                    )));
                }
                let record = Context {
                    latest: 1,
                    latest_status: ContextStatus::Draft,
                    approved: None,
                    created_at: now,
                    updated_at: now,
                    revision: 1,
                };
                c.insert_context(actor.org, &record, &draft(1)).await?;
                c.record(
                    AuditAction::ContextSaved,
                    actor.org,
                    json!({"version": 1, "new_version": true}),
                )
                .await?;
                return Ok(record);
            };
            if let Some(revision) = input.revision
                && revision != record.revision
            {
                return Err(conflict(format!(
                    "someone changed the context meanwhile (revision {} now, your edit started \
                     from {revision}); reload it and apply your change again",
                    record.revision
                )));
            }
            let versions = c.context_versions(actor.org).await?;
            let latest = latest_is(&versions, record.latest)?;
            if latest.content == content {
                return Ok(record);
            }
            let saved = match latest.status {
                ContextStatus::Draft => ContextVersion {
                    saved_at: now,
                    ..draft(latest.version)
                },
                ContextStatus::InReview => {
                    return Err(conflict(format!(
                        "version {} is in review: return it to draft before changing it",
                        latest.version
                    )));
                }
                ContextStatus::Approved | ContextStatus::Superseded => draft(latest.version + 1),
            };
            let new_version = saved.version != latest.version;
            if new_version {
                c.insert_context_version(actor.org, &saved).await?;
            } else {
                c.save_context_version(actor.org, &saved).await?;
            }
            record.latest = saved.version;
            record.latest_status = ContextStatus::Draft;
            record.updated_at = now;
            record.revision += 1;
            c.save_context(actor.org, &record).await?;
            c.record(
                AuditAction::ContextSaved,
                actor.org,
                json!({"version": saved.version, "new_version": new_version}),
            )
            .await?;
            Ok(record)
        })
        .await
    }
}
