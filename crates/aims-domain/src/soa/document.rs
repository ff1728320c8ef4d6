//! The SoA as a document: versions kept as JSON snapshots, what changed between two of them,
//! and the spreadsheet auditors ask for.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::implementation::{Decision, ImplementationStatus};
use super::order::control_order;
use super::row::{Soa, SoaRow};
use crate::id::UserId;
use crate::time::Timestamp;

/// One issued version of the SoA, frozen as it was derived; stored as JSON.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoaSnapshot {
    /// Counts up from 1 per organisation.
    pub version: i64,
    /// The instant the rows were derived at.
    pub generated_at: Timestamp,
    /// The rows as derived.
    pub rows: Vec<SoaRow>,
}

impl SoaSnapshot {
    /// Freezes `soa` as version `version`.
    pub fn new(version: i64, generated_at: Timestamp, soa: Soa) -> Self {
        Self {
            version,
            generated_at,
            rows: soa.rows,
        }
    }
}

/// One difference between two versions of the SoA, naming the control and old → new.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SoaChange {
    /// A control appeared, such as a new own control.
    ControlAdded {
        /// The control id.
        control: String,
    },
    /// A control is no longer covered.
    ControlRemoved {
        /// The control id.
        control: String,
    },
    /// The control became applicable or stopped being so.
    ApplicabilityChanged {
        /// The control id.
        control: String,
        /// Before.
        from: bool,
        /// After.
        to: bool,
    },
    /// The organisation's stance changed, whether or not applicability did.
    DecisionChanged {
        /// The control id.
        control: String,
        /// Before.
        from: Decision,
        /// After.
        to: Decision,
    },
    /// Implementation moved on or back.
    StatusChanged {
        /// The control id.
        control: String,
        /// Before.
        from: ImplementationStatus,
        /// After.
        to: ImplementationStatus,
    },
    /// The justification shown changed, recorded or generated.
    JustificationChanged {
        /// The control id.
        control: String,
        /// Before.
        from: String,
        /// After.
        to: String,
    },
    /// Someone else answers for the control.
    OwnerChanged {
        /// The control id.
        control: String,
        /// Before.
        from: Option<UserId>,
        /// After.
        to: Option<UserId>,
    },
}

impl SoaChange {
    /// The control the change is about.
    pub fn control(&self) -> &str {
        match self {
            SoaChange::ControlAdded { control }
            | SoaChange::ControlRemoved { control }
            | SoaChange::ApplicabilityChanged { control, .. }
            | SoaChange::DecisionChanged { control, .. }
            | SoaChange::StatusChanged { control, .. }
            | SoaChange::JustificationChanged { control, .. }
            | SoaChange::OwnerChanged { control, .. } => control,
        }
    }
}

impl SoaChange {
    /// The change in words, naming owners with `name` (a member's name, say).
    pub fn describe(&self, name: impl Fn(UserId) -> String) -> String {
        let owner = |o: &Option<UserId>| o.map_or_else(|| "nobody".to_owned(), &name);
        match self {
            SoaChange::ControlAdded { control } => format!("{control}: added"),
            SoaChange::ControlRemoved { control } => format!("{control}: removed"),
            SoaChange::ApplicabilityChanged { control, from, to } => {
                format!("{control}: applicable {} → {}", yes_no(*from), yes_no(*to))
            }
            SoaChange::DecisionChanged { control, from, to } => {
                format!("{control}: decision {} → {}", from.label(), to.label())
            }
            SoaChange::StatusChanged { control, from, to } => {
                format!("{control}: status {} → {}", from.label(), to.label())
            }
            SoaChange::JustificationChanged { control, from, to } => {
                format!("{control}: justification {from:?} → {to:?}")
            }
            SoaChange::OwnerChanged { control, from, to } => {
                format!("{control}: owner {} → {}", owner(from), owner(to))
            }
        }
    }
}

impl fmt::Display for SoaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.describe(|u| u.to_string()))
    }
}

