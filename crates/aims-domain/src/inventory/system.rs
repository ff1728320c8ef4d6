//! An AI system of the inventory: what it is for, who it touches, where it stands in its
//! lifecycle and which roles the organisation holds for it.

use serde::{Deserialize, Serialize};

use crate::id::{AiSystemId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, labels, long_text};

crate::choice! {
    /// Where the system stands in its life (ISO/IEC 22989 lifecycle, as 42001 uses it).
    pub enum LifecycleStage ("lifecycle_stage") {
        Inception = "inception": "Inception",
        DesignDevelopment = "design_development": "Design and development",
        VerificationValidation = "verification_validation": "Verification and validation",
        Deployment = "deployment": "Deployment",
        OperationMonitoring = "operation_monitoring": "Operation and monitoring",
        Retirement = "retirement": "Retirement",
    }
}

crate::choice! {
    /// A role the organisation holds for a system (ISO/IEC 42001 clause 4.1, EU AI Act Art. 3).
    pub enum AiRole ("roles") {
        Provider = "provider": "Provider",
        Developer = "developer": "Developer",
        Deployer = "deployer": "Deployer",
        Importer = "importer": "Importer",
        Distributor = "distributor": "Distributor",
        User = "user": "User",
    }
}

crate::choice! {
    /// Whether the system is in use.
    pub enum SystemStatus ("status") {
        Proposed = "proposed": "Proposed",
        Active = "active": "Active",
        Suspended = "suspended": "Suspended",
        Retired = "retired": "Retired",
    }
}

crate::choice! {
    /// How much the system acts without a person deciding.
    pub enum Autonomy ("autonomy") {
        /// A person takes every decision; the system only informs.
        HumanInTheLoop = "human_in_the_loop": "Human in the loop",
        /// The system acts; a person watches and can step in.
        HumanOnTheLoop = "human_on_the_loop": "Human on the loop",
        /// The system acts on its own.
        Autonomous = "autonomous": "Autonomous",
    }
}

crate::choice! {
    /// Whether the system's output decides things about people.
    pub enum DecisionsAboutPeople ("decisions_about_people") {
        No = "no": "No",
        Supports = "supports": "Supports decisions about people",
        Makes = "makes": "Makes decisions about people",
    }
}

/// Longest prose field, in characters.
pub const MAX_PROSE: usize = 10_000;
/// Most tags on one system.
pub const MAX_TAGS: usize = 20;

/// Everything a person states about an AI system; validated as a whole by [`SystemFacts::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SystemFacts {
    pub name: String,
    pub purpose: String,
    pub description: String,
    pub intended_use: String,
    pub foreseeable_misuse: String,
    /// The people who operate or use the system.
    pub users: String,
    /// The people its output affects.
    pub affected_persons: String,
    pub deployment_context: String,
    /// Countries or regions where it is used (`eu`, `uk`, `us-ca`...).
    pub geography: Vec<String>,
    pub lifecycle_stage: LifecycleStage,
    pub roles: Vec<AiRole>,
    /// The member accountable for the system.
    pub owner: Option<UserId>,
    pub autonomy: Autonomy,
    pub human_oversight: String,
    pub decisions_about_people: DecisionsAboutPeople,
    pub status: SystemStatus,
    pub tags: Vec<String>,
    /// Why the system is outside the AI management system's scope (clause 4.3); empty when
    /// it is inside.
    #[serde(default)]
    pub out_of_scope: String,
}

impl SystemFacts {
    /// A proposed system at inception with only a name and a purpose; the rest left open.
    pub fn new(name: impl Into<String>, purpose: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            purpose: purpose.into(),
            description: String::new(),
            intended_use: String::new(),
            foreseeable_misuse: String::new(),
            users: String::new(),
            affected_persons: String::new(),
            deployment_context: String::new(),
            geography: Vec::new(),
            lifecycle_stage: LifecycleStage::Inception,
            roles: Vec::new(),
            owner: None,
            autonomy: Autonomy::HumanInTheLoop,
            human_oversight: String::new(),
            decisions_about_people: DecisionsAboutPeople::No,
            status: SystemStatus::Proposed,
            tags: Vec::new(),
            out_of_scope: String::new(),
        }
    }

    /// Whether the system is inside the AI management system's scope.
    pub fn in_scope(&self) -> bool {
        self.out_of_scope.is_empty()
    }

    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.name = bounded_text("name", &self.name, 1, 200)?;
        self.purpose = bounded_text("purpose", &self.purpose, 1, 1_000)?;
        for (field, value) in [
            ("description", &mut self.description),
            ("intended_use", &mut self.intended_use),
            ("foreseeable_misuse", &mut self.foreseeable_misuse),
            ("users", &mut self.users),
            ("affected_persons", &mut self.affected_persons),
            ("deployment_context", &mut self.deployment_context),
            ("human_oversight", &mut self.human_oversight),
            ("out_of_scope", &mut self.out_of_scope),
        ] {
            *value = long_text(field, value, MAX_PROSE)?;
        }
        self.geography = labels("geography", &self.geography, 50)?;
        self.tags = labels("tags", &self.tags, MAX_TAGS)?;
        self.roles.sort();
        self.roles.dedup();
        Ok(self)
    }

    /// Whether going from `self` to `next` changes a fact the EU AI Act classification rests
    /// on, so that a recorded classification needs a new look. Name, owner, status and tags
    /// do not.
    pub fn changes_classification_facts(&self, next: &SystemFacts) -> bool {
        self.purpose != next.purpose
            || self.description != next.description
            || self.intended_use != next.intended_use
            || self.foreseeable_misuse != next.foreseeable_misuse
            || self.users != next.users
            || self.affected_persons != next.affected_persons
            || self.deployment_context != next.deployment_context
            || self.geography != next.geography
            || self.roles != next.roles
            || self.autonomy != next.autonomy
            || self.human_oversight != next.human_oversight
            || self.decisions_about_people != next.decisions_about_people
    }

    /// The names of the fields that differ between `self` and `next`, for the audit trail.
    pub fn changed_fields(&self, next: &SystemFacts) -> Vec<&'static str> {
        let a = serde_json::to_value(self).unwrap_or_default();
        let b = serde_json::to_value(next).unwrap_or_default();
        FIELDS
            .iter()
            .copied()
            .filter(|f| a.get(f) != b.get(f))
            .collect()
    }
}

