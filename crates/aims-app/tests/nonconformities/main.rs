//! Nonconformities through their use cases, on both engines: recorded and numbered, changed
//! from the revision read, corrective actions given to people, verified by someone other
//! than the owner once every action is done (with evidence when they worked), reopened when
//! they did not, withdrawn with a reason, listed by status and age, counted for the
//! dashboard. Every refusal leaves the trail as it was.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::Actor;
use aims_app::domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_app::domain::improvement::{
    Grade, NonconformityFacts, NonconformitySource, NonconformityStatus, Phase, VerificationInput,
};
use aims_app::domain::work::{TaskFacts, TaskStatus};
use aims_app::{App, AppError, FixedClock, NonconformityFilter, Store};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

use people::{START, actions, person, trail};

fn facts(title: &str, owner: &Actor) -> NonconformityFacts {
    NonconformityFacts {
        title: title.into(),
        description: "The credit model was retrained without a new impact assessment".into(),
        location: "Credit decisions".into(),
        system: None,
        requirements: vec![Target {
            kind: TargetKind::Control,
            id: "A.5.2".into(),
        }],
        source: NonconformitySource::InternalAudit,
        source_ref: "IA-2026-1 line 14".into(),
        grade: Grade::Minor,
        owner: owner.user(),
        detected_on: START,
        containment: "Model frozen at the previous version".into(),
        correction: String::new(),
        root_cause: String::new(),
        cause_category: None,
    }
}

fn action(title: &str, who: &Actor, due_days: i64) -> TaskFacts {
    TaskFacts {
        title: title.into(),
        assignee: who.user(),
        due: Some(START.plus_days(due_days)),
        ..Default::default()
    }
}

