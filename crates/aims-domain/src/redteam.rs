//! A red-team run as the management system keeps it: who ran what against which AI system,
//! the verdict, and the figures auditors ask for. The attempts themselves stay in the run's
//! journal, stored as evidence and addressed by its SHA-256.

use serde::{Deserialize, Serialize};

use crate::id::{AiSystemId, EvidenceId, RedTeamRunId};
use crate::time::Timestamp;

crate::choice! {
    /// What a recorded run concluded, judged against its thresholds.
    pub enum RunVerdict ("verdict") {
        /// Every rate within its threshold, and no attempt left without a verdict.
        Pass = "pass": "passed",
        /// Some attack succeeded more often than its threshold allows.
        ThresholdsExceeded = "thresholds_exceeded": "thresholds exceeded",
        /// Attempts that could not be judged, as the target or the judge failed.
        RunErrors = "run_errors": "run errors",
    }
}

/// One recorded red-team run.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct RedTeamRun {
    pub id: RedTeamRunId,
    pub system: AiSystemId,
    /// The runner's own id for the run (ours, garak's or promptfoo's).
    pub run_id: String,
    pub name: String,
    /// The tool and version that produced the results, e.g. `aims 0.1.0`, `garak 0.17.1`.
    pub tool: String,
    /// What was tested, as the runner described it (never a secret).
    pub target: String,
    /// When the run started, as the runner wrote it.
    pub started_at: String,
    pub verdict: RunVerdict,
    pub judged: i64,
    pub failed: i64,
    pub errors: i64,
    /// Attack success rate in basis points (1/100 of a percent), so both engines store it exactly.
    pub attack_success_bp: i64,
    /// SHA-256 of the raw journal.
    pub journal_sha256: String,
    /// The evidence record that holds the journal.
    pub evidence: EvidenceId,
    /// The run's summary (rates per category and probe, tokens, reasons), as JSON.
    pub summary: serde_json::Value,
    pub recorded_by: String,
    pub created_at: Timestamp,
}

impl RedTeamRun {
    /// The attack success rate as a percentage.
    pub fn attack_success_percent(&self) -> f64 {
        self.attack_success_bp as f64 / 100.0
    }

    /// The attack success rate as text, e.g. `12.5%`.
    pub fn attack_success_label(&self) -> String {
        format!("{:.1}%", self.attack_success_percent())
    }

    /// The verdict in words.
    pub fn verdict_label(&self) -> &'static str {
        self.verdict.label()
    }

    /// Whether the run passed: what pages show plainly rather than as an error.
    pub fn passed(&self) -> bool {
        self.verdict == RunVerdict::Pass
    }
}
