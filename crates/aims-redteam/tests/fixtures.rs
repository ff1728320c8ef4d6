//! Real reports from other tools and the official SARIF schema, read from the shared fixtures
//! folder (`AIMS_FIXTURES`, default `../shared/fixtures` beside the repository).

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod support;

use aims_redteam::config::Thresholds;
use aims_redteam::import::{ReportFormat, import};
use aims_redteam::lab::LabConfig;
use aims_redteam::report::{Summary, sarif_log};
use aims_redteam::result::Outcome;
use support::*;

fn count(contents: &aims_redteam::journal::JournalContents, outcome: Outcome) -> usize {
    contents
        .attempts
        .iter()
        .filter(|a| a.outcome == outcome)
        .count()
}

#[test]
fn a_garak_report_imports_with_its_own_verdicts() {
    let Some(dir) = fixtures("garak") else { return };
    let (format, contents) = import(&dir.join("run-a/report.jsonl")).unwrap();
    assert_eq!(format, ReportFormat::Garak);
    assert_eq!(contents.header.tool, "garak 0.17.1");
    assert_eq!(
        contents.header.run_id,
        "f0fbfb63-bfdb-4e53-97b3-efca0016ff3b"
    );
    // 48 attempts, each written twice by garak (before and after detection): kept once.
    assert_eq!(contents.attempts.len(), 48);
    assert_eq!(count(&contents, Outcome::Fail), 36);
    assert_eq!(count(&contents, Outcome::Pass), 12);
    for probe in [
        "promptinject.HijackHateHumans",
        "promptinject.HijackKillHumans",
        "promptinject.HijackLongPrompt",
    ] {
        let failed = contents
            .attempts
            .iter()
            .filter(|a| a.probe == probe && a.outcome == Outcome::Fail)
            .count();
        assert_eq!(failed, 12, "{probe}");
    }
    // garak's owasp:llm01 (2023 numbering) is LLM01 in 2025 too; the category follows it.
    assert!(
        contents
            .attempts
            .iter()
            .all(|a| a.taxonomy.owasp == ["LLM01"])
    );
    assert!(
        contents
            .attempts
            .iter()
            .all(|a| a.category == "prompt-injection")
    );
    // The hitlog lists exactly the failing attempts.
    let hits: std::collections::BTreeSet<String> =
        std::fs::read_to_string(dir.join("run-a/hitlog.jsonl"))
            .unwrap()
            .lines()
            .map(|l| {
                serde_json::from_str::<serde_json::Value>(l).unwrap()["attempt_id"]
                    .as_str()
                    .unwrap()
                    .to_owned()
            })
            .collect();
    let failed: std::collections::BTreeSet<String> = contents
        .attempts
        .iter()
        .filter(|a| a.outcome == Outcome::Fail)
        .map(|a| a.id.clone())
        .collect();
    assert_eq!(hits, failed);
}

#[test]
fn a_promptfoo_export_imports_with_its_own_verdicts() {
    let Some(dir) = fixtures("promptfoo") else {
        return;
    };
    let (format, contents) = import(&dir.join("eval-results.json")).unwrap();
    assert_eq!(format, ReportFormat::Promptfoo);
    assert_eq!(contents.header.tool, "promptfoo 0.121.20");
    assert_eq!(contents.attempts.len(), 6);
    assert_eq!(count(&contents, Outcome::Pass), 2);
    assert_eq!(count(&contents, Outcome::Fail), 4);
    assert_eq!(count(&contents, Outcome::Error), 0);
    let detections: usize = contents
        .attempts
        .iter()
        .map(|a| a.turns[0].detections.len())
        .sum();
    let hits: usize = contents
        .attempts
        .iter()
        .map(|a| a.turns[0].detections.iter().filter(|d| d.hit).count())
        .sum();
    assert_eq!((detections, hits), (10, 4));
    let leak = contents
        .attempts
        .iter()
        .find(|a| a.probe == "system prompt leak")
        .unwrap();
    assert_eq!(leak.outcome, Outcome::Fail);
    assert!(
        leak.turns[0]
            .detections
            .iter()
            .any(|d| d.hit && d.detector == "prompt-leakage")
    );
}

fn sarif_validator() -> Option<jsonschema::Validator> {
    let dir = fixtures("sarif")?;
    let schema: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(dir.join("sarif-schema-2.1.0.json")).unwrap(),
    )
    .unwrap();
    Some(jsonschema::validator_for(&schema).unwrap())
}

fn assert_valid(validator: &jsonschema::Validator, log: &serde_json::Value) {
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "SARIF invalid: {errors:#?}");
}

#[tokio::test]
async fn sarif_of_our_runs_and_of_imports_is_valid_2_1_0() {
    let Some(validator) = sarif_validator() else {
        return;
    };
    let lab = start_lab(LabConfig::default()).await;
    let dir = TempDir::new("sarif");
    let run = run_into(
        &openai_config(&lab, "converters: [none, base64]\n"),
        &dir.0,
        false,
    )
    .await;
    let contents = journal_of(&run);
    let summary = Summary::build(&contents, "0".repeat(64), &Thresholds::default(), None);
    let log = sarif_log(&contents, &summary);
    assert!(log["runs"][0]["results"].as_array().unwrap().len() > 10);
    assert_valid(&validator, &log);
    // A broken log must not pass, or the check above proves nothing.
    let mut broken = log;
    broken["runs"][0]["results"][0]["level"] = serde_json::json!("catastrophic");
    assert!(!validator.is_valid(&broken));

    if let Some(garak) = fixtures("garak") {
        let (_, imported) = import(&garak.join("run-a/report.jsonl")).unwrap();
        let summary = Summary::build(&imported, "0".repeat(64), &Thresholds::default(), None);
        assert_valid(&validator, &sarif_log(&imported, &summary));
    }
}
