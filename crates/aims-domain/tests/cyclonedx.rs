//! CycloneDX ML-BOM import and export: the official example documents import with the
//! expected facts, exports validate against the official CycloneDX 1.6 JSON schema and read
//! back unchanged, and bad documents are refused naming where. The examples and the schema are
//! read from the shared fixtures folder (`AIMS_FIXTURES`, default `../shared/fixtures` beside
//! the repository).

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use aims_domain::inventory::{
    AiRole, AiSystem, Autonomy, Component, ComponentFacts, ComponentKind, DecisionsAboutPeople,
    LifecycleStage, SystemFacts, SystemStatus, plan_import, read_ml_bom, write_ml_bom,
};
use aims_domain::{AiSystemId, ComponentId, Timestamp};
use proptest::prelude::*;
use serde_json::{Value, json};

fn fixtures() -> Option<PathBuf> {
    let dir = std::env::var_os("AIMS_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        });
    if dir.join("cyclonedx").is_dir() {
        return Some(dir.join("cyclonedx"));
    }
    let reason = format!(
        "CycloneDX fixture tests: no fixtures folder at {} (set AIMS_FIXTURES)",
        dir.display()
    );
    assert!(
        std::env::var_os("AIMS_REQUIRE_ALL").is_none(),
        "skipping is not allowed here: {reason}"
    );
    eprintln!("skipped: {reason}");
    if let Some(log) = std::env::var_os("AIMS_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(file, "{reason}");
        }
    }
    None
}

