//! The risk register through its use cases, on both engines: numbering per organisation,
//! validation that names the field, revisions, acceptance (the owner, four eyes and the role
//! the method asks for above the appetite), a change of method, deletion, the list's filters
//! and sorting, and who may see and change what. Every change that succeeds appends exactly
//! one audit event; every refusal appends none.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::audit::AuditEvent;
use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::risk::{
    Risk, RiskFacts, RiskMethod, RiskStatus, TreatmentAction, TreatmentOption,
};
use aims_app::domain::{
    Actor, ActorKind, AiSystemId, Denied, OrgId, Permission, RiskId, Role, UserId,
};
use aims_app::{App, AppError, AuditQuery, FixedClock, RiskFilter, Store};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

mod acceptance;
mod listing;

use people::{START, actions, details, id, person, trail};

on_both_engines! {
    risks_are_numbered_per_organisation_and_each_creation_is_audited,
    invalid_risks_and_filters_name_the_field_and_leave_nothing_behind,
    an_edit_from_a_stale_revision_is_a_conflict_and_changes_nothing,
    deleting_a_risk_removes_it_and_is_audited,
    another_organisation_sees_and_changes_none_of_the_register,
    readers_are_refused_before_anything_is_written,
}

/// An organisation with a person in each role, and the owner of another organisation.
struct Register {
    app: App,
    org: OrgId,
    owner: Actor,
    admin: Actor,
    /// The editor who owns most risks in these tests.
    editor: Actor,
    /// A second editor, who rates risks the first one owns.
    rater: Actor,
    auditor: Actor,
    viewer: Actor,
    outsider: Actor,
}

