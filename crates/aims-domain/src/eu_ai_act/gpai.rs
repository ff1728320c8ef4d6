//! Articles 51 to 55: whether the subject is a general-purpose AI model, and whether it has
//! systemic risk, judged beside the risk class of any system built on it.

use super::classification::{GpaiDuty, Reason};
use super::questionnaire::Answers;

/// Training compute above which a general-purpose model is presumed to have systemic risk
/// (Article 51(2)).
pub const SYSTEMIC_RISK_FLOPS: f64 = 1e25;

/// Articles 51 to 55: whether the subject is a general-purpose model, and with systemic risk.
pub fn gpai(answers: &Answers, reasons: &mut Vec<Reason>) -> Option<GpaiDuty> {
    if !answers.is_gpai_model {
        return None;
    }
    reasons.push(Reason::new(
        "art-53",
        "General-purpose AI model: its provider has the duties of Article 53. Systems built on the model are classified separately.",
    ));
    let above_threshold = answers
        .training_compute_flops
        .is_some_and(|flops| flops > SYSTEMIC_RISK_FLOPS);
    if above_threshold {
        reasons.push(Reason::new(
            "art-55",
            "Training compute above 10^25 floating-point operations: the model is presumed to have systemic risk (Article 51(2)), so Article 55 applies too.",
        ));
    }
    if answers.gpai_systemic_risk {
        reasons.push(Reason::new(
            "art-55",
            "The model is designated or notified as having systemic risk (Articles 51 and 52), so Article 55 applies too.",
        ));
    }
    let systemic = above_threshold || answers.gpai_systemic_risk;
    if answers.gpai_open_source_licence {
        let text = if systemic {
            "Open-source licence, but with systemic risk: no exemption from the Article 53 documentation duties."
        } else {
            "Open-source licence: exempt from the documentation duties of Article 53(1)(a) and (b) (Article 53(2)); the copyright policy and training-content summary remain."
        };
        reasons.push(Reason::new("art-53", text));
    }
    Some(if systemic {
        GpaiDuty::SystemicRisk
    } else {
        GpaiDuty::General
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn model(flops: f64) -> Answers {
        Answers {
            is_gpai_model: true,
            training_compute_flops: Some(flops),
            ..Answers::default()
        }
    }

    #[test]
    fn compute_exactly_at_the_threshold_is_not_presumed_systemic() {
        let mut reasons = Vec::new();
        assert_eq!(
            gpai(&model(SYSTEMIC_RISK_FLOPS), &mut reasons),
            Some(GpaiDuty::General)
        );
        assert_eq!(
            gpai(&model(1.01e25), &mut reasons),
            Some(GpaiDuty::SystemicRisk)
        );
        assert_eq!(gpai(&Answers::default(), &mut reasons), None);
    }
}
