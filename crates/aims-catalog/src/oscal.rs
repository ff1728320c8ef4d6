//! OSCAL export: every catalogue as an OSCAL catalog, every crosswalk as an OSCAL mapping
//! collection, both valid against NIST's OSCAL 1.2.3 JSON schema. Reading them back is in
//! `oscal_catalog` and `oscal_mapping`.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::crosswalk::{Crosswalk, Relation};
use crate::model::{Catalogue, Framework, Item, ItemKind};

/// The OSCAL version exports conform to.
pub const OSCAL_VERSION: &str = "1.2.3";

/// The namespace of properties aims adds to OSCAL documents.
pub const NAMESPACE: &str = "urn:aims:oscal";

/// A stable UUID for `name`, so that exporting twice gives the same document.
fn stable_uuid(name: &str) -> String {
    const AIMS: Uuid = Uuid::from_u128(0x6a1d_5c3e_9f2b_4c71_8e0a_5b7d_2c94_1f36);
    Uuid::new_v5(&AIMS, name.as_bytes()).to_string()
}

/// The OSCAL id of an item: a token (letters first, no spaces) that keeps the published id
/// recognisable. The published id itself travels in the `label` property.
pub fn oscal_id(framework: &str, item: &str) -> String {
    let clean: String = item
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '.' {
                c
            } else {
                '-'
            }
        })
        .collect();
    format!("{framework}_{clean}")
}

fn label(item: &Item) -> Value {
    json!({"name": "label", "value": item.id})
}

fn item_props(item: &Item) -> Vec<Value> {
    let mut props = vec![label(item)];
    if let Some(guidance) = &item.guidance {
        props.push(json!({"name": "guidance", "ns": NAMESPACE, "value": guidance}));
    }
    if item.requirement {
        props.push(json!({"name": "requirement", "ns": NAMESPACE, "value": "true"}));
    }
    for (name, value) in [
        ("applies-from", &item.applies_from),
        ("amended-applies-from", &item.amended_applies_from),
        ("amendment", &item.amendment),
    ] {
        if let Some(value) = value {
            props.push(json!({"name": name, "ns": NAMESPACE, "value": value}));
        }
    }
    props
}

fn parts(framework: &str, item: &Item, catalogue: &Catalogue) -> Vec<Value> {
    let id = oscal_id(framework, &item.id);
    let mut parts = vec![
        json!({"id": format!("{id}_overview"), "name": "overview", "prose": item.description}),
    ];
    if let Some(text) = &item.text {
        parts.push(json!({"id": format!("{id}_statement"), "name": "statement", "prose": text}));
    }
    for objective in catalogue
        .children(Some(&item.id))
        .filter(|c| c.kind == ItemKind::Objective)
    {
        parts.push(json!({
            "id": oscal_id(framework, &objective.id),
            "name": "objective",
            "title": objective.title,
            "props": item_props(objective),
            "prose": objective.description,
        }));
    }
    parts
}

fn is_group(item: &Item, catalogue: &Catalogue) -> bool {
    !item.requirement
        && catalogue
            .children(Some(&item.id))
            .any(|c| c.kind != ItemKind::Objective)
}

fn control(framework: &str, item: &Item, catalogue: &Catalogue) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(oscal_id(framework, &item.id)));
    object.insert("class".into(), json!(item.kind.as_str().replace('_', "-")));
    object.insert("title".into(), json!(item.title));
    object.insert("props".into(), json!(item_props(item)));
    object.insert("parts".into(), json!(parts(framework, item, catalogue)));
    let nested: Vec<Value> = catalogue
        .children(Some(&item.id))
        .filter(|c| c.kind != ItemKind::Objective)
        .map(|c| control(framework, c, catalogue))
        .collect();
    if !nested.is_empty() {
        object.insert("controls".into(), json!(nested));
    }
    Value::Object(object)
}

fn group(framework: &str, item: &Item, catalogue: &Catalogue) -> Value {
    let mut object = Map::new();
    object.insert("id".into(), json!(oscal_id(framework, &item.id)));
    object.insert("class".into(), json!(item.kind.as_str().replace('_', "-")));
    object.insert("title".into(), json!(item.title));
    object.insert("props".into(), json!(item_props(item)));
    object.insert("parts".into(), json!(parts(framework, item, catalogue)));
    let (groups, controls) = members(framework, Some(&item.id), catalogue);
    if !groups.is_empty() {
        object.insert("groups".into(), json!(groups));
    }
    if !controls.is_empty() {
        object.insert("controls".into(), json!(controls));
    }
    Value::Object(object)
}