/// The differences from `old` to `new`, control by control in [`control_order`]; nothing
/// when the rows are the same. Risks, obligations, evidence and flags follow from other
/// records with their own history, so they are not compared here.
pub fn compare(old: &SoaSnapshot, new: &SoaSnapshot) -> Vec<SoaChange> {
    let mut controls: Vec<_> = old
        .rows
        .iter()
        .chain(&new.rows)
        .map(|r| &r.control)
        .collect();
    controls.sort_by(|a, b| control_order(a, b));
    controls.dedup_by(|a, b| a.id == b.id);
    let find = |rows: &'_ [SoaRow], id: &str| rows.iter().find(|r| r.control.id == id).cloned();
    let mut changes = Vec::new();
    for control in controls {
        let id = control.id.clone();
        let (before, after) = match (find(&old.rows, &id), find(&new.rows, &id)) {
            (Some(before), Some(after)) => (before, after),
            (None, Some(_)) => {
                changes.push(SoaChange::ControlAdded { control: id });
                continue;
            }
            (Some(_), None) => {
                changes.push(SoaChange::ControlRemoved { control: id });
                continue;
            }
            (None, None) => continue,
        };
        if before.applicable != after.applicable {
            changes.push(SoaChange::ApplicabilityChanged {
                control: id.clone(),
                from: before.applicable,
                to: after.applicable,
            });
        }
        if before.decision != after.decision {
            changes.push(SoaChange::DecisionChanged {
                control: id.clone(),
                from: before.decision,
                to: after.decision,
            });
        }
        if before.status != after.status {
            changes.push(SoaChange::StatusChanged {
                control: id.clone(),
                from: before.status,
                to: after.status,
            });
        }
        if before.justification != after.justification {
            changes.push(SoaChange::JustificationChanged {
                control: id.clone(),
                from: before.justification,
                to: after.justification,
            });
        }
        if before.owner != after.owner {
            changes.push(SoaChange::OwnerChanged {
                control: id,
                from: before.owner,
                to: after.owner,
            });
        }
    }
    changes
}

/// The spreadsheet columns, in the order auditors read them.
pub const COLUMNS: [&str; 11] = [
    "Control",
    "Title",
    "Applicable",
    "Justification for inclusion or exclusion",
    "Implementation status",
    "Owner",
    "Linked risks",
    "Linked obligations",
    "Linked requirements of other frameworks",
    "Evidence",
    "Flags",
];

/// The rows as CSV (RFC 4180, CRLF line ends) with a header line; `names` gives the name
/// shown for an owner. Cells that a spreadsheet would run as a formula are defused.
pub fn to_csv(rows: &[SoaRow], names: &dyn Fn(UserId) -> String) -> String {
    crate::table::write_csv(std::iter::once(COLUMNS.map(str::to_owned)).chain(table(rows, names)))
}

/// The rows as the cells of [`COLUMNS`], for CSV and spreadsheet exports alike.
pub fn table(rows: &[SoaRow], names: &dyn Fn(UserId) -> String) -> Vec<[String; 11]> {
    rows.iter()
        .map(|row| {
            let evidence: Vec<String> = row
                .evidence
                .iter()
                .map(|e| match e.expires_at {
                    Some(until) => format!("{} (until {})", e.title, until.to_datetime().date()),
                    None => e.title.clone(),
                })
                .collect();
            let flags: Vec<String> = row.flags.iter().map(ToString::to_string).collect();
            [
                row.control.id.clone(),
                row.control.title.clone(),
                yes_no(row.applicable).to_owned(),
                row.justification.clone(),
                row.status.label().to_owned(),
                row.owner.map(names).unwrap_or_default(),
                row.risks.join("; "),
                row.obligations.join("; "),
                row.requirements.join("; "),
                evidence.join("; "),
                flags.join("; "),
            ]
        })
        .collect()
}

fn yes_no(value: bool) -> &'static str {
    if value { "Yes" } else { "No" }
}
