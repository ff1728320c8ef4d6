//! OSCAL interchange: every catalogue as an OSCAL catalog, every crosswalk as an OSCAL mapping
//! collection (both valid against NIST's OSCAL 1.2.3 JSON schema), and OSCAL catalogs read
//! back as custom frameworks.

use serde_json::{Map, Value, json};
use uuid::Uuid;

use crate::crosswalk::{Crosswalk, Relation};
use crate::load::LoadError;
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

/// `title` as an identifier: lower-case letters and digits joined by hyphens, whole words
/// up to 64 characters.
pub(crate) fn slug(title: &str) -> String {
    let lower = title
        .to_lowercase()
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect::<String>();
    let mut id = String::new();
    for word in lower.split('-').filter(|s| !s.is_empty()) {
        if !id.is_empty() && id.len() + 1 + word.len() > 64 {
            break;
        }
        if !id.is_empty() {
            id.push('-');
        }
        id.push_str(word);
    }
    id
}

fn prose_of(value: &Value) -> String {
    let mut texts = Vec::new();
    if let Some(prose) = value.get("prose").and_then(Value::as_str) {
        texts.push(prose.trim().to_owned());
    }
    for part in value
        .get("parts")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
    {
        let nested = prose_of(part);
        if !nested.is_empty() {
            texts.push(nested);
        }
    }
    texts.join(" ")
}

/// The objectives aims writes as parts of the group or control they belong to, read back as
/// items under it.
fn objectives_of(node: &Value, parent: &str) -> Vec<Item> {
    let parts = node.get("parts").and_then(Value::as_array);
    parts
        .into_iter()
        .flatten()
        .filter(|p| p.get("name").and_then(Value::as_str) == Some("objective"))
        .filter_map(|part| {
            let id = part
                .get("props")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .find(|p| p.get("name").and_then(Value::as_str) == Some("label"))
                .and_then(|p| p.get("value").and_then(Value::as_str))?;
            let description = prose_of(part);
            Some(Item {
                id: id.to_owned(),
                parent: Some(parent.to_owned()),
                kind: ItemKind::Objective,
                title: part
                    .get("title")
                    .and_then(Value::as_str)
                    .map_or_else(|| description.clone(), |t| t.trim().to_owned()),
                description,
                text: None,
                requirement: false,
                guidance: None,
                applies_from: None,
                amended_applies_from: None,
                amendment: None,
                documented_information: Vec::new(),
                line: 0,
            })
        })
        .collect()
}

