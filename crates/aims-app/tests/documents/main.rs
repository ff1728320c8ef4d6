//! Documented information through its use cases, on both engines: a draft goes to review and
//! is approved by someone else holding an approver role (four eyes), the approved version is
//! fingerprinted and never changes, a change makes a new draft while the approved version
//! stays in force, acknowledgements, retirement, the templates, the clause coverage, and who
//! may do what. Every change that succeeds appends its audit events; every refusal appends none.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::domain::document::{
    DocumentContent, DocumentKind, DocumentSettings, DocumentStatus, fingerprint, templates,
};
use aims_app::domain::evidence::{Target, TargetKind};
use aims_app::domain::{Actor, ActorKind, Role};
use aims_app::{App, AppError, DocumentFilter, DocumentInput, FixedClock, Store};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

use people::{START, actions, id, person, trail};

fn input(title: &str, body: &str) -> DocumentInput {
    DocumentInput {
        content: DocumentContent {
            kind: Some(DocumentKind::Policy),
            title: title.into(),
            body: body.into(),
            serves: vec![Target {
                kind: TargetKind::Requirement,
                id: "iso-iec-42001:5.2".into(),
            }],
            attachment: None,
        },
        settings: DocumentSettings::default(),
        revision: None,
    }
}

fn conflict(err: &AppError) -> &str {
    match err {
        AppError::Conflict(message) => message,
        other => panic!("expected a conflict, got {other:?}"),
    }
}

