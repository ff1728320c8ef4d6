//! The dashboard's figures are cached per organisation, and never outlive a change or a minute.

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
