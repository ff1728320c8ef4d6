//! The SoA as a document: versions kept as JSON snapshots, what changed between two of them,
//! and the spreadsheet auditors ask for.

use std::borrow::Cow;
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

impl fmt::Display for SoaChange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let owner = |o: &Option<UserId>| o.map_or_else(|| "nobody".to_owned(), |u| u.to_string());
        match self {
            SoaChange::ControlAdded { control } => write!(f, "{control}: added"),
            SoaChange::ControlRemoved { control } => write!(f, "{control}: removed"),
            SoaChange::ApplicabilityChanged { control, from, to } => {
                write!(
                    f,
                    "{control}: applicable {} → {}",
                    yes_no(*from),
                    yes_no(*to)
                )
            }
            SoaChange::DecisionChanged { control, from, to } => {
                write!(f, "{control}: decision {} → {}", from.label(), to.label())
            }
            SoaChange::StatusChanged { control, from, to } => {
                write!(f, "{control}: status {} → {}", from.label(), to.label())
            }
            SoaChange::JustificationChanged { control, from, to } => {
                write!(f, "{control}: justification {from:?} → {to:?}")
            }
            SoaChange::OwnerChanged { control, from, to } => {
                write!(f, "{control}: owner {} → {}", owner(from), owner(to))
            }
        }
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
    write_csv(std::iter::once(COLUMNS.map(str::to_owned)).chain(table(rows, names)))
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

/// Records as CSV through the csv crate, each cell defused first; the writer quotes a cell
/// only when RFC 4180 requires it (a comma, quote or line break in it).
fn write_csv<R>(records: impl IntoIterator<Item = R>) -> String
where
    R: IntoIterator,
    R::Item: AsRef<str>,
{
    let mut writer = csv::WriterBuilder::new()
        .terminator(csv::Terminator::CRLF)
        .from_writer(Vec::new());
    for record in records {
        writer
            .write_record(
                record
                    .into_iter()
                    .map(|cell| defuse(cell.as_ref()).into_owned()),
            )
            .expect("writing CSV to memory cannot fail");
    }
    let bytes = writer
        .into_inner()
        .expect("writing CSV to memory cannot fail");
    String::from_utf8(bytes).expect("the CSV of UTF-8 cells is UTF-8")
}

/// One cell's text, defused against formula injection: spreadsheets run a cell starting with
/// one of these as a formula (OWASP, "CSV injection"); a leading quote makes it text, and the
/// quote is not shown.
fn defuse(text: &str) -> Cow<'_, str> {
    if text.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        Cow::Owned(format!("'{text}"))
    } else {
        Cow::Borrowed(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What one cell becomes in a written record, seen between two plain cells.
    fn csv_cell(text: &str) -> String {
        let line = write_csv([["x", text, "x"]]);
        line.strip_prefix("x,")
            .and_then(|rest| rest.strip_suffix(",x\r\n"))
            .unwrap_or_else(|| panic!("{line:?}"))
            .to_owned()
    }

    #[test]
    fn cells_are_quoted_only_when_they_must_be() {
        assert_eq!(csv_cell("plain text"), "plain text");
        assert_eq!(csv_cell("a, b"), "\"a, b\"");
        assert_eq!(csv_cell("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(csv_cell("two\nlines"), "\"two\nlines\"");
        assert_eq!(csv_cell(""), "");
    }

    #[test]
    fn cells_that_would_run_as_formulas_are_defused() {
        for bad in ["=1+2", "+1", "-1", "@SUM(A1)", "\tx", "\rx"] {
            assert!(
                csv_cell(bad).trim_start_matches('"').starts_with('\''),
                "{bad:?}"
            );
        }
        assert_eq!(csv_cell("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(csv_cell("A=1"), "A=1");
        assert_eq!(csv_cell("ORG-3"), "ORG-3");
    }
}
