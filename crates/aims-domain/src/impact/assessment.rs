//! The content of one version of an impact assessment, and the assessment around it.

use serde::{Deserialize, Serialize};

use crate::id::{AiSystemId, ImpactAssessmentId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// The kinds of harm an assessment looks at.
    pub enum HarmKind ("harms.kind") {
        Fairness = "fairness": "Fairness and discrimination",
        Privacy = "privacy": "Privacy",
        Safety = "safety": "Safety",
        Security = "security": "Security",
        Transparency = "transparency": "Transparency",
        Autonomy = "autonomy": "Autonomy and human rights",
        Environment = "environment": "Environment",
        Society = "society": "Society",
    }
}

crate::choice! {
    /// A four-step rating of severity or likelihood, the same for every organisation so that
    /// assessments compare; the risk register has the organisation's own scales.
    pub enum Rating ("rating") {
        Low = "low": "Low",
        Moderate = "moderate": "Moderate",
        High = "high": "High",
        VeryHigh = "very_high": "Very high",
    }
}

/// Most harms in one assessment.
pub const MAX_HARMS: usize = 60;
const PROSE: usize = 20_000;

/// One potential harm, rated before and after its mitigations.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Harm {
    pub kind: HarmKind,
    pub description: String,
    /// The groups of people it falls on.
    pub affected: String,
    pub severity: Rating,
    pub likelihood: Rating,
    pub mitigations: String,
    pub residual_severity: Rating,
    pub residual_likelihood: Rating,
}

/// The points of a fundamental rights impact assessment (EU AI Act Article 27(1)(a)–(f)).
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Fria {
    /// (a) the deployer's processes in which the system is used.
    pub processes: String,
    /// (b) the period and frequency of use.
    pub period_and_frequency: String,
    /// (c) the categories of people likely to be affected.
    pub affected_categories: String,
    /// (d) the specific risks of harm to them.
    pub specific_risks: String,
    /// (e) the human oversight measures.
    pub human_oversight: String,
    /// (f) what is done if the risks materialise, incl. governance and complaints.
    pub measures_if_risks_materialise: String,
}

/// What one version of an assessment says.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct AssessmentContent {
    pub title: String,
    pub scope: String,
    pub period_of_use: String,
    pub affected_groups: String,
    pub benefits: String,
    pub harms: Vec<Harm>,
    pub human_oversight: String,
    pub residual_impact: String,
    /// Present when Article 27 applies to the system.
    pub fria: Option<Fria>,
    pub next_review: Option<Timestamp>,
}

impl AssessmentContent {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        for (field, value) in [
            ("scope", &mut self.scope),
            ("period_of_use", &mut self.period_of_use),
            ("affected_groups", &mut self.affected_groups),
            ("benefits", &mut self.benefits),
            ("human_oversight", &mut self.human_oversight),
            ("residual_impact", &mut self.residual_impact),
        ] {
            *value = long_text(field, value, PROSE)?;
        }
        if self.harms.len() > MAX_HARMS {
            return Err(ValidationError::new(
                "harms",
                format!("at most {MAX_HARMS} harms"),
            ));
        }
        for harm in &mut self.harms {
            harm.description = bounded_text("harms.description", &harm.description, 1, 2_000)?;
            harm.affected = long_text("harms.affected", &harm.affected, 2_000)?;
            harm.mitigations = long_text("harms.mitigations", &harm.mitigations, PROSE)?;
            if harm.residual_severity > harm.severity || harm.residual_likelihood > harm.likelihood
            {
                return Err(ValidationError::new(
                    "harms.residual_severity",
                    format!(
                        "the residual rating of {:?} is above its rating before mitigation",
                        harm.description
                    ),
                ));
            }
        }
        if let Some(fria) = &mut self.fria {
            for (field, value) in [
                ("fria.processes", &mut fria.processes),
                ("fria.period_and_frequency", &mut fria.period_and_frequency),
                ("fria.affected_categories", &mut fria.affected_categories),
                ("fria.specific_risks", &mut fria.specific_risks),
                ("fria.human_oversight", &mut fria.human_oversight),
                (
                    "fria.measures_if_risks_materialise",
                    &mut fria.measures_if_risks_materialise,
                ),
            ] {
                *value = long_text(field, value, PROSE)?;
            }
        }
        Ok(self)
    }

    /// The FRIA points left empty, by their letter; approval needs none left.
    pub fn missing_fria_points(&self) -> Vec<&'static str> {
        let Some(f) = &self.fria else {
            return Vec::new();
        };
        [
            ("(a)", &f.processes),
            ("(b)", &f.period_and_frequency),
            ("(c)", &f.affected_categories),
            ("(d)", &f.specific_risks),
            ("(e)", &f.human_oversight),
            ("(f)", &f.measures_if_risks_materialise),
        ]
        .into_iter()
        .filter(|(_, v)| v.trim().is_empty())
        .map(|(p, _)| p)
        .collect()
    }
}