async fn a_document_is_approved_by_another_person_and_then_never_changes(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let admin = person(&app, org, "adam", "admin").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;

    // What is wrong is named; nothing is stored.
    let mut bad = input("AI policy", "x");
    bad.content.serves[0].id = "iso-iec-42001:99".into();
    let err = app.create_document(&editor, bad).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "serves.id"),
        "{err:?}"
    );
    let mut bad = input("AI policy", "x");
    bad.settings.owner = Some(aims_app::domain::UserId::new());
    let err = app.create_document(&editor, bad).await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "owner"),
        "{err:?}"
    );
    assert!(matches!(
        app.create_document(&viewer, input("AI policy", "x")).await,
        Err(AppError::Denied(_))
    ));

    let mut first = input("AI policy", "We use AI responsibly.\nWe improve.");
    first.settings.owner = Some(id(&admin));
    first.settings.review_months = 6;
    first.settings.acknowledge_roles = vec![Role::Editor, Role::Viewer];
    let doc = app.create_document(&editor, first.clone()).await.unwrap();
    assert_eq!((doc.latest, doc.status()), (1, DocumentStatus::Draft));

    // Two people editing the same draft: the second save, started from the same revision,
    // is refused rather than silently overwriting the first.
    let mut mine = first.clone();
    mine.content.body.push_str("\nMine.");
    mine.revision = Some(doc.revision);
    let mut theirs = first.clone();
    theirs.content.body.push_str("\nTheirs.");
    theirs.revision = Some(doc.revision);
    app.save_document(&editor, doc.id, 1, mine).await.unwrap();
    let err = app
        .save_document(&owner, doc.id, 1, theirs)
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("meanwhile"), "{err:?}");
    let back = app
        .save_document(&editor, doc.id, 1, first.clone())
        .await
        .unwrap();
    assert_eq!(back.revision, doc.revision + 2);

    // Only a draft goes to review, only the latest version, and only one in review is approved.
    let err = app
        .approve_document(&owner, doc.id, 1, "")
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("send it for review"), "{err:?}");
    let err = app.submit_document(&editor, doc.id, 2).await.unwrap_err();
    assert!(conflict(&err).contains("not the latest"), "{err:?}");
    app.submit_document(&editor, doc.id, 1).await.unwrap();
    let err = app
        .save_document(&editor, doc.id, 1, input("AI policy", "changed in review"))
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("in review"), "{err:?}");

    // An editor may not approve (not an approver role); the author may not approve their own
    // version even holding one (four eyes).
    assert!(matches!(
        app.approve_document(&editor, doc.id, 1, "").await,
        Err(AppError::Denied(_))
    ));
    let own = app
        .create_document(&admin, input("Own", "mine"))
        .await
        .unwrap();
    app.submit_document(&admin, own.id, 1).await.unwrap();
    let err = app
        .approve_document(&admin, own.id, 1, "")
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("four eyes"), "{err:?}");

    clock.advance(60);
    let approved = app
        .approve_document(&owner, doc.id, 1, "Fit for purpose")
        .await
        .unwrap();
    assert_eq!(approved.approved, Some(1));
    assert_eq!(
        approved.next_review,
        Some(START.plus_seconds(60).plus_months(6))
    );
    let record = app.document(&viewer, doc.id).await.unwrap();
    let v1 = record.in_force().unwrap().clone();
    assert_eq!(v1.status, DocumentStatus::Approved);
    assert_eq!(
        v1.sha256.as_deref(),
        Some(fingerprint(doc.id, 1, &v1.content).as_str())
    );
    let approval = v1.approval.clone().unwrap();
    assert_eq!(
        (approval.by, approval.comment.as_str()),
        (Some(id(&owner)), "Fit for purpose")
    );

    // A change to the approved document makes version 2, a draft; version 1 stays in force.
    let mut changed = first.clone();
    changed.content.body = "We use AI responsibly.\nWe improve continually.\nWe report.".into();
    let saved = app
        .save_document(&editor, doc.id, 1, changed.clone())
        .await
        .unwrap();
    assert_eq!(
        (saved.latest, saved.approved, saved.status()),
        (2, Some(1), DocumentStatus::Draft)
    );
    // A save from a stale version is refused; saving what is there changes nothing.
    let err = app
        .save_document(&editor, doc.id, 1, changed.clone())
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("version 2 is"), "{err:?}");
    let before = trail(&app, &owner).await.len();
    app.save_document(&editor, doc.id, 2, changed.clone())
        .await
        .unwrap();
    assert_eq!(
        trail(&app, &owner).await.len(),
        before,
        "an unchanged save is not recorded"
    );
    let diff = app
        .compare_document_versions(&viewer, doc.id, 1, 2)
        .await
        .unwrap();
    assert_eq!(diff.counts(), (2, 1));

    // Version 2 approved by the admin supersedes version 1, which still says what it said.
    app.submit_document(&editor, doc.id, 2).await.unwrap();
    app.approve_document(&admin, doc.id, 2, "").await.unwrap();
    let record = app.document(&viewer, doc.id).await.unwrap();
    assert_eq!(record.versions[1].status, DocumentStatus::Superseded);
    assert_eq!(record.versions[1].content, v1.content);
    assert_eq!(record.versions[1].sha256, v1.sha256);
    assert_eq!(record.in_force().unwrap().version, 2);

    // Acknowledgements: the editor and the viewer are asked; a token cannot acknowledge.
    let err = app
        .acknowledge_document(&viewer, doc.id, 1)
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("version 2"), "{err:?}");
    app.acknowledge_document(&viewer, doc.id, 2).await.unwrap();
    app.acknowledge_document(&viewer, doc.id, 2).await.unwrap();
    let token = Actor {
        kind: ActorKind::Token {
            token: aims_app::domain::ApiTokenId::new(),
            owner: id(&editor),
        },
        ..editor.clone()
    };
    assert!(matches!(
        app.acknowledge_document(&token, doc.id, 2).await,
        Err(AppError::Denied(_))
    ));
    let record = app.document(&viewer, doc.id).await.unwrap();
    let asked: Vec<(&str, bool)> = record
        .acknowledgements
        .iter()
        .map(|a| (a.email.as_str(), a.at.is_some()))
        .collect();
    assert_eq!(
        asked,
        vec![("eddie@acme.example", false), ("vera@acme.example", true)]
    );

    // Approver roles are the organisation's choice; the editor may now approve, not its own.
    assert!(matches!(
        app.set_document_approvers(&editor, &[Role::Editor]).await,
        Err(AppError::Denied(_))
    ));
    let err = app
        .set_document_approvers(&admin, &[Role::Auditor])
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "roles"),
        "{err:?}"
    );
    app.set_document_approvers(&admin, &[Role::Owner, Role::Editor])
        .await
        .unwrap();
    let by_admin = app
        .create_document(&owner, input("Procedure", "steps"))
        .await
        .unwrap();
    app.submit_document(&owner, by_admin.id, 1).await.unwrap();
    assert!(matches!(
        app.approve_document(&admin, by_admin.id, 1, "").await,
        Err(AppError::Denied(_))
    ));
    app.approve_document(&editor, by_admin.id, 1, "")
        .await
        .unwrap();

    // Retired: the reason is kept and nothing changes afterwards.
    let err = app.retire_document(&owner, doc.id, " ").await.unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "reason"),
        "{err:?}"
    );
    app.retire_document(&owner, doc.id, "Replaced by the group policy")
        .await
        .unwrap();
    let err = app
        .save_document(&editor, doc.id, 2, input("x", "y"))
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("retired"), "{err:?}");
    let record = app.document(&viewer, doc.id).await.unwrap();
    assert_eq!(record.document.status(), DocumentStatus::Retired);
    assert_eq!(record.versions[0].status, DocumentStatus::Retired);

    let events = trail(&app, &owner).await;
    let document_events: Vec<&str> = actions(&events)
        .into_iter()
        .filter(|a| a.starts_with("document"))
        .collect();
    assert_eq!(
        document_events,
        vec![
            "document.created",
            "document.saved",
            "document.saved",
            "document.submitted",
            "document.created",
            "document.submitted",
            "document.approved",
            "document.saved",
            "document.submitted",
            "document.approved",
            "document.acknowledged",
            "document_settings.approvers_changed",
            "document.created",
            "document.submitted",
            "document.approved",
            "document.retired",
        ]
    );
}

