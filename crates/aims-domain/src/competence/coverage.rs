//! How far the people in each role are covered: who holds a current AI literacy measure,
//! and which required competences each holder lacks a current record for.

use super::{AimsRole, TrainingRecord};
use crate::id::UserId;
use crate::time::Timestamp;

/// A required competence of a role and the holders without a current record of it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct CompetenceGap {
    pub competence: String,
    pub missing: Vec<UserId>,
}

/// A count of people and how many of them hold a current AI literacy measure.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct LiteracyCount {
    pub people: usize,
    pub literate: usize,
}

impl LiteracyCount {
    /// The share in whole percent, rounded down so that 99.5% never shows as complete;
    /// none when there is nobody to count.
    pub fn percent(self) -> Option<u32> {
        (self.people > 0).then(|| (self.literate * 100 / self.people) as u32)
    }
}

/// One role's coverage at an instant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RoleCoverage {
    pub role: AimsRole,
    /// Holders who are current members: the people counted.
    pub holders: Vec<UserId>,
    /// Holders who are no longer members, kept on the role until someone edits it.
    pub former_members: Vec<UserId>,
    /// Holders with a current AI literacy measure.
    pub literate: Vec<UserId>,
    /// Each required competence some holder lacks; competences every holder has are left
    /// out.
    pub gaps: Vec<CompetenceGap>,
}

impl RoleCoverage {
    /// Holders counted and how many are AI literate.
    pub fn literacy(&self) -> LiteracyCount {
        LiteracyCount {
            people: self.holders.len(),
            literate: self.literate.len(),
        }
    }

    /// Holders without a current AI literacy measure.
    pub fn not_literate(&self) -> Vec<UserId> {
        self.holders
            .iter()
            .copied()
            .filter(|h| !self.literate.contains(h))
            .collect()
    }
}

fn records_of(records: &[TrainingRecord], person: UserId) -> impl Iterator<Item = &TrainingRecord> {
    records.iter().filter(move |r| r.person == person)
}

/// The coverage of each role at `now`, from every training record of the organisation and
/// its current `members`.
pub fn role_coverage(
    roles: &[AimsRole],
    records: &[TrainingRecord],
    members: &[UserId],
    now: Timestamp,
) -> Vec<RoleCoverage> {
    roles
        .iter()
        .map(|role| {
            let (holders, former_members): (Vec<UserId>, Vec<UserId>) =
                role.facts.holders.iter().partition(|h| members.contains(h));
            let literate = holders
                .iter()
                .copied()
                .filter(|h| records_of(records, *h).any(|r| r.is_current_ai_literacy(now)))
                .collect();
            let gaps = role
                .facts
                .competences
                .iter()
                .filter_map(|competence| {
                    let missing: Vec<UserId> = holders
                        .iter()
                        .copied()
                        .filter(|h| !records_of(records, *h).any(|r| r.covers(competence, now)))
                        .collect();
                    (!missing.is_empty()).then(|| CompetenceGap {
                        competence: competence.clone(),
                        missing,
                    })
                })
                .collect();
            RoleCoverage {
                role: role.clone(),
                holders,
                former_members,
                literate,
                gaps,
            }
        })
        .collect()
}

/// How many of the organisation's `members` hold a current AI literacy measure at `now`.
pub fn literacy_of_members(
    records: &[TrainingRecord],
    members: &[UserId],
    now: Timestamp,
) -> LiteracyCount {
    LiteracyCount {
        people: members.len(),
        literate: members
            .iter()
            .filter(|m| records_of(records, **m).any(|r| r.is_current_ai_literacy(now)))
            .count(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::competence::{AimsRoleFacts, TrainingFacts, TrainingKind};
    use crate::id::{AimsRoleId, TrainingRecordId};

    fn at(text: &str) -> Timestamp {
        Timestamp::parse_rfc3339(text).unwrap()
    }

    fn record(
        person: UserId,
        kind: TrainingKind,
        covers: &[&str],
        expires: Option<&str>,
    ) -> TrainingRecord {
        TrainingRecord {
            id: TrainingRecordId::new(),
            person,
            facts: TrainingFacts {
                person: Some(person),
                kind: Some(kind),
                title: "Course".into(),
                completed_on: Some(at("2026-01-05T00:00:00Z")),
                expires_on: expires.map(at),
                competences: covers.iter().map(|c| c.to_string()).collect(),
                ..Default::default()
            },
            recorded_by: "a".into(),
            created_at: at("2026-01-05T00:00:00Z"),
            updated_at: at("2026-01-05T00:00:00Z"),
            revision: 1,
        }
    }

    #[test]
    fn coverage_counts_current_members_with_current_literacy_and_names_gaps() {
        let now = at("2026-05-01T00:00:00Z");
        let (ana, ben, cy, gone) = (UserId::new(), UserId::new(), UserId::new(), UserId::new());
        let role = AimsRole {
            id: AimsRoleId::new(),
            facts: AimsRoleFacts {
                name: "Risk owner".into(),
                competences: vec!["Risk assessment".into(), "EU AI Act".into()],
                holders: vec![ana, ben, cy, gone],
                ..Default::default()
            },
            created_by: "a".into(),
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        let records = vec![
            record(ana, TrainingKind::AiLiteracy, &["EU AI Act"], None),
            record(ana, TrainingKind::Training, &["risk assessment"], None),
            // Ben's literacy lapsed; his risk course still counts.
            record(
                ben,
                TrainingKind::AiLiteracy,
                &[],
                Some("2026-04-01T00:00:00Z"),
            ),
            record(ben, TrainingKind::Qualification, &["Risk assessment"], None),
            // Someone who left is not counted, whatever they hold.
            record(gone, TrainingKind::AiLiteracy, &[], None),
        ];
        let members = [ana, ben, cy];
        let coverage = role_coverage(std::slice::from_ref(&role), &records, &members, now);
        let c = &coverage[0];
        assert_eq!(c.holders, vec![ana, ben, cy]);
        assert_eq!(c.former_members, vec![gone]);
        assert_eq!(c.literate, vec![ana]);
        assert_eq!(c.not_literate(), vec![ben, cy]);
        assert_eq!(
            c.literacy(),
            LiteracyCount {
                people: 3,
                literate: 1
            }
        );
        assert_eq!(c.literacy().percent(), Some(33));
        assert_eq!(
            c.gaps,
            vec![
                CompetenceGap {
                    competence: "Risk assessment".into(),
                    missing: vec![cy]
                },
                CompetenceGap {
                    competence: "EU AI Act".into(),
                    missing: vec![ben, cy]
                },
            ]
        );
        let org = literacy_of_members(&records, &members, now);
        assert_eq!(
            org,
            LiteracyCount {
                people: 3,
                literate: 1
            }
        );
        // Before Ben's literacy lapsed, two of three were covered.
        let earlier = literacy_of_members(&records, &members, at("2026-03-01T00:00:00Z"));
        assert_eq!(earlier.literate, 2);
    }

    #[test]
    fn nobody_to_count_has_no_share() {
        assert_eq!(LiteracyCount::default().percent(), None);
        assert_eq!(
            LiteracyCount {
                people: 200,
                literate: 199
            }
            .percent(),
            Some(99)
        );
    }
}
