use aims_domain::EvidenceId;
use aims_domain::evidence::{Evidence, EvidenceFacts, StoredFile, Target, TargetKind};
use aims_store::{Store, StoreError};

use crate::{at, org};

pub fn evidence(title: &str, targets: Vec<Target>, until: Option<i64>) -> Evidence {
    Evidence {
        id: EvidenceId::new(),
        facts: EvidenceFacts {
            title: title.into(),
            valid_until: until.map(at),
            targets,
            ..Default::default()
        },
        file: Some(StoredFile {
            sha256: "ab".repeat(32),
            size: 12,
            media_type: "application/pdf".into(),
            file_name: "report.pdf".into(),
        }),
        added_by: "ada".into(),
        created_at: at(1),
        updated_at: at(1),
    }
}

pub async fn evidence_is_found_by_what_it_supports_and_reminded_once(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let control = Target {
        kind: TargetKind::Control,
        id: "A.6.2.4".into(),
    };
    let risk = Target {
        kind: TargetKind::Risk,
        id: "r-1".into(),
    };
    let report = evidence("Bias test", vec![control.clone(), risk.clone()], Some(100));
    let policy = evidence("Policy", vec![control.clone()], None);
    let theirs = evidence("Theirs", vec![control.clone()], Some(50));
    let mut tx = store.write().await.unwrap();
    tx.insert_evidence(acme, &report).await.unwrap();
    tx.insert_evidence(acme, &policy).await.unwrap();
    tx.insert_evidence(other, &theirs).await.unwrap();
    tx.commit().await.unwrap();

    let for_control = store
        .read()
        .await
        .unwrap()
        .evidence_for(acme, &control)
        .await
        .unwrap();
    assert_eq!(for_control.len(), 2, "only Acme's");
    let read = store
        .read()
        .await
        .unwrap()
        .evidence(acme, report.id)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(read.facts.targets, vec![control.clone(), risk.clone()]);
    assert_eq!(read.file, report.file);
    assert!(
        store
            .read()
            .await
            .unwrap()
            .evidence(other, report.id)
            .await
            .unwrap()
            .is_none()
    );

    // Counts per target of one kind, by id prefix; `_` and `%` are not wildcards.
    let requirement = |id: &str| Target {
        kind: TargetKind::Requirement,
        id: id.into(),
    };
    let mut tx = store.write().await.unwrap();
    for (title, ids, until) in [
        ("Scope", &["iso-iec-42001:4.3", "eu-ai-act:art-9"][..], None),
        ("Old scope", &["iso-iec-42001:4.3"][..], Some(50)),
        (
            "Odd",
            &["iso_iec-42001:4.3", "iso-iec-42001%:4.1"][..],
            None,
        ),
    ] {
        let targets = ids.iter().map(|id| requirement(id)).collect();
        tx.insert_evidence(acme, &evidence(title, targets, until))
            .await
            .unwrap();
    }
    tx.commit().await.unwrap();
    let counts = store
        .read()
        .await
        .unwrap()
        .evidence_counts(acme, TargetKind::Requirement, "iso-iec-42001:", at(60))
        .await
        .unwrap();
    assert_eq!(counts.keys().collect::<Vec<_>>(), ["iso-iec-42001:4.3"]);
    let scope = &counts["iso-iec-42001:4.3"];
    assert_eq!((scope.total, scope.current), (2, 1));
    let controls = store
        .read()
        .await
        .unwrap()
        .control_evidence_counts(acme, at(60))
        .await
        .unwrap();
    assert_eq!(controls["A.6.2.4"].total, 2);
    assert_eq!(controls.len(), 1);
    let mut tx = store.write().await.unwrap();
    for e in tx
        .evidence_page(acme, None, at(60), at(200), 10, 0)
        .await
        .unwrap()
        .0
        .iter()
        .filter(|e| {
            e.facts
                .targets
                .iter()
                .all(|t| t.kind == TargetKind::Requirement)
        })
    {
        tx.delete_evidence(acme, e.id).await.unwrap();
    }
    tx.commit().await.unwrap();

    let (all, total) = store
        .read()
        .await
        .unwrap()
        .evidence_page(acme, None, at(60), at(200), 10, 0)
        .await
        .unwrap();
    assert_eq!((all.len(), total), (2, 2));
    let (expiring, total) = store
        .read()
        .await
        .unwrap()
        .evidence_page(acme, Some("expiring"), at(60), at(200), 10, 0)
        .await
        .unwrap();
    assert_eq!((expiring[0].facts.title.as_str(), total), ("Bias test", 1));
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .evidence_page(acme, Some("expired"), at(60), at(200), 10, 0)
            .await
            .unwrap()
            .1,
        0
    );
    assert_eq!(
        store
            .read()
            .await
            .unwrap()
            .evidence_page(acme, Some("expired"), at(150), at(200), 10, 0)
            .await
            .unwrap()
            .1,
        1
    );

    // Reminders: what ends before the horizon, across organisations, once.
    let due = store
        .read()
        .await
        .unwrap()
        .evidence_due_for_reminder(at(100), 10)
        .await
        .unwrap();
    let titles: Vec<&str> = due.iter().map(|(_, e)| e.facts.title.as_str()).collect();
    assert_eq!(titles, ["Theirs", "Bias test"]);
    let mut tx = store.write().await.unwrap();
    assert!(
        tx.mark_evidence_reminded(acme, report.id, at(2))
            .await
            .unwrap()
    );
    // Once only, and never through another organisation.
    assert!(
        !tx.mark_evidence_reminded(acme, report.id, at(3))
            .await
            .unwrap()
    );
    assert!(
        !tx.mark_evidence_reminded(other, report.id, at(2))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
    let due = store
        .read()
        .await
        .unwrap()
        .evidence_due_for_reminder(at(100), 10)
        .await
        .unwrap();
    assert_eq!(due.len(), 1);

    let mut tx = store.write().await.unwrap();
    assert!(matches!(
        tx.delete_evidence(other, report.id).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_evidence(acme, report.id).await.unwrap();
    tx.commit().await.unwrap();
    assert!(
        store
            .read()
            .await
            .unwrap()
            .evidence_for(acme, &risk)
            .await
            .unwrap()
            .is_empty()
    );
    // The files every organisation's records hold, each once, and only those: what the blob
    // store may not sweep.
    let mut linked = evidence("Link only", vec![], None);
    linked.file = None;
    let mut tx = store.write().await.unwrap();
    tx.insert_evidence(acme, &linked).await.unwrap();
    let held = tx.stored_files().await.unwrap();
    tx.commit().await.unwrap();
    assert_eq!(held, ["ab".repeat(32)].into());
}
