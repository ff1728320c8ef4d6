use aims_domain::context::{
    AiRole, Context, ContextContent, ContextStatus, ContextVersion, ScopedSystem, fingerprint,
};
use aims_domain::document::DocumentApproval;
use aims_domain::{AiSystemId, Role};
use aims_store::{Store, StoreError};

use crate::{at, member, org};

fn draft(version: i64, scope: &str) -> ContextVersion {
    ContextVersion {
        version,
        content: ContextContent {
            scope_statement: scope.into(),
            ai_roles: vec![AiRole::EuDeployer],
            ..Default::default()
        },
        status: ContextStatus::Draft,
        author: None,
        author_label: "ada@example.com".into(),
        saved_at: at(version),
        submitted: None,
        approval: None,
        systems: Vec::new(),
        sha256: None,
    }
}

pub async fn context_versions_are_frozen_once_approved_and_kept_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let owner = member(&store, acme, "owner@acme.example", Role::Owner).await;
    let mut context = Context {
        latest: 1,
        latest_status: ContextStatus::Draft,
        approved: None,
        created_at: at(1),
        updated_at: at(1),
        revision: 1,
    };
    let first = draft(1, "Lending models");
    let mut tx = store.write().await.unwrap();
    tx.insert_context(acme, &context, &first).await.unwrap();
    tx.commit().await.unwrap();
    // One record per organisation (in a transaction of its own: PostgreSQL aborts the rest).
    let mut tx = store.write().await.unwrap();
    assert!(tx.insert_context(acme, &context, &first).await.is_err());
    drop(tx);

    let mut tx = store.write().await.unwrap();
    let mut approved = first.clone();
    approved.status = ContextStatus::Approved;
    approved.approval = Some(DocumentApproval {
        by: Some(owner),
        by_label: "owner@acme.example".into(),
        at: at(2),
        comment: "Agreed by the board".into(),
    });
    approved.systems = vec![ScopedSystem {
        id: AiSystemId::new(),
        name: "Credit scoring".into(),
    }];
    approved.sha256 = Some(fingerprint(acme, 1, &approved.content, &approved.systems));
    tx.save_context_version(acme, &approved).await.unwrap();
    context.approved = Some(1);
    context.latest_status = ContextStatus::Approved;
    context.revision = 2;
    tx.save_context(acme, &context).await.unwrap();
    // A change made from revision 1 again is stale.
    assert!(matches!(
        tx.save_context(acme, &context).await,
        Err(StoreError::Conflict(_))
    ));
    // Another organisation reaches neither the record nor the version.
    assert!(matches!(
        tx.save_context(other, &context).await,
        Err(StoreError::NotFound)
    ));
    assert!(matches!(
        tx.save_context_version(other, &approved).await,
        Err(StoreError::NotFound)
    ));
    let second = draft(2, "Lending and HR screening models");
    tx.insert_context_version(acme, &second).await.unwrap();
    // A status may still move on; what the version says may not.
    let mut superseded = approved.clone();
    superseded.status = ContextStatus::Superseded;
    tx.save_context_version(acme, &superseded).await.unwrap();
    tx.commit().await.unwrap();

    for tamper in [
        |v: &mut ContextVersion| v.content.scope_statement = "Nothing".into(),
        |v: &mut ContextVersion| v.systems.clear(),
        |v: &mut ContextVersion| v.approval.as_mut().unwrap().comment = "Never agreed".into(),
        |v: &mut ContextVersion| v.sha256 = Some("0".repeat(64)),
    ] {
        let mut tx = store.write().await.unwrap();
        let mut tampered = superseded.clone();
        tamper(&mut tampered);
        assert!(
            tx.save_context_version(acme, &tampered).await.is_err(),
            "the database must refuse a change to an approved version"
        );
    }

    let mut read = store.read().await.unwrap();
    let versions = read.context_versions(acme).await.unwrap();
    assert_eq!(versions.len(), 2);
    assert_eq!(versions[0], second, "newest first");
    assert_eq!(versions[1], superseded);
    assert_eq!(read.context(acme).await.unwrap().unwrap(), context);
    assert_eq!(
        read.context_version(acme, 1).await.unwrap().unwrap(),
        superseded
    );
    assert!(read.context(other).await.unwrap().is_none());
    assert!(read.context_versions(other).await.unwrap().is_empty());
    assert!(read.context_version(other, 1).await.unwrap().is_none());
}