fn read_fixture(dir: &Path, name: &str) -> String {
    std::fs::read_to_string(dir.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"))
}

/// Serves the two schemas the BOM schema refers to from the fixtures folder; anything else
/// is refused, so validation never reaches for the network.
struct LocalSchemas(HashMap<String, Value>);

impl jsonschema::Retrieve for LocalSchemas {
    fn retrieve(
        &self,
        uri: &jsonschema::Uri<String>,
    ) -> Result<Value, Box<dyn std::error::Error + Send + Sync>> {
        self.0
            .get(uri.as_str())
            .cloned()
            .ok_or_else(|| format!("{uri} is not in the fixtures folder; no network here").into())
    }
}

fn schema(dir: &Path) -> jsonschema::Validator {
    let load = |name: &str| -> Value {
        serde_json::from_str(&read_fixture(dir, &format!("schema/{name}"))).unwrap()
    };
    let mut local = HashMap::new();
    for name in ["spdx.schema.json", "jsf-0.82.schema.json"] {
        local.insert(format!("http://cyclonedx.org/schema/{name}"), load(name));
    }
    jsonschema::options()
        .with_retriever(LocalSchemas(local))
        .build(&load("bom-1.6.schema.json"))
        .unwrap_or_else(|e| panic!("the CycloneDX schema does not build: {e}"))
}

fn assert_valid(validator: &jsonschema::Validator, what: &str, document: &Value) {
    let errors: Vec<String> = validator
        .iter_errors(document)
        .take(5)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(
        errors.is_empty(),
        "{what} is not valid CycloneDX 1.6:\n{}",
        errors.join("\n")
    );
}

fn only(
    components: &[(ComponentKind, ComponentFacts)],
    kind: ComponentKind,
) -> Vec<&ComponentFacts> {
    components
        .iter()
        .filter(|(k, _)| *k == kind)
        .map(|(_, f)| f)
        .collect()
}

#[test]
fn the_stable_diffusion_example_imports_its_model_and_training_data() {
    let Some(dir) = fixtures() else { return };
    for (file, version, provider) in [
        ("valid-machine-learning-1.6.json", "1.6", "Acme Inc"),
        // 1.5 names no publisher: the group is the provider.
        ("valid-machine-learning-1.5.json", "1.5", "CompVis"),
    ] {
        let import = read_ml_bom(&read_fixture(&dir, file)).unwrap_or_else(|e| panic!("{e}"));
        assert_eq!(import.spec_version, version);
        assert_eq!(
            import.serial_number.as_deref(),
            Some("urn:uuid:3e671687-395b-41f5-a30f-a58921a69b79")
        );
        assert!(import.skipped.is_empty(), "{:?}", import.skipped);
        assert_eq!(
            import.components.len(),
            2,
            "{file}: {:?}",
            import.components
        );
        let (kind, model) = &import.components[0];
        assert_eq!(*kind, ComponentKind::Model);
        assert_eq!(model.name, "stable-diffusion");
        assert_eq!(model.version, "1.4");
        assert_eq!(model.bom_ref, "component-a");
        assert_eq!(model.provider, provider, "{file}");
        assert_eq!(model.model_type, "task goes here");
        assert!(
            model
                .description
                .starts_with("Stable Diffusion is a latent text-to-image diffusion model")
        );
        assert!(model.description.contains('🤗'), "surrogate pairs decode");
        assert_eq!(model.licence, "");
        assert_eq!(model.model_card_url, "");
        let (kind, data) = &import.components[1];
        assert_eq!(*kind, ComponentKind::Dataset);
        assert_eq!(data.name, "Training Data");
        assert_eq!(data.source, "https://example.com/path/to/dataset");
        assert_eq!(data.provenance, "Classification: public");
        assert!(!data.personal_data);
        assert_eq!(data.bom_ref, "");
    }
}

#[test]
fn the_llama_example_names_its_supplier() {
    let Some(dir) = fixtures() else { return };
    let text = read_fixture(&dir, "valid-machine-learning-considerations-env-1.6.json");
    let import = read_ml_bom(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        import.serial_number.as_deref(),
        Some("urn:uuid:ed5c5ba0-2be6-4b58-ac29-01a7fd375123")
    );
    let models = only(&import.components, ComponentKind::Model);
    assert_eq!(models.len(), 1);
    assert_eq!(models[0].name, "Llama-2-7b");
    assert_eq!(models[0].bom_ref, "huggingface.co-meta-llama-Llama-2-7b");
    // The supplier comes before the publisher ("meta").
    assert_eq!(models[0].provider, "Hugging Face");
    // A distribution link is not a model card.
    assert_eq!(models[0].model_card_url, "");
    assert_eq!(models[0].model_type, "");
    let suppliers = only(&import.components, ComponentKind::Supplier);
    assert_eq!(suppliers.len(), 1);
    assert_eq!(suppliers[0].name, "Hugging Face");
    // The energy provider of the model card is not a supplier of the system.
    assert!(only(&import.components, ComponentKind::Dataset).is_empty());
}

#[test]
fn a_data_component_lists_every_location_of_its_data() {
    let Some(dir) = fixtures() else { return };
    let import = read_ml_bom(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    assert_eq!(import.components.len(), 1);
    let (kind, data) = &import.components[0];
    assert_eq!(*kind, ComponentKind::Dataset);
    assert_eq!(data.name, "my-configs");
    assert_eq!(data.version, "1337");
    assert_eq!(
        data.source,
        "https://example.com/cfg/1337/app.ini\nhttps://example.com/cfg/1337/env"
    );
    assert_eq!(data.provenance, "");
    assert!(!data.personal_data);
}

#[test]
fn the_schema_accepts_the_official_examples_and_refuses_a_broken_one() {
    let Some(dir) = fixtures() else { return };
    let validator = schema(&dir);
    for file in [
        "valid-machine-learning-1.6.json",
        "valid-machine-learning-considerations-env-1.6.json",
        "valid-component-data-1.6.json",
    ] {
        let document: Value = serde_json::from_str(&read_fixture(&dir, file)).unwrap();
        assert_valid(&validator, file, &document);
    }
    let mut broken: Value =
        serde_json::from_str(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    broken["components"][0]["type"] = json!("dataset");
    assert!(!validator.is_valid(&broken));
    // The SPDX list the schema refers to is loaded from the fixtures folder.
    let mut licensed: Value =
        serde_json::from_str(&read_fixture(&dir, "valid-component-data-1.6.json")).unwrap();
    licensed["components"][0]["licenses"] = json!([{"license": {"id": "Apache-2.0"}}]);
    assert_valid(&validator, "an SPDX licence", &licensed);
    licensed["components"][0]["licenses"] = json!([{"license": {"id": "Not-A-Licence"}}]);
    assert!(!validator.is_valid(&licensed));
}

// --- Export ---------------------------------------------------------------------------------

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
    let mut foreign = parts.clone();
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
    let mut unchanged = plan.unchanged.clone();
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

// --- Reading details ----------------------------------------------------------------------

fn bom(components: Value) -> String {
    json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components}).to_string()
}

#[test]
fn other_components_are_skipped_with_a_note_and_nested_ones_are_read() {
    let text = bom(json!([
        {"type": "library", "name": "numpy", "components": [
            {"type": "machine-learning-model", "bom-ref": "pkg:huggingface/bert", "publisher": "Google"},
        ]},
        {"type": "machine-learning-model"},
        {"type": "data", "name": "Faces", "data": [
            {"type": "dataset", "name": "a", "classification": "PII", "description": "Photos",
             "governance": {"owners": [{"organization": {"name": "Acme"}}],
                            "stewards": [{"contact": {"email": "dpo@example.com"}}]}},
            {"type": "dataset", "name": "b", "sensitiveData": []},
        ]},
        {"type": "machine-learning-model", "name": "Face matcher",
         "manufacturer": {"name": "Acme"}, "supplier": {"name": "Reseller GmbH"},
         "licenses": [{"license": {"id": "MIT"}}, {"license": {"name": "Custom"}}],
         "externalReferences": [
            {"type": "documentation", "url": "https://docs.example.com"},
            {"type": "model-card", "url": "ftp://cards.example.com"},
         ],
         "modelCard": {"modelParameters": {
            "approach": {"type": "supervised"},
            "datasets": [{"ref": "faces"}, {"type": "dataset", "name": "faces"}],
         }}},
    ]));
    let import = read_ml_bom(&text).unwrap_or_else(|e| panic!("{e}"));
    assert_eq!(
        import.skipped,
        [
            "components[0] (library \"numpy\"): not a model or dataset",
            "components[1] (machine-learning-model, no name): no name and no bom-ref",
            "components[3] (machine-learning-model \"Face matcher\") dataset [1]: the same component as an earlier entry",
        ]
    );
    let names: Vec<(ComponentKind, &str)> = import
        .components
        .iter()
        .map(|(k, f)| (*k, f.name.as_str()))
        .collect();
    assert_eq!(
        names,
        [
            (ComponentKind::Model, "pkg:huggingface/bert"),
            (ComponentKind::Dataset, "Faces"),
            (ComponentKind::Model, "Face matcher"),
            (ComponentKind::Supplier, "Reseller GmbH"),
            (ComponentKind::Supplier, "Acme"),
        ]
    );
    let bert = &import.components[0].1;
    assert_eq!(bert.provider, "Google");
    assert_eq!(bert.bom_ref, "pkg:huggingface/bert");
    let faces = &import.components[1].1;
    assert!(faces.personal_data);
    assert_eq!(
        faces.provenance,
        "a: Photos\nGovernance: Owners: Acme; Stewards: dpo@example.com\nClassification: PII"
    );
    let matcher = &import.components[2].1;
    assert_eq!(matcher.provider, "Reseller GmbH");
    assert_eq!(matcher.licence, "MIT, Custom");
    assert_eq!(matcher.model_type, "supervised");
    // The model card link is not http(s); the documentation is.
    assert_eq!(matcher.model_card_url, "https://docs.example.com");
}

#[test]
fn over_long_and_messy_values_are_cut_to_fit() {
    let text = bom(json!([{
        "type": "data",
        "name": format!("{}\u{0007}", "n".repeat(300)),
        "version": "1\n2",
        "description": "d".repeat(20_000),
        "properties": [{"name": "aims:quality_checks", "value": "checked\u{0000}"}],
    }]));
    let import = read_ml_bom(&text).unwrap();
    let facts = &import.components[0].1;
    assert_eq!(facts.name.chars().count(), 200);
    assert!(facts.name.ends_with('…'));
    assert_eq!(facts.version, "1 2");
    assert_eq!(facts.description.chars().count(), 10_000);
    assert_eq!(facts.quality_checks, "checked");
    assert_eq!(facts.clone().validate().as_ref(), Ok(facts));
}

#[test]
fn bad_documents_are_refused_naming_where() {
    let cases: Vec<(String, &str, &str)> = vec![
        ("{\n  \"bomFormat\": }".into(), "/", "line 2, column 16"),
        ("".into(), "/", "line 1"),
        ("[]".into(), "/", "JSON object"),
        (
            json!({"specVersion": "1.6"}).to_string(),
            "/bomFormat",
            "missing",
        ),
        (
            json!({"bomFormat": "SPDX", "specVersion": "1.6"}).to_string(),
            "/bomFormat",
            "\"SPDX\"",
        ),
        (
            json!({"bomFormat": "CycloneDX"}).to_string(),
            "/specVersion",
            "missing",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.3"}).to_string(),
            "/specVersion",
            "1.4 to 1.6",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": 1.6}).to_string(),
            "/specVersion",
            "the number 1.6",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "serialNumber": 7}).to_string(),
            "/serialNumber",
            "string",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "metadata": []}).to_string(),
            "/metadata",
            "object",
        ),
        (
            json!({"bomFormat": "CycloneDX", "specVersion": "1.5",
                   "metadata": {"component": {"name": "app"}}})
            .to_string(),
            "/metadata/component/type",
            "missing",
        ),
        (bom(json!({})), "/components", "array"),
        (bom(json!(["model"])), "/components/0", "object"),
        (
            bom(
                json!([{"type": "library", "name": "a"}, {"type": "data", "name": "b"}, {"name": "c"}]),
            ),
            "/components/2/type",
            "missing",
        ),
        (
            bom(json!([{"type": "library", "name": "a", "components": [{"type": 3}]}])),
            "/components/0/components/0/type",
            "string",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m", "licenses": {}}])),
            "/components/0/licenses",
            "array",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m", "version": 2}])),
            "/components/0/version",
            "string",
        ),
        (
            bom(json!([{"type": "machine-learning-model", "name": "m",
                        "modelCard": {"modelParameters": {"datasets": [{"name": "x"}]}}}])),
            "/components/0/modelCard/modelParameters/datasets/0/type",
            "missing",
        ),
        (
            bom(
                json!([{"type": "data", "name": "d", "data": [{"type": "dataset", "contents": {"url": 5}}]}]),
            ),
            "/components/0/data/0/contents/url",
            "string",
        ),
        (
            bom(json!([{"type": "data", "name": "d", "supplier": "Acme"}])),
            "/components/0/supplier",
            "object",
        ),
    ];
    for (text, path, words) in cases {
        let err = read_ml_bom(&text).expect_err(&text);
        assert_eq!(err.path, path, "{text}: {err}");
        assert!(err.message.contains(words), "{text}: {err}");
        assert_eq!(err.to_string(), format!("{}: {}", err.path, err.message));
    }
}

