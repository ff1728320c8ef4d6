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
mod engines;
mod people;

use people::{START, actions, details, id, person, trail};

on_both_engines! {
    risks_are_numbered_per_organisation_and_each_creation_is_audited,
    invalid_risks_and_filters_name_the_field_and_leave_nothing_behind,
    an_edit_from_a_stale_revision_is_a_conflict_and_changes_nothing,
    acceptance_needs_the_owner_another_rater_and_above_the_appetite_the_named_role,
    changing_ratings_or_treatment_withdraws_an_acceptance_and_the_event_says_so,
    a_new_method_rescores_every_risk_and_withdraws_acceptances_whose_level_moved,
    deleting_a_risk_removes_it_and_is_audited,
    the_register_filters_and_sorts,
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

async fn acceptance_needs_the_owner_another_rater_and_above_the_appetite_the_named_role(
    store: Store,
) {
    let r = register(store).await;
    let mut low = facts("Prompt injection", 2, 2);
    low.owner = Some(id(&r.editor));
    let (risk, _) = r.app.create_risk(&r.editor, low.clone()).await.unwrap();
    let before = mark(&r).await;

    // The owner rated it: someone else must look at the ratings first (four eyes).
    let why = assert_invalid(
        r.app.accept_risk(&r.editor, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert!(why.contains("four eyes"), "{why}");
    // Only the owner signs off, with a reason, and only a person.
    let why = assert_invalid(
        r.app.accept_risk(&r.rater, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert!(why.contains("risk owner"), "{why}");
    assert_invalid(
        r.app.accept_risk(&r.editor, risk.id, "   ").await,
        "acceptance.note",
    );
    let automation = Actor {
        kind: ActorKind::System,
        ..r.editor.clone()
    };
    assert_invalid(
        r.app.accept_risk(&automation, risk.id, "Low enough").await,
        "acceptance.by",
    );
    assert_not_found(
        r.app
            .accept_risk(&r.editor, RiskId::new(), "Low enough")
            .await,
        "risk",
    );
    let (unowned, _) = r
        .app
        .create_risk(&r.rater, facts("Nobody's", 1, 1))
        .await
        .unwrap();
    assert_invalid(
        r.app.accept_risk(&r.editor, unowned.id, "Fine").await,
        "owner",
    );
    let before_rating = mark(&r).await;
    assert_eq!(
        before_rating,
        before + 1,
        "only the unowned risk was recorded"
    );

    // Another editor rates it again (Medium, still within the appetite): now the owner may.
    low.inherent_impact = 3;
    let (rated, _) = r
        .app
        .update_risk(&r.rater, risk.id, risk.revision, low.clone())
        .await
        .unwrap();
    assert_eq!(rated.rated_by, Some(id(&r.rater)));
    let before = mark(&r).await;
    let (accepted, method) = r
        .app
        .accept_risk(
            &r.editor,
            risk.id,
            "  Monitored weekly by the support team ",
        )
        .await
        .unwrap();
    let acceptance = accepted.acceptance.clone().unwrap();
    assert_eq!(acceptance.by, id(&r.editor));
    assert_eq!(acceptance.at, START);
    assert_eq!(acceptance.note, "Monitored weekly by the support team");
    assert_eq!(accepted.revision, rated.revision + 1);
    assert!(accepted.within_appetite(&method));
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.accepted"]);
    let change = details(&events[0]);
    assert_eq!(change["residual_level"], "Medium");
    assert_eq!(change["note"], "Monitored weekly by the support team");
    let (stored, _) = r.app.risk(&r.viewer, risk.id).await.unwrap();
    assert_eq!(stored.acceptance, Some(acceptance));

    // Above the appetite (Critical) the default method asks for an owner or admin.
    let mut critical = facts("Unsafe medical advice", 5, 5);
    critical.owner = Some(id(&r.editor));
    let (high, _) = r.app.create_risk(&r.rater, critical.clone()).await.unwrap();
    let before = mark(&r).await;
    let why = assert_invalid(
        r.app.accept_risk(&r.editor, high.id, "We accept it").await,
        "acceptance.by",
    );
    assert!(why.contains("owner or admin"), "{why}");
    assert!(since(&r, before).await.is_empty());
    // The organisation's owner takes the risk over; that is no rating, so the rater stays.
    critical.owner = Some(id(&r.owner));
    let (moved, _) = r
        .app
        .update_risk(&r.editor, high.id, high.revision, critical)
        .await
        .unwrap();
    assert_eq!(moved.rated_by, Some(id(&r.rater)));
    let (accepted, method) = r
        .app
        .accept_risk(
            &r.owner,
            high.id,
            "Shipped with a disclaimer; reviewed monthly",
        )
        .await
        .unwrap();
    assert!(!accepted.within_appetite(&method));
    assert_eq!(accepted.acceptance.unwrap().by, id(&r.owner));

    // A method that names editors lets an editor accept above the appetite.
    let mut editors = RiskMethod::default_five_by_five();
    editors.accept_above_appetite = vec![Role::Editor];
    r.app.set_risk_method(&r.admin, editors).await.unwrap();
    let mut another = facts("Jailbreak to hate speech", 5, 4);
    another.owner = Some(id(&r.editor));
    let (another, _) = r.app.create_risk(&r.rater, another).await.unwrap();
    let (accepted, _) = r
        .app
        .accept_risk(&r.editor, another.id, "Filtered downstream")
        .await
        .unwrap();
    assert!(accepted.acceptance.is_some());
    // ... and then no longer an owner.
    let mut theirs = facts("Copyright claims", 5, 5);
    theirs.owner = Some(id(&r.owner));
    let (theirs, _) = r.app.create_risk(&r.rater, theirs).await.unwrap();
    let why = assert_invalid(
        r.app.accept_risk(&r.owner, theirs.id, "Insured").await,
        "acceptance.by",
    );
    assert!(why.contains("editor"), "{why}");
}

async fn changing_ratings_or_treatment_withdraws_an_acceptance_and_the_event_says_so(store: Store) {
    let r = register(store).await;
    let mut f = facts("Hallucinated citations", 2, 3);
    f.owner = Some(id(&r.editor));
    let (risk, _) = r.app.create_risk(&r.rater, f.clone()).await.unwrap();
    let (accepted, _) = r
        .app
        .accept_risk(&r.editor, risk.id, "Users are told to check sources")
        .await
        .unwrap();

    // Words alone keep the acceptance.
    f.description = "Seen twice in March".into();
    let before = mark(&r).await;
    let (kept, _) = r
        .app
        .update_risk(&r.rater, risk.id, accepted.revision, f.clone())
        .await
        .unwrap();
    assert_eq!(kept.acceptance, accepted.acceptance);
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.updated"]);
    assert_eq!(details(&events[0])["acceptance_withdrawn"], false);

    // A new rating withdraws it, and the event records that it did.
    f.inherent_likelihood = 3;
    let before = mark(&r).await;
    let (rerated, _) = r
        .app
        .update_risk(&r.rater, risk.id, kept.revision, f.clone())
        .await
        .unwrap();
    assert_eq!(rerated.acceptance, None);
    assert_eq!(rerated.rated_by, Some(id(&r.rater)));
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk.updated"]);
    let change = details(&events[0]);
    assert_eq!(change["acceptance_withdrawn"], true);
    assert_eq!(change["fields"], serde_json::json!(["inherent_likelihood"]));
    let (stored, _) = r.app.risk(&r.viewer, risk.id).await.unwrap();
    assert_eq!(stored.acceptance, None);

    // So does another treatment, after a fresh acceptance.
    let (again, _) = r
        .app
        .accept_risk(&r.editor, risk.id, "Still within the appetite")
        .await
        .unwrap();
    f.treatment = TreatmentOption::Share;
    let before = mark(&r).await;
    let (shared, _) = r
        .app
        .update_risk(&r.rater, risk.id, again.revision, f)
        .await
        .unwrap();
    assert_eq!(shared.acceptance, None);
    assert_eq!(
        shared.rated_by,
        Some(id(&r.rater)),
        "a treatment is no rating"
    );
    let change = details(&since(&r, before).await[0]);
    assert_eq!(change["acceptance_withdrawn"], true);
    assert_eq!(change["fields"], serde_json::json!(["treatment"]));
}

/// Three steps on each scale, three risk levels; acceptable up to Medium.
fn three_by_three() -> RiskMethod {
    let mut m = RiskMethod::default_five_by_five();
    m.likelihood.levels.truncate(3);
    m.impact.levels.truncate(3);
    m.risk_levels.truncate(3);
    m.matrix = vec![vec![0, 0, 1], vec![0, 1, 2], vec![1, 2, 2]];
    m
}

async fn a_new_method_rescores_every_risk_and_withdraws_acceptances_whose_level_moved(
    store: Store,
) {
    let r = register(store).await;
    let owned = |title: &str, l: u8, i: u8| RiskFacts {
        owner: Some(id(&r.editor)),
        ..facts(title, l, i)
    };
    let mut created = Vec::new();
    let mut residual = owned("Model theft", 4, 4);
    (residual.residual_likelihood, residual.residual_impact) = (Some(1), Some(2));
    for f in [
        owned("Unsafe advice", 5, 5),
        owned("Typos in answers", 1, 1),
        owned("Stale knowledge", 2, 4),
        residual,
    ] {
        created.push(r.app.create_risk(&r.rater, f).await.unwrap().0);
    }
    // R-2 (Low) and R-3 (Medium) are accepted by their owner.
    for risk in &created[1..3] {
        r.app
            .accept_risk(&r.editor, risk.id, "Within the appetite")
            .await
            .unwrap();
    }

    // Only owners and admins change the method, and only to a valid one.
    assert_denied(
        r.app.set_risk_method(&r.editor, three_by_three()).await,
        Permission::ManageOrganisation,
    );
    let before = mark(&r).await;
    let mut broken = three_by_three();
    broken.matrix.pop();
    assert_invalid(r.app.set_risk_method(&r.owner, broken).await, "matrix");
    let mut broken = three_by_three();
    broken.acceptable_up_to = 3;
    assert_invalid(
        r.app.set_risk_method(&r.owner, broken).await,
        "acceptable_up_to",
    );
    let mut broken = three_by_three();
    broken.accept_above_appetite = vec![Role::Viewer];
    assert_invalid(
        r.app.set_risk_method(&r.owner, broken).await,
        "accept_above_appetite",
    );
    assert!(since(&r, before).await.is_empty());
    assert_eq!(
        r.app.risk_method(&r.viewer).await.unwrap(),
        RiskMethod::default_five_by_five()
    );

    let rescored = r
        .app
        .set_risk_method(&r.owner, three_by_three())
        .await
        .unwrap();
    assert_eq!(rescored, 4);
    let events = since(&r, before).await;
    assert_eq!(actions(&events), ["risk_method.changed"]);
    assert_eq!(events[0].object_id, r.org.to_string());
    let change = details(&events[0]);
    assert_eq!(change["risks_rescored"], 4);
    assert_eq!(change["acceptances_withdrawn"], serde_json::json!(["R-3"]));
    let lines: Vec<&str> = change["changes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("likelihood scale: 5 levels")),
        "{lines:?}"
    );
    assert_eq!(
        r.app.risk_method(&r.viewer).await.unwrap(),
        three_by_three()
    );

    // Each score keeps its place on its scale: 5 → 3, 4 → 3, 2 → 2, 1 → 1.
    let scores = |risk: &Risk| {
        let f = &risk.facts;
        (
            f.inherent_likelihood,
            f.inherent_impact,
            f.residual_likelihood,
            f.residual_impact,
        )
    };
    let mut after = Vec::new();
    for risk in &created {
        let (now, method) = r.app.risk(&r.viewer, risk.id).await.unwrap();
        assert_eq!(method, three_by_three());
        assert!(
            now.revision > risk.revision,
            "R-{} kept its revision",
            now.number
        );
        after.push(now);
    }
    assert_eq!(scores(&after[0]), (3, 3, None, None));
    assert_eq!(scores(&after[1]), (1, 1, None, None));
    assert_eq!(scores(&after[2]), (2, 3, None, None));
    assert_eq!(scores(&after[3]), (3, 3, Some(1), Some(2)));
    // R-2 stayed Low and keeps its acceptance; R-3 went from Medium to High and loses it.
    assert!(after[1].acceptance.is_some());
    assert_eq!(after[2].acceptance, None);
    let method = three_by_three();
    let levels: Vec<&str> = after
        .iter()
        .map(|risk| method.level_label(risk.residual_level(&method)))
        .collect();
    assert_eq!(levels, ["High", "Low", "High", "Low"]);
    // The list reads levels stored by the rescoring.
    let high = RiskFilter {
        min_level: Some("High".into()),
        ..Default::default()
    };
    assert_eq!(list(&r, high).await, [1, 3]);
    // New risks are rated on the new scales.
    assert_invalid(
        r.app.create_risk(&r.editor, facts("Too big", 4, 1)).await,
        "inherent_likelihood",
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

async fn the_register_filters_and_sorts(store: Store) {
    let r = register(store).await;
    let system = async |name: &str| {
        r.app
            .create_ai_system(&r.editor, SystemFacts::new(name, "Helps customers"))
            .await
            .unwrap()
            .id
    };
    let (chat, scorer) = (system("Chat assistant").await, system("Loan scorer").await);
    let day = |n: i64| Some(START.plus_days(n));

    let mut one = facts("Model drift", 1, 1);
    (one.systems, one.review_due, one.status) = (vec![chat], day(-1), RiskStatus::Identified);
    let mut two = facts("Unfair refusals", 5, 5);
    (two.systems, two.review_due) = (vec![chat, scorer], day(10));
    let mut three = facts("Prompt injection", 3, 3);
    (three.treatment, three.controls) = (TreatmentOption::Modify, vec!["A.6.2.4".into()]);
    (three.residual_likelihood, three.residual_impact) = (Some(2), Some(2));
    (three.review_due, three.status) = (day(-2), RiskStatus::TreatmentPlanned);
    let mut four = facts("Retired chatbot logs", 4, 4);
    (four.review_due, four.status) = (day(-5), RiskStatus::Closed);
    let five = facts("Vendor lock-in", 2, 3);
    for f in [one, two, three, four, five] {
        r.app.create_risk(&r.editor, f).await.unwrap();
    }
    let filter = |f: fn(&mut RiskFilter)| {
        let mut filter = RiskFilter::default();
        f(&mut filter);
        filter
    };

    assert_eq!(list(&r, RiskFilter::default()).await, [1, 2, 3, 4, 5]);
    assert_eq!(
        list(&r, filter(|f| f.status = Some("assessed".into()))).await,
        [2, 5]
    );
    assert_eq!(
        list(&r, filter(|f| f.status = Some("closed".into()))).await,
        [4]
    );
    assert_eq!(
        list(&r, filter(|f| f.treatment = Some("modify".into()))).await,
        [3]
    );
    // The minimum level reads the residual level: R-3 is Medium before treatment, Low after.
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("High".into()))).await,
        [2, 4]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("high".into()))).await,
        [2, 4]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("1".into()))).await,
        [2, 4, 5]
    );
    assert_eq!(
        list(&r, filter(|f| f.min_level = Some("Critical".into()))).await,
        [2]
    );
    // Overdue: a review date that has passed, on a risk that is not closed.
    assert_eq!(list(&r, filter(|f| f.overdue = Some(true))).await, [1, 3]);
    assert_eq!(
        list(&r, filter(|f| f.open = Some(true))).await,
        [1, 2, 3, 5]
    );
    let on = |system: AiSystemId| RiskFilter {
        system: Some(system.to_string()),
        ..Default::default()
    };
    assert_eq!(list(&r, on(chat)).await, [1, 2]);
    assert_eq!(list(&r, on(scorer)).await, [2]);
    assert_eq!(list(&r, on(AiSystemId::new())).await, Vec::<i64>::new());
    // One cell of the heat map, before or after treatment.
    let cell = |l: u8, i: u8, basis: Option<&str>| RiskFilter {
        likelihood: Some(l),
        impact: Some(i),
        basis: basis.map(str::to_owned),
        ..Default::default()
    };
    assert_eq!(list(&r, cell(3, 3, None)).await, [3]);
    assert_eq!(list(&r, cell(2, 2, Some("residual"))).await, [3]);
    assert_eq!(
        list(&r, cell(2, 2, Some("inherent"))).await,
        Vec::<i64>::new()
    );

    // Sorting: by residual level (ties by number the same way), by review date (none last).
    let sorted = |sort: &str| RiskFilter {
        sort: Some(sort.into()),
        ..Default::default()
    };
    assert_eq!(list(&r, sorted("-number")).await, [5, 4, 3, 2, 1]);
    assert_eq!(list(&r, sorted("level")).await, [1, 3, 5, 4, 2]);
    assert_eq!(list(&r, sorted("-level")).await, [2, 4, 5, 3, 1]);
    assert_eq!(list(&r, sorted("review_due")).await, [4, 3, 1, 2, 5]);
    assert_eq!(list(&r, sorted("-review_due")).await, [2, 1, 3, 4, 5]);

    // Paging counts every match.
    let page = r
        .app
        .risks(
            &r.viewer,
            &RiskFilter {
                limit: Some(2),
                offset: Some(1),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    assert_eq!((numbers(&page.risks), page.total), (vec![2, 3], 5));
    assert_eq!((page.limit, page.offset), (2, 1));
    // Filters combine.
    let both = RiskFilter {
        system: Some(chat.to_string()),
        overdue: Some(true),
        ..Default::default()
    };
    assert_eq!(list(&r, both).await, [1]);
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
