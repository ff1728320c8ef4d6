//! The PostgreSQL pool skips the ping for connections used moments ago, but still replaces
//! connections the server dropped while they sat idle.

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

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn connections_dropped_by_the_server_while_idle_are_replaced() {
    let Some(store) = aims_store::testing::postgres().await else {
        return;
    };
    read_at_once(&store, 4).await;
    // As a server restart or an idle timeout would: end every other session of this database.
    let ended = aims_store::testing::execute_raw(
        &store,
        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity \
         WHERE datname = current_database() AND pid <> pg_backend_pid()",
    )
    .await
    .unwrap();
    assert!(ended >= 3, "{ended} sessions ended");
    tokio::time::sleep(Duration::from_millis(5_500)).await;
    read_at_once(&store, 4).await;
}
