//! Scenarios of the other classes and duties: banned practices, transparency, general-purpose AI models.

use aims_domain::eu_ai_act::{Answers, GpaiDuty, OperatorRole::*, RiskClass::*};

use crate::*;

/// The scenarios that are banned, carry transparency duties, or concern general-purpose models.
pub fn scenarios() -> Vec<Scenario> {
    let hr_deployer_fria = ["art-4", "art-25", "art-26", "art-27"];
    vec![
        // Article 5: banned practices.
        Scenario::new(
            "emotion recognition of employees at work",
            Prohibited,
            Answers {
                emotion_recognition_or_biometric_categorisation: true,
                annex_iii_points: ids(&["annex-iii-1(c)"]),
                ..banned(&["art-5(1)(f)"], &[Provider, Deployer])
            },
        )
        .basis(&["annex-iii-1(c)"])
        .transparency(&["art-50(3)"])
        .duties("all", &["art-5"])
        .reason("for information only")
        .why("Article 5(1)(f)"),
        Scenario::new(
            "social scoring of citizens",
            Prohibited,
            banned(&["art-5(1)(c)"], &[Provider]),
        )
        .duties("all", &["art-5"])
        .reason("Article 5(1)(c): the system rates people"),
        Scenario::new(
            "social scoring that also decides on benefits",
            Prohibited,
            Answers {
                annex_iii_points: ids(&["annex-iii-5(a)"]),
                ..public(banned(&["art-5(1)(c)"], &[Deployer]))
            },
        )
        .basis(&["annex-iii-5(a)"])
        .duties("all", &["art-5"])
        .reason("banned in the EU"),
        Scenario::new(
            "subliminal manipulation in a shopping app",
            Prohibited,
            banned(&["art-5(1)(a)"], &[Provider]),
        )
        .duties("all", &["art-5"])
        .reason("subliminal"),
        Scenario::new(
            "game exploiting children's vulnerability",
            Prohibited,
            banned(&["art-5(1)(b)"], &[Provider]),
        )
        .duties("all", &["art-5"])
        .reason("age, disability"),
        Scenario::new(
            "predictive policing from profiling alone",
            Prohibited,
            banned(&["art-5(1)(d)"], &[Deployer]),
        )
        .duties("all", &["art-5"])
        .reason("Article 5(1)(d)"),
        Scenario::new(
            "untargeted face scraping for a recognition database",
            Prohibited,
            banned(&["art-5(1)(e)"], &[Provider]),
        )
        .duties("all", &["art-5"])
        .reason("face images indiscriminately"),
        Scenario::new(
            "biometric categorisation by political opinion",
            Prohibited,
            banned(&["art-5(1)(g)"], &[Provider]),
        )
        .duties("all", &["art-5"])
        .reason("Article 5(1)(g)"),
        Scenario::new(
            "real-time identification in public for police, no exception",
            Prohibited,
            public(banned(&["art-5(1)(h)"], &[Deployer])),
        )
        .duties("all", &["art-5"])
        .reason("Article 5(1)(h)"),
        Scenario::new(
            "real-time identification to find a missing child (exception)",
            HighRisk,
            Answers {
                realtime_biometric_exception_applies: true,
                ..public(banned(&["art-5(1)(h)"], &[Deployer]))
            },
        )
        .basis(&["annex-iii-1(a)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("is not banned")
        .why("Article 5(2)"),
        Scenario::new(
            "provider of real-time identification for excepted uses",
            HighRisk,
            Answers {
                realtime_biometric_exception_applies: true,
                ..banned(&["art-5(1)(h)"], &[Provider])
            },
        )
        .basis(&["annex-iii-1(a)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("prior authorisation"),
        // Article 50: transparency.
        Scenario::new(
            "customer-service chatbot",
            Transparency,
            Answers {
                interacts_with_people: true,
                ..roles(&[Provider, Deployer])
            },
        )
        .transparency(&["art-50(1)"])
        .duties("provider", &["art-4", "art-50(1)"])
        .duties("deployer", &["art-4"])
        .reason("told it is an AI"),
        Scenario::new(
            "chatbot that is obviously an AI",
            Minimal,
            Answers {
                interacts_with_people: true,
                obvious_to_people_it_is_ai: true,
                ..roles(&[Provider])
            },
        )
        .duties("provider", &["art-4"])
        .reason("obvious to people"),
        Scenario::new(
            "deep-fake video generator, built and used",
            Transparency,
            Answers {
                generates_synthetic_content: true,
                deep_fake: true,
                ..roles(&[Provider, Deployer])
            },
        )
        .transparency(&["art-50(2)", "art-50(4)"])
        .duties("provider", &["art-4", "art-50(2)"])
        .duties("deployer", &["art-4", "art-50(4)"])
        .reason("disclose deep fakes"),
        Scenario::new(
            "news text generator with human editorial review",
            Transparency,
            Answers {
                generates_synthetic_content: true,
                publishes_text_on_public_interest: true,
                human_editorial_review: true,
                ..roles(&[Deployer])
            },
        )
        .transparency(&["art-50(2)"])
        .duties("deployer", &["art-4"])
        .reason("editorial responsibility"),
        Scenario::new(
            "news text generator publishing without review",
            Transparency,
            Answers {
                generates_synthetic_content: true,
                publishes_text_on_public_interest: true,
                ..roles(&[Deployer])
            },
        )
        .transparency(&["art-50(2)", "art-50(4)"])
        .duties("deployer", &["art-4", "art-50(4)"])
        .reason("AI-written text published to inform the public"),
        Scenario::new(
            "store camera guessing shoppers' mood",
            Transparency,
            Answers {
                emotion_recognition_or_biometric_categorisation: true,
                ..roles(&[Deployer])
            },
        )
        .transparency(&["art-50(3)"])
        .duties("deployer", &["art-4", "art-50(3)"])
        .reason("Transparency risk"),
        Scenario::new("spam filter", Minimal, roles(&[Deployer]))
            .duties("deployer", &["art-4"])
            .reason("no banned practice"),
        // General-purpose AI models.
        Scenario::new(
            "open-source general-purpose model",
            Minimal,
            Answers {
                is_gpai_model: true,
                gpai_open_source_licence: true,
                training_compute_flops: Some(2e23),
                ..roles(&[Provider])
            },
        )
        .gpai(GpaiDuty::General)
        .duties("provider", &["art-4", "art-53"])
        .reason("exempt from the documentation duties")
        .why("Open-source licence"),
        Scenario::new(
            "general-purpose model trained with 3e25 FLOP",
            Minimal,
            Answers {
                is_gpai_model: true,
                training_compute_flops: Some(3e25),
                ..roles(&[Provider])
            },
        )
        .gpai(GpaiDuty::SystemicRisk)
        .duties("provider", &["art-4", "art-53", "art-55"])
        .reason("10^25"),
        Scenario::new(
            "open-source model designated with systemic risk",
            Minimal,
            Answers {
                is_gpai_model: true,
                gpai_systemic_risk: true,
                gpai_open_source_licence: true,
                ..roles(&[Provider])
            },
        )
        .gpai(GpaiDuty::SystemicRisk)
        .duties("provider", &["art-4", "art-53", "art-55"])
        .reason("no exemption"),
        Scenario::new(
            "general-purpose model offered with its own chatbot",
            Transparency,
            Answers {
                is_gpai_model: true,
                interacts_with_people: true,
                generates_synthetic_content: true,
                ..roles(&[Provider])
            },
        )
        .transparency(&["art-50(1)", "art-50(2)"])
        .gpai(GpaiDuty::General)
        .duties("provider", &["art-4", "art-50(1)", "art-50(2)", "art-53"])
        .reason("classified separately"),
        Scenario::new(
            "deployer of a chatbot built on a systemic-risk model",
            Transparency,
            Answers {
                interacts_with_people: true,
                generates_synthetic_content: true,
                ..roles(&[Deployer])
            },
        )
        .transparency(&["art-50(1)", "art-50(2)"])
        .duties("deployer", &["art-4"])
        .reason("marked as AI-made"),
    ]
}
