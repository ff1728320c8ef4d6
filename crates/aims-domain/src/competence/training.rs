//! What one person has done to become or stay competent: a course, an attestation, a
//! qualification or an AI literacy measure, on a day, perhaps until a day.

use serde::{Deserialize, Serialize};

use super::{competence_list, same_competence};
use crate::id::{EvidenceId, TrainingRecordId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// What kind of record it is.
    pub enum TrainingKind ("kind") {
        Training = "training": "Training",
        Attestation = "attestation": "Attestation",
        Qualification = "qualification": "Qualification",
        AiLiteracy = "ai_literacy": "AI literacy",
    }
}

/// Days before its expiry from which a record is flagged and its holder given a task.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

/// Most competences one record may cover.
const MAX_COVERED: usize = 30;

const DAY_MICROS: i64 = 86_400_000_000;

/// The start (00:00 UTC) of the day `at` falls on: records count in whole days.
fn day_of(at: Timestamp) -> Timestamp {
    let micros = at.as_micros();
    Timestamp::from_micros(micros - micros.rem_euclid(DAY_MICROS))
}

/// What a person states about a training record.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TrainingFacts {
    /// Whose record it is.
    pub person: Option<UserId>,
    pub kind: Option<TrainingKind>,
    /// The course, attestation or qualification.
    pub title: String,
    /// The day it was completed or granted.
    pub completed_on: Option<Timestamp>,
    /// The last day it counts, if it lapses.
    pub expires_on: Option<Timestamp>,
    /// Who gave it: a training provider, an awarding body, a colleague.
    pub provider: String,
    pub notes: String,
    /// A piece of the evidence register that shows it (a certificate, an attendance list).
    pub evidence: Option<EvidenceId>,
    /// The competences it gives.
    pub competences: Vec<String>,
}

impl TrainingFacts {
    /// Checks and normalises every field, naming the first one that is wrong: a person, a
    /// title and a completion day no later than `now`'s are needed, and an expiry after it.
    /// Days are kept as their start in UTC.
    pub fn validate(mut self, now: Timestamp) -> Result<Self, ValidationError> {
        if self.person.is_none() {
            return Err(ValidationError::new("person", "name whose record it is"));
        }
        self.title = bounded_text("title", &self.title, 1, 200)?;
        let Some(completed) = self.completed_on.map(day_of) else {
            return Err(ValidationError::new(
                "completed_on",
                "give the day it was completed",
            ));
        };
        if completed > day_of(now) {
            return Err(ValidationError::new(
                "completed_on",
                "must not be later than today: record what has been done",
            ));
        }
        self.completed_on = Some(completed);
        self.expires_on = self.expires_on.map(day_of);
        if let Some(expires) = self.expires_on
            && expires <= completed
        {
            return Err(ValidationError::new(
                "expires_on",
                "must be after the day it was completed",
            ));
        }
        self.provider = bounded_text("provider", &self.provider, 0, 200)?;
        self.notes = long_text("notes", &self.notes, 10_000)?;
        self.competences = competence_list("competences", &self.competences, MAX_COVERED)?;
        Ok(self)
    }

    /// The kind, training unless given.
    pub fn kind(&self) -> TrainingKind {
        self.kind.unwrap_or(TrainingKind::Training)
    }
}

/// Where a record stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrainingStanding {
    /// It counts and does not lapse within [`EXPIRY_NOTICE_DAYS`].
    Current,
    /// It counts, but its last day is within [`EXPIRY_NOTICE_DAYS`].
    ExpiresSoon,
    /// Its last day is over.
    Expired,
}

impl TrainingStanding {
    /// The name stored in views and filters.
    pub const fn as_str(self) -> &'static str {
        match self {
            TrainingStanding::Current => "current",
            TrainingStanding::ExpiresSoon => "expires_soon",
            TrainingStanding::Expired => "expired",
        }
    }

    /// The words shown to people.
    pub const fn label(self) -> &'static str {
        match self {
            TrainingStanding::Current => "Current",
            TrainingStanding::ExpiresSoon => "Expires soon",
            TrainingStanding::Expired => "Expired",
        }
    }
}

/// A training record as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TrainingRecord {
    pub id: TrainingRecordId,
    pub person: UserId,
    pub facts: TrainingFacts,
    /// Who recorded it, as the audit trail names them.
    pub recorded_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

impl TrainingRecord {
    /// Where it stands at `now`: its expiry day counts in full, so it is expired from the
    /// start of the next day.
    pub fn standing(&self, now: Timestamp) -> TrainingStanding {
        match self.facts.expires_on {
            Some(last) if now >= last.plus_days(1) => TrainingStanding::Expired,
            Some(last) if now.plus_days(EXPIRY_NOTICE_DAYS) >= last => {
                TrainingStanding::ExpiresSoon
            }
            _ => TrainingStanding::Current,
        }
    }

