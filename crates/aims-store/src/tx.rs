//! A transaction: every read and write of the store goes through one, so that a use case's
//! change and its audit event commit together or not at all.

use sqlx::pool::PoolConnection;
use sqlx::{Any, AnyConnection, Transaction};

use crate::connect::Engine;
use crate::error::Result;

/// What a [`Tx`] runs its statements on.
enum Inner {
    Transaction(Transaction<'static, Any>),
    /// A connection outside any transaction, for one read statement (which is atomic on
    /// its own) without the two extra round trips of BEGIN and ROLLBACK.
    Statement(PoolConnection<Any>),
}

/// An open transaction; dropped without `commit`, it rolls back.
pub struct Tx {
    inner: Inner,
    engine: Engine,
}

impl Tx {
    pub(crate) fn new(inner: Transaction<'static, Any>, engine: Engine) -> Self {
        Self {
            inner: Inner::Transaction(inner),
            engine,
        }
    }

    pub(crate) fn statement(inner: PoolConnection<Any>, engine: Engine) -> Self {
        Self {
            inner: Inner::Statement(inner),
            engine,
        }
    }

    /// Makes every change of this transaction permanent.
    pub async fn commit(self) -> Result<()> {
        if let Inner::Transaction(tx) = self.inner {
            tx.commit().await?;
        }
        Ok(())
    }

    /// The engine, for the few statements whose dialect differs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        match &mut self.inner {
            Inner::Transaction(tx) => tx,
            Inner::Statement(conn) => conn,
        }
    }
}
