//! Work routing through its use cases, on both engines: tasks made, assigned, worked by their
//! assignee and commented on; "my work" gathering what waits on a person; notifications of
//! assignments, approvals waiting and approvals given; review tasks aims makes once per due
//! review.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::document::{DocumentContent, DocumentKind, DocumentSettings};
use aims_app::domain::work::{
    EmailPreference, NotificationKind, Source, SourceKind, TaskFacts, TaskStatus,
};
use aims_app::domain::{Actor, ActorKind, Role};
use aims_app::{App, AppError, DocumentInput, FixedClock, Store, TaskFilter};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

use people::{START, actions, id, person, trail};

fn task(title: &str) -> TaskFacts {
    TaskFacts {
        title: title.into(),
        ..Default::default()
    }
}

async fn tasks_are_given_worked_and_told(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    let other_org = app.admin_create_org("Beta").await.unwrap().id;
    let outsider = person(&app, other_org, "otto", "owner").await;

    // What is wrong is named; a viewer makes no task.
    let err = app.create_task(&editor, task(" ")).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "title"),
        "{err:?}"
    );
    let mut elsewhere = task("Check");
    elsewhere.assignee = Some(id(&outsider));
    let err = app.create_task(&editor, elsewhere).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "assignee"),
        "{err:?}"
    );
    let mut nowhere = task("Check");
    nowhere.source = Some(Source {
        kind: SourceKind::Risk,
        id: "not-a-risk".into(),
    });
    let err = app.create_task(&editor, nowhere).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "source.id"),
        "{err:?}"
    );
    assert!(matches!(
        app.create_task(&viewer, task("Mine")).await,
        Err(AppError::Denied(_))
    ));

    let mut facts = task("Read the model card");
    facts.assignee = Some(id(&viewer));
    facts.due = Some(START.plus_days(1));
    let t = app.create_task(&editor, facts.clone()).await.unwrap();
    let inbox = app.inbox(&viewer, 10).await.unwrap();
    assert_eq!(inbox.unread, 1);
    assert_eq!(inbox.notifications[0].kind, NotificationKind::Assigned);
    assert_eq!(inbox.notifications[0].link, format!("/tasks/{}", t.id));
    assert_eq!(
        app.inbox(&editor, 10).await.unwrap().unread,
        0,
        "not told of one's own act"
    );

    // The assignee works it: status and description, not the title or who holds it.
    let mut renamed = facts.clone();
    renamed.title = "Something else".into();
    assert!(matches!(
        app.update_task(&viewer, t.id, 1, renamed).await,
        Err(AppError::Denied(_))
    ));
    let mut working = facts.clone();
    working.status = Some(TaskStatus::InProgress);
    let t2 = app
        .update_task(&viewer, t.id, 1, working.clone())
        .await
        .unwrap();
    assert_eq!(t2.revision, 2);
    let err = app
        .update_task(&viewer, t.id, 1, working.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    app.comment_on_task(&viewer, t.id, "Halfway").await.unwrap();
    let mut finished = working;
    finished.status = Some(TaskStatus::Done);
    let t3 = app.update_task(&viewer, t.id, 2, finished).await.unwrap();
    assert_eq!(t3.completed_at, Some(START));
    // Someone neither editing nor assigned may not touch it; another organisation sees nothing.
    let auditor = person(&app, org, "aud", "auditor").await;
    assert!(matches!(
        app.comment_on_task(&auditor, t.id, "x").await,
        Err(AppError::Denied(_))
    ));
    assert!(matches!(
        app.task(&outsider, t.id).await,
        Err(AppError::NotFound(_))
    ));
    let record = app.task(&owner, t.id).await.unwrap();
    assert_eq!(record.comments.len(), 1);
    // Handing it on tells the new assignee.
    let mut handed = record.task.facts.clone();
    handed.assignee = Some(id(&owner));
    app.update_task(&editor, t.id, 3, handed).await.unwrap();
    assert_eq!(app.inbox(&owner, 10).await.unwrap().unread, 1);

    let (open, total) = app
        .tasks(
            &owner,
            &TaskFilter {
                open_only: true,
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!((total, open.len()), (0, 0), "the one task is done");

    // Marking read, one or all, and the email preference (a person's, never a token's).
    assert_eq!(app.mark_read(&viewer, None).await.unwrap(), 1);
    assert_eq!(app.unread_notifications(&viewer).await.unwrap(), 0);
    app.set_email_preference(&viewer, EmailPreference::Digest)
        .await
        .unwrap();
    assert_eq!(
        app.email_preference(&viewer).await.unwrap(),
        EmailPreference::Digest
    );
    let token = Actor {
        kind: ActorKind::Token {
            token: aims_app::domain::ApiTokenId::new(),
            owner: id(&viewer),
        },
        ..viewer.clone()
    };
    assert!(matches!(
        app.set_email_preference(&token, EmailPreference::Off).await,
        Err(AppError::Denied(_))
    ));
    // Owning a system or a risk is told too, once, and not on a change that keeps the owner.
    let before = app.inbox(&viewer, 50).await.unwrap().notifications.len();
    let system = app
        .create_ai_system(
            &editor,
            aims_app::domain::inventory::SystemFacts {
                owner: Some(id(&viewer)),
                ..aims_app::domain::inventory::SystemFacts::new("Scorer", "Scores loans")
            },
        )
        .await
        .unwrap();
    let mut renamed = system.facts.clone();
    renamed.description = "Scores consumer loans".into();
    app.update_ai_system(&editor, system.id, system.revision, renamed)
        .await
        .unwrap();
    let inbox = app.inbox(&viewer, 50).await.unwrap();
    assert_eq!(inbox.notifications.len(), before + 1);
    assert_eq!(
        inbox.notifications[0].link,
        format!("/systems/{}", system.id)
    );
    let risk: aims_app::domain::risk::RiskFacts = serde_json::from_value(serde_json::json!({
        "title": "Unfair refusals", "description": "", "systems": [], "risk_source": null,
        "affected_objective": null, "lifecycle_stage": null, "owner": id(&viewer).to_string(),
        "inherent_likelihood": 3, "inherent_impact": 4, "treatment": "retain", "treatment_plan": "",
        "controls": [], "actions": [], "residual_likelihood": null, "residual_impact": null,
        "review_due": null, "status": "identified",
    }))
    .unwrap();
    let (risk, _) = app.create_risk(&editor, risk).await.unwrap();
    let inbox = app.inbox(&viewer, 50).await.unwrap();
    assert_eq!(inbox.notifications[0].link, format!("/risks/{}", risk.id));
    assert!(
        inbox.notifications[0].title.contains("R-1"),
        "{:?}",
        inbox.notifications[0]
    );

    let events = trail(&app, &owner).await;
    let task_events: Vec<&str> = actions(&events)
        .into_iter()
        .filter(|a| a.starts_with("task") || a.starts_with("account.email"))
        .collect();
    assert_eq!(
        task_events,
        vec![
            "task.created",
            "task.updated",
            "task.commented",
            "task.updated",
            "task.updated",
            "account.email_preference_changed"
        ]
    );
}

fn policy(owner: aims_app::domain::UserId) -> DocumentInput {
    DocumentInput {
        content: DocumentContent {
            kind: Some(DocumentKind::Policy),
            title: "AI policy".into(),
            body: "We commit.".into(),
            serves: Vec::new(),
            attachment: None,
        },
        settings: DocumentSettings {
            owner: Some(owner),
            review_months: 1,
            acknowledge_roles: vec![Role::Viewer],
        },
        revision: None,
    }
}

async fn my_work_gathers_what_waits_and_aims_makes_review_tasks_once(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let admin = person(&app, org, "adam", "admin").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;

    let doc = app
        .create_document(&editor, policy(id(&editor)))
        .await
        .unwrap();
    app.submit_document(&editor, doc.id, 1).await.unwrap();
    // Approvers other than the author are told, and find it in their work; the author not.
    for approver in [&owner, &admin] {
        let inbox = app.inbox(approver, 10).await.unwrap();
        assert_eq!(
            inbox.notifications[0].kind,
            NotificationKind::ApprovalWaiting
        );
        let work = app.my_work(approver).await.unwrap();
        assert_eq!(work.approvals.len(), 1);
    }
    assert!(app.my_work(&editor).await.unwrap().approvals.is_empty());

    app.approve_document(&owner, doc.id, 1, "").await.unwrap();
    let told: Vec<NotificationKind> = app
        .inbox(&editor, 10)
        .await
        .unwrap()
        .notifications
        .iter()
        .map(|n| n.kind)
        .collect();
    assert_eq!(told, vec![NotificationKind::Approved]);
    let asked = app.inbox(&viewer, 10).await.unwrap();
    assert_eq!(
        asked.notifications[0].kind,
        NotificationKind::AcknowledgementRequested
    );
    let work = app.my_work(&viewer).await.unwrap();
    assert_eq!(work.to_read.len(), 1);
    app.acknowledge_document(&viewer, doc.id, 1).await.unwrap();
    assert!(app.my_work(&viewer).await.unwrap().to_read.is_empty());

    // Reviewed monthly: a few days on, due within 30 days, it shows as a review to the owner.
    clock.advance(5 * 86_400);
    let work = app.my_work(&editor).await.unwrap();
    assert_eq!((work.document_review_total, work.overdue()), (1, 0));
    assert_eq!(app.open_review_tasks().await.unwrap(), 0, "not due yet");

    // Past the review date aims makes one task for it, once, and tells the owner.
    clock.advance(35 * 86_400);
    assert_eq!(app.open_review_tasks().await.unwrap(), 1);
    assert_eq!(app.open_review_tasks().await.unwrap(), 0);
    let work = app.my_work(&editor).await.unwrap();
    assert_eq!(work.task_total, 1);
    assert!(work.tasks[0].made_by_aims());
    assert_eq!(
        work.tasks[0].facts.source.as_ref().map(|s| s.href()),
        Some(format!("/documents/{}", doc.id))
    );
    assert_eq!(work.overdue(), 2, "the task and the document review");
    assert_eq!(work.total(), 2);
    let inbox = app.inbox(&editor, 10).await.unwrap();
    assert_eq!(inbox.notifications[0].kind, NotificationKind::ReviewDue);
    // Global search finds the document and the task aims made, typos and all.
    let found = app.search(&owner, "AI polcy").await.unwrap();
    assert!(
        found
            .hits
            .iter()
            .any(|h| h.found == aims_app::Found::Document(doc.id) && h.detail == "Policy"),
        "{:?}",
        found.hits
    );
    let found = app.search(&owner, "review").await.unwrap();
    assert!(
        found.hits.iter().any(|h| h.kind == "Task"),
        "{:?}",
        found.hits
    );

    let events = trail(&app, &owner).await;
    let last = events.last().unwrap();
    assert_eq!(last.action.as_str(), "task.created");
    assert_eq!(last.actor.label, "aims reminders");
}

async fn treatment_actions_falling_due_become_tasks_and_filter_the_register(store: Store) {
    use aims_app::RiskFilter;
    use aims_app::domain::risk::{RiskFacts, RiskStatus, TreatmentAction, TreatmentOption};
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    let action = |title: &str, owner, days: Option<i64>, done| TreatmentAction {
        title: title.into(),
        owner,
        due: days.map(|d| START.plus_days(d)),
        done,
    };
    let facts = |title: &str, actions: Vec<TreatmentAction>| RiskFacts {
        title: title.into(),
        description: String::new(),
        systems: vec![],
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: Some(id(&editor)),
        inherent_likelihood: 3,
        inherent_impact: 3,
        treatment: TreatmentOption::Modify,
        treatment_plan: "Retrain and monitor".into(),
        controls: vec![],
        actions,
        residual_likelihood: None,
        residual_impact: None,
        review_due: None,
        status: RiskStatus::Assessed,
    };
    let (drift, _) = app
        .create_risk(
            &editor,
            facts(
                "Model drift",
                vec![
                    action("Set up drift alerts", Some(id(&viewer)), Some(3), false),
                    action("Retrain quarterly", None, Some(20), false),
                    action("Write the runbook", None, Some(1), true),
                ],
            ),
        )
        .await
        .unwrap();
    app.create_risk(
        &editor,
        facts("No dates", vec![action("Someday", None, None, false)]),
    )
    .await
    .unwrap();
    // Within a week of its due day an action is its owner's task (the risk's owner when it
    // names none); a done action and one three weeks off are not.
    assert_eq!(app.open_review_tasks().await.unwrap(), 1);
    assert_eq!(
        app.open_review_tasks().await.unwrap(),
        0,
        "once per action and day"
    );
    let mine = app.my_work(&viewer).await.unwrap();
    assert_eq!(mine.task_total, 1);
    assert!(mine.tasks[0].facts.title.contains("Set up drift alerts"));
    assert_eq!(
        mine.tasks[0].facts.source.as_ref().map(|s| s.href()),
        Some(format!("/risks/{}", drift.id))
    );
    let reader = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Viewer,
        label: "reader".into(),
    };
    let overdue = |app: App, reader: Actor| async move {
        app.risks(
            &reader,
            &RiskFilter {
                actions_overdue: Some(true),
                ..Default::default()
            },
        )
        .await
        .unwrap()
        .total
    };
    assert_eq!(
        overdue(app.clone(), reader.clone()).await,
        0,
        "nothing past due yet"
    );
    clock.advance(4 * 86_400);
    assert_eq!(overdue(app.clone(), reader.clone()).await, 1);
    clock.advance(12 * 86_400);
    assert_eq!(
        app.open_review_tasks().await.unwrap(),
        1,
        "the second action's turn"
    );
    let work = app.my_work(&editor).await.unwrap();
    assert!(
        work.tasks
            .iter()
            .any(|t| t.facts.title.contains("Retrain quarterly"))
    );
}

on_both_engines!(
    tasks_are_given_worked_and_told,
    my_work_gathers_what_waits_and_aims_makes_review_tasks_once,
    treatment_actions_falling_due_become_tasks_and_filter_the_register,
);
