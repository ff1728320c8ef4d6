//! The Statement of Applicability through its use cases, on both engines: one derived row per
//! Annex A control, implementation records (validated, owners who are members), the
//! organisation's own controls, versions that are numbered, approved once and only when
//! newest, the differences between versions, and the CSV export. Every change that succeeds
//! appends exactly one audit event; every refusal appends none.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::collections::BTreeSet;
use std::sync::Arc;

use aims_app::domain::audit::AuditEvent;
use aims_app::domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_app::domain::risk::{RiskFacts, RiskStatus, TreatmentOption};
use aims_app::domain::soa::{
    ApplicabilityReason, COLUMNS, Decision, ImplementationFacts, ImplementationStatus, SoaChange,
    SoaFlag, SoaRow,
};
use aims_app::domain::{Actor, Denied, Permission, UserId};
use aims_app::{App, AppError, FixedClock, Store};

#[macro_use]
#[path = "../engines/mod.rs"]
mod engines;
#[path = "../people/mod.rs"]
mod people;

mod versions;

use people::{START, actions, details, id, person, trail};

on_both_engines! {
    the_soa_derives_one_row_per_annex_a_control,
    implementation_records_are_validated_and_each_one_is_audited,
    own_controls_are_numbered_per_organisation_and_join_the_soa,
    readers_and_other_organisations_change_nothing,
}

const ANNEX_A: usize = 38;

struct Acme {
    app: App,
    owner: Actor,
    admin: Actor,
    editor: Actor,
    auditor: Actor,
    viewer: Actor,
    outsider: Actor,
}

async fn acme(store: Store) -> Acme {
    let app = App::new(store, Arc::new(FixedClock::new(START)));
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let other = app.admin_create_org("Beta").await.unwrap().id;
    Acme {
        owner: person(&app, org, "owner", "owner").await,
        admin: person(&app, org, "admin", "admin").await,
        editor: person(&app, org, "editor", "editor").await,
        auditor: person(&app, org, "auditor", "auditor").await,
        viewer: person(&app, org, "viewer", "viewer").await,
        outsider: person(&app, other, "outsider", "owner").await,
        app,
    }
}

async fn mark(a: &Acme) -> usize {
    trail(&a.app, &a.owner).await.len()
}

async fn since(a: &Acme, mark: usize) -> Vec<AuditEvent> {
    trail(&a.app, &a.owner).await.split_off(mark)
}

async fn rows(a: &Acme, reader: &Actor) -> Vec<SoaRow> {
    a.app
        .statement_of_applicability(reader)
        .await
        .unwrap()
        .soa
        .rows
}

async fn row(a: &Acme, control: &str) -> SoaRow {
    rows(a, &a.viewer)
        .await
        .into_iter()
        .find(|r| r.control.id == control)
        .unwrap()
}

fn ids(rows: &[SoaRow]) -> Vec<&str> {
    rows.iter().map(|r| r.control.id.as_str()).collect()
}

fn included(status: ImplementationStatus, justification: &str) -> ImplementationFacts {
    ImplementationFacts {
        decision: Decision::Include,
        status,
        justification: justification.into(),
        ..ImplementationFacts::default()
    }
}

fn excluded(justification: &str) -> ImplementationFacts {
    ImplementationFacts {
        decision: Decision::Exclude,
        justification: justification.into(),
        ..ImplementationFacts::default()
    }
}

fn treating(title: &str, controls: &[&str], status: RiskStatus) -> RiskFacts {
    RiskFacts {
        title: title.into(),
        description: String::new(),
        systems: vec![],
        risk_source: None,
        affected_objective: None,
        lifecycle_stage: None,
        owner: None,
        inherent_likelihood: 3,
        inherent_impact: 3,
        treatment: TreatmentOption::Modify,
        treatment_plan: String::new(),
        controls: controls.iter().map(|c| (*c).to_owned()).collect(),
        actions: vec![],
        residual_likelihood: None,
        residual_impact: None,
        review_due: None,
        status,
    }
}