async fn templates_serve_their_clause_and_approved_documents_cover_it(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let editor = person(&app, org, "eddie", "editor").await;

    // Every template answers an entry the catalogue lists on its clause, each entry once.
    let iso = app.framework(&owner, aims_app::ISO_42001).unwrap();
    let mut entries = Vec::new();
    for item in iso.items.iter() {
        for entry in &item.documented_information {
            entries.push((item.id.clone(), entry.clone()));
        }
    }
    let answered: Vec<(String, String)> = templates::STARTER_TEMPLATES
        .iter()
        .map(|t| (t.clause.to_owned(), t.documented_information.to_owned()))
        .collect();
    assert_eq!(answered, entries);

    let err = app
        .create_document_from_template(&editor, "no-such-template", None)
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "template"),
        "{err:?}"
    );
    let policy = app
        .create_document_from_template(&editor, "ai-policy", Some(id(&editor)))
        .await
        .unwrap();
    assert_eq!(policy.template.as_deref(), Some("ai-policy"));
    let record = app.document(&owner, policy.id).await.unwrap();
    assert_eq!(
        record.latest().unwrap().content.serves,
        vec![Target {
            kind: TargetKind::Requirement,
            id: "iso-iec-42001:5.2".into()
        }]
    );

    let clause_five =
        |r: &aims_app::Readiness| r.clauses.iter().find(|c| c.clause == "5").unwrap().clone();
    let before = clause_five(&app.readiness(&owner).await.unwrap());
    assert!(!before.is_covered("5.2"));
    app.submit_document(&editor, policy.id, 1).await.unwrap();
    assert_eq!(app.readiness(&owner).await.unwrap().documents.in_review, 1);
    app.approve_document(&owner, policy.id, 1, "")
        .await
        .unwrap();
    let after = app.readiness(&owner).await.unwrap();
    assert_eq!(clause_five(&after).documented, vec!["5.2".to_owned()]);
    assert_eq!(clause_five(&after).covered(), before.covered() + 1);
    assert_eq!(
        (after.documents.in_force, after.documents.review_overdue),
        (1, 0)
    );

    // Past its review date the policy no longer counts, and shows as overdue.
    clock.advance(400 * 86_400);
    let late = app.readiness(&owner).await.unwrap();
    assert!(!clause_five(&late).is_covered("5.2"));
    assert_eq!(late.documents.review_overdue, 1);
    let (overdue, total) = app
        .document_list(
            &owner,
            &DocumentFilter {
                overdue: true,
                ..Default::default()
            },
            10,
            0,
        )
        .await
        .unwrap();
    assert_eq!((total, overdue[0].id), (1, policy.id));
}

