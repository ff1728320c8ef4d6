use aims_domain::Role;
use aims_domain::audit::{AuditActor, NewAuditEvent};
use aims_store::backup::{read_archive, write_archive};
use aims_store::{Store, StoreError};

use crate::{at, member, org};

/// Fills a store with a little of everything.
pub async fn seed(store: &Store) -> aims_domain::OrgId {
    let acme = org(store, "Acme ✓ \"quoted\"").await;
    member(store, acme, "ada@example.org", Role::Owner).await;
    let mut f = crate::inventory::facts("Loan scorer «β»");
    f.tags = vec!["credit".into()];
    f.description = "Two\nlines".into();
    crate::inventory::system(store, acme, f).await;
    let mut tx = store.write().await.unwrap();
    let actor = AuditActor {
        kind: "system".into(),
        id: String::new(),
        label: "cli".into(),
    };
    tx.append_audit(
        acme,
        NewAuditEvent::new(
            actor,
            aims_domain::audit::AuditAction::OrganisationCreated,
            acme,
            serde_json::json!({"n": 1}),
        ),
        at(1),
    )
    .await
    .unwrap();
    tx.record_sign_in_failure("address:127.0.0.1", at(2))
        .await
        .unwrap();
    tx.commit().await.unwrap();
    acme
}

pub async fn dump_and_load_round_trip(store: Store) {
    let acme = seed(&store).await;
    let dump = store.dump().await.unwrap();
    let folder = aims_store::testing::TestFolder::new();
    let blobs = folder.join("blobs");
    std::fs::create_dir_all(blobs.join("ab")).unwrap();
    std::fs::write(blobs.join("ab/cdef"), b"evidence bytes").unwrap();
    let archive = blobs.with_extension("tar.gz");
    write_archive(&dump, Some(&blobs), &archive).unwrap();
    let (read, read_blobs) = read_archive(&archive).unwrap();
    assert_eq!(read, dump);
    assert_eq!(
        read_blobs,
        vec![("ab/cdef".to_owned(), b"evidence bytes".to_vec())]
    );

    let (target, _dir) = aims_store::testing::sqlite().await;
    assert_eq!(
        target.load(&read).await.unwrap(),
        dump.tables.iter().map(|t| t.rows.len() as u64).sum::<u64>()
    );
    assert_eq!(target.dump().await.unwrap(), dump);
    // The text index is not in the archive; the restore fills it again.
    assert_eq!(
        crate::inventory::found(&target, acme, "scorer «β»").await.0,
        ["Loan scorer «β»"]
    );

    // One flipped byte in the archive, and it is refused before anything is loaded.
    let mut bytes = std::fs::read(&archive).unwrap();
    let middle = bytes.len() / 2;
    bytes[middle] ^= 0xff;
    std::fs::write(&archive, &bytes).unwrap();
    assert!(matches!(read_archive(&archive), Err(StoreError::Backup(_))));
}

pub async fn load_refuses_a_database_with_rows(store: Store) {
    seed(&store).await;
    let dump = store.dump().await.unwrap();
    let err = store.load(&dump).await.unwrap_err();
    assert!(
        err.to_string()
            .contains("restore needs an empty database, but table organisations"),
        "{err}"
    );
}

pub async fn every_table_is_covered(store: Store) {
    // Fails naming the table when a migration adds one that backups do not list.
    let mut tx = store.read().await.unwrap();
    aims_store::backup::check_coverage(&mut tx).await.unwrap();
}

pub async fn migrations_are_idempotent(store: Store) {
    store.check_migrations().await.unwrap();
    assert_eq!(store.migrate().await.unwrap(), 0);
}

/// Moving from SQLite to PostgreSQL and back keeps every value exactly.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sqlite_to_postgres_to_sqlite_round_trips_exactly() {
    let (source, _dir) = aims_store::testing::sqlite().await;
    seed(&source).await;
    let original = source.dump().await.unwrap();
    let Some((postgres, _database)) = aims_store::testing::postgres().await else {
        return;
    };
    postgres.load(&original).await.unwrap();
    let through_postgres = postgres.dump().await.unwrap();
    assert_eq!(through_postgres, original);
    let (back, _dir2) = aims_store::testing::sqlite().await;
    back.load(&through_postgres).await.unwrap();
    assert_eq!(back.dump().await.unwrap(), original);
}

pub async fn restore_streams_checks_every_chain_and_loads_all_or_nothing(store: Store) {
    let (source, _dir) = aims_store::testing::sqlite().await;
    seed(&source).await;
    let dump = source.dump().await.unwrap();
    let folder = aims_store::testing::TestFolder::new();
    let blobs = folder.join("source-blobs");
    std::fs::create_dir_all(blobs.join("ab")).unwrap();
    std::fs::write(blobs.join("ab/cdef"), b"evidence bytes").unwrap();
    let good = folder.join("good.tar.gz");
    write_archive(&dump, Some(&blobs), &good).unwrap();

    // An archive whose audit trail was edited, hashes of the archive recomputed: refused
    // before commit, and nothing of it is left behind.
    let mut edited = dump.clone();
    let trail = edited
        .tables
        .iter_mut()
        .find(|t| t.table == "audit_events")
        .unwrap();
    let change = trail
        .columns
        .iter()
        .position(|(c, _)| c == "change")
        .unwrap();
    trail.rows[0][change] = aims_store::backup::Value::Text("{\"n\":2}".into());
    let forged = folder.join("forged.tar.gz");
    write_archive(&edited, Some(&blobs), &forged).unwrap();
    let target_blobs = folder.join("blobs");
    let err = store
        .restore_archive(&forged, &target_blobs)
        .await
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("audit trail") && err.contains("broken"),
        "{err}"
    );
    assert!(
        store
            .dump()
            .await
            .unwrap()
            .tables
            .iter()
            .all(|t| t.rows.is_empty())
    );
    assert!(!target_blobs.join("ab/cdef").exists());

    let restored = store.restore_archive(&good, &target_blobs).await.unwrap();
    assert_eq!(
        restored.rows,
        dump.tables.iter().map(|t| t.rows.len() as u64).sum::<u64>()
    );
    assert_eq!((restored.blobs, restored.chains_verified), (1, 1));
    assert!(restored.events_verified >= 1);
    assert_eq!(store.dump().await.unwrap(), dump);
    assert_eq!(
        std::fs::read(target_blobs.join("ab/cdef")).unwrap(),
        b"evidence bytes"
    );
    // No staging folder is left beside the blobs.
    let leftovers: Vec<_> = std::fs::read_dir(&folder)
        .unwrap()
        .filter_map(|e| e.ok())
        .filter(|e| e.file_name().to_string_lossy().starts_with(".restore"))
        .collect();
    assert!(leftovers.is_empty());
    let _ = std::fs::remove_dir_all(&folder);
}
