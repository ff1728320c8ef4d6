//! A generated data set for benchmarks and load tests: many systems, classifications and
//! evidence in one organisation, written in large batches, each batch with its audit event.
//! Deterministic: the same counts give the same names, classes and dates.

use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::eu_ai_act::{Answers, classify};
use aims_domain::evidence::{Evidence, EvidenceFacts, Target, TargetKind};
use aims_domain::inventory::{AiRole, AiSystem, LifecycleStage, SystemFacts, SystemStatus};
use aims_domain::{AiSystemId, ClassificationId, EvidenceId, OrgId};
use aims_store::ClassificationRecord;
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

/// How much to generate.
#[derive(Clone, Copy, Debug, Default)]
pub struct DataSetSize {
    pub systems: usize,
    pub risks: usize,
    pub evidence: usize,
}

/// Rows written per transaction.
const BATCH: usize = 2_000;

const WORDS: [&str; 12] = [
    "credit", "fraud", "hiring", "triage", "routing", "pricing", "support", "vision", "speech",
    "forecast", "search", "safety",
];

/// The answers a generated system of kind `k` is classified with.
fn answers_for(k: usize) -> Answers {
    let value = match k % 5 {
        0 => json!({"roles": ["provider", "deployer"], "annex_iii_points": ["annex-iii-5(b)"]}),
        1 => json!({"roles": ["deployer"], "annex_iii_points": ["annex-iii-4(a)"]}),
        2 => json!({"roles": ["deployer"], "interacts_with_people": true}),
        3 => json!({"roles": ["provider"]}),
        _ => json!({"roles": ["deployer"], "generates_synthetic_content": true}),
    };
    serde_json::from_value(value).unwrap_or_default()
}

fn system_facts(i: usize) -> SystemFacts {
    let word = WORDS[i % WORDS.len()];
    SystemFacts {
        lifecycle_stage: LifecycleStage::ALL[i % LifecycleStage::ALL.len()],
        status: SystemStatus::ALL[(i / 7) % SystemStatus::ALL.len()],
        roles: vec![AiRole::ALL[i % 3]],
        tags: vec![word.to_owned(), format!("unit-{}", i % 40)],
        geography: vec!["eu".into()],
        description: format!("Generated system number {i} for {word} work."),
        ..SystemFacts::new(
            format!("System {i:06} {word}"),
            format!("Supports {word} decisions, case {i}"),
        )
    }
}

/// The facts of generated risk `i`: about one or two systems, treated by one to three controls.
fn risk_facts(
    i: usize,
    systems: &[AiSystemId],
    controls: &[String],
) -> aims_domain::risk::RiskFacts {
    use aims_domain::risk::{RiskFacts, RiskStatus, TreatmentOption};
    let word = WORDS[i % WORDS.len()];
    let mut linked = Vec::new();
    if !systems.is_empty() {
        linked.push(systems[i % systems.len()]);
        if i.is_multiple_of(3) {
            linked.push(systems[(i * 7 + 1) % systems.len()]);
        }
        linked.dedup();
    }
    let treated: Vec<String> = (0..=(i % 3))
        .filter_map(|k| controls.get((i + k * 5) % controls.len().max(1)).cloned())
        .collect();
    let (l, imp) = ((i % 5) as u8 + 1, ((i / 5) % 5) as u8 + 1);
    RiskFacts {
        title: format!("Risk {i:06}: {word} model misbehaves"),
        description: format!("Generated risk about {word} for load tests."),
        systems: linked,
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: None,
        inherent_likelihood: l,
        inherent_impact: imp,
        treatment: TreatmentOption::Modify,
        treatment_plan: String::new(),
        controls: treated,
        actions: Vec::new(),
        residual_likelihood: Some(l.div_ceil(2)),
        residual_impact: Some(imp),
        review_due: None,
        status: RiskStatus::ALL[i % 5],
    }
}

