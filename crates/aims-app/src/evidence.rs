//! Evidence: files and links that support systems, controls, requirements and risks.

use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::evidence::{
    EXPIRY_NOTICE_DAYS, Evidence, EvidenceFacts, StoredFile, Target, TargetKind, check_upload,
};
use aims_domain::{Actor, AiSystemId, EvidenceId, Permission, RiskId, ValidationError};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

/// A file as uploaded.
#[derive(Clone, Debug)]
pub struct Upload {
    pub file_name: String,
    pub bytes: Vec<u8>,
}

/// Most reminders recorded by one run of the reminder job.
const REMINDERS_PER_RUN: i64 = 500;

impl App {
    /// Checks, in `tx`, that each target exists in the actor's organisation (systems, risks,
    /// own controls) or library (controls and requirements), so that evidence and documents
    /// never point at nothing; `field` names the list in the error.
    pub(crate) async fn check_targets(
        &self,
        tx: &mut aims_store::Tx,
        actor: &Actor,
        targets: &[Target],
        field: &'static str,
    ) -> Result<()> {
        let library = self.library(actor).await?;
        for target in targets {
            let known = match target.kind {
                TargetKind::System => match target.id.parse::<AiSystemId>() {
                    Ok(id) => tx.ai_system(actor.org, id).await?.is_some(),
                    Err(_) => false,
                },
                // An Annex A control, or one of the organisation's own; a clause is a
                // requirement (`iso-iec-42001:4.1`), not a control.
                TargetKind::Control => {
                    self.framework(actor, crate::ISO_42001)?
                        .item(&target.id)
                        .is_some_and(|item| item.kind == aims_catalog::ItemKind::Control)
                        || tx
                            .own_controls(actor.org)
                            .await?
                            .iter()
                            .any(|own| own.id == target.id)
                }
                // The organisation's own frameworks count as much as the shipped ones.
                TargetKind::Requirement => match target.id.split_once(':') {
                    Some((framework, item)) => library
                        .catalogue(framework)
                        .is_some_and(|c| c.item(item).is_some()),
                    None => false,
                },
                TargetKind::Risk => match target.id.parse::<RiskId>() {
                    Ok(id) => tx.risk(actor.org, id).await?.is_some(),
                    Err(_) => false,
                },
            };
            if !known {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "no {} {:?} in this organisation",
                        target.kind.label().to_lowercase(),
                        target.id
                    ),
                )
                .into());
            }
        }
        Ok(())
    }

    /// Adds evidence: a file (stored by its SHA-256) or a link (owner, admin, editor).
    pub async fn add_evidence(
        &self,
        actor: &Actor,
        facts: EvidenceFacts,
        upload: Option<Upload>,
    ) -> Result<Evidence> {
        actor.require(Permission::EditContent)?;
        let evidence = self.prepare_evidence(actor, facts, upload).await?;
        self.change(actor.org, actor, async |c| {
            self.record_evidence(c, actor, &evidence).await
        })
        .await?;
        Ok(evidence)
    }

    /// Checks evidence and puts its file in the blob store: everything but the database
    /// write, so that callers can record it in their own transaction.
    pub(crate) async fn prepare_evidence(
        &self,
        actor: &Actor,
        facts: EvidenceFacts,
        upload: Option<Upload>,
    ) -> Result<Evidence> {
        let facts = facts.validate()?;
        // Checked here before a file is stored, and again under the lock that records it.
        self.check_targets(
            &mut self.store.read().await?,
            actor,
            &facts.targets,
            "targets.id",
        )
        .await?;
        if upload.is_none() && facts.link.is_empty() {
            return Err(ValidationError::new("link", "give a link, or upload a file").into());
        }
        let file = match upload {
            None => None,
            Some(upload) => Some(self.store_upload(upload).await?),
        };
        let now = self.now();
        Ok(Evidence {
            id: EvidenceId::new(),
            facts,
            file,
            added_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
        })
    }

    /// The evidence target that stands for `item` of the framework `framework` in the
    /// actor's library: an ISO/IEC 42001 Annex A control as a control (as the SoA counts it),
    /// anything else as a requirement `framework:item`.
    pub async fn item_target(&self, actor: &Actor, framework: &str, item: &str) -> Result<Target> {
        let catalogue = self.library_framework(actor, framework).await?;
        let item = catalogue.item(item).ok_or(AppError::NotFound("item"))?;
        let id = &catalogue.framework.id;
        Ok(
            if id == crate::ISO_42001 && item.kind == aims_catalog::ItemKind::Control {
                Target {
                    kind: TargetKind::Control,
                    id: item.id.clone(),
                }
            } else {
                Target {
                    kind: TargetKind::Requirement,
                    id: format!("{id}:{}", item.id),
                }
            },
        )
    }

    /// The evidence supporting one target.
    pub async fn evidence_for(&self, actor: &Actor, target: &Target) -> Result<Vec<Evidence>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self
            .store
            .read()
            .await?
            .evidence_for(actor.org, target)
            .await?)
    }

    /// A page of the evidence register (100 a page): `validity` is `expired`, `expiring` or
    /// `None` for all.
    pub async fn evidence_register(
        &self,
        actor: &Actor,
        validity: Option<&str>,
        offset: i64,
    ) -> Result<(Vec<Evidence>, i64)> {
        self.evidence_page(actor, validity, 100, offset).await
    }

    /// As [`App::evidence_register`], `limit` (1 to [`crate::MAX_PAGE`]) to a page.
    pub async fn evidence_page(
        &self,
        actor: &Actor,
        validity: Option<&str>,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Evidence>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        if !matches!(validity, None | Some("expired" | "expiring")) {
            return Err(ValidationError::new("validity", "must be expired or expiring").into());
        }
        let now = self.now();
        Ok(self
            .store
            .read()
            .await?
            .evidence_page(
                actor.org,
                validity,
                now,
                now.plus_days(EXPIRY_NOTICE_DAYS),
                limit.clamp(1, crate::MAX_PAGE),
                offset.max(0),
            )
            .await?)
    }

    /// One piece of evidence.
    pub async fn evidence(&self, actor: &Actor, id: EvidenceId) -> Result<Evidence> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .evidence(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("evidence"))
    }

    /// The file of a piece of evidence, checked against its SHA-256 before it is handed out.
    pub async fn evidence_file(
        &self,
        actor: &Actor,
        id: EvidenceId,
    ) -> Result<(StoredFile, Vec<u8>)> {
        let evidence = self.evidence(actor, id).await?;
        let file = evidence.file.ok_or(AppError::NotFound("evidence file"))?;
        let bytes = self.stored_bytes(&file).await?;
        Ok((file, bytes))
    }

    /// Checks an uploaded file (name, size, that its bytes are what its extension says) and
    /// puts it in the blob store, before the transaction that records what it belongs to.
    pub(crate) async fn store_upload(&self, upload: Upload) -> Result<StoredFile> {
        let media_type = check_upload(&upload.file_name, &upload.bytes)?;
        let blobs = self
            .blobs
            .as_ref()
            .ok_or_else(|| AppError::Internal("no blob store is configured for files".into()))?;
        let size = upload.bytes.len() as i64;
        let sha256 = blobs.put(upload.bytes).await?;
        Ok(StoredFile {
            sha256,
            size,
            media_type: media_type.to_owned(),
            file_name: upload.file_name.trim().to_owned(),
        })
    }

    /// The bytes of a stored file, checked against its SHA-256 as they are read.
    pub(crate) async fn stored_bytes(&self, file: &StoredFile) -> Result<Vec<u8>> {
        let blobs = self
            .blobs
            .as_ref()
            .ok_or_else(|| AppError::Internal("no blob store is configured".into()))?;
        blobs.get(&file.sha256).await
    }

    /// Removes a piece of evidence (its file stays: other evidence may share its bytes).
    pub async fn delete_evidence(&self, actor: &Actor, id: EvidenceId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let evidence = c
                .evidence(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("evidence"))?;
            c.delete_evidence(actor.org, id).await?;
            c.record(
                AuditAction::EvidenceDeleted,
                id,
                json!({"title": evidence.facts.title}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Records a reminder, in each organisation's audit trail, for evidence whose validity ends
    /// within the notice period; returns how many were recorded.
    pub async fn remind_expiring_evidence(&self) -> Result<usize> {
        let now = self.now();
        let horizon = now.plus_days(EXPIRY_NOTICE_DAYS);
        let mut due = self
            .store
            .read()
            .await?
            .evidence_due_for_reminder(horizon, REMINDERS_PER_RUN)
            .await?;
        // Organisations are locked in one order (by id) so that this transaction, which
        // writes to several, never waits crosswise on another that does.
        due.sort_by_key(|(org, _)| *org);
        let mut tx = self.store.write().await?;
        let mut reminded = 0;
        for (org, evidence) in &due {
            tx.lock_tenant(*org).await?;
            if !tx.mark_evidence_reminded(*org, evidence.id, now).await? {
                continue;
            }
            reminded += 1;
            let actor = Actor {
                label: "aims reminders".into(),
                ..crate::setup::system_actor(*org)
            };
            let change = json!({
                "title": evidence.facts.title,
                "valid_until": evidence.facts.valid_until.map(|t| t.to_string()),
                "expired": evidence.facts.valid_until.is_some_and(|u| u <= now),
            });
            tx.append_audit(
                *org,
                NewAuditEvent::new(
                    &actor,
                    AuditAction::EvidenceExpiryReminder,
                    evidence.id,
                    change,
                ),
                now,
            )
            .await?;
            // The person answering for what the evidence supports renews it.
            if let (Some(owner), Some(until)) = (
                evidence_owner(&mut tx, *org, evidence).await?,
                evidence.facts.valid_until,
            ) {
                let due = crate::review_tasks::Due {
                    org: *org,
                    owner,
                    source: aims_domain::work::Source {
                        kind: aims_domain::work::SourceKind::Evidence,
                        id: evidence.id.to_string(),
                    },
                    title: format!(
                        "Renew the evidence {}: valid until {}",
                        evidence.facts.title,
                        until.date()
                    ),
                    due: until,
                    reason: "expiry".into(),
                };
                self.open_task_for(&mut tx, &due, now).await?;
            }
        }
        tx.commit().await?;
        Ok(reminded)
    }
}

impl App {
    /// Inserts prepared evidence with its audit event as part of change `c` (which holds the
    /// lock of the actor's organisation), after checking its targets again under that lock.
    pub(crate) async fn record_evidence(
        &self,
        c: &mut crate::change::Change,
        actor: &Actor,
        evidence: &Evidence,
    ) -> Result<()> {
        self.check_targets(c, actor, &evidence.facts.targets, "targets.id")
            .await?;
        c.insert_evidence(actor.org, evidence).await?;
        let change = json!({
            "title": evidence.facts.title,
            "sha256": evidence.file.as_ref().map(|f| f.sha256.clone()),
            "link": evidence.facts.link,
            "targets": evidence.facts.targets.iter().map(|t| format!("{}:{}", t.kind, t.id)).collect::<Vec<_>>(),
            "valid_until": evidence.facts.valid_until.map(|t| t.to_string()),
        });
        c.record(AuditAction::EvidenceAdded, evidence.id, change)
            .await?;
        Ok(())
    }
}

/// Who answers for `evidence`: the owner of the first thing it supports that has one (an AI
/// system, a risk, or a control of the Statement of Applicability).
async fn evidence_owner(
    tx: &mut aims_store::Tx,
    org: aims_domain::OrgId,
    evidence: &Evidence,
) -> Result<Option<aims_domain::UserId>> {
    use aims_domain::evidence::TargetKind as K;
    // The reminder's listing leaves out the targets, which live in their own table.
    let Some(evidence) = tx.evidence(org, evidence.id).await? else {
        return Ok(None);
    };
    let mut controls = None;
    for target in &evidence.facts.targets {
        let owner = match target.kind {
            K::System => match target.id.parse() {
                Ok(id) => tx.ai_system(org, id).await?.and_then(|s| s.facts.owner),
                Err(_) => None,
            },
            K::Risk => match target.id.parse() {
                Ok(id) => tx.risk(org, id).await?.and_then(|r| r.facts.owner),
                Err(_) => None,
            },
            K::Control => {
                if controls.is_none() {
                    controls = Some(tx.implementations(org).await?);
                }
                controls
                    .as_ref()
                    .and_then(|c| c.get(&target.id))
                    .and_then(|i| i.owner)
            }
            K::Requirement => None,
        };
        if owner.is_some() {
            return Ok(owner);
        }
    }
    Ok(None)
}
