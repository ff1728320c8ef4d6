//! SQLite's WAL checkpoints, run beside the writers instead of by them.
//!
//! Left to itself, SQLite copies the write-ahead log back into the database (and syncs the
//! file) inside the commit that takes the log past 1,000 pages: one write in every few dozen
//! then took several milliseconds while every other writer of a busy moment queued behind
//! it. Here connections never checkpoint on commit; a commit that follows enough others
//! starts a passive checkpoint on a connection of its own, which copies what it can without
//! taking the write lock. As writers keep appending meanwhile, such a checkpoint never
//! reaches the log's end, and SQLite only starts the log over once one has: so when the log
//! has grown long, a second pass takes its turn in the writers' line and copies the few pages
//! written during the first.

use std::sync::atomic::{AtomicBool, AtomicU32, Ordering};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use sqlx::{AnyPool, Executor, Row};

/// Commits after which a checkpoint starts whatever the time.
const COMMITS_PER_CHECKPOINT: u32 = 32;

/// Age of the last checkpoint after which any commit starts one.
const CHECKPOINT_AGE: Duration = Duration::from_secs(1);

/// Pages (of 4 KiB) in the log above which a checkpoint finishes in the writers' line.
const LONG_LOG_PAGES: i64 = 1000;

/// The checkpoints of one SQLite store: at most one runs at a time.
#[derive(Debug)]
pub(crate) struct WalCheckpoints {
    pool: AnyPool,
    /// The store's line of writers.
    writers: Arc<tokio::sync::Mutex<()>>,
    running: AtomicBool,
    commits: AtomicU32,
    last: Mutex<Instant>,
}

impl WalCheckpoints {
    pub(crate) fn new(pool: AnyPool, writers: Arc<tokio::sync::Mutex<()>>) -> Arc<Self> {
        Arc::new(Self {
            pool,
            writers,
            running: AtomicBool::new(false),
            commits: AtomicU32::new(0),
            last: Mutex::new(Instant::now()),
        })
    }

    /// Counts a commit, and starts a checkpoint if one is due and none is running.
    pub(crate) fn after_commit(self: &Arc<Self>) {
        let commits = self.commits.fetch_add(1, Ordering::Relaxed) + 1;
        let due = commits >= COMMITS_PER_CHECKPOINT
            || self
                .last
                .lock()
                .map_or(true, |last| last.elapsed() >= CHECKPOINT_AGE);
        if !due || self.running.swap(true, Ordering::AcqRel) {
            return;
        }
        let Ok(runtime) = tokio::runtime::Handle::try_current() else {
            self.running.store(false, Ordering::Release);
            return;
        };
        self.commits.store(0, Ordering::Relaxed);
        let this = self.clone();
        runtime.spawn(async move {
            // A failed checkpoint loses nothing (the log keeps every page); the next commit
            // tries again. It is logged, as a log that never shrinks fills the disk.
            if let Err(error) = this.checkpoint().await {
                tracing::warn!(%error, "SQLite WAL checkpoint failed");
            }
            if let Ok(mut last) = this.last.lock() {
                *last = Instant::now();
            }
            this.running.store(false, Ordering::Release);
        });
    }
}

impl WalCheckpoints {
    async fn checkpoint(&self) -> Result<(), sqlx::Error> {
        let log_pages = self.passive().await?;
        if log_pages >= LONG_LOG_PAGES {
            let _turn = self.writers.lock().await;
            self.passive().await?;
        }
        Ok(())
    }

    /// One passive checkpoint; the log's length in pages.
    async fn passive(&self) -> Result<i64, sqlx::Error> {
        let row = self
            .pool
            .fetch_one("PRAGMA wal_checkpoint(PASSIVE)")
            .await?;
        row.try_get(1)
    }
}
