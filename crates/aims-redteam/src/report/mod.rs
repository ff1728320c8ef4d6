//! What a run's journal becomes: a summary with attack success rates and a verdict, and the
//! formats CI systems and people read (JUnit XML, SARIF 2.1.0, a self-contained HTML page).

mod html;
mod junit;
mod sarif;
mod summary;
mod xml;

use std::path::{Path, PathBuf};

pub use html::html_report;
pub use junit::junit_xml;
pub use sarif::sarif_log;
pub use summary::{GroupSummary, Summary, Totals, UsageSummary, Verdict};

use crate::RedTeamError;
use crate::config::{CostRates, Thresholds};
use crate::journal::{self, JournalContents};

/// The files written beside a journal.
pub const SUMMARY_FILE: &str = "summary.json";
pub const JUNIT_FILE: &str = "junit.xml";
pub const SARIF_FILE: &str = "results.sarif";
pub const HTML_FILE: &str = "report.html";

/// Reads a journal and writes every report next to it; returns the summary.
pub fn write_reports(
    journal_path: &Path,
    thresholds: &Thresholds,
    cost: Option<&CostRates>,
) -> Result<(Summary, Vec<PathBuf>), RedTeamError> {
    let contents = journal::read(journal_path)?;
    let sha = journal::sha256_file(journal_path)?;
    let summary = Summary::build(&contents, sha, thresholds, cost);
    let folder = journal_path.parent().unwrap_or(Path::new("."));
    let files = write_all(folder, &contents, &summary)?;
    Ok((summary, files))
}

/// Writes the summary, JUnit, SARIF and HTML files of a run into `folder`.
pub fn write_all(
    folder: &Path,
    contents: &JournalContents,
    summary: &Summary,
) -> Result<Vec<PathBuf>, RedTeamError> {
    let outputs: [(&str, Vec<u8>); 4] = [
        (
            SUMMARY_FILE,
            serde_json::to_vec_pretty(summary).expect("summary serialises"),
        ),
        (JUNIT_FILE, junit_xml(contents, summary).into_bytes()),
        (
            SARIF_FILE,
            serde_json::to_vec_pretty(&sarif_log(contents, summary)).expect("sarif serialises"),
        ),
        (HTML_FILE, html_report(contents, summary).into_bytes()),
    ];
    let mut written = Vec::new();
    for (name, bytes) in outputs {
        let path = folder.join(name);
        // Write beside and rename, so a reader never sees half a report.
        let partial = folder.join(format!(".{name}.partial"));
        std::fs::write(&partial, bytes).map_err(|err| RedTeamError::io(&partial, err))?;
        std::fs::rename(&partial, &path).map_err(|err| RedTeamError::io(&path, err))?;
        written.push(path);
    }
    Ok(written)
}

#[cfg(test)]
mod tests;
