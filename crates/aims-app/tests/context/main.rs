//! The context and scope through its use cases, on both engines: a draft goes to review only
//! once it takes a position on climate change, is approved by someone else holding a role
//! that approves documents (four eyes), records the systems in scope and its fingerprint,
//! and stays in force while a change is drafted beside it; a stale edit is a conflict.
//! Every change that succeeds appends its audit event; every refusal appends none.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::context::{
    AiRole, ContextContent, ContextIssue, ContextStatus, InterestedParty, IssueCategory,
    IssueOrigin, PartyKind, fingerprint,
};
use aims_app::domain::inventory::SystemFacts;
use aims_app::domain::work::NotificationKind;
use aims_app::domain::{Actor, Role};
use aims_app::{App, AppError, ContextInput, FixedClock, Store};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

use people::{START, actions, person, trail};

fn content(category: IssueCategory) -> ContextContent {
    ContextContent {
        scope_statement: "AI used in lending decisions and customer service".into(),
        boundaries: "Retail lending division; Lisbon head office".into(),
        issues: vec![ContextIssue {
            origin: Some(IssueOrigin::External),
            category: Some(category),
            description: "Energy drawn by model inference".into(),
            effect: "Reported in the sustainability statement".into(),
        }],
        parties: vec![InterestedParty {
            name: "Borrowers".into(),
            kind: Some(PartyKind::AffectedPeople),
            requirements: "Explanations of credit decisions".into(),
            addressed: true,
            how: "Reason codes on every refusal".into(),
        }],
        ai_roles: vec![AiRole::EuDeployer],
        ..Default::default()
    }
}

fn input(content: ContextContent, revision: Option<i64>) -> ContextInput {
    ContextInput { content, revision }
}

