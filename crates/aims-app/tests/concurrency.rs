//! Use cases that read, decide and write, run at once on both engines: each decides on what
//! it reads under the lock it writes under, so racing requests leave the state and the audit
//! trail as if they had run one after another.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::risk::{RiskFacts, RiskStatus, TreatmentOption};
use aims_app::domain::{Actor, ActorKind, OrgId, Role, UserId};
use aims_app::{App, AppError, AuditQuery, Store, SystemClock};
use tokio::task::JoinSet;

#[macro_use]
mod engines;

on_both_engines! {
    concurrent_renames_record_what_each_replaced,
    owners_demoting_each_other_leave_one_owner,
    owners_removing_each_other_leave_one_owner,
    one_soa_version_is_approved_once_and_only_the_newest,
    risk_edits_from_one_revision_do_not_both_land,
}

const PASSWORD: &str = "correct horse battery staple";

struct Org {
    app: App,
    org: OrgId,
    owners: Vec<(UserId, Actor)>,
}

/// An organisation with `owners` owners, each with their own actor.
async fn organisation(store: Store, owners: usize) -> Org {
    let app = App::new(store, Arc::new(SystemClock));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let mut people = Vec::new();
    for n in 0..owners {
        let email = format!("owner{n}@acme.example");
        let user = app
            .admin_create_user(org, &email, "owner", PASSWORD)
            .await
            .unwrap();
        let actor = Actor {
            kind: ActorKind::User(user.id),
            org,
            role: Role::Owner,
            label: email,
        };
        people.push((user.id, actor));
    }
    Org {
        app,
        org,
        owners: people,
    }
}

/// Every event of the organisation with `action`, oldest first, after checking that the
/// whole trail's times never decrease.
async fn events(o: &Org, action: &str) -> Vec<serde_json::Value> {
    let reader = &o.owners[0].1;
    let query = AuditQuery {
        limit: 200,
        ..Default::default()
    };
    let mut all = o
        .app
        .audit_events(reader, query, None)
        .await
        .unwrap()
        .events;
    all.reverse();
    for pair in all.windows(2) {
        assert!(
            pair[0].occurred_at <= pair[1].occurred_at,
            "event #{} is timed before #{}",
            pair[1].seq,
            pair[0].seq
        );
    }
    let report = o.app.verify_chain(o.org).await.unwrap();
    assert!(report.broken.is_none(), "{:?}", report.broken);
    all.into_iter()
        .filter(|e| e.action == action)
        .map(|e| serde_json::from_str(&e.change).unwrap())
        .collect()
}

async fn concurrent_renames_record_what_each_replaced(store: Store) {
    let o = organisation(store, 1).await;
    let mut renames = JoinSet::new();
    for n in 0..12 {
        let (app, actor) = (o.app.clone(), o.owners[0].1.clone());
        renames.spawn(async move { app.rename_org(&actor, &format!("Acme {n}")).await });
    }
    for done in renames.join_all().await {
        done.unwrap();
    }
    let renamed = events(&o, "organisation.renamed").await;
    assert_eq!(renamed.len(), 12);
    let mut current = "Acme".to_owned();
    for change in renamed {
        assert_eq!(change["name"]["from"], current.as_str(), "{change}");
        current = change["name"]["to"].as_str().unwrap().to_owned();
    }
    let org = o.app.organisation(&o.owners[0].1).await.unwrap();
    assert_eq!(org.name, current);
}

async fn owners_demoting_each_other_leave_one_owner(store: Store) {
    for _ in 0..4 {
        let o = organisation(store.clone(), 2).await;
        let [(a, a_actor), (b, b_actor)] = [o.owners[0].clone(), o.owners[1].clone()];
        let app = o.app.clone();
        let first = tokio::spawn({
            let app = app.clone();
            async move { app.change_role(&a_actor, b, "viewer").await }
        });
        let second = tokio::spawn(async move { app.change_role(&b_actor, a, "viewer").await });
        let outcomes = [first.await.unwrap(), second.await.unwrap()];
        let owners = owners_of(&o).await;
        assert_eq!(owners, 1, "{outcomes:?}");
        assert_eq!(outcomes.iter().filter(|r| r.is_ok()).count(), 1);
        assert_eq!(events(&o, "member.role_changed").await.len(), 1);
    }
}

