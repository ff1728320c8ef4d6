//! Impact assessments are approved only once complete: an empty first version is no
//! assessment to sign off.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::impact::{AssessmentContent, Harm, HarmKind, Rating};
use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::{Actor, ActorKind, Role, Timestamp};
use aims_app::{App, AppError, FixedClock};

fn harm() -> Harm {
    Harm {
        kind: HarmKind::Fairness,
        description: "Lower scores for applicants from some postcodes".into(),
        affected: "Applicants".into(),
        severity: Rating::High,
        likelihood: Rating::Moderate,
        mitigations: "Postcode removed from features".into(),
        residual_severity: Rating::Moderate,
        residual_likelihood: Rating::Low,
    }
}

/// The field an approval was refused on.
fn refused_on(result: Result<impl std::fmt::Debug, AppError>) -> &'static str {
    match result {
        Err(AppError::Invalid(v)) => v.field,
        other => panic!("expected a refusal naming a field, got {other:?}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_incomplete_assessment_is_not_approved() {
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
    let admin = Actor {
        role: Role::Admin,
        label: "ad".into(),
        ..editor.clone()
    };
    let system = app
        .create_ai_system(&editor, SystemFacts::new("Scorer", "Scores loans"))
        .await
        .unwrap()
        .id;

    // Version 1 holds a title only: approving it is refused, naming the scope.
    let mut content = AssessmentContent {
        title: "Scorer 2026".into(),
        ..Default::default()
    };
    let created = app
        .create_impact_assessment(&editor, system, content.clone())
        .await
        .unwrap();
    let record = app.impact_assessment(&admin, created.id).await.unwrap();
    assert_eq!(
        record.missing_for_approval(),
        ["the scope", "at least one potential harm"]
    );
    assert_eq!(
        refused_on(app.approve_impact_assessment(&admin, created.id, 1).await),
        "scope"
    );

    // With a scope but no harm assessed, it is still refused.
    content.scope = "Consumer loans in the EU".into();
    app.save_impact_assessment(&editor, created.id, 1, content.clone())
        .await
        .unwrap();
    assert_eq!(
        refused_on(app.approve_impact_assessment(&admin, created.id, 2).await),
        "harms"
    );
    let record = app.impact_assessment(&admin, created.id).await.unwrap();
    assert!(record.assessment.approval.is_none(), "nothing was approved");

    // Complete, it is approved.
    content.harms = vec![harm()];
    app.save_impact_assessment(&editor, created.id, 2, content)
        .await
        .unwrap();
    let record = app.impact_assessment(&admin, created.id).await.unwrap();
    assert!(record.missing_for_approval().is_empty());
    let approved = app
        .approve_impact_assessment(&admin, created.id, 3)
        .await
        .unwrap();
    assert_eq!(approved.approval.map(|a| a.version), Some(3));
}
