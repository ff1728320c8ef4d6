//! Importers: garak and promptfoo reports read into our result model, so their runs are
//! summarised, gated and kept as evidence exactly like our own.

mod garak;
mod promptfoo;

use std::path::Path;

pub use garak::{from_garak, owasp_2023_to_2025};
pub use promptfoo::from_promptfoo;

use crate::RedTeamError;
use crate::journal::JournalContents;

/// The report formats aims reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReportFormat {
    /// garak's `*.report.jsonl`.
    Garak,
    /// promptfoo's `promptfoo eval --output results.json`.
    Promptfoo,
}

/// Reads a report, telling its format from its content.
pub fn import(path: &Path) -> Result<(ReportFormat, JournalContents), RedTeamError> {
    let text = std::fs::read_to_string(path).map_err(|err| RedTeamError::io(path, err))?;
    let name = path.display().to_string();
    let format = detect(&text).ok_or_else(|| {
        RedTeamError::invalid(
            &name,
            "neither a garak report (JSON lines with entry_type) nor a promptfoo export (results.results)",
        )
    })?;
    let contents = match format {
        ReportFormat::Garak => from_garak(&name, &text)?,
        ReportFormat::Promptfoo => from_promptfoo(&name, &text)?,
    };
    Ok((format, contents))
}

fn detect(text: &str) -> Option<ReportFormat> {
    let first = text.lines().find(|l| !l.trim().is_empty())?;
    if let Ok(value) = serde_json::from_str::<serde_json::Value>(first)
        && value.get("entry_type").is_some()
    {
        return Some(ReportFormat::Garak);
    }
    let value: serde_json::Value = serde_json::from_str(text).ok()?;
    value
        .pointer("/results/results")
        .is_some_and(serde_json::Value::is_array)
        .then_some(ReportFormat::Promptfoo)
}

/// The category aims uses for an OWASP Top 10 for LLM Applications 2025 id.
pub fn category_of_owasp(id: &str) -> Option<&'static str> {
    Some(match id {
        "LLM01" => "prompt-injection",
        "LLM02" => "sensitive-information-disclosure",
        "LLM03" => "supply-chain",
        "LLM04" => "data-and-model-poisoning",
        "LLM05" => "improper-output-handling",
        "LLM06" => "excessive-agency",
        "LLM07" => "system-prompt-leakage",
        "LLM08" => "vector-and-embedding-weaknesses",
        "LLM09" => "misinformation",
        "LLM10" => "unbounded-consumption",
        _ => return None,
    })
}

#[cfg(test)]
mod tests;
