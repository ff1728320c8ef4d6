//! Monitoring and measurement (ISO/IEC 42001 9.1) and the objectives they serve (6.2):
//! metrics fed by people or computed by aims from its own records, kept as a time series and
//! judged against a target and thresholds.

mod objective;
mod trend;
mod value;

use serde::{Deserialize, Serialize};

pub use objective::{Objective, ObjectiveFacts, ObjectiveStatus};
pub use trend::{TrendPoint, trend};
pub use value::MetricValue;

use crate::id::{AiSystemId, MeasurementId, MetricId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// Which way a metric improves.
    pub enum Direction ("direction") {
        HigherIsBetter = "higher_is_better": "Higher is better",
        LowerIsBetter = "lower_is_better": "Lower is better",
    }
}

crate::choice! {
    /// How often a metric is measured.
    pub enum Cadence ("cadence") {
        Daily = "daily": "Daily",
        Weekly = "weekly": "Weekly",
        Monthly = "monthly": "Monthly",
        Quarterly = "quarterly": "Quarterly",
    }
}

impl Cadence {
    /// When the measurement after one taken at `at` falls due.
    pub fn next_after(self, at: Timestamp) -> Timestamp {
        match self {
            Cadence::Daily => at.plus_days(1),
            Cadence::Weekly => at.plus_days(7),
            Cadence::Monthly => at.plus_months(1),
            Cadence::Quarterly => at.plus_months(3),
        }
    }
}

crate::choice! {
    /// Where a metric's measurements come from: people, or aims's own records.
    pub enum MetricSource ("source") {
        Manual = "manual": "Recorded by people",
        RedTeamAttackSuccess = "redteam_attack_success": "Attack-success rate of the latest red-team run",
        HighRiskAssessed = "high_risk_assessed": "High-risk systems with a current approved impact assessment",
        EvidenceCurrent = "evidence_current": "Evidence still valid",
        OverdueRiskReviews = "overdue_risk_reviews": "Risk reviews overdue",
        OpenNonconformities = "open_nonconformities": "Open nonconformities",
    }
}

impl MetricSource {
    /// Whether aims computes it on a schedule, rather than people recording it.
    pub const fn is_computed(self) -> bool {
        !matches!(self, MetricSource::Manual)
    }

    /// The unit its values are in, for computed sources.
    pub const fn unit(self) -> Option<&'static str> {
        match self {
            MetricSource::Manual => None,
            MetricSource::OverdueRiskReviews => Some("reviews"),
            MetricSource::OpenNonconformities => Some("nonconformities"),
            _ => Some("%"),
        }
    }

    /// The way it improves, for computed sources.
    pub const fn direction(self) -> Option<Direction> {
        match self {
            MetricSource::Manual => None,
            MetricSource::RedTeamAttackSuccess
            | MetricSource::OverdueRiskReviews
            | MetricSource::OpenNonconformities => Some(Direction::LowerIsBetter),
            MetricSource::HighRiskAssessed | MetricSource::EvidenceCurrent => {
                Some(Direction::HigherIsBetter)
            }
        }
    }
}

crate::choice! {
    /// How a value stands against the metric's target and thresholds.
    pub enum Standing ("standing") {
        Met = "met": "Target met",
        OffTarget = "off_target": "Short of target",
        Warning = "warning": "Warning",
        Breached = "breached": "Threshold breached",
        Unjudged = "unjudged": "No target set",
    }
}

/// What a person states about a metric.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct MetricFacts {
    pub name: String,
    pub description: String,
    /// What its values count: `%`, `days`, `incidents`...
    pub unit: String,
    pub direction: Direction,
    pub target: Option<MetricValue>,
    /// A value beyond this one asks for attention.
    pub warning: Option<MetricValue>,
    /// A value beyond this one breaches the metric and opens a task for its owner.
    pub breach: Option<MetricValue>,
    pub cadence: Cadence,
    pub source: MetricSource,
    /// For the red-team source: the one system it watches (every system's latest run when
    /// none).
    pub system: Option<AiSystemId>,
    pub owner: Option<UserId>,
}

