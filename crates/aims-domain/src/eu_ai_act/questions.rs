//! The questionnaire as data, so that the web form, the CLI and the API render the same
//! questions in the same order: one question per field of `Answers`.

use serde::Serialize;

use super::catalogue::{
    ANNEX_I_ACTS, ANNEX_III_POINTS, Choice, DEROGATION_CONDITIONS, PROHIBITED_PRACTICES,
};

/// The part of the questionnaire a question belongs to, in the order a form shows them.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Section {
    /// Who the organisation is for this system.
    Roles,
    /// Practices the Act bans outright (Article 5).
    Prohibited,
    /// Products under EU product-safety law (Article 6(1), Annex I).
    Products,
    /// Stand-alone high-risk uses (Article 6(2), Annex III).
    UseCases,
    /// The way out of Annex III (Article 6(3) and (4)).
    Derogation,
    /// Disclosure duties (Article 50).
    Transparency,
    /// General-purpose AI models (Articles 51 to 55).
    GeneralPurpose,
    /// Facts about the deployer (Article 27).
    Deployment,
}

impl Section {
    /// The name used in the API and in forms.
    pub const fn as_str(self) -> &'static str {
        match self {
            Section::Roles => "roles",
            Section::Prohibited => "prohibited",
            Section::Products => "products",
            Section::UseCases => "use_cases",
            Section::Derogation => "derogation",
            Section::Transparency => "transparency",
            Section::GeneralPurpose => "general_purpose",
            Section::Deployment => "deployment",
        }
    }

    /// A heading for people.
    pub const fn label(self) -> &'static str {
        match self {
            Section::Roles => "Your role",
            Section::Prohibited => "Banned practices",
            Section::Products => "Regulated products",
            Section::UseCases => "High-risk uses",
            Section::Derogation => "Exception for Annex III uses",
            Section::Transparency => "Transparency",
            Section::GeneralPurpose => "General-purpose AI models",
            Section::Deployment => "Deploying the system",
        }
    }
}

/// How a question is answered.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum QuestionKind {
    /// A yes/no checkbox; the field is a `bool`.
    YesNo,
    /// A non-negative number; the field is an optional `f64`.
    Number,
    /// At most one of the choices; the field is an optional id.
    Choose(&'static [Choice]),
    /// Any number of the choices; the field is a list of ids.
    ChooseMany(&'static [Choice]),
}

/// One question of the form, bound to the `Answers` field it fills.
#[derive(Clone, Copy, Debug, PartialEq, Serialize)]
pub struct Question {
    /// The `Answers` field, also the name validation errors use.
    pub field: &'static str,
    /// Where in the form it goes.
    pub section: Section,
    /// The question, in plain words.
    pub text: &'static str,
    /// What to consider when answering.
    pub help: &'static str,
    /// How it is answered.
    pub kind: QuestionKind,
    /// The field that must be answered yes (or non-empty) before this question matters.
    pub depends_on: Option<&'static str>,
}

/// The role choices, with the ids `OperatorRole` serialises to.
const ROLES: &[Choice] = &[
    (
        "provider",
        "Provider: we build it, or have it built, and offer it under our name",
    ),
    ("deployer", "Deployer: we use it in our professional work"),
    (
        "importer",
        "Importer: we bring a non-EU provider's system into the EU",
    ),
    (
        "distributor",
        "Distributor: we pass it on in the supply chain",
    ),
    (
        "product_manufacturer",
        "Product manufacturer: it is built into a product we sell under our name",
    ),
    (
        "authorised_representative",
        "Authorised representative: we act in the EU for a non-EU provider",
    ),
];

/// Every question, in form order.
pub fn questions() -> &'static [Question] {
    QUESTIONS
}

/// Shorthand that keeps the table below readable.
const fn q(
    field: &'static str,
    section: Section,
    text: &'static str,
    help: &'static str,
    kind: QuestionKind,
    depends_on: Option<&'static str>,
) -> Question {
    Question {
        field,
        section,
        text,
        help,
        kind,
        depends_on,
    }
}

use QuestionKind::{Choose, ChooseMany, Number, YesNo};
use Section::*;

