//! Described scenarios for the EU AI Act rules: each names a real-world system, gives the
//! questionnaire answers for it, and states the class, bases, transparency duties, model
//! duties, obligations per role and a piece of the reasoning the rules must produce.

use std::collections::BTreeSet;

use aims_domain::eu_ai_act::{
    ANNEX_I_ACTS, ANNEX_III_POINTS, Answers, Classification, GpaiDuty,
    OperatorRole::{self, *},
    PROHIBITED_PRACTICES,
    RiskClass::{self, *},
    classify, obligations,
};

/// The duties of a provider of a high-risk system (Article 4 included).
const HIGH_RISK_PROVIDER: &[&str] = &[
    "art-4", "art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-16",
    "art-17", "art-72", "art-73",
];

/// One described case and everything expected of it.
struct Scenario {
    name: &'static str,
    answers: Answers,
    class: RiskClass,
    basis: Vec<&'static str>,
    transparency: Vec<&'static str>,
    gpai: Option<GpaiDuty>,
    /// "role requirement", such as "provider art-16"; "all art-5" binds every operator.
    duties: BTreeSet<String>,
    reason: &'static str,
    why: Option<&'static str>,
}

impl Scenario {
    fn new(name: &'static str, class: RiskClass, answers: Answers) -> Self {
        Scenario {
            name,
            answers,
            class,
            basis: Vec::new(),
            transparency: Vec::new(),
            gpai: None,
            duties: BTreeSet::new(),
            reason: "",
            why: None,
        }
    }

