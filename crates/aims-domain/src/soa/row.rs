//! One line of the Statement of Applicability (ISO/IEC 42001 6.1.3 d–f) and the statement as
//! a whole: what applies, why, how far it has got, and the gaps an auditor would ask about.

use std::fmt;

use serde::{Deserialize, Serialize};

use super::implementation::{ControlRef, Decision, ImplementationStatus};
use crate::id::{EvidenceId, UserId};
use crate::time::Timestamp;

/// A piece of evidence attached to a control, as much of it as the SoA shows.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct EvidenceRef {
    /// The evidence record.
    pub id: EvidenceId,
    /// Its title.
    pub title: String,
    /// From this instant on it no longer counts; `None` when it does not expire.
    pub expires_at: Option<Timestamp>,
}

impl EvidenceRef {
    /// Whether it still counts at `now`; like [`crate::evidence::Evidence::validity`], it
    /// ends at the instant of expiry.
    pub fn is_current(&self, now: Timestamp) -> bool {
        self.expires_at.is_none_or(|until| now < until)
    }
}

/// Why a control applies.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ApplicabilityReason {
    /// A risk treatment selected it (6.1.3 b).
    SelectedByTreatment {
        /// The risk as people know it: `R-12 Model drift`.
        risk_label: String,
    },
    /// A legal or contractual requirement of a system maps to it.
    RequiredByObligation {
        /// The requirement: `art-9`.
        requirement: String,
        /// The name of the AI system it binds.
        system: String,
        /// How the control meets it, in the words of the mapping.
        relation: String,
    },
    /// The organisation decided to include it.
    DecidedByOrganisation,
}

/// A gap in a row that an auditor would ask about.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum SoaFlag {
    /// Nobody decided and nothing needs it: not applicable for now, but not by choice.
    Undecided,
    /// Excluded although risk treatments or obligations need it.
    ExcludedButNeeded {
        /// The risks and obligations that need it.
        by: Vec<String>,
    },
    /// Excluded without a recorded reason; validation refuses this, older records may not.
    ExclusionNotJustified,
    /// Applicable, yet work has not begun.
    NotStarted,
    /// Said to be implemented, with no evidence that counts now.
    NoCurrentEvidence,
}

impl fmt::Display for SoaFlag {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SoaFlag::Undecided => f.write_str("Undecided"),
            SoaFlag::ExcludedButNeeded { by } => {
                write!(f, "Excluded but needed by {}", by.join(", "))
            }
            SoaFlag::ExclusionNotJustified => f.write_str("Exclusion not justified"),
            SoaFlag::NotStarted => f.write_str("Applicable but not started"),
            SoaFlag::NoCurrentEvidence => f.write_str("Implemented without current evidence"),
        }
    }
}

/// One control in the SoA, everything derived from the inputs at one instant.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoaRow {
    /// The control.
    pub control: ControlRef,
    /// Whether the control is part of the management system.
    pub applicable: bool,
    /// Why it applies; empty when it does not.
    pub reasons: Vec<ApplicabilityReason>,
    /// The organisation's recorded stance.
    pub decision: Decision,
    /// The recorded justification, or one written from the reasons when none was recorded.
    pub justification: String,
    /// How far implementation has got.
    pub status: ImplementationStatus,
    /// The member accountable for the control.
    pub owner: Option<UserId>,
    /// The risks whose treatment selects it, by label.
    pub risks: Vec<String>,
    /// The obligations that map to it, as `art-9 for Loan scorer`.
    pub obligations: Vec<String>,
    /// Requirements of other frameworks it maps to through the crosswalks (older SoA
    /// versions, generated before these were listed, read as none).
    #[serde(default)]
    pub requirements: Vec<String>,
    /// All evidence attached, current or not.
    pub evidence: Vec<EvidenceRef>,
    /// The gaps found.
    pub flags: Vec<SoaFlag>,
}

/// The Statement of Applicability: one row per control, in [`super::control_order`].
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Soa {
    /// The rows.
    pub rows: Vec<SoaRow>,
}

/// How far one group of controls has got.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct GroupCoverage {
    /// `A.6`, or `own`.
    pub group: String,
    /// Controls in the group.
    pub controls: usize,
    /// Of those, the applicable ones.
    pub applicable: usize,
    /// Of the applicable ones, those implemented.
    pub implemented: usize,
}

impl GroupCoverage {
    /// Implemented share of the applicable controls in whole percent, rounded down so that
    /// 100 means all; `None` when nothing in the group applies.
    pub fn percent(&self) -> Option<usize> {
        (self.applicable > 0).then(|| self.implemented * 100 / self.applicable)
    }
}

/// The counts a management review or an auditor starts from.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoaSummary {
    /// Rows in the statement.
    pub controls: usize,
    /// Applicable controls.
    pub applicable: usize,
    /// Controls the organisation excluded.
    pub excluded: usize,
    /// Controls nobody has decided on.
    pub undecided: usize,
    /// Applicable controls that are implemented.
    pub implemented: usize,
    /// Rows with at least one flag.
    pub flagged: usize,
    /// Per group, in the order the groups first appear in the rows.
    pub groups: Vec<GroupCoverage>,
}

impl Soa {
    /// Counts over all rows and per group.
    pub fn summary(&self) -> SoaSummary {
        let mut summary = SoaSummary {
            controls: self.rows.len(),
            applicable: 0,
            excluded: 0,
            undecided: 0,
            implemented: 0,
            flagged: 0,
            groups: Vec::new(),
        };
        for row in &self.rows {
            let implemented = row.applicable && row.status == ImplementationStatus::Implemented;
            summary.applicable += usize::from(row.applicable);
            summary.excluded += usize::from(row.decision == Decision::Exclude);
            summary.undecided += usize::from(row.decision == Decision::Undecided);
            summary.implemented += usize::from(implemented);
            summary.flagged += usize::from(!row.flags.is_empty());
            let index = match summary
                .groups
                .iter()
                .position(|g| g.group == row.control.group)
            {
                Some(index) => index,
                None => {
                    summary.groups.push(GroupCoverage {
                        group: row.control.group.clone(),
                        controls: 0,
                        applicable: 0,
                        implemented: 0,
                    });
                    summary.groups.len() - 1
                }
            };
            let group = &mut summary.groups[index];
            group.controls += 1;
            group.applicable += usize::from(row.applicable);
            group.implemented += usize::from(implemented);
        }
        summary
    }
}
