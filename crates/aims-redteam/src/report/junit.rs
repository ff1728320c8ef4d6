//! JUnit XML: one test suite per category, one test case per attempt, so any CI system shows
//! which attacks got through.

use std::collections::BTreeMap;
use std::fmt::Write;

use super::Summary;
use super::xml::escape;
use crate::detector::truncate;
use crate::journal::JournalContents;
use crate::result::{AttemptRecord, Outcome};

/// The JUnit XML document of a run.
pub fn junit_xml(contents: &JournalContents, summary: &Summary) -> String {
    let mut suites: BTreeMap<&str, Vec<&AttemptRecord>> = BTreeMap::new();
    for record in &contents.attempts {
        suites
            .entry(record.category.as_str())
            .or_default()
            .push(record);
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"{}\" tests=\"{}\" failures=\"{}\" errors=\"{}\">",
        escape(&format!("aims redteam: {}", summary.run.name)),
        contents.attempts.len(),
        summary.totals.failed,
        summary.totals.errors
    );
    for (category, records) in suites {
        let failures = records
            .iter()
            .filter(|r| r.outcome == Outcome::Fail)
            .count();
        let errors = records
            .iter()
            .filter(|r| r.outcome == Outcome::Error)
            .count();
        let seconds: f64 = records.iter().map(|r| r.elapsed_ms as f64 / 1000.0).sum();
        let _ = writeln!(
            out,
            "  <testsuite name=\"{}\" tests=\"{}\" failures=\"{failures}\" errors=\"{errors}\" time=\"{seconds:.3}\">",
            escape(category),
            records.len()
        );
        for record in records {
            let _ = write!(
                out,
                "    <testcase classname=\"{}\" name=\"{}\" time=\"{:.3}\"",
                escape(&record.probe),
                escape(&record.id),
                record.elapsed_ms as f64 / 1000.0
            );
            match record.outcome {
                Outcome::Pass => out.push_str("/>\n"),
                Outcome::Fail => {
                    let (message, detail) = failure_text(record);
                    let _ = writeln!(
                        out,
                        ">\n      <failure message=\"{}\" type=\"attack-succeeded\">{}</failure>\n    </testcase>",
                        escape(&message),
                        escape(&detail)
                    );
                }
                Outcome::Error => {
                    let _ = writeln!(
                        out,
                        ">\n      <error message=\"{}\" type=\"run-error\"/>\n    </testcase>",
                        escape(record.error.as_deref().unwrap_or("error"))
                    );
                }
            }
        }
        out.push_str("  </testsuite>\n");
    }
    out.push_str("</testsuites>\n");
    out
}

/// A one-line message and the exchange that shows a successful attack.
pub fn failure_text(record: &AttemptRecord) -> (String, String) {
    let turn = record.failed_turn.and_then(|i| record.turns.get(i));
    let detectors: Vec<String> = turn
        .map(|t| {
            t.detections
                .iter()
                .filter(|d| d.hit)
                .map(|d| format!("{}: {}", d.detector, d.evidence.as_deref().unwrap_or("")))
                .collect()
        })
        .unwrap_or_default();
    let message = format!(
        "attack succeeded ({}, converter {}): {}",
        record.severity.name(),
        record.converter,
        truncate(&detectors.join("; "), 200)
    );
    let detail = turn
        .map(|t| {
            format!(
                "PROMPT:\n{}\n\nANSWER:\n{}",
                truncate(&t.prompt, 2000),
                truncate(&t.answer, 2000)
            )
        })
        .unwrap_or_default();
    (message, detail)
}
