//! Use cases of training records: a person records their own training, attestations,
//! qualifications and AI literacy measures; editors record them for anyone; everyone in
//! the organisation reads them.

use aims_domain::audit::AuditAction;
use aims_domain::competence::{EXPIRY_NOTICE_DAYS, TrainingFacts, TrainingKind, TrainingRecord};
use aims_domain::id::TrainingRecordId;
use aims_domain::{Actor, Denied, Permission, UserId, ValidationError};
use aims_store::TrainingQuery;
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

/// Which records a list shows, by where they stand.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingStandingFilter {
    /// Not expired.
    Current,
    /// Still counting, but lapsing within the notice period.
    ExpiresSoon,
    /// Lapsed.
    Expired,
}

impl std::str::FromStr for TrainingStandingFilter {
    type Err = ValidationError;

    fn from_str(s: &str) -> std::result::Result<Self, Self::Err> {
        match s.trim() {
            "current" => Ok(Self::Current),
            "expires_soon" => Ok(Self::ExpiresSoon),
            "expired" => Ok(Self::Expired),
            _ => Err(ValidationError::new(
                "standing",
                "must be one of current, expires_soon, expired",
            )),
        }
    }
}

/// Which training records a list shows.
#[derive(Clone, Debug, Default)]
pub struct TrainingFilter {
    pub person: Option<UserId>,
    pub kind: Option<TrainingKind>,
    pub standing: Option<TrainingStandingFilter>,
}

/// Whether `actor` may change `record`: an editor, or the person it is about.
fn may_change(actor: &Actor, person: UserId) -> Result<()> {
    if actor.require(Permission::EditContent).is_ok() || actor.user() == Some(person) {
        Ok(())
    } else {
        Err(Denied(Permission::EditContent).into())
    }
}

fn summary(r: &TrainingRecord) -> serde_json::Value {
    json!({"person": r.person.to_string(), "kind": r.facts.kind(), "title": r.facts.title,
           "completed_on": r.facts.completed_on.map(|d| d.date()),
           "expires_on": r.facts.expires_on.map(|d| d.date()),
           "evidence": r.facts.evidence.map(|e| e.to_string())})
}

impl App {
    /// Checks, under the change's lock, that the person is a member (unless the record was
    /// theirs already) and the evidence is the organisation's.
    async fn check_training(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: &TrainingFacts,
        before: Option<&TrainingRecord>,
    ) -> Result<()> {
        crate::members::require_new_members(
            c,
            actor.org,
            [("person", facts.person, before.map(|b| b.person))],
        )
        .await?;
        if let Some(evidence) = facts.evidence
            && facts.evidence != before.and_then(|b| b.facts.evidence)
            && c.evidence(actor.org, evidence).await?.is_none()
        {
            return Err(ValidationError::new(
                "evidence",
                format!("no evidence {evidence} in this organisation"),
            )
            .into());
        }
        Ok(())
    }

    /// Records training, an attestation, a qualification or an AI literacy measure: one's
    /// own (anyone in the organisation, the default when no person is named), or anyone's
    /// (owner, admin, editor).
    pub async fn record_training(
        &self,
        actor: &Actor,
        mut facts: TrainingFacts,
    ) -> Result<TrainingRecord> {
        actor.require(Permission::ReadOrganisation)?;
        facts.person = facts.person.or(actor.user());
        if let Some(person) = facts.person {
            may_change(actor, person)?;
        }
        let facts = facts.validate(self.now())?;
        let person = facts.person.ok_or(AppError::NotFound("person"))?;
        self.change(actor.org, actor, async |c| {
            self.check_training(c, actor, &facts, None).await?;
            let record = TrainingRecord {
                id: TrainingRecordId::new(),
                person,
                facts: facts.clone(),
                recorded_by: actor.label.clone(),
                created_at: c.now,
                updated_at: c.now,
                revision: 1,
            };
            c.insert_training_record(actor.org, &record).await?;
            c.record(
                AuditAction::TrainingRecordCreated,
                record.id,
                summary(&record),
            )
            .await?;
            Ok(record)
        })
        .await
    }

    /// Changes a training record from `revision` (editors, and the person it is about, who
    /// may not hand it to someone else); 409 when someone changed it meanwhile.
    pub async fn update_training(
        &self,
        actor: &Actor,
        id: TrainingRecordId,
        revision: i64,
        mut facts: TrainingFacts,
    ) -> Result<TrainingRecord> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            let before = c
                .training_record(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("training record"))?;
            may_change(actor, before.person)?;
            facts.person = facts.person.or(Some(before.person));
            if let Some(person) = facts.person {
                may_change(actor, person)?;
            }
            let facts = facts.validate(c.now)?;
            if revision != before.revision {
                return Err(AppError::Conflict(format!(
                    "the training record changed meanwhile (revision {} now); reload it",
                    before.revision
                )));
            }
            if facts == before.facts {
                return Ok(before);
            }
            self.check_training(c, actor, &facts, Some(&before)).await?;
            let record = TrainingRecord {
                person: facts.person.unwrap_or(before.person),
                facts: facts.clone(),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_training_record(actor.org, &record).await?;
            let mut details = summary(&record);
            details["before"] = summary(&before);
            c.record(AuditAction::TrainingRecordUpdated, id, details)
                .await?;
            Ok(record)
        })
        .await
    }

    /// Removes a training record (editors, and the person it is about).
    pub async fn delete_training(&self, actor: &Actor, id: TrainingRecordId) -> Result<()> {
        actor.require(Permission::ReadOrganisation)?;
        self.change(actor.org, actor, async |c| {
            let record = c
                .training_record(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("training record"))?;
            may_change(actor, record.person)?;
            c.delete_training_record(actor.org, id).await?;
            c.record(AuditAction::TrainingRecordDeleted, id, summary(&record))
                .await?;
            Ok(())
        })
        .await
    }

    /// Whether `actor` may change training record `id` (an editor, or the person it is
    /// about): for interfaces that check it before they read a request's input; the use
    /// case checks it again.
    pub async fn authorize_training_work(&self, actor: &Actor, id: TrainingRecordId) -> Result<()> {
        let record = self.training_record(actor, id).await?;
        may_change(actor, record.person)
    }

    /// One training record.
    pub async fn training_record(
        &self,
        actor: &Actor,
        id: TrainingRecordId,
    ) -> Result<TrainingRecord> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .training_record(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("training record"))
    }

    /// One page of training records with the total: the most recently completed first, or,
    /// filtered to those lapsing or lapsed, the soonest expiry first.
    pub async fn training_records(
        &self,
        actor: &Actor,
        filter: &TrainingFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<TrainingRecord>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let now = self.now();
        // As `TrainingRecord::standing`: the expiry day counts in full.
        let lapsed_by = now.plus_days(-1);
        let (expires_after, expires_by) = match filter.standing {
            None => (None, None),
            Some(TrainingStandingFilter::Current) => (Some(lapsed_by), None),
            Some(TrainingStandingFilter::ExpiresSoon) => {
                (Some(lapsed_by), Some(now.plus_days(EXPIRY_NOTICE_DAYS)))
            }
            Some(TrainingStandingFilter::Expired) => (None, Some(lapsed_by)),
        };
        let query = TrainingQuery {
            person: filter.person,
            kind: filter.kind,
            expires_after,
            expires_by,
            limit: limit.clamp(1, crate::MAX_PAGE),
            offset: offset.clamp(0, crate::MAX_OFFSET),
        };
        Ok(self
            .store
            .read()
            .await?
            .training_records(actor.org, &query)
            .await?)
    }
}
