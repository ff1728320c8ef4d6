use aims_domain::evidence::{Target, TargetKind};
use aims_domain::improvement::{
    CauseCategory, Grade, Nonconformity, NonconformityFacts, NonconformitySource,
    NonconformityStatus, Verification,
};
use aims_domain::work::{Source, SourceKind, Task, TaskFacts, TaskStatus};
use aims_domain::{EvidenceId, NonconformityId, Role, TaskId};
use aims_store::{NonconformityQuery, Store, StoreError};

use crate::{at, member, org};

fn nonconformity(title: &str, found: i64, grade: Grade) -> Nonconformity {
    Nonconformity {
        id: NonconformityId::new(),
        number: 0,
        facts: NonconformityFacts {
            title: title.into(),
            description: "Found in the audit sample".into(),
            location: "Credit decisions".into(),
            system: None,
            requirements: vec![Target {
                kind: TargetKind::Control,
                id: "A.5.2".into(),
            }],
            source: NonconformitySource::InternalAudit,
            source_ref: "IA-2026-1".into(),
            grade,
            owner: None,
            detected_on: at(found),
            containment: String::new(),
            correction: String::new(),
            root_cause: "No trigger for reassessment".into(),
            cause_category: Some(CauseCategory::Process),
        },
        status: NonconformityStatus::Open,
        withdrawn_reason: String::new(),
        verification: None,
        reopened: 0,
        closed_at: None,
        created_by: "ada@acme.example".into(),
        created_at: at(found),
        updated_at: at(found),
        revision: 1,
    }
}

const DAY: i64 = 86_400;

pub async fn nonconformities_are_numbered_revised_filtered_and_counted_per_organisation(
    store: Store,
) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let owner = member(&store, acme, "owner@acme.example", Role::Owner).await;
    let now = 200 * DAY;
    let mut old = nonconformity(
        "Impact assessment not repeated",
        now - 120 * DAY,
        Grade::Major,
    );
    old.facts.owner = Some(owner);
    let middle = nonconformity("Model card out of date", now - 45 * DAY, Grade::Minor);
    let recent = nonconformity("Log retention too short", now - 2 * DAY, Grade::Minor);
    let mut tx = store.write().await.unwrap();
    assert_eq!(tx.insert_nonconformity(acme, &old).await.unwrap(), 1);
    assert_eq!(tx.insert_nonconformity(acme, &middle).await.unwrap(), 2);
    assert_eq!(tx.insert_nonconformity(acme, &recent).await.unwrap(), 3);
    // Numbers are per organisation.
    let elsewhere = nonconformity("Elsewhere", now, Grade::Minor);
    assert_eq!(tx.insert_nonconformity(other, &elsewhere).await.unwrap(), 1);

    // Closed after a verification, from the revision it was read at; a stale write fails.
    let mut closed = middle.clone();
    closed.number = 2;
    closed.status = NonconformityStatus::Closed;
    closed.closed_at = Some(at(now));
    closed.verification = Some(Verification {
        by: Some(owner),
        by_label: "owner@acme.example".into(),
        at: at(now),
        effective: true,
        note: "No recurrence in two cycles".into(),
        evidence: vec![EvidenceId::new()],
    });
    closed.revision = 2;
    tx.save_nonconformity(acme, &closed).await.unwrap();
    assert!(matches!(
        tx.save_nonconformity(acme, &closed).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.save_nonconformity(other, &closed).await,
        Err(StoreError::NotFound)
    ));
    // An open corrective action past its day, and one done, about the oldest.
    let action = |status, due: i64| Task {
        id: TaskId::new(),
        facts: TaskFacts {
            title: "Add a reassessment trigger".into(),
            due: Some(at(due)),
            status: Some(status),
            source: Some(Source {
                kind: SourceKind::Nonconformity,
                id: old.id.to_string(),
            }),
            ..Default::default()
        },
        origin_key: None,
        created_by: "ada".into(),
        created_at: at(0),
        updated_at: at(0),
        completed_at: None,
        revision: 1,
    };
    tx.insert_task(acme, &action(TaskStatus::Open, now - DAY))
        .await
        .unwrap();
    tx.insert_task(acme, &action(TaskStatus::Done, now - DAY))
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let stored = read.nonconformity(acme, middle.id).await.unwrap().unwrap();
    assert_eq!(stored, closed, "every field round-trips");
    assert!(
        read.nonconformity(other, middle.id)
            .await
            .unwrap()
            .is_none()
    );
    let list = |q: NonconformityQuery| NonconformityQuery { limit: 10, ..q };
    let (open, total) = read
        .nonconformities(
            acme,
            &list(NonconformityQuery {
                status: Some(NonconformityStatus::Open),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(total, 2);
    assert_eq!(
        open.iter().map(|n| n.number).collect::<Vec<_>>(),
        [1, 3],
        "the longest open first"
    );
    let (aged, _) = read
        .nonconformities(
            acme,
            &list(NonconformityQuery {
                found_by: Some(at(now - 30 * DAY)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(aged.iter().map(|n| n.number).collect::<Vec<_>>(), [1, 2]);
    let (owned, _) = read
        .nonconformities(
            acme,
            &list(NonconformityQuery {
                owner: Some(owner),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(owned.len(), 1);
    let counts = read.nonconformity_counts(acme, at(now)).await.unwrap();
    assert_eq!(
        (
            counts.open,
            counts.open_major,
            counts.under_30_days,
            counts.from_30_to_90_days,
            counts.over_90_days,
            counts.overdue_actions
        ),
        (2, 1, 1, 0, 1, 1)
    );
    let about = Source {
        kind: SourceKind::Nonconformity,
        id: old.id.to_string(),
    };
    assert_eq!(read.tasks_about(acme, &about, 10).await.unwrap().len(), 2);
    assert!(
        read.tasks_about(other, &about, 10)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        read.nonconformity_counts(other, at(now))
            .await
            .unwrap()
            .open,
        1
    );
}
