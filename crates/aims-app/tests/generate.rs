//! The benchmark data set is what it says: counts, classes spread across systems, a valid chain.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::{Actor, ActorKind, Role};
use aims_app::{App, DataSetSize, SystemClock, SystemFilter};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_data_set_has_the_asked_counts_and_a_valid_chain() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let app = App::new(store, Arc::new(SystemClock));
    let org = app.admin_create_org("Bench").await.unwrap().id;
    let ids = app
        .generate_data_set(
            org,
            DataSetSize {
                systems: 50,
                risks: 80,
                evidence: 120,
            },
        )
        .await
        .unwrap();
    assert_eq!(ids.len(), 50);
    let viewer = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Viewer,
        label: "t".into(),
    };
    let page = app
        .ai_systems(&viewer, &SystemFilter::default())
        .await
        .unwrap();
    assert_eq!(page.total, 50);
    let readiness = app.readiness(&viewer).await.unwrap();
    let count = |class: &str| {
        readiness
            .by_class
            .iter()
            .find(|(c, _)| c == class)
            .map(|(_, n)| *n)
            .unwrap()
    };
    assert_eq!(
        count("unclassified"),
        5,
        "every tenth system is left unclassified"
    );
    assert_eq!(
        count("high_risk"),
        20,
        "credit scoring and CV screening templates: i % 5 in 0 or 1"
    );
    assert!(
        readiness.evidence_expired > 0 && readiness.evidence_expiring > 0,
        "{readiness:?}"
    );
    let risks = app
        .risks(&viewer, &aims_app::RiskFilter::default())
        .await
        .unwrap();
    assert_eq!(risks.total, 80);
    let first = &risks.risks[0];
    assert_eq!(first.number, 1);
    assert!(!first.facts.controls.is_empty() && !first.facts.systems.is_empty());
    assert!(app.verify_chain(org).await.unwrap().broken.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_generated_management_system_has_the_asked_counts_and_real_records() {
    use aims_app::{TaskFilter, WorkSetSize};
    let (store, _dir) = aims_store::testing::sqlite().await;
    let app = App::new(store, Arc::new(SystemClock));
    let org = app.admin_create_org("Bench").await.unwrap().id;
    let made = app
        .generate_work_set(
            org,
            WorkSetSize {
                people: 3,
                documents: 4,
                tasks: 10,
                measurements: 2_000,
            },
        )
        .await
        .unwrap();
    assert_eq!(
        (
            made.people,
            made.documents,
            made.tasks,
            made.metrics,
            made.measurements
        ),
        (3, 4, 10, 2, 2_000)
    );
    let viewer = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Viewer,
        label: "t".into(),
    };
    assert_eq!(app.members(&viewer).await.unwrap().len(), 3);
    let (documents, total) = app
        .document_list(&viewer, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(total, 4);
    let record = app.document(&viewer, documents[0].id).await.unwrap();
    let statuses: Vec<_> = record.versions.iter().map(|v| v.status.as_str()).collect();
    assert_eq!(
        statuses,
        ["draft", "approved", "superseded"],
        "newest first"
    );
    assert_eq!(record.document.approved, Some(2));
    let (_, tasks) = app
        .tasks(&viewer, &TaskFilter::default(), 50, 0)
        .await
        .unwrap();
    assert_eq!(tasks, 10);
    let metrics = app.metrics(&viewer).await.unwrap();
    assert_eq!(metrics.len(), 2);
    let (_, measured) = app
        .measurements(&viewer, metrics[0].id, 1, 0)
        .await
        .unwrap();
    assert_eq!(measured, 1_826, "five years of daily values");
    // The latest is the newest of the series, and the trend reads it back in order.
    let five_years = app.now().plus_days(-1_830);
    let trend = app
        .metric_trend(&viewer, metrics[0].id, five_years)
        .await
        .unwrap();
    assert_eq!(trend.iter().map(|p| p.count).sum::<usize>(), 1_826);
    assert_eq!(
        metrics[0].latest.as_ref().unwrap().at.date(),
        app.now().date()
    );
    let report = app.verify_chain(org).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}
