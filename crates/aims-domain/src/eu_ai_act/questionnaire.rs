//! The answers of the guided EU AI Act questionnaire about one AI system, and the checks that
//! keep them consistent before they are classified.

use serde::{Deserialize, Serialize};

use super::catalogue::{
    ANNEX_I_ACTS, ANNEX_III_POINTS, Choice, DEROGATION_CONDITIONS, PROHIBITED_PRACTICES,
    REALTIME_BIOMETRIC_ID, find,
};
use super::role::OperatorRole;
use crate::validation::ValidationError;

/// What an organisation told the questionnaire about one AI system (or general-purpose model).
///
/// The roles live here rather than beside the answers because the same system can be answered
/// for several roles at once, and `obligations` needs both. Every field defaults to "no" or
/// empty, so stored answers stay readable when a question is added later.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[serde(default)]
pub struct Answers {
    /// The roles the organisation plays for this system.
    pub roles: Vec<OperatorRole>,

    /// Article 5(1) points (`art-5(1)(a)` … `art-5(1)(h)`) that describe what the system does.
    pub prohibited_practices: Vec<String>,
    /// For `art-5(1)(h)`: the use is one of the narrow exceptions (victim search, imminent
    /// threat, serious-crime suspect) with the safeguards of Article 5(2)–(7).
    pub realtime_biometric_exception_applies: bool,

    /// The Annex I act (`annex-i-a-N` or `annex-i-b-N`) covering the product concerned.
    pub annex_i_act: Option<String>,
    /// The system is a safety component of that product, or is itself that product.
    pub safety_component_or_product: bool,
    /// That product must undergo a conformity assessment by a third party.
    pub third_party_conformity_assessment: bool,

    /// Annex III points (`annex-iii-1(a)` … `annex-iii-8(b)`) the intended purpose falls under.
    pub annex_iii_points: Vec<String>,
    /// Article 6(3) conditions (`art-6(3)(a)` … `art-6(3)(d)`) the provider relies on.
    pub derogation_conditions: Vec<String>,
    /// The system profiles natural persons, which rules the derogation out.
    pub profiles_natural_persons: bool,
    /// The provider has documented its not-high-risk assessment (Article 6(4)).
    pub derogation_documented: bool,

    /// The system interacts directly with people.
    pub interacts_with_people: bool,
    /// It is obvious to a reasonably well-informed person that they are dealing with an AI.
    pub obvious_to_people_it_is_ai: bool,
    /// The system generates or manipulates audio, images, video or text.
    pub generates_synthetic_content: bool,
    /// The system recognises emotions or categorises people from biometric data.
    pub emotion_recognition_or_biometric_categorisation: bool,
    /// The output is a deep fake: realistic content of real people, places or events.
    pub deep_fake: bool,
    /// Generated or manipulated text is published to inform the public on matters of public
    /// interest.
    pub publishes_text_on_public_interest: bool,
    /// That text is reviewed by a person, and someone holds editorial responsibility for it.
    pub human_editorial_review: bool,

    /// The subject is a general-purpose AI model, not (only) a system built on one.
    pub is_gpai_model: bool,
    /// The Commission has designated the model as having systemic risk, or the provider
    /// has notified that it has.
    pub gpai_systemic_risk: bool,
    /// The cumulative training compute in floating-point operations, if known.
    pub training_compute_flops: Option<f64>,
    /// The model is released under a free and open-source licence with its weights public.
    pub gpai_open_source_licence: bool,

    /// The deployer is a body governed by public law or a private entity providing public
    /// services.
    pub deployer_is_public_body_or_public_service: bool,
}

