//! Writing a system and its components as a CycloneDX 1.6 JSON document (mapping in the
//! parent module).

use std::collections::HashSet;

use serde_json::{Map, Value, json};
use uuid::Uuid;

use super::{
    PROP_HOSTING, PROP_LIFECYCLE_STAGE, PROP_QUALITY_CHECKS, PROP_ROLE, PROP_SOURCE, PROP_SUPPLIER,
};
use crate::inventory::{AiSystem, Component, ComponentKind, LifecycleStage, is_web_link};
use crate::time::Timestamp;

/// The namespace of the UUIDv5 serial numbers aims gives its documents.
const SERIAL_NAMESPACE: Uuid = Uuid::from_u128(0x5cda_06cf_1b07_45c4_b22c_03ee_afe8_4fbf);

/// The CycloneDX 1.6 ML-BOM of `system`, listing those of `components` that belong to it.
///
/// The output depends only on the arguments: components are listed by kind, name and id
/// whatever their order, and the serial number is a UUIDv5 of the system, its revision, the
/// components' ids and update times, and `timestamp` (so a new export at another time, or of
/// changed facts, gets a new serial number, as CycloneDX asks).
pub fn write_ml_bom(system: &AiSystem, components: &[Component], timestamp: Timestamp) -> Value {
    let mut parts: Vec<&Component> = components
        .iter()
        .filter(|c| c.system == system.id)
        .collect();
    parts.sort_by(|a, b| {
        (a.kind, a.facts.name.to_lowercase(), &a.facts.version, a.id).cmp(&(
            b.kind,
            b.facts.name.to_lowercase(),
            &b.facts.version,
            b.id,
        ))
    });
    let references = references(system, &parts);
    let suppliers: HashSet<String> = parts
        .iter()
        .filter(|c| c.kind == ComponentKind::Supplier)
        .map(|c| c.facts.name.trim().to_lowercase())
        .collect();
    let dataset_refs: Vec<Value> = parts
        .iter()
        .zip(&references)
        .filter(|(c, _)| c.kind == ComponentKind::Dataset)
        .map(|(_, r)| json!({ "ref": r }))
        .collect();

    let mut listed = Vec::new();
    let mut supplier_names = Vec::new();
    for (component, reference) in parts.iter().zip(&references) {
        match component.kind {
            ComponentKind::Model => {
                listed.push(model(component, reference, &suppliers, &dataset_refs));
            }
            ComponentKind::Dataset => listed.push(dataset(component, reference, &suppliers)),
            ComponentKind::Supplier => {
                supplier_names.push(property(PROP_SUPPLIER, component.facts.name.trim()));
            }
        }
    }

    let facts = &system.facts;
    let mut system_properties = vec![property(
        PROP_LIFECYCLE_STAGE,
        facts.lifecycle_stage.as_str(),
    )];
    system_properties.extend(facts.roles.iter().map(|r| property(PROP_ROLE, r.as_str())));
    let mut application = json!({
        "type": "application",
        "bom-ref": system.id.to_string(),
        "name": facts.name,
        "properties": system_properties,
    });
    put_text(&mut application, "description", &facts.purpose);

    let mut metadata = json!({
        "timestamp": rfc3339(timestamp),
        "lifecycles": [{ "phase": phase(facts.lifecycle_stage) }],
        "tools": {
            "components": [{
                "type": "application",
                "name": "aims",
                "version": env!("CARGO_PKG_VERSION"),
            }],
        },
        "component": application,
    });
    if !supplier_names.is_empty() {
        metadata["properties"] = Value::Array(supplier_names);
    }

    json!({
        "$schema": "http://cyclonedx.org/schema/bom-1.6.schema.json",
        "bomFormat": "CycloneDX",
        "specVersion": "1.6",
        "serialNumber": format!("urn:uuid:{}", serial(system, &parts, timestamp)),
        "version": 1,
        "metadata": metadata,
        "components": listed,
    })
}

/// The `bom-ref` of each component: its `bom_ref` when set and unique in the document, else
/// its id.
fn references(system: &AiSystem, parts: &[&Component]) -> Vec<String> {
    let ids: HashSet<String> = parts
        .iter()
        .map(|c| c.id.to_string())
        .chain([system.id.to_string()])
        .collect();
    let mut taken = HashSet::new();
    parts
        .iter()
        .map(|c| {
            let own = c.id.to_string();
            let wanted = c.facts.bom_ref.trim();
            let reference = if !wanted.is_empty()
                && (wanted == own || (!ids.contains(wanted) && !taken.contains(wanted)))
            {
                wanted.to_owned()
            } else {
                own
            };
            taken.insert(reference.clone());
            reference
        })
        .collect()
}

