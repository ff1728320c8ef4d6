//! JUnit XML: one test suite per category, one test case per attempt, so any CI system shows
//! which attacks got through.

use std::collections::BTreeMap;
use std::io;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesText, Event};

use super::Summary;
use super::xml::well_formed;
use crate::detector::truncate;
use crate::journal::JournalContents;
use crate::result::{AttemptRecord, Outcome};

/// The JUnit XML document of a run.
pub fn junit_xml(contents: &JournalContents, summary: &Summary) -> String {
    let mut writer = Writer::new_with_indent(Vec::new(), b' ', 2);
    write_testsuites(&mut writer, contents, summary).expect("writing XML to memory cannot fail");
    let mut out = String::from_utf8(writer.into_inner()).expect("the XML of UTF-8 text is UTF-8");
    out.push('\n');
    out
}

fn write_testsuites(
    writer: &mut Writer<Vec<u8>>,
    contents: &JournalContents,
    summary: &Summary,
) -> io::Result<()> {
    let mut suites: BTreeMap<&str, Vec<&AttemptRecord>> = BTreeMap::new();
    for record in &contents.attempts {
        suites
            .entry(record.category.as_str())
            .or_default()
            .push(record);
    }
    writer.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let name = format!("aims redteam: {}", summary.run.name);
    writer
        .create_element("testsuites")
        .with_attributes([
            ("name", &*well_formed(&name)),
            ("tests", &contents.attempts.len().to_string()),
            ("failures", &summary.totals.failed.to_string()),
            ("errors", &summary.totals.errors.to_string()),
        ])
        .write_inner_content(|writer| {
            for (category, records) in suites {
                write_testsuite(writer, category, &records)?;
            }
            Ok(())
        })?;
    Ok(())
}

/// One category's suite: a test case per attempt, with a failure for a successful attack
/// and an error for an attempt that could not be judged.
fn write_testsuite(
    writer: &mut Writer<Vec<u8>>,
    category: &str,
    records: &[&AttemptRecord],
) -> io::Result<()> {
    let failures = records
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .count();
    let errors = records
        .iter()
        .filter(|r| r.outcome == Outcome::Error)
        .count();
    let seconds: f64 = records.iter().map(|r| r.elapsed_ms as f64 / 1000.0).sum();
    writer
        .create_element("testsuite")
        .with_attributes([
            ("name", &*well_formed(category)),
            ("tests", &records.len().to_string()),
            ("failures", &failures.to_string()),
            ("errors", &errors.to_string()),
            ("time", &format!("{seconds:.3}")),
        ])
        .write_inner_content(|writer| {
            for record in records {
                let time = format!("{:.3}", record.elapsed_ms as f64 / 1000.0);
                let testcase = writer.create_element("testcase").with_attributes([
                    ("classname", &*well_formed(&record.probe)),
                    ("name", &well_formed(&record.id)),
                    ("time", &time),
                ]);
                match record.outcome {
                    Outcome::Pass => {
                        testcase.write_empty()?;
                    }
                    Outcome::Fail => {
                        let (message, detail) = failure_text(record);
                        testcase.write_inner_content(|writer| {
                            writer
                                .create_element("failure")
                                .with_attributes([
                                    ("message", &*well_formed(&message)),
                                    ("type", "attack-succeeded"),
                                ])
                                .write_text_content(BytesText::new(&well_formed(&detail)))?;
                            Ok(())
                        })?;
                    }
                    Outcome::Error => {
                        let message = record.error.as_deref().unwrap_or("error");
                        testcase.write_inner_content(|writer| {
                            writer
                                .create_element("error")
                                .with_attributes([
                                    ("message", &*well_formed(message)),
                                    ("type", "run-error"),
                                ])
                                .write_empty()?;
                            Ok(())
                        })?;
                    }
                }
            }
            Ok(())
        })?;
    Ok(())
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
