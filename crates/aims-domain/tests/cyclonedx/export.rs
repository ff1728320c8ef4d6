//! Exports: valid CycloneDX 1.6, saying what the inventory holds, stable, and read back unchanged.

use aims_domain::inventory::{
    AiRole, AiSystem, Autonomy, Component, ComponentFacts, ComponentKind, DecisionsAboutPeople,
    LifecycleStage, SystemFacts, SystemStatus, plan_import, read_ml_bom, write_ml_bom,
};
use aims_domain::{AiSystemId, ComponentId, Timestamp};
use serde_json::json;

use crate::{assert_valid, fixtures, schema};

fn system() -> AiSystem {
    AiSystem {
        id: AiSystemId::new(),
        facts: SystemFacts {
            name: "Loan scorer".into(),
            purpose: "Scores loan applications".into(),
            description: String::new(),
            intended_use: String::new(),
            foreseeable_misuse: String::new(),
            users: String::new(),
            affected_persons: String::new(),
            deployment_context: String::new(),
            geography: vec!["eu".into()],
            lifecycle_stage: LifecycleStage::OperationMonitoring,
            roles: vec![AiRole::Provider, AiRole::Deployer],
            owner: None,
            autonomy: Autonomy::HumanOnTheLoop,
            human_oversight: String::new(),
            decisions_about_people: DecisionsAboutPeople::Supports,
            status: SystemStatus::Active,
            tags: vec![],
            out_of_scope: String::new(),
        },
        owner_name: None,
        classification: None,
        created_at: Timestamp::from_micros(0),
        updated_at: Timestamp::from_micros(0),
        revision: 3,
    }
}

fn part(system: &AiSystem, kind: ComponentKind, facts: ComponentFacts) -> Component {
    Component {
        id: ComponentId::new(),
        system: system.id,
        kind,
        facts: facts.validate().unwrap(),
        created_at: Timestamp::from_micros(1),
        updated_at: Timestamp::from_micros(2),
    }
}

/// A system with every kind of component and every field aims exports.
fn inventory() -> (AiSystem, Vec<Component>) {
    let system = system();
    let parts = vec![
        part(
            &system,
            ComponentKind::Model,
            ComponentFacts {
                name: "Credit GBM".into(),
                version: "2.1".into(),
                provider: "Acme Analytics".into(),
                licence: "Proprietary".into(),
                description: "Gradient boosted trees\nover application data".into(),
                model_type: "classification".into(),
                model_card_url: "https://models.example.com/credit-gbm".into(),
                hosting: "self-hosted".into(),
                bom_ref: "credit-gbm".into(),
                ..Default::default()
            },
        ),
        part(
            &system,
            ComponentKind::Model,
            ComponentFacts {
                name: "gpt-4o".into(),
                provider: "OpenAI".into(),
                licence: "Apache-2.0".into(),
                // Imported from another document with the same reference as the first model:
                // exported under its id instead.
                bom_ref: "credit-gbm".into(),
                ..Default::default()
            },
        ),
        part(
            &system,
            ComponentKind::Dataset,
            ComponentFacts {
                name: "Loan applications 2019-2024".into(),
                version: "2024-06".into(),
                provider: "Acme Analytics".into(),
                description: "Past applications and their outcomes".into(),
                source: "https://data.example.com/loans.parquet".into(),
                provenance: "Exported from the core banking system; pseudonymised".into(),
                personal_data: true,
                quality_checks: "Completeness per column; duplicates removed".into(),
                ..Default::default()
            },
        ),
        part(
            &system,
            ComponentKind::Dataset,
            ComponentFacts {
                name: "Bureau scores".into(),
                source: "Monthly file from the credit bureau\nvia SFTP".into(),
                licence: "CC-BY-4.0".into(),
                ..Default::default()
            },
        ),
        part(
            &system,
            ComponentKind::Supplier,
            ComponentFacts {
                name: "Acme Analytics".into(),
                description: "Builds our scoring models".into(),
                ..Default::default()
            },
        ),
        part(
            &system,
            ComponentKind::Supplier,
            ComponentFacts {
                name: "Credit Bureau Ltd".into(),
                ..Default::default()
            },
        ),
    ];
    (system, parts)
}

