//! A transaction: every read and write of the store goes through one, so that a use case's
//! change and its audit event commit together or not at all.

use std::sync::Arc;

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};

use crate::connect::Engine;
use crate::error::Result;
use crate::match_counts::MatchCounts;
use crate::wal_checkpoints::WalCheckpoints;

/// What a [`Tx`] runs its statements on.
enum Inner {
    /// A transaction that only reads.
    Reading(Transaction<'static, Any>),
    Writing(Transaction<'static, Any>),
    /// A connection outside any transaction, for one read statement (which is atomic on
    /// its own) without the two extra round trips of BEGIN and ROLLBACK.
    Statement(PoolConnection<Any>),
}

/// An open transaction; dropped without `commit`, it rolls back.
pub struct Tx {
    inner: Inner,
    engine: Engine,
    counts: Arc<MatchCounts>,
    /// The store's write mark when this began: what its reads have seen at least.
    writes_seen: u64,
    /// A SQLite writer's turn in this process's line of writers, given up when this ends.
    _turn: Option<tokio::sync::OwnedMutexGuard<()>>,
    /// A SQLite writer's checkpoints, told of its commit.
    wal: Option<Arc<WalCheckpoints>>,
}

impl Tx {
    pub(crate) fn reading(
        tx: Transaction<'static, Any>,
        engine: Engine,
        counts: Arc<MatchCounts>,
    ) -> Self {
        Self::on(Inner::Reading(tx), engine, counts)
    }

    pub(crate) fn writing(
        tx: Transaction<'static, Any>,
        engine: Engine,
        counts: Arc<MatchCounts>,
        turn: Option<tokio::sync::OwnedMutexGuard<()>>,
        wal: Option<Arc<WalCheckpoints>>,
    ) -> Self {
        Self {
            _turn: turn,
            wal,
            ..Self::on(Inner::Writing(tx), engine, counts)
        }
    }

    pub(crate) fn statement(
        conn: PoolConnection<Any>,
        engine: Engine,
        counts: Arc<MatchCounts>,
    ) -> Self {
        Self::on(Inner::Statement(conn), engine, counts)
    }

    fn on(inner: Inner, engine: Engine, counts: Arc<MatchCounts>) -> Self {
        Self {
            inner,
            engine,
            writes_seen: counts.writes(),
            counts,
            _turn: None,
            wal: None,
        }
    }

    /// Makes every change of this transaction permanent.
    pub async fn commit(self) -> Result<()> {
        match self.inner {
            Inner::Reading(tx) => tx.commit().await?,
            Inner::Writing(tx) => {
                tx.commit().await?;
                self.counts.note_write();
                if let Some(wal) = &self.wal {
                    wal.after_commit();
                }
            }
            Inner::Statement(_) => {}
        }
        Ok(())
    }

    /// The counts of list matches kept by the store and the write mark this transaction's
    /// reads are valid under, when it only reads: one that writes may count its own changes
    /// before they are committed, or never are. The mark is the one at its start, so that a
    /// count read from an old snapshot is never kept for newer ones.
    pub(crate) fn match_counts(&self) -> Option<(Arc<MatchCounts>, u64)> {
        match self.inner {
            Inner::Writing(_) => None,
            Inner::Reading(_) | Inner::Statement(_) => {
                Some((self.counts.clone(), self.writes_seen))
            }
        }
    }

    /// The engine, for the few statements whose dialect differs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            Inner::Reading(tx) | Inner::Writing(tx) => tx,
            Inner::Statement(conn) => conn,
        }
    }
}