/// Reads an OSCAL catalog as a custom framework: groups become groups, controls become
/// requirements, the statement's prose becomes the description.
pub fn catalogue_from_oscal(file: &str, text: &str) -> Result<Catalogue, LoadError> {
    let fail = |message: String| LoadError {
        file: file.to_owned(),
        line: None,
        id: None,
        message,
    };
    let document: Value = serde_json::from_str(text).map_err(|e| LoadError {
        file: file.to_owned(),
        line: Some(e.line()),
        id: None,
        message: format!("not JSON: {e}"),
    })?;
    let catalog = document
        .get("catalog")
        .ok_or_else(|| fail("not an OSCAL catalog: no \"catalog\" at the top".into()))?;
    let meta = catalog
        .get("metadata")
        .ok_or_else(|| fail("the catalog has no metadata".into()))?;
    let text_of = |v: &Value, key: &str| {
        v.get(key)
            .and_then(Value::as_str)
            .unwrap_or_default()
            .trim()
            .to_owned()
    };
    let title = text_of(meta, "title");
    let version = text_of(meta, "version");
    if title.is_empty() || version.is_empty() {
        return Err(fail(
            "metadata.title and metadata.version are required".into(),
        ));
    }
    // A catalog exported by aims names its framework, so a new version keeps the same id.
    let slug = meta
        .get("props")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .find(|p| {
            p.get("ns").and_then(Value::as_str) == Some(NAMESPACE)
                && p.get("name").and_then(Value::as_str) == Some("framework")
        })
        .and_then(|p| p.get("value").and_then(Value::as_str))
        .map_or_else(|| slug(&title), str::to_owned);
    // A catalog exported by aims says which controls are requirements; in any other, every
    // control is one.
    let from_aims = meta
        .get("props")
        .and_then(Value::as_array)
        .is_some_and(|props| {
            props
                .iter()
                .any(|p| p.get("ns").and_then(Value::as_str) == Some(NAMESPACE))
        });
    let mut items = Vec::new();
    fn walk(
        node: &Value,
        parent: Option<&str>,
        items: &mut Vec<Item>,
        path: &str,
        from_aims: bool,
    ) -> Result<(), String> {
        for (key, kind) in [("groups", ItemKind::Group), ("controls", ItemKind::Control)] {
            for (i, child) in node
                .get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
            {
                let at = format!("{path}/{key}/{i}");
                // A label without a class is the published form (800-53 also carries
                // zero-padded labels with a class).
                let labels: Vec<&Value> = child
                    .get("props")
                    .and_then(Value::as_array)
                    .into_iter()
                    .flatten()
                    .filter(|p| p.get("name").and_then(Value::as_str) == Some("label"))
                    .collect();
                let label = labels
                    .iter()
                    .find(|p| p.get("class").is_none())
                    .or_else(|| labels.first())
                    .and_then(|p| p.get("value").and_then(Value::as_str));
                let id = label
                    .or_else(|| child.get("id").and_then(Value::as_str))
                    .ok_or_else(|| format!("{at}: no id"))?
                    .to_owned();
                let title = child
                    .get("title")
                    .and_then(Value::as_str)
                    .ok_or_else(|| format!("{at}: no title"))?
                    .trim()
                    .to_owned();
                let (description, text, kind) = if from_aims {
                    // aims writes its description as the overview, the publisher's wording
                    // as the statement, and the item's kind as the class.
                    let part = |name: &str| {
                        child
                            .get("parts")
                            .and_then(Value::as_array)
                            .into_iter()
                            .flatten()
                            .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
                            .map(prose_of)
                    };
                    let class = child.get("class").and_then(Value::as_str).unwrap_or("");
                    let kind =
                        serde_json::from_value(json!(class.replace('-', "_"))).unwrap_or(kind);
                    (
                        part("overview").unwrap_or_default(),
                        part("statement"),
                        kind,
                    )
                } else {
                    let prose = prose_of(child);
                    let description = if prose.is_empty() || prose.eq_ignore_ascii_case(&title) {
                        format!("{title} (no statement in the source catalog)")
                    } else {
                        prose.clone()
                    };
                    (description, (!prose.is_empty()).then_some(prose), kind)
                };
                let prop = |name: &str| {
                    child
                        .get("props")
                        .and_then(Value::as_array)
                        .into_iter()
                        .flatten()
                        .find(|p| p.get("name").and_then(Value::as_str) == Some(name))
                        .and_then(|p| p.get("value").and_then(Value::as_str))
                        .map(str::to_owned)
                };
                items.push(Item {
                    id: id.clone(),
                    parent: parent.map(str::to_owned),
                    kind,
                    title,
                    description,
                    text,
                    requirement: if from_aims {
                        prop("requirement").is_some()
                    } else {
                        kind == ItemKind::Control
                    },
                    guidance: prop("guidance").filter(|_| from_aims),
                    applies_from: prop("applies-from").filter(|_| from_aims),
                    amended_applies_from: prop("amended-applies-from").filter(|_| from_aims),
                    amendment: prop("amendment").filter(|_| from_aims),
                    documented_information: Vec::new(),
                    line: 0,
                });
                if from_aims {
                    items.extend(objectives_of(child, &id));
                }
                walk(child, Some(&id), items, &at, from_aims)?;
            }
        }
        Ok(())
    }
    walk(catalog, None, &mut items, "/catalog", from_aims).map_err(fail)?;
    let counts = [ItemKind::Group, ItemKind::Control]
        .into_iter()
        .map(|kind| crate::model::KindCount {
            kind,
            count: items.iter().filter(|i| i.kind == kind).count(),
        })
        .collect();
    let framework = Framework {
        id: slug,
        version,
        short_name: title.clone(),
        title: title.clone(),
        publisher: meta
            .get("parties")
            .and_then(Value::as_array)
            .and_then(|p| p.first())
            .map(|p| text_of(p, "name"))
            .filter(|n| !n.is_empty())
            .unwrap_or_else(|| "unknown".into()),
        published: text_of(meta, "published")
            .chars()
            .take(10)
            .collect::<String>(),
        source: file.to_owned(),
        licence: "as stated by the source catalog".into(),
        original_text_included: true,
        attribution: Some(format!(
            "Imported from the OSCAL catalog \"{title}\" ({file})."
        )),
        counts,
    };
    // Re-check everything the loader checks of a shipped file.
    let catalogue = Catalogue {
        framework,
        items,
        file: file.to_owned(),
    };
    crate::load::validate(catalogue)
}
