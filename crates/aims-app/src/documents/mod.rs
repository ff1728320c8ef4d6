//! Documented information: documents drafted by editors, sent for review, approved by a
//! second person holding an approver role, read and acknowledged by the people they concern,
//! and reviewed on a cycle.

use aims_domain::audit::AuditAction;
use aims_domain::document::{
    self, Acknowledgement, Document, DocumentContent, DocumentDiff, DocumentSettings,
    DocumentStatus, DocumentVersion, templates,
};
use aims_domain::evidence::{Target, TargetKind};
use aims_domain::work::NotificationKind;
use aims_domain::{Actor, DocumentId, Permission, Role, UserId, ValidationError};
use aims_store::DocumentQuery;
use serde::Deserialize;
use serde_json::json;

use crate::App;
use crate::change::Change;

mod attachment;
mod lifecycle;
use crate::error::{AppError, Result};

/// What a person writes of a document: its content and its settings, in one form.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct DocumentInput {
    #[serde(flatten)]
    pub content: DocumentContent,
    #[serde(flatten)]
    pub settings: DocumentSettings,
    /// For a change: the document's revision the edit started from, so that an edit of a
    /// draft someone else saved meanwhile is refused rather than silently overwriting it.
    #[serde(default)]
    pub revision: Option<i64>,
}

/// A document with everything its page shows.
#[derive(Clone, Debug)]
pub struct DocumentRecord {
    pub document: Document,
    /// Newest first.
    pub versions: Vec<DocumentVersion>,
    /// The members asked to confirm they read the version in force, and who has.
    pub acknowledgements: Vec<Acknowledgement>,
    /// The roles that may approve documents in this organisation.
    pub approver_roles: Vec<Role>,
}

impl DocumentRecord {
    /// The newest version.
    pub fn latest(&self) -> Option<&DocumentVersion> {
        self.versions.first()
    }

    /// The version in force, if one is.
    pub fn in_force(&self) -> Option<&DocumentVersion> {
        let approved = self.document.approved?;
        self.versions.iter().find(|v| v.version == approved)
    }
}

/// Which documents a list shows, as a person asks for them.
#[derive(Clone, Debug, Default)]
pub struct DocumentFilter {
    pub kind: Option<document::DocumentKind>,
    pub status: Option<DocumentStatus>,
    /// Only those whose review date has passed.
    pub overdue: bool,
    pub owner: Option<UserId>,
}

/// The page of a document, where its notifications lead.
fn link(id: DocumentId) -> String {
    format!("/documents/{id}")
}

fn conflict(message: impl Into<String>) -> AppError {
    AppError::Conflict(message.into())
}

/// The version `version` of `versions` if it is the newest, else a conflict naming the newest.
fn latest_is(versions: &[DocumentVersion], version: i64) -> Result<DocumentVersion> {
    let latest = versions
        .first()
        .ok_or(AppError::NotFound("document version"))?;
    if latest.version != version {
        return Err(conflict(format!(
            "version {version} is not the latest: version {} is; reload the document",
            latest.version
        )));
    }
    Ok(latest.clone())
}

/// Refuses an edit that started from `revision` when the document has changed since.
fn unchanged_since(d: &Document, revision: Option<i64>) -> Result<()> {
    match revision {
        Some(revision) if revision != d.revision => Err(conflict(format!(
            "someone changed the document meanwhile (revision {} now, your edit started from \
             {revision}); reload it and apply your change again",
            d.revision
        ))),
        _ => Ok(()),
    }
}

fn refuse_retired(d: &Document) -> Result<()> {
    if d.retired.is_some() {
        return Err(conflict("the document is retired: it can no longer change"));
    }
    Ok(())
}

impl App {
    /// Checks an input's content, settings and references, in `tx`.
    async fn checked_input(
        &self,
        tx: &mut aims_store::Tx,
        actor: &Actor,
        input: DocumentInput,
        owner_before: Option<UserId>,
    ) -> Result<(DocumentContent, DocumentSettings)> {
        let content = input.content.validate()?;
        let settings = input.settings.validate()?;
        self.check_targets(tx, actor, &content.serves, "serves.id")
            .await?;
        crate::members::require_new_members(
            tx,
            actor.org,
            [("owner", settings.owner, owner_before)],
        )
        .await?;
        Ok((content, settings))
    }

    /// Creates a document with a first draft version (owner, admin, editor).
    pub async fn create_document(&self, actor: &Actor, input: DocumentInput) -> Result<Document> {
        actor.require(Permission::EditContent)?;
        self.create_document_as(actor, input, None).await
    }