impl MetricFacts {
    /// Checks and normalises every field, naming the first one that is wrong: computed
    /// sources fix the unit and direction, and the thresholds must lie on the side of the
    /// target that the direction makes worse.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.name = bounded_text("name", &self.name, 1, 200)?;
        self.description = long_text("description", &self.description, 10_000)?;
        if let Some(unit) = self.source.unit() {
            self.unit = unit.to_owned();
        }
        if let Some(direction) = self.source.direction() {
            self.direction = direction;
        }
        self.unit = bounded_text("unit", &self.unit, 1, 40)?;
        if self.system.is_some() && self.source != MetricSource::RedTeamAttackSuccess {
            return Err(ValidationError::new(
                "system",
                "only a red-team attack-success metric watches one system",
            ));
        }
        // Ordered from best to worst: target, then warning, then breach.
        let ordered = [
            ("target", self.target),
            ("warning", self.warning),
            ("breach", self.breach),
        ];
        let given: Vec<_> = ordered
            .iter()
            .filter_map(|(f, v)| v.map(|v| (*f, v)))
            .collect();
        for pair in given.windows(2) {
            let ((better_field, better), (worse_field, worse)) = (pair[0], pair[1]);
            if self.worse(better, worse) {
                let side = match self.direction {
                    Direction::HigherIsBetter => "at or below",
                    Direction::LowerIsBetter => "at or above",
                };
                return Err(ValidationError::new(
                    worse_field,
                    format!("must be {side} the {better_field} ({better}), the worse side"),
                ));
            }
        }
        Ok(self)
    }

    /// Whether `a` is strictly worse than `b` for this metric.
    fn worse(&self, a: MetricValue, b: MetricValue) -> bool {
        match self.direction {
            Direction::HigherIsBetter => a < b,
            Direction::LowerIsBetter => a > b,
        }
    }

    /// How `value` stands: beyond the breach threshold, beyond the warning one, short of the
    /// target, or meeting it. A value equal to a threshold has not gone beyond it.
    pub fn standing(&self, value: MetricValue) -> Standing {
        if self.breach.is_some_and(|b| self.worse(value, b)) {
            Standing::Breached
        } else if self.warning.is_some_and(|w| self.worse(value, w)) {
            Standing::Warning
        } else if let Some(target) = self.target {
            if self.worse(value, target) {
                Standing::OffTarget
            } else {
                Standing::Met
            }
        } else {
            Standing::Unjudged
        }
    }
}

/// A metric, with its latest measurement.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Metric {
    pub id: MetricId,
    pub facts: MetricFacts,
    pub latest: Option<Measurement>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

impl Metric {
    /// How its latest value stands, if it has one.
    pub fn standing(&self) -> Option<Standing> {
        self.latest.as_ref().map(|m| self.facts.standing(m.value))
    }

    /// When its next measurement falls due: now when it has none.
    pub fn next_due(&self) -> Option<Timestamp> {
        self.latest
            .as_ref()
            .map(|m| self.facts.cadence.next_after(m.at))
    }

    /// Whether a measurement is overdue at `now` (a day's grace past its cadence).
    pub fn overdue(&self, now: Timestamp) -> bool {
        match self.next_due() {
            Some(due) => due.plus_days(1) <= now,
            None => self.created_at.plus_days(1) <= now,
        }
    }
}

/// One measurement of a metric.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Measurement {
    pub id: MeasurementId,
    pub metric: MetricId,
    /// When the value held (people may record a past measurement).
    pub at: Timestamp,
    pub value: MetricValue,
    pub note: String,
    /// Who recorded it (a person's label, or `aims` for computed values).
    pub recorded_by: String,
    pub recorded_by_user: Option<UserId>,
    pub created_at: Timestamp,
}

#[cfg(test)]
mod tests;
