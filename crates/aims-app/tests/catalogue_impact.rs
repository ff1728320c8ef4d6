//! A new catalogue version is checked against the organisation's records: which SoA rows,
//! obligations and evidence name what changed.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_app::domain::soa::{Decision, ImplementationFacts, ImplementationStatus};
use aims_app::domain::{Actor, ActorKind, Role, Timestamp};
use aims_app::{App, FixedClock};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn changed_items_are_traced_to_the_records_that_name_them() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let clock = Arc::new(FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let app = App::new(store, clock);
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Editor,
        label: "ed".into(),
    };
    let facts = ImplementationFacts {
        decision: Decision::Include,
        status: ImplementationStatus::PartiallyImplemented,
        justification: "We test every release.".into(),
        ..Default::default()
    };
    app.set_implementation(&editor, "A.6.2.4", facts)
        .await
        .unwrap();
    let evidence = EvidenceFacts {
        title: "Release test report".into(),
        link: "https://example.org/tests".into(),
        targets: vec![
            Target {
                kind: TargetKind::Control,
                id: "A.6.2.4".into(),
            },
            Target {
                kind: TargetKind::Requirement,
                id: "owasp-llm-top10:LLM09".into(),
            },
        ],
        ..Default::default()
    };
    app.add_evidence(&editor, evidence, None).await.unwrap();

    let library = aims_catalog::shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap().clone();
    let mut next = iso.clone();
    for item in &mut next.items {
        match item.id.as_str() {
            "A.6.2.4" => item.title = "AI system verification, validation and testing".into(),
            // Changed, but nothing of Acme's names it: not listed.
            "A.10.4" => item.title = "Customers (revised)".into(),
            _ => {}
        }
    }
    let diff = aims_catalog::diff(&iso, &next);
    assert_eq!(diff.changed.len(), 2);
    let touched = app
        .catalogue_change_impact(&editor, "iso-iec-42001", &diff)
        .await
        .unwrap();
    assert_eq!(touched.len(), 1, "{touched:?}");
    assert_eq!(touched[0].id, "A.6.2.4");
    assert_eq!(touched[0].change, "renamed");
    let row = touched[0].soa.as_ref().unwrap();
    assert!(row.applicable);
    assert_eq!(row.status, "Partially implemented");
    assert_eq!(touched[0].evidence, 1);

    let owasp = library.catalogue("owasp-llm-top10").unwrap().clone();
    let mut next = owasp.clone();
    next.items.retain(|i| i.id != "LLM09");
    let diff = aims_catalog::diff(&owasp, &next);
    let touched = app
        .catalogue_change_impact(&editor, "owasp-llm-top10", &diff)
        .await
        .unwrap();
    assert_eq!(touched.len(), 1);
    assert_eq!(
        (touched[0].id.as_str(), touched[0].change.as_str()),
        ("LLM09", "removed")
    );
    assert_eq!(touched[0].evidence, 1);
}
