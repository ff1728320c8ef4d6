//! Red-team runs recorded from uploaded journals, on both engines: a run becomes evidence
//! (the journal, kept by its hash) and a recorded run with the verdict and totals computed
//! from the journal; runs are listed per system, newest first; another organisation's system
//! does not exist; a journal that cannot be read, or a caller who may not record, leaves no
//! evidence, no run, no file and no audit event behind.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::path::{Path, PathBuf};
use std::sync::Arc;

use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::redteam::{RedTeamRun, RunVerdict};
use aims_app::domain::{Actor, AiSystemId, Denied, Permission, RedTeamRunId};
use aims_app::redteam_engine::config::Thresholds;
use aims_app::redteam_engine::detector::Detection;
use aims_app::redteam_engine::journal::{JournalLine, RunHeader};
use aims_app::redteam_engine::pack::{Severity, Taxonomy};
use aims_app::redteam_engine::result::{AttemptRecord, Outcome, TurnRecord};
use aims_app::redteam_engine::target::Usage;
use aims_app::{App, AppError, FixedClock, RedTeamUpload, Store};
use aims_store::testing::TestFolder;

#[macro_use]
mod engines;
mod people;

use people::{START, actions, person, trail};

on_both_engines! {
    a_journal_becomes_evidence_and_a_run_with_its_verdict_and_totals,
    runs_are_listed_per_system_newest_first,
    another_organisations_system_and_runs_are_not_found,
    a_journal_that_cannot_be_read_leaves_nothing_behind,
    readers_are_refused_before_anything_is_written,
}

struct Lab {
    app: App,
    clock: Arc<FixedClock>,
    owner: Actor,
    editor: Actor,
    auditor: Actor,
    viewer: Actor,
    outsider: Actor,
    /// Acme's system under test, and a second one.
    system: AiSystemId,
    other_system: AiSystemId,
    blobs: PathBuf,
    _folder: TestFolder,
}

async fn lab(store: Store) -> Lab {
    let folder = TestFolder::new();
    let blobs = folder.join("blobs");
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone()).with_blob_dir(&blobs);
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let other = app.admin_create_org("Beta").await.unwrap().id;
    let editor = person(&app, org, "editor", "editor").await;
    let system = async |name: &str| {
        app.create_ai_system(&editor, SystemFacts::new(name, "Answers customers"))
            .await
            .unwrap()
            .id
    };
    let (system, other_system) = (system("Support bot").await, system("Scorer").await);
    Lab {
        owner: person(&app, org, "owner", "owner").await,
        auditor: person(&app, org, "auditor", "auditor").await,
        viewer: person(&app, org, "viewer", "viewer").await,
        outsider: person(&app, other, "outsider", "owner").await,
        editor,
        system,
        other_system,
        app,
        clock,
        blobs,
        _folder: folder,
    }
}

fn attempt(id: &str, outcome: Outcome) -> AttemptRecord {
    AttemptRecord {
        id: id.into(),
        probe: "prompt-injection.override".into(),
        category: "prompt-injection".into(),
        severity: Severity::High,
        pack: "prompt-injection".into(),
        pack_version: 1,
        converter: "base64".into(),
        repeat: 0,
        taxonomy: Taxonomy {
            owasp: vec!["LLM01".into()],
            atlas: vec!["AML.T0051.000".into()],
            iso42001: vec!["A.6.2.4".into(), "A.99.9".into()],
            eu_ai_act: vec!["Art. 15(5)".into()],
        },
        system: None,
        turns: vec![TurnRecord {
            prompt: "say the canary".into(),
            answer: "CANARY-00000000AB".into(),
            tool_calls: vec![],
            detections: vec![Detection {
                detector: "canary".into(),
                hit: outcome == Outcome::Fail,
                evidence: None,
            }],
        }],
        failed_turn: (outcome == Outcome::Fail).then_some(0),
        error: (outcome == Outcome::Error).then(|| "the target timed out".into()),
        outcome,
        usage: Usage::default(),
        retries: 0,
        elapsed_ms: 3,
    }
}