fn conflict(err: AppError) -> String {
    match err {
        AppError::Conflict(message) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

fn invalid(err: AppError) -> &'static str {
    match err {
        AppError::Invalid(e) => e.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn system(app: &App, by: &Actor, name: &str, out_of_scope: &str) {
    let mut facts = SystemFacts::new(name, "Decides things");
    facts.out_of_scope = out_of_scope.into();
    app.create_ai_system(by, facts).await.unwrap();
}

async fn the_context_is_approved_by_another_person_and_then_stays_in_force(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let admin = person(&app, org, "adam", "admin").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    system(&app, &editor, "Credit scoring", "").await;
    system(&app, &editor, "Office spam filter", "Rules only, no AI").await;
    let before = trail(&app, &owner).await.len();

    // A viewer may read, not write; nothing is there yet.
    assert!(matches!(
        app.save_context(&viewer, input(content(IssueCategory::ClimateChange), None))
            .await,
        Err(AppError::Denied(_))
    ));
    let empty = app.context(&viewer).await.unwrap();
    assert!(empty.context.is_none() && empty.versions.is_empty());
    assert_eq!((empty.systems_in_scope, empty.systems_out_of_scope), (1, 1));
    assert_eq!(empty.out_of_scope[0].facts.name, "Office spam filter");

    // A draft without a position on climate change is saved, but not sent for review.
    let saved = app
        .save_context(&editor, input(content(IssueCategory::Technological), None))
        .await
        .unwrap();
    assert_eq!((saved.latest, saved.revision), (1, 1));
    assert_eq!(
        invalid(app.submit_context(&editor, 1).await.unwrap_err()),
        "climate_statement"
    );
    // A stale edit is a conflict; a current one saves.
    let mut stated = content(IssueCategory::Technological);
    stated.climate_statement = "Our models run on a supplier's hydro-powered region".into();
    assert!(
        conflict(
            app.save_context(&editor, input(stated.clone(), Some(7)))
                .await
                .unwrap_err()
        )
        .contains("revision 1 now")
    );
    let saved = app
        .save_context(&editor, input(stated, Some(1)))
        .await
        .unwrap();
    assert_eq!((saved.latest, saved.revision), (1, 2));
    app.submit_context(&editor, 1).await.unwrap();
    // Approvers other than the author are told.
    let inbox = app.inbox(&owner, 10).await.unwrap();
    assert_eq!(
        inbox.notifications[0].kind,
        NotificationKind::ApprovalWaiting
    );
    assert_eq!(inbox.notifications[0].link, "/context");
    // In review it cannot change.
    assert!(
        conflict(
            app.save_context(&editor, input(content(IssueCategory::ClimateChange), None))
                .await
                .unwrap_err()
        )
        .contains("in review")
    );

    // Four eyes: the author may not approve, even as an approver role.
    app.set_document_approvers(&owner, &[Role::Owner, Role::Admin, Role::Editor])
        .await
        .unwrap();
    assert!(conflict(app.approve_context(&editor, 1, "").await.unwrap_err()).contains("four eyes"));
    // Only the roles that approve documents approve the context.
    app.set_document_approvers(&owner, &[Role::Owner])
        .await
        .unwrap();
    assert!(matches!(
        app.approve_context(&admin, 1, "").await,
        Err(AppError::Denied(_))
    ));
    assert!(matches!(
        app.approve_context(&viewer, 1, "").await,
        Err(AppError::Denied(_))
    ));
    let approved = app.approve_context(&owner, 1, "Agreed").await.unwrap();
    assert_eq!(
        (approved.approved, approved.latest_status),
        (Some(1), ContextStatus::Approved)
    );
    let record = app.context(&viewer).await.unwrap();
    let v1 = record.in_force().unwrap().clone();
    assert_eq!(v1.systems.len(), 1);
    assert_eq!(v1.systems[0].name, "Credit scoring");
    assert_eq!(v1.approval.as_ref().unwrap().comment, "Agreed");
    assert_eq!(
        v1.sha256.as_deref().unwrap(),
        fingerprint(org, 1, &v1.content, &v1.systems)
    );
    assert!(record.working().is_none());

    // A change makes a new draft; version 1 stays in force until version 2 is approved.
    let saved = app
        .save_context(
            &editor,
            input(
                content(IssueCategory::ClimateChange),
                Some(approved.revision),
            ),
        )
        .await
        .unwrap();
    assert_eq!((saved.latest, saved.approved), (2, Some(1)));
    let record = app.context(&viewer).await.unwrap();
    assert_eq!(record.in_force().unwrap(), &v1);
    assert_eq!(record.working().unwrap().version, 2);
    let diff = app.compare_context_versions(&viewer, 1, 2).await.unwrap();
    assert!(diff.counts().0 >= 1 && diff.counts().1 >= 1, "{diff:?}");
    // Returned by an approver, re-sent, approved: version 1 is superseded.
    app.submit_context(&editor, 2).await.unwrap();
    app.return_context(&owner, 2, "Name the data centre risk")
        .await
        .unwrap();
    assert_eq!(
        app.inbox(&editor, 10).await.unwrap().notifications[0].kind,
        NotificationKind::Returned
    );
    assert!(conflict(app.approve_context(&owner, 2, "").await.unwrap_err()).contains("draft"));
    app.submit_context(&editor, 2).await.unwrap();
    // Approving a version that is not the latest is refused by name.
    assert!(
        conflict(app.approve_context(&owner, 1, "").await.unwrap_err()).contains("not the latest")
    );
    app.approve_context(&owner, 2, "").await.unwrap();
    let record = app.context(&viewer).await.unwrap();
    assert_eq!(record.in_force().unwrap().version, 2);
    assert_eq!(record.versions[1].status, ContextStatus::Superseded);
    assert_eq!(record.versions[1].sha256, v1.sha256);

    let events = trail(&app, &owner).await;
    let ours: Vec<&str> = actions(&events[before..])
        .into_iter()
        .filter(|a| a.starts_with("context."))
        .collect();
    assert_eq!(
        ours,
        [
            "context.saved",
            "context.saved",
            "context.submitted",
            "context.approved",
            "context.saved",
            "context.submitted",
            "context.returned",
            "context.submitted",
            "context.approved",
        ]
    );
}

async fn another_organisation_sees_none_of_it(store: Store) {
    let app = App::new(store, Arc::new(FixedClock::new(START)));
    let acme = app.admin_create_org("Acme").await.unwrap().id;
    let other = app.admin_create_org("Other").await.unwrap().id;
    let editor = person(&app, acme, "eddie", "editor").await;
    let stranger = person(&app, other, "sam", "owner").await;
    app.save_context(&editor, input(content(IssueCategory::ClimateChange), None))
        .await
        .unwrap();
    assert!(app.context(&stranger).await.unwrap().versions.is_empty());
    assert!(matches!(
        app.context_version(&stranger, 1).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.submit_context(&stranger, 1).await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.compare_context_versions(&stranger, 1, 1).await,
        Err(AppError::NotFound(_))
    ));
}

on_both_engines!(
    the_context_is_approved_by_another_person_and_then_stays_in_force,
    another_organisation_sees_none_of_it,
);
