//! Turning a classification into the obligations of each role the organisation plays, named by
//! the catalogue ids of the articles that impose them.

use std::collections::BTreeMap;

use serde::Serialize;

use super::catalogue::{
    CRITICAL_INFRASTRUCTURE_AREA, FRIA_FOR_EVERY_DEPLOYER, REALTIME_BIOMETRIC_ID, REQUIREMENTS,
    cite, cite_all,
};
use super::classification::{Classification, GpaiDuty, RiskClass};
use super::questionnaire::Answers;
use super::role::OperatorRole;

/// One duty of one role, and why it applies to this system.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Obligation {
    /// The catalogue id of the article (or paragraph) imposing the duty, e.g. `art-26`.
    pub requirement: &'static str,
    /// Whose duty it is; `None` when it binds every operator whatever its role.
    pub role: Option<OperatorRole>,
    /// Why it applies, in plain words.
    pub why: String,
}

/// The requirements of a provider of a high-risk system, in catalogue order.
const HIGH_RISK_PROVIDER: [&str; 11] = [
    "art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-16", "art-17",
    "art-72", "art-73",
];

/// The obligations that follow from `classification` for the roles in `answers`, which must
/// be the answers it was computed from. Sorted by role (every-operator duties first), then in
/// article order; each requirement appears once per role.
pub fn obligations(classification: &Classification, answers: &Answers) -> Vec<Obligation> {
    let mut list = Duties::default();
    if classification.class == RiskClass::Prohibited {
        let practices = cite_all(&classification.prohibited);
        list.add(
            None,
            "art-5",
            format!("Banned practice ({practices}): {}", why("art-5")),
        );
        return list.into_sorted();
    }

    // Article 2(2): for Annex I section B products only Article 6(1) and the sector-law
    // amendments apply, so none of the system duties below come from this Regulation.
    let sector_law_only = classification.only_annex_i_section_b();
    let high_risk = classification.class == RiskClass::HighRisk && !sector_law_only;
    let basis = cite_all(&classification.high_risk_basis);
    let scope = Scope {
        classification,
        answers,
        high_risk,
        sector_law_only,
        basis: &basis,
    };
    // Under Article 25(3) the maker of an Annex I section A product counts as the provider.
    let product_counts_as_provider = high_risk
        && classification
            .high_risk_basis
            .iter()
            .any(|id| id.starts_with("annex-i-a-"));

    for &role in &OperatorRole::ALL {
        if !answers.roles.contains(&role) {
            continue;
        }
        match role {
            OperatorRole::Provider => provider(&mut list, role, &scope),
            OperatorRole::Deployer => deployer(&mut list, &scope),
            OperatorRole::ProductManufacturer if product_counts_as_provider => {
                provider(&mut list, role, &scope);
            }
            _ => {}
        }
        // Everyone in the chain but the provider (and the provider's representative, whom
        // Article 25 does not address) can turn into a provider.
        let can_become_provider = !matches!(
            role,
            OperatorRole::Provider | OperatorRole::AuthorisedRepresentative
        );
        if high_risk && can_become_provider {
            list.add(Some(role), "art-25", value_chain_why(role));
        }
    }
    list.into_sorted()
}

/// What every role's duties are derived from.
struct Scope<'a> {
    classification: &'a Classification,
    answers: &'a Answers,
    /// High-risk with duties under this Regulation (not only via Annex I section B acts).
    high_risk: bool,
    /// Article 2(2) leaves the system's duties to Annex I section B sector law.
    sector_law_only: bool,
    /// The high-risk basis, cited for people.
    basis: &'a str,
}

/// The duties of a provider, or of a product manufacturer who counts as one.
fn provider(list: &mut Duties, role: OperatorRole, scope: &Scope<'_>) {
    let Scope {
        classification,
        answers,
        high_risk,
        sector_law_only,
        basis,
    } = *scope;
    let who = Some(role);
    let as_manufacturer = if role == OperatorRole::ProductManufacturer {
        "As the product manufacturer you count as the provider (Article 25(3)). "
    } else {
        ""
    };
    if !sector_law_only {
        list.add(who, "art-4", why("art-4").to_owned());
    }
    if high_risk {
        for requirement in HIGH_RISK_PROVIDER {
            list.add(
                who,
                requirement,
                format!("{as_manufacturer}High-risk ({basis}): {}", why(requirement)),
            );
        }
    }
    if !classification.derogated_annex_iii.is_empty() {
        list.add(who, "art-6(3)", why("art-6(3)").to_owned());
    }
    if !sector_law_only {
        for paragraph in ["art-50(1)", "art-50(2)"] {
            if classification.transparency.iter().any(|t| t == paragraph) {
                list.add(who, paragraph, why(paragraph).to_owned());
            }
        }
    }
    // A product manufacturer provides the product, not the model: model duties stay with the
    // provider role.
    if role != OperatorRole::Provider {
        return;
    }
    if let Some(duty) = classification.gpai {
        // Article 53(2): the open-source exemption is lost with systemic risk.
        let note = if answers.gpai_open_source_licence && duty == GpaiDuty::General {
            " Open-source licence: points (a) and (b) do not apply to you (Article 53(2)); the copyright policy and the training-content summary do."
        } else {
            ""
        };
        list.add(who, "art-53", format!("{}{note}", why("art-53")));
    }
    if classification.gpai == Some(GpaiDuty::SystemicRisk) {
        list.add(who, "art-55", why("art-55").to_owned());
    }
}