fn conflict(err: &AppError) -> &str {
    match err {
        AppError::Conflict(message) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn field(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(v) => v.field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

/// Marks a corrective action done, as its assignee does.
async fn finish(app: &App, who: &Actor, task: &aims_app::domain::work::Task) {
    let mut done = task.facts.clone();
    done.status = Some(TaskStatus::Done);
    app.update_task(who, task.id, task.revision, done)
        .await
        .unwrap();
}

async fn a_nonconformity_is_corrected_verified_reopened_and_closed(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let auditor = person(&app, org, "aude", "auditor").await;
    let stranger_org = app.admin_create_org("Other").await.unwrap().id;
    let stranger = person(&app, stranger_org, "sam", "owner").await;

    // Refused, naming what is wrong; nothing is stored.
    let mut bad = facts("Impact assessment not repeated", &editor);
    bad.requirements[0].id = "A.99".into();
    let err = app.record_nonconformity(&editor, bad).await.unwrap_err();
    assert_eq!(field(&err), "requirements.id");
    let mut bad = facts("Impact assessment not repeated", &editor);
    bad.owner = stranger.user();
    assert_eq!(
        field(&app.record_nonconformity(&editor, bad).await.unwrap_err()),
        "owner"
    );
    assert!(matches!(
        app.record_nonconformity(&auditor, facts("x", &editor))
            .await,
        Err(AppError::Denied(_))
    ));
    let before = trail(&app, &owner).await.len();

    let nc = app
        .record_nonconformity(&owner, facts("Impact assessment not repeated", &editor))
        .await
        .unwrap();
    assert_eq!(nc.reference(), "NC-1");
    let second = app
        .record_nonconformity(&owner, facts("Raised twice", &editor))
        .await
        .unwrap();
    assert_eq!(second.number, 2);
    assert!(matches!(
        app.nonconformity(&stranger, nc.id).await,
        Err(AppError::NotFound(_))
    ));

    // Changed from the revision read; a stale change is refused.
    let mut changed = nc.facts.clone();
    changed.root_cause = "No trigger for reassessment after retraining".into();
    changed.grade = Grade::Major;
    let nc = app
        .update_nonconformity(&editor, nc.id, 1, changed.clone())
        .await
        .unwrap();
    assert_eq!(nc.revision, 2);
    let err = app
        .update_nonconformity(&editor, nc.id, 1, changed)
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("meanwhile"), "{err:?}");

    // Verification waits for actions, every one done, and someone other than the owner.
    let works = |evidence| VerificationInput {
        effective: true,
        note: "No retraining without reassessment since".into(),
        evidence,
    };
    let err = app
        .verify_nonconformity(&owner, nc.id, nc.revision, works(vec![]))
        .await
        .unwrap_err();
    assert_eq!(field(&err), "evidence");
    let evidence = app
        .add_evidence(
            &owner,
            EvidenceFacts {
                title: "Retraining checklist with reassessment step".into(),
                link: "https://intranet.example/checklist".into(),
                targets: vec![Target {
                    kind: TargetKind::Control,
                    id: "A.5.2".into(),
                }],
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let err = app
        .verify_nonconformity(&owner, nc.id, nc.revision, works(vec![evidence.id]))
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("0 corrective action"), "{err:?}");
    let err = app
        .add_corrective_action(
            &editor,
            nc.id,
            TaskFacts {
                assignee: None,
                ..action("Add a reassessment trigger", &editor, 14)
            },
        )
        .await
        .unwrap_err();
    assert_eq!(field(&err), "assignee");
    let first = app
        .add_corrective_action(
            &owner,
            nc.id,
            action("Add a reassessment trigger", &editor, 14),
        )
        .await
        .unwrap();
    assert_eq!(
        first.facts.source.as_ref().map(|s| s.id.clone()),
        Some(nc.id.to_string())
    );
    let record = app.nonconformity(&owner, nc.id).await.unwrap();
    assert_eq!(record.phase(), Phase::ActionsOpen);
    let err = app
        .verify_nonconformity(&owner, nc.id, nc.revision, works(vec![evidence.id]))
        .await
        .unwrap_err();
    assert!(
        conflict(&err).contains("1 corrective action(s) still open"),
        "{err:?}"
    );
    finish(&app, &editor, &first).await;
    assert_eq!(
        app.nonconformity(&owner, nc.id).await.unwrap().phase(),
        Phase::AwaitingVerification
    );
    let err = app
        .verify_nonconformity(&editor, nc.id, nc.revision, works(vec![evidence.id]))
        .await
        .unwrap_err();
    assert!(
        conflict(&err).contains("owner"),
        "the owner verifies: {err:?}"
    );

    // Found not to work: reopened, the owner told; new actions, then closed.
    let reopened = app
        .verify_nonconformity(
            &owner,
            nc.id,
            nc.revision,
            VerificationInput {
                effective: false,
                note: "A model was retrained in May without reassessment".into(),
                evidence: vec![],
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (reopened.status, reopened.reopened),
        (NonconformityStatus::Open, 1)
    );
    let inbox = app.inbox(&editor, 20).await.unwrap();
    assert!(
        inbox
            .notifications
            .iter()
            .any(|n| n.title.contains("did not work")),
        "{inbox:?}"
    );
    let again = app
        .add_corrective_action(
            &owner,
            nc.id,
            action("Block deployment without it", &editor, 30),
        )
        .await
        .unwrap();
    finish(&app, &editor, &again).await;
    let closed = app
        .verify_nonconformity(&owner, nc.id, reopened.revision, works(vec![evidence.id]))
        .await
        .unwrap();
    assert_eq!(closed.status, NonconformityStatus::Closed);
    assert_eq!(closed.closed_at, Some(START));
    assert_eq!(
        closed.verification.as_ref().map(|v| v.evidence.clone()),
        Some(vec![evidence.id])
    );
    let err = app
        .add_corrective_action(&owner, nc.id, action("Too late", &editor, 3))
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("closed"), "{err:?}");

    // Withdrawn with a reason; the register filters and counts.
    assert_eq!(
        field(
            &app.withdraw_nonconformity(&editor, second.id, 1, " ")
                .await
                .unwrap_err()
        ),
        "reason"
    );
    app.withdraw_nonconformity(&editor, second.id, 1, "Same finding as NC-1")
        .await
        .unwrap();
    let third = app
        .record_nonconformity(&owner, facts("Log retention too short", &editor))
        .await
        .unwrap();
    clock.advance(40 * 86_400);
    let list = |status, older_than_days| {
        let filter = NonconformityFilter {
            status,
            older_than_days,
            owner: None,
        };
        let app = app.clone();
        let owner = owner.clone();
        async move {
            let (list, total) = app
                .nonconformity_list(&owner, &filter, 10, 0)
                .await
                .unwrap();
            (list.iter().map(|n| n.number).collect::<Vec<_>>(), total)
        }
    };
    assert_eq!(list(None, None).await, (vec![1, 2, 3], 3));
    assert_eq!(
        list(Some(NonconformityStatus::Open), Some(30)).await,
        (vec![third.number], 1)
    );
    assert_eq!(list(None, Some(60)).await.1, 0);
    let counts = app.nonconformity_counts(&owner).await.unwrap();
    assert_eq!((counts.open, counts.from_30_to_90_days), (1, 1));

    let events = trail(&app, &owner).await;
    let mine: Vec<&str> = actions(&events[before..])
        .into_iter()
        .filter(|a| a.starts_with("nonconformity."))
        .collect();
    assert_eq!(
        mine,
        [
            "nonconformity.created",
            "nonconformity.created",
            "nonconformity.updated",
            "nonconformity.reopened",
            "nonconformity.closed",
            "nonconformity.withdrawn",
            "nonconformity.created"
        ]
    );
}

on_both_engines!(a_nonconformity_is_corrected_verified_reopened_and_closed,);