impl App {
    /// Fills `org` with a generated data set; returns the ids of the systems written.
    pub async fn generate_data_set(
        &self,
        org: OrgId,
        size: DataSetSize,
    ) -> Result<Vec<AiSystemId>> {
        let actor = aims_domain::Actor {
            label: "aims admin generate".into(),
            ..crate::setup::system_actor(org)
        };
        let start = self.now();
        let templates: Vec<(Answers, serde_json::Value, String)> = (0..5)
            .map(|k| {
                let answers = answers_for(k);
                let c = classify(&answers);
                let recorded: Vec<serde_json::Value> = aims_domain::eu_ai_act::obligations(&c, &answers)
                    .into_iter()
                    .map(|o| json!({"requirement": o.requirement, "role": o.role.map(|r| r.as_str()), "why": o.why}))
                    .collect();
                let class = c.class.as_str().to_owned();
                (answers, json!({"classification": c, "obligations": recorded}), class)
            })
            .collect();
        let mut ids = Vec::with_capacity(size.systems);
        for batch in (0..size.systems).collect::<Vec<_>>().chunks(BATCH) {
            let mut systems = Vec::with_capacity(batch.len());
            for &i in batch {
                // Spread creation over the last year so that "recently changed" sorts mean something.
                let at = start.plus_seconds(-((i as i64 * 3_157) % 31_536_000));
                systems.push(AiSystem {
                    id: AiSystemId::new(),
                    facts: system_facts(i).validate()?,
                    owner_name: None,
                    classification: None,
                    created_at: at,
                    updated_at: at,
                    revision: 1,
                });
            }
            let mut tx = self.store.write_for_bulk_load().await?;
            tx.insert_ai_systems(org, &systems).await?;
            for (&i, system) in batch.iter().zip(&systems) {
                let at = system.created_at;
                if i % 10 != 9 {
                    let (answers, result, class) = &templates[i % templates.len()];
                    let record = ClassificationRecord {
                        id: ClassificationId::new(),
                        system: system.id,
                        version: 0,
                        class: class.clone(),
                        answers: serde_json::to_value(answers)
                            .map_err(|e| AppError::Internal(e.to_string()))?,
                        result: result.clone(),
                        decided_at: at,
                        decided_by: actor.label.clone(),
                    };
                    tx.record_classification(org, record).await?;
                }
                ids.push(system.id);
            }
            let change =
                json!({"systems": batch.len(), "first": batch.first(), "last": batch.last()});
            tx.append_audit(
                org,
                NewAuditEvent::new(&actor, AuditAction::DataSetGenerated, org, change),
                start,
            )
            .await?;
            tx.commit().await?;
        }
        let controls: Vec<String> = self
            .framework(&actor, crate::ISO_42001)?
            .items
            .iter()
            .filter(|i| i.kind == aims_catalog::ItemKind::Control && i.id.starts_with("A."))
            .map(|i| i.id.clone())
            .collect();
        let method = aims_domain::risk::RiskMethod::default_five_by_five();
        for batch in (0..size.risks).collect::<Vec<_>>().chunks(BATCH) {
            let mut risks = Vec::with_capacity(batch.len());
            for &i in batch {
                let facts = risk_facts(i, &ids, &controls);
                let risk = aims_domain::risk::Risk {
                    id: aims_domain::RiskId::new(),
                    number: 0,
                    acceptance: None,
                    rated_by: None,
                    created_at: start,
                    updated_at: start.plus_seconds(-(i as i64 % 86_400)),
                    revision: 1,
                    facts,
                };
                let levels = aims_store::RiskLevels {
                    inherent: risk.inherent_level(&method),
                    residual: risk.residual_level(&method),
                };
                risks.push((risk, levels));
            }
            let mut tx = self.store.write_for_bulk_load().await?;
            let refs: Vec<_> = risks.iter().map(|(r, l)| (r, *l)).collect();
            tx.insert_risks(org, &refs).await?;
            let change = json!({"risks": batch.len()});
            tx.append_audit(
                org,
                NewAuditEvent::new(&actor, AuditAction::DataSetGenerated, org, change),
                start,
            )
            .await?;
            tx.commit().await?;
        }
        for batch in (0..size.evidence).collect::<Vec<_>>().chunks(BATCH) {
            let mut records = Vec::with_capacity(batch.len());
            for &i in batch {
                let mut targets = vec![Target {
                    kind: TargetKind::Control,
                    id: controls[i % controls.len().max(1)].clone(),
                }];
                if let Some(system) = ids.get(i % ids.len().max(1)) {
                    targets.push(Target {
                        kind: TargetKind::System,
                        id: system.to_string(),
                    });
                }
                let until = start.plus_days((i as i64 % 730) - 90);
                let evidence = Evidence {
                    id: EvidenceId::new(),
                    facts: EvidenceFacts {
                        title: format!("Generated evidence {i:06}"),
                        link: format!("https://evidence.example/{i}"),
                        valid_until: Some(until),
                        targets,
                        ..Default::default()
                    },
                    file: None,
                    added_by: actor.label.clone(),
                    created_at: start,
                    updated_at: start,
                };
                records.push(evidence);
            }
            let mut tx = self.store.write_for_bulk_load().await?;
            tx.insert_evidence_records(org, &records).await?;
            let change = json!({"evidence": batch.len()});
            tx.append_audit(
                org,
                NewAuditEvent::new(&actor, AuditAction::DataSetGenerated, org, change),
                start,
            )
            .await?;
            tx.commit().await?;
        }
        // A bulk load changes what the planner should know about the tables.
        self.store.settle_after_bulk_load().await?;
        Ok(ids)
    }
}
