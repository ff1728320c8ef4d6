//! The reporting deadline of a serious incident: the shortest period of the law that covers
//! it, counted from the moment the organisation became aware. The periods are data (the EU
//! AI Act catalogue's Article 73 points), handed in by the caller, never constants here.

use serde::{Deserialize, Serialize};

use super::{IncidentFacts, Seriousness};
use crate::time::Timestamp;

/// Which serious incidents a period covers.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PeriodCase {
    /// Every serious incident.
    SeriousIncident,
    /// A widespread infringement, or a serious and irreversible disruption of critical
    /// infrastructure.
    WidespreadOrCriticalInfrastructure,
    /// The death of a person.
    Death,
}

impl PeriodCase {
    /// Whether an incident with these answers falls under the period.
    pub fn covers(self, s: &Seriousness) -> bool {
        match self {
            PeriodCase::SeriousIncident => s.is_serious(),
            PeriodCase::WidespreadOrCriticalInfrastructure => {
                s.widespread || s.critical_infrastructure
            }
            PeriodCase::Death => s.death,
        }
    }
}

/// One reporting period of the law, as its catalogue states it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ReportingPeriod {
    /// The catalogue item that sets it (`art-73(3)`).
    pub item: String,
    pub days: u32,
    pub case: PeriodCase,
    /// The day it applies from (its amended date where an amendment moved it).
    pub applies_from: Timestamp,
}

/// The deadline an incident must be reported by, and the period that sets it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReportingClock {
    /// The catalogue item of the period (`art-73(4)`).
    pub item: String,
    pub days: u32,
    pub due: Timestamp,
}

/// Where a deadline stands.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Clock {
    /// Reported by the deadline.
    ReportedInTime,
    /// Reported, but after the deadline.
    ReportedLate,
    /// Not yet reported; this many whole hours remain.
    Running { hours_left: i64 },
    /// Not reported, and the deadline has passed.
    Overdue,
}

impl ReportingClock {
    /// Where the deadline stands at `now`, given when the first report went in.
    pub fn standing(&self, reported_at: Option<Timestamp>, now: Timestamp) -> Clock {
        match reported_at {
            Some(at) if at <= self.due => Clock::ReportedInTime,
            Some(_) => Clock::ReportedLate,
            None if now > self.due => Clock::Overdue,
            None => Clock::Running {
                hours_left: (self.due.as_micros() - now.as_micros()) / 3_600_000_000,
            },
        }
    }
}

/// The deadline of an incident with `facts`, when it is a serious incident of a high-risk
/// system and some period in `periods` applies on the day the organisation became aware.
pub fn reporting_clock(
    facts: &IncidentFacts,
    high_risk: bool,
    periods: &[ReportingPeriod],
) -> Option<ReportingClock> {
    if !high_risk || !facts.seriousness.is_serious() {
        return None;
    }
    periods
        .iter()
        .filter(|p| p.applies_from <= facts.aware_at && p.case.covers(&facts.seriousness))
        .min_by_key(|p| p.days)
        .map(|p| ReportingClock {
            item: p.item.clone(),
            days: p.days,
            due: facts.aware_at.plus_days(i64::from(p.days)),
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::AiSystemId;
    use crate::incident::Severity;

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn periods() -> Vec<ReportingPeriod> {
        let from = at("2026-08-02T00:00:00Z");
        [
            ("art-73(2)", 15, PeriodCase::SeriousIncident),
            (
                "art-73(3)",
                2,
                PeriodCase::WidespreadOrCriticalInfrastructure,
            ),
            ("art-73(4)", 10, PeriodCase::Death),
        ]
        .into_iter()
        .map(|(item, days, case)| ReportingPeriod {
            item: item.into(),
            days,
            case,
            applies_from: from,
        })
        .collect()
    }

    fn facts(seriousness: Seriousness, aware: &str) -> IncidentFacts {
        IncidentFacts {
            title: "Wrong triage".into(),
            system: Some(AiSystemId::new()),
            occurred_at: at("2026-09-01T08:00:00Z"),
            aware_at: at(aware),
            description: String::new(),
            harms: Vec::new(),
            people_affected: None,
            severity: Severity::High,
            containment: String::new(),
            owner: None,
            seriousness,
            risks: Vec::new(),
        }
    }

    #[test]
    fn the_shortest_period_that_covers_the_incident_sets_the_deadline() {
        let aware = "2026-09-03T10:00:00Z";
        let clock = |s: Seriousness| reporting_clock(&facts(s, aware), true, &periods());
        let health = Seriousness {
            health: true,
            ..Default::default()
        };
        let c = clock(health).unwrap();
        assert_eq!((c.item.as_str(), c.days), ("art-73(2)", 15));
        assert_eq!(c.due, at("2026-09-18T10:00:00Z"));
        let death = Seriousness {
            death: true,
            ..Default::default()
        };
        assert_eq!(clock(death).unwrap().days, 10);
        // A death in a disruption of critical infrastructure: the two days win.
        let both = Seriousness {
            death: true,
            critical_infrastructure: true,
            ..Default::default()
        };
        let c = clock(both).unwrap();
        assert_eq!(
            (c.item.as_str(), c.due),
            ("art-73(3)", at("2026-09-05T10:00:00Z"))
        );
        let widespread = Seriousness {
            fundamental_rights: true,
            widespread: true,
            ..Default::default()
        };
        assert_eq!(clock(widespread).unwrap().days, 2);
    }

    #[test]
    fn no_deadline_when_not_serious_not_high_risk_or_before_the_law_applies() {
        let serious = Seriousness {
            property_or_environment: true,
            ..Default::default()
        };
        let f = facts(Seriousness::default(), "2026-09-03T10:00:00Z");
        assert_eq!(reporting_clock(&f, true, &periods()), None);
        let f = facts(serious, "2026-09-03T10:00:00Z");
        assert_eq!(reporting_clock(&f, false, &periods()), None);
        assert_eq!(reporting_clock(&f, true, &[]), None);
        let mut early = facts(serious, "2026-08-01T23:59:59Z");
        early.occurred_at = at("2026-07-30T00:00:00Z");
        assert_eq!(reporting_clock(&early, true, &periods()), None);
    }

    #[test]
    fn the_clock_runs_until_the_first_report_and_says_whether_it_was_in_time() {
        let clock = ReportingClock {
            item: "art-73(3)".into(),
            days: 2,
            due: at("2026-09-05T10:00:00Z"),
        };
        assert_eq!(
            clock.standing(None, at("2026-09-04T09:30:00Z")),
            Clock::Running { hours_left: 24 }
        );
        assert_eq!(
            clock.standing(None, at("2026-09-05T10:00:01Z")),
            Clock::Overdue
        );
        let early = Some(at("2026-09-05T09:00:00Z"));
        assert_eq!(
            clock.standing(early, at("2026-10-01T00:00:00Z")),
            Clock::ReportedInTime
        );
        let late = Some(at("2026-09-06T09:00:00Z"));
        assert_eq!(
            clock.standing(late, at("2026-10-01T00:00:00Z")),
            Clock::ReportedLate
        );
    }
}
