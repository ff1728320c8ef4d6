//! Evidence files are stored by hash and checked on the way out; links need no file; expiry
//! reminders are recorded once, as jobs.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_app::domain::{Actor, ActorKind, Role, Timestamp};
use aims_app::{App, AppError, FixedClock, Upload, Worker};

fn facts(title: &str, until: Option<Timestamp>) -> EvidenceFacts {
    EvidenceFacts {
        title: title.into(),
        valid_until: until,
        targets: vec![Target {
            kind: TargetKind::Control,
            id: "A.6.2.4".into(),
        }],
        ..Default::default()
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_files_are_checked_and_expiring_evidence_is_reminded_once() {
    let (store, dir) = aims_store::testing::sqlite().await;
    let start = Timestamp::from_micros(1_800_000_000_000_000);
    let clock = Arc::new(FixedClock::new(start));
    let app = App::new(store, clock.clone()).with_blob_dir(dir.join("blobs"));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Editor,
        label: "ed".into(),
    };
    let auditor = Actor {
        role: Role::Auditor,
        ..editor.clone()
    };

    // A file whose bytes are not what its name says is refused; nothing is stored.
    let fake = Upload {
        file_name: "report.pdf".into(),
        bytes: b"<script>alert(1)</script>".to_vec(),
    };
    let err = app
        .add_evidence(&editor, facts("Fake", None), Some(fake))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "file"),
        "{err:?}"
    );
    // A target that does not exist is refused.
    let mut nowhere = facts("Nowhere", None);
    nowhere.targets[0].id = "A.99.9".into();
    let err = app.add_evidence(&editor, nowhere, None).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "targets.id"),
        "{err:?}"
    );
    assert!(matches!(
        app.add_evidence(&auditor, facts("x", None), None).await,
        Err(AppError::Denied(_))
    ));

    let pdf = Upload {
        file_name: "bias-test.pdf".into(),
        bytes: b"%PDF-1.7 results".to_vec(),
    };
    let report = app
        .add_evidence(
            &editor,
            facts("Bias test", Some(start.plus_days(20))),
            Some(pdf),
        )
        .await
        .unwrap();
    let file = report.file.clone().unwrap();
    assert_eq!(
        (file.media_type.as_str(), file.size),
        ("application/pdf", 16)
    );
    let (_, bytes) = app.evidence_file(&auditor, report.id).await.unwrap();
    assert_eq!(bytes, b"%PDF-1.7 results");
    let mut link = facts("Policy on the intranet", Some(start.plus_days(400)));
    link.link = "https://intranet.example/ai-policy".into();
    app.add_evidence(&editor, link, None).await.unwrap();
    let target = Target {
        kind: TargetKind::Control,
        id: "A.6.2.4".into(),
    };
    assert_eq!(app.evidence_for(&auditor, &target).await.unwrap().len(), 2);

    // The reminder job records the bias test (ends within 30 days) once, and comes back.
    let worker = Worker::new(app.clone(), "test");
    assert!(app.schedule_evidence_reminders(0).await.unwrap());
    assert!(worker.run_one().await.unwrap());
    assert_eq!(
        app.remind_expiring_evidence().await.unwrap(),
        0,
        "reminded once only"
    );
    clock.advance(400 * 86_400);
    assert_eq!(
        app.remind_expiring_evidence().await.unwrap(),
        1,
        "the policy's turn comes"
    );

    // Bytes changed on disk are refused on the way out.
    let path = dir
        .join("blobs")
        .join(&file.sha256[..2])
        .join(&file.sha256[2..]);
    std::fs::write(&path, b"%PDF-1.7 forged").unwrap();
    let err = app.evidence_file(&auditor, report.id).await.unwrap_err();
    assert!(err.to_string().contains("no longer matches"), "{err}");
    let trail = app.verify_chain(org).await.unwrap();
    assert!(trail.broken.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn expiring_evidence_becomes_a_task_for_the_owner_of_what_it_supports() {
    use aims_app::TaskFilter;
    use aims_app::domain::inventory::SystemFacts;
    let (store, _dir) = aims_store::testing::sqlite().await;
    let start = Timestamp::from_micros(1_800_000_000_000_000);
    let app = App::new(store, Arc::new(FixedClock::new(start)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = app
        .admin_create_user(
            org,
            "owner@acme.example",
            "viewer",
            "a long enough password",
        )
        .await
        .unwrap()
        .id;
    let editor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Editor,
        label: "ed".into(),
    };
    let system = app
        .create_ai_system(
            &editor,
            SystemFacts {
                owner: Some(owner),
                ..SystemFacts::new("Loan scorer", "Scores loan applications")
            },
        )
        .await
        .unwrap();
    let mut facts = facts("Model card", Some(start.plus_days(10)));
    facts.link = "https://models.example/loan-scorer".into();
    // A requirement has no owner; the system after it does.
    facts.targets = vec![
        Target {
            kind: TargetKind::Requirement,
            id: "iso-iec-42001:7.5".into(),
        },
        Target {
            kind: TargetKind::System,
            id: system.id.to_string(),
        },
    ];
    let evidence = app.add_evidence(&editor, facts, None).await.unwrap();
    // Evidence of a control nobody owns is reminded, but makes no task.
    let mut unowned = self::facts("Unowned", Some(start.plus_days(5)));
    unowned.link = "https://intranet.example/unowned".into();
    app.add_evidence(&editor, unowned, None).await.unwrap();
    assert_eq!(app.remind_expiring_evidence().await.unwrap(), 2);
    let (tasks, total) = app
        .tasks(&editor, &TaskFilter::default(), 50, 0)
        .await
        .unwrap();
    assert_eq!(total, 1, "{tasks:?}");
    let task = &tasks[0];
    assert_eq!(task.facts.assignee, Some(owner));
    assert_eq!(
        task.facts
            .source
            .as_ref()
            .map(|s| (s.kind.as_str(), s.id.clone())),
        Some(("evidence", evidence.id.to_string()))
    );
    assert_eq!(task.facts.due, Some(start.plus_days(10)));
    let owner_actor = Actor {
        kind: ActorKind::User(owner),
        role: Role::Viewer,
        ..editor.clone()
    };
    let inbox = app.inbox(&owner_actor, 10).await.unwrap();
    assert!(
        inbox
            .notifications
            .iter()
            .any(|n| n.kind.as_str() == "evidence_expiring"),
        "{:?}",
        inbox.notifications
    );
    assert_eq!(app.remind_expiring_evidence().await.unwrap(), 0);
    assert_eq!(
        app.tasks(&editor, &TaskFilter::default(), 50, 0)
            .await
            .unwrap()
            .1,
        1,
        "one task per evidence and validity"
    );
}
