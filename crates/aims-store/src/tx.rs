//! A transaction: every read and write of the store goes through one, so that a use case's
//! change and its audit event commit together or not at all.

use sqlx::{Any, AnyConnection, Transaction};

use crate::connect::Engine;
use crate::error::Result;

/// An open transaction; dropped without `commit`, it rolls back.
pub struct Tx {
    inner: Transaction<'static, Any>,
    engine: Engine,
}

impl Tx {
    pub(crate) fn new(inner: Transaction<'static, Any>, engine: Engine) -> Self {
        Self { inner, engine }
    }

    /// Makes every change of this transaction permanent.
    pub async fn commit(self) -> Result<()> {
        self.inner.commit().await?;
        Ok(())
    }

    /// The engine, for the few statements whose dialect differs.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    pub(crate) fn conn(&mut self) -> &mut AnyConnection {
        &mut self.inner
    }
}