/// The duties of a deployer, including the fundamental rights impact assessment.
fn deployer(list: &mut Duties, scope: &Scope<'_>) {
    let Scope {
        classification,
        answers,
        high_risk,
        sector_law_only,
        basis,
    } = *scope;
    let who = Some(OperatorRole::Deployer);
    if sector_law_only {
        return;
    }
    list.add(who, "art-4", why("art-4").to_owned());
    for paragraph in ["art-50(3)", "art-50(4)"] {
        if classification.transparency.iter().any(|t| t == paragraph) {
            list.add(who, paragraph, why(paragraph).to_owned());
        }
    }
    if !high_risk {
        return;
    }
    let (fria, note) = fundamental_rights_assessment(classification, answers);
    list.add(
        who,
        "art-26",
        format!("High-risk ({basis}): {}{note}", why("art-26")),
    );
    if let Some(because) = fria {
        list.add(who, "art-27", format!("{} {because}", why("art-27")));
    }
}

/// Whether Article 27 applies to the deployer, and why; or a note on why it does not.
fn fundamental_rights_assessment(
    classification: &Classification,
    answers: &Answers,
) -> (Option<String>, &'static str) {
    // Article 27 covers only Annex III systems (Article 6(2)), never area 2.
    let covered: Vec<&String> = classification
        .high_risk_basis
        .iter()
        .filter(|id| id.starts_with("annex-iii-") && !id.starts_with(CRITICAL_INFRASTRUCTURE_AREA))
        .collect();
    let excepted_identification = answers.realtime_biometric_exception_applies
        && answers
            .prohibited_practices
            .iter()
            .any(|p| p == REALTIME_BIOMETRIC_ID);
    if excepted_identification {
        return (
            Some("Each use of real-time remote identification under an exception needs it first (Article 5(2)).".to_owned()),
            "",
        );
    }
    if let Some(point) = covered
        .iter()
        .find(|id| FRIA_FOR_EVERY_DEPLOYER.contains(&id.as_str()))
    {
        return (
            Some(format!(
                "Every deployer of a system under {} must do it.",
                cite(point)
            )),
            "",
        );
    }
    if answers.deployer_is_public_body_or_public_service {
        if !covered.is_empty() {
            return (
                Some("You are a public body or provide a public service.".to_owned()),
                "",
            );
        }
        let infrastructure = classification
            .high_risk_basis
            .iter()
            .any(|id| id.starts_with(CRITICAL_INFRASTRUCTURE_AREA));
        let note = if infrastructure {
            " No fundamental rights impact assessment: Article 27 leaves out critical infrastructure (Annex III area 2)."
        } else {
            " No fundamental rights impact assessment: Article 27 covers Annex III systems, not products under Annex I."
        };
        return (None, note);
    }
    (None, "")
}

/// Article 25 as a reminder to operators other than the provider.
fn value_chain_why(role: OperatorRole) -> String {
    let own = match role {
        OperatorRole::Importer => " Your own importer duties are set out in Article 23.",
        OperatorRole::Distributor => " Your own distributor duties are set out in Article 24.",
        _ => "",
    };
    format!("{}{own}", why("art-25"))
}

