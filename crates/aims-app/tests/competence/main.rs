//! Roles and competence through their use cases, on both engines: roles defined by editors
//! with member holders who are told; training recorded by people for themselves and by
//! editors for anyone; coverage of AI literacy and required competences; tasks when a
//! record is about to lapse, once per record and day.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::competence::{AimsRoleFacts, TrainingFacts, TrainingKind};
use aims_app::domain::work::{NotificationKind, SourceKind};
use aims_app::{App, AppError, FixedClock, Store, TrainingFilter, TrainingStandingFilter};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

use people::{START, actions, details, id, person, trail};

const DAY: i64 = 86_400;

fn role(name: &str) -> AimsRoleFacts {
    AimsRoleFacts {
        name: name.into(),
        responsibilities: "Answers for the risk register.".into(),
        competences: vec!["Risk assessment".into()],
        references: vec!["iso-iec-42001:A.3.2".into()],
        ..Default::default()
    }
}

fn training(kind: TrainingKind, title: &str, days_ago: i64, lasts: Option<i64>) -> TrainingFacts {
    TrainingFacts {
        kind: Some(kind),
        title: title.into(),
        completed_on: Some(START.plus_days(-days_ago)),
        expires_on: lasts.map(|d| START.plus_days(-days_ago + d)),
        competences: vec!["Risk assessment".into()],
        ..Default::default()
    }
}

fn invalid(err: &AppError) -> &'static str {
    match err {
        AppError::Invalid(v) => v.field,
        other => panic!("expected a validation error, got {other:?}"),
    }
}