/// Who approved which version, and when.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Approval {
    pub version: i64,
    pub by: Option<UserId>,
    /// The approver as the audit trail names them.
    pub by_label: String,
    pub at: Timestamp,
}

/// An impact assessment of one system: its latest content and its approval.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImpactAssessment {
    pub id: ImpactAssessmentId,
    pub system: AiSystemId,
    /// The latest version's number; every save adds one.
    pub version: i64,
    pub content: AssessmentContent,
    pub approval: Option<Approval>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl ImpactAssessment {
    /// Approved, the approved version is the latest, and its review date has not passed.
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.approval
            .as_ref()
            .is_some_and(|a| a.version == self.version)
            && self.content.next_review.is_none_or(|due| due > now)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn harm() -> Harm {
        Harm {
            kind: HarmKind::Fairness,
            description: "Lower scores for applicants from some postcodes".into(),
            affected: "Applicants".into(),
            severity: Rating::High,
            likelihood: Rating::Moderate,
            mitigations: "Postcode removed from features; quarterly bias test".into(),
            residual_severity: Rating::Moderate,
            residual_likelihood: Rating::Low,
        }
    }

    #[test]
    fn a_residual_rating_above_the_inherent_one_is_refused() {
        let ok = AssessmentContent {
            title: "Credit scoring 2026".into(),
            harms: vec![harm()],
            ..Default::default()
        };
        assert!(ok.clone().validate().is_ok());
        let mut bad = ok.clone();
        bad.harms[0].residual_likelihood = Rating::VeryHigh;
        assert_eq!(bad.validate().unwrap_err().field, "harms.residual_severity");
        let mut untitled = ok;
        untitled.title = " ".into();
        assert_eq!(untitled.validate().unwrap_err().field, "title");
    }

    #[test]
    fn fria_points_left_empty_are_named() {
        let mut content = AssessmentContent::default();
        assert!(
            content.missing_fria_points().is_empty(),
            "no FRIA asked for"
        );
        content.fria = Some(Fria {
            processes: "Loan origination".into(),
            specific_risks: "Exclusion from credit".into(),
            ..Default::default()
        });
        assert_eq!(content.missing_fria_points(), ["(b)", "(c)", "(e)", "(f)"]);
    }

    #[test]
    fn only_an_approved_latest_version_before_its_review_date_is_current() {
        let now = Timestamp::from_micros(1_800_000_000_000_000);
        let mut a = ImpactAssessment {
            id: ImpactAssessmentId::new(),
            system: AiSystemId::new(),
            version: 2,
            content: AssessmentContent::default(),
            approval: None,
            created_at: now,
            updated_at: now,
        };
        assert!(!a.is_current(now));
        a.approval = Some(Approval {
            version: 1,
            by: None,
            by_label: "x".into(),
            at: now,
        });
        assert!(!a.is_current(now), "a later draft is not approved");
        a.approval.as_mut().unwrap().version = 2;
        assert!(a.is_current(now));
        a.content.next_review = Some(now);
        assert!(!a.is_current(now), "the review date has come");
    }
}