fn model(
    component: &Component,
    reference: &str,
    suppliers: &HashSet<String>,
    dataset_refs: &[Value],
) -> Value {
    let facts = &component.facts;
    let mut out = common("machine-learning-model", component, reference, suppliers);
    if is_web_link(&facts.model_card_url) {
        out["externalReferences"] = json!([{ "type": "model-card", "url": facts.model_card_url }]);
    }
    let mut parameters = Map::new();
    if !facts.model_type.trim().is_empty() {
        parameters.insert("task".into(), json!(facts.model_type.trim()));
    }
    if !dataset_refs.is_empty() {
        parameters.insert("datasets".into(), Value::Array(dataset_refs.to_vec()));
    }
    if !parameters.is_empty() {
        out["modelCard"] = json!({ "modelParameters": parameters });
    }
    let mut properties = Vec::new();
    if !facts.hosting.trim().is_empty() {
        properties.push(property(PROP_HOSTING, facts.hosting.trim()));
    }
    if !properties.is_empty() {
        out["properties"] = Value::Array(properties);
    }
    out
}

fn dataset(component: &Component, reference: &str, suppliers: &HashSet<String>) -> Value {
    let facts = &component.facts;
    let mut out = common("data", component, reference, suppliers);
    let source = facts.source.trim();
    let mut data = json!({ "type": "dataset", "name": facts.name.trim() });
    if is_web_link(source) {
        data["contents"] = json!({ "url": source });
    }
    put_text(&mut data, "description", &facts.provenance);
    if facts.personal_data {
        data["sensitiveData"] = json!(["personal data"]);
    }
    out["data"] = json!([data]);
    let mut properties = Vec::new();
    if !source.is_empty() && !is_web_link(source) {
        properties.push(property(PROP_SOURCE, source));
    }
    if !facts.quality_checks.trim().is_empty() {
        properties.push(property(PROP_QUALITY_CHECKS, facts.quality_checks.trim()));
    }
    if !properties.is_empty() {
        out["properties"] = Value::Array(properties);
    }
    out
}

/// What models and datasets share: type, reference, name, version, description, provider
/// and licence.
fn common(
    kind: &str,
    component: &Component,
    reference: &str,
    suppliers: &HashSet<String>,
) -> Value {
    let facts = &component.facts;
    let mut out = json!({ "type": kind, "bom-ref": reference, "name": facts.name.trim() });
    put_text(&mut out, "version", &facts.version);
    put_text(&mut out, "description", &facts.description);
    let provider = facts.provider.trim();
    if suppliers.contains(&provider.to_lowercase()) {
        out["supplier"] = json!({ "name": provider });
    } else {
        put_text(&mut out, "publisher", provider);
    }
    if !facts.licence.trim().is_empty() {
        out["licenses"] = json!([{ "license": { "name": facts.licence.trim() } }]);
    }
    out
}

fn property(name: &str, value: &str) -> Value {
    json!({ "name": name, "value": value })
}

/// Sets `object[key]` to the trimmed `text` unless it is blank.
fn put_text(object: &mut Value, key: &str, text: &str) {
    let text = text.trim();
    if !text.is_empty() {
        object[key] = json!(text);
    }
}

/// The CycloneDX lifecycle phase nearest to a system's stage.
fn phase(stage: LifecycleStage) -> &'static str {
    match stage {
        LifecycleStage::Inception | LifecycleStage::DesignDevelopment => "design",
        LifecycleStage::VerificationValidation => "post-build",
        LifecycleStage::Deployment | LifecycleStage::OperationMonitoring => "operations",
        LifecycleStage::Retirement => "decommission",
    }
}

fn rfc3339(at: Timestamp) -> String {
    let text = at.to_string();
    if text.starts_with('@') {
        // Outside the years RFC 3339 can write; never for a real clock.
        "1970-01-01T00:00:00Z".to_owned()
    } else {
        text
    }
}

fn serial(system: &AiSystem, parts: &[&Component], timestamp: Timestamp) -> Uuid {
    let mut name = format!(
        "{}\n{}\n{}\n",
        system.id,
        system.revision,
        timestamp.as_micros()
    );
    for part in parts {
        name.push_str(&format!("{}@{}\n", part.id, part.updated_at.as_micros()));
    }
    Uuid::new_v5(&SERIAL_NAMESPACE, name.as_bytes())
}