#[test]
fn cut_off_documents_are_refused_without_a_panic() {
    let Some(dir) = fixtures() else { return };
    let text = read_fixture(&dir, "valid-machine-learning-1.6.json");
    let mut refused = 0;
    for end in (0..text.len()).step_by(211) {
        if text.is_char_boundary(end) && read_ml_bom(&text[..end]).is_err() {
            refused += 1;
        }
    }
    assert!(refused > 400, "{refused}");
}

/// Member names the reader looks at.
fn any_key() -> impl Strategy<Value = &'static str> {
    prop::sample::select(vec![
        "type",
        "name",
        "bom-ref",
        "version",
        "components",
        "data",
        "modelCard",
        "modelParameters",
        "datasets",
        "contents",
        "url",
        "supplier",
        "publisher",
        "licenses",
        "license",
        "expression",
        "properties",
        "externalReferences",
        "governance",
        "owners",
        "classification",
        "sensitiveData",
    ])
}

fn any_json() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::from),
        any::<i32>().prop_map(Value::from),
        prop_oneof![
            Just("machine-learning-model".to_owned()),
            Just("data".to_owned()),
            Just("https://example.com/x".to_owned()),
            ".{0,12}",
        ]
        .prop_map(Value::from),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            prop::collection::vec(inner.clone(), 0..5).prop_map(Value::from),
            prop::collection::vec((any_key(), inner), 0..6).prop_map(|pairs| Value::Object(
                pairs.into_iter().map(|(k, v)| (k.to_owned(), v)).collect()
            )),
        ]
    })
}

/// Components of a model, dataset or other type with a name and members of any shape.
fn any_components() -> impl Strategy<Value = Value> {
    let component = (
        prop::sample::select(vec!["machine-learning-model", "data", "library"]),
        ".{0,12}",
        prop::collection::vec((any_key(), any_json()), 0..4),
    )
        .prop_map(|(kind, name, members)| {
            let mut object = serde_json::Map::new();
            object.insert("type".into(), json!(kind));
            object.insert("name".into(), json!(name));
            for (key, value) in members {
                object.insert(key.to_owned(), value);
            }
            Value::Object(object)
        });
    prop::collection::vec(component, 0..4).prop_map(Value::from)
}

proptest! {
    #[test]
    fn any_document_is_read_or_refused_and_what_is_read_is_valid(
        components in prop_oneof![any_json(), any_components()],
    ) {
        let text = json!({"bomFormat": "CycloneDX", "specVersion": "1.6", "components": components})
            .to_string();
        if let Ok(import) = read_ml_bom(&text) {
            for (_, facts) in &import.components {
                prop_assert_eq!(facts.clone().validate(), Ok(facts.clone()));
            }
        }
    }
}
