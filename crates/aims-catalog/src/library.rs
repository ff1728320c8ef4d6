//! The loaded catalogues together: lookup by framework and item, and search.

use std::collections::BTreeMap;

use crate::load::LoadError;
use crate::model::{Catalogue, Item};

/// Every loaded catalogue, by `framework@version`.
#[derive(Clone, Debug)]
pub struct Library {
    catalogues: BTreeMap<String, Catalogue>,
}

/// One item found by a search.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SearchHit<'a> {
    pub catalogue: &'a Catalogue,
    pub item: &'a Item,
}

impl Library {
    /// A library of `catalogues`; two of the same framework and version are refused.
    pub fn new(catalogues: Vec<Catalogue>) -> Result<Self, LoadError> {
        let mut by_key = BTreeMap::new();
        for catalogue in catalogues {
            let key = catalogue.key();
            if let Some(first) = by_key.get(&key).map(|c: &Catalogue| c.file.clone()) {
                return Err(LoadError {
                    file: catalogue.file.clone(),
                    line: None,
                    id: None,
                    message: format!("{key} is already loaded from {first}"),
                });
            }
            by_key.insert(key, catalogue);
        }
        Ok(Self { catalogues: by_key })
    }

    /// Every catalogue, by key.
    pub fn catalogues(&self) -> impl Iterator<Item = &Catalogue> {
        self.catalogues.values()
    }

    /// The catalogue named `name`: `framework@version`, or a framework id alone (its newest
    /// version), case-insensitively.
    pub fn catalogue(&self, name: &str) -> Option<&Catalogue> {
        let name = name.trim().to_lowercase();
        self.catalogues.get(&name).or_else(|| {
            self.catalogues
                .values()
                .filter(|c| c.framework.id == name)
                .max_by(|a, b| a.framework.published.cmp(&b.framework.published))
        })
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