fn at() -> Timestamp {
    Timestamp::parse_rfc3339("2026-11-28T10:00:00.5Z").unwrap()
}

#[test]
fn every_export_is_valid_cyclonedx_1_6() {
    let Some(dir) = fixtures() else { return };
    let validator = schema(&dir);
    let (system, parts) = inventory();
    let document = write_ml_bom(&system, &parts, at());
    assert_valid(&validator, "the export", &document);
    assert_valid(
        &validator,
        "an empty export",
        &write_ml_bom(&system, &[], at()),
    );
    // The validator is not a rubber stamp.
    let mut broken = document.clone();
    broken["serialNumber"] = json!("not-a-urn");
    assert!(!validator.is_valid(&broken));
    let mut broken = document;
    broken["components"][0]["modelCard"]["modelParameters"]["approach"] = json!({"type": "magic"});
    assert!(!validator.is_valid(&broken));
}

#[test]
fn the_export_says_what_the_inventory_holds() {
    let (system, parts) = inventory();
    let document = write_ml_bom(&system, &parts, at());
    assert_eq!(document["bomFormat"], "CycloneDX");
    assert_eq!(document["specVersion"], "1.6");
    assert_eq!(document["version"], 1);
    let serial = document["serialNumber"].as_str().unwrap();
    assert!(
        serial.starts_with("urn:uuid:") && serial.len() == 45,
        "{serial}"
    );
    let metadata = &document["metadata"];
    assert_eq!(metadata["timestamp"], "2026-11-28T10:00:00.5Z");
    assert_eq!(metadata["tools"]["components"][0]["name"], "aims");
    assert_eq!(metadata["lifecycles"], json!([{"phase": "operations"}]));
    let application = &metadata["component"];
    assert_eq!(application["type"], "application");
    assert_eq!(application["bom-ref"], system.id.to_string());
    assert_eq!(application["name"], "Loan scorer");
    assert_eq!(application["description"], "Scores loan applications");
    assert_eq!(
        application["properties"],
        json!([
            {"name": "aims:lifecycle_stage", "value": "operation_monitoring"},
            {"name": "aims:role", "value": "provider"},
            {"name": "aims:role", "value": "deployer"},
        ])
    );
    assert_eq!(
        metadata["properties"],
        json!([
            {"name": "aims:supplier", "value": "Acme Analytics"},
            {"name": "aims:supplier", "value": "Credit Bureau Ltd"},
        ])
    );

    let listed = document["components"].as_array().unwrap();
    let names: Vec<&str> = listed.iter().map(|c| c["name"].as_str().unwrap()).collect();
    assert_eq!(
        names,
        [
            "Credit GBM",
            "gpt-4o",
            "Bureau scores",
            "Loan applications 2019-2024"
        ]
    );
    let gbm = &listed[0];
    assert_eq!(gbm["type"], "machine-learning-model");
    assert_eq!(gbm["bom-ref"], "credit-gbm");
    assert_eq!(gbm["supplier"], json!({"name": "Acme Analytics"}));
    assert_eq!(
        gbm["licenses"],
        json!([{"license": {"name": "Proprietary"}}])
    );
    assert_eq!(
        gbm["externalReferences"],
        json!([{"type": "model-card", "url": "https://models.example.com/credit-gbm"}])
    );
    assert_eq!(
        gbm["properties"],
        json!([{"name": "aims:hosting", "value": "self-hosted"}])
    );
    let gpt = &listed[1];
    assert_eq!(
        gpt["bom-ref"],
        parts[1].id.to_string(),
        "a taken reference is not reused"
    );
    assert_eq!(gpt["publisher"], "OpenAI", "not a supplier of the system");
    assert!(gpt.get("supplier").is_none());
    let bureau = &listed[2];
    let loans = &listed[3];
    assert_eq!(
        gbm["modelCard"],
        json!({"modelParameters": {
            "task": "classification",
            "datasets": [{"ref": bureau["bom-ref"]}, {"ref": loans["bom-ref"]}],
        }})
    );
    assert_eq!(loans["type"], "data");
    assert_eq!(loans["bom-ref"], parts[2].id.to_string());
    assert_eq!(
        loans["data"],
        json!([{
            "type": "dataset",
            "name": "Loan applications 2019-2024",
            "contents": {"url": "https://data.example.com/loans.parquet"},
            "description": "Exported from the core banking system; pseudonymised",
            "sensitiveData": ["personal data"],
        }])
    );
    assert_eq!(
        loans["properties"],
        json!([{"name": "aims:quality_checks", "value": "Completeness per column; duplicates removed"}])
    );
    assert_eq!(
        bureau["properties"],
        json!([{"name": "aims:source", "value": "Monthly file from the credit bureau\nvia SFTP"}])
    );
    assert!(bureau["data"][0].get("contents").is_none());
}

