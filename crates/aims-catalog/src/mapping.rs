//! The mapping engine: what an item maps to, directly or — when asked — through several
//! crosswalks, always with the path taken and the weakest relation on it.

use std::collections::{HashMap, HashSet, VecDeque};

use crate::crosswalk::Relation;

/// One item of one catalogue: `(catalogue key, item id)`.
pub type Node = (String, String);

/// One step of a path: an edge of a crosswalk.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Step {
    pub from: Node,
    pub to: Node,
    /// The relation of `from` to `to` (inverted where the crosswalk runs the other way).
    pub relation: Relation,
    pub rationale: String,
    pub crosswalk: String,
}

/// An item reached from the one asked about.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Reached {
    pub node: Node,
    pub path: Vec<Step>,
    /// The relation composed along the path.
    pub relation: Relation,
    /// The weakest relation on the path: what the answer can be trusted to at most.
    pub weakest: Relation,
}

/// The graph of every mapping, traversable both ways.
#[derive(Clone, Debug, Default)]
pub struct MappingGraph {
    edges: HashMap<Node, Vec<Step>>,
    /// Items recorded as having no counterpart in a catalogue: (item, target catalogue).
    gaps: HashMap<Node, Vec<(String, String)>>,
}

impl MappingGraph {
    pub(crate) fn add(&mut self, step: Step) {
        let reverse = Step {
            from: step.to.clone(),
            to: step.from.clone(),
            relation: step.relation.inverse(),
            rationale: step.rationale.clone(),
            crosswalk: step.crosswalk.clone(),
        };
        self.edges.entry(step.from.clone()).or_default().push(step);
        self.edges
            .entry(reverse.from.clone())
            .or_default()
            .push(reverse);
    }

    pub(crate) fn add_gap(&mut self, node: Node, target: &str, rationale: &str) {
        self.gaps
            .entry(node)
            .or_default()
            .push((target.to_owned(), rationale.to_owned()));
    }

    /// The catalogues in which `node` is recorded as having no counterpart, with why.
    pub fn gaps(&self, node: &Node) -> &[(String, String)] {
        self.gaps.get(node).map_or(&[], Vec::as_slice)
    }

    /// Everything `start` maps to within `hops` crosswalk steps (1: direct mappings only),
    /// nearest first. An item is reported once, by its shortest path; no path returns to an
    /// item it has passed, nor into the catalogue it started from.
    pub fn reach(&self, start: &Node, hops: usize) -> Vec<Reached> {
        let mut found: Vec<Reached> = Vec::new();
        let mut visited: HashSet<&Node> = HashSet::from([start]);
        let mut queue: VecDeque<(&Node, Vec<Step>)> = VecDeque::from([(start, Vec::new())]);
        while let Some((node, path)) = queue.pop_front() {
            if path.len() >= hops {
                continue;
            }
            for step in self.edges.get(node).into_iter().flatten() {
                if step.to.0 == start.0 || !visited.insert(&step.to) {
                    continue;
                }
                let mut next = path.clone();
                next.push(step.clone());
                let relation = next
                    .iter()
                    .skip(1)
                    .fold(next[0].relation, |r, s| r.then(s.relation));
                let weakest = next
                    .iter()
                    .map(|s| s.relation)
                    .min_by_key(|r| r.strength())
                    .unwrap_or(relation);
                found.push(Reached {
                    node: step.to.clone(),
                    path: next.clone(),
                    relation,
                    weakest,
                });
                queue.push_back((&step.to, next));
            }
        }
        found
    }
}