    /// Creates a document from a starter template, serving the clause the template answers
    /// (owner, admin, editor).
    pub async fn create_document_from_template(
        &self,
        actor: &Actor,
        key: &str,
        owner: Option<UserId>,
    ) -> Result<Document> {
        actor.require(Permission::EditContent)?;
        let template = templates::starter_template(key).ok_or_else(|| {
            ValidationError::new("template", format!("no starter template {key:?}"))
        })?;
        let input = DocumentInput {
            content: DocumentContent {
                kind: Some(template.kind),
                title: template.title.to_owned(),
                body: template.body.to_owned(),
                serves: vec![Target {
                    kind: TargetKind::Requirement,
                    id: format!("{}:{}", crate::ISO_42001, template.clause),
                }],
                attachment: None,
            },
            settings: DocumentSettings {
                owner,
                ..Default::default()
            },
            revision: None,
        };
        self.create_document_as(actor, input, Some(template.key))
            .await
    }

    async fn create_document_as(
        &self,
        actor: &Actor,
        input: DocumentInput,
        template: Option<&str>,
    ) -> Result<Document> {
        self.change(actor.org, actor, async |c| {
            let (content, settings) = self.checked_input(c, actor, input, None).await?;
            let now = c.now;
            let document = Document {
                id: DocumentId::new(),
                settings,
                template: template.map(str::to_owned),
                title: content.title.clone(),
                kind: content.kind(),
                latest: 1,
                latest_status: DocumentStatus::Draft,
                approved: None,
                next_review: None,
                retired: None,
                created_at: now,
                updated_at: now,
                revision: 1,
            };
            let first = DocumentVersion {
                version: 1,
                content,
                status: DocumentStatus::Draft,
                author: actor.user(),
                author_label: actor.label.clone(),
                saved_at: now,
                submitted: None,
                approval: None,
                sha256: None,
            };
            c.insert_document(actor.org, &document, &first).await?;
            c.record(
                AuditAction::DocumentCreated,
                document.id,
                json!({"title": document.title, "kind": document.kind, "template": template}),
            )
            .await?;
            self.notify(
                c,
                actor,
                document.settings.owner,
                NotificationKind::Assigned,
                &format!("You own the document {}", document.title),
                &link(document.id),
            )
            .await?;
            Ok(document)
        })
        .await
    }

    /// Reads a document and its versions under the change's lock.
    async fn document_in(
        c: &mut Change,
        actor: &Actor,
        id: DocumentId,
    ) -> Result<(Document, Vec<DocumentVersion>)> {
        let document = c
            .document(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("document"))?;
        let versions = c.document_versions(actor.org, id).await?;
        Ok((document, versions))
    }

    /// Puts `content` into the latest version when it is a draft, or into a new draft
    /// version when the latest is approved (an approved version never changes), and records
    /// the save; nothing when the content is what the latest version already says.
    async fn put_content(
        c: &mut Change,
        actor: &Actor,
        document: &mut Document,
        latest: DocumentVersion,
        content: DocumentContent,
    ) -> Result<()> {
        if content == latest.content {
            return Ok(());
        }
        let saved = match latest.status {
            DocumentStatus::Draft => DocumentVersion {
                content,
                author: actor.user(),
                author_label: actor.label.clone(),
                saved_at: c.now,
                ..latest
            },
            DocumentStatus::InReview => {
                return Err(conflict(format!(
                    "version {} is in review: return it to draft before changing it",
                    latest.version
                )));
            }
            _ => DocumentVersion {
                version: latest.version + 1,
                content,
                status: DocumentStatus::Draft,
                author: actor.user(),
                author_label: actor.label.clone(),
                saved_at: c.now,
                submitted: None,
                approval: None,
                sha256: None,
            },
        };
        let new_version = saved.version != latest.version;
        if new_version {
            c.insert_document_version(actor.org, document.id, &saved)
                .await?;
        } else {
            c.save_document_version(actor.org, document.id, &saved)
                .await?;
        }
        document.title = saved.content.title.clone();
        document.kind = saved.content.kind();
        document.latest = saved.version;
        document.latest_status = DocumentStatus::Draft;
        c.record(
            AuditAction::DocumentSaved,
            document.id,
            json!({
                "version": saved.version,
                "new_version": new_version,
                "attachment": saved.content.attachment.as_ref().map(|f| &f.sha256),
            }),
        )
        .await?;
        Ok(())
    }

