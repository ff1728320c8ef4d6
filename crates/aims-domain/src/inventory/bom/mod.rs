//! CycloneDX ML-BOM import and export: pure functions from text to components and from a
//! system to a document. No IO; the caller reads the upload and stores the plan.
//!
//! # Mapping (CycloneDX ↔ [`ComponentFacts`])
//!
//! Reading ([`read_ml_bom`], spec versions 1.4 to 1.6):
//! - `machine-learning-model` components become [`ComponentKind::Model`]: `model_type` is the
//!   first of `modelCard.modelParameters.task`, `.architectureFamily`, `.approach.type`;
//!   `model_card_url` the first http(s) `externalReferences` entry of type `model-card`, else
//!   of type `documentation`; `hosting` the `aims:hosting` property.
//! - `data` components become [`ComponentKind::Dataset`]: `source` is the `contents.url` of
//!   every `data[]` entry (one per line), else the `distribution` external references;
//!   `provenance` gathers each `data[]` entry's `description`, `governance` (owners, stewards,
//!   custodians) and `classification`; `personal_data` is set when an entry lists
//!   `sensitiveData` or its classification mentions personal data or PII. CycloneDX has no
//!   field for quality checks: `quality_checks` comes only from the `aims:quality_checks`
//!   property (and `source`, when it is not a link, from `aims:source`).
//! - Datasets written inline in a model card (`modelCard.modelParameters.datasets[]` objects
//!   with a `type`) become datasets too, mapped like a `data[]` entry; bare `{"ref": ...}`
//!   entries point at components read anyway and are passed over.
//! - For models and datasets: `provider` is the first of `supplier.name`,
//!   `manufacturer.name`, `publisher`, `author`, `authors[0].name`, `group`; `licence` joins
//!   `licenses[].license.id|name` or the `expression`; `bom_ref` is the `bom-ref`.
//! - Organisations named as `supplier` or `manufacturer` of a model or dataset, and names in
//!   `aims:supplier` properties of `metadata`, become [`ComponentKind::Supplier`] components,
//!   one per name (compared without case).
//! - Other component types are listed in [`BomImport::skipped`]; their nested `components`
//!   are still read. A component with neither a name nor a `bom-ref` is skipped; one without a
//!   name is named after its `bom-ref`. The second of two entries that are the same component
//!   (same kind and either the same `bom-ref` or the same name and version) is skipped.
//! - Values are cleaned to fit [`ComponentFacts::validate`]: control characters dropped, line
//!   breaks flattened in one-line fields, over-long values cut with `…`; a model card link that
//!   is not http(s) is left out.
//!
//! Writing ([`write_ml_bom`], spec version 1.6) is the same mapping the other way, chosen so
//! that what aims writes reads back to the same facts:
//! - the system is `metadata.component`, an `application` whose `bom-ref` is the system id,
//!   `description` its purpose, with `aims:lifecycle_stage` and one `aims:role` property per
//!   role, and the stage in `metadata.lifecycles` as the nearest CycloneDX phase;
//! - a provider that is also a Supplier component of the system is written as the
//!   organisation `supplier: {name}`; any other provider as the free-text `publisher`, so that
//!   reading the document back does not invent Supplier components;
//! - CycloneDX has no place for an organisation that supplies nothing listed, so every Supplier
//!   component is named in an `aims:supplier` property of `metadata` (only its name travels);
//! - a model's card lists every dataset of the system by `ref` (aims does not record which
//!   dataset trained which model); `licence` is a named licence (`license.name`), never an
//!   SPDX `id`, since aims does not check it against the SPDX list; fields that do not fit a
//!   component's kind are not written.
//!
//! # Re-importing ([`plan_import`])
//!
//! An incoming component matches an existing one of the same kind whose `bom_ref` or id (aims
//! writes the id when there is no `bom_ref`) equals its non-empty `bom_ref`; failing that, one
//! with the same name (without case) and version, or — when the incoming version is empty —
//! the only one with that name. Each existing component is matched at most once. A match
//! keeps every field the document leaves empty, so re-importing a thinner document does not
//! erase what a person typed; `personal_data` is only ever switched on, as a document that
//! does not mention personal data does not state there is none.

mod clean;
mod json;
mod read;
mod write;

use thiserror::Error;

use crate::id::ComponentId;
use crate::inventory::{Component, ComponentFacts, ComponentKind};

pub use read::read_ml_bom;
pub use write::write_ml_bom;

/// Property names aims writes and reads, in its own namespace.
const PROP_HOSTING: &str = "aims:hosting";
const PROP_SOURCE: &str = "aims:source";
const PROP_QUALITY_CHECKS: &str = "aims:quality_checks";
const PROP_SUPPLIER: &str = "aims:supplier";
const PROP_LIFECYCLE_STAGE: &str = "aims:lifecycle_stage";
const PROP_ROLE: &str = "aims:role";