impl Answers {
    /// Checks the answers: known catalogue ids only, no id twice, no answer that only makes
    /// sense after another one was given. The error names the offending field.
    pub fn validate(&self) -> Result<(), ValidationError> {
        if self.roles.is_empty() {
            return Err(ValidationError::new("roles", "choose at least one role"));
        }
        if let Some(role) = first_repeat(&self.roles) {
            return Err(ValidationError::new(
                "roles",
                format!("lists {role} more than once"),
            ));
        }

        known_ids(
            "prohibited_practices",
            &self.prohibited_practices,
            PROHIBITED_PRACTICES,
            "an Article 5(1) point",
        )?;
        let realtime_biometric = self
            .prohibited_practices
            .iter()
            .any(|p| p == REALTIME_BIOMETRIC_ID);
        needs(
            "realtime_biometric_exception_applies",
            self.realtime_biometric_exception_applies,
            realtime_biometric,
            "applies only to real-time remote biometric identification (Article 5(1)(h))",
        )?;

        if let Some(act) = &self.annex_i_act
            && find(ANNEX_I_ACTS, act).is_none()
        {
            return Err(ValidationError::new(
                "annex_i_act",
                format!("{act:?} is not an Annex I act"),
            ));
        }
        let product_law = self.annex_i_act.is_some();
        let no_act = "needs the Annex I act that covers the product";
        needs(
            "safety_component_or_product",
            self.safety_component_or_product,
            product_law,
            no_act,
        )?;
        needs(
            "third_party_conformity_assessment",
            self.third_party_conformity_assessment,
            product_law,
            no_act,
        )?;

        known_ids(
            "annex_iii_points",
            &self.annex_iii_points,
            ANNEX_III_POINTS,
            "an Annex III point",
        )?;
        known_ids(
            "derogation_conditions",
            &self.derogation_conditions,
            DEROGATION_CONDITIONS,
            "an Article 6(3) condition",
        )?;
        needs(
            "derogation_conditions",
            !self.derogation_conditions.is_empty(),
            !self.annex_iii_points.is_empty(),
            "a derogation needs at least one Annex III use case to derogate from",
        )?;
        needs(
            "derogation_documented",
            self.derogation_documented,
            !self.derogation_conditions.is_empty(),
            "documents a derogation, so name at least one Article 6(3) condition",
        )?;

        needs(
            "obvious_to_people_it_is_ai",
            self.obvious_to_people_it_is_ai,
            self.interacts_with_people,
            "matters only for a system that interacts with people",
        )?;
        let synthetic = "a deep fake or published text is generated content: answer yes to generates_synthetic_content too";
        needs(
            "deep_fake",
            self.deep_fake,
            self.generates_synthetic_content,
            synthetic,
        )?;
        needs(
            "publishes_text_on_public_interest",
            self.publishes_text_on_public_interest,
            self.generates_synthetic_content,
            synthetic,
        )?;
        needs(
            "human_editorial_review",
            self.human_editorial_review,
            self.publishes_text_on_public_interest,
            "matters only for text published to inform the public",
        )?;

        let model = "applies only to a general-purpose AI model";
        needs(
            "gpai_systemic_risk",
            self.gpai_systemic_risk,
            self.is_gpai_model,
            model,
        )?;
        needs(
            "training_compute_flops",
            self.training_compute_flops.is_some(),
            self.is_gpai_model,
            model,
        )?;
        if let Some(flops) = self.training_compute_flops
            && (!flops.is_finite() || flops < 0.0)
        {
            return Err(ValidationError::new(
                "training_compute_flops",
                "must be a non-negative number of operations",
            ));
        }
        needs(
            "gpai_open_source_licence",
            self.gpai_open_source_licence,
            self.is_gpai_model,
            model,
        )?;

        needs(
            "deployer_is_public_body_or_public_service",
            self.deployer_is_public_body_or_public_service,
            self.roles.contains(&OperatorRole::Deployer),
            "applies only when you deploy the system: add the deployer role",
        )
    }
}

/// Fails on `field` when it was answered (`given`) without the answer it depends on.
fn needs(
    field: &'static str,
    given: bool,
    prerequisite: bool,
    message: &str,
) -> Result<(), ValidationError> {
    if given && !prerequisite {
        Err(ValidationError::new(field, message))
    } else {
        Ok(())
    }
}

/// Fails on `field` for an id `table` does not list, or one listed twice.
fn known_ids(
    field: &'static str,
    ids: &[String],
    table: &[Choice],
    what: &str,
) -> Result<(), ValidationError> {
    if let Some(unknown) = ids.iter().find(|id| find(table, id).is_none()) {
        return Err(ValidationError::new(
            field,
            format!("{unknown:?} is not {what}"),
        ));
    }
    match first_repeat(ids) {
        Some(id) => Err(ValidationError::new(
            field,
            format!("lists {id} more than once"),
        )),
        None => Ok(()),
    }
}

