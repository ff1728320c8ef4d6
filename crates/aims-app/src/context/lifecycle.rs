//! The lifecycle of a context version after it is written: review, approval by another
//! person holding a role that approves documents, and return to draft.

use aims_domain::audit::AuditAction;
use aims_domain::context::{self, Context, ContextStatus, ScopedSystem};
use aims_domain::document::{self, DocumentApproval};
use aims_domain::validation::long_text;
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, Permission};
use aims_store::SystemQuery;
use serde_json::json;

use super::{CONTEXT_LINK, conflict, latest_is};
use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

/// Systems read per query when an approval records the scope.
const SYSTEMS_PER_READ: i64 = 1_000;

/// Reads the context record and its versions under the change's lock.
async fn record_in(
    c: &mut Change,
    actor: &Actor,
) -> Result<(Context, Vec<aims_domain::context::ContextVersion>)> {
    let record = c
        .context(actor.org)
        .await?
        .ok_or(AppError::NotFound("context"))?;
    let versions = c.context_versions(actor.org).await?;
    Ok((record, versions))
}

/// Every system in scope now, by name: what an approved version says it covered.
async fn systems_in_scope(c: &mut Change, actor: &Actor) -> Result<Vec<ScopedSystem>> {
    let mut out = Vec::new();
    loop {
        let query = SystemQuery {
            in_scope: Some(true),
            limit: SYSTEMS_PER_READ,
            offset: out.len() as i64,
            ..Default::default()
        };
        let (page, _) = c.ai_systems(actor.org, &query).await?;
        let done = (page.len() as i64) < SYSTEMS_PER_READ;
        out.extend(page.into_iter().map(|s| ScopedSystem {
            id: s.id,
            name: s.facts.name,
        }));
        if done {
            return Ok(out);
        }
    }
}

impl App {
    /// Sends the draft `version` for review (owner, admin, editor), once it says what review
    /// needs (a scope, issues, parties, roles, and a position on climate change); the members
    /// who may approve it are told.
    pub async fn submit_context(&self, actor: &Actor, version: i64) -> Result<Context> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let (mut record, versions) = record_in(c, actor).await?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != ContextStatus::Draft {
                return Err(conflict(format!(
                    "version {version} is {}: only a draft can be sent for review",
                    latest.status.label().to_lowercase()
                )));
            }
            latest.content.ready_for_review()?;
            latest.status = ContextStatus::InReview;
            latest.submitted = Some((actor.label.clone(), c.now));
            c.save_context_version(actor.org, &latest).await?;
            record.latest_status = ContextStatus::InReview;
            record.updated_at = c.now;
            record.revision += 1;
            c.save_context(actor.org, &record).await?;
            c.record(
                AuditAction::ContextSubmitted,
                actor.org,
                json!({"version": version}),
            )
            .await?;
            let roles = c.document_approver_roles(actor.org).await?;
            let approvers = Self::members_in_roles(c, actor, &roles).await?;
            let others = approvers.into_iter().filter(|u| Some(*u) != latest.author);
            self.notify(
                c,
                actor,
                others,
                NotificationKind::ApprovalWaiting,
                &format!("Context and scope version {version}"),
                CONTEXT_LINK,
            )
            .await?;
            Ok(record)
        })
        .await
    }

    /// Sends a version in review back to draft with a comment (editors, and approvers).
    pub async fn return_context(
        &self,
        actor: &Actor,
        version: i64,
        comment: &str,
    ) -> Result<Context> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            if actor.require(Permission::EditContent).is_err() {
                Self::require_approver(c, actor).await?;
            }
            let comment = long_text("comment", comment, 2_000)?;
            let (mut record, versions) = record_in(c, actor).await?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != ContextStatus::InReview {
                return Err(conflict(format!("version {version} is not in review")));
            }
            latest.status = ContextStatus::Draft;
            latest.submitted = None;
            c.save_context_version(actor.org, &latest).await?;
            record.latest_status = ContextStatus::Draft;
            record.updated_at = c.now;
            record.revision += 1;
            c.save_context(actor.org, &record).await?;
            c.record(
                AuditAction::ContextReturned,
                actor.org,
                json!({"version": version, "comment": comment}),
            )
            .await?;
            self.notify(
                c,
                actor,
                latest.author,
                NotificationKind::Returned,
                &format!("Context and scope version {version}"),
                CONTEXT_LINK,
            )
            .await?;
            Ok(record)
        })
        .await
    }

    /// Approves `version`, which is in review, as someone other than its last author holding
    /// a role that approves documents: the version records the systems in scope now, is
    /// fingerprinted and comes into force, and the one before it is superseded.
    pub async fn approve_context(
        &self,
        actor: &Actor,
        version: i64,
        comment: &str,
    ) -> Result<Context> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            Self::require_approver(c, actor).await?;
            let comment = long_text("comment", comment, 2_000)?;
            let (mut record, versions) = record_in(c, actor).await?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != ContextStatus::InReview {
                return Err(conflict(format!(
                    "version {version} is {}: send it for review before approving it",
                    latest.status.label().to_lowercase()
                )));
            }
            if !document::other_than_author(latest.author, actor.user()) {
                return Err(conflict(document::FOUR_EYES));
            }
            // Checked again: the rules for review may have tightened since it was sent.
            latest.content.ready_for_review()?;
            let now = c.now;
            if let Some(before) = versions.iter().find(|v| Some(v.version) == record.approved) {
                let mut before = before.clone();
                before.status = ContextStatus::Superseded;
                c.save_context_version(actor.org, &before).await?;
            }
            latest.systems = systems_in_scope(c, actor).await?;
            let sha256 = context::fingerprint(actor.org, version, &latest.content, &latest.systems);
            latest.status = ContextStatus::Approved;
            latest.approval = Some(DocumentApproval {
                by: actor.user(),
                by_label: actor.label.clone(),
                at: now,
                comment: comment.clone(),
            });
            latest.sha256 = Some(sha256.clone());
            c.save_context_version(actor.org, &latest).await?;
            record.approved = Some(version);
            record.latest_status = ContextStatus::Approved;
            record.updated_at = now;
            record.revision += 1;
            c.save_context(actor.org, &record).await?;
            c.record(
                AuditAction::ContextApproved,
                actor.org,
                json!({
                    "version": version,
                    "sha256": sha256,
                    "comment": comment,
                    "systems_in_scope": latest.systems.len(),
                }),
            )
            .await?;
            self.notify(
                c,
                actor,
                latest.author,
                NotificationKind::Approved,
                &format!("Context and scope version {version}"),
                CONTEXT_LINK,
            )
            .await?;
            Ok(record)
        })
        .await
    }
}