async fn a_file_goes_with_a_version_and_is_approved_with_it(store: Store) {
    let clock = Arc::new(FixedClock::new(START));
    let blobs = std::env::temp_dir().join(format!(
        "aims-document-files-{}-{}",
        std::process::id(),
        aims_app::domain::DocumentId::new()
    ));
    let app = App::new(store, clock.clone()).with_blob_dir(&blobs);
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let owner = person(&app, org, "olga", "owner").await;
    let editor = person(&app, org, "eddie", "editor").await;
    let viewer = person(&app, org, "vera", "viewer").await;
    let other_org = app.admin_create_org("Other").await.unwrap().id;
    let stranger = person(&app, other_org, "sam", "owner").await;
    let pdf = |text: &str| aims_app::Upload {
        file_name: "signed policy.pdf".into(),
        bytes: format!("%PDF-1.7\n{text}").into_bytes(),
    };

    let doc = app
        .create_document(&editor, input("AI policy", "We commit."))
        .await
        .unwrap();
    // Refused: a viewer, a file that is not what its name says, a stale revision, another
    // organisation's document. Nothing changes.
    assert!(matches!(
        app.attach_document_file(&viewer, doc.id, 1, None, Some(pdf("x")))
            .await,
        Err(AppError::Denied(_))
    ));
    let fake = aims_app::Upload {
        file_name: "form.pdf".into(),
        bytes: b"not a pdf".to_vec(),
    };
    let err = app
        .attach_document_file(&editor, doc.id, 1, None, Some(fake))
        .await
        .unwrap_err();
    assert!(
        matches!(err, AppError::Invalid(ref v) if v.field == "file"),
        "{err:?}"
    );
    let err = app
        .attach_document_file(&editor, doc.id, 1, Some(doc.revision + 5), Some(pdf("x")))
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("meanwhile"), "{err:?}");
    assert!(matches!(
        app.attach_document_file(&stranger, doc.id, 1, None, Some(pdf("x")))
            .await,
        Err(AppError::NotFound(_))
    ));
    assert!(matches!(
        app.document_file(&owner, doc.id, 1).await,
        Err(AppError::NotFound(_))
    ));

    // Attached to the draft, then approved with it: the fingerprint covers the file.
    let attached = app
        .attach_document_file(&editor, doc.id, 1, Some(doc.revision), Some(pdf("v1")))
        .await
        .unwrap();
    assert_eq!((attached.latest, attached.revision), (1, doc.revision + 1));
    let (file, bytes) = app.document_file(&viewer, doc.id, 1).await.unwrap();
    assert_eq!(bytes, pdf("v1").bytes);
    assert_eq!(
        (file.file_name.as_str(), file.media_type.as_str()),
        ("signed policy.pdf", "application/pdf")
    );
    assert_eq!(file.sha256, aims_app::sha256_hex(&bytes));
    assert!(matches!(
        app.document_file(&stranger, doc.id, 1).await,
        Err(AppError::NotFound(_))
    ));
    // Saving the text from a form keeps the file.
    let mut text = input("AI policy", "We commit, in writing.");
    text.revision = Some(attached.revision);
    app.save_document(&editor, doc.id, 1, text).await.unwrap();
    app.submit_document(&editor, doc.id, 1).await.unwrap();
    let err = app
        .attach_document_file(&editor, doc.id, 1, None, None)
        .await
        .unwrap_err();
    assert!(conflict(&err).contains("in review"), "{err:?}");
    app.approve_document(&owner, doc.id, 1, "").await.unwrap();
    let record = app.document(&owner, doc.id).await.unwrap();
    let approved = record.in_force().unwrap().clone();
    assert_eq!(approved.content.attachment.as_ref(), Some(&file));
    assert_eq!(
        approved.sha256.as_deref(),
        Some(fingerprint(doc.id, 1, &approved.content).as_str())
    );
    let mut without = approved.content.clone();
    without.attachment = None;
    assert_ne!(
        approved.sha256.as_deref(),
        Some(fingerprint(doc.id, 1, &without).as_str()),
        "the fingerprint covers the attached file"
    );

    // A new file for an approved version makes a draft; version 1 keeps its file.
    let current = record.document.revision;
    let next = app
        .attach_document_file(&editor, doc.id, 1, Some(current), Some(pdf("v2")))
        .await
        .unwrap();
    assert_eq!(
        (next.latest, next.approved, next.status()),
        (2, Some(1), DocumentStatus::Draft)
    );
    assert_eq!(
        app.document_file(&viewer, doc.id, 1).await.unwrap().1,
        pdf("v1").bytes
    );
    assert_eq!(
        app.document_file(&viewer, doc.id, 2).await.unwrap().1,
        pdf("v2").bytes
    );
    // Removing it from the draft leaves the draft without a file; doing so twice changes
    // nothing the second time.
    let removed = app
        .attach_document_file(&editor, doc.id, 2, Some(next.revision), None)
        .await
        .unwrap();
    let again = app
        .attach_document_file(&editor, doc.id, 2, Some(removed.revision), None)
        .await
        .unwrap();
    assert_eq!(again.revision, removed.revision);
    assert!(matches!(
        app.document_file(&viewer, doc.id, 2).await,
        Err(AppError::NotFound(_))
    ));
    let saves: Vec<serde_json::Value> = trail(&app, &owner)
        .await
        .iter()
        .filter(|e| e.action == "document.saved")
        .map(people::details)
        .collect();
    assert_eq!(
        saves
            .iter()
            .map(|d| (d["version"].as_i64(), d["attachment"].is_string()))
            .collect::<Vec<_>>(),
        [
            (Some(1), true),
            (Some(1), true),
            (Some(2), true),
            (Some(2), false)
        ]
    );
    let _ = std::fs::remove_dir_all(&blobs);
}

on_both_engines!(
    a_document_is_approved_by_another_person_and_then_never_changes,
    templates_serve_their_clause_and_approved_documents_cover_it,
    a_file_goes_with_a_version_and_is_approved_with_it,
);
