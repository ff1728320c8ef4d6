//! What the demo organisation holds, so that a first look at aims shows a management system
//! in use rather than empty pages: colleagues who own things, a few AI systems of different
//! EU AI Act classes with their components and classifications, risks on an agreed method,
//! and documents at every stage of approval.

use aims_domain::account::User;
use aims_domain::eu_ai_act::Answers;
use aims_domain::inventory::{
    AiRole, Autonomy, ComponentFacts, ComponentKind, DecisionsAboutPeople, LifecycleStage,
    SystemFacts, SystemStatus,
};
use aims_domain::{Actor, OrgId, Role, UserId};
use aims_store::SystemQuery;
use serde_json::json;

use crate::error::{AppError, Result};
use crate::{App, ISO_42001};

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
            facts: SystemFacts {
                out_of_scope: "Run by the group's shared finance service under its own \
                               management system; listed here for the inventory only."
                    .into(),
                ..system(
                    "Invoice field extraction",
                    "Reads supplier invoices and fills in the accounting system",
                    LifecycleStage::DesignDevelopment,
                    &[Developer, Deployer],
                    DecisionsAboutPeople::No,
                    &["finance"],
                )
            },
            components: vec![],
            answers: serde_json::Value::Null,
        },
    ]
}

/// Demo data written as JSON, read into the type a use case takes.
fn parse<T: serde::de::DeserializeOwned>(value: serde_json::Value) -> Result<T> {
    serde_json::from_value(value).map_err(|e| AppError::Internal(format!("demo data: {e}")))
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
        let people = self.seed_demo_people(&actor).await?;
        let owners = [people[0], people[1], people[1], people[0], people[1]];
        let mut created_ids = Vec::new();
        for (demo, owner) in demo_systems().into_iter().zip(owners) {
            let facts = SystemFacts {
                owner: Some(owner),
                ..demo.facts
            };
            let created = self.create_ai_system(&actor, facts).await?;
            created_ids.push(created.id);
            for (kind, facts) in demo.components {
                self.add_component(&actor, created.id, kind, facts).await?;
            }
            if !demo.answers.is_null() {
                let answers: Answers = serde_json::from_value(demo.answers)
                    .map_err(|e| AppError::Internal(format!("demo answers: {e}")))?;
                self.classify_ai_system(&actor, created.id, answers).await?;
            }
        }
        self.seed_demo_register(&actor, &created_ids, &people)
            .await?;
        self.seed_demo_documents(
            org,
            (people[1], "tomas.ortega@example.org"),
            (people[0], "maria.schmidt@example.org"),
        )
        .await?;
        self.seed_demo_context(
            org,
            (people[1], "tomas.ortega@example.org"),
            (people[0], "maria.schmidt@example.org"),
        )
        .await?;
        self.seed_demo_measurement(&actor, people[0], people[1])
            .await?;
        self.seed_demo_nonconformities(
            &actor,
            (people[0], "maria.schmidt@example.org"),
            (people[1], "tomas.ortega@example.org"),
            created_ids[2],
        )
        .await?;
        self.seed_demo_competence(&actor, &people).await
    }

    /// The demo's colleagues, who own its systems, risks and controls: members without a
    /// password (they cannot sign in), so that owners and the audit trail name people.
    async fn seed_demo_people(&self, actor: &Actor) -> Result<Vec<UserId>> {
        let mut people = Vec::new();
        for (name, email, role) in [
            ("Maria Schmidt", "maria.schmidt@example.org", Role::Admin),
            ("Tomás Ortega", "tomas.ortega@example.org", Role::Editor),
            ("Aisha Khan", "aisha.khan@example.org", Role::Auditor),
        ] {
            let email = aims_domain::account::Email::parse(email)?;
            let mut tx = self.store.write_for(actor.org).await?;
            let id = match tx.user_by_email(&email).await? {
                Some(user) => user.id,
                None => {
                    let now = self.now();
                    let user = User {
                        password_hash: None,
                        ..User::new(email, name.to_owned(), String::new(), now)
                    };
                    crate::setup::add_user(&mut tx, actor.org, &user, role, actor, now).await?;
                    user.id
                }
            };
            tx.commit().await?;
            people.push(id);
        }
        Ok(people)
    }

    /// Risks, an approved impact assessment, control decisions and evidence for the demo.
    async fn seed_demo_register(
        &self,
        actor: &Actor,
        systems: &[aims_domain::AiSystemId],
        people: &[UserId],
    ) -> Result<()> {
        let (credit, cv, chat) = (
            systems[0].to_string(),
            systems[1].to_string(),
            systems[2].to_string(),
        );
        let (maria, tomas) = (people[0].to_string(), people[1].to_string());
        let now = self.now();
        let day = |days: i64| now.plus_days(days).date();
        // The organisation's method is agreed first, as the standard asks (6.1.2).
        self.set_risk_method(actor, aims_domain::risk::RiskMethod::default_five_by_five())
            .await?;
        for risk in [
            json!({"title": "Unfair refusals for thin credit files", "description": "Applicants with little credit history score low whatever their ability to repay.",
                   "systems": [credit], "risk_source": "C.3.4", "affected_objective": "C.2.5", "lifecycle_stage": "operation_monitoring", "owner": maria,
                   "inherent_likelihood": 4, "inherent_impact": 4, "treatment": "modify", "treatment_plan": "Quarterly fairness tests; officer review of refusals.",
                   "controls": ["A.6.2.4", "A.7.4"], "residual_likelihood": 2, "residual_impact": 3, "review_due": format!("{}T00:00:00Z", day(60)), "status": "treatment_planned",
                   "actions": [{"title": "Quarterly fairness test of the scorecard", "owner": null, "due": format!("{}T00:00:00Z", day(21)), "done": false},
                               {"title": "Officer review of every refusal", "owner": null, "due": null, "done": true}]}),
            json!({"title": "Prompt injection through customer messages", "description": "A customer makes the assistant reveal other customers' data or its instructions.",
                   "systems": [chat], "risk_source": null, "affected_objective": "C.2.10", "lifecycle_stage": "deployment", "owner": tomas,
                   "inherent_likelihood": 4, "inherent_impact": 5, "treatment": "modify", "treatment_plan": "Red-team the assistant before each release; isolate account data.",
                   "controls": ["A.6.2.6", "A.6.2.4"], "residual_likelihood": 2, "residual_impact": 4, "review_due": format!("{}T00:00:00Z", day(30)), "status": "treatment_planned",
                   "actions": [{"title": "Red-team run before each release", "owner": null, "due": format!("{}T00:00:00Z", day(14)), "done": false}]}),
            json!({"title": "Supplier changes the ranking model without notice", "description": "",
                   "systems": [cv], "risk_source": null, "affected_objective": null, "lifecycle_stage": null, "owner": maria,
                   "inherent_likelihood": 3, "inherent_impact": 3, "treatment": "share", "treatment_plan": "Contract clause on change notices.",
                   "controls": ["A.10.3"], "actions": [], "residual_likelihood": null, "residual_impact": null, "review_due": format!("{}T00:00:00Z", day(-5)), "status": "assessed"}),
        ] {
            self.create_risk(actor, parse(risk)?).await?;
        }
        let assessment = self
            .create_impact_assessment(
                actor,
                systems[0],
                parse(json!({
                    "title": "Credit scoring impact assessment 2026", "scope": "Consumer loans up to EUR 50,000 in the EU.",
                    "affected_groups": "Loan applicants; people with thin credit files.", "benefits": "Faster answers, consistent decisions.",
                    "harms": [{"kind": "fairness", "description": "Lower scores for applicants from some postcodes", "affected": "Applicants",
                               "severity": "high", "likelihood": "moderate", "mitigations": "Postcode removed from features; quarterly bias test.",
                               "residual_severity": "moderate", "residual_likelihood": "low"}],
                    "fria": {"processes": "Loan origination", "period_and_frequency": "Every application, all year",
                             "affected_categories": "Applicants", "specific_risks": "Unfair refusal of credit",
                             "human_oversight": "Officer review of every refusal", "measures_if_risks_materialise": "Complaints desk; model rollback"},
                }))?,
            )
            .await?;
        self.approve_impact_assessment(actor, assessment.id, assessment.version)
            .await?;
        for (control, decision, status, why, owner) in [
            (
                "A.2.2",
                "include",
                "implemented",
                "The AI policy is the basis of the management system.",
                Some(&maria),
            ),
            (
                "A.6.2.4",
                "include",
                "partially_implemented",
                "",
                Some(&tomas),
            ),
            (
                "A.10.4",
                "exclude",
                "not_started",
                "We do not offer AI systems to customers of our own customers.",
                None,
            ),
        ] {
            let facts = parse(
                json!({"decision": decision, "status": status, "justification": why, "owner": owner}),
            )?;
            self.set_implementation(actor, control, facts).await?;
        }
        self.add_evidence(
            actor,
            parse(json!({"title": "AI policy, approved by the board", "link": "https://intranet.example/ai-policy",
                         "targets": [{"kind": "control", "id": "A.2.2"}]}))?,
            None,
        )
        .await?;
        // Clause evidence, so that the dashboard's clause coverage has something to show.
        for (title, link, requirements) in [
            (
                "Scope statement of the AI management system",
                "https://intranet.example/aims/scope",
                &["4.3"][..],
            ),
            (
                "Register of interested parties and their requirements",
                "https://intranet.example/aims/interested-parties",
                &["4.1", "4.2"][..],
            ),
            (
                "AI risk assessment procedure",
                "https://intranet.example/aims/risk-procedure",
                &["6.1.2", "8.2"][..],
            ),
        ] {
            let targets: Vec<_> = requirements
                .iter()
                .map(|id| json!({"kind": "requirement", "id": format!("{ISO_42001}:{id}")}))
                .collect();
            self.add_evidence(
                actor,
                parse(json!({"title": title, "link": link, "targets": targets}))?,
                None,
            )
            .await?;
        }
        self.generate_soa_version(actor).await?;
        if self.blobs.is_some() {
            self.seed_demo_redteam(actor, systems[2]).await?;
        }
        Ok(())
    }

    /// Two red-team runs of the customer-service assistant against the in-process lab, before
    /// and after hardening, so that its page shows results, a trend and their evidence.
    async fn seed_demo_redteam(
        &self,
        actor: &Actor,
        system: aims_domain::AiSystemId,
    ) -> Result<()> {
        for (name, profile) in [
            ("before hardening", "weak"),
            ("after hardening", "hardened"),
        ] {
            let text = format!(
                "name: support assistant, {name}\ntarget: {{kind: lab, profile: {profile}}}\n\
                 converters: [none, base64, unicode_tags]\nthresholds: {{overall: 0.05}}\n"
            );
            let config = aims_redteam::config::RunConfig::parse("demo", &text, false)
                .map_err(|e| AppError::Internal(format!("demo red-team config: {e}")))?;
            let dir = std::env::temp_dir().join(format!(
                "aims-demo-redteam-{}-{profile}",
                aims_domain::RedTeamRunId::new()
            ));
            let journal = crate::redteam_jobs::carry_out(&config, &dir, Default::default()).await;
            let _ = std::fs::remove_dir_all(&dir);
            self.record_redteam_run(
                actor,
                system,
                crate::RedTeamUpload {
                    journal: journal?,
                    thresholds: config.thresholds,
                },
            )
            .await?;
        }
        Ok(())
    }
}
