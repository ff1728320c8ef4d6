//! An organisation's imported frameworks: kept with their documents, listed without them.

use aims_store::{CustomFramework, Store, StoreError};

use crate::{at, org};

fn import(key: &str, kind: &str) -> CustomFramework {
    CustomFramework {
        key: key.into(),
        kind: kind.into(),
        title: format!("{key} title"),
        format: "csv".into(),
        file_name: "controls.csv".into(),
        options: "{}".into(),
        document: "id,title\nC-1,First".into(),
        sha256: "cd".repeat(32),
        imported_at: at(1),
        imported_by: "ada".into(),
    }
}

pub async fn imports_are_listed_with_or_without_documents_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let beta = org(&store, "Beta").await;
    let catalogue = import("acme-controls@1", "catalogue");
    let crosswalk = import("acme-to-iso", "crosswalk");
    let mut tx = store.write().await.unwrap();
    tx.insert_custom_framework(acme, &crosswalk).await.unwrap();
    tx.insert_custom_framework(acme, &catalogue).await.unwrap();
    tx.commit().await.unwrap();
    // A key imported already is a conflict (and, on PostgreSQL, ends its transaction).
    let mut tx = store.write().await.unwrap();
    assert!(matches!(
        tx.insert_custom_framework(acme, &catalogue).await,
        Err(StoreError::Conflict(_))
    ));
    drop(tx);

    let mut tx = store.read().await.unwrap();
    assert_eq!(
        tx.custom_frameworks(acme).await.unwrap(),
        [catalogue.clone(), crosswalk.clone()]
    );
    let listed = tx.custom_framework_list(acme).await.unwrap();
    assert_eq!(listed.len(), 2);
    assert!(listed.iter().all(|c| c.document.is_empty()));
    assert_eq!(
        CustomFramework {
            document: catalogue.document.clone(),
            ..listed[0].clone()
        },
        catalogue
    );
    assert!(tx.custom_framework_list(beta).await.unwrap().is_empty());
    let stamps = tx.custom_framework_stamps(acme).await.unwrap();
    assert_eq!(stamps[0].key, catalogue.key);
    drop(tx);

    let mut tx = store.write().await.unwrap();
    assert!(matches!(
        tx.delete_custom_framework(beta, &catalogue.key).await,
        Err(StoreError::NotFound)
    ));
    tx.delete_custom_framework(acme, &catalogue.key)
        .await
        .unwrap();
    tx.commit().await.unwrap();
    let left = store
        .read()
        .await
        .unwrap()
        .custom_frameworks(acme)
        .await
        .unwrap();
    assert_eq!(left, [crosswalk]);
}
