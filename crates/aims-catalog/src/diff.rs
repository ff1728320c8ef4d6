//! What changed between two versions of a catalogue: items added, removed, renamed, reworded
//! or moved, so that a new version is never loaded blind.

use crate::model::{Catalogue, Item};

/// One item present in both versions that changed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Changed {
    pub id: String,
    pub old: Item,
    pub new: Item,
    pub renamed: bool,
    pub reworded: bool,
    pub moved: bool,
    /// Whether it stopped or started being a requirement.
    pub requirement_changed: bool,
}

impl Changed {
    /// What changed, in words: `renamed`, `reworded`, `moved`, `requirement`.
    pub fn what(&self) -> Vec<&'static str> {
        [
            (self.renamed, "renamed"),
            (self.reworded, "reworded"),
            (self.moved, "moved"),
            (self.requirement_changed, "requirement"),
        ]
        .into_iter()
        .filter_map(|(yes, word)| yes.then_some(word))
        .collect()
    }
}

/// The differences between two catalogues, by item id.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct CatalogueDiff {
    pub added: Vec<Item>,
    pub removed: Vec<Item>,
    pub changed: Vec<Changed>,
}

impl CatalogueDiff {
    /// Whether the two versions hold the same items with the same wording.
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

/// Compares `old` with `new`, item by item.
pub fn diff(old: &Catalogue, new: &Catalogue) -> CatalogueDiff {
    let mut result = CatalogueDiff::default();
    for item in &new.items {
        match old.item(&item.id) {
            None => result.added.push(item.clone()),
            Some(before) => {
                let change = Changed {
                    id: item.id.clone(),
                    old: before.clone(),
                    new: item.clone(),
                    renamed: before.title != item.title,
                    reworded: before.description != item.description || before.text != item.text,
                    moved: before.parent != item.parent,
                    requirement_changed: before.requirement != item.requirement,
                };
                if change.renamed || change.reworded || change.moved || change.requirement_changed {
                    result.changed.push(change);
                }
            }
        }
    }
    result.removed = old
        .items
        .iter()
        .filter(|i| new.item(&i.id).is_none())
        .cloned()
        .collect();
    result
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::shipped;

    #[test]
    fn a_version_compared_with_itself_has_no_difference() {
        let library = shipped().unwrap();
        let iso = library.catalogue("iso-iec-42001").unwrap();
        assert!(diff(iso, iso).is_empty());
    }

    #[test]
    fn additions_removals_and_changes_are_told_apart() {
        let library = shipped().unwrap();
        let old = library.catalogue("owasp-llm-top10").unwrap().clone();
        let mut new = old.clone();
        new.items.retain(|i| i.id != "LLM10");
        new.items[0].title = "Prompt Injection and Jailbreaks".into();
        new.items[1].description = "Said differently.".into();
        let mut added = new.items[2].clone();
        added.id = "LLM11".into();
        new.items.push(added);
        let d = diff(&old, &new);
        assert_eq!(
            d.added.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["LLM11"]
        );
        assert_eq!(
            d.removed.iter().map(|i| i.id.as_str()).collect::<Vec<_>>(),
            ["LLM10"]
        );
        let kinds: Vec<(&str, bool, bool)> = d
            .changed
            .iter()
            .map(|c| (c.id.as_str(), c.renamed, c.reworded))
            .collect();
        assert_eq!(kinds, [("LLM01", true, false), ("LLM02", false, true)]);
    }
}
