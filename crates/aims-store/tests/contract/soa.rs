//! Statement of Applicability versions: numbered per organisation, approved once.

use aims_store::{Store, StoreError};

use crate::{at, org};

pub async fn an_approval_is_given_once_and_never_overwritten(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let mut tx = store.write().await.unwrap();
    let v = tx.next_soa_version(acme).await.unwrap();
    tx.insert_soa_version(acme, v, &serde_json::json!({"rows": []}), at(1), "ada")
        .await
        .unwrap();
    tx.approve_soa_version(acme, v, "ada", at(2)).await.unwrap();
    // A second approval, as a writer that read the version before the first committed
    // would try: refused, and the first stands.
    assert!(matches!(
        tx.approve_soa_version(acme, v, "eve", at(3)).await,
        Err(StoreError::Conflict(what)) if what == "approved"
    ));
    assert!(matches!(
        tx.approve_soa_version(beta, v, "eve", at(3)).await,
        Err(StoreError::NotFound)
    ));
    tx.commit().await.unwrap();
    let stored = store
        .read()
        .await
        .unwrap()
        .soa_version(acme, v)
        .await
        .unwrap()
        .unwrap();
    assert_eq!(stored.approved_by.as_deref(), Some("ada"));
    assert_eq!(stored.approved_at, Some(at(2)));
}
