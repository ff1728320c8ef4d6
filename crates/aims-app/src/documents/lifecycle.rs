//! The lifecycle of a document after it is written: review, approval by another person
//! holding an approver role, return to draft, retirement, read acknowledgements, and who may
//! approve.

use aims_domain::audit::AuditAction;
use aims_domain::document::{self, Document, DocumentApproval, DocumentStatus};
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, ActorKind, Denied, DocumentId, Permission, Role, ValidationError};
use serde_json::json;

use super::{conflict, latest_is, link, refuse_retired};
use crate::App;
use crate::change::Change;
use crate::error::Result;

impl App {
    /// Sends the draft `version` for review (owner, admin, editor).
    pub async fn submit_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        version: i64,
    ) -> Result<Document> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != DocumentStatus::Draft {
                return Err(conflict(format!(
                    "version {version} is {}: only a draft can be sent for review",
                    latest.status.label().to_lowercase()
                )));
            }
            latest.status = DocumentStatus::InReview;
            latest.submitted = Some((actor.label.clone(), c.now));
            c.save_document_version(actor.org, id, &latest).await?;
            document.latest_status = DocumentStatus::InReview;
            document.updated_at = c.now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            c.record(
                AuditAction::DocumentSubmitted,
                id,
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
                &format!("{} version {version}", document.title),
                &link(id),
            )
            .await?;
            Ok(document)
        })
        .await
    }

    /// Checks that `actor` holds a role that approves documents, read under the lock.
    pub(crate) async fn require_approver(c: &mut Change, actor: &Actor) -> Result<Vec<Role>> {
        let roles = c.document_approver_roles(actor.org).await?;
        if !roles.contains(&actor.role) {
            return Err(Denied(Permission::ApproveContent).into());
        }
        Ok(roles)
    }

    /// Whether `actor` holds a role that approves documents (or, with `editors_too`, may edit
    /// content): for interfaces that check it before they read a request's input. The use
    /// case checks it again under its lock.
    pub async fn authorize_document_step(&self, actor: &Actor, editors_too: bool) -> Result<()> {
        actor.require(Permission::ReadOrganisation)?;
        if editors_too && actor.require(Permission::EditContent).is_ok() {
            return Ok(());
        }
        let mut tx = self.store.read().await?;
        if tx
            .document_approver_roles(actor.org)
            .await?
            .contains(&actor.role)
        {
            Ok(())
        } else {
            Err(Denied(Permission::ApproveContent).into())
        }
    }

    /// Sends a version in review back to draft with a comment (editors, and approvers).
    pub async fn return_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        version: i64,
        comment: &str,
    ) -> Result<Document> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            if actor.require(Permission::EditContent).is_err() {
                Self::require_approver(c, actor).await?;
            }
            let comment = aims_domain::validation::long_text("comment", comment, 2_000)?;
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != DocumentStatus::InReview {
                return Err(conflict(format!("version {version} is not in review")));
            }
            latest.status = DocumentStatus::Draft;
            latest.submitted = None;
            c.save_document_version(actor.org, id, &latest).await?;
            document.latest_status = DocumentStatus::Draft;
            document.updated_at = c.now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            c.record(
                AuditAction::DocumentReturned,
                id,
                json!({"version": version, "comment": comment}),
            )
            .await?;
            self.notify(
                c,
                actor,
                latest.author,
                NotificationKind::Returned,
                &format!("{} version {version}", document.title),
                &link(id),
            )
            .await?;
            Ok(document)
        })
        .await
    }

    /// Approves `version`, which is in review, as someone other than its last author holding
    /// an approver role: the version is fingerprinted and comes into force, the one before
    /// it is superseded, and the next review is due one review cycle later.
    pub async fn approve_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        version: i64,
        comment: &str,
    ) -> Result<Document> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            Self::require_approver(c, actor).await?;
            let comment = aims_domain::validation::long_text("comment", comment, 2_000)?;
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            let mut latest = latest_is(&versions, version)?;
            if latest.status != DocumentStatus::InReview {
                return Err(conflict(format!(
                    "version {version} is {}: send it for review before approving it",
                    latest.status.label().to_lowercase()
                )));
            }
            if !document::may_approve(&latest, actor.user()) {
                return Err(conflict(document::FOUR_EYES));
            }
            let now = c.now;
            if let Some(before) = versions
                .iter()
                .find(|v| Some(v.version) == document.approved)
            {
                let mut before = before.clone();
                before.status = DocumentStatus::Superseded;
                c.save_document_version(actor.org, id, &before).await?;
            }
            let sha256 = document::fingerprint(id, version, &latest.content);
            latest.status = DocumentStatus::Approved;
            latest.approval = Some(DocumentApproval {
                by: actor.user(),
                by_label: actor.label.clone(),
                at: now,
                comment: comment.clone(),
            });
            latest.sha256 = Some(sha256.clone());
            c.save_document_version(actor.org, id, &latest).await?;
            document.approved = Some(version);
            document.latest_status = DocumentStatus::Approved;
            document.next_review = Some(now.plus_months(document.settings.review_months));
            document.updated_at = now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            c.record(
                AuditAction::DocumentApproved,
                id,
                json!({"version": version, "sha256": sha256, "comment": comment}),
            )
            .await?;
            let title = format!("{} version {version}", document.title);
            let told = latest.author.into_iter().chain(document.settings.owner);
            self.notify(
                c,
                actor,
                told,
                NotificationKind::Approved,
                &title,
                &link(id),
            )
            .await?;
            let readers =
                Self::members_in_roles(c, actor, &document.settings.acknowledge_roles).await?;
            self.notify(
                c,
                actor,
                readers,
                NotificationKind::AcknowledgementRequested,
                &title,
                &link(id),
            )
            .await?;
            Ok(document)
        })
        .await
    }

    /// Withdraws a document from use, with the reason (approvers): its version in force is
    /// marked retired and nothing of it can change afterwards.
    pub async fn retire_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        reason: &str,
    ) -> Result<Document> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            Self::require_approver(c, actor).await?;
            let reason = aims_domain::validation::bounded_text("reason", reason, 1, 2_000)?;
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            if let Some(in_force) = versions
                .iter()
                .find(|v| Some(v.version) == document.approved)
            {
                let mut in_force = in_force.clone();
                in_force.status = DocumentStatus::Retired;
                c.save_document_version(actor.org, id, &in_force).await?;
            }
            let now = c.now;
            document.retired = Some((actor.label.clone(), now, reason.clone()));
            document.updated_at = now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            c.record(AuditAction::DocumentRetired, id, json!({"reason": reason}))
                .await?;
            Ok(document)
        })
        .await
    }

    /// Records that the person signed in read `version`, the version in force (any member).
    pub async fn acknowledge_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        version: i64,
    ) -> Result<()> {
        actor.require(Permission::ReadOrganisation)?;
        let ActorKind::User(user) = actor.kind else {
            // An acknowledgement says a person read it; a token reads nothing.
            return Err(Denied(Permission::ManageOwnAccount).into());
        };
        self.change(actor.org, actor, async |c| {
            let (document, _) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            if document.approved != Some(version) {
                return Err(conflict(match document.approved {
                    Some(v) => format!("version {v} is the one in force; acknowledge that one"),
                    None => "no version of this document is approved yet".into(),
                }));
            }
            let now = c.now;
            if c.acknowledge_document(actor.org, id, version, user, now)
                .await?
            {
                c.record(
                    AuditAction::DocumentAcknowledged,
                    id,
                    json!({"version": version}),
                )
                .await?;
            }
            Ok(())
        })
        .await
    }

    /// Sets the roles that may approve documents (owner, admin): owner, admin or editor;
    /// auditors and viewers judge and read the system rather than run it.
    pub async fn set_document_approvers(&self, actor: &Actor, roles: &[Role]) -> Result<Vec<Role>> {
        actor.require(Permission::ManageOrganisation)?;
        let chosen: Vec<Role> = Role::ALL
            .into_iter()
            .filter(|r| roles.contains(r))
            .collect();
        if chosen.is_empty() {
            return Err(ValidationError::new("roles", "choose at least one role").into());
        }
        if let Some(r) = chosen
            .iter()
            .find(|r| matches!(r, Role::Auditor | Role::Viewer))
        {
            return Err(ValidationError::new(
                "roles",
                format!("the {r} role cannot approve documents: choose owner, admin or editor"),
            )
            .into());
        }
        self.change(actor.org, actor, async |c| {
            let before = c.document_approver_roles(actor.org).await?;
            if before != chosen {
                let now = c.now;
                c.set_document_approver_roles(actor.org, &chosen, now)
                    .await?;
                c.record(
                    AuditAction::DocumentApproversChanged,
                    actor.org,
                    json!({"roles": chosen, "before": before}),
                )
                .await?;
            }
            Ok(chosen.clone())
        })
        .await
    }

    /// The roles that may approve documents.
    pub async fn document_approvers(&self, actor: &Actor) -> Result<Vec<Role>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        Ok(tx.document_approver_roles(actor.org).await?)
    }
}
