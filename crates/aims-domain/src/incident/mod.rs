//! AI incidents (ISO/IEC 42001 A.8.4, A.8.5): what happened with an AI system, whom it
//! harmed, how it was contained, and, for a serious incident of a high-risk system, the
//! report the EU AI Act asks for (Article 73) or, for a deployer, the notice to the
//! provider (Article 26(5)), each against the deadline the law's own periods give.

mod clock;

pub use clock::{Clock, PeriodCase, ReportingClock, ReportingPeriod, reporting_clock};

use serde::{Deserialize, Serialize};

use crate::id::{AiSystemId, IncidentId, RiskId, UserId};
use crate::impact::HarmKind;
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// How bad an incident is for those it touched, the organisation's own judgement.
    pub enum Severity ("severity") {
        Low = "low": "Low",
        Medium = "medium": "Medium",
        High = "high": "High",
        Critical = "critical": "Critical",
    }
}

crate::choice! {
    /// Where an incident stands.
    pub enum IncidentStatus ("status") {
        Open = "open": "Open",
        Closed = "closed": "Closed",
    }
}

/// The EU AI Act's questions for whether an incident is serious (Article 3(49)), and the
/// two facts that shorten its reporting period (Article 73(3) and (4)).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Seriousness {
    /// (a) A person died, or a person's health was seriously harmed.
    pub health: bool,
    /// (b) The management or operation of critical infrastructure was seriously and
    /// irreversibly disrupted.
    pub critical_infrastructure: bool,
    /// (c) Obligations of Union law that protect fundamental rights were infringed.
    pub fundamental_rights: bool,
    /// (d) Property or the environment was seriously harmed.
    pub property_or_environment: bool,
    /// A person died.
    pub death: bool,
    /// The infringement is widespread (Article 3(61)).
    pub widespread: bool,
}

impl Seriousness {
    /// Whether the incident is serious in the Act's sense.
    pub fn is_serious(&self) -> bool {
        self.health
            || self.critical_infrastructure
            || self.fundamental_rights
            || self.property_or_environment
            || self.death
            || self.widespread
    }
}

/// Longest free text of an incident, in characters.
pub const MAX_TEXT: usize = 10_000;
/// Most risks one incident names.
pub const MAX_RISKS: usize = 50;

/// What a person states about an incident.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct IncidentFacts {
    /// What happened, in a line.
    pub title: String,
    /// The AI system involved (none only once it was removed from the inventory).
    pub system: Option<AiSystemId>,
    /// When it happened (or began).
    pub occurred_at: Timestamp,
    /// When the organisation became aware of it: the reporting periods run from here.
    pub aware_at: Timestamp,
    /// What happened, with the facts known so far.
    pub description: String,
    pub harms: Vec<HarmKind>,
    /// How many people it affected, where known.
    pub people_affected: Option<i64>,
    pub severity: Severity,
    /// What was done at once to limit it.
    pub containment: String,
    pub owner: Option<UserId>,
    pub seriousness: Seriousness,
    /// The risks of the register it bears on.
    pub risks: Vec<RiskId>,
}

impl IncidentFacts {
    /// Checks and normalises every field as of `now`, naming the first one that is wrong.
    pub fn validate(mut self, now: Timestamp) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.description = long_text("description", &self.description, MAX_TEXT)?;
        self.containment = long_text("containment", &self.containment, MAX_TEXT)?;
        if self.occurred_at > now {
            return Err(ValidationError::new(
                "occurred_at",
                "must not be in the future",
            ));
        }
        if self.aware_at > now {
            return Err(ValidationError::new(
                "aware_at",
                "must not be in the future",
            ));
        }
        if self.aware_at < self.occurred_at {
            return Err(ValidationError::new(
                "aware_at",
                "must not be before the incident occurred",
            ));
        }
        if self
            .people_affected
            .is_some_and(|n| !(0..=10_000_000_000).contains(&n))
        {
            return Err(ValidationError::new(
                "people_affected",
                "must be 0 to 10,000,000,000",
            ));
        }
        if self.risks.len() > MAX_RISKS {
            return Err(ValidationError::new(
                "risks",
                format!("at most {MAX_RISKS}"),
            ));
        }
        // A death is serious harm to health, whichever of the two was ticked.
        if self.seriousness.death {
            self.seriousness.health = true;
        }
        self.harms.sort();
        self.harms.dedup();
        self.risks.sort();
        self.risks.dedup();
        Ok(self)
    }
}