/// The first item that appears a second time, if any.
fn first_repeat<T: PartialEq>(items: &[T]) -> Option<&T> {
    items
        .iter()
        .enumerate()
        .find(|(i, item)| items[..*i].contains(item))
        .map(|(_, item)| item)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn provider() -> Answers {
        Answers {
            roles: vec![OperatorRole::Provider],
            ..Answers::default()
        }
    }

    fn field_of(answers: &Answers) -> &'static str {
        answers
            .validate()
            .expect_err("answers must be rejected")
            .field
    }

    #[test]
    fn accepts_plain_and_complete_answers() {
        assert_eq!(provider().validate(), Ok(()));
        let full = Answers {
            roles: vec![OperatorRole::Provider, OperatorRole::Deployer],
            prohibited_practices: vec!["art-5(1)(h)".into()],
            realtime_biometric_exception_applies: true,
            annex_i_act: Some("annex-i-a-11".into()),
            safety_component_or_product: true,
            third_party_conformity_assessment: true,
            annex_iii_points: vec!["annex-iii-5(b)".into()],
            derogation_conditions: vec!["art-6(3)(a)".into()],
            derogation_documented: true,
            interacts_with_people: true,
            obvious_to_people_it_is_ai: true,
            generates_synthetic_content: true,
            deep_fake: true,
            publishes_text_on_public_interest: true,
            human_editorial_review: true,
            is_gpai_model: true,
            gpai_systemic_risk: true,
            training_compute_flops: Some(3e25),
            gpai_open_source_licence: true,
            deployer_is_public_body_or_public_service: true,
            ..Answers::default()
        };
        assert_eq!(full.validate(), Ok(()));
    }

    #[test]
    fn names_the_field_of_an_unknown_id() {
        let mut a = provider();
        a.prohibited_practices = vec!["art-5(1)(z)".into()];
        let err = a.validate().unwrap_err();
        assert_eq!(err.field, "prohibited_practices");
        assert!(err.message.contains("art-5(1)(z)"), "{}", err.message);

        let mut a = provider();
        a.annex_i_act = Some("annex-i-c-1".into());
        assert_eq!(field_of(&a), "annex_i_act");

        let mut a = provider();
        a.annex_iii_points = vec!["annex-iii-9(a)".into()];
        assert_eq!(field_of(&a), "annex_iii_points");

        let mut a = provider();
        a.annex_iii_points = vec!["annex-iii-4(a)".into()];
        a.derogation_conditions = vec!["art-6(3)(e)".into()];
        assert_eq!(field_of(&a), "derogation_conditions");
    }

    #[test]
    fn rejects_missing_and_repeated_roles_and_ids() {
        assert_eq!(field_of(&Answers::default()), "roles");
        let mut a = provider();
        a.roles.push(OperatorRole::Provider);
        assert_eq!(field_of(&a), "roles");
        let mut a = provider();
        a.annex_iii_points = vec!["annex-iii-4(a)".into(), "annex-iii-4(a)".into()];
        assert_eq!(field_of(&a), "annex_iii_points");
    }

    #[test]
    fn rejects_a_derogation_without_an_annex_iii_point() {
        let mut a = provider();
        a.derogation_conditions = vec!["art-6(3)(a)".into()];
        assert_eq!(field_of(&a), "derogation_conditions");
        let mut a = provider();
        a.derogation_documented = true;
        assert_eq!(field_of(&a), "derogation_documented");
    }

    #[test]
    fn rejects_answers_given_without_the_answer_they_depend_on() {
        type Change = fn(&mut Answers);
        let cases: [(&str, Change); 12] = [
            ("realtime_biometric_exception_applies", |a| {
                a.realtime_biometric_exception_applies = true;
            }),
            ("safety_component_or_product", |a| {
                a.safety_component_or_product = true;
            }),
            ("third_party_conformity_assessment", |a| {
                a.third_party_conformity_assessment = true;
            }),
            ("obvious_to_people_it_is_ai", |a| {
                a.obvious_to_people_it_is_ai = true;
            }),
            ("deep_fake", |a| a.deep_fake = true),
            ("publishes_text_on_public_interest", |a| {
                a.publishes_text_on_public_interest = true;
            }),
            ("human_editorial_review", |a| {
                a.generates_synthetic_content = true;
                a.human_editorial_review = true;
            }),
            ("gpai_systemic_risk", |a| a.gpai_systemic_risk = true),
            ("training_compute_flops", |a| {
                a.training_compute_flops = Some(1e20);
            }),
            ("gpai_open_source_licence", |a| {
                a.gpai_open_source_licence = true;
            }),
            ("deployer_is_public_body_or_public_service", |a| {
                a.deployer_is_public_body_or_public_service = true;
            }),
            ("training_compute_flops", |a| {
                a.is_gpai_model = true;
                a.training_compute_flops = Some(f64::NAN);
            }),
        ];
        for (field, change) in cases {
            let mut a = provider();
            change(&mut a);
            assert_eq!(field_of(&a), field);
        }
    }

    #[test]
    fn partial_json_fills_in_defaults() {
        let a: Answers =
            serde_json::from_str(r#"{"roles":["deployer"],"annex_iii_points":["annex-iii-5(b)"]}"#)
                .unwrap();
        assert_eq!(a.roles, vec![OperatorRole::Deployer]);
        assert!(!a.interacts_with_people);
        assert_eq!(a.validate(), Ok(()));
    }
}
