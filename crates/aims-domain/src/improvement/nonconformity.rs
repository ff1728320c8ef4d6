//! A nonconformity (10.2): a requirement not met, how it was contained and corrected, why it
//! happened, the corrective actions (tasks with owners and due dates) and a verification by
//! someone other than its owner that the actions worked. A failed verification reopens it.

use serde::{Deserialize, Serialize};

use crate::evidence::{Target, TargetKind};
use crate::id::{AiSystemId, EvidenceId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// Where a nonconformity was found.
    pub enum NonconformitySource ("source") {
        InternalAudit = "internal_audit": "Internal audit",
        ExternalAudit = "external_audit": "External audit",
        Incident = "incident": "Incident",
        RedTeamRun = "redteam_run": "Red-team run",
        RiskReview = "risk_review": "Risk review",
        Complaint = "complaint": "Complaint",
        ManagementReview = "management_review": "Management review",
        Other = "other": "Other",
    }
}

crate::choice! {
    /// How far the requirement is missed: a major nonconformity puts the management system's
    /// result in doubt, a minor one does not.
    pub enum Grade ("grade") {
        Major = "major": "Major",
        Minor = "minor": "Minor",
    }
}

crate::choice! {
    /// The kind of cause found, for spotting patterns across nonconformities.
    pub enum CauseCategory ("cause_category") {
        People = "people": "People: competence or awareness",
        Process = "process": "Process missing, unclear or not followed",
        Technology = "technology": "Tooling or infrastructure",
        Data = "data": "Data quality or provenance",
        Model = "model": "Model behaviour",
        Supplier = "supplier": "Supplier or third party",
        Governance = "governance": "Roles, oversight or resources",
        Other = "other": "Other",
    }
}

crate::choice! {
    /// Where a nonconformity stands, as stored.
    pub enum NonconformityStatus ("status") {
        Open = "open": "Open",
        Closed = "closed": "Closed",
        Withdrawn = "withdrawn": "Withdrawn",
    }
}

/// Where an open nonconformity's handling has got to, from its corrective actions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Phase {
    /// No corrective action planned yet.
    NeedsAction,
    /// Corrective actions under way.
    ActionsOpen,
    /// Every action done: someone other than the owner checks that they worked.
    AwaitingVerification,
    Closed,
    Withdrawn,
}

impl Phase {
    /// The phase in words.
    pub const fn label(self) -> &'static str {
        match self {
            Phase::NeedsAction => "Needs corrective action",
            Phase::ActionsOpen => "Actions under way",
            Phase::AwaitingVerification => "Awaiting verification",
            Phase::Closed => "Closed",
            Phase::Withdrawn => "Withdrawn",
        }
    }
}

/// Longest free text of a nonconformity, in characters.
pub const MAX_TEXT: usize = 10_000;
/// Most requirements one nonconformity names.
pub const MAX_REQUIREMENTS: usize = 50;

/// What a person states about a nonconformity.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NonconformityFacts {
    /// What is wrong, in a line.
    pub title: String,
    /// What was found, with the facts that show it.
    pub description: String,
    /// Where: the process, site or team.
    pub location: String,
    /// The AI system concerned, if one is.
    pub system: Option<AiSystemId>,
    /// The requirements (clauses) and controls not met.
    pub requirements: Vec<Target>,
    pub source: NonconformitySource,
    /// The finding, audit, incident or complaint it came from, as that record names it.
    pub source_ref: String,
    pub grade: Grade,
    pub owner: Option<UserId>,
    /// The day it was found.
    pub detected_on: Timestamp,
    /// What was done at once to stop it spreading.
    pub containment: String,
    /// What was done to put the immediate result right.
    pub correction: String,
    /// Why it happened.
    pub root_cause: String,
    pub cause_category: Option<CauseCategory>,
}

impl NonconformityFacts {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.description = long_text("description", &self.description, MAX_TEXT)?;
        self.location = long_text("location", &self.location, 300)?;
        self.source_ref = long_text("source_ref", &self.source_ref, 200)?;
        self.containment = long_text("containment", &self.containment, MAX_TEXT)?;
        self.correction = long_text("correction", &self.correction, MAX_TEXT)?;
        self.root_cause = long_text("root_cause", &self.root_cause, MAX_TEXT)?;
        if self.requirements.len() > MAX_REQUIREMENTS {
            return Err(ValidationError::new(
                "requirements",
                format!("at most {MAX_REQUIREMENTS}"),
            ));
        }
        for target in &mut self.requirements {
            if !matches!(target.kind, TargetKind::Requirement | TargetKind::Control) {
                return Err(ValidationError::new(
                    "requirements",
                    "name requirements (clauses) and controls only",
                ));
            }
            target.id = bounded_text("requirements.id", &target.id, 1, 200)?;
        }
        self.requirements.sort();
        self.requirements.dedup();
        Ok(self)
    }
}

/// What a verifier states: whether the actions worked, why they think so, and the evidence
/// that shows it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct VerificationInput {
    pub effective: bool,
    pub note: String,
    pub evidence: Vec<EvidenceId>,
}

