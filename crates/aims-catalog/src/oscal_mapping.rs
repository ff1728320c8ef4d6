//! OSCAL mapping collections read back as crosswalks between catalogues already loaded: the
//! source and target resources are matched to catalogues, every `id-ref` to an item.

use std::collections::HashMap;

use serde_json::Value;

use crate::crosswalk::{Crosswalk, CrosswalkInfo, Mapping, Relation};
use crate::library::Library;
use crate::load::LoadError;
use crate::model::Catalogue;
use crate::oscal::{export_file_name, oscal_id};
use crate::oscal_catalog::{parse_json, slug};

/// Which catalogues a mapping collection runs between, when its resource links do not say.
#[derive(Clone, Debug, Default)]
pub struct MappingEnds {
    /// The source catalogue's name (`id` or `id@version`).
    pub source: Option<String>,
    /// The target catalogue's name.
    pub target: Option<String>,
}

/// Item ids of one catalogue by every form an OSCAL `id-ref` may take, lower-cased.
struct IdIndex<'a> {
    catalogue: &'a Catalogue,
    ids: HashMap<String, &'a str>,
}

impl<'a> IdIndex<'a> {
    fn new(catalogue: &'a Catalogue) -> Self {
        let mut ids = HashMap::new();
        for item in &catalogue.items {
            ids.insert(item.id.to_lowercase(), item.id.as_str());
            ids.insert(
                oscal_id(&catalogue.framework.id, &item.id).to_lowercase(),
                item.id.as_str(),
            );
        }
        Self { catalogue, ids }
    }

    /// The item an `id-ref` names; a statement (`ac-1_smt.a`) resolves to its control.
    fn resolve(&self, id_ref: &str) -> Option<String> {
        let wanted = id_ref.trim().to_lowercase();
        let control = wanted.split("_smt").next().unwrap_or_default();
        self.ids
            .get(&wanted)
            .or_else(|| self.ids.get(control))
            .map(|id| (*id).to_owned())
    }
}

fn resource<'l>(
    library: &'l Library,
    mapping: &Value,
    field: &str,
    named: Option<&str>,
) -> Result<&'l Catalogue, String> {
    if let Some(name) = named {
        return library
            .catalogue(name)
            .ok_or_else(|| format!("no catalogue {name:?} is loaded"));
    }
    let href = mapping
        .get(field)
        .and_then(|r| r.get("href"))
        .and_then(Value::as_str)
        .ok_or_else(|| format!("{field} has no href"))?;
    let lower = href.to_lowercase();
    let file = lower.rsplit('/').next().unwrap_or(&lower);
    let stem = file.trim_end_matches(".json").trim_end_matches(".oscal");
    // The surest reading first: the name aims exports a catalogue under, the bare framework
    // id, then the longest key the link contains (`…@2023-acme` before `…@2023`).
    let exported = library
        .catalogues()
        .map(|c| (c, export_file_name(c).to_lowercase()))
        .filter(|(_, name)| lower == *name || lower.ends_with(&format!("/{name}")))
        .max_by_key(|(_, name)| name.len())
        .map(|(c, _)| c);
    let by_id = || library.catalogue(stem).filter(|c| c.framework.id == stem);
    let by_key = || {
        library
            .catalogues()
            .filter(|c| lower.contains(&c.key()))
            .max_by_key(|c| c.key().len())
    };
    exported
        .or_else(by_id)
        .or_else(by_key)
        .ok_or_else(|| format!("{field} {href:?} matches no loaded catalogue; say which one it is"))
}

