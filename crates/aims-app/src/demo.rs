//! What the demo organisation holds, so that a first look at aims shows a management system
//! in use rather than empty pages: a few AI systems of different EU AI Act classes, with
//! their components and classifications.

use aims_domain::eu_ai_act::Answers;
use aims_domain::inventory::{
    AiRole, Autonomy, ComponentFacts, ComponentKind, DecisionsAboutPeople, LifecycleStage,
    SystemFacts, SystemStatus,
};
use aims_domain::{Actor, OrgId};
use aims_store::SystemQuery;
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

struct DemoSystem {
    facts: SystemFacts,
    components: Vec<(ComponentKind, ComponentFacts)>,
    answers: serde_json::Value,
}

fn system(
    name: &str,
    purpose: &str,
    stage: LifecycleStage,
    roles: &[AiRole],
    decisions: DecisionsAboutPeople,
    tags: &[&str],
) -> SystemFacts {
    SystemFacts {
        lifecycle_stage: stage,
        roles: roles.to_vec(),
        decisions_about_people: decisions,
        status: SystemStatus::Active,
        tags: tags.iter().map(|t| t.to_string()).collect(),
        geography: vec!["eu".into()],
        autonomy: Autonomy::HumanInTheLoop,
        ..SystemFacts::new(name, purpose)
    }
}

fn component(name: &str, version: &str, provider: &str, licence: &str) -> ComponentFacts {
    ComponentFacts {
        name: name.into(),
        version: version.into(),
        provider: provider.into(),
        licence: licence.into(),
        ..Default::default()
    }
}

fn demo_systems() -> Vec<DemoSystem> {
    use AiRole::*;
    use ComponentKind::*;
    let mut credit = system(
        "Credit scoring",
        "Scores consumer loan applications for creditworthiness",
        LifecycleStage::OperationMonitoring,
        &[Provider, Deployer],
        DecisionsAboutPeople::Supports,
        &["credit", "retail-banking"],
    );
    credit.affected_persons = "Loan applicants, including people with thin credit files.".into();
    credit.human_oversight =
        "A credit officer reviews every declined application before the answer is sent.".into();
    let mut chatbot = system(
        "Customer service assistant",
        "Answers customers' questions about their accounts in the web chat",
        LifecycleStage::Deployment,
        &[Deployer],
        DecisionsAboutPeople::No,
        &["customer-service", "llm"],
    );
    chatbot.autonomy = Autonomy::HumanOnTheLoop;
    vec![
        DemoSystem {
            facts: credit,
            components: vec![
                (
                    Model,
                    component(
                        "Gradient-boosted scorecard",
                        "3.2",
                        "In-house data science",
                        "proprietary",
                    ),
                ),
                (
                    Dataset,
                    ComponentFacts {
                        personal_data: true,
                        source: "Loan book 2016-2025".into(),
                        ..component("Loan applications", "2025-10", "In-house", "internal")
                    },
                ),
            ],
            answers: json!({"roles": ["provider", "deployer"], "annex_iii_points": ["annex-iii-5(b)"]}),
        },
        DemoSystem {
            facts: system(
                "CV screening",
                "Ranks applications for open positions before a recruiter reads them",
                LifecycleStage::VerificationValidation,
                &[Deployer],
                DecisionsAboutPeople::Supports,
                &["hr"],
            ),
            components: vec![
                (
                    Model,
                    component("Résumé ranker", "2025.2", "HireTech Ltd", "commercial"),
                ),
                (Supplier, component("HireTech Ltd", "", "", "")),
            ],
            answers: json!({"roles": ["deployer"], "annex_iii_points": ["annex-iii-4(a)"]}),
        },
        DemoSystem {
            facts: chatbot,
            components: vec![
                (
                    Model,
                    ComponentFacts {
                        model_type: "large language model".into(),
                        hosting: "EU cloud region".into(),
                        ..component(
                            "General-purpose chat model",
                            "2026-06",
                            "Model vendor",
                            "commercial",
                        )
                    },
                ),
                (
                    Dataset,
                    component("Help-centre articles", "live", "In-house", "internal"),
                ),
            ],
            answers: json!({"roles": ["deployer"], "interacts_with_people": true, "generates_synthetic_content": true}),
        },
        DemoSystem {
            facts: system(
                "Payment fraud detection",
                "Flags card payments that look fraudulent for review",
                LifecycleStage::OperationMonitoring,
                &[Provider, Deployer],
                DecisionsAboutPeople::Supports,
                &["fraud", "payments"],
            ),
            components: vec![(
                Model,
                component(
                    "Anomaly detector",
                    "7",
                    "In-house data science",
                    "proprietary",
                ),
            )],
            answers: json!({"roles": ["provider", "deployer"]}),
        },
        DemoSystem {
            facts: system(
                "Invoice field extraction",
                "Reads supplier invoices and fills in the accounting system",
                LifecycleStage::DesignDevelopment,
                &[Developer, Deployer],
                DecisionsAboutPeople::No,
                &["finance"],
            ),
            components: vec![],
            answers: serde_json::Value::Null,
        },
    ]
}

impl App {
    /// Fills the demo organisation with its systems, unless it already holds some.
    pub(crate) async fn seed_demo_content(&self, org: OrgId) -> Result<()> {
        let query = SystemQuery {
            limit: 1,
            ..Default::default()
        };
        if self.store.read().await?.ai_systems(org, &query).await?.1 > 0 {
            return Ok(());
        }
        let actor = Actor {
            label: "aims serve --demo".into(),
            ..crate::setup::system_actor(org)
        };
        for demo in demo_systems() {
            let created = self.create_ai_system(&actor, demo.facts).await?;
            for (kind, facts) in demo.components {
                self.add_component(&actor, created.id, kind, facts).await?;
            }
            if !demo.answers.is_null() {
                let answers: Answers = serde_json::from_value(demo.answers)
                    .map_err(|e| AppError::Internal(format!("demo answers: {e}")))?;
                self.classify_ai_system(&actor, created.id, answers).await?;
            }
        }
        Ok(())
    }
}
