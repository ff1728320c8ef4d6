use aims_domain::competence::{
    AimsRole, AimsRoleFacts, TrainingFacts, TrainingKind, TrainingRecord,
};
use aims_domain::evidence::{Target, TargetKind};
use aims_domain::id::{AimsRoleId, TrainingRecordId};
use aims_domain::{Role, UserId};
use aims_store::{Store, StoreError, TrainingQuery};

use crate::{at, member, org};

const DAY: i64 = 86_400;

fn role(name: &str, holders: Vec<UserId>) -> AimsRole {
    AimsRole {
        id: AimsRoleId::new(),
        facts: AimsRoleFacts {
            name: name.into(),
            responsibilities: "Keeps the **risk register** current.".into(),
            competences: vec!["Risk assessment".into(), "EU AI Act".into()],
            holders,
            references: vec!["iso-iec-42001:A.3.2".into()],
        },
        created_by: "ada".into(),
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

fn record(
    person: UserId,
    kind: TrainingKind,
    title: &str,
    day: i64,
    expires: Option<i64>,
) -> TrainingRecord {
    TrainingRecord {
        id: TrainingRecordId::new(),
        person,
        facts: TrainingFacts {
            person: Some(person),
            kind: Some(kind),
            title: title.into(),
            completed_on: Some(at(day * DAY)),
            expires_on: expires.map(|d| at(d * DAY)),
            provider: "Academy".into(),
            notes: String::new(),
            evidence: None,
            competences: vec!["EU AI Act".into()],
        },
        recorded_by: "ada".into(),
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

pub async fn roles_keep_their_holders_in_order_are_revised_and_scoped(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let ben = member(&store, acme, "ben@acme.example", Role::Viewer).await;
    let mut risk_owner = role("Risk owner", vec![ben, ada]);
    let auditor = role("Internal auditor", vec![]);
    let mut tx = store.write().await.unwrap();
    tx.insert_aims_role(acme, &risk_owner).await.unwrap();
    tx.insert_aims_role(acme, &auditor).await.unwrap();
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let listed = read.aims_roles(acme).await.unwrap();
    let names: Vec<&str> = listed.iter().map(|r| r.facts.name.as_str()).collect();
    assert_eq!(names, vec!["Internal auditor", "Risk owner"]);
    assert_eq!(
        listed[1], risk_owner,
        "every field and the holders' order come back"
    );
    assert!(listed[0].facts.holders.is_empty());
    // Another organisation sees none of them.
    assert!(read.aims_roles(other).await.unwrap().is_empty());
    assert!(
        read.aims_role(other, risk_owner.id)
            .await
            .unwrap()
            .is_none()
    );
    read.commit().await.unwrap();

    // A change from the current revision replaces the holders; one from a stale revision
    // is refused, and a role of another organisation is not found.
    risk_owner.facts.holders = vec![ada];
    risk_owner.facts.competences = vec!["Risk assessment".into()];
    risk_owner.revision = 2;
    let mut tx = store.write().await.unwrap();
    tx.save_aims_role(acme, &risk_owner).await.unwrap();
    assert!(matches!(
        tx.save_aims_role(acme, &risk_owner).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.save_aims_role(other, &risk_owner).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.delete_aims_role(other, auditor.id).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_aims_role(acme, auditor.id).await.unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    assert_eq!(
        read.aims_role(acme, risk_owner.id).await.unwrap(),
        Some(risk_owner.clone())
    );
    assert!(read.aims_role(acme, auditor.id).await.unwrap().is_none());
    assert_eq!(read.aims_roles(acme).await.unwrap().len(), 1);
}

pub async fn training_records_filter_by_person_kind_and_expiry_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let ben = member(&store, acme, "ben@acme.example", Role::Viewer).await;
    let eve = member(&store, other, "eve@other.example", Role::Owner).await;
    let mut literacy = record(ada, TrainingKind::AiLiteracy, "AI literacy", 1, Some(40));
    let course = record(ada, TrainingKind::Training, "Risk course", 5, None);
    let lapsed = record(ben, TrainingKind::AiLiteracy, "AI literacy", 2, Some(10));
    let theirs = record(eve, TrainingKind::AiLiteracy, "AI literacy", 3, Some(40));
    let mut tx = store.write().await.unwrap();
    for (org, r) in [
        (acme, &literacy),
        (acme, &course),
        (acme, &lapsed),
        (other, &theirs),
    ] {
        tx.insert_training_record(org, r).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let page = |q: TrainingQuery| TrainingQuery { limit: 10, ..q };
    let (all, total) = read
        .training_records(acme, &page(TrainingQuery::default()))
        .await
        .unwrap();
    assert_eq!(total, 3);
    let ids: Vec<_> = all.iter().map(|r| r.id).collect();
    assert_eq!(
        ids,
        vec![course.id, lapsed.id, literacy.id],
        "newest completed first"
    );
    assert_eq!(all[0], course, "every field comes back");
    let (adas, n) = read
        .training_records(
            acme,
            &page(TrainingQuery {
                person: Some(ada),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!((n, adas.len()), (2, 2));
    let (lit, n) = read
        .training_records(
            acme,
            &page(TrainingQuery {
                kind: Some(TrainingKind::AiLiteracy),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!((n, lit.len()), (2, 2));
    // Lapsing by day 40, soonest first; then only those still counting after day 10.
    let (lapsing, _) = read
        .training_records(
            acme,
            &page(TrainingQuery {
                expires_by: Some(at(40 * DAY)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(
        lapsing.iter().map(|r| r.id).collect::<Vec<_>>(),
        vec![lapsed.id, literacy.id]
    );
    let (still, n) = read
        .training_records(
            acme,
            &page(TrainingQuery {
                expires_after: Some(at(10 * DAY)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    assert!(still.iter().all(|r| r.id != lapsed.id));
    assert_eq!(read.all_training_records(acme).await.unwrap().len(), 3);
    assert!(
        read.training_record(other, literacy.id)
            .await
            .unwrap()
            .is_none()
    );
    // Across organisations, the job sees what lapses in its window.
    let due = read
        .training_expiring(at(30 * DAY), at(50 * DAY), 10)
        .await
        .unwrap();
    let due: Vec<_> = due.iter().map(|(o, r)| (*o, r.id)).collect();
    assert_eq!(due, vec![(acme, literacy.id), (other, theirs.id)]);
    read.commit().await.unwrap();

    // A renewal of the same course by the same person silences the old one's expiry.
    let renewal = record(ada, TrainingKind::AiLiteracy, "AI literacy", 30, Some(400));
    let mut tx = store.write().await.unwrap();
    tx.insert_training_record(acme, &renewal).await.unwrap();
    literacy.facts.notes = "Renewed on day 30".into();
    literacy.revision = 2;
    tx.save_training_record(acme, &literacy).await.unwrap();
    assert!(matches!(
        tx.save_training_record(acme, &literacy).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.delete_training_record(other, course.id).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_training_record(acme, course.id).await.unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    let due = read
        .training_expiring(at(30 * DAY), at(50 * DAY), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);
    assert_eq!(due[0].1.id, theirs.id);
    assert_eq!(
        read.training_record(acme, literacy.id)
            .await
            .unwrap()
            .unwrap()
            .facts
            .notes,
        "Renewed on day 30"
    );
    assert!(
        read.training_record(acme, course.id)
            .await
            .unwrap()
            .is_none()
    );
}

pub async fn deleting_evidence_leaves_the_training_record_without_it(store: Store) {
    let acme = org(&store, "Acme").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let certificate = crate::evidence::evidence(
        "Certificate",
        vec![Target {
            kind: TargetKind::Control,
            id: "A.4.6".into(),
        }],
        None,
    );
    let mut shown = record(ada, TrainingKind::Qualification, "Lead auditor", 1, None);
    shown.facts.evidence = Some(certificate.id);
    let mut tx = store.write().await.unwrap();
    tx.insert_evidence(acme, &certificate).await.unwrap();
    tx.insert_training_record(acme, &shown).await.unwrap();
    tx.delete_evidence(acme, certificate.id).await.unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    let kept = read.training_record(acme, shown.id).await.unwrap().unwrap();
    assert_eq!(kept.facts.evidence, None);
    assert_eq!(kept.facts.title, "Lead auditor");
}
