//! The method an organisation starts with before it configures its own: five steps of
//! likelihood and of impact, four risk levels. The wording is ours, not a standard's.

use super::{Level, RiskLevel, RiskMethod, Scale};

fn level(label: &str, description: &str) -> Level {
    Level {
        label: label.into(),
        description: description.into(),
    }
}

fn risk_level(label: &str, description: &str, colour: &str) -> RiskLevel {
    RiskLevel {
        label: label.into(),
        description: description.into(),
        colour: colour.into(),
    }
}

impl RiskMethod {
    /// A five-by-five method with four risk levels, for organisations that have none of their
    /// own yet: Low may be retained freely, Medium may be retained with the owner's sign-off,
    /// High and Critical call for treatment.
    pub fn default_five_by_five() -> Self {
        let likelihood = Scale {
            levels: vec![
                level(
                    "Rare",
                    "Only in exceptional circumstances; not expected in the next five years.",
                ),
                level(
                    "Unlikely",
                    "Could happen but is not expected; about once in five years.",
                ),
                level(
                    "Possible",
                    "Might well happen; about once in one to five years.",
                ),
                level("Likely", "Will probably happen; about once a year."),
                level(
                    "Almost certain",
                    "Expected to happen; several times a year or more.",
                ),
            ],
        };
        let impact = Scale {
            levels: vec![
                level(
                    "Negligible",
                    "No noticeable effect on people, the organisation or its objectives.",
                ),
                level(
                    "Minor",
                    "A small, short-lived effect that is easily put right; no lasting harm.",
                ),
                level(
                    "Moderate",
                    "Noticeable harm or disruption to some people or to an objective; put right with effort.",
                ),
                level(
                    "Major",
                    "Serious harm to people's rights, safety or wellbeing, or a missed objective; hard to reverse.",
                ),
                level(
                    "Severe",
                    "Severe or irreversible harm to people or society, a breach of law, or a loss of trust in the organisation.",
                ),
            ],
        };
        let risk_levels = vec![
            risk_level(
                "Low",
                "Managed by routine procedures; may be retained.",
                "#2e7d32",
            ),
            risk_level(
                "Medium",
                "Treat, or retain with the risk owner's recorded sign-off.",
                "#f9a825",
            ),
            risk_level(
                "High",
                "Needs a treatment plan with named owners and dates.",
                "#ef6c00",
            ),
            risk_level(
                "Critical",
                "Needs treatment before the system is used further; top management is told.",
                "#c62828",
            ),
        ];
        // Bands of likelihood × impact: 1–4 Low, 5–9 Medium, 10–16 High, 20–25 Critical.
        let matrix = vec![
            vec![0, 0, 0, 0, 1],
            vec![0, 0, 1, 1, 2],
            vec![0, 1, 1, 2, 2],
            vec![0, 1, 2, 2, 3],
            vec![1, 2, 2, 3, 3],
        ];
        RiskMethod {
            likelihood,
            impact,
            risk_levels,
            matrix,
            acceptable_up_to: 1,
            requires_sign_off_from: 1,
            accept_above_appetite: super::default_acceptance_roles(),
        }
    }
}