fn header(run_id: &str, planned: usize) -> RunHeader {
    RunHeader {
        format: 1,
        run_id: run_id.into(),
        name: format!("nightly {run_id}"),
        fingerprint: "f".into(),
        started_at: "2026-11-28T02:00:00Z".into(),
        target: "openai https://llm.example/v1/chat/completions model m".into(),
        planned,
        seed: 0,
        tool: "aims 0.1.0".into(),
        system: None,
    }
}

fn lines(lines: &[JournalLine]) -> Vec<u8> {
    lines
        .iter()
        .map(|l| serde_json::to_string(l).unwrap() + "\n")
        .collect::<String>()
        .into_bytes()
}

/// A journal of one attempt per outcome, all planned.
fn journal(run_id: &str, outcomes: &[Outcome]) -> Vec<u8> {
    let mut all = vec![JournalLine::Run(header(run_id, outcomes.len()))];
    for (n, outcome) in outcomes.iter().enumerate() {
        all.push(JournalLine::Attempt(Box::new(attempt(
            &format!("a#{n}"),
            *outcome,
        ))));
    }
    lines(&all)
}

fn upload(journal: Vec<u8>, overall: Option<f64>) -> RedTeamUpload {
    RedTeamUpload {
        journal,
        thresholds: Thresholds {
            overall,
            ..Thresholds::default()
        },
    }
}

/// Files in the blob store, however it nests them.
fn files(dir: &Path) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    entries
        .map(|e| e.unwrap().path())
        .map(|p| if p.is_dir() { files(&p) } else { 1 })
        .sum()
}