async fn roles_are_defined_by_editors_for_members_who_are_told(store: Store) {
    let app = App::new(store, Arc::new(FixedClock::new(START)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    let auditor = person(&app, org, "aude", "auditor").await;
    let owner = person(&app, org, "olga", "owner").await;
    let beta = app.admin_create_org("Beta").await.unwrap().id;
    let outsider = person(&app, beta, "otto", "owner").await;

    // A viewer defines no role; bad input names its field.
    let err = app
        .create_aims_role(&viewer, role("Risk owner"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Denied(_)), "{err:?}");
    let mut elsewhere = role("Risk owner");
    elsewhere.holders = vec![id(&outsider)];
    let err = app.create_aims_role(&editor, elsewhere).await.unwrap_err();
    assert_eq!(invalid(&err), "holders");
    let mut unknown = role("Risk owner");
    unknown.references = vec!["iso-iec-42001:Z.9".into()];
    let err = app.create_aims_role(&editor, unknown).await.unwrap_err();
    assert_eq!(invalid(&err), "references");

    let mut facts = role("Risk owner");
    facts.holders = vec![id(&viewer)];
    let made = app.create_aims_role(&editor, facts.clone()).await.unwrap();
    assert_eq!(made.revision, 1);
    let inbox = app.inbox(&viewer, 10).await.unwrap();
    assert_eq!(inbox.notifications[0].kind, NotificationKind::RoleGiven);
    assert_eq!(inbox.notifications[0].link, format!("/roles/{}", made.id));
    // Names are one per organisation, whatever their case.
    let err = app
        .create_aims_role(&editor, role("RISK OWNER"))
        .await
        .unwrap_err();
    assert_eq!(invalid(&err), "name");
    // Another organisation neither sees nor changes it.
    assert!(matches!(
        app.aims_role(&outsider, made.id).await,
        Err(AppError::NotFound(_))
    ));
    assert!(app.aims_roles(&outsider).await.unwrap().is_empty());
    assert!(matches!(
        app.delete_aims_role(&outsider, made.id).await,
        Err(AppError::NotFound(_))
    ));

    // A change from the revision read; the newly named holder alone is told; a stale
    // revision is refused.
    facts.holders = vec![id(&viewer), id(&auditor)];
    let changed = app
        .update_aims_role(&editor, made.id, 1, facts.clone())
        .await
        .unwrap();
    assert_eq!(changed.revision, 2);
    assert_eq!(app.inbox(&viewer, 10).await.unwrap().notifications.len(), 1);
    assert_eq!(app.inbox(&auditor, 10).await.unwrap().unread, 1);
    let err = app
        .update_aims_role(&editor, made.id, 1, role("Risk lead"))
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");

    // A holder who leaves stays named until the role is edited, and is not counted.
    app.remove_member(&owner, id(&auditor)).await.unwrap();
    let report = app.competence_report(&editor).await.unwrap();
    assert_eq!(report.roles[0].holders, vec![id(&viewer)]);
    assert_eq!(report.roles[0].former_members, vec![id(&auditor)]);
    let kept = app
        .update_aims_role(
            &editor,
            made.id,
            2,
            AimsRoleFacts {
                name: "Risk owners".into(),
                ..facts.clone()
            },
        )
        .await
        .unwrap();
    assert_eq!(
        kept.facts.holders.len(),
        2,
        "a former member may stay, not be added"
    );
    let mut again = facts.clone();
    again.holders = vec![id(&viewer)];
    let cleared = app
        .update_aims_role(&editor, made.id, 3, again)
        .await
        .unwrap();
    let mut back = facts;
    back.holders = vec![id(&viewer), id(&auditor)];
    let err = app
        .update_aims_role(&editor, made.id, cleared.revision, back)
        .await
        .unwrap_err();
    assert_eq!(invalid(&err), "holders");

    app.delete_aims_role(&editor, made.id).await.unwrap();
    assert!(app.aims_roles(&editor).await.unwrap().is_empty());
    let events = trail(&app, &owner).await;
    let roles: Vec<&str> = actions(&events)
        .into_iter()
        .filter(|a| a.starts_with("aims_role."))
        .collect();
    assert_eq!(
        roles,
        vec![
            "aims_role.created",
            "aims_role.updated",
            "aims_role.updated",
            "aims_role.updated",
            "aims_role.deleted"
        ]
    );
    let update = events
        .iter()
        .find(|e| e.action.as_str() == "aims_role.updated")
        .unwrap();
    assert_eq!(
        details(update)["holders_added"],
        serde_json::json!([id(&auditor).to_string()])
    );
}

async fn people_record_their_own_training_and_editors_anyones(store: Store) {
    let app = App::new(store, Arc::new(FixedClock::new(START)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    let auditor = person(&app, org, "aude", "auditor").await;
    let beta = app.admin_create_org("Beta").await.unwrap().id;
    let outsider = person(&app, beta, "otto", "owner").await;

    // One's own record needs no editing right; someone else's does.
    let own = app
        .record_training(
            &viewer,
            training(TrainingKind::AiLiteracy, "AI basics", 10, Some(365)),
        )
        .await
        .unwrap();
    assert_eq!(own.person, id(&viewer));
    let mut for_other = training(TrainingKind::Training, "Audit course", 5, None);
    for_other.person = Some(id(&auditor));
    let err = app
        .record_training(&viewer, for_other.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Denied(_)), "{err:?}");
    let audit_course = app.record_training(&editor, for_other).await.unwrap();
    assert_eq!(audit_course.recorded_by, editor.label);
    // Not a member, not yet done, evidence of nobody's: each named.
    let mut stranger = training(TrainingKind::Training, "x", 1, None);
    stranger.person = Some(id(&outsider));
    assert_eq!(
        invalid(&app.record_training(&editor, stranger).await.unwrap_err()),
        "person"
    );
    let future = training(TrainingKind::Training, "x", -2, None);
    assert_eq!(
        invalid(&app.record_training(&viewer, future).await.unwrap_err()),
        "completed_on"
    );
    let mut unknown = training(TrainingKind::Training, "x", 1, None);
    unknown.evidence = Some(aims_app::domain::EvidenceId::new());
    assert_eq!(
        invalid(&app.record_training(&viewer, unknown).await.unwrap_err()),
        "evidence"
    );

    // The person changes their own; another viewer may not, nor may they hand it on.
    let mut changed = own.facts.clone();
    changed.notes = "Workshop with exercises".into();
    let updated = app
        .update_training(&viewer, own.id, 1, changed.clone())
        .await
        .unwrap();
    assert_eq!(updated.revision, 2);
    let err = app
        .update_training(&auditor, own.id, 2, changed.clone())
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Denied(_)), "{err:?}");
    assert!(matches!(
        app.authorize_training_work(&auditor, own.id).await,
        Err(AppError::Denied(_))
    ));
    let mut handed = changed.clone();
    handed.person = Some(id(&auditor));
    let err = app
        .update_training(&viewer, own.id, 2, handed)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Denied(_)), "{err:?}");
    let err = app
        .update_training(&viewer, own.id, 1, changed)
        .await
        .unwrap_err();
    assert!(matches!(err, AppError::Conflict(_)), "{err:?}");
    assert!(matches!(
        app.training_record(&outsider, own.id).await,
        Err(AppError::NotFound(_))
    ));

    // Lists filter by person, kind and standing.
    let all = async |f: TrainingFilter| app.training_records(&editor, &f, 50, 0).await.unwrap().1;
    assert_eq!(all(TrainingFilter::default()).await, 2);
    assert_eq!(
        all(TrainingFilter {
            person: Some(id(&viewer)),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        all(TrainingFilter {
            kind: Some(TrainingKind::AiLiteracy),
            ..Default::default()
        })
        .await,
        1
    );
    assert_eq!(
        all(TrainingFilter {
            standing: Some(TrainingStandingFilter::Expired),
            ..Default::default()
        })
        .await,
        0
    );

    // Deleting: the person, or an editor; never another viewer.
    assert!(matches!(
        app.delete_training(&auditor, own.id).await,
        Err(AppError::Denied(_))
    ));
    app.delete_training(&viewer, own.id).await.unwrap();
    app.delete_training(&editor, audit_course.id).await.unwrap();
    let acts: Vec<String> = actions(&trail(&app, &auditor).await)
        .into_iter()
        .filter(|a| a.starts_with("training_record."))
        .map(str::to_owned)
        .collect();
    assert_eq!(
        acts,
        vec![
            "training_record.created",
            "training_record.created",
            "training_record.updated",
            "training_record.deleted",
            "training_record.deleted"
        ]
    );
}

async fn coverage_counts_current_literacy_and_lapsing_records_become_tasks(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let editor = person(&app, org, "eddie", "editor").await;
    let ana = person(&app, org, "ana", "viewer").await;
    let ben = person(&app, org, "ben", "viewer").await;
    let mut facts = role("Risk owner");
    facts.holders = vec![id(&ana), id(&ben)];
    app.create_aims_role(&editor, facts).await.unwrap();
    // Ana: literacy for a year (done 10 days ago) and the risk course; Ben: literacy that
    // lapses in 20 days, no risk course.
    app.record_training(
        &ana,
        training(TrainingKind::AiLiteracy, "AI basics", 10, Some(365)),
    )
    .await
    .unwrap();
    app.record_training(
        &ana,
        training(TrainingKind::Training, "Risk course", 10, None),
    )
    .await
    .unwrap();
    let mut bens = training(TrainingKind::AiLiteracy, "AI basics", 345, Some(365));
    bens.competences.clear();
    let lapsing = app.record_training(&ben, bens).await.unwrap();

    let report = app.competence_report(&editor).await.unwrap();
    let risk = &report.roles[0];
    assert_eq!(risk.literacy().literate, 2);
    assert_eq!(risk.literacy().percent(), Some(100));
    assert_eq!(risk.gaps.len(), 1);
    assert_eq!(risk.gaps[0].missing, vec![id(&ben)]);
    assert_eq!((report.members.people, report.members.literate), (3, 2));
    assert_eq!(report.members_not_literate, vec![id(&editor)]);
    assert_eq!(report.name_of(id(&ana)), "ana");

    // Within the notice period, the holder gets one task for it, and is told.
    let made = app.open_review_tasks().await.unwrap();
    assert_eq!(made, 1);
    assert_eq!(
        app.open_review_tasks().await.unwrap(),
        0,
        "once per record and day"
    );
    let work = app.my_work(&ben).await.unwrap();
    assert_eq!(work.task_total, 1);
    let source = work.tasks[0].facts.source.clone().unwrap();
    assert_eq!(
        (source.kind, source.id),
        (SourceKind::Training, lapsing.id.to_string())
    );
    assert!(
        work.tasks[0].facts.title.contains("AI basics"),
        "{}",
        work.tasks[0].facts.title
    );
    assert_eq!(
        app.inbox(&ben, 10).await.unwrap().notifications[0].kind,
        NotificationKind::TrainingExpiring
    );

    // Past its last day Ben is no longer covered; the filter finds the lapsed record.
    clock.advance(21 * DAY);
    let report = app.competence_report(&editor).await.unwrap();
    assert_eq!(report.roles[0].literacy().percent(), Some(50));
    let (expired, n) = app
        .training_records(
            &editor,
            &TrainingFilter {
                standing: Some(TrainingStandingFilter::Expired),
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!((n, expired[0].id), (1, lapsing.id));
    // A renewal counts again, and the lapsed record makes no further task.
    app.record_training(
        &ben,
        training(TrainingKind::AiLiteracy, "AI basics", 0, Some(365)),
    )
    .await
    .unwrap();
    assert_eq!(
        app.competence_report(&editor).await.unwrap().roles[0]
            .literacy()
            .percent(),
        Some(100)
    );
    assert_eq!(app.open_review_tasks().await.unwrap(), 0);
}

on_both_engines!(
    roles_are_defined_by_editors_for_members_who_are_told,
    people_record_their_own_training_and_editors_anyones,
    coverage_counts_current_literacy_and_lapsing_records_become_tasks,
);