    /// Saves a document edited from version `base` (owner, admin, editor). New content goes
    /// into the draft, or into a new draft version when the latest is approved, so that an
    /// approved version never changes; settings (owner, review cycle, who acknowledges) apply
    /// to the document at once. Saving what is already there changes nothing.
    pub async fn save_document(
        &self,
        actor: &Actor,
        id: DocumentId,
        base: i64,
        input: DocumentInput,
    ) -> Result<Document> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let (mut document, versions) = Self::document_in(c, actor, id).await?;
            refuse_retired(&document)?;
            let latest = latest_is(&versions, base)?;
            unchanged_since(&document, input.revision)?;
            let (content, settings) = self
                .checked_input(c, actor, input, document.settings.owner)
                .await?;
            let mut content = content;
            // A form never carries the attached file: it stays until an upload changes it.
            content.attachment = latest.content.attachment.clone();
            let now = c.now;
            Self::put_content(c, actor, &mut document, latest, content).await?;
            if settings != document.settings {
                let before = document.settings.clone();
                if settings.review_months != before.review_months
                    && let Some(approved) = versions
                        .iter()
                        .find(|v| Some(v.version) == document.approved)
                        .and_then(|v| v.approval.as_ref())
                {
                    document.next_review = Some(approved.at.plus_months(settings.review_months));
                }
                document.settings = settings;
                if document.settings.owner != before.owner {
                    self.notify(
                        c,
                        actor,
                        document.settings.owner,
                        NotificationKind::Assigned,
                        &format!("You own the document {}", document.title),
                        &link(id),
                    )
                    .await?;
                }
                c.record(
                    AuditAction::DocumentSettingsChanged,
                    id,
                    json!({
                        "owner": document.settings.owner.map(|u| u.to_string()),
                        "review_months": document.settings.review_months,
                        "acknowledge_roles": document.settings.acknowledge_roles,
                        "owner_before": before.owner.map(|u| u.to_string()),
                        "review_months_before": before.review_months,
                    }),
                )
                .await?;
            }
            document.updated_at = now;
            document.revision += 1;
            c.save_document(actor.org, &document).await?;
            Ok(document)
        })
        .await
    }

    /// One page of the documents (most recently changed first), with the total; at most
    /// [`crate::MAX_PAGE`] to a page.
    pub async fn document_list(
        &self,
        actor: &Actor,
        filter: &DocumentFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Document>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let query = DocumentQuery {
            kind: filter.kind,
            status: filter.status,
            overdue_at: filter.overdue.then(|| self.now()),
            owner: filter.owner,
            limit: limit.clamp(1, crate::MAX_PAGE),
            offset: offset.clamp(0, crate::MAX_OFFSET),
        };
        let mut tx = self.store.read().await?;
        Ok(tx.documents_page(actor.org, &query).await?)
    }

    /// A document with its versions and acknowledgements.
    pub async fn document(&self, actor: &Actor, id: DocumentId) -> Result<DocumentRecord> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let document = tx
            .document(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("document"))?;
        let versions = tx.document_versions(actor.org, id).await?;
        let mut acknowledgements = Vec::new();
        if let Some(version) = document.approved
            && !document.settings.acknowledge_roles.is_empty()
        {
            let done = tx.document_acknowledgements(actor.org, id, version).await?;
            for member in tx.members(actor.org).await? {
                if document.settings.acknowledge_roles.contains(&member.role) {
                    acknowledgements.push(Acknowledgement {
                        user: member.user,
                        email: member.email.to_string(),
                        role: member.role,
                        at: done
                            .iter()
                            .find(|(u, _)| *u == member.user)
                            .map(|(_, at)| *at),
                    });
                }
            }
        }
        Ok(DocumentRecord {
            document,
            versions,
            acknowledgements,
            approver_roles: tx.document_approver_roles(actor.org).await?,
        })
    }

    /// What changed from version `from` to version `to` of a document.
    pub async fn compare_document_versions(
        &self,
        actor: &Actor,
        id: DocumentId,
        from: i64,
        to: i64,
    ) -> Result<DocumentDiff> {
        let record = self.document(actor, id).await?;
        let find = |v: i64| {
            record
                .versions
                .iter()
                .find(|x| x.version == v)
                .map(|x| x.content.clone())
                .ok_or(AppError::NotFound("document version"))
        };
        Ok(document::compare(&find(from)?, &find(to)?))
    }
}
