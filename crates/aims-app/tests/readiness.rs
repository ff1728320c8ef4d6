//! The dashboard's figures are cached per organisation, and never outlive a change or a minute.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::{Actor, ActorKind, Role, Timestamp};
use aims_app::{App, FixedClock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn cached_figures_follow_every_change_and_the_clock() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let start = Timestamp::from_micros(1_800_000_000_000_000);
    let clock = Arc::new(FixedClock::new(start));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let other = app.admin_create_org("Beta").await.unwrap().id;
    let editor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Editor,
        label: "ed".into(),
    };
    let outsider = Actor {
        org: other,
        ..editor.clone()
    };

    assert_eq!(app.readiness(&editor).await.unwrap().systems, 0);
    app.create_ai_system(&editor, SystemFacts::new("Scorer", "Scores loans"))
        .await
        .unwrap();
    assert_eq!(
        app.readiness(&editor).await.unwrap().systems,
        1,
        "a change shows at once"
    );
    assert_eq!(
        app.readiness(&outsider).await.unwrap().systems,
        0,
        "each organisation its own"
    );

    // Evidence that expires in 30 seconds: expiring now, expired once time has passed, even
    // though nothing else changed.
    let facts = EvidenceFacts {
        title: "Bias test".into(),
        link: "https://example.org/bias".into(),
        valid_until: Some(start.plus_seconds(30)),
        targets: vec![Target {
            kind: TargetKind::Control,
            id: "A.6.2.4".into(),
        }],
        ..Default::default()
    };
    app.add_evidence(&editor, facts, None).await.unwrap();
    let before = app.readiness(&editor).await.unwrap();
    assert_eq!((before.evidence_expired, before.evidence_expiring), (0, 1));
    clock.advance(90);
    let after = app.readiness(&editor).await.unwrap();
    assert_eq!((after.evidence_expired, after.evidence_expiring), (1, 0));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn clause_coverage_counts_requirements_that_current_evidence_names() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let start = Timestamp::from_micros(1_800_000_000_000_000);
    let clock = Arc::new(FixedClock::new(start));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Editor,
        label: "ed".into(),
    };
    let clause = |readiness: &aims_app::Readiness, id: &str| {
        readiness
            .clauses
            .iter()
            .find(|c| c.clause == id)
            .cloned()
            .unwrap()
    };
    let empty = app.readiness(&editor).await.unwrap();
    assert_eq!(
        empty
            .clauses
            .iter()
            .map(|c| c.clause.as_str())
            .collect::<Vec<_>>(),
        ["4", "5", "6", "7", "8", "9", "10"]
    );
    let leaves: usize = empty.clauses.iter().map(|c| c.requirements.len()).sum();
    assert_eq!(
        leaves, 32,
        "ISO/IEC 42001 has 32 leaf requirements in clauses 4–10"
    );
    let six = clause(&empty, "6");
    assert!(
        six.requirements.iter().any(|(id, _)| id == "6.1.4")
            && !six.requirements.iter().any(|(id, _)| id == "6.1"),
        "the leaves, not the grouping sub-clause: {six:?}"
    );
    assert_eq!(six.percent(), Some(0));

    let evidence = |title: &str, ids: &[&str], until: Option<Timestamp>| EvidenceFacts {
        title: title.into(),
        link: "https://example.org/aims".into(),
        valid_until: until,
        targets: ids
            .iter()
            .map(|id| Target {
                kind: TargetKind::Requirement,
                id: format!("iso-iec-42001:{id}"),
            })
            .collect(),
        ..Default::default()
    };
    app.add_evidence(&editor, evidence("Scope", &["4.3", "4.4"], None), None)
        .await
        .unwrap();
    app.add_evidence(
        &editor,
        evidence("Old procedure", &["6.1.2"], Some(start.plus_seconds(30))),
        None,
    )
    .await
    .unwrap();
    // Evidence for an Annex A control or another framework's article does not count.
    let mut elsewhere = evidence("Elsewhere", &[], None);
    elsewhere.targets = vec![
        Target {
            kind: TargetKind::Control,
            id: "A.2.2".into(),
        },
        Target {
            kind: TargetKind::Requirement,
            id: "eu-ai-act:art-9".into(),
        },
    ];
    app.add_evidence(&editor, elsewhere, None).await.unwrap();
    let now = app.readiness(&editor).await.unwrap();
    let four = clause(&now, "4");
    assert_eq!((four.evidenced.len(), four.requirements.len()), (2, 4));
    assert_eq!(four.percent(), Some(50));
    assert_eq!(
        four.uncovered()
            .map(|(id, _)| id.as_str())
            .collect::<Vec<_>>(),
        ["4.1", "4.2"]
    );
    assert_eq!(clause(&now, "6").evidenced, ["6.1.2"]);

    clock.advance(90);
    let later = app.readiness(&editor).await.unwrap();
    assert!(
        clause(&later, "6").evidenced.is_empty(),
        "expired evidence no longer counts"
    );
    assert_eq!(clause(&later, "4").evidenced.len(), 2);

    // A requirement that does not exist is refused, naming it.
    let wrong = app
        .add_evidence(&editor, evidence("Typo", &["4.9"], None), None)
        .await
        .unwrap_err();
    assert!(wrong.to_string().contains("4.9"), "{wrong}");
}
