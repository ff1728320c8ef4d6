//! The getting-started path: the order in which an AI management system is built, each step
//! marked done from the organisation's own records, so that a newcomer sees what to do next.

use aims_domain::{Actor, Permission};

use crate::error::Result;
use crate::{App, Readiness};

/// One step of the path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Step {
    pub title: &'static str,
    /// Why the step matters, and what the management system standard asks of it.
    pub why: &'static str,
    pub done: bool,
    /// Where the step is taken.
    pub href: &'static str,
    pub action: &'static str,
}

/// The path, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GettingStarted {
    pub steps: Vec<Step>,
}

impl GettingStarted {
    /// How many steps are done.
    pub fn done(&self) -> usize {
        self.steps.iter().filter(|s| s.done).count()
    }

    /// The first step not done yet.
    pub fn next(&self) -> Option<&Step> {
        self.steps.iter().find(|s| !s.done)
    }

    /// The path from the organisation's readiness figures and its first records.
    pub fn from_records(
        readiness: &Readiness,
        first: aims_store::FirstRecords,
        members: usize,
    ) -> Self {
        let unclassified = readiness
            .by_class
            .iter()
            .find(|(class, _)| class == "unclassified")
            .map_or(0, |(_, n)| *n);
        let has_systems = readiness.systems > 0;
        let documented = |id: &str| {
            readiness
                .clauses
                .iter()
                .any(|c| c.documented.iter().any(|d| d == id))
        };
        let mut steps = vec![
            Step {
                title: "Bring in the people",
                why: "Invite the owners of AI systems and risks, and the people who approve (clause 5.3: roles and responsibilities).",
                done: members > 1,
                href: "/members",
                action: "Invite members",
            },
            Step {
                title: "Set the scope and the AI policy",
                why: "What the management system covers and what the organisation commits to, approved by a second person (clauses 4.3 and 5.2); starter templates help.",
                done: documented("4.3") && documented("5.2"),
                href: "/documents/templates",
                action: "Start from a template",
            },
            Step {
                title: "Record your AI systems",
                why: "The inventory is the scope of everything that follows: every AI system you provide, develop or use.",
                done: has_systems,
                href: "/systems/new",
                action: "Record an AI system",
            },
            Step {
                title: "Classify each system under the EU AI Act",
                why: "The questionnaire finds the class and your role's obligations, which the Statement of Applicability takes up.",
                done: has_systems && unclassified == 0,
                href: "/systems?class=unclassified",
                action: "Classify systems",
            },
            Step {
                title: "Assess the impact on people",
                why: "An approved impact assessment for each system, high-risk ones first (clause 6.1.4; Article 27 where it applies).",
                done: first.approved_impact_assessment && readiness.missing_assessment_count == 0,
                href: "/impact-assessments",
                action: "Assess impact",
            },
            Step {
                title: "Agree the risk method and record risks",
                why: "Your own scales and appetite, then the risks of each system with their treatment (clauses 6.1.2 and 6.1.3).",
                done: first.risk_method && first.risk,
                href: "/risks",
                action: "Open the risk register",
            },
            Step {
                title: "Approve the Statement of Applicability",
                why: "Which Annex A controls apply and why, derived from your risks and obligations, approved as a version.",
                done: first.approved_soa_version,
                href: "/soa",
                action: "Review the SoA",
            },
            Step {
                title: "Attach evidence",
                why: "Files and links that show each requirement and control at work, with how long they stay valid.",
                done: first.evidence,
                href: "/evidence",
                action: "Add evidence",
            },
        ];
        let ready = steps.iter().all(|s| s.done)
            && readiness.evidence_expired == 0
            && readiness.overdue_risk_reviews == 0
            && readiness.needing_review == 0;
        steps.push(Step {
            title: "Get ready for the audit",
            why: "No expired evidence, overdue risk review or classification waiting for review: what an auditor samples first.",
            done: ready,
            href: "/#readiness",
            action: "See what is left",
        });
        GettingStarted { steps }
    }
}

impl App {
    /// The getting-started path of the actor's organisation.
    pub async fn getting_started(&self, actor: &Actor) -> Result<GettingStarted> {
        actor.require(Permission::ReadOrganisation)?;
        let readiness = self.readiness(actor).await?;
        let mut tx = self.store.read().await?;
        let first = tx.first_records(actor.org).await?;
        let members = tx.members(actor.org).await?.len();
        Ok(GettingStarted::from_records(&readiness, first, members))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn readiness() -> Readiness {
        Readiness {
            systems: 0,
            systems_out_of_scope: 0,
            by_class: vec![("unclassified".into(), 0)],
            needing_review: 0,
            missing_assessments: Vec::new(),
            missing_assessment_count: 0,
            evidence_expired: 0,
            evidence_expiring: 0,
            open_high_risks: 0,
            high_from: "High".into(),
            overdue_risk_reviews: 0,
            coverage: Vec::new(),
            clauses: Vec::new(),
            documents: Default::default(),
        }
    }

    #[test]
    fn an_empty_organisation_starts_at_the_first_step() {
        let path = GettingStarted::from_records(&readiness(), Default::default(), 1);
        assert_eq!(path.done(), 0);
        assert_eq!(path.next().map(|s| s.title), Some("Bring in the people"));
    }

    #[test]
    fn unclassified_systems_keep_the_classification_step_open() {
        let mut r = readiness();
        r.systems = 3;
        r.by_class = vec![("high_risk".into(), 2), ("unclassified".into(), 1)];
        let path = GettingStarted::from_records(&r, Default::default(), 2);
        assert_eq!(path.done(), 2, "people and systems");
        let classify = path
            .steps
            .iter()
            .find(|s| s.title == "Classify each system under the EU AI Act")
            .unwrap();
        assert!(!classify.done);
    }

    #[test]
    fn every_record_in_place_and_nothing_lapsed_finishes_the_path() {
        let mut r = readiness();
        r.systems = 1;
        r.by_class = vec![("minimal".into(), 1), ("unclassified".into(), 0)];
        let all = aims_store::FirstRecords {
            risk_method: true,
            impact_assessment: true,
            approved_impact_assessment: true,
            risk: true,
            evidence: true,
            soa_version: true,
            approved_soa_version: true,
        };
        let path = GettingStarted::from_records(&r, all, 2);
        assert_eq!(
            path.next().map(|s| s.title),
            Some("Set the scope and the AI policy")
        );
        r.clauses = ["4.3", "5.2"]
            .iter()
            .map(|id| crate::ClauseCoverage {
                documented: vec![(*id).to_owned()],
                ..Default::default()
            })
            .collect();
        let path = GettingStarted::from_records(&r, all, 2);
        assert_eq!(path.done(), path.steps.len());
        r.evidence_expired = 1;
        let lapsed = GettingStarted::from_records(&r, all, 2);
        assert_eq!(
            lapsed.next().map(|s| s.title),
            Some("Get ready for the audit")
        );
    }
}