impl VerificationInput {
    /// Checks the input: a note always, and evidence when the actions are found to work.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.note = bounded_text("note", &self.note, 1, MAX_TEXT)?;
        // Counted as given, before repeats merge, as the API's schema states the bound.
        if self.evidence.len() > 20 {
            return Err(ValidationError::new("evidence", "at most 20"));
        }
        self.evidence.sort();
        self.evidence.dedup();
        if self.effective && self.evidence.is_empty() {
            return Err(ValidationError::new(
                "evidence",
                "name the evidence that shows the actions worked",
            ));
        }
        Ok(self)
    }
}

/// The last verification of a nonconformity's corrective actions.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Verification {
    pub by: Option<UserId>,
    pub by_label: String,
    pub at: Timestamp,
    pub effective: bool,
    pub note: String,
    pub evidence: Vec<EvidenceId>,
}

/// A nonconformity.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Nonconformity {
    pub id: crate::id::NonconformityId,
    /// Its number in the organisation's register (`NC-7`).
    pub number: i64,
    pub facts: NonconformityFacts,
    pub status: NonconformityStatus,
    /// Why it was withdrawn (raised in error, a duplicate).
    pub withdrawn_reason: String,
    pub verification: Option<Verification>,
    /// How many times a verification found the actions did not work.
    pub reopened: i64,
    pub closed_at: Option<Timestamp>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

impl Nonconformity {
    /// Its reference: `NC-7`.
    pub fn reference(&self) -> String {
        format!("NC-{}", self.number)
    }

    /// Where its handling stands, given its open and done corrective actions.
    pub fn phase(&self, open_actions: usize, done_actions: usize) -> Phase {
        match self.status {
            NonconformityStatus::Closed => Phase::Closed,
            NonconformityStatus::Withdrawn => Phase::Withdrawn,
            NonconformityStatus::Open if open_actions > 0 => Phase::ActionsOpen,
            NonconformityStatus::Open if done_actions > 0 => Phase::AwaitingVerification,
            NonconformityStatus::Open => Phase::NeedsAction,
        }
    }

    /// Whole days since it was found, at `now`.
    pub fn age_days(&self, now: Timestamp) -> i64 {
        (now.as_micros() - self.facts.detected_on.as_micros()).max(0) / 86_400_000_000
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> NonconformityFacts {
        NonconformityFacts {
            title: "Impact assessment missing".into(),
            description: String::new(),
            location: String::new(),
            system: None,
            requirements: vec![
                Target {
                    kind: TargetKind::Control,
                    id: "A.5.2".into(),
                },
                Target {
                    kind: TargetKind::Control,
                    id: "A.5.2".into(),
                },
            ],
            source: NonconformitySource::InternalAudit,
            source_ref: String::new(),
            grade: Grade::Minor,
            owner: None,
            detected_on: Timestamp::from_micros(0),
            containment: String::new(),
            correction: String::new(),
            root_cause: String::new(),
            cause_category: None,
        }
    }

    #[test]
    fn facts_are_checked_and_requirements_named_once() {
        let checked = facts().validate().unwrap();
        assert_eq!(checked.requirements.len(), 1);
        let mut blank = facts();
        blank.title = "  ".into();
        assert_eq!(blank.validate().unwrap_err().field, "title");
        let mut system = facts();
        system.requirements[0].kind = TargetKind::System;
        assert_eq!(system.validate().unwrap_err().field, "requirements");
    }

    #[test]
    fn an_effective_verification_needs_evidence_and_every_one_a_note() {
        let input = |effective, evidence: Vec<EvidenceId>, note: &str| VerificationInput {
            effective,
            note: note.into(),
            evidence,
        };
        assert_eq!(
            input(true, vec![], "Works").validate().unwrap_err().field,
            "evidence"
        );
        assert_eq!(
            input(false, vec![], "").validate().unwrap_err().field,
            "note"
        );
        assert!(input(false, vec![], "Recurred in May").validate().is_ok());
        assert!(
            input(true, vec![EvidenceId::new()], "Works")
                .validate()
                .is_ok()
        );
    }

    #[test]
    fn the_phase_follows_the_actions_and_the_age_counts_whole_days() {
        let nc = Nonconformity {
            id: crate::id::NonconformityId::new(),
            number: 7,
            facts: facts(),
            status: NonconformityStatus::Open,
            withdrawn_reason: String::new(),
            verification: None,
            reopened: 0,
            closed_at: None,
            created_by: "a".into(),
            created_at: Timestamp::from_micros(0),
            updated_at: Timestamp::from_micros(0),
            revision: 1,
        };
        assert_eq!(nc.reference(), "NC-7");
        assert_eq!(nc.phase(0, 0), Phase::NeedsAction);
        assert_eq!(nc.phase(1, 3), Phase::ActionsOpen);
        assert_eq!(nc.phase(0, 2), Phase::AwaitingVerification);
        assert_eq!(nc.age_days(Timestamp::from_micros(0).plus_days(45)), 45);
        let closed = Nonconformity {
            status: NonconformityStatus::Closed,
            ..nc
        };
        assert_eq!(closed.phase(0, 2), Phase::Closed);
    }
}