/// What a CycloneDX document holds that the inventory can take.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct BomImport {
    /// The document's `specVersion` (`1.4`, `1.5` or `1.6`).
    pub spec_version: String,
    /// The document's `serialNumber`, when it has one.
    pub serial_number: Option<String>,
    /// The models, datasets and suppliers found, each already valid.
    pub components: Vec<(ComponentKind, ComponentFacts)>,
    /// What was passed over and why, e.g. `components[3] (library "x"): not a model or dataset`.
    pub skipped: Vec<String>,
}

/// A document that is not a CycloneDX BOM aims can read.
#[derive(Clone, Debug, PartialEq, Eq, Error)]
#[error("{path}: {message}")]
pub struct BomError {
    /// Where in the document, as a JSON Pointer (`/components/2/type`); `/` for the whole.
    pub path: String,
    /// What is wrong, in words a user can act on.
    pub message: String,
}

impl BomError {
    fn new(path: &str, message: impl Into<String>) -> Self {
        Self {
            path: if path.is_empty() {
                "/".to_owned()
            } else {
                path.to_owned()
            },
            message: message.into(),
        }
    }
}

/// What importing a document would change in a system's components.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ImportPlan {
    /// Components to add.
    pub create: Vec<(ComponentKind, ComponentFacts)>,
    /// Components to change: the id, the facts to store, and the names of the changed fields.
    pub update: Vec<(ComponentId, ComponentFacts, Vec<&'static str>)>,
    /// Components the document names that would not change.
    pub unchanged: Vec<ComponentId>,
}

/// Matches `incoming` components against a system's `existing` ones (see the module
/// documentation for the rules). An incoming component that is the same as an earlier one
/// (same kind and `bom_ref`, or same kind, name and version) is left out.
pub fn plan_import(
    existing: &[Component],
    incoming: &[(ComponentKind, ComponentFacts)],
) -> ImportPlan {
    let mut plan = ImportPlan::default();
    let mut claimed = vec![false; existing.len()];
    for (kind, facts) in incoming {
        let found = match_existing(existing, &claimed, *kind, facts);
        match found {
            Some((index, by_id)) => {
                claimed[index] = true;
                let current = &existing[index];
                let mut facts = facts.clone();
                if by_id {
                    // The reference is aims's own id written on export, not a document's.
                    facts.bom_ref.clear();
                }
                let (merged, changed) = merge(&current.facts, &facts);
                if changed.is_empty() {
                    plan.unchanged.push(current.id);
                } else {
                    plan.update.push((current.id, merged, changed));
                }
            }
            None => {
                let duplicate = plan
                    .create
                    .iter()
                    .any(|(k, f)| k == kind && same_component(f, facts));
                if !duplicate {
                    plan.create.push((*kind, facts.clone()));
                }
            }
        }
    }
    plan
}

/// The index of the existing component `facts` matches, and whether it matched by id.
fn match_existing(
    existing: &[Component],
    claimed: &[bool],
    kind: ComponentKind,
    facts: &ComponentFacts,
) -> Option<(usize, bool)> {
    let open = |i: &usize| !claimed[*i] && existing[*i].kind == kind;
    let reference = facts.bom_ref.trim();
    if !reference.is_empty() {
        if let Some(i) = (0..existing.len())
            .filter(open)
            .find(|&i| existing[i].facts.bom_ref == reference)
        {
            return Some((i, false));
        }
        if let Some(i) = (0..existing.len())
            .filter(open)
            .find(|&i| existing[i].id.to_string() == reference)
        {
            return Some((i, true));
        }
    }
    let name = facts.name.trim().to_lowercase();
    let version = facts.version.trim();
    let same_name = |i: &usize| existing[*i].facts.name.trim().to_lowercase() == name;
    if let Some(i) = (0..existing.len())
        .filter(open)
        .filter(same_name)
        .find(|&i| existing[i].facts.version.trim() == version)
    {
        return Some((i, false));
    }
    if version.is_empty() {
        let mut candidates = (0..existing.len()).filter(open).filter(same_name);
        if let (Some(i), None) = (candidates.next(), candidates.next()) {
            return Some((i, false));
        }
    }
    None
}

/// Whether two facts of the same kind describe the same component: the same `bom_ref` when
/// both have one, else the same name (without case) and version.
fn same_component(a: &ComponentFacts, b: &ComponentFacts) -> bool {
    if !a.bom_ref.is_empty() && !b.bom_ref.is_empty() {
        return a.bom_ref == b.bom_ref;
    }
    a.name.trim().to_lowercase() == b.name.trim().to_lowercase()
        && a.version.trim() == b.version.trim()
}

