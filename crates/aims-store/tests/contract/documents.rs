use aims_domain::document::{
    Document, DocumentApproval, DocumentContent, DocumentKind, DocumentSettings, DocumentStatus,
    DocumentVersion, fingerprint,
};
use aims_domain::evidence::{StoredFile, Target, TargetKind};
use aims_domain::{DocumentId, Role};
use aims_store::{DocumentQuery, Store, StoreError};

use crate::{at, member, org};

fn content(title: &str, body: &str) -> DocumentContent {
    DocumentContent {
        kind: Some(DocumentKind::Policy),
        title: title.into(),
        body: body.into(),
        serves: vec![Target {
            kind: TargetKind::Requirement,
            id: "iso-iec-42001:5.2".into(),
        }],
        attachment: None,
    }
}

fn attached(sha: char, name: &str) -> Option<StoredFile> {
    Some(StoredFile {
        sha256: sha.to_string().repeat(64),
        size: 1234,
        media_type: "application/pdf".into(),
        file_name: name.into(),
    })
}

fn draft(version: i64, c: DocumentContent) -> DocumentVersion {
    DocumentVersion {
        version,
        content: c,
        status: DocumentStatus::Draft,
        author: None,
        author_label: "ada@example.com".into(),
        saved_at: at(version),
        submitted: None,
        approval: None,
        sha256: None,
    }
}

pub async fn documents_keep_versions_frozen_once_approved_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let owner = member(&store, acme, "owner@acme.example", Role::Owner).await;
    let id = DocumentId::new();
    let mut document = Document {
        id,
        settings: DocumentSettings {
            owner: Some(owner),
            review_months: 6,
            acknowledge_roles: vec![Role::Editor, Role::Viewer],
        },
        template: Some("ai-policy".into()),
        title: "AI policy".into(),
        kind: DocumentKind::Policy,
        latest: 1,
        latest_status: DocumentStatus::Draft,
        approved: None,
        next_review: None,
        retired: None,
        created_at: at(1),
        updated_at: at(1),
        revision: 1,
    };
    let mut first = draft(1, content("AI policy", "We commit."));
    first.content.attachment = attached('a', "signed policy.pdf");
    let mut tx = store.write().await.unwrap();
    tx.insert_document(acme, &document, &first).await.unwrap();

    // Approving version 1 freezes what it says.
    let mut approved = first.clone();
    approved.status = DocumentStatus::Approved;
    approved.approval = Some(DocumentApproval {
        by: Some(owner),
        by_label: "owner@acme.example".into(),
        at: at(2),
        comment: "Fit for purpose".into(),
    });
    approved.sha256 = Some(fingerprint(id, 1, &approved.content));
    tx.save_document_version(acme, id, &approved).await.unwrap();
    document.approved = Some(1);
    document.latest_status = DocumentStatus::Approved;
    document.next_review = Some(at(2).plus_months(6));
    document.revision = 2;
    tx.save_document(acme, &document).await.unwrap();
    // A change made from revision 1 again is stale.
    assert!(matches!(
        tx.save_document(acme, &document).await,
        Err(StoreError::Conflict(_))
    ));
    // Another organisation reaches neither the row nor the version.
    assert!(matches!(
        tx.save_document(other, &document).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.save_document_version(other, id, &approved).await,
        Err(StoreError::NotFound)
    ));
    let second = draft(2, content("AI policy", "We commit, and improve."));
    tx.insert_document_version(acme, id, &second).await.unwrap();
    // A status may still move on; what the version says may not.
    let mut superseded = approved.clone();
    superseded.status = DocumentStatus::Superseded;
    tx.save_document_version(acme, id, &superseded)
        .await
        .unwrap();
    tx.commit().await.unwrap();

    let mut tx = store.write().await.unwrap();
    let mut tampered = superseded.clone();
    tampered.content.body = "We commit to nothing.".into();
    assert!(
        tx.save_document_version(acme, id, &tampered).await.is_err(),
        "the database must refuse a change to an approved version"
    );
    drop(tx);
    for file in [
        None,
        attached('b', "signed policy.pdf"),
        attached('a', "other.pdf"),
    ] {
        let mut tx = store.write().await.unwrap();
        let mut swapped = superseded.clone();
        swapped.content.attachment = file;
        assert!(
            tx.save_document_version(acme, id, &swapped).await.is_err(),
            "the database must refuse a change to an approved version's attached file"
        );
    }
    let mut read = store.read().await.unwrap();
    assert!(
        read.stored_files().await.unwrap().contains(&"a".repeat(64)),
        "a file attached to a version is kept from the blob sweep"
    );
    drop(read);

    let mut read = store.read().await.unwrap();
    let versions = read.document_versions(acme, id).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0].version, 2, "newest first");
    assert_eq!(versions[1], superseded);
    assert_eq!(versions[1].content.body, "We commit.");
    assert!(read.document_versions(other, id).await.unwrap().is_empty());
    assert_eq!(read.document(acme, id).await.unwrap().unwrap(), document);
    assert!(read.document(other, id).await.unwrap().is_none());
    assert_eq!(
        read.document_version(acme, id, 2).await.unwrap().unwrap(),
        second
    );
    // What the version in force serves, while its review is not overdue; nothing after.
    let served = read
        .served_by_documents_in_force(acme, at(3))
        .await
        .unwrap();
    assert_eq!(
        served.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["iso-iec-42001:5.2"]
    );
    let late = at(2).plus_months(7);
    assert!(
        read.served_by_documents_in_force(acme, late)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(
        read.served_by_documents_in_force(other, at(3))
            .await
            .unwrap()
            .is_empty()
    );
}