#[test]
fn the_same_inventory_gives_the_same_document() {
    let (system, parts) = inventory();
    let document = write_ml_bom(&system, &parts, at());
    let mut shuffled = parts.clone();
    shuffled.reverse();
    assert_eq!(write_ml_bom(&system, &shuffled, at()), document);
    let later = write_ml_bom(&system, &parts, at().plus_seconds(1));
    assert_ne!(later["serialNumber"], document["serialNumber"]);
    // Components of another system are not listed.
    let mut foreign = parts;
    foreign.push(part(
        &self::system(),
        ComponentKind::Model,
        ComponentFacts {
            name: "Someone else's".into(),
            ..Default::default()
        },
    ));
    assert_eq!(
        write_ml_bom(&system, &foreign, at())["components"],
        document["components"]
    );
}

#[test]
fn an_export_reads_back_unchanged() {
    let (system, parts) = inventory();
    let text = serde_json::to_string_pretty(&write_ml_bom(&system, &parts, at())).unwrap();
    let import = read_ml_bom(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(import.spec_version, "1.6");
    assert_eq!(
        import.skipped,
        ["metadata.component (application \"Loan scorer\"): not a model or dataset"]
    );
    assert_eq!(
        import.components.len(),
        parts.len(),
        "{:?}",
        import.components
    );
    let plan = plan_import(&parts, &import.components);
    assert!(plan.create.is_empty(), "{:?}", plan.create);
    assert!(plan.update.is_empty(), "{:?}", plan.update);
    let mut unchanged = plan.unchanged;
    unchanged.sort();
    let mut ids: Vec<ComponentId> = parts.iter().map(|c| c.id).collect();
    ids.sort();
    assert_eq!(unchanged, ids);
    // Every field aims exports for a model or dataset came back as it was.
    for original in parts.iter().filter(|c| c.kind != ComponentKind::Supplier) {
        let (_, back) = import
            .components
            .iter()
            .find(|(k, f)| *k == original.kind && f.name == original.facts.name)
            .unwrap();
        let mut expected = original.facts.clone();
        if expected.bom_ref.is_empty() || original.id == parts[1].id {
            expected.bom_ref = original.id.to_string();
        }
        assert_eq!(back, &expected);
    }
}

#[test]
fn a_changed_document_updates_only_what_it_changes() {
    let (system, parts) = inventory();
    let mut document = write_ml_bom(&system, &parts, at());
    document["components"][0]["version"] = json!("2.2");
    document["components"][0]
        .as_object_mut()
        .unwrap()
        .remove("description");
    document["components"]
        .as_array_mut()
        .unwrap()
        .push(json!({"type": "machine-learning-model", "name": "Fraud net"}));
    let import = read_ml_bom(&document.to_string()).unwrap();
    let plan = plan_import(&parts, &import.components);
    assert_eq!(plan.create.len(), 1);
    assert_eq!(plan.create[0].1.name, "Fraud net");
    assert_eq!(plan.update.len(), 1, "{:?}", plan.update);
    let (id, facts, changed) = &plan.update[0];
    assert_eq!(*id, parts[0].id);
    assert_eq!(changed, &["version"]);
    assert_eq!(facts.version, "2.2");
    assert_eq!(facts.description, parts[0].facts.description, "kept");
    assert_eq!(plan.unchanged.len(), parts.len() - 1);
}
