//! Crosswalks: typed mappings between the items of two catalogues, each with a rationale and
//! the relationship vocabulary of NIST IR 8477 and the OSCAL mapping model.

use std::fmt;

use serde::Deserialize;

use crate::load::LoadError;

/// How a source item relates to a target item (read: "source is ... target").
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Both ask for the same thing.
    Equal,
    /// Everything the source asks for, the target asks for too, and more.
    Subset,
    /// The source asks for everything the target does, and more.
    Superset,
    /// They overlap; each asks for something the other does not.
    Intersects,
    /// The source has no counterpart in the target: a gap, recorded on purpose.
    NoRelationship,
}

impl Relation {
    /// The relation read the other way round.
    pub fn inverse(self) -> Self {
        match self {
            Relation::Subset => Relation::Superset,
            Relation::Superset => Relation::Subset,
            other => other,
        }
    }

    /// How much a mapping tells: equal most, intersecting least.
    pub fn strength(self) -> u8 {
        match self {
            Relation::Equal => 3,
            Relation::Subset | Relation::Superset => 2,
            Relation::Intersects => 1,
            Relation::NoRelationship => 0,
        }
    }

    /// The relation of `a` to `c` when `a` relates to `b` by `self` and `b` to `c` by `next`.
    pub fn then(self, next: Relation) -> Relation {
        match (self, next) {
            (Relation::NoRelationship, _) | (_, Relation::NoRelationship) => {
                Relation::NoRelationship
            }
            (Relation::Equal, other) | (other, Relation::Equal) => other,
            (Relation::Subset, Relation::Subset) => Relation::Subset,
            (Relation::Superset, Relation::Superset) => Relation::Superset,
            _ => Relation::Intersects,
        }
    }

    /// The OSCAL mapping relationship name.
    pub fn oscal(self) -> &'static str {
        match self {
            Relation::Equal => "equal-to",
            Relation::Subset => "subset-of",
            Relation::Superset => "superset-of",
            Relation::Intersects => "intersects-with",
            Relation::NoRelationship => "no-relationship",
        }
    }

    /// The relation named by an OSCAL mapping relationship (`equivalent-to` reads as equal).
    pub fn from_oscal(name: &str) -> Option<Self> {
        Some(match name {
            "equal-to" | "equivalent-to" => Relation::Equal,
            "subset-of" => Relation::Subset,
            "superset-of" => Relation::Superset,
            "intersects-with" => Relation::Intersects,
            "no-relationship" => Relation::NoRelationship,
            _ => return None,
        })
    }
}

impl fmt::Display for Relation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Relation::Equal => "equal to",
            Relation::Subset => "subset of",
            Relation::Superset => "superset of",
            Relation::Intersects => "intersects with",
            Relation::NoRelationship => "no relationship",
        })
    }
}

/// What a crosswalk file says about itself.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CrosswalkInfo {
    pub id: String,
    pub title: String,
    /// The catalogue mapped from, `framework@version`.
    pub source: String,
    /// The catalogue mapped to, `framework@version`.
    pub target: String,
    /// Who made it and how.
    pub provenance: String,
    /// `official` when published by a framework's owner, `indicative` when ours.
    pub status: String,
}

/// One mapping between two items.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    pub from: String,
    /// Absent exactly when the relation is `no_relationship`.
    #[serde(default)]
    pub to: Option<String>,
    pub relation: Relation,
    /// Why, in our own words.
    pub rationale: String,
    #[serde(skip)]
    pub line: usize,
}

/// A loaded crosswalk.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crosswalk {
    pub crosswalk: CrosswalkInfo,
    pub mappings: Vec<Mapping>,
    #[serde(skip)]
    pub file: String,
}

/// Parses a crosswalk file; its ends are checked against the catalogues by the library.
pub fn parse_crosswalk(file: &str, text: &str) -> Result<Crosswalk, LoadError> {
    let fail = |line: Option<usize>, id: Option<&str>, message: String| LoadError {
        file: file.to_owned(),
        line,
        id: id.map(str::to_owned),
        message,
    };
    let mut crosswalk: Crosswalk = serde_saphyr::from_str(text).map_err(|e| {
        let message = e.to_string();
        fail(
            crate::load::line_in_message(&message),
            None,
            message.lines().next().unwrap_or_default().to_owned(),
        )
    })?;
    crosswalk.file = file.to_owned();
    let lines: Vec<usize> = text
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("- from:"))
        .map(|(i, _)| i + 1)
        .collect();
    if lines.len() == crosswalk.mappings.len() {
        for (mapping, line) in crosswalk.mappings.iter_mut().zip(lines) {
            mapping.line = line;
        }
    }
    check(crosswalk)
}

/// Checks what a crosswalk must hold whatever it was read from: targets exactly where the
/// relation needs one, a rationale for every mapping, no pair twice.
pub(crate) fn check(crosswalk: Crosswalk) -> Result<Crosswalk, LoadError> {
    let fail = |line: Option<usize>, id: Option<&str>, message: String| LoadError {
        file: crosswalk.file.clone(),
        line,
        id: id.map(str::to_owned),
        message,
    };
    for m in &crosswalk.mappings {
        let at = Some(m.line).filter(|l| *l > 0);
        match (&m.to, m.relation) {
            (Some(_), Relation::NoRelationship) => {
                return Err(fail(
                    at,
                    Some(&m.from),
                    "a gap (no_relationship) names no target".into(),
                ));
            }
            (None, relation) if relation != Relation::NoRelationship => {
                return Err(fail(
                    at,
                    Some(&m.from),
                    format!("a mapping that is {relation} needs a target"),
                ));
            }
            _ => {}
        }
        if m.rationale.trim().len() < 10 {
            return Err(fail(
                at,
                Some(&m.from),
                "every mapping needs a rationale".into(),
            ));
        }
    }
    let mut seen = std::collections::HashSet::new();
    for m in &crosswalk.mappings {
        if !seen.insert((m.from.as_str(), m.to.as_deref())) {
            return Err(fail(
                Some(m.line).filter(|l| *l > 0),
                Some(&m.from),
                format!("mapped to {:?} twice", m.to),
            ));
        }
    }
    Ok(crosswalk)
}

#[cfg(test)]
mod tests {
    use super::Relation::*;

    #[test]
    fn relations_compose_and_invert() {
        assert_eq!(Subset.inverse(), Superset);
        assert_eq!(Equal.then(Subset), Subset);
        assert_eq!(Subset.then(Subset), Subset);
        assert_eq!(
            Subset.then(Superset),
            Intersects,
            "two parts of one whole may not meet at all"
        );
        assert_eq!(Intersects.then(Equal), Intersects);
        assert!(Equal.strength() > Subset.strength() && Subset.strength() > Intersects.strength());
        assert_eq!(Superset.oscal(), "superset-of");
    }
}