/// The plain-words summary of each requirement.
fn why(requirement: &str) -> &'static str {
    match requirement {
        "art-5" => {
            "do not place the system on the market, put it into service or use it in the EU."
        }
        "art-4" => {
            "Make sure the people who build, operate or use the system on your behalf understand AI well enough for their task."
        }
        "art-6(3)" => {
            "You rely on the Annex III derogation: write down why the system is not high-risk before placing it on the market (Article 6(4)), hand it to authorities on request, and register the system (Article 49(2))."
        }
        "art-9" => "run a risk management process over the whole life of the system.",
        "art-10" => {
            "train, validate and test on governed data of suitable quality, examined for bias."
        }
        "art-11" => {
            "write the technical documentation before placing the system on the market and keep it current."
        }
        "art-12" => "let the system log events automatically so its operation can be traced.",
        "art-13" => {
            "give deployers clear instructions for use, including capabilities, limits and accuracy."
        }
        "art-14" => "design the system so that people can oversee, override and stop it.",
        "art-15" => "reach and declare suitable accuracy, robustness and cybersecurity.",
        "art-16" => {
            "carry the provider duties: conformity assessment, declaration of conformity, CE marking, registration, logs and corrective action."
        }
        "art-17" => "run a documented quality management system.",
        "art-72" => {
            "monitor the system in use after placing it on the market, following a written plan."
        }
        "art-73" => {
            "report serious incidents to the market surveillance authority within the legal deadlines."
        }
        "art-25" => {
            "You become the provider of this high-risk system, with all provider duties, if you put your name or trade mark on it, modify it substantially, or change its intended purpose so that it becomes high-risk."
        }
        "art-26" => {
            "use the system as instructed, assign competent human oversight, check input data, monitor it, keep its logs and tell the people affected."
        }
        "art-27" => {
            "Assess the impact on fundamental rights before first use and notify the market surveillance authority."
        }
        "art-50(1)" => "Design the system so that people are told they are interacting with an AI.",
        "art-50(2)" => {
            "Mark generated audio, images, video and text as AI-made, in a machine-readable and detectable way."
        }
        "art-50(3)" => {
            "Tell the people exposed that emotion recognition or biometric categorisation is in use."
        }
        "art-50(4)" => {
            "Disclose that deep fakes, and text published to inform the public, were generated or manipulated by AI."
        }
        "art-53" => {
            "Document the model for authorities, inform providers who build on it, keep a copyright policy and publish a summary of the training content."
        }
        "art-55" => {
            "Evaluate the model, including adversarial testing, assess and reduce systemic risks, report serious incidents and protect it with adequate cybersecurity."
        }
        _ => "",
    }
}

/// Obligations keyed by role and article order, so that sorting and de-duplication are one
/// step; the first reason given for a duty wins.
#[derive(Default)]
struct Duties(BTreeMap<(Option<OperatorRole>, usize), Obligation>);

impl Duties {
    fn add(&mut self, role: Option<OperatorRole>, requirement: &'static str, why: String) {
        let rank = REQUIREMENTS
            .iter()
            .position(|r| *r == requirement)
            .unwrap_or(usize::MAX);
        self.0.entry((role, rank)).or_insert(Obligation {
            requirement,
            role,
            why,
        });
    }

    fn into_sorted(self) -> Vec<Obligation> {
        self.0.into_values().collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eu_ai_act::classify;

    fn answers(roles: &[OperatorRole]) -> Answers {
        Answers {
            roles: roles.to_vec(),
            ..Answers::default()
        }
    }

    #[test]
    fn every_requirement_emitted_is_ranked_and_explained() {
        for requirement in REQUIREMENTS {
            assert!(
                !why(requirement).is_empty(),
                "{requirement} has no explanation"
            );
        }
        let mut a = answers(&OperatorRole::ALL);
        a.annex_iii_points = vec!["annex-iii-5(b)".into()];
        a.interacts_with_people = true;
        a.generates_synthetic_content = true;
        a.deep_fake = true;
        a.emotion_recognition_or_biometric_categorisation = true;
        a.is_gpai_model = true;
        a.gpai_systemic_risk = true;
        for o in obligations(&classify(&a), &a) {
            assert!(REQUIREMENTS.contains(&o.requirement), "{}", o.requirement);
            assert!(!o.why.is_empty(), "{} has no why", o.requirement);
        }
    }

    #[test]
    fn sorts_by_role_then_article_without_duplicates() {
        let mut a = answers(&[OperatorRole::Deployer, OperatorRole::Provider]);
        a.annex_iii_points = vec!["annex-iii-4(a)".into()];
        let list = obligations(&classify(&a), &a);
        let keys: Vec<(Option<OperatorRole>, &str)> =
            list.iter().map(|o| (o.role, o.requirement)).collect();
        assert_eq!(keys[0], (Some(OperatorRole::Provider), "art-4"));
        assert_eq!(keys[1], (Some(OperatorRole::Provider), "art-9"));
        assert_eq!(keys.last(), Some(&(Some(OperatorRole::Deployer), "art-26")));
        let mut unique = keys.clone();
        unique.dedup();
        assert_eq!(unique, keys);
    }

    #[test]
    fn section_b_products_take_their_duties_from_sector_law() {
        let mut a = answers(&[OperatorRole::Provider]);
        a.annex_i_act = Some("annex-i-b-6".into());
        a.safety_component_or_product = true;
        a.third_party_conformity_assessment = true;
        assert!(obligations(&classify(&a), &a).is_empty());
    }
}