/// The groups and controls under `parent`. OSCAL lets a group hold groups or controls but not
/// both, so where any child is a control, every child becomes one (a grouping clause such as
/// 6.1 then holds its sub-clauses as nested controls).
fn members(
    framework: &str,
    parent: Option<&str>,
    catalogue: &Catalogue,
) -> (Vec<Value>, Vec<Value>) {
    let children: Vec<&Item> = catalogue
        .children(parent)
        .filter(|c| c.kind != ItemKind::Objective)
        .collect();
    if children.iter().all(|c| is_group(c, catalogue)) {
        (
            children
                .iter()
                .map(|c| group(framework, c, catalogue))
                .collect(),
            Vec::new(),
        )
    } else {
        (
            Vec::new(),
            children
                .iter()
                .map(|c| control(framework, c, catalogue))
                .collect(),
        )
    }
}

fn metadata(title: &str, date: &str, version: &str, framework: &Framework) -> Value {
    let mut remarks = framework.licence.clone();
    if let Some(attribution) = &framework.attribution {
        remarks = format!("{remarks}\n\n{attribution}");
    }
    json!({
        "title": title,
        "published": format!("{date}T00:00:00Z"),
        "last-modified": format!("{date}T00:00:00Z"),
        "version": version,
        "oscal-version": OSCAL_VERSION,
        "props": [
            {"name": "framework", "ns": NAMESPACE, "value": framework.id},
            {"name": "original-text-included", "ns": NAMESPACE, "value": framework.original_text_included.to_string()},
        ],
        "links": [{"href": framework.source, "rel": "reference"}],
        "remarks": remarks,
    })
}

/// The file name an exported catalogue is referred to by from mapping collections.
pub fn export_file_name(catalogue: &Catalogue) -> String {
    // A version may hold a slash (`2024/1689`), which no file name can.
    format!(
        "{}-{}.oscal.json",
        catalogue.framework.id,
        catalogue.framework.version.replace('/', "-")
    )
}

/// A catalogue as an OSCAL catalog document.
pub fn catalog_to_oscal(catalogue: &Catalogue) -> Value {
    let f = &catalogue.framework;
    let (groups, controls) = members(&f.id, None, catalogue);
    let mut body = Map::new();
    body.insert("uuid".into(), json!(stable_uuid(&catalogue.key())));
    body.insert(
        "metadata".into(),
        metadata(&f.title, &f.published, &f.version, f),
    );
    if !groups.is_empty() {
        body.insert("groups".into(), json!(groups));
    }
    if !controls.is_empty() {
        body.insert("controls".into(), json!(controls));
    }
    json!({"catalog": body})
}

/// A crosswalk as an OSCAL mapping collection; gaps go to the source gap summary.
pub fn crosswalk_to_oscal(crosswalk: &Crosswalk, source: &Catalogue, target: &Catalogue) -> Value {
    let info = &crosswalk.crosswalk;
    let (source_id, target_id) = (&source.framework.id, &target.framework.id);
    let maps: Vec<Value> = crosswalk
        .mappings
        .iter()
        .filter_map(|m| {
            let to = m.to.as_ref()?;
            Some(json!({
                "uuid": stable_uuid(&format!("{}:{}:{}", info.id, m.from, to)),
                "relationship": m.relation.oscal(),
                "sources": [{"type": "control", "id-ref": oscal_id(source_id, &m.from)}],
                "targets": [{"type": "control", "id-ref": oscal_id(target_id, to)}],
                "remarks": m.rationale,
            }))
        })
        .collect();
    let gaps: Vec<Value> = crosswalk
        .mappings
        .iter()
        .filter(|m| m.relation == Relation::NoRelationship)
        .map(|m| json!(oscal_id(source_id, &m.from)))
        .collect();
    let mut mapping = Map::new();
    mapping.insert(
        "uuid".into(),
        json!(stable_uuid(&format!("{}:mapping", info.id))),
    );
    mapping.insert(
        "source-resource".into(),
        json!({"type": "catalog", "href": export_file_name(source)}),
    );
    mapping.insert(
        "target-resource".into(),
        json!({"type": "catalog", "href": export_file_name(target)}),
    );
    mapping.insert("maps".into(), json!(maps));
    if !gaps.is_empty() {
        mapping.insert(
            "source-gap-summary".into(),
            json!({"uuid": stable_uuid(&format!("{}:gaps", info.id)), "unmapped-controls": [{"with-ids": gaps}]}),
        );
    }
    let date = (&source.framework.published).max(&target.framework.published);
    json!({"mapping-collection": {
        "uuid": stable_uuid(&info.id),
        "metadata": {
            "title": info.title,
            "last-modified": format!("{date}T00:00:00Z"),
            "version": "1",
            "oscal-version": OSCAL_VERSION,
            "props": [{"name": "status", "ns": NAMESPACE, "value": info.status}],
        },
        "provenance": {
            "method": "human",
            "matching-rationale": "semantic",
            "status": "complete",
            "mapping-description": info.provenance,
        },
        "mappings": [Value::Object(mapping)],
    }})
}
