//! The demo organisation is filled once with systems of several EU AI Act classes, and its
//! audit chain records every step.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::{App, SystemClock, SystemFilter};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_demo_organisation_holds_classified_systems_once() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let app = App::new(store, Arc::new(SystemClock));
    let first = app
        .ensure_demo("a demo password of some length")
        .await
        .unwrap();
    let second = app
        .ensure_demo("a demo password of some length")
        .await
        .unwrap();
    assert!(first.created && !second.created);
    assert_eq!(first.org, second.org);

    let actor = aims_app::domain::Actor {
        kind: aims_app::domain::ActorKind::System,
        org: first.org,
        role: aims_app::domain::Role::Viewer,
        label: "test".into(),
    };
    let all = app
        .ai_systems(&actor, &SystemFilter::default())
        .await
        .unwrap();
    assert_eq!(all.total, 5, "seeded once, not twice");
    let class = |c: &str| {
        let filter = SystemFilter {
            class: Some(c.into()),
            ..Default::default()
        };
        let app = app.clone();
        let actor = actor.clone();
        async move { app.ai_systems(&actor, &filter).await.unwrap().total }
    };
    assert_eq!(
        class("high_risk").await,
        2,
        "credit scoring and CV screening"
    );
    assert_eq!(
        class("transparency").await,
        1,
        "the customer-service assistant"
    );
    assert_eq!(
        class("minimal").await,
        1,
        "fraud detection is carved out of Annex III 5(b)"
    );
    assert_eq!(class("unclassified").await, 1);
    assert_eq!(
        app.ai_systems(
            &actor,
            &SystemFilter {
                in_scope: Some(false),
                ..Default::default()
            }
        )
        .await
        .unwrap()
        .total,
        1,
        "invoice extraction is kept outside the scope"
    );

    let readiness = app.readiness(&actor).await.unwrap();
    assert_eq!(
        (
            readiness.missing_assessments.len(),
            readiness.missing_assessment_count
        ),
        (1, 1),
        "CV screening has no approved assessment; credit scoring has: {readiness:?}"
    );
    assert_eq!(readiness.systems_out_of_scope, 1);
    let evidenced: usize = readiness.clauses.iter().map(|c| c.evidenced.len()).sum();
    assert_eq!(
        evidenced, 5,
        "the demo's clause evidence: {:?}",
        readiness.clauses
    );
    assert_eq!(
        app.risks(&actor, &aims_app::RiskFilter::default())
            .await
            .unwrap()
            .total,
        3
    );
    let soa = app.statement_of_applicability(&actor).await.unwrap();
    assert!(
        soa.soa
            .rows
            .iter()
            .any(|r| r.control.id == "A.10.4" && !r.applicable)
    );
    // The dashboard derives coverage from counts alone; it must agree with the full SoA.
    let groups = soa.soa.summary().groups;
    assert!(
        groups.iter().any(|g| g.applicable > 0 && g.implemented > 0),
        "{groups:?}"
    );
    assert_eq!(readiness.coverage, groups);
    assert_eq!(app.soa_versions(&actor).await.unwrap().len(), 1);
    // Documents at every stage: the policy, scope and risk process in force (the policy with
    // a revision in review), one process in review, the objectives in draft.
    assert_eq!(
        (
            readiness.documents.in_force,
            readiness.documents.in_review,
            readiness.documents.review_overdue
        ),
        (3, 2, 0)
    );
    let documented: Vec<&str> = readiness
        .clauses
        .iter()
        .flat_map(|c| c.documented.iter().map(String::as_str))
        .collect();
    // 4.1 to 4.3 from the approved context and scope; 4.3, 5.2 and 6.1.2 from documents.
    assert_eq!(documented, vec!["4.1", "4.2", "4.3", "5.2", "6.1.2"]);
    // The context and scope: version 1 in force with the systems then in scope and a
    // climate issue, version 2 (a new office) drafted beside it.
    let context = app.context(&actor).await.unwrap();
    let in_force = context.in_force().unwrap();
    assert_eq!(in_force.version, 1);
    assert!(in_force.content.has_climate_issue());
    assert!(in_force.sha256.is_some());
    assert_eq!(in_force.systems.len() as i64, context.systems_in_scope);
    assert!(in_force.systems.iter().any(|s| s.name == "Credit scoring"));
    assert!(
        !in_force
            .systems
            .iter()
            .any(|s| s.name == "Invoice field extraction")
    );
    assert_eq!(context.working().unwrap().version, 2);
    assert_eq!(context.systems_out_of_scope, 1);
    // Two nonconformities at different stages: one verified and closed, one with its
    // corrective action under way.
    let (ncs, _) = app
        .nonconformity_list(&actor, &Default::default(), 10, 0)
        .await
        .unwrap();
    let mut phases = Vec::new();
    for nc in &ncs {
        phases.push(app.nonconformity(&actor, nc.id).await.unwrap().phase());
    }
    assert_eq!(
        phases,
        [
            aims_app::domain::improvement::Phase::Closed,
            aims_app::domain::improvement::Phase::ActionsOpen
        ]
    );
    let (documents, total) = app
        .document_list(&actor, &Default::default(), 10, 0)
        .await
        .unwrap();
    assert_eq!(total, 5);
    let policy = documents
        .iter()
        .find(|d| d.template.as_deref() == Some("ai-policy"))
        .unwrap();
    let policy = app.document(&actor, policy.id).await.unwrap();
    assert_eq!(
        (policy.document.latest, policy.document.approved),
        (2, Some(1))
    );
    assert_eq!(
        policy
            .acknowledgements
            .iter()
            .filter(|a| a.at.is_some())
            .count(),
        1,
        "Maria read it: {:?}",
        policy.acknowledgements
    );
    // Metrics with a history to draw, computed ones measured now, objectives on them.
    let metrics = app.metrics(&actor).await.unwrap();
    assert_eq!(metrics.len(), 6);
    for m in &metrics {
        let (_, measured) = app.measurements(&actor, m.id, 1, 0).await.unwrap();
        assert!(
            measured >= 5,
            "{} has {measured} measurements",
            m.facts.name
        );
    }
    let latest = |source| {
        metrics
            .iter()
            .find(|m| m.facts.source == source)
            .and_then(|m| m.latest.clone())
            .unwrap()
    };
    use aims_app::domain::measurement::MetricSource as S;
    // Computed now from the demo's own records, after the history it was given.
    let evidence = latest(S::EvidenceCurrent);
    assert!(
        evidence.note.contains("pieces of evidence valid"),
        "{evidence:?}"
    );
    // This app keeps no files, so the demo has no red-team run: the history stands.
    assert_eq!(latest(S::RedTeamAttackSuccess).value.to_string(), "2.6");
    let objectives = app.objectives(&actor).await.unwrap();
    assert_eq!(objectives.len(), 4);
    assert!(
        objectives
            .iter()
            .all(|o| o.facts.policy == Some(policy.document.id))
    );
    // Five roles held by the colleagues; AI literacy for most, one lapsed, one lapsing.
    let competence = app.competence_report(&actor).await.unwrap();
    let names: Vec<&str> = competence
        .roles
        .iter()
        .map(|c| c.role.facts.name.as_str())
        .collect();
    assert_eq!(
        names,
        vec![
            "AI governance lead",
            "AI system owner",
            "Data steward",
            "Internal auditor",
            "Risk owner"
        ]
    );
    assert!(competence.roles.iter().all(|c| !c.holders.is_empty()));
    let auditor = competence
        .roles
        .iter()
        .find(|c| c.role.facts.name == "Internal auditor")
        .unwrap();
    assert_eq!(auditor.literacy().percent(), Some(0), "her literacy lapsed");
    assert_eq!(competence.members.literate, 2);
    let lapsing = aims_app::TrainingFilter {
        standing: Some(aims_app::TrainingStandingFilter::ExpiresSoon),
        ..Default::default()
    };
    assert_eq!(
        app.training_records(&actor, &lapsing, 10, 0)
            .await
            .unwrap()
            .1,
        1
    );
    let report = app.verify_chain(first.org).await.unwrap();
    assert!(report.broken.is_none(), "{report:?}");
}
