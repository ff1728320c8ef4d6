//! The PostgreSQL pool skips the ping for connections used moments ago, but still replaces
//! connections the server dropped, whether they sat idle a while or were used just before.

use std::time::Duration;

/// Holds `n` read transactions at once, so that the pool keeps `n` connections, and checks
/// that each one answers.
async fn read_at_once(store: &aims_store::Store, n: usize) {
    let mut held = Vec::new();
    for _ in 0..n {
        held.push(store.read().await.expect("a connection from the pool"));
    }
    for tx in &mut held {
        tx.audit_head(aims_domain::OrgId::new())
            .await
            .expect("a live connection");
    }
}

/// Ends every session of the store's database, as a server restart or an idle timeout
/// would, from a second store over it, and waits until they are gone.
async fn end_other_sessions(store: &aims_store::Store) {
    let admin = store.reopen().await.unwrap();
    let ended = aims_store::testing::execute_raw(
        &admin,
        "SELECT pg_terminate_backend(pid, 5000) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid() \
         AND backend_type = 'client backend'",
    )
    .await
    .unwrap();
    assert!(ended >= 3, "{ended} sessions ended");
    admin.close().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_by_the_server_while_idle_are_replaced() {
    let Some((store, _database)) = aims_store::testing::postgres().await else {
        return;
    };
    read_at_once(&store, 4).await;
    end_other_sessions(&store).await;
    tokio::time::sleep(Duration::from_millis(5_500)).await;
    read_at_once(&store, 4).await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_by_the_server_just_after_use_are_replaced() {
    let Some((store, _database)) = aims_store::testing::postgres().await else {
        return;
    };
    let org = aims_domain::OrgId::new();
    // Nothing pings these connections: they were used moments ago.
    read_at_once(&store, 4).await;
    end_other_sessions(&store).await;
    read_at_once(&store, 4).await;

    read_at_once(&store, 4).await;
    end_other_sessions(&store).await;
    let mut tx = store.write().await.expect("a write transaction");
    tx.audit_head(org).await.expect("a live connection");
    tx.commit().await.expect("committed");

    read_at_once(&store, 4).await;
    end_other_sessions(&store).await;
    for _ in 0..4 {
        let head = store
            .read_once(|tx| Box::pin(tx.audit_head(org)))
            .await
            .expect("one read on a live connection");
        assert_eq!(head, None);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_store_holds_no_more_connections_than_it_is_given() {
    let dir = aims_store::testing::TestFolder::new();
    let url = format!("sqlite://{}?mode=rwc", dir.join("aims.db").display());
    let refused = aims_store::Store::connect_with_pool(&url, Some(0)).await;
    assert!(
        refused
            .err()
            .is_some_and(|e| e.to_string().contains("at least 1 connection")),
        "a pool of none is refused"
    );

    let store = aims_store::Store::connect_with_pool(&url, Some(2))
        .await
        .unwrap();
    let first = store.read().await.unwrap();
    let second = store.read().await.unwrap();
    let third = tokio::time::timeout(Duration::from_millis(300), store.read()).await;
    assert!(third.is_err(), "a third connection was handed out");
    drop(first);
    let third = tokio::time::timeout(Duration::from_secs(5), store.read()).await;
    assert!(
        third.is_ok_and(|tx| tx.is_ok()),
        "the freed connection is reused"
    );
    drop(second);
    std::fs::remove_dir_all(&dir).ok();
}
