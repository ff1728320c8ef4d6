//! An organisation's library follows its imports, even when the same document comes back
//! with other options.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;

use aims_app::catalog::ImportOptions;
use aims_app::domain::{Actor, ActorKind, Role, Timestamp};
use aims_app::{App, FixedClock, FrameworkImport};

const POLICY: &str = "id,title,description\nP1,Human review,A person reviews every refusal\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_library_is_rebuilt_when_an_import_comes_back_with_other_options() {
    let (store, _dir) = aims_store::testing::sqlite().await;
    let clock = Arc::new(FixedClock::new(Timestamp::from_micros(
        1_800_000_000_000_000,
    )));
    let app = App::new(store, clock.clone());
    let org = app.admin_create_org("Acme").await.unwrap().id;
    let admin = Actor {
        kind: ActorKind::System,
        org,
        role: Role::Admin,
        label: "ad".into(),
    };
    let import = |title: &str| FrameworkImport {
        file_name: "policy.csv".into(),
        document: POLICY.into(),
        options: ImportOptions {
            id: Some("acme-policy".into()),
            title: Some(title.into()),
            ..ImportOptions::default()
        },
        ..FrameworkImport::default()
    };
    let title = || async {
        app.library(&admin)
            .await
            .unwrap()
            .catalogue("acme-policy")
            .map(|c| c.framework.title.clone())
    };
    app.import_framework(&admin, import("First title"))
        .await
        .unwrap();
    assert_eq!(title().await.as_deref(), Some("First title"));
    app.delete_custom_framework(&admin, "acme-policy@1")
        .await
        .unwrap();
    assert_eq!(title().await, None);
    clock.advance(1);
    app.import_framework(&admin, import("Second title"))
        .await
        .unwrap();
    assert_eq!(title().await.as_deref(), Some("Second title"));

    let listed = app.custom_frameworks(&admin).await.unwrap();
    assert_eq!(listed.len(), 1);
    assert!(
        listed[0].document.is_empty(),
        "a listing leaves documents out"
    );
    assert_eq!(listed[0].title, "Second title");
}
