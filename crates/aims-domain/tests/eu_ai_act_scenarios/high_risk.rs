//! Scenarios about high risk: Annex III areas, the Article 6(3) derogation that can lift it,
//! and Annex I products.

use aims_domain::eu_ai_act::{Answers, OperatorRole::*, RiskClass::*};

use crate::*;

/// The scenarios about high risk, with the deployer duties they share.
pub fn scenarios() -> Vec<Scenario> {
    let hr_deployer = ["art-4", "art-25", "art-26"];
    let hr_deployer_fria = ["art-4", "art-25", "art-26", "art-27"];
    vec![
        // Annex III, area 5: essential services.
        Scenario::new(
            "credit-scoring model of a bank (provider)",
            HighRisk,
            annex_iii(&["annex-iii-5(b)"], &[Provider]),
        )
        .basis(&["annex-iii-5(b)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("Annex III point 5(b) (credit scoring"),
        Scenario::new(
            "credit-scoring model used by a bank (deployer)",
            HighRisk,
            annex_iii(&["annex-iii-5(b)"], &[Deployer]),
        )
        .basis(&["annex-iii-5(b)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("High-risk because of Annex III point 5(b)")
        .why("Every deployer of a system under Annex III point 5(b)"),
        Scenario::new(
            "fraud-detection model of a bank (excluded from 5(b))",
            Minimal,
            roles(&[Provider, Deployer]),
        )
        .duties("provider", &["art-4"])
        .duties("deployer", &["art-4"])
        .reason("Minimal risk"),
        Scenario::new(
            "life-insurance pricing by a private insurer (deployer)",
            HighRisk,
            annex_iii(&["annex-iii-5(c)"], &[Deployer]),
        )
        .basis(&["annex-iii-5(c)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("life or health insurance")
        .why("Annex III point 5(c)"),
        Scenario::new(
            "benefits-eligibility system of a public agency (deployer)",
            HighRisk,
            public(annex_iii(&["annex-iii-5(a)"], &[Deployer])),
        )
        .basis(&["annex-iii-5(a)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("public benefits")
        .why("public body or provide a public service"),
        Scenario::new(
            "benefits-eligibility system of a private firm, no public service (deployer)",
            HighRisk,
            annex_iii(&["annex-iii-5(a)"], &[Deployer]),
        )
        .basis(&["annex-iii-5(a)"])
        .duties("deployer", &hr_deployer)
        .reason("Annex III point 5(a)"),
        Scenario::new(
            "emergency-call triage of a public ambulance service",
            HighRisk,
            public(annex_iii(&["annex-iii-5(d)"], &[Deployer])),
        )
        .basis(&["annex-iii-5(d)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("emergency calls"),
        // Annex III, area 4: employment.
        Scenario::new(
            "CV-screening tool (provider)",
            HighRisk,
            annex_iii(&["annex-iii-4(a)"], &[Provider]),
        )
        .basis(&["annex-iii-4(a)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("recruiting"),
        Scenario::new(
            "CV-screening tool used by a private employer",
            HighRisk,
            annex_iii(&["annex-iii-4(a)"], &[Deployer]),
        )
        .basis(&["annex-iii-4(a)"])
        .duties("deployer", &hr_deployer)
        .reason("a high-risk use under Article 6(2)"),
        Scenario::new(
            "workforce task allocation, built and used in-house",
            HighRisk,
            annex_iii(&["annex-iii-4(b)"], &[Provider, Deployer]),
        )
        .basis(&["annex-iii-4(b)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .duties("deployer", &hr_deployer)
        .reason("task allocation"),
        Scenario::new(
            "importer of a CV-screening tool",
            HighRisk,
            annex_iii(&["annex-iii-4(a)"], &[Importer]),
        )
        .basis(&["annex-iii-4(a)"])
        .duties("importer", &["art-25"])
        .reason("Annex III point 4(a)")
        .why("Article 23"),
        Scenario::new(
            "distributor of an exam-proctoring tool",
            HighRisk,
            annex_iii(&["annex-iii-3(d)"], &[Distributor]),
        )
        .basis(&["annex-iii-3(d)"])
        .duties("distributor", &["art-25"])
        .reason("cheating in tests")
        .why("Article 24"),
        Scenario::new(
            "authorised representative of a non-EU credit-scoring provider",
            HighRisk,
            annex_iii(&["annex-iii-5(b)"], &[AuthorisedRepresentative]),
        )
        .basis(&["annex-iii-5(b)"])
        .reason("Annex III point 5(b)"),
        // Annex III, area 3: education.
        Scenario::new(
            "exam proctoring (provider)",
            HighRisk,
            annex_iii(&["annex-iii-3(d)"], &[Provider]),
        )
        .basis(&["annex-iii-3(d)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("Annex III point 3(d)"),
        Scenario::new(
            "admission ranking of a public university",
            HighRisk,
            public(annex_iii(&["annex-iii-3(a)"], &[Deployer])),
        )
        .basis(&["annex-iii-3(a)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("education or training")
        .why("public body"),
        // Annex III, areas 1, 2, 6, 7, 8.
        Scenario::new(
            "post remote biometric identification (not real time)",
            HighRisk,
            annex_iii(&["annex-iii-1(a)"], &[Provider]),
        )
        .basis(&["annex-iii-1(a)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("identifying people at a distance"),
        Scenario::new(
            "biometric categorisation by age group (not a banned trait)",
            HighRisk,
            Answers {
                emotion_recognition_or_biometric_categorisation: true,
                ..annex_iii(&["annex-iii-1(b)"], &[Deployer])
            },
        )
        .basis(&["annex-iii-1(b)"])
        .transparency(&["art-50(3)"])
        .duties("deployer", &["art-4", "art-25", "art-26", "art-50(3)"])
        .reason("people exposed must be informed"),
        Scenario::new(
            "emotion recognition of pilots for safety reasons",
            HighRisk,
            Answers {
                emotion_recognition_or_biometric_categorisation: true,
                ..annex_iii(&["annex-iii-1(c)"], &[Provider])
            },
        )
        .basis(&["annex-iii-1(c)"])
        .transparency(&["art-50(3)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("recognising emotions"),
        Scenario::new(
            "water-grid safety component run by a public utility (no FRIA)",
            HighRisk,
            public(annex_iii(&["annex-iii-2(a)"], &[Deployer])),
        )
        .basis(&["annex-iii-2(a)"])
        .duties("deployer", &hr_deployer)
        .reason("critical infrastructure")
        .why("leaves out critical infrastructure (Annex III area 2)"),
        Scenario::new(
            "polygraph-style tool in police interviews",
            HighRisk,
            public(annex_iii(&["annex-iii-6(b)"], &[Deployer])),
        )
        .basis(&["annex-iii-6(b)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("polygraphs"),
        Scenario::new(
            "re-offending risk assessment (provider)",
            HighRisk,
            annex_iii(&["annex-iii-6(d)"], &[Provider]),
        )
        .basis(&["annex-iii-6(d)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("(re)offending"),
        Scenario::new(
            "evidence reliability checker for prosecutors",
            HighRisk,
            public(annex_iii(&["annex-iii-6(c)"], &[Deployer])),
        )
        .basis(&["annex-iii-6(c)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("reliable evidence"),
        Scenario::new(
            "migration risk assessment at the border",
            HighRisk,
            public(annex_iii(&["annex-iii-7(b)"], &[Deployer])),
        )
        .basis(&["annex-iii-7(b)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("security, migration or health risk"),
        Scenario::new(
            "asylum application examination assistant (provider)",
            HighRisk,
            annex_iii(&["annex-iii-7(c)"], &[Provider]),
        )
        .basis(&["annex-iii-7(c)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("asylum"),
        Scenario::new(
            "face detection at border crossings",
            HighRisk,
            annex_iii(&["annex-iii-7(d)"], &[Provider]),
        )
        .basis(&["annex-iii-7(d)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("travel-document checks"),
        Scenario::new(
            "judicial research assistant of a court",
            HighRisk,
            public(annex_iii(&["annex-iii-8(a)"], &[Deployer])),
        )
        .basis(&["annex-iii-8(a)"])
        .duties("deployer", &hr_deployer_fria)
        .reason("judges"),
        Scenario::new(
            "election-influence micro-targeting system",
            HighRisk,
            annex_iii(&["annex-iii-8(b)"], &[Provider]),
        )
        .basis(&["annex-iii-8(b)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("influencing elections"),
        // Article 6(3): the derogation.
        Scenario::new(
            "recruiting document sorter with a documented narrow-task derogation",
            Minimal,
            Answers {
                derogation_conditions: ids(&["art-6(3)(a)"]),
                derogation_documented: true,
                ..annex_iii(&["annex-iii-4(a)"], &[Provider])
            },
        )
        .duties("provider", &["art-4", "art-6(3)"])
        .reason("Minimal risk: Annex III point 4(a) is derogated under Article 6(3)")
        .why("Article 49(2)"),
        Scenario::new(
            "derogation claimed for a candidate-ranking tool that profiles",
            HighRisk,
            Answers {
                derogation_conditions: ids(&["art-6(3)(d)"]),
                derogation_documented: true,
                profiles_natural_persons: true,
                ..annex_iii(&["annex-iii-4(a)"], &[Provider])
            },
        )
        .basis(&["annex-iii-4(a)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("profiles natural persons"),
        Scenario::new(
            "derogation claimed but not yet documented",
            Minimal,
            Answers {
                derogation_conditions: ids(&["art-6(3)(b)"]),
                ..annex_iii(&["annex-iii-5(a)"], &[Provider])
            },
        )
        .duties("provider", &["art-4", "art-6(3)"])
        .reason("Warning: the Article 6(4) assessment has not been documented"),
        Scenario::new(
            "derogated grading helper that also chats with students",
            Transparency,
            Answers {
                derogation_conditions: ids(&["art-6(3)(c)"]),
                derogation_documented: true,
                interacts_with_people: true,
                ..annex_iii(&["annex-iii-3(b)"], &[Provider])
            },
        )
        .transparency(&["art-50(1)"])
        .duties("provider", &["art-4", "art-6(3)", "art-50(1)"])
        .reason("Article 6(3)(c) claimed"),
        // Annex I: products.
        Scenario::new(
            "diagnostic AI in a medical device needing a notified body",
            HighRisk,
            product("annex-i-a-11", &[Provider]),
        )
        .basis(&["annex-i-a-11"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("medical devices"),
        Scenario::new(
            "medical-device software without third-party assessment",
            Minimal,
            Answers {
                third_party_conformity_assessment: false,
                ..product("annex-i-a-11", &[Provider])
            },
        )
        .duties("provider", &["art-4"])
        .reason("does not need a third-party conformity assessment"),
        Scenario::new(
            "AI feature of a machine that is no safety component",
            Minimal,
            Answers {
                safety_component_or_product: false,
                third_party_conformity_assessment: false,
                ..product("annex-i-a-1", &[Provider])
            },
        )
        .duties("provider", &["art-4"])
        .reason("neither a safety component"),
        Scenario::new(
            "safety component of a toy",
            HighRisk,
            product("annex-i-a-2", &[Provider]),
        )
        .basis(&["annex-i-a-2"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("Annex I section A point 2 (toys)"),
        Scenario::new(
            "lift controller built in by the lift manufacturer",
            HighRisk,
            product("annex-i-a-4", &[ProductManufacturer]),
        )
        .basis(&["annex-i-a-4"])
        .duties("product_manufacturer", HIGH_RISK_PROVIDER)
        .duties("product_manufacturer", &["art-25"])
        .reason("lifts")
        .why("Article 25(3)"),
        Scenario::new(
            "machinery safety component used by a public body (no FRIA for Annex I)",
            HighRisk,
            public(product("annex-i-a-1", &[Deployer])),
        )
        .basis(&["annex-i-a-1"])
        .duties("deployer", &hr_deployer)
        .reason("Article 6(1)")
        .why("not products under Annex I"),
        Scenario::new(
            "driver-assistance safety component of a car (Annex I section B)",
            HighRisk,
            product("annex-i-b-6", &[Provider, Deployer]),
        )
        .basis(&["annex-i-b-6"])
        .reason("Article 2(2)"),
        Scenario::new(
            "medical device that also recognises emotions",
            HighRisk,
            Answers {
                emotion_recognition_or_biometric_categorisation: true,
                annex_iii_points: ids(&["annex-iii-1(c)"]),
                ..product("annex-i-a-11", &[Provider])
            },
        )
        .basis(&["annex-i-a-11", "annex-iii-1(c)"])
        .transparency(&["art-50(3)"])
        .duties("provider", HIGH_RISK_PROVIDER)
        .reason("Annex I section A point 11 and Annex III point 1(c)"),
    ]
}