/// `current` with every non-empty field of `incoming` laid over it, and the fields that changed.
fn merge(
    current: &ComponentFacts,
    incoming: &ComponentFacts,
) -> (ComponentFacts, Vec<&'static str>) {
    let mut merged = current.clone();
    let mut changed = Vec::new();
    let mut take = |field: &'static str, target: &mut String, value: &String| {
        if !value.trim().is_empty() && target != value {
            *target = value.clone();
            changed.push(field);
        }
    };
    take("name", &mut merged.name, &incoming.name);
    take("version", &mut merged.version, &incoming.version);
    take("provider", &mut merged.provider, &incoming.provider);
    take("licence", &mut merged.licence, &incoming.licence);
    take(
        "description",
        &mut merged.description,
        &incoming.description,
    );
    take("model_type", &mut merged.model_type, &incoming.model_type);
    take(
        "model_card_url",
        &mut merged.model_card_url,
        &incoming.model_card_url,
    );
    take("hosting", &mut merged.hosting, &incoming.hosting);
    take("source", &mut merged.source, &incoming.source);
    take("provenance", &mut merged.provenance, &incoming.provenance);
    take(
        "quality_checks",
        &mut merged.quality_checks,
        &incoming.quality_checks,
    );
    take("bom_ref", &mut merged.bom_ref, &incoming.bom_ref);
    if incoming.personal_data && !merged.personal_data {
        merged.personal_data = true;
        changed.push("personal_data");
    }
    (merged, changed)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::id::AiSystemId;
    use crate::time::Timestamp;

    fn component(kind: ComponentKind, facts: ComponentFacts) -> Component {
        Component {
            id: ComponentId::new(),
            system: AiSystemId::new(),
            kind,
            facts,
            created_at: Timestamp::from_micros(0),
            updated_at: Timestamp::from_micros(0),
        }
    }

    fn named(name: &str, version: &str) -> ComponentFacts {
        ComponentFacts {
            name: name.into(),
            version: version.into(),
            ..Default::default()
        }
    }

    #[test]
    fn a_thinner_document_keeps_what_a_person_typed() {
        let typed = ComponentFacts {
            provider: "OpenAI".into(),
            hosting: "Azure".into(),
            personal_data: true,
            ..named("GPT-4o", "2024-08")
        };
        let existing = [component(ComponentKind::Model, typed)];
        let thin = ComponentFacts {
            description: "A model".into(),
            ..named("gpt-4o", "2024-08")
        };
        let plan = plan_import(&existing, &[(ComponentKind::Model, thin)]);
        assert!(plan.create.is_empty() && plan.unchanged.is_empty());
        let (id, facts, changed) = &plan.update[0];
        assert_eq!(*id, existing[0].id);
        assert_eq!(changed, &["name", "description"]);
        assert_eq!(facts.provider, "OpenAI");
        assert_eq!(facts.hosting, "Azure");
        assert!(facts.personal_data);
        assert_eq!(facts.name, "gpt-4o");
    }

    #[test]
    fn matching_prefers_the_reference_then_name_and_version() {
        let a = component(
            ComponentKind::Model,
            ComponentFacts {
                bom_ref: "ref-a".into(),
                ..named("Alpha", "1")
            },
        );
        let b = component(ComponentKind::Model, named("Beta", "2"));
        let c = component(ComponentKind::Dataset, named("Beta", "2"));
        let existing = [a.clone(), b.clone(), c.clone()];
        let incoming = [
            // Renamed in the document, found by its reference.
            (
                ComponentKind::Model,
                ComponentFacts {
                    bom_ref: "ref-a".into(),
                    ..named("Alpha renamed", "1")
                },
            ),
            // Found by aims's own id, which is not kept as a reference.
            (
                ComponentKind::Dataset,
                ComponentFacts {
                    bom_ref: c.id.to_string(),
                    ..named("Beta", "2")
                },
            ),
            // No version in the document: the only "beta" model.
            (ComponentKind::Model, named("BETA", "")),
            // Another version: a new component, listed once.
            (ComponentKind::Model, named("Alpha", "2")),
            (ComponentKind::Model, named("alpha", "2")),
        ];
        let plan = plan_import(&existing, &incoming);
        assert_eq!(plan.update.len(), 2, "{plan:?}");
        assert_eq!(plan.update[0].0, a.id);
        assert_eq!(plan.update[0].2, ["name"]);
        assert_eq!(plan.update[1].0, b.id);
        assert_eq!(plan.update[1].2, ["name"]);
        assert_eq!(plan.unchanged, [c.id]);
        assert_eq!(plan.create.len(), 1);
        assert_eq!(plan.create[0].1.name, "Alpha");
    }

    #[test]
    fn personal_data_is_only_switched_on() {
        let existing = [component(ComponentKind::Dataset, named("d", ""))];
        let on = ComponentFacts {
            personal_data: true,
            ..named("d", "")
        };
        let plan = plan_import(&existing, &[(ComponentKind::Dataset, on)]);
        assert_eq!(plan.update[0].2, ["personal_data"]);
        let existing = [component(ComponentKind::Dataset, plan.update[0].1.clone())];
        let plan = plan_import(&existing, &[(ComponentKind::Dataset, named("d", ""))]);
        assert_eq!(plan.unchanged, [existing[0].id]);
    }

    #[test]
    fn errors_name_the_root_as_a_slash() {
        let err = BomError::new("", "x");
        assert_eq!(err.path, "/");
        assert_eq!(err.to_string(), "/: x");
    }
}