async fn owners_removing_each_other_leave_one_owner(store: Store) {
    for _ in 0..4 {
        let o = organisation(store.clone(), 2).await;
        let [(a, a_actor), (b, b_actor)] = [o.owners[0].clone(), o.owners[1].clone()];
        let app = o.app.clone();
        let first = tokio::spawn({
            let app = app.clone();
            async move { app.remove_member(&a_actor, b).await }
        });
        let second = tokio::spawn(async move { app.remove_member(&b_actor, a).await });
        let outcomes = [first.await.unwrap(), second.await.unwrap()];
        assert_eq!(owners_of(&o).await, 1, "{outcomes:?}");
        for refused in outcomes.iter().filter_map(|r| r.as_ref().err()) {
            assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
        }
    }
}

async fn owners_of(o: &Org) -> usize {
    let store = o.app.store();
    let mut tx = store.read().await.unwrap();
    tx.count_owners(o.org).await.unwrap() as usize
}

async fn one_soa_version_is_approved_once_and_only_the_newest(store: Store) {
    let o = organisation(store, 1).await;
    let owner = o.owners[0].1.clone();
    let v1 = o.app.generate_soa_version(&owner).await.unwrap();
    let mut approvals = JoinSet::new();
    for _ in 0..6 {
        let (app, actor) = (o.app.clone(), owner.clone());
        approvals.spawn(async move { app.approve_soa_version(&actor, v1).await });
    }
    let outcomes = approvals.join_all().await;
    assert_eq!(
        outcomes.iter().filter(|r| r.is_ok()).count(),
        1,
        "{outcomes:?}"
    );
    assert_eq!(events(&o, "soa.approved").await.len(), 1);

    // Versions generated at once get numbers in order, and only the newest can be approved.
    let mut generated = JoinSet::new();
    for _ in 0..4 {
        let (app, actor) = (o.app.clone(), owner.clone());
        generated.spawn(async move { app.generate_soa_version(&actor).await.unwrap() });
    }
    let mut numbers = generated.join_all().await;
    numbers.sort_unstable();
    assert_eq!(numbers, [v1 + 1, v1 + 2, v1 + 3, v1 + 4]);
    let stale = o.app.approve_soa_version(&owner, v1 + 2).await.unwrap_err();
    match stale {
        AppError::Conflict(why) => assert!(why.contains("superseded by version"), "{why}"),
        other => panic!("{other:?}"),
    }
    o.app.approve_soa_version(&owner, v1 + 4).await.unwrap();
}

fn risk(title: &str, likelihood: u8) -> RiskFacts {
    RiskFacts {
        title: title.into(),
        description: String::new(),
        systems: vec![],
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: None,
        inherent_likelihood: likelihood,
        inherent_impact: 3,
        treatment: TreatmentOption::Retain,
        treatment_plan: String::new(),
        controls: vec![],
        actions: vec![],
        residual_likelihood: None,
        residual_impact: None,
        review_due: None,
        status: RiskStatus::Assessed,
    }
}

async fn risk_edits_from_one_revision_do_not_both_land(store: Store) {
    let o = organisation(store, 1).await;
    let owner = o.owners[0].1.clone();
    let (created, _) = o.app.create_risk(&owner, risk("Drift", 2)).await.unwrap();
    let mut edits = JoinSet::new();
    for n in 0..6u8 {
        let (app, actor) = (o.app.clone(), owner.clone());
        let (id, revision) = (created.id, created.revision);
        edits.spawn(async move {
            let title = format!("Drift, seen by reviewer {n}");
            app.update_risk(&actor, id, revision, risk(&title, 1 + n % 5))
                .await
        });
    }
    let outcomes = edits.join_all().await;
    let landed: Vec<_> = outcomes.iter().filter_map(|r| r.as_ref().ok()).collect();
    assert_eq!(landed.len(), 1, "{outcomes:?}");
    for refused in outcomes.iter().filter_map(|r| r.as_ref().err()) {
        assert!(matches!(refused, AppError::Conflict(_)), "{refused:?}");
    }
    let (now, _) = o.app.risk(&owner, created.id).await.unwrap();
    assert_eq!(now.facts.title, landed[0].0.facts.title);
    assert_eq!(now.revision, created.revision + 1);
    assert_eq!(events(&o, "risk.updated").await.len(), 1);
}