    /// Whether it counts at `now`: completed, and not expired.
    pub fn counts(&self, now: Timestamp) -> bool {
        self.facts.completed_on.is_some_and(|c| c <= now)
            && self.standing(now) != TrainingStanding::Expired
    }

    /// Whether it counts at `now` as an AI literacy measure.
    pub fn is_current_ai_literacy(&self, now: Timestamp) -> bool {
        self.facts.kind() == TrainingKind::AiLiteracy && self.counts(now)
    }

    /// Whether it counts at `now` for `competence`.
    pub fn covers(&self, competence: &str, now: Timestamp) -> bool {
        self.counts(now)
            && self
                .facts
                .competences
                .iter()
                .any(|c| same_competence(c, competence))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn facts() -> TrainingFacts {
        TrainingFacts {
            person: Some(UserId::new()),
            title: "EU AI Act essentials".into(),
            completed_on: Some(at("2026-03-10T15:30:00Z")),
            ..Default::default()
        }
    }

    #[test]
    fn a_record_needs_a_person_a_title_and_a_past_completion_day() {
        let now = at("2026-04-01T08:00:00Z");
        let ok = facts().validate(now).unwrap();
        assert_eq!(ok.completed_on, Some(at("2026-03-10T00:00:00Z")));
        assert_eq!(ok.kind(), TrainingKind::Training);
        let no_person = TrainingFacts {
            person: None,
            ..facts()
        };
        assert_eq!(no_person.validate(now).unwrap_err().field, "person");
        let no_title = TrainingFacts {
            title: " ".into(),
            ..facts()
        };
        assert_eq!(no_title.validate(now).unwrap_err().field, "title");
        let no_day = TrainingFacts {
            completed_on: None,
            ..facts()
        };
        assert_eq!(no_day.validate(now).unwrap_err().field, "completed_on");
        let future = TrainingFacts {
            completed_on: Some(at("2026-04-02T00:00:00Z")),
            ..facts()
        };
        assert_eq!(future.validate(now).unwrap_err().field, "completed_on");
        // Later the same day is still today.
        let today = TrainingFacts {
            completed_on: Some(at("2026-04-01T23:00:00Z")),
            ..facts()
        };
        assert!(today.validate(now).is_ok());
    }

    #[test]
    fn an_expiry_comes_after_completion() {
        let now = at("2026-04-01T08:00:00Z");
        let same_day = TrainingFacts {
            expires_on: Some(at("2026-03-10T20:00:00Z")),
            ..facts()
        };
        assert_eq!(same_day.validate(now).unwrap_err().field, "expires_on");
        let later = TrainingFacts {
            expires_on: Some(at("2027-03-10T20:00:00Z")),
            ..facts()
        };
        assert_eq!(
            later.validate(now).unwrap().expires_on,
            Some(at("2027-03-10T00:00:00Z"))
        );
    }

    #[test]
    fn standing_counts_the_expiry_day_in_full() {
        let mut record = TrainingRecord {
            id: TrainingRecordId::new(),
            person: UserId::new(),
            facts: TrainingFacts {
                kind: Some(TrainingKind::AiLiteracy),
                competences: vec!["Prompt safety".into()],
                expires_on: Some(at("2026-06-30T00:00:00Z")),
                ..facts()
            },
            recorded_by: "a".into(),
            created_at: at("2026-03-10T00:00:00Z"),
            updated_at: at("2026-03-10T00:00:00Z"),
            revision: 1,
        };
        let standing = |r: &TrainingRecord, t: &str| r.standing(at(t));
        assert_eq!(
            standing(&record, "2026-05-01T00:00:00Z"),
            TrainingStanding::Current
        );
        assert_eq!(
            standing(&record, "2026-06-01T00:00:00Z"),
            TrainingStanding::ExpiresSoon
        );
        assert_eq!(
            standing(&record, "2026-06-30T23:59:59Z"),
            TrainingStanding::ExpiresSoon
        );
        assert_eq!(
            standing(&record, "2026-07-01T00:00:00Z"),
            TrainingStanding::Expired
        );
        assert!(record.is_current_ai_literacy(at("2026-06-30T12:00:00Z")));
        assert!(!record.is_current_ai_literacy(at("2026-07-01T00:00:00Z")));
        assert!(record.covers("prompt SAFETY", at("2026-05-01T00:00:00Z")));
        assert!(!record.covers("Risk assessment", at("2026-05-01T00:00:00Z")));
        record.facts.kind = Some(TrainingKind::Training);
        assert!(!record.is_current_ai_literacy(at("2026-05-01T00:00:00Z")));
        record.facts.expires_on = None;
        assert_eq!(
            standing(&record, "2099-01-01T00:00:00Z"),
            TrainingStanding::Current
        );
    }
}