const QUESTIONS: &[Question] = &[
    q(
        "roles",
        Roles,
        "Which roles does your organisation play for this system?",
        "Pick every role that fits; the obligations are listed per role.",
        ChooseMany(ROLES),
        None,
    ),
    q(
        "prohibited_practices",
        Prohibited,
        "Does the system do any of these?",
        "Tick a practice only if it really describes the use. Reading emotions for medical or safety reasons is not banned: record it under high-risk uses instead.",
        ChooseMany(PROHIBITED_PRACTICES),
        None,
    ),
    q(
        "realtime_biometric_exception_applies",
        Prohibited,
        "Is the real-time identification limited to one of the narrow exceptions?",
        "The exceptions cover searching for specific victims or missing people, stopping an imminent threat to life or a terrorist attack, and locating suspects of listed serious crimes, each with prior authorisation and safeguards.",
        YesNo,
        Some("prohibited_practices"),
    ),
    q(
        "annex_i_act",
        Products,
        "Which EU product law covers the product the system belongs to, if any?",
        "Leave empty when the system is not part of a product regulated by one of these acts.",
        Choose(ANNEX_I_ACTS),
        None,
    ),
    q(
        "safety_component_or_product",
        Products,
        "Is the system a safety component of that product, or the product itself?",
        "A safety component protects health or safety; its failure would put people or property at risk.",
        YesNo,
        Some("annex_i_act"),
    ),
    q(
        "third_party_conformity_assessment",
        Products,
        "Must that product be assessed by a notified body (a third party) before it is sold?",
        "Check the conformity assessment procedure the product law requires for your product class.",
        YesNo,
        Some("annex_i_act"),
    ),
    q(
        "annex_iii_points",
        UseCases,
        "Is the system intended for any of these uses?",
        "Go by the intended purpose the provider states, not by what the system could technically do.",
        ChooseMany(ANNEX_III_POINTS),
        None,
    ),
    q(
        "derogation_conditions",
        Derogation,
        "Does the provider consider the use not high-risk because of one of these conditions?",
        "Only if the system poses no significant risk to health, safety or fundamental rights and does not materially influence decisions.",
        ChooseMany(DEROGATION_CONDITIONS),
        Some("annex_iii_points"),
    ),
    q(
        "profiles_natural_persons",
        Derogation,
        "Does the system profile people?",
        "Profiling means automatically evaluating personal aspects such as work performance, finances, health, preferences, behaviour or location. A system that profiles always stays high-risk.",
        YesNo,
        None,
    ),
    q(
        "derogation_documented",
        Derogation,
        "Has the provider written down its assessment that the system is not high-risk?",
        "It must exist before the system is placed on the market; authorities may ask for it, and the system must still be registered.",
        YesNo,
        Some("derogation_conditions"),
    ),
    q(
        "interacts_with_people",
        Transparency,
        "Does the system talk or otherwise interact directly with people?",
        "For example a chatbot, a voice assistant or an avatar.",
        YesNo,
        None,
    ),
    q(
        "obvious_to_people_it_is_ai",
        Transparency,
        "Would a reasonably well-informed person see at once that it is an AI?",
        "Judge from the circumstances and the context of use.",
        YesNo,
        Some("interacts_with_people"),
    ),
    q(
        "generates_synthetic_content",
        Transparency,
        "Does the system generate or alter audio, images, video or text?",
        "Includes general-purpose systems that can produce such content.",
        YesNo,
        None,
    ),
    q(
        "emotion_recognition_or_biometric_categorisation",
        Transparency,
        "Does the system recognise emotions or sort people into categories from biometric data?",
        "Biometric data includes faces, voices, fingerprints and the way people move.",
        YesNo,
        None,
    ),
    q(
        "deep_fake",
        Transparency,
        "Can its output pass for real images, sound or video of actual people, places or events?",
        "That is a deep fake, even when made for fun.",
        YesNo,
        Some("generates_synthetic_content"),
    ),
    q(
        "publishes_text_on_public_interest",
        Transparency,
        "Is text it generates published to inform the public on matters of public interest?",
        "For example news articles or public notices.",
        YesNo,
        Some("generates_synthetic_content"),
    ),
    q(
        "human_editorial_review",
        Transparency,
        "Does a person review that text, with someone holding editorial responsibility?",
        "If so, the text need not be labelled as AI-generated.",
        YesNo,
        Some("publishes_text_on_public_interest"),
    ),
    q(
        "is_gpai_model",
        GeneralPurpose,
        "Is this a general-purpose AI model that you provide?",
        "A model trained on broad data that can perform a wide range of distinct tasks and is integrated into many systems.",
        YesNo,
        None,
    ),
    q(
        "gpai_systemic_risk",
        GeneralPurpose,
        "Has the model been designated, or notified, as having systemic risk?",
        "The Commission can designate a model because of its reach or capabilities.",
        YesNo,
        Some("is_gpai_model"),
    ),
    q(
        "training_compute_flops",
        GeneralPurpose,
        "How many floating-point operations did training take in total?",
        "More than 10^25 means the model is presumed to have systemic risk.",
        Number,
        Some("is_gpai_model"),
    ),
    q(
        "gpai_open_source_licence",
        GeneralPurpose,
        "Is the model released under a free and open-source licence with its weights public?",
        "This lightens some documentation duties, unless the model has systemic risk.",
        YesNo,
        Some("is_gpai_model"),
    ),
    q(
        "deployer_is_public_body_or_public_service",
        Deployment,
        "Are you a public body, or a private organisation providing a public service?",
        "Such deployers assess the impact on fundamental rights before using most high-risk systems.",
        YesNo,
        Some("roles"),
    ),
];

#[cfg(test)]
mod tests {
    use super::*;
    use crate::eu_ai_act::{Answers, OperatorRole};

    #[test]
    fn covers_every_field_of_the_answers_exactly_once() {
        let json = serde_json::to_value(Answers::default()).unwrap();
        let mut fields: Vec<&str> = json
            .as_object()
            .unwrap()
            .keys()
            .map(|k| k.as_str())
            .collect();
        let mut asked: Vec<&str> = questions().iter().map(|q| q.field).collect();
        fields.sort_unstable();
        asked.sort_unstable();
        assert_eq!(asked, fields);
    }

    #[test]
    fn depends_only_on_questions_asked_earlier() {
        for (i, question) in questions().iter().enumerate() {
            if let Some(parent) = question.depends_on {
                let earlier = questions()[..i].iter().any(|q| q.field == parent);
                assert!(earlier, "{} depends on {parent}", question.field);
            }
        }
    }

    #[test]
    fn role_choices_are_the_serialised_roles() {
        let ids: Vec<&str> = ROLES.iter().map(|(id, _)| *id).collect();
        let roles: Vec<&str> = OperatorRole::ALL.iter().map(|r| r.as_str()).collect();
        assert_eq!(ids, roles);
    }

    #[test]
    fn serialises_for_a_form() {
        let json = serde_json::to_value(questions()[0]).unwrap();
        assert_eq!(json["section"], "roles");
        assert_eq!(json["kind"]["choose_many"][0][0], "provider");
    }
}
