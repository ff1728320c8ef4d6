//! Comparing two runs (say, two model versions against the same config): which categories and
//! probes got worse, and which attempts that held before now fall.

use std::collections::{BTreeMap, HashMap};

use serde::Serialize;

use crate::journal::JournalContents;
use crate::result::{Outcome, Rate};

/// How one group (category or probe) moved between runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Movement {
    pub name: String,
    pub base: Rate,
    pub new: Rate,
    pub base_judged: u64,
    pub new_judged: u64,
    /// New rate minus base rate.
    pub delta: f64,
    /// Worse by more than the tolerance.
    pub regressed: bool,
}

/// The comparison of two runs.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Comparison {
    pub base_run: String,
    pub new_run: String,
    pub tolerance: f64,
    pub overall: Movement,
    pub categories: Vec<Movement>,
    pub probes: Vec<Movement>,
    /// Attempts (same id in both runs) that passed before and fail now.
    pub newly_failing: Vec<String>,
    /// Attempts that failed before and pass now.
    pub newly_passing: Vec<String>,
    pub regressed: bool,
}

fn rates<'a>(
    contents: &'a JournalContents,
    key: impl Fn(&'a crate::result::AttemptRecord) -> &'a str,
) -> BTreeMap<&'a str, (u64, u64)> {
    let mut map: BTreeMap<&str, (u64, u64)> = BTreeMap::new();
    for record in &contents.attempts {
        if record.outcome == Outcome::Error {
            continue;
        }
        let entry = map.entry(key(record)).or_default();
        entry.1 += 1;
        if record.outcome == Outcome::Fail {
            entry.0 += 1;
        }
    }
    map
}

fn movements(
    base: &BTreeMap<&str, (u64, u64)>,
    new: &BTreeMap<&str, (u64, u64)>,
    tolerance: f64,
) -> Vec<Movement> {
    let mut names: Vec<&str> = base.keys().chain(new.keys()).copied().collect();
    names.sort_unstable();
    names.dedup();
    names
        .into_iter()
        .map(|name| {
            let (bf, bj) = base.get(name).copied().unwrap_or_default();
            let (nf, nj) = new.get(name).copied().unwrap_or_default();
            movement(name, (bf, bj), (nf, nj), tolerance)
        })
        .collect()
}

fn movement(name: &str, (bf, bj): (u64, u64), (nf, nj): (u64, u64), tolerance: f64) -> Movement {
    let (base, new) = (Rate::wilson(bf, bj), Rate::wilson(nf, nj));
    let delta = new.value - base.value;
    Movement {
        name: name.to_owned(),
        base,
        new,
        base_judged: bj,
        new_judged: nj,
        delta,
        // A group absent from one run has nothing to compare against.
        regressed: bj > 0 && nj > 0 && delta > tolerance + 1e-12,
    }
}

/// Compares a new run with a base run; worse by more than `tolerance` (a fraction) regresses.
pub fn compare(base: &JournalContents, new: &JournalContents, tolerance: f64) -> Comparison {
    let categories = movements(
        &rates(base, |r| &r.category),
        &rates(new, |r| &r.category),
        tolerance,
    );
    let probes = movements(
        &rates(base, |r| &r.probe),
        &rates(new, |r| &r.probe),
        tolerance,
    );
    let total = |c: &JournalContents| {
        c.attempts.iter().fold((0, 0), |(f, j), r| match r.outcome {
            Outcome::Fail => (f + 1, j + 1),
            Outcome::Pass => (f, j + 1),
            Outcome::Error => (f, j),
        })
    };
    let overall = movement("overall", total(base), total(new), tolerance);
    let before: HashMap<&str, Outcome> = base
        .attempts
        .iter()
        .map(|r| (r.id.as_str(), r.outcome))
        .collect();
    let mut newly_failing = Vec::new();
    let mut newly_passing = Vec::new();
    for record in &new.attempts {
        match (before.get(record.id.as_str()), record.outcome) {
            (Some(Outcome::Pass), Outcome::Fail) => newly_failing.push(record.id.clone()),
            (Some(Outcome::Fail), Outcome::Pass) => newly_passing.push(record.id.clone()),
            _ => {}
        }
    }
    let regressed = overall.regressed
        || categories.iter().any(|m| m.regressed)
        || probes.iter().any(|m| m.regressed);
    Comparison {
        base_run: base.header.run_id.clone(),
        new_run: new.header.run_id.clone(),
        tolerance,
        overall,
        categories,
        probes,
        newly_failing,
        newly_passing,
        regressed,
    }
}