/// Reads an OSCAL mapping collection as a crosswalk between two catalogues of `library`.
/// Every map becomes one mapping per source and target pair; the source gap summary
/// becomes recorded gaps. All mappings of the collection must join the same two catalogues.
pub fn crosswalk_from_oscal(
    file: &str,
    text: &str,
    library: &Library,
    ends: &MappingEnds,
) -> Result<Crosswalk, LoadError> {
    let fail = |id: Option<String>, message: String| LoadError {
        file: file.to_owned(),
        line: None,
        id,
        message,
    };
    let document = parse_json(file, text)?;
    let collection = document.get("mapping-collection").ok_or_else(|| {
        fail(
            None,
            "not an OSCAL mapping collection: no \"mapping-collection\" at the top".into(),
        )
    })?;
    let title = collection
        .pointer("/metadata/title")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|t| !t.is_empty())
        .ok_or_else(|| fail(None, "metadata.title is required".into()))?;
    let mappings = collection
        .get("mappings")
        .and_then(Value::as_array)
        .filter(|m| !m.is_empty())
        .ok_or_else(|| fail(None, "the collection holds no mappings".into()))?;
    let mut pair: Option<(&Catalogue, &Catalogue)> = None;
    let mut out = Vec::new();
    for (m, mapping) in mappings.iter().enumerate() {
        let at = format!("/mapping-collection/mappings/{m}");
        let source = resource(library, mapping, "source-resource", ends.source.as_deref())
            .map_err(|e| fail(None, format!("{at}: {e}")))?;
        let target = resource(library, mapping, "target-resource", ends.target.as_deref())
            .map_err(|e| fail(None, format!("{at}: {e}")))?;
        match pair {
            Some((s, t)) if s.key() != source.key() || t.key() != target.key() => {
                return Err(fail(
                    None,
                    format!(
                        "{at}: joins {} and {}, but the first mapping joins {} and {}; import each pair separately",
                        source.key(),
                        target.key(),
                        s.key(),
                        t.key()
                    ),
                ));
            }
            _ => pair = Some((source, target)),
        }
        let (from_ids, to_ids) = (IdIndex::new(source), IdIndex::new(target));
        let maps = mapping
            .get("maps")
            .and_then(Value::as_array)
            .ok_or_else(|| fail(None, format!("{at}: no maps")))?;
        for (n, map) in maps.iter().enumerate() {
            let here = format!("{at}/maps/{n}");
            let name = map
                .get("relationship")
                .and_then(Value::as_str)
                .unwrap_or_default();
            let relation = Relation::from_oscal(name)
                .ok_or_else(|| fail(None, format!("{here}: unknown relationship {name:?}")))?;
            let ends_of = |side: &str, index: &IdIndex<'_>| -> Result<Vec<String>, LoadError> {
                let list = map
                    .get(side)
                    .and_then(Value::as_array)
                    .filter(|l| !l.is_empty())
                    .ok_or_else(|| fail(None, format!("{here}: no {side}")))?;
                list.iter()
                    .enumerate()
                    .map(|(k, end)| {
                        let id_ref = end.get("id-ref").and_then(Value::as_str).unwrap_or("");
                        index.resolve(id_ref).ok_or_else(|| {
                            fail(
                                Some(id_ref.to_owned()),
                                format!(
                                    "{here}/{side}/{k}: {} has no item {id_ref:?}",
                                    index.catalogue.key()
                                ),
                            )
                        })
                    })
                    .collect()
            };
            let (froms, tos) = (ends_of("sources", &from_ids)?, ends_of("targets", &to_ids)?);
            let rationale = map
                .get("remarks")
                .and_then(Value::as_str)
                .map(str::trim)
                .filter(|r| r.len() >= 10)
                .map_or_else(
                    || format!("Imported from {file} without a rationale of its own."),
                    str::to_owned,
                );
            for from in &froms {
                for to in &tos {
                    let to = (relation != Relation::NoRelationship).then(|| to.clone());
                    if relation == Relation::NoRelationship
                        && out
                            .iter()
                            .any(|o: &Mapping| &o.from == from && o.to.is_none())
                    {
                        continue;
                    }
                    out.push(Mapping {
                        from: from.clone(),
                        to,
                        relation,
                        rationale: rationale.clone(),
                        line: 0,
                    });
                }
            }
        }
        for gap in mapping
            .pointer("/source-gap-summary/unmapped-controls")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .flat_map(|u| u.get("with-ids").and_then(Value::as_array))
            .flatten()
            .filter_map(Value::as_str)
        {
            let from = from_ids.resolve(gap).ok_or_else(|| {
                fail(
                    Some(gap.to_owned()),
                    format!(
                        "{at}/source-gap-summary: {} has no item {gap:?}",
                        source.key()
                    ),
                )
            })?;
            if !out.iter().any(|o| o.from == from && o.to.is_none()) {
                out.push(Mapping {
                    from,
                    to: None,
                    relation: Relation::NoRelationship,
                    rationale: format!(
                        "Listed as unmapped in the gap summary of {file}; {} has no counterpart.",
                        target.key()
                    ),
                    line: 0,
                });
            }
        }
    }
    let (source, target) = pair.ok_or_else(|| fail(None, "no mappings".into()))?;
    let provenance = collection
        .pointer("/provenance/mapping-description")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|d| !d.is_empty())
        .map_or_else(
            || format!("Imported from the OSCAL mapping collection {file}."),
            str::to_owned,
        );
    crate::crosswalk::check(Crosswalk {
        crosswalk: CrosswalkInfo {
            id: slug(title),
            title: title.to_owned(),
            source: source.key(),
            target: target.key(),
            provenance,
            status: "imported".into(),
        },
        mappings: out,
        file: file.to_owned(),
    })
}