pub async fn documents_list_filter_count_and_acknowledge(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let mut tx = store.write().await.unwrap();
    let mut ids = Vec::new();
    for (i, (kind, status, review)) in [
        (DocumentKind::Policy, DocumentStatus::Approved, Some(at(10))),
        (
            DocumentKind::Procedure,
            DocumentStatus::Approved,
            Some(at(1_000)),
        ),
        (DocumentKind::Procedure, DocumentStatus::InReview, None),
        (DocumentKind::Plan, DocumentStatus::Draft, None),
    ]
    .into_iter()
    .enumerate()
    {
        let id = DocumentId::new();
        let d = Document {
            id,
            settings: DocumentSettings {
                owner: (i == 0).then_some(ada),
                ..Default::default()
            },
            template: None,
            title: format!("Doc {i}"),
            kind,
            latest: 1,
            latest_status: status,
            approved: review.map(|_| 1),
            next_review: review,
            retired: None,
            created_at: at(i as i64),
            updated_at: at(i as i64),
            revision: 1,
        };
        tx.insert_document(acme, &d, &draft(1, content(&d.title, "x")))
            .await
            .unwrap();
        ids.push(id);
    }
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let page = |q: DocumentQuery| DocumentQuery { limit: 10, ..q };
    let (all, total) = read
        .documents_page(acme, &page(Default::default()))
        .await
        .unwrap();
    assert_eq!(total, 4);
    assert_eq!(all[0].id, ids[3], "most recently changed first");
    let (_, n) = read
        .documents_page(
            acme,
            &page(DocumentQuery {
                kind: Some(DocumentKind::Procedure),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!(n, 2);
    let (overdue, n) = read
        .documents_page(
            acme,
            &page(DocumentQuery {
                overdue_at: Some(at(100)),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!((n, overdue[0].id), (1, ids[0]));
    let (mine, n) = read
        .documents_page(
            acme,
            &page(DocumentQuery {
                owner: Some(ada),
                status: Some(DocumentStatus::Approved),
                ..Default::default()
            }),
        )
        .await
        .unwrap();
    assert_eq!((n, mine[0].id), (1, ids[0]));
    let (_, n) = read
        .documents_page(other, &page(Default::default()))
        .await
        .unwrap();
    assert_eq!(n, 0);
    let counts = read.document_counts(acme, at(100)).await.unwrap();
    assert_eq!(
        (counts.in_force, counts.review_overdue, counts.in_review),
        (2, 1, 1)
    );
    drop(read);

    let mut tx = store.write().await.unwrap();
    assert!(
        tx.acknowledge_document(acme, ids[0], 1, ada, at(5))
            .await
            .unwrap()
    );
    assert!(
        !tx.acknowledge_document(acme, ids[0], 1, ada, at(6))
            .await
            .unwrap(),
        "once"
    );
    assert_eq!(
        tx.document_approver_roles(acme).await.unwrap(),
        vec![Role::Owner, Role::Admin]
    );
    tx.set_document_approver_roles(acme, &[Role::Admin, Role::Editor], at(7))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let mut read = store.read().await.unwrap();
    assert_eq!(
        read.document_acknowledgements(acme, ids[0], 1)
            .await
            .unwrap(),
        vec![(ada, at(5))]
    );
    assert!(
        read.document_acknowledgements(other, ids[0], 1)
            .await
            .unwrap()
            .is_empty()
    );
    assert_eq!(
        read.document_approver_roles(acme).await.unwrap(),
        vec![Role::Admin, Role::Editor]
    );
    assert_eq!(
        read.document_approver_roles(other).await.unwrap(),
        vec![Role::Owner, Role::Admin]
    );
}
