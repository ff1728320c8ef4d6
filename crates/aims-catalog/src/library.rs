//! The loaded catalogues together: lookup by framework and item, and search.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

use crate::crosswalk::{Crosswalk, Relation};
use crate::load::LoadError;
use crate::mapping::{MappingGraph, Reached, Step};
use crate::model::{Catalogue, Item};

/// Every loaded catalogue, by `framework@version`, and the crosswalks between them.
#[derive(Clone, Debug)]
pub struct Library {
    catalogues: BTreeMap<String, Arc<Catalogue>>,
    crosswalks: Vec<Crosswalk>,
    graph: MappingGraph,
    /// Keys of the catalogues and ids of the crosswalks added by [`Library::extend`].
    added: BTreeSet<String>,
}

/// One item found by a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit<'a> {
    pub catalogue: &'a Catalogue,
    pub item: &'a Item,
}

impl Library {
    /// A library of `catalogues` and the `crosswalks` between them. Two catalogues of the same
    /// framework and version are refused, and so is a mapping whose end does not exist.
    pub fn new(catalogues: Vec<Catalogue>, crosswalks: Vec<Crosswalk>) -> Result<Self, LoadError> {
        Self::build(
            catalogues.into_iter().map(Arc::new).collect(),
            crosswalks,
            BTreeSet::new(),
        )
    }

    /// This library with an organisation's own `catalogues` and `crosswalks` added, checked as
    /// strictly as the shipped ones; a key or crosswalk id already present is refused.
    pub fn extend(
        &self,
        catalogues: Vec<Catalogue>,
        crosswalks: Vec<Crosswalk>,
    ) -> Result<Self, LoadError> {
        let mut added: BTreeSet<String> = catalogues.iter().map(Catalogue::key).collect();
        for crosswalk in &crosswalks {
            let id = &crosswalk.crosswalk.id;
            if self.crosswalks.iter().any(|c| &c.crosswalk.id == id) || !added.insert(id.clone()) {
                return Err(LoadError {
                    file: crosswalk.file.clone(),
                    line: None,
                    id: Some(id.clone()),
                    message: format!("a crosswalk {id} is already loaded"),
                });
            }
        }
        let all = self
            .catalogues
            .values()
            .cloned()
            .chain(catalogues.into_iter().map(Arc::new))
            .collect();
        let mut all_crosswalks = self.crosswalks.clone();
        all_crosswalks.extend(crosswalks);
        added.extend(self.added.iter().cloned());
        Self::build(all, all_crosswalks, added)
    }

    fn build(
        catalogues: Vec<Arc<Catalogue>>,
        crosswalks: Vec<Crosswalk>,
        added: BTreeSet<String>,
    ) -> Result<Self, LoadError> {
        let mut by_key = BTreeMap::new();
        for catalogue in catalogues {
            let key = catalogue.key();
            if let Some(first) = by_key.get(&key).map(|c: &Arc<Catalogue>| c.file.clone()) {
                return Err(LoadError {
                    file: catalogue.file.clone(),
                    line: None,
                    id: None,
                    message: format!("{key} is already loaded from {first}"),
                });
            }
            by_key.insert(key, catalogue);
        }
        let mut graph = MappingGraph::default();
        for crosswalk in &crosswalks {
            let info = &crosswalk.crosswalk;
            let fail = |line: usize, id: Option<&str>, message: String| LoadError {
                file: crosswalk.file.clone(),
                line: Some(line).filter(|l| *l > 0),
                id: id.map(str::to_owned),
                message,
            };
            let source = by_key.get(&info.source).ok_or_else(|| {
                fail(
                    0,
                    None,
                    format!("source catalogue {} is not loaded", info.source),
                )
            })?;
            let target = by_key.get(&info.target).ok_or_else(|| {
                fail(
                    0,
                    None,
                    format!("target catalogue {} is not loaded", info.target),
                )
            })?;
            for m in &crosswalk.mappings {
                if source.item(&m.from).is_none() {
                    return Err(fail(
                        m.line,
                        Some(&m.from),
                        format!("{} has no item {}", info.source, m.from),
                    ));
                }
                match &m.to {
                    Some(to) if target.item(to).is_none() => {
                        return Err(fail(
                            m.line,
                            Some(&m.from),
                            format!("{} has no item {to}", info.target),
                        ));
                    }
                    Some(to) => graph.add(Step {
                        from: (info.source.clone(), m.from.clone()),
                        to: (info.target.clone(), to.clone()),
                        relation: m.relation,
                        rationale: m.rationale.clone(),
                        crosswalk: info.id.clone(),
                    }),
                    None => graph.add_gap(
                        (info.source.clone(), m.from.clone()),
                        &info.target,
                        &m.rationale,
                    ),
                }
            }
        }
        Ok(Self {
            catalogues: by_key,
            crosswalks,
            graph,
            added,
        })
    }

