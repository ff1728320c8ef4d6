//! OSCAL catalogs read as custom frameworks: groups stay groups, controls become
//! requirements, and a catalog aims exported comes back with its ids, kinds, objectives,
//! guidance and dates.

use serde_json::{Value, json};

use crate::load::LoadError;
use crate::model::{Catalogue, Framework, Item, ItemKind};
use crate::oscal::NAMESPACE;

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
                reporting_deadline: None,
                line: 0,
            })
        })
        .collect()
}

/// `text` as JSON; where it is not, an error naming the file and line.
pub(crate) fn parse_json(file: &str, text: &str) -> Result<Value, LoadError> {
    serde_json::from_str(text).map_err(|e| LoadError {
        file: file.to_owned(),
        line: Some(e.line()),
        id: None,
        message: format!("not JSON: {e}"),
    })
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
    let document = parse_json(file, text)?;
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
                    reporting_deadline: None,
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
