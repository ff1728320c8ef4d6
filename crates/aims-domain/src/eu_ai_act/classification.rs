//! What a classification is: the risk class, its bases, the duties beside it, and the
//! reasoning, all named by catalogue ids so the app can look each step up.

use serde::{Deserialize, Serialize};

use super::catalogue::ANNEX_I_SECTION_B;

/// The risk class of an AI system, most severe first.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum RiskClass {
    /// A practice Article 5 bans.
    Prohibited,
    /// High-risk under Article 6(1) (Annex I) or 6(2) (Annex III).
    HighRisk,
    /// Only the disclosure duties of Article 50.
    Transparency,
    /// None of the above; voluntary codes of conduct only.
    Minimal,
}

impl RiskClass {
    /// The name used in the API and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            RiskClass::Prohibited => "prohibited",
            RiskClass::HighRisk => "high_risk",
            RiskClass::Transparency => "transparency",
            RiskClass::Minimal => "minimal",
        }
    }

    /// A short name for people.
    pub const fn label(self) -> &'static str {
        match self {
            RiskClass::Prohibited => "Prohibited",
            RiskClass::HighRisk => "High-risk",
            RiskClass::Transparency => "Transparency obligations",
            RiskClass::Minimal => "Minimal risk",
        }
    }

    /// The label of a class as stored (`high_risk`); anything else reads "Not classified".
    pub fn label_of(stored: &str) -> &'static str {
        [
            RiskClass::Prohibited,
            RiskClass::HighRisk,
            RiskClass::Transparency,
            RiskClass::Minimal,
        ]
        .into_iter()
        .find(|c| c.as_str() == stored)
        .map_or("Not classified", RiskClass::label)
    }
}

/// Which set of general-purpose model duties applies.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum GpaiDuty {
    /// Article 53 only.
    General,
    /// Article 53 and Article 55.
    SystemicRisk,
}

impl GpaiDuty {
    /// The name used in the API and the database.
    pub const fn as_str(self) -> &'static str {
        match self {
            GpaiDuty::General => "general",
            GpaiDuty::SystemicRisk => "systemic_risk",
        }
    }

    /// A short name for people.
    pub const fn label(self) -> &'static str {
        match self {
            GpaiDuty::General => "General-purpose AI model",
            GpaiDuty::SystemicRisk => "General-purpose AI model with systemic risk",
        }
    }
}

/// One step of the reasoning, tied to the catalogue id of the rule it applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reason {
    /// The catalogue id of the rule, such as `art-6(3)` or `annex-iii-5(b)`.
    pub rule: String,
    /// What the rule means for this system, in plain words.
    pub text: String,
}

/// The outcome of classifying one system; every id is a catalogue id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Classification {
    /// The risk class.
    pub class: RiskClass,
    /// The Article 5(1) points that make the system prohibited.
    pub prohibited: Vec<String>,
    /// The Annex I acts and Annex III points that make the system high-risk, also listed
    /// when the system is prohibited, for information.
    pub high_risk_basis: Vec<String>,
    /// Annex III points the provider considers not high-risk under Article 6(3).
    pub derogated_annex_iii: Vec<String>,
    /// The Article 50 paragraphs that apply, whatever the class.
    pub transparency: Vec<String>,
    /// The general-purpose model duties, if the subject is such a model.
    pub gpai: Option<GpaiDuty>,
    /// Why, step by step; the first reason states the class.
    pub reasons: Vec<Reason>,
}

impl Reason {
    /// A reason applying `rule`.
    pub fn new(rule: &str, text: impl Into<String>) -> Self {
        Reason {
            rule: rule.to_owned(),
            text: text.into(),
        }
    }
}

impl Classification {
    /// Whether the only basis of a high-risk class is Annex I section B, whose acts carry the
    /// obligations themselves (Article 2(2)).
    pub fn only_annex_i_section_b(&self) -> bool {
        !self.high_risk_basis.is_empty()
            && self
                .high_risk_basis
                .iter()
                .all(|id| id.starts_with(ANNEX_I_SECTION_B))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_labels_are_stable() {
        assert_eq!(RiskClass::HighRisk.as_str(), "high_risk");
        assert_eq!(RiskClass::label_of("high_risk"), "High-risk");
        assert_eq!(RiskClass::label_of(""), "Not classified");
        assert_eq!(
            serde_json::to_string(&RiskClass::HighRisk).unwrap(),
            "\"high_risk\""
        );
        assert_eq!(RiskClass::Transparency.label(), "Transparency obligations");
        assert_eq!(GpaiDuty::SystemicRisk.as_str(), "systemic_risk");
        assert_eq!(
            serde_json::to_string(&GpaiDuty::SystemicRisk).unwrap(),
            "\"systemic_risk\""
        );
    }
}