    /// Every crosswalk.
    pub fn crosswalks(&self) -> &[Crosswalk] {
        &self.crosswalks
    }

    /// What item `id` of `catalogue` maps to within `hops` steps (1: direct only).
    pub fn map(&self, catalogue: &Catalogue, id: &str, hops: usize) -> Vec<Reached> {
        self.graph
            .reach(&(catalogue.key(), id.to_owned()), hops.max(1))
    }

    /// The catalogues in which item `id` of `catalogue` is recorded as having no counterpart.
    pub fn gaps(&self, catalogue: &Catalogue, id: &str) -> &[(String, String)] {
        self.graph.gaps(&(catalogue.key(), id.to_owned()))
    }

    /// How many mappings (not gaps) the crosswalks hold.
    pub fn mapping_count(&self) -> usize {
        self.crosswalks
            .iter()
            .flat_map(|c| &c.mappings)
            .filter(|m| m.relation != Relation::NoRelationship)
            .count()
    }

    /// Every catalogue, by key.
    pub fn catalogues(&self) -> impl Iterator<Item = &Catalogue> {
        self.catalogues.values().map(AsRef::as_ref)
    }

    /// Whether the catalogue keyed `key` (or the crosswalk `key`) came from [`Library::extend`].
    pub fn is_added(&self, key: &str) -> bool {
        self.added.contains(key)
    }

    /// The catalogue named `name` (as [`Library::catalogue`]), shared.
    pub fn shared(&self, name: &str) -> Option<Arc<Catalogue>> {
        let key = self.catalogue(name)?.key();
        self.catalogues.get(&key).cloned()
    }

    /// The shortest name that finds `catalogue` again: its framework id when that names it,
    /// else `id@version`.
    pub fn name_of(&self, catalogue: &Catalogue) -> String {
        match self.catalogue(&catalogue.framework.id) {
            Some(found) if found.key() == catalogue.key() => catalogue.framework.id.clone(),
            _ => catalogue.key(),
        }
    }

    /// The catalogue named `name`: `framework@version`, or a framework id alone (its newest
    /// version), case-insensitively.
    pub fn catalogue(&self, name: &str) -> Option<&Catalogue> {
        let name = name.trim().to_lowercase();
        self.catalogues
            .get(&name)
            .or_else(|| {
                // The latest publication; on a tie the shipped version, then the higher one.
                self.catalogues
                    .values()
                    .filter(|c| c.framework.id == name)
                    .max_by(|a, b| {
                        let shipped = |c: &Catalogue| !self.added.contains(&c.key());
                        a.framework
                            .published
                            .cmp(&b.framework.published)
                            .then_with(|| shipped(a).cmp(&shipped(b)))
                            .then_with(|| version_order(&a.framework.version, &b.framework.version))
                    })
            })
            .map(AsRef::as_ref)
    }

    /// Items whose id, title or description contain every word of `query`, case-insensitively.
    pub fn search(&self, query: &str) -> Vec<SearchHit<'_>> {
        let words: Vec<String> = query.split_whitespace().map(str::to_lowercase).collect();
        if words.is_empty() {
            return Vec::new();
        }
        self.catalogues
            .values()
            .flat_map(|catalogue| {
                let catalogue: &Catalogue = catalogue;
                catalogue
                    .items
                    .iter()
                    .map(move |item| SearchHit { catalogue, item })
            })
            .filter(|hit| {
                let haystack = format!(
                    "{} {} {}",
                    hit.item.id, hit.item.title, hit.item.description
                )
                .to_lowercase();
                words.iter().all(|w| haystack.contains(w.as_str()))
            })
            .collect()
    }
}

/// Orders versions as people read them: `10` after `9`, `1.10` after `1.9`.
fn version_order(a: &str, b: &str) -> std::cmp::Ordering {
    let parts = |v: &str| -> Vec<(u64, String)> {
        v.split(|c: char| !c.is_ascii_alphanumeric())
            .map(|part| {
                let digits: String = part.chars().take_while(char::is_ascii_digit).collect();
                (digits.parse().unwrap_or(0), part[digits.len()..].to_owned())
            })
            .collect()
    };
    parts(a).cmp(&parts(b))
}
