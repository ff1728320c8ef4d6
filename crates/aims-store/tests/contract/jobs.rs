use aims_store::{NewJob, Store};

use crate::at;

fn job(kind: &str, unique_key: Option<&str>, run_at: i64) -> NewJob {
    NewJob {
        org: None,
        kind: kind.into(),
        payload: "{}".into(),
        unique_key: unique_key.map(str::to_owned),
        max_attempts: 2,
        run_at: at(run_at),
        subject: None,
    }
}

pub async fn jobs_are_claimed_once_and_retried(store: Store) {
    let mut tx = store.write().await.unwrap();
    assert!(
        tx.enqueue_job(&job("later", None, 100), at(0))
            .await
            .unwrap()
    );
    assert!(tx.enqueue_job(&job("now", None, 0), at(0)).await.unwrap());
    assert_eq!(tx.queue_depth().await.unwrap(), 2);
    let claimed = tx.claim_job("w1", at(1), at(31)).await.unwrap().unwrap();
    assert_eq!((claimed.kind.as_str(), claimed.attempts), ("now", 1));
    assert_eq!(
        tx.claim_job("w2", at(2), at(32)).await.unwrap(),
        None,
        "the other job is not due and this one is leased"
    );
    tx.fail_job(claimed.id, "boom", Some(at(10)), at(2))
        .await
        .unwrap();
    assert_eq!(
        tx.claim_job("w2", at(5), at(35)).await.unwrap(),
        None,
        "backing off"
    );
    let again = tx.claim_job("w2", at(10), at(40)).await.unwrap().unwrap();
    assert_eq!((again.id, again.attempts), (claimed.id, 2));
    // The worker died: once its lease runs out the job is due again.
    let reclaimed = tx.claim_job("w3", at(41), at(71)).await.unwrap().unwrap();
    assert_eq!(reclaimed.id, claimed.id);
    tx.fail_job(claimed.id, "boom", None, at(42)).await.unwrap();
    assert_eq!(tx.queue_depth().await.unwrap(), 1);
    let later = tx.claim_job("w1", at(100), at(130)).await.unwrap().unwrap();
    tx.complete_job(later.id, at(101)).await.unwrap();
    assert_eq!(tx.queue_depth().await.unwrap(), 0);
    assert_eq!(tx.purge_finished_jobs(at(200)).await.unwrap(), 2);
    tx.commit().await.unwrap();
}

pub async fn unique_keys_hold_while_pending(store: Store) {
    let mut tx = store.write().await.unwrap();
    assert!(
        tx.enqueue_job(&job("purge", Some("purge"), 0), at(0))
            .await
            .unwrap()
    );
    assert!(
        !tx.enqueue_job(&job("purge", Some("purge"), 0), at(0))
            .await
            .unwrap()
    );
    let claimed = tx.claim_job("w", at(1), at(30)).await.unwrap().unwrap();
    assert!(
        !tx.enqueue_job(&job("purge", Some("purge"), 0), at(2))
            .await
            .unwrap(),
        "running still holds the key"
    );
    tx.complete_job(claimed.id, at(3)).await.unwrap();
    assert!(
        tx.enqueue_job(&job("purge", Some("purge"), 0), at(4))
            .await
            .unwrap()
    );
    tx.commit().await.unwrap();
}

/// Four workers draining one queue at once claim every job exactly once.
pub async fn concurrent_workers_claim_each_job_once(store: Store) {
    let mut tx = store.write().await.unwrap();
    for _ in 0..200 {
        tx.enqueue_job(&job("work", None, 0), at(0)).await.unwrap();
    }
    tx.commit().await.unwrap();
    let store = std::sync::Arc::new(store);
    let workers: Vec<_> = (0..4)
        .map(|w| {
            let store = store.clone();
            tokio::spawn(async move {
                let mut claimed = Vec::new();
                loop {
                    let mut tx = store.write().await.unwrap();
                    let Some(job) = tx
                        .claim_job(&format!("w{w}"), at(1), at(100))
                        .await
                        .unwrap()
                    else {
                        return claimed;
                    };
                    tx.complete_job(job.id, at(2)).await.unwrap();
                    tx.commit().await.unwrap();
                    claimed.push(job.id);
                }
            })
        })
        .collect();
    let mut all = Vec::new();
    for worker in workers {
        all.extend(worker.await.unwrap());
    }
    let unique: std::collections::HashSet<_> = all.iter().collect();
    assert_eq!((all.len(), unique.len()), (200, 200));
}