const FIELDS: [&str; 18] = [
    "name",
    "purpose",
    "description",
    "intended_use",
    "foreseeable_misuse",
    "users",
    "affected_persons",
    "deployment_context",
    "geography",
    "lifecycle_stage",
    "roles",
    "owner",
    "autonomy",
    "human_oversight",
    "decisions_about_people",
    "status",
    "tags",
    "out_of_scope",
];

/// The EU AI Act result last recorded for a system, as the inventory lists it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClassificationSummary {
    /// `prohibited`, `high_risk`, `transparency` or `minimal`.
    pub class: String,
    pub version: i64,
    pub decided_at: Timestamp,
    /// The system's facts changed since; someone should look again.
    pub needs_review: bool,
}

/// An AI system as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct AiSystem {
    pub id: AiSystemId,
    pub facts: SystemFacts,
    /// The owner's display name, when there is an owner.
    pub owner_name: Option<String>,
    pub classification: Option<ClassificationSummary>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Increases with every change; an edit names the revision it started from.
    pub revision: i64,
}

#[cfg(test)]
mod tests {
    use super::*;

    pub(crate) fn facts() -> SystemFacts {
        SystemFacts {
            name: "  Loan scorer ".into(),
            purpose: "Scores loan applications".into(),
            description: "Line one\r\nLine two".into(),
            intended_use: String::new(),
            foreseeable_misuse: String::new(),
            users: String::new(),
            affected_persons: String::new(),
            deployment_context: String::new(),
            geography: vec!["EU".into(), "eu".into(), "UK".into()],
            lifecycle_stage: LifecycleStage::OperationMonitoring,
            roles: vec![AiRole::Deployer, AiRole::Provider, AiRole::Deployer],
            owner: None,
            autonomy: Autonomy::HumanOnTheLoop,
            human_oversight: String::new(),
            decisions_about_people: DecisionsAboutPeople::Supports,
            status: SystemStatus::Active,
            tags: vec!["Credit".into(), " ".into()],
            out_of_scope: String::new(),
        }
    }

    #[test]
    fn validation_normalises_names_lists_and_line_breaks() {
        let f = facts().validate().unwrap();
        assert_eq!(f.name, "Loan scorer");
        assert_eq!(f.description, "Line one\nLine two");
        assert_eq!(f.geography, ["eu", "uk"]);
        assert_eq!(f.roles, [AiRole::Provider, AiRole::Deployer]);
        assert_eq!(f.tags, ["credit"]);
    }

    #[test]
    fn validation_names_the_field_that_is_wrong() {
        let mut f = facts();
        f.name = " ".into();
        assert_eq!(f.validate().unwrap_err().field, "name");
        let mut f = facts();
        f.tags = vec!["a,b".into()];
        assert_eq!(f.validate().unwrap_err().field, "tags");
        let mut f = facts();
        f.human_oversight = "bell\u{7}".into();
        assert_eq!(f.validate().unwrap_err().field, "human_oversight");
        let mut f = facts();
        f.purpose = "x".repeat(1_001);
        assert_eq!(f.validate().unwrap_err().field, "purpose");
    }

    #[test]
    fn only_facts_the_classification_rests_on_call_for_review() {
        let a = facts().validate().unwrap();
        let mut renamed = a.clone();
        renamed.name = "Other".into();
        renamed.tags = vec!["x".into()];
        renamed.status = SystemStatus::Retired;
        assert!(!a.changes_classification_facts(&renamed));
        let mut repurposed = a.clone();
        repurposed.decisions_about_people = DecisionsAboutPeople::Makes;
        assert!(a.changes_classification_facts(&repurposed));
        assert_eq!(
            a.changed_fields(&repurposed),
            vec!["decisions_about_people"]
        );
    }
}