/// A report sent about an incident: to a market surveillance authority (initial or
/// complete), or, by a deployer, to the system's provider.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Report {
    /// The authority or provider it went to.
    pub to: String,
    pub at: Timestamp,
    /// Their reference, or ours.
    pub reference: String,
    /// Who recorded it.
    pub by_label: String,
}

impl Report {
    /// Checks a report's text: whom it went to, and a reference of at most 200 characters.
    pub fn validate(mut self, now: Timestamp) -> Result<Self, ValidationError> {
        self.to = bounded_text("to", &self.to, 1, 200)?;
        self.reference = long_text("reference", &self.reference, 200)?;
        if self.at > now {
            return Err(ValidationError::new("at", "must not be in the future"));
        }
        Ok(self)
    }
}

/// An incident in the organisation's register.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Incident {
    pub id: IncidentId,
    /// Its number in the register (`INC-4`).
    pub number: i64,
    pub facts: IncidentFacts,
    /// The system's name when the incident was last saved, kept should it be removed.
    pub system_name: String,
    pub status: IncidentStatus,
    /// The first report to the authority, which may be incomplete (Article 73(5)).
    pub initial_report: Option<Report>,
    /// The complete report.
    pub complete_report: Option<Report>,
    /// A deployer's notice to the provider (Article 26(5)).
    pub provider_notice: Option<Report>,
    /// The reporting deadline as computed when the incident was last saved.
    pub clock: Option<ReportingClock>,
    /// What was concluded when it was closed.
    pub closing_note: String,
    /// Who recorded it.
    pub created_by: String,
    pub revision: i64,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Incident {
    /// `INC-4`.
    pub fn reference(&self) -> String {
        format!("INC-{}", self.number)
    }

    /// Where the reporting deadline stands at `now`, when there is one.
    pub fn clock_at(&self, now: Timestamp) -> Option<Clock> {
        let clock = self.clock.as_ref()?;
        Some(clock.standing(self.initial_report.as_ref().map(|r| r.at), now))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn facts() -> IncidentFacts {
        IncidentFacts {
            title: "  Chatbot gave a dosage advice  ".into(),
            system: Some(AiSystemId::new()),
            occurred_at: at("2026-11-01T08:00:00Z"),
            aware_at: at("2026-11-02T08:00:00Z"),
            description: "A patient followed it.".into(),
            harms: vec![HarmKind::Safety, HarmKind::Safety],
            people_affected: Some(1),
            severity: Severity::Critical,
            containment: "The answer template was switched off.".into(),
            owner: None,
            seriousness: Seriousness {
                death: true,
                ..Default::default()
            },
            risks: Vec::new(),
        }
    }

    #[test]
    fn facts_are_normalised_and_a_death_counts_as_harm_to_health() {
        let f = facts().validate(at("2026-11-03T00:00:00Z")).unwrap();
        assert_eq!(f.title, "Chatbot gave a dosage advice");
        assert_eq!(f.harms, [HarmKind::Safety]);
        assert!(f.seriousness.health && f.seriousness.is_serious());
    }

    #[test]
    fn times_out_of_order_or_in_the_future_are_refused_by_field() {
        let now = at("2026-11-03T00:00:00Z");
        let field = |f: IncidentFacts| f.validate(now).unwrap_err().field;
        let mut f = facts();
        f.aware_at = at("2026-10-31T00:00:00Z");
        assert_eq!(field(f), "aware_at");
        let mut f = facts();
        f.occurred_at = at("2026-11-04T00:00:00Z");
        assert_eq!(field(f), "occurred_at");
        let mut f = facts();
        f.people_affected = Some(-1);
        assert_eq!(field(f), "people_affected");
        let mut f = facts();
        f.title = " ".into();
        assert_eq!(field(f), "title");
    }
}