async fn register(store: Store) -> Register {
    let app = App::new(store, Arc::new(FixedClock::new(START)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let other = app.admin_create_org("Beta").await.unwrap().id;
    Register {
        owner: person(&app, org, "owner", "owner").await,
        admin: person(&app, org, "admin", "admin").await,
        editor: person(&app, org, "editor", "editor").await,
        rater: person(&app, org, "rater", "editor").await,
        auditor: person(&app, org, "auditor", "auditor").await,
        viewer: person(&app, org, "viewer", "viewer").await,
        outsider: person(&app, other, "outsider", "owner").await,
        app,
        org,
    }
}

/// How long Acme's trail is now.
async fn mark(r: &Register) -> usize {
    trail(&r.app, &r.owner).await.len()
}

/// The events Acme's trail gained since `mark`.
async fn since(r: &Register, mark: usize) -> Vec<AuditEvent> {
    trail(&r.app, &r.owner).await.split_off(mark)
}

fn facts(title: &str, likelihood: u8, impact: u8) -> RiskFacts {
    RiskFacts {
        title: title.into(),
        description: String::new(),
        systems: vec![],
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: None,
        inherent_likelihood: likelihood,
        inherent_impact: impact,
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

fn numbers(risks: &[Risk]) -> Vec<i64> {
    risks.iter().map(|r| r.number).collect()
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, AppError>, field: &str) -> String {
    match result {
        Err(AppError::Invalid(e)) => {
            assert_eq!(e.field, field, "{e:?}");
            e.message
        }
        other => panic!("expected a validation error naming {field}, got {other:?}"),
    }
}

#[track_caller]
fn assert_denied<T: std::fmt::Debug>(result: Result<T, AppError>, permission: Permission) {
    match result {
        Err(AppError::Denied(Denied(p))) => assert_eq!(p, permission),
        other => panic!("expected {permission:?} to be denied, got {other:?}"),
    }
}

#[track_caller]
fn assert_not_found<T: std::fmt::Debug>(result: Result<T, AppError>, what: &str) {
    match result {
        Err(AppError::NotFound(found)) => assert_eq!(found, what),
        other => panic!("expected {what} not found, got {other:?}"),
    }
}

async fn list(r: &Register, filter: RiskFilter) -> Vec<i64> {
    numbers(&r.app.risks(&r.viewer, &filter).await.unwrap().risks)
}

async fn risks_are_numbered_per_organisation_and_each_creation_is_audited(store: Store) {
    let r = register(store).await;
    let mut created = Vec::new();
    for title in ["Model drift", "Biased outcomes", "Training data leak"] {
        let before = mark(&r).await;
        let (risk, method) = r
            .app
            .create_risk(&r.editor, facts(title, 2, 3))
            .await
            .unwrap();
        assert_eq!(method, RiskMethod::default_five_by_five());
        assert_eq!(risk.revision, 1);
        assert_eq!(risk.rated_by, Some(id(&r.editor)), "the creator rated it");
        assert_eq!((risk.created_at, risk.updated_at), (START, START));
        let events = since(&r, before).await;
        assert_eq!(actions(&events), ["risk.created"]);
        let event = &events[0];
        assert_eq!(
            (event.object_type.as_str(), event.object_id.clone()),
            ("risk", risk.id.to_string())
        );
        assert_eq!(event.actor.label, r.editor.label);
        let change = details(event);
        assert_eq!(change["number"], risk.number);
        assert_eq!(change["title"], title);
        created.push(risk);
    }
    assert_eq!(numbers(&created), [1, 2, 3]);
    assert_eq!(created[2].reference(), "R-3");

    // Another organisation counts its own risks from 1, in its own trail.
    let (theirs, _) = r
        .app
        .create_risk(&r.outsider, facts("Model drift", 2, 3))
        .await
        .unwrap();
    assert_eq!(theirs.number, 1);
    let beta = trail(&r.app, &r.outsider).await;
    assert_eq!(
        beta.iter().filter(|e| e.action == "risk.created").count(),
        1
    );

    // What was stored reads back as it was returned.
    let page = r
        .app
        .risks(&r.viewer, &RiskFilter::default())
        .await
        .unwrap();
    assert_eq!((numbers(&page.risks), page.total), (vec![1, 2, 3], 3));
    assert!(!page.total_capped);
    let (stored, _) = r.app.risk(&r.viewer, created[0].id).await.unwrap();
    assert_eq!(stored, created[0]);
    let acme = trail(&r.app, &r.owner).await;
    assert_eq!(
        acme.iter().filter(|e| e.action == "risk.created").count(),
        3
    );
    assert!(r.app.verify_chain(r.org).await.unwrap().intact());
}

async fn invalid_risks_and_filters_name_the_field_and_leave_nothing_behind(store: Store) {
    let r = register(store).await;
    let theirs = r
        .app
        .create_ai_system(&r.outsider, SystemFacts::new("Scorer", "Scores loans"))
        .await
        .unwrap();
    let before = mark(&r).await;
    let editor = &r.editor;
    let create = async |f: RiskFacts| r.app.create_risk(editor, f).await;

    assert_invalid(create(facts("  ", 2, 2)).await, "title");
    assert_invalid(create(facts("Drift", 0, 2)).await, "inherent_likelihood");
    let message = assert_invalid(create(facts("Drift", 2, 6)).await, "inherent_impact");
    assert!(message.contains("1 to 5"), "{message}");

    let mut half = facts("Drift", 3, 3);
    half.residual_likelihood = Some(2);
    assert_invalid(create(half.clone()).await, "residual_impact");
    half.residual_likelihood = None;
    half.residual_impact = Some(2);
    assert_invalid(create(half).await, "residual_likelihood");
    let mut raised = facts("Drift", 1, 1);
    (raised.residual_likelihood, raised.residual_impact) = (Some(5), Some(5));
    let message = assert_invalid(create(raised).await, "residual_likelihood");
    assert!(message.contains("cannot raise"), "{message}");

    let mut modify = facts("Drift", 3, 3);
    modify.treatment = TreatmentOption::Modify;
    assert_invalid(create(modify.clone()).await, "controls");
    modify.controls = vec!["A.99.9".into()];
    assert_invalid(create(modify.clone()).await, "controls");
    modify.controls = vec!["4.1".into()];
    assert_invalid(create(modify).await, "controls");

    let mut source = facts("Drift", 3, 3);
    source.risk_source = Some("C.2.1".into());
    assert_invalid(create(source.clone()).await, "risk_source");
    source.risk_source = None;
    source.affected_objective = Some("C.3.1".into());
    assert_invalid(create(source).await, "affected_objective");

    let mut systems = facts("Drift", 3, 3);
    systems.systems = vec![AiSystemId::new()];
    assert_invalid(create(systems.clone()).await, "systems");
    systems.systems = vec![theirs.id];
    assert_invalid(create(systems).await, "systems");

    let mut owned = facts("Drift", 3, 3);
    owned.owner = Some(id(&r.outsider));
    let message = assert_invalid(create(owned.clone()).await, "owner");
    assert!(message.contains("not a member"), "{message}");
    owned.owner = Some(id(&r.editor));
    owned.actions = vec![TreatmentAction {
        title: "Retrain monthly".into(),
        owner: Some(UserId::new()),
        due: None,
        done: false,
    }];
    assert_invalid(create(owned.clone()).await, "actions.owner");
    owned.actions[0].owner = None;
    owned.actions[0].title = String::new();
    assert_invalid(create(owned).await, "actions.title");

    // The list's filters are checked as well, and name their field.
    let filters = [
        (
            RiskFilter {
                sort: Some("colour".into()),
                ..Default::default()
            },
            "sort",
        ),
        (
            RiskFilter {
                min_level: Some("Extreme".into()),
                ..Default::default()
            },
            "min_level",
        ),
        (
            RiskFilter {
                min_level: Some("4".into()),
                ..Default::default()
            },
            "min_level",
        ),
        (
            RiskFilter {
                limit: Some(0),
                ..Default::default()
            },
            "limit",
        ),
        (
            RiskFilter {
                status: Some("forgotten".into()),
                ..Default::default()
            },
            "status",
        ),
        (
            RiskFilter {
                treatment: Some("ignore".into()),
                ..Default::default()
            },
            "treatment",
        ),
        (
            RiskFilter {
                system: Some("not-an-id".into()),
                ..Default::default()
            },
            "system",
        ),
        (
            RiskFilter {
                likelihood: Some(2),
                ..Default::default()
            },
            "impact",
        ),
        (
            RiskFilter {
                likelihood: Some(2),
                impact: Some(2),
                basis: Some("planned".into()),
                ..Default::default()
            },
            "basis",
        ),
    ];
    for (filter, field) in filters {
        assert_invalid(r.app.risks(&r.viewer, &filter).await, field);
    }

    assert_eq!(list(&r, RiskFilter::default()).await, Vec::<i64>::new());
    assert!(
        since(&r, before).await.is_empty(),
        "refusals are not audited"
    );
    // The first risk that is valid still gets the first number.
    let (first, _) = r
        .app
        .create_risk(&r.editor, facts("Drift", 3, 3))
        .await
        .unwrap();
    assert_eq!(first.number, 1);
}

async fn an_edit_from_a_stale_revision_is_a_conflict_and_changes_nothing(store: Store) {
    let r = register(store).await;
    let (created, _) = r
        .app
        .create_risk(&r.editor, facts("Drift", 2, 3))
        .await
        .unwrap();

    let before = mark(&r).await;
    let mut edited = facts("Model drift after retraining", 2, 3);
    edited.description = "Seen in the loan scorer".into();
    let (updated, _) = r
        .app
        .update_risk(&r.rater, created.id, created.revision, edited.clone())
        .await
        .unwrap();
    assert_eq!(updated.revision, created.revision + 1);
    assert_eq!(updated.number, created.number);
    assert_eq!(
        updated.rated_by,
        Some(id(&r.editor)),
        "the ratings did not change, so neither did who set them"
    );
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.updated"]);
    assert_eq!(events[0].object_id, created.id.to_string());
    let change = details(&events[0]);
    assert_eq!(
        change["fields"],
        serde_json::json!(["title", "description"])
    );
    assert_eq!(change["acceptance_withdrawn"], false);

    // A second edit from the revision the first one started from is refused.
    let before = mark(&r).await;
    let stale = r
        .app
        .update_risk(
            &r.editor,
            created.id,
            created.revision,
            facts("Other", 4, 4),
        )
        .await
        .unwrap_err();
    match &stale {
        AppError::Conflict(why) => assert!(why.contains("R-1"), "{why}"),
        other => panic!("{other:?}"),
    }
    let (now, _) = r.app.risk(&r.viewer, created.id).await.unwrap();
    assert_eq!(now, updated, "the stale edit changed nothing");

    // An edit that changes nothing keeps the revision and is not audited.
    let (same, _) = r
        .app
        .update_risk(&r.editor, created.id, updated.revision, edited)
        .await
        .unwrap();
    assert_eq!(same.revision, updated.revision);
    assert!(since(&r, before).await.is_empty());

    // A risk that does not exist is not found, not a conflict.
    assert_not_found(
        r.app
            .update_risk(&r.editor, RiskId::new(), 1, facts("Ghost", 1, 1))
            .await,
        "risk",
    );
}

async fn deleting_a_risk_removes_it_and_is_audited(store: Store) {
    let r = register(store).await;
    let mut ids = Vec::new();
    for title in ["Drift", "Bias", "Leak"] {
        ids.push(
            r.app
                .create_risk(&r.editor, facts(title, 2, 2))
                .await
                .unwrap()
                .0
                .id,
        );
    }
    let before = mark(&r).await;
    r.app.delete_risk(&r.editor, ids[1]).await.unwrap();
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.deleted"]);
    assert_eq!(events[0].object_id, ids[1].to_string());
    let change = details(&events[0]);
    assert_eq!(
        (change["number"].as_i64(), change["title"].as_str()),
        (Some(2), Some("Bias"))
    );

    assert_not_found(r.app.risk(&r.viewer, ids[1]).await, "risk");
    assert_eq!(list(&r, RiskFilter::default()).await, [1, 3]);
    assert_eq!(
        r.app
            .risks(&r.viewer, &RiskFilter::default())
            .await
            .unwrap()
            .total,
        2
    );

    // The last number given is never given again, though its risk is gone: the trail names
    // R-3 for the deleted one only.
    r.app.delete_risk(&r.editor, ids[2]).await.unwrap();
    let (next, _) = r
        .app
        .create_risk(&r.editor, facts("Leak again", 2, 2))
        .await
        .unwrap();
    assert_eq!(next.number, 4);

    // Gone is gone: deleting, editing or accepting it again is not found and not audited.
    let before = mark(&r).await;
    assert_not_found(r.app.delete_risk(&r.editor, ids[1]).await, "risk");
    assert_not_found(
        r.app
            .update_risk(&r.editor, ids[1], 1, facts("Bias", 2, 2))
            .await,
        "risk",
    );
    assert_not_found(r.app.accept_risk(&r.editor, ids[1], "ok").await, "risk");
    assert!(since(&r, before).await.is_empty());
    assert!(r.app.verify_chain(r.org).await.unwrap().intact());
}

async fn another_organisation_sees_and_changes_none_of_the_register(store: Store) {
    let r = register(store).await;
    let system = r
        .app
        .create_ai_system(&r.editor, SystemFacts::new("Scorer", "Scores loans"))
        .await
        .unwrap();
    let mut f = facts("Drift", 3, 3);
    (f.owner, f.systems) = (Some(id(&r.editor)), vec![system.id]);
    let (risk, _) = r.app.create_risk(&r.rater, f.clone()).await.unwrap();
    let acme = mark(&r).await;
    let beta = trail(&r.app, &r.outsider).await.len();

    let outsider = &r.outsider;
    assert_not_found(r.app.risk(outsider, risk.id).await, "risk");
    assert_not_found(
        r.app
            .update_risk(outsider, risk.id, risk.revision, facts("Mine", 1, 1))
            .await,
        "risk",
    );
    assert_not_found(r.app.accept_risk(outsider, risk.id, "Fine").await, "risk");
    assert_not_found(r.app.delete_risk(outsider, risk.id).await, "risk");
    let page = r.app.risks(outsider, &RiskFilter::default()).await.unwrap();
    assert_eq!((page.risks.len(), page.total), (0, 0));
    let theirs = RiskFilter {
        system: Some(system.id.to_string()),
        ..Default::default()
    };
    assert!(
        r.app
            .risks(outsider, &theirs)
            .await
            .unwrap()
            .risks
            .is_empty()
    );
    // Acme's system and people cannot be named from Beta.
    assert_invalid(r.app.create_risk(outsider, f.clone()).await, "owner");
    f.owner = None;
    assert_invalid(r.app.create_risk(outsider, f).await, "systems");

    assert_eq!(mark(&r).await, acme);
    assert_eq!(trail(&r.app, &r.outsider).await.len(), beta);
    let (still, _) = r.app.risk(&r.viewer, risk.id).await.unwrap();
    assert_eq!(still, risk);
}

async fn readers_are_refused_before_anything_is_written(store: Store) {
    let r = register(store).await;
    let (risk, _) = r
        .app
        .create_risk(&r.editor, facts("Drift", 2, 2))
        .await
        .unwrap();
    let before = mark(&r).await;
    for reader in [&r.viewer, &r.auditor] {
        // Refused before the input is even looked at: an empty title is not reported.
        assert_denied(
            r.app.create_risk(reader, facts("", 0, 0)).await,
            Permission::EditContent,
        );
        assert_denied(
            r.app
                .update_risk(reader, risk.id, risk.revision, facts("Mine", 1, 1))
                .await,
            Permission::EditContent,
        );
        assert_denied(
            r.app.accept_risk(reader, risk.id, "Fine").await,
            Permission::EditContent,
        );
        assert_denied(
            r.app.delete_risk(reader, risk.id).await,
            Permission::EditContent,
        );
        assert_denied(
            r.app
                .set_risk_method(reader, RiskMethod::default_five_by_five())
                .await,
            Permission::ManageOrganisation,
        );
        // Reading is allowed.
        assert_eq!(r.app.risk(reader, risk.id).await.unwrap().0, risk);
        assert_eq!(
            r.app
                .risks(reader, &RiskFilter::default())
                .await
                .unwrap()
                .total,
            1
        );
    }
    // A viewer may not read the trail either; the owner sees nothing was added.
    assert_denied(
        r.app
            .audit_events(
                &r.viewer,
                AuditQuery {
                    limit: 10,
                    ..Default::default()
                },
                None,
            )
            .await,
        Permission::ReadAuditTrail,
    );
    assert!(since(&r, before).await.is_empty());
    let (same, _) = r.app.risk(&r.owner, risk.id).await.unwrap();
    assert_eq!(same, risk);
}
