//! AI objectives (ISO/IEC 42001 6.2): what the organisation means to achieve, how it will
//! tell, by when, who answers for it and with what.

use serde::{Deserialize, Serialize};

use crate::id::{DocumentId, MetricId, ObjectiveId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// Where an objective stands.
    pub enum ObjectiveStatus ("status") {
        Planned = "planned": "Planned",
        OnTrack = "on_track": "On track",
        AtRisk = "at_risk": "At risk",
        Achieved = "achieved": "Achieved",
        Missed = "missed": "Not achieved",
        Withdrawn = "withdrawn": "Withdrawn",
    }
}

impl ObjectiveStatus {
    /// Whether work on it goes on.
    pub const fn is_open(self) -> bool {
        matches!(
            self,
            ObjectiveStatus::Planned | ObjectiveStatus::OnTrack | ObjectiveStatus::AtRisk
        )
    }
}

/// What a person states about an objective.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObjectiveFacts {
    /// What is to be achieved, in a sentence.
    pub statement: String,
    /// The commitment of the AI policy it carries out, in the policy's words or a summary.
    pub commitment: String,
    /// The AI policy (or other document) that makes the commitment.
    pub policy: Option<DocumentId>,
    /// The metric that measures it, if aims keeps one.
    pub metric: Option<MetricId>,
    /// How progress is measured (beyond, or instead of, a metric).
    pub measure: String,
    /// The result that counts as achieved.
    pub target: String,
    pub deadline: Option<Timestamp>,
    pub owner: Option<UserId>,
    /// The people, money and tools it needs.
    pub resources: String,
    /// How, when and by whom results are evaluated.
    pub evaluation: String,
    pub status: ObjectiveStatus,
}

impl ObjectiveFacts {
    /// Checks and normalises every field, naming the first one that is wrong. An objective
    /// must be measurable: a metric, or a stated measure.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.statement = bounded_text("statement", &self.statement, 1, 300)?;
        self.commitment = long_text("commitment", &self.commitment, 4_000)?;
        self.measure = long_text("measure", &self.measure, 4_000)?;
        self.target = long_text("target", &self.target, 1_000)?;
        self.resources = long_text("resources", &self.resources, 4_000)?;
        self.evaluation = long_text("evaluation", &self.evaluation, 4_000)?;
        if self.metric.is_none() && self.measure.trim().is_empty() {
            return Err(ValidationError::new(
                "measure",
                "say how progress is measured, or choose a metric",
            ));
        }
        Ok(self)
    }
}

/// An objective.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Objective {
    pub id: ObjectiveId,
    pub facts: ObjectiveFacts,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

impl Objective {
    /// Whether it is still open after its deadline's day at `now`.
    pub fn overdue(&self, now: Timestamp) -> bool {
        self.facts.status.is_open() && self.facts.deadline.is_some_and(|d| d.plus_days(1) <= now)
    }
}