#[track_caller]
fn assert_invalid<T: std::fmt::Debug>(result: Result<T, AppError>, field: &str) {
    match result {
        Err(AppError::Invalid(e)) => assert_eq!(e.field, field, "{e:?}"),
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

#[track_caller]
fn assert_conflict<T: std::fmt::Debug>(result: Result<T, AppError>, words: &str) {
    match result {
        Err(AppError::Conflict(why)) => assert!(why.contains(words), "{why}"),
        other => panic!("expected a conflict ({words}), got {other:?}"),
    }
}

/// The records of RFC 4180 text: quoted cells may hold commas, quotes and line breaks.
async fn the_soa_derives_one_row_per_annex_a_control(store: Store) {
    let a = acme(store).await;
    let report = a.app.statement_of_applicability(&a.viewer).await.unwrap();
    let soa = &report.soa;
    assert_eq!(soa.rows.len(), ANNEX_A);
    let unique: BTreeSet<&str> = ids(&soa.rows).into_iter().collect();
    assert_eq!(unique.len(), ANNEX_A);
    assert_eq!(soa.rows.first().unwrap().control.id, "A.2.2");
    assert_eq!(soa.rows.last().unwrap().control.id, "A.10.4");
    for row in &soa.rows {
        assert!(
            row.control.id.starts_with("A.") && !row.control.own,
            "{row:?}"
        );
        assert!(!row.control.title.is_empty());
        assert_eq!(
            (row.applicable, row.decision, row.status),
            (false, Decision::Undecided, ImplementationStatus::NotStarted)
        );
        assert_eq!(row.flags, [SoaFlag::Undecided], "{}", row.control.id);
        assert!(row.reasons.is_empty() && row.justification.is_empty());
    }
    let summary = soa.summary();
    assert_eq!(
        (
            summary.controls,
            summary.applicable,
            summary.undecided,
            summary.flagged
        ),
        (ANNEX_A, 0, ANNEX_A, ANNEX_A)
    );
    let groups: Vec<&str> = summary.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(
        groups,
        [
            "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10"
        ]
    );

    // An open risk's treatment makes its controls applicable, and says why; a closed one's
    // does not.
    a.app
        .create_risk(
            &a.editor,
            treating(
                "Prompt injection",
                &["A.6.2.4"],
                RiskStatus::TreatmentPlanned,
            ),
        )
        .await
        .unwrap();
    a.app
        .create_risk(
            &a.editor,
            treating("Old chatbot", &["A.7.2"], RiskStatus::Closed),
        )
        .await
        .unwrap();
    let treated = row(&a, "A.6.2.4").await;
    assert!(treated.applicable);
    assert_eq!(
        treated.reasons,
        [ApplicabilityReason::SelectedByTreatment {
            risk_label: "R-1 Prompt injection".into()
        }]
    );
    assert_eq!(treated.risks, ["R-1 Prompt injection"]);
    assert_eq!(treated.flags, [SoaFlag::NotStarted]);
    assert_eq!(
        treated.justification,
        "Selected to treat R-1 Prompt injection."
    );
    let closed = row(&a, "A.7.2").await;
    assert!(!closed.applicable && closed.risks.is_empty(), "{closed:?}");
    let summary = a
        .app
        .statement_of_applicability(&a.viewer)
        .await
        .unwrap()
        .soa
        .summary();
    assert_eq!((summary.applicable, summary.undecided), (1, ANNEX_A));

    // Another organisation's SoA is its own.
    let theirs = rows(&a, &a.outsider).await;
    assert_eq!(theirs.len(), ANNEX_A);
    assert!(theirs.iter().all(|r| !r.applicable));
}

async fn implementation_records_are_validated_and_each_one_is_audited(store: Store) {
    let a = acme(store).await;
    let before = mark(&a).await;
    let facts = ImplementationFacts {
        owner: Some(id(&a.editor)),
        notes: "Runbook in the wiki".into(),
        ..included(
            ImplementationStatus::Implemented,
            "  Tested before each release ",
        )
    };
    a.app
        .set_implementation(&a.editor, "A.6.2.4", facts)
        .await
        .unwrap();
    let events = since(&a, before).await;
    assert_eq!(actions(&events), ["control.implementation_set"]);
    assert_eq!(
        (events[0].object_type.as_str(), events[0].object_id.as_str()),
        ("control", "A.6.2.4")
    );
    assert_eq!(events[0].actor.label, a.editor.label);
    assert_eq!(
        details(&events[0]),
        serde_json::json!({
            "decision": {"from": "undecided", "to": "include"},
            "status": {"from": "not_started", "to": "implemented"},
            "owner": {"from": null, "to": id(&a.editor).to_string()},
            "justification_changed": true,
            "notes_changed": true,
        })
    );
    let set = row(&a, "A.6.2.4").await;
    assert!(set.applicable);
    assert_eq!(set.reasons, [ApplicabilityReason::DecidedByOrganisation]);
    assert_eq!(
        (set.decision, set.status, set.owner),
        (
            Decision::Include,
            ImplementationStatus::Implemented,
            Some(id(&a.editor))
        )
    );
    assert_eq!(set.justification, "Tested before each release");
    assert_eq!(set.flags, [SoaFlag::NoCurrentEvidence]);

    // Evidence that counts now clears the flag.
    a.app
        .add_evidence(
            &a.editor,
            EvidenceFacts {
                title: "Release test report".into(),
                link: "https://wiki.example/release-tests".into(),
                targets: vec![Target {
                    kind: TargetKind::Control,
                    id: "A.6.2.4".into(),
                }],
                ..Default::default()
            },
            None,
        )
        .await
        .unwrap();
    let evidenced = row(&a, "A.6.2.4").await;
    assert!(evidenced.flags.is_empty(), "{:?}", evidenced.flags);
    assert_eq!(evidenced.evidence.len(), 1);
    assert_eq!(evidenced.evidence[0].title, "Release test report");

    // Refusals name their field or the missing control, and write nothing.
    let before = mark(&a).await;
    let set = async |control: &str, facts: ImplementationFacts| {
        a.app.set_implementation(&a.editor, control, facts).await
    };
    assert_invalid(set("A.7.2", excluded("  ")).await, "justification");
    let busy = ImplementationFacts {
        status: ImplementationStatus::Planned,
        ..excluded("Out of scope")
    };
    assert_invalid(set("A.7.2", busy).await, "status");
    for stranger in [id(&a.outsider), UserId::new()] {
        let facts = ImplementationFacts {
            owner: Some(stranger),
            ..included(ImplementationStatus::Planned, "")
        };
        assert_invalid(set("A.7.2", facts).await, "owner");
    }
    let bell = ImplementationFacts {
        notes: "ring\u{7}".into(),
        ..included(ImplementationStatus::Planned, "")
    };
    assert_invalid(set("A.7.2", bell).await, "notes");
    for unknown in ["A.99.9", "4.1", "ORG-1", ""] {
        assert_not_found(
            set(unknown, included(ImplementationStatus::Planned, "")).await,
            "control",
        );
    }
    assert!(since(&a, before).await.is_empty());
    assert!(!row(&a, "A.7.2").await.applicable);

    // Deciding from the SoA's row keeps the owner the record names.
    let before = mark(&a).await;
    a.app
        .decide_control(
            &a.editor,
            "A.6.2.4",
            excluded("Replaced by the vendor's tests"),
        )
        .await
        .unwrap();
    let events = since(&a, before).await;
    assert_eq!(actions(&events), ["control.implementation_set"]);
    assert_eq!(
        details(&events[0]),
        serde_json::json!({
            "decision": {"from": "include", "to": "exclude"},
            "status": {"from": "implemented", "to": "not_started"},
            "justification_changed": true,
        }),
        "only what changed; the owner stays"
    );
    // Saving the same record again is no change and leaves no event.
    let before = mark(&a).await;
    a.app
        .decide_control(
            &a.editor,
            "A.6.2.4",
            excluded("Replaced by the vendor's tests"),
        )
        .await
        .unwrap();
    assert!(since(&a, before).await.is_empty());
    let decided = row(&a, "A.6.2.4").await;
    assert_eq!(
        (decided.decision, decided.applicable, decided.owner),
        (Decision::Exclude, false, Some(id(&a.editor)))
    );
    assert_eq!(decided.justification, "Replaced by the vendor's tests");

    // An owner who has left stays named until the owner changes, but cannot be named anew.
    a.app.remove_member(&a.owner, id(&a.editor)).await.unwrap();
    a.app
        .decide_control(
            &a.admin,
            "A.6.2.4",
            included(ImplementationStatus::Planned, ""),
        )
        .await
        .unwrap();
    assert_eq!(row(&a, "A.6.2.4").await.owner, Some(id(&a.editor)));
    let named = ImplementationFacts {
        owner: Some(id(&a.editor)),
        ..included(ImplementationStatus::Planned, "")
    };
    assert_invalid(
        a.app.set_implementation(&a.admin, "A.7.2", named).await,
        "owner",
    );
}

async fn own_controls_are_numbered_per_organisation_and_join_the_soa(store: Store) {
    let a = acme(store).await;
    let mut added = Vec::new();
    for title in ["Model cards for every release", "Red-team before launch"] {
        let before = mark(&a).await;
        let id = a
            .app
            .add_own_control(&a.editor, title, "Our own rule")
            .await
            .unwrap();
        let events = since(&a, before).await;
        assert_eq!(actions(&events), ["control.added"]);
        assert_eq!(events[0].object_id, id);
        assert_eq!(details(&events[0]), serde_json::json!({"title": title}));
        added.push(id);
    }
    assert_eq!(added, ["ORG-1", "ORG-2"]);
    let theirs = a
        .app
        .add_own_control(&a.outsider, "Beta's own", "")
        .await
        .unwrap();
    assert_eq!(theirs, "ORG-1", "each organisation counts its own");

    let before = mark(&a).await;
    assert_invalid(a.app.add_own_control(&a.editor, "   ", "").await, "title");
    assert_invalid(
        a.app.add_own_control(&a.editor, "Bell", "ring\u{7}").await,
        "description",
    );
    assert!(since(&a, before).await.is_empty());

    let all = rows(&a, &a.viewer).await;
    assert_eq!(all.len(), ANNEX_A + 2);
    let own: Vec<&SoaRow> = all[ANNEX_A..].iter().collect();
    assert_eq!(
        own.iter()
            .map(|r| (r.control.id.as_str(), r.control.title.as_str()))
            .collect::<Vec<_>>(),
        [
            ("ORG-1", "Model cards for every release"),
            ("ORG-2", "Red-team before launch")
        ]
    );
    assert!(
        own.iter()
            .all(|r| r.control.own && r.control.group == "own")
    );
    let beta = rows(&a, &a.outsider).await;
    assert_eq!(beta.len(), ANNEX_A + 1);
    assert_eq!(beta[ANNEX_A].control.title, "Beta's own");

    // Own controls take implementation records like Annex A's, each in its organisation.
    a.app
        .set_implementation(
            &a.editor,
            "ORG-2",
            included(ImplementationStatus::PartiallyImplemented, "Board decision"),
        )
        .await
        .unwrap();
    let org2 = row(&a, "ORG-2").await;
    assert!(org2.applicable);
    assert_eq!(org2.status, ImplementationStatus::PartiallyImplemented);
    assert_not_found(
        a.app
            .set_implementation(
                &a.outsider,
                "ORG-2",
                included(ImplementationStatus::Planned, ""),
            )
            .await,
        "control",
    );
}

async fn readers_and_other_organisations_change_nothing(store: Store) {
    let a = acme(store).await;
    let v1 = a.app.generate_soa_version(&a.editor).await.unwrap();
    let before = mark(&a).await;
    for reader in [&a.viewer, &a.auditor] {
        let edit = Permission::EditContent;
        // Refused before the input is looked at: the unknown control is not reported.
        assert_denied(
            a.app
                .set_implementation(reader, "A.99.9", excluded(""))
                .await,
            edit,
        );
        assert_denied(
            a.app
                .decide_control(
                    reader,
                    "A.6.2.4",
                    included(ImplementationStatus::Planned, ""),
                )
                .await,
            edit,
        );
        assert_denied(a.app.add_own_control(reader, "", "").await, edit);
        assert_denied(a.app.generate_soa_version(reader).await, edit);
        assert_denied(
            a.app.approve_soa_version(reader, v1).await,
            Permission::ApproveContent,
        );
    }
    assert_denied(
        a.app.approve_soa_version(&a.editor, v1).await,
        Permission::ApproveContent,
    );
    assert!(since(&a, before).await.is_empty());
    assert_eq!(a.app.soa_versions(&a.viewer).await.unwrap().len(), 1);
    assert!(
        rows(&a, &a.viewer)
            .await
            .iter()
            .all(|r| r.decision == Decision::Undecided)
    );

    // Acme's versions do not exist for Beta, which numbers its own from 1.
    let beta = trail(&a.app, &a.outsider).await.len();
    let outsider = &a.outsider;
    assert!(a.app.soa_versions(outsider).await.unwrap().is_empty());
    assert_not_found(a.app.soa_snapshot(outsider, v1).await, "SoA version");
    assert_not_found(a.app.approve_soa_version(outsider, v1).await, "SoA version");
    assert_not_found(
        a.app.compare_soa_versions(outsider, v1, v1).await,
        "SoA version",
    );
    assert_not_found(a.app.soa_csv(outsider, Some(v1)).await, "SoA version");
    assert_eq!(trail(&a.app, outsider).await.len(), beta);
    assert_eq!(a.app.generate_soa_version(outsider).await.unwrap(), 1);
    assert_eq!(mark(&a).await, before);
    let acme_versions = a.app.soa_versions(&a.viewer).await.unwrap();
    assert_eq!(acme_versions.len(), 1);
    assert_eq!(acme_versions[0].approved_at, None);
}
