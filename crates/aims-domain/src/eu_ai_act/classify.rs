//! Sorting one AI system into the Act's risk classes: prohibited (Article 5), high-risk
//! (Article 6 with Annexes I and III), transparency (Article 50) or minimal. The duties of
//! general-purpose model providers (Articles 51 to 55) are judged beside the class, because a
//! model is not a system and a system built on it gets its own class.

use super::catalogue::{
    ANNEX_I_ACTS, ANNEX_I_SECTION_B, ANNEX_III_POINTS, DEROGATION_CONDITIONS, PROHIBITED_PRACTICES,
    REALTIME_BIOMETRIC_ID, REMOTE_BIOMETRIC_ID, cite, cite_all, find, label_of, lower_first,
};
use super::classification::{Classification, Reason, RiskClass};
use super::gpai::gpai;
use super::questionnaire::Answers;
use super::transparency::transparency;

/// Classifies a system from its answers. Expects answers that passed `Answers::validate`;
/// ids it does not know are ignored rather than echoed, so every id it returns is in the
/// catalogue.
pub fn classify(answers: &Answers) -> Classification {
    let mut reasons = Vec::new();
    let (prohibited, excepted_identification) = prohibited(answers, &mut reasons);
    let mut high_risk_basis: Vec<String> = annex_i(answers, &mut reasons).into_iter().collect();
    let (listed, derogated) = annex_iii(answers, excepted_identification, &mut reasons);
    high_risk_basis.extend(listed);
    let transparency = transparency(answers, &mut reasons);
    let gpai = gpai(answers, &mut reasons);

    let class = if !prohibited.is_empty() {
        RiskClass::Prohibited
    } else if !high_risk_basis.is_empty() {
        RiskClass::HighRisk
    } else if !transparency.is_empty() {
        RiskClass::Transparency
    } else {
        RiskClass::Minimal
    };
    let mut classification = Classification {
        class,
        prohibited,
        high_risk_basis,
        derogated_annex_iii: derogated,
        transparency,
        gpai,
        reasons: Vec::new(),
    };
    reasons.insert(0, headline(&classification));
    classification.reasons = reasons;
    classification
}

/// The first reason: the class and what follows from it.
fn headline(c: &Classification) -> Reason {
    let (rule, text) = match c.class {
        RiskClass::Prohibited => (
            "art-5",
            "Prohibited: the system may not be placed on the market, put into service or used in the EU. Any high-risk or transparency findings below are for information only.".to_owned(),
        ),
        RiskClass::HighRisk if c.only_annex_i_section_b() => (
            "art-6",
            format!(
                "High-risk because of {}: the requirements reach the system through that sector legislation (Article 2(2)).",
                cite_all(&c.high_risk_basis)
            ),
        ),
        RiskClass::HighRisk => (
            "art-6",
            format!(
                "High-risk because of {}: the requirements of Chapter III apply before the system is placed on the market or used.",
                cite_all(&c.high_risk_basis)
            ),
        ),
        RiskClass::Transparency => (
            "art-50",
            format!(
                "Transparency risk: not high-risk, but the disclosure duties of {} apply.",
                cite_all(&c.transparency)
            ),
        ),
        RiskClass::Minimal if !c.derogated_annex_iii.is_empty() => (
            "art-4",
            format!(
                "Minimal risk: {} is derogated under Article 6(3), and no banned practice or transparency trigger was reported. AI literacy (Article 4) still applies.",
                cite_all(&c.derogated_annex_iii)
            ),
        ),
        RiskClass::Minimal => (
            "art-4",
            "Minimal risk: no banned practice, high-risk use or transparency trigger was reported. AI literacy (Article 4) still applies; codes of conduct are voluntary.".to_owned(),
        ),
    };
    Reason::new(rule, text)
}

/// Article 5: the banned practices that apply, and whether a real-time identification use
/// falls under one of its exceptions.
fn prohibited(answers: &Answers, reasons: &mut Vec<Reason>) -> (Vec<String>, bool) {
    let mut banned = Vec::new();
    let mut excepted = false;
    // Walking the table, not the answers, keeps the output order fixed.
    for &(id, label) in PROHIBITED_PRACTICES {
        if !answers.prohibited_practices.iter().any(|p| p == id) {
            continue;
        }
        if id == REALTIME_BIOMETRIC_ID && answers.realtime_biometric_exception_applies {
            excepted = true;
            reasons.push(Reason::new(
                id,
                format!(
                    "{}: real-time remote identification limited to one of the narrow exceptions is not banned, but each use needs prior authorisation, a fundamental rights impact assessment and registration (Article 5(2) to (7)). It remains remote biometric identification, high-risk under {}.",
                    cite(id),
                    cite(REMOTE_BIOMETRIC_ID)
                ),
            ));
            continue;
        }
        reasons.push(Reason::new(
            id,
            format!(
                "{}: the system {}. This practice is banned in the EU.",
                cite(id),
                lower_first(label)
            ),
        ));
        banned.push(id.to_owned());
    }
    (banned, excepted)
}