    fn basis(mut self, ids: &[&'static str]) -> Self {
        self.basis = ids.to_vec();
        self
    }

    fn transparency(mut self, ids: &[&'static str]) -> Self {
        self.transparency = ids.to_vec();
        self
    }

    fn gpai(mut self, duty: GpaiDuty) -> Self {
        self.gpai = Some(duty);
        self
    }

    fn duties(mut self, role: &str, requirements: &[&str]) -> Self {
        self.duties
            .extend(requirements.iter().map(|r| format!("{role} {r}")));
        self
    }

    fn reason(mut self, text: &'static str) -> Self {
        self.reason = text;
        self
    }

    fn why(mut self, text: &'static str) -> Self {
        self.why = Some(text);
        self
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn roles(roles: &[OperatorRole]) -> Answers {
    Answers {
        roles: roles.to_vec(),
        ..Answers::default()
    }
}

fn annex_iii(points: &[&str], who: &[OperatorRole]) -> Answers {
    Answers {
        annex_iii_points: ids(points),
        ..roles(who)
    }
}

fn banned(points: &[&str], who: &[OperatorRole]) -> Answers {
    Answers {
        prohibited_practices: ids(points),
        ..roles(who)
    }
}

fn product(act: &str, who: &[OperatorRole]) -> Answers {
    Answers {
        annex_i_act: Some(act.to_owned()),
        safety_component_or_product: true,
        third_party_conformity_assessment: true,
        ..roles(who)
    }
}

fn public(answers: Answers) -> Answers {
    Answers {
        deployer_is_public_body_or_public_service: true,
        ..answers
    }
}

fn scenarios() -> Vec<Scenario> {
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

/// The ids of the EU AI Act catalogue, by a plain-text scan of its YAML file.
fn catalogue_ids() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../aims-catalog/catalogs/eu-ai-act-2024.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the EU AI Act catalogue is readable");
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("- id: \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .collect()
}

/// Every catalogue id a classification and its obligations mention.
fn emitted_ids(c: &Classification, answers: &Answers) -> Vec<String> {
    let mut all: Vec<String> = c
        .prohibited
        .iter()
        .chain(&c.high_risk_basis)
        .chain(&c.derogated_annex_iii)
        .chain(&c.transparency)
        .cloned()
        .collect();
    all.extend(c.reasons.iter().map(|r| r.rule.clone()));
    all.extend(
        obligations(c, answers)
            .iter()
            .map(|o| o.requirement.to_owned()),
    );
    all
}

/// Everything wrong with one scenario's outcome.
fn check(s: &Scenario, catalogue: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = s.answers.validate() {
        problems.push(format!("answers rejected: {e}"));
    }
    let c = classify(&s.answers);
    if c.class != s.class {
        problems.push(format!("class {:?}, expected {:?}", c.class, s.class));
    }
    if c.high_risk_basis != s.basis {
        problems.push(format!(
            "basis {:?}, expected {:?}",
            c.high_risk_basis, s.basis
        ));
    }
    if c.transparency != s.transparency {
        problems.push(format!(
            "transparency {:?}, expected {:?}",
            c.transparency, s.transparency
        ));
    }
    if c.gpai != s.gpai {
        problems.push(format!("gpai {:?}, expected {:?}", c.gpai, s.gpai));
    }
    let list = obligations(&c, &s.answers);
    let got: Vec<String> = list
        .iter()
        .map(|o| {
            let role = o.role.map_or("all", |r| r.as_str());
            format!("{role} {}", o.requirement)
        })
        .collect();
    let got_set: BTreeSet<String> = got.iter().cloned().collect();
    if got_set.len() != got.len() {
        problems.push(format!("duplicate obligations: {got:?}"));
    }
    if got_set != s.duties {
        problems.push(format!("obligations {got_set:?}, expected {:?}", s.duties));
    }
    if s.reason.is_empty() {
        problems.push("scenario states no expected reason".to_owned());
    } else if !c.reasons.iter().any(|r| r.text.contains(s.reason)) {
        problems.push(format!(
            "no reason contains {:?}: {:#?}",
            s.reason, c.reasons
        ));
    }
    if let Some(why) = s.why
        && !list.iter().any(|o| o.why.contains(why))
    {
        problems.push(format!("no obligation explains {why:?}: {list:#?}"));
    }
    for id in emitted_ids(&c, &s.answers) {
        if !catalogue.contains(&id) {
            problems.push(format!("emitted {id}, which is not in the catalogue"));
        }
    }
    problems
}

#[test]
fn described_scenarios_classify_and_oblige_as_the_act_says() {
    let catalogue = catalogue_ids();
    let all = scenarios();
    assert!(all.len() >= 45, "only {} scenarios", all.len());
    let names: BTreeSet<&str> = all.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), all.len(), "scenario names must be unique");

    let failures: Vec<String> = all
        .iter()
        .filter_map(|s| {
            let problems = check(s, &catalogue);
            (!problems.is_empty()).then(|| format!("{}:\n  {}", s.name, problems.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn scenario_answers_survive_a_json_round_trip() {
    for s in scenarios() {
        let json = serde_json::to_string(&s.answers).unwrap();
        let back: Answers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s.answers, "{}", s.name);
        assert_eq!(classify(&back), classify(&s.answers), "{}", s.name);
    }
}

#[test]
fn every_listed_point_and_act_has_its_effect() {
    let catalogue = catalogue_ids();
    for (id, _) in ANNEX_III_POINTS {
        let a = annex_iii(&[id], &[Provider]);
        let c = classify(&a);
        assert_eq!(c.class, HighRisk, "{id}");
        assert_eq!(c.high_risk_basis, [*id], "{id}");
        assert!(emitted_ids(&c, &a).iter().all(|e| catalogue.contains(e)));
    }
    for (id, _) in ANNEX_I_ACTS {
        let a = product(id, &[Provider]);
        let c = classify(&a);
        assert_eq!(c.class, HighRisk, "{id}");
        assert_eq!(c.high_risk_basis, [*id], "{id}");
    }
    for (id, _) in PROHIBITED_PRACTICES {
        let a = banned(&[id], &[Provider, Deployer]);
        let c = classify(&a);
        assert_eq!(c.class, Prohibited, "{id}");
        let list = obligations(&c, &a);
        assert_eq!(list.len(), 1, "{id}");
        assert_eq!(list[0].requirement, "art-5");
        assert_eq!(list[0].role, None);
    }
}

#[test]
fn classification_serialises_with_catalogue_ids_and_snake_case() {
    let a = annex_iii(&["annex-iii-5(b)"], &[Deployer]);
    let c = classify(&a);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["class"], "high_risk");
    assert_eq!(json["high_risk_basis"][0], "annex-iii-5(b)");
    let list = serde_json::to_value(obligations(&c, &a)).unwrap();
    assert_eq!(list[0]["role"], "deployer");
    assert_eq!(list[0]["requirement"], "art-4");
}
