//! SQLite's write-ahead log stays short under a steady stream of writers: the store
//! checkpoints it beside them, since connections never do on commit.

use crate::inventory::{facts, system};
use crate::org;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_sqlite_log_is_checkpointed_under_constant_writes() {
    let (store, dir) = aims_store::testing::sqlite().await;
    let acme = org(&store, "Acme").await;
    // Each new system rewrites some 25 pages (rows, indexes, text search), so 2,000 of them
    // append some 170 MiB to a log that nothing copies back. Checkpointed, the log starts
    // over again and again; how long it gets in between depends on how busy the machine is
    // (tests run side by side), so the bound is half of what it would hold unchecked.
    let writers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                for n in 0..500 {
                    system(&store, acme, facts(&format!("System {w}-{n}"))).await;
                }
            })
        })
        .collect();
    for writer in writers {
        writer.await.unwrap();
    }
    let log = std::fs::metadata(dir.join("aims.db-wal")).unwrap().len();
    assert!(log < 84 << 20, "the log holds {} MiB", log >> 20);
    store.close().await;
    let _ = std::fs::remove_dir_all(dir);
}