/// Article 6(1): high-risk when the system is a safety component of, or is, a product under
/// an Annex I act, and that product needs third-party conformity assessment.
fn annex_i(answers: &Answers, reasons: &mut Vec<Reason>) -> Option<String> {
    let act = find(ANNEX_I_ACTS, answers.annex_i_act.as_deref()?)?;
    let law = format!(
        "{} ({})",
        cite(act),
        lower_first(label_of(ANNEX_I_ACTS, act))
    );
    if !answers.safety_component_or_product {
        reasons.push(Reason::new(
            "art-6",
            format!(
                "Not high-risk under Article 6(1): the product falls under {law}, but the system is neither a safety component of it nor the product itself."
            ),
        ));
        return None;
    }
    if !answers.third_party_conformity_assessment {
        reasons.push(Reason::new(
            "art-6",
            format!(
                "Not high-risk under Article 6(1): the product falls under {law}, but it does not need a third-party conformity assessment."
            ),
        ));
        return None;
    }
    reasons.push(Reason::new(
        act,
        format!(
            "{law}: the system is a safety component of, or is, a product that needs third-party conformity assessment, so it is high-risk under Article 6(1)."
        ),
    ));
    if act.starts_with(ANNEX_I_SECTION_B) {
        reasons.push(Reason::new(
            ANNEX_I_SECTION_B,
            "Annex I section B: under Article 2(2) only Article 6(1) and the amendments of Articles 102 to 109 and 112 apply. The high-risk requirements reach the system through that sector legislation, not directly from this Regulation.",
        ));
    }
    Some(act.to_owned())
}

/// Article 6(2) and (3): the Annex III points that make the system high-risk, and those the
/// provider has derogated from.
fn annex_iii(
    answers: &Answers,
    excepted_identification: bool,
    reasons: &mut Vec<Reason>,
) -> (Vec<String>, Vec<String>) {
    let points: Vec<&'static str> = ANNEX_III_POINTS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| {
            answers.annex_iii_points.iter().any(|p| p == id)
                || (excepted_identification && *id == REMOTE_BIOMETRIC_ID)
        })
        .collect();
    if points.is_empty() {
        return (Vec::new(), Vec::new());
    }
    let conditions: Vec<&'static str> = DEROGATION_CONDITIONS
        .iter()
        .map(|(id, _)| *id)
        .filter(|id| answers.derogation_conditions.iter().any(|c| c == id))
        .collect();
    let ids: Vec<String> = points.iter().map(|id| (*id).to_owned()).collect();

    let listed = |reasons: &mut Vec<Reason>, verdict: &str| {
        for id in &points {
            reasons.push(Reason::new(
                id,
                format!(
                    "{} ({}) {verdict}.",
                    cite(id),
                    lower_first(label_of(ANNEX_III_POINTS, id))
                ),
            ));
        }
    };

    if conditions.is_empty() {
        listed(reasons, "is a high-risk use under Article 6(2)");
        return (ids, Vec::new());
    }
    if answers.profiles_natural_persons {
        listed(reasons, "is a high-risk use under Article 6(2)");
        reasons.push(Reason::new(
            "art-6(3)",
            "A derogation under Article 6(3) was claimed, but the system profiles natural persons, and a profiling Annex III system is always high-risk.",
        ));
        return (ids, Vec::new());
    }

    listed(
        reasons,
        "is listed, but the provider claims the Article 6(3) derogation",
    );
    for id in &conditions {
        reasons.push(Reason::new(
            id,
            format!(
                "{} claimed: {}.",
                cite(id),
                lower_first(label_of(DEROGATION_CONDITIONS, id))
            ),
        ));
    }
    reasons.push(Reason::new(
        "art-6(3)",
        "Not high-risk under Article 6(3), provided the system poses no significant risk of harm to health, safety or fundamental rights. The provider must document this assessment before placing the system on the market (Article 6(4)) and register the system in the EU database (Article 49(2)).",
    ));
    if !answers.derogation_documented {
        reasons.push(Reason::new(
            "art-6(3)",
            "Warning: the Article 6(4) assessment has not been documented yet. Document it before the system is placed on the market or put into service; without it the derogation cannot be shown to an authority.",
        ));
    }
    (Vec::new(), ids)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eu_ai_act::OperatorRole;

    fn provider() -> Answers {
        Answers {
            roles: vec![OperatorRole::Provider],
            ..Answers::default()
        }
    }

    #[test]
    fn output_order_does_not_depend_on_answer_order() {
        let mut a = provider();
        a.annex_iii_points = vec!["annex-iii-5(b)".into(), "annex-iii-4(a)".into()];
        a.prohibited_practices = vec!["art-5(1)(c)".into(), "art-5(1)(a)".into()];
        let c = classify(&a);
        assert_eq!(c.high_risk_basis, ["annex-iii-4(a)", "annex-iii-5(b)"]);
        assert_eq!(c.prohibited, ["art-5(1)(a)", "art-5(1)(c)"]);
    }

    #[test]
    fn ignores_ids_it_does_not_know() {
        let mut a = provider();
        a.annex_iii_points = vec!["annex-iii-9(z)".into()];
        a.annex_i_act = Some("annex-i-z-1".into());
        a.safety_component_or_product = true;
        a.third_party_conformity_assessment = true;
        let c = classify(&a);
        assert_eq!(c.class, RiskClass::Minimal);
        assert!(c.high_risk_basis.is_empty());
    }

    #[test]
    fn first_reason_states_the_class() {
        let c = classify(&provider());
        assert_eq!(c.reasons[0].rule, "art-4");
        assert!(c.reasons[0].text.starts_with("Minimal risk"));
    }
}