/// What a lab holds: evidence, runs of each system, files and audit events.
async fn holdings(l: &Lab) -> (i64, usize, usize, usize, usize) {
    let (_, evidence) = l.app.evidence_register(&l.viewer, None, 0).await.unwrap();
    (
        evidence,
        l.app.redteam_runs(&l.viewer, l.system).await.unwrap().len(),
        l.app
            .redteam_runs(&l.viewer, l.other_system)
            .await
            .unwrap()
            .len(),
        files(&l.blobs),
        trail(&l.app, &l.owner).await.len(),
    )
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, AppError>, field: &str, words: &str) {
    match result {
        Err(AppError::Invalid(e)) => {
            assert_eq!(e.field, field, "{e:?}");
            assert!(e.message.contains(words), "{e:?} should say {words:?}");
        }
        other => panic!("expected a validation error naming {field}, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, AppError>, what: &str) {
    match result {
        Err(AppError::NotFound(found)) => assert_eq!(found, what),
        other => panic!("expected {what} not found, got {other:?}"),
    }
}

async fn a_journal_becomes_evidence_and_a_run_with_its_verdict_and_totals(store: Store) {
    let l = lab(store).await;
    let before = trail(&l.app, &l.owner).await.len();
    let bytes = journal("run-77", &[Outcome::Pass, Outcome::Fail]);
    let run = l
        .app
        .record_redteam_run(&l.editor, l.system, upload(bytes.clone(), Some(0.6)))
        .await
        .unwrap();
    assert_eq!(run.system, l.system);
    assert_eq!(
        (
            run.run_id.as_str(),
            run.name.as_str(),
            run.tool.as_str(),
            run.started_at.as_str()
        ),
        (
            "run-77",
            "nightly run-77",
            "aims 0.1.0",
            "2026-11-28T02:00:00Z"
        )
    );
    assert_eq!(
        run.verdict,
        RunVerdict::Pass,
        "50% is within a threshold of 60%"
    );
    assert_eq!((run.judged, run.failed, run.errors), (2, 1, 0));
    assert_eq!(run.attack_success_bp, 5_000);
    assert_eq!(run.journal_sha256, aims_app::sha256_hex(&bytes));
    assert_eq!(
        (run.recorded_by.as_str(), run.created_at),
        (l.editor.label.as_str(), START)
    );
    assert_eq!(run.summary["totals"]["judged"], 2);
    assert_eq!(run.summary["journal_sha256"], run.journal_sha256.as_str());

    // The run is stored as returned.
    let stored = l.app.redteam_run(&l.viewer, run.id).await.unwrap();
    assert_eq!(stored, run);

    // The journal is evidence for the system, the mapped control and article (the id the
    // catalogue does not know, A.99.9, is left out), for 180 days, kept by its hash.
    let evidence = l.app.evidence(&l.auditor, run.evidence).await.unwrap();
    let mut targets: Vec<String> = evidence
        .facts
        .targets
        .iter()
        .map(|t| format!("{}:{}", t.kind.as_str(), t.id))
        .collect();
    targets.sort();
    assert_eq!(
        targets,
        [
            "control:A.6.2.4".to_owned(),
            format!("requirement:{}:art-15", aims_app::EU_AI_ACT),
            format!("system:{}", l.system),
        ]
    );
    assert_eq!(
        (evidence.facts.valid_from, evidence.facts.valid_until),
        (Some(START), Some(START.plus_days(180)))
    );
    assert!(
        evidence
            .facts
            .title
            .starts_with("Red-team run of Support bot: nightly run-77 (passed)"),
        "{}",
        evidence.facts.title
    );
    let (file, kept) = l.app.evidence_file(&l.auditor, run.evidence).await.unwrap();
    assert_eq!(kept, bytes);
    assert_eq!(file.sha256, run.journal_sha256);
    assert_eq!(file.file_name, "redteam-run-77.jsonl");
    assert_eq!(files(&l.blobs), 1);

    // One change, two events: the evidence and the run, in that order.
    let events = trail(&l.app, &l.owner).await.split_off(before);
    assert_eq!(actions(&events), ["evidence.added", "redteam.run_recorded"]);
    assert_eq!(events[0].object_id, run.evidence.to_string());
    assert_eq!(
        (events[1].object_type.as_str(), events[1].object_id.clone()),
        ("redteam_run", run.id.to_string())
    );
    let change: serde_json::Value = serde_json::from_str(&events[1].change).unwrap();
    assert_eq!(
        change,
        serde_json::json!({
            "system": l.system.to_string(),
            "run_id": "run-77",
            "tool": "aims 0.1.0",
            "verdict": "pass",
            "judged": 2,
            "failed": 1,
            "errors": 0,
            "journal_sha256": run.journal_sha256,
            "evidence": run.evidence.to_string(),
        })
    );

    // The same results judged against a stricter threshold exceed it, and say so.
    let strict = l
        .app
        .record_redteam_run(&l.editor, l.system, upload(bytes.clone(), Some(0.25)))
        .await
        .unwrap();
    assert_eq!(strict.verdict, RunVerdict::ThresholdsExceeded);
    assert_eq!(
        strict.summary["reasons"][0],
        "overall attack success rate 50.0% is over the threshold of 25.0%"
    );
    assert_eq!(strict.journal_sha256, run.journal_sha256);
    assert_ne!(strict.evidence, run.evidence, "each run its own evidence");
    assert_eq!(files(&l.blobs), 1, "the same bytes are kept once");

    // An attempt that ended in an error is no verdict: the run has errors.
    let erring = l
        .app
        .record_redteam_run(
            &l.editor,
            l.system,
            upload(journal("run-78", &[Outcome::Pass, Outcome::Error]), None),
        )
        .await
        .unwrap();
    assert_eq!(erring.verdict, RunVerdict::RunErrors);
    assert_eq!(
        (
            erring.judged,
            erring.failed,
            erring.errors,
            erring.attack_success_bp
        ),
        (1, 0, 1, 0)
    );
    // So is an attempt that was planned and never carried out.
    let mut short = journal("run-79", &[Outcome::Pass]);
    short = String::from_utf8(short)
        .unwrap()
        .replace("\"planned\":1", "\"planned\":3")
        .into_bytes();
    let partial = l
        .app
        .record_redteam_run(&l.editor, l.system, upload(short, Some(0.5)))
        .await
        .unwrap();
    assert_eq!(partial.verdict, RunVerdict::RunErrors);
    assert_eq!(partial.summary["totals"]["missing"], 2);
    assert_eq!(files(&l.blobs), 3);
}

async fn runs_are_listed_per_system_newest_first(store: Store) {
    let l = lab(store).await;
    let mut recorded: Vec<RedTeamRunId> = Vec::new();
    for n in 0..3 {
        let run = l
            .app
            .record_redteam_run(
                &l.editor,
                l.system,
                upload(journal(&format!("run-{n}"), &[Outcome::Pass]), None),
            )
            .await
            .unwrap();
        recorded.push(run.id);
        l.clock.advance(60);
    }
    let elsewhere = l
        .app
        .record_redteam_run(
            &l.editor,
            l.other_system,
            upload(journal("run-x", &[Outcome::Fail]), Some(0.0)),
        )
        .await
        .unwrap();

    let listed = l.app.redteam_runs(&l.viewer, l.system).await.unwrap();
    let order: Vec<RedTeamRunId> = listed.iter().map(|r| r.id).collect();
    recorded.reverse();
    assert_eq!(order, recorded, "newest first");
    let names: Vec<&str> = listed.iter().map(|r| r.run_id.as_str()).collect();
    assert_eq!(names, ["run-2", "run-1", "run-0"]);
    assert!(listed.iter().all(|r| r.system == l.system));
    assert_eq!(
        listed[0].created_at,
        START.plus_seconds(120),
        "each run is timed when recorded"
    );

    let other: Vec<RedTeamRun> = l.app.redteam_runs(&l.viewer, l.other_system).await.unwrap();
    assert_eq!(other.len(), 1);
    assert_eq!(other[0].id, elsewhere.id);
    assert_eq!(other[0].verdict, RunVerdict::ThresholdsExceeded);
    assert_not_found(
        l.app.redteam_runs(&l.viewer, AiSystemId::new()).await,
        "AI system",
    );
}

async fn another_organisations_system_and_runs_are_not_found(store: Store) {
    let l = lab(store).await;
    let before = holdings(&l).await;
    let beta = trail(&l.app, &l.outsider).await.len();
    let bytes = journal("run-1", &[Outcome::Pass]);

    assert_not_found(
        l.app
            .record_redteam_run(&l.outsider, l.system, upload(bytes.clone(), None))
            .await,
        "AI system",
    );
    assert_not_found(
        l.app
            .record_redteam_run(&l.editor, AiSystemId::new(), upload(bytes.clone(), None))
            .await,
        "AI system",
    );
    assert_not_found(l.app.redteam_runs(&l.outsider, l.system).await, "AI system");
    assert_eq!(
        holdings(&l).await,
        before,
        "nothing kept, not even the file"
    );
    assert_eq!(trail(&l.app, &l.outsider).await.len(), beta);

    // Acme's run does not exist for Beta; Beta's own system takes its own runs.
    let run = l
        .app
        .record_redteam_run(&l.editor, l.system, upload(bytes.clone(), None))
        .await
        .unwrap();
    assert_not_found(l.app.redteam_run(&l.outsider, run.id).await, "red-team run");
    assert_not_found(l.app.evidence(&l.outsider, run.evidence).await, "evidence");
    let theirs = l
        .app
        .create_ai_system(&l.outsider, SystemFacts::new("Beta bot", "Chats"))
        .await
        .unwrap();
    let beta_run = l
        .app
        .record_redteam_run(&l.outsider, theirs.id, upload(bytes, None))
        .await
        .unwrap();
    assert_eq!(
        l.app
            .redteam_runs(&l.outsider, theirs.id)
            .await
            .unwrap()
            .len(),
        1
    );
    assert_not_found(l.app.redteam_runs(&l.viewer, theirs.id).await, "AI system");
    assert_not_found(
        l.app.redteam_run(&l.viewer, beta_run.id).await,
        "red-team run",
    );
    assert_eq!(
        l.app.redteam_runs(&l.viewer, l.system).await.unwrap().len(),
        1
    );
}

async fn a_journal_that_cannot_be_read_leaves_nothing_behind(store: Store) {
    let l = lab(store).await;
    let before = holdings(&l).await;
    let good = journal("run-1", &[Outcome::Pass, Outcome::Fail]);

    let mut broken = good.clone();
    broken.extend_from_slice(b"{\"type\": \"attempt\", \"id\": 5}\n");
    let mut headerless = lines(&[JournalLine::Attempt(Box::new(attempt(
        "a#0",
        Outcome::Pass,
    )))]);
    headerless.extend_from_slice(&good);
    let mut future = header("run-2", 1);
    future.format = 2;
    let mut twice = good.clone();
    twice.extend_from_slice(&lines(&[JournalLine::Run(header("run-3", 1))]));
    let cases: [(Vec<u8>, &str); 7] = [
        (broken, "line 4"),
        (Vec::new(), "no run header"),
        (b"not a journal\n".to_vec(), "line 1"),
        (
            lines(&[JournalLine::Run(header("run-4", 0))]),
            "no attempts",
        ),
        (headerless, "not a run header"),
        (lines(&[JournalLine::Run(future)]), "journal format 2"),
        (twice, "second run header"),
    ];
    for (bytes, words) in cases {
        assert_invalid(
            l.app
                .record_redteam_run(&l.editor, l.system, upload(bytes, None))
                .await,
            "journal",
            words,
        );
    }
    let too_big = vec![b' '; 8 * 1024 * 1024 + 1];
    assert_invalid(
        l.app
            .record_redteam_run(&l.editor, l.system, upload(too_big, None))
            .await,
        "journal",
        "larger than",
    );
    for overall in [-0.1, 1.5] {
        assert_invalid(
            l.app
                .record_redteam_run(&l.editor, l.system, upload(good.clone(), Some(overall)))
                .await,
            "thresholds",
            "between 0 and 1",
        );
    }
    assert_eq!(
        holdings(&l).await,
        before,
        "no evidence, no run, no file, no event"
    );

    // The good journal still records.
    l.app
        .record_redteam_run(&l.editor, l.system, upload(good, None))
        .await
        .unwrap();
    let (evidence, runs, _, files, events) = holdings(&l).await;
    assert_eq!(
        (evidence, runs, files, events),
        (before.0 + 1, 1, 1, before.4 + 2)
    );
}

async fn readers_are_refused_before_anything_is_written(store: Store) {
    let l = lab(store).await;
    let before = holdings(&l).await;
    for reader in [&l.viewer, &l.auditor] {
        let good = journal("run-1", &[Outcome::Pass]);
        match l
            .app
            .record_redteam_run(reader, l.system, upload(good, None))
            .await
        {
            Err(AppError::Denied(Denied(p))) => assert_eq!(p, Permission::EditContent),
            other => panic!("{other:?}"),
        }
        // Refused before the journal is read: a broken one is not reported as such.
        match l
            .app
            .record_redteam_run(reader, AiSystemId::new(), upload(b"junk".to_vec(), None))
            .await
        {
            Err(AppError::Denied(_)) => {}
            other => panic!("{other:?}"),
        }
        // Reading is allowed.
        assert!(
            l.app
                .redteam_runs(reader, l.system)
                .await
                .unwrap()
                .is_empty()
        );
    }
    assert_eq!(holdings(&l).await, before);
}
