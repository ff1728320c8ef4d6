use std::collections::BTreeMap;

use super::*;
use crate::detector::Detection;
use crate::journal::RunHeader;
use crate::pack::{Severity, Taxonomy};
use crate::result::{AttemptRecord, Outcome, TurnRecord};
use crate::target::Usage;

pub(crate) fn record(id: &str, category: &str, outcome: Outcome) -> AttemptRecord {
    AttemptRecord {
        id: id.into(),
        probe: format!("{category}.probe"),
        category: category.into(),
        severity: Severity::High,
        pack: category.into(),
        pack_version: 1,
        converter: "none".into(),
        repeat: 0,
        taxonomy: Taxonomy {
            owasp: vec!["LLM01".into()],
            ..Taxonomy::default()
        },
        system: None,
        turns: vec![TurnRecord {
            prompt: "say <b>x</b> \u{7}".into(),
            answer: "x & y".into(),
            tool_calls: vec![],
            detections: vec![Detection {
                detector: "canary".into(),
                hit: outcome == Outcome::Fail,
                evidence: None,
            }],
        }],
        failed_turn: (outcome == Outcome::Fail).then_some(0),
        error: (outcome == Outcome::Error).then(|| "timed out".into()),
        outcome,
        usage: Usage {
            input_tokens: 1_000_000,
            output_tokens: 500_000,
            estimated: false,
        },
        retries: 1,
        elapsed_ms: 5,
    }
}

pub(crate) fn contents(records: Vec<AttemptRecord>, planned: usize) -> JournalContents {
    JournalContents {
        header: RunHeader {
            format: 1,
            run_id: "r1".into(),
            name: "nightly <run>".into(),
            fingerprint: "f".into(),
            started_at: "2026-11-28T12:00:00Z".into(),
            target: "openai http://x model m".into(),
            planned,
            seed: 0,
            tool: "aims test".into(),
            system: None,
        },
        attempts: records,
        complete_len: 0,
    }
}

fn thresholds(overall: Option<f64>, category: Option<(&str, f64)>) -> Thresholds {
    Thresholds {
        overall,
        categories: category
            .into_iter()
            .map(|(c, v)| (c.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
        max_error_rate: 0.0,
    }
}

#[test]
fn verdicts_follow_thresholds_errors_and_missing_attempts() {
    let passing = contents(
        vec![
            record("a", "jailbreak", Outcome::Pass),
            record("b", "jailbreak", Outcome::Fail),
        ],
        2,
    );
    let summary = Summary::build(&passing, "sha".into(), &thresholds(Some(0.5), None), None);
    assert_eq!(summary.verdict, Verdict::Pass, "{:?}", summary.reasons);
    let summary = Summary::build(&passing, "sha".into(), &thresholds(Some(0.4), None), None);
    assert_eq!(summary.verdict, Verdict::ThresholdsExceeded);
    assert_eq!(summary.verdict.exit_code(), 3);
    let summary = Summary::build(
        &passing,
        "sha".into(),
        &thresholds(None, Some(("jailbreak", 0.0))),
        None,
    );
    assert_eq!(summary.verdict, Verdict::ThresholdsExceeded);
    assert!(
        summary.reasons[0].contains("category jailbreak"),
        "{:?}",
        summary.reasons
    );

    let erroring = contents(
        vec![
            record("a", "jailbreak", Outcome::Pass),
            record("b", "jailbreak", Outcome::Error),
        ],
        2,
    );
    let summary = Summary::build(&erroring, "sha".into(), &Thresholds::default(), None);
    assert_eq!(summary.verdict, Verdict::RunErrors);
    assert_eq!(summary.verdict.exit_code(), 4);
    assert_eq!((summary.totals.judged, summary.totals.errors), (1, 1));

    let short = contents(vec![record("a", "jailbreak", Outcome::Pass)], 3);
    let summary = Summary::build(&short, "sha".into(), &Thresholds::default(), None);
    assert_eq!(summary.verdict, Verdict::RunErrors);
    assert_eq!(summary.totals.missing, 2);
}

#[test]
fn cost_comes_from_token_counts() {
    let run = contents(vec![record("a", "jailbreak", Outcome::Pass)], 1);
    let rates = CostRates {
        input_per_million: 2.0,
        output_per_million: 8.0,
        currency: "EUR".into(),
    };
    let summary = Summary::build(&run, "sha".into(), &Thresholds::default(), Some(&rates));
    assert_eq!(summary.usage.cost, Some(6.0));
    assert_eq!(summary.usage.currency.as_deref(), Some("EUR"));
}

#[test]
fn junit_counts_and_escapes() {
    let run = contents(
        vec![
            record("a", "jailbreak", Outcome::Pass),
            record("b", "jailbreak", Outcome::Fail),
            record("c", "leak", Outcome::Error),
        ],
        3,
    );
    let summary = Summary::build(&run, "sha".into(), &Thresholds::default(), None);
    let xml = junit_xml(&run, &summary);
    assert!(xml.contains("<testsuites name=\"aims redteam: nightly &lt;run&gt;\" tests=\"3\" failures=\"1\" errors=\"1\">"), "{xml}");
    assert!(xml.contains("<testsuite name=\"jailbreak\" tests=\"2\" failures=\"1\" errors=\"0\""));
    assert!(xml.contains("<error message=\"timed out\""));
    assert!(
        xml.contains("say &lt;b&gt;x&lt;/b&gt; \u{fffd}"),
        "control characters are replaced"
    );
    assert!(!xml.contains('\u{7}'));
}

#[test]
fn html_is_self_contained_and_escaped() {
    let run = contents(vec![record("b", "jailbreak", Outcome::Fail)], 1);
    let summary = Summary::build(&run, "sha".into(), &thresholds(Some(0.0), None), None);
    let html = html_report(&run, &summary);
    assert!(html.contains("<svg"));
    assert!(html.contains("thresholds exceeded"));
    assert!(html.contains("nightly &lt;run&gt;"));
    assert!(!html.contains("<script"), "no script in the report");
    assert!(
        !html.contains("src=\"http"),
        "nothing loaded from elsewhere"
    );
}
