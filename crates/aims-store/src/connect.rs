//! Opening the database: the engine is chosen by the URL.

use std::pin::Pin;
use std::sync::{Arc, Once};
use std::time::Duration;

use sqlx::any::{AnyConnectOptions, AnyPoolOptions};
use sqlx::{Any, AnyConnection, AnyPool, ConnectOptions, Connection, Executor, Transaction};

use aims_domain::OrgId;

use crate::error::{Result, StoreError, connect_error, lost_connection};
use crate::match_counts::MatchCounts;
use crate::tx::Tx;
use crate::wal_checkpoints::WalCheckpoints;

/// The database engine behind a store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// SQLite in a file: the embedded default.
    Sqlite,
    /// PostgreSQL: for several server processes on one database.
    Postgres,
}

impl Engine {
    /// The engine a database URL names.
    pub fn from_url(url: &str) -> Result<Self> {
        if url.starts_with("sqlite:") {
            Ok(Engine::Sqlite)
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(Engine::Postgres)
        } else {
            Err(StoreError::Connect {
                target: redact_url(url),
                reason: "the URL must start with sqlite: or postgres://".into(),
            })
        }
    }

    /// The engine's name as shown to people.
    pub fn name(self) -> &'static str {
        match self {
            Engine::Sqlite => "SQLite",
            Engine::Postgres => "PostgreSQL",
        }
    }
}

/// A connection pool to the database of aims.
#[derive(Clone, Debug)]
pub struct Store {
    pool: AnyPool,
    engine: Engine,
    counts: Arc<MatchCounts>,
    /// SQLite's writers of this process, in line: one at a time asks for the database's
    /// write lock, so that none waits in SQLite's busy handler, which sleeps in growing steps
    /// (up to 100 ms) and made the slowest writes of a busy moment take hundreds of ms.
    writers: Arc<tokio::sync::Mutex<()>>,
    /// SQLite's one connection for writes, beside the pool's for reads. Always the same
    /// connection, so that its page cache stays warm: a connection finding the database
    /// changed by another drops its whole cache, and writes moving round the pool refilled
    /// the cache of each from the file.
    writer: Option<AnyPool>,
    /// SQLite's checkpoints, started after commits rather than run inside them.
    wal: Option<Arc<WalCheckpoints>>,
}

/// How long a writer waits in line before it is answered "unavailable, try again".
const WRITER_WAIT: Duration = Duration::from_secs(15);

static DRIVERS: Once = Once::new();

// No connection checkpoints the log as it commits: see `WalCheckpoints`.
const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode = WAL; PRAGMA foreign_keys = ON; \
     PRAGMA busy_timeout = 15000; PRAGMA synchronous = NORMAL; PRAGMA wal_autocheckpoint = 0;";

// `optimize = 0x10002` refreshes the planner's statistics where they are missing or stale,
// within a small budget: without them SQLite walks an index that starts with org_id (one value
// per tenant) instead of the far more selective one a query names. It runs once as the store
// opens, not as each connection does: it may write, and a connection opened for a read
// inside a write transaction would then wait on that transaction's lock, which waits on it.
const SQLITE_OPTIMIZE: &str = "PRAGMA optimize = 0x10002";

/// The read [`Store::read_once`] runs, boxed: the future of an async closure over a borrowed
/// transaction cannot be shown to be `Send`, which every request handler must be.
pub type OneRead<'t, T> = Pin<Box<dyn Future<Output = Result<T>> + Send + 't>>;

/// Connections a SQLite store holds unless told otherwise: readers run side by side in WAL
/// mode, and writers queue on the database's one write lock.
const SQLITE_CONNECTIONS: u32 = 8;

/// Connections a PostgreSQL store holds unless told otherwise, for each server process.
const POSTGRES_CONNECTIONS: u32 = 16;

/// How long a request waits for a connection before it is answered "unavailable, try again":
/// while the database restarts or every connection is busy, a request fails in bounded time
/// rather than hanging.
pub const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(5);

/// How long a PostgreSQL connection may sit idle before it is pinged on its way out.
const PING_WHEN_IDLE_FOR: Duration = Duration::from_secs(5);

impl Store {
    /// Connects to the database at `url` (`sqlite:PATH` or `postgres://...`) with the
    /// engine's default number of connections.
    pub async fn connect(url: &str) -> Result<Self> {
        Self::connect_with_pool(url, None).await
    }

    /// Connects to the database at `url`, holding at most `max_connections` connections
    /// (the engine's default when `None`).
    pub async fn connect_with_pool(url: &str, max_connections: Option<u32>) -> Result<Self> {
        DRIVERS.call_once(sqlx::any::install_default_drivers);
        let engine = Engine::from_url(url)?;
        if max_connections == Some(0) {
            return Err(StoreError::Connect {
                target: redact_url(url),
                reason: "the database pool needs at least 1 connection".into(),
            });
        }
        let mut options: AnyConnectOptions = url.parse().map_err(|e| StoreError::Connect {
            target: redact_url(url),
            reason: format!("the URL cannot be read ({e})"),
        })?;
        // Statements are logged at trace level only: their bound values may hold secrets' hashes.
        options = options.log_statements(tracing::log::LevelFilter::Trace);
        let size = max_connections.unwrap_or(match engine {
            Engine::Sqlite => SQLITE_CONNECTIONS,
            Engine::Postgres => POSTGRES_CONNECTIONS,
        });
        Self::open(options, engine, size).await
    }

    /// A second store over this one's database, with its own connections and kept counts,
    /// as another server process over the same database has.
    pub async fn reopen(&self) -> Result<Self> {
        Self::open(
            (*self.pool.connect_options()).clone(),
            self.engine,
            self.pool.options().get_max_connections(),
        )
        .await
    }

    async fn open(options: AnyConnectOptions, engine: Engine, size: u32) -> Result<Self> {
        let mut writer = None;
        let pool = match engine {
            Engine::Sqlite => {
                let target = redact_url(options.database_url.as_str());
                let pool = sqlite_pool(size)
                    .connect_with(options.clone())
                    .await
                    .map_err(|e| connect_error(&target, &e))?;
                pool.execute(SQLITE_OPTIMIZE).await?;
                writer = Some(sqlite_pool(1).connect_with(options).await?);
                pool
            }
            Engine::Postgres => {
                first_connection(&options).await?;
                // A connection used moments ago is taken as alive: pinging each one before
                // every transaction would add a round trip to every request. One idle longer
                // is pinged, and replaced if the server or a proxy dropped it meanwhile.
                AnyPoolOptions::new()
                    .max_connections(size)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .test_before_acquire(false)
                    .before_acquire(|conn, meta| {
                        Box::pin(async move {
                            if meta.idle_for >= PING_WHEN_IDLE_FOR {
                                conn.ping().await?;
                            }
                            Ok(true)
                        })
                    })
                    .connect_with(options)
                    .await?
            }
        };
        let writers = Arc::<tokio::sync::Mutex<()>>::default();
        Ok(Store {
            wal: (engine == Engine::Sqlite)
                .then(|| WalCheckpoints::new(pool.clone(), writers.clone())),
            pool,
            writer,
            engine,
            counts: Arc::default(),
            writers,
        })
    }

    /// The engine behind this store.
    pub fn engine(&self) -> Engine {
        self.engine
    }

    /// Begins a transaction that will write. On SQLite it takes the write lock at once, so
    /// that two writers queue instead of failing when the second tries to upgrade its lock.
    pub async fn write(&self) -> Result<Tx> {
        self.write_on(self.writer.as_ref().unwrap_or(&self.pool))
            .await
    }

    /// Begins a transaction that will write, on SQLite on a connection of `sqlite_pool`.
    async fn write_on(&self, sqlite_pool: &AnyPool) -> Result<Tx> {
        self.counts.note_write();
        let (tx, turn) = match self.engine {
            Engine::Sqlite => {
                let turn = tokio::time::timeout(WRITER_WAIT, self.writers.clone().lock_owned())
                    .await
                    .map_err(|_| {
                        StoreError::Unavailable(sqlx::Error::Protocol(
                            "every writer is busy: the write lock was not free for 15 s".into(),
                        ))
                    })?;
                (begin(sqlite_pool, "BEGIN IMMEDIATE").await?, Some(turn))
            }
            Engine::Postgres => (begin(&self.pool, "BEGIN").await?, None),
        };
        Ok(Tx::writing(
            tx,
            self.engine,
            self.counts.clone(),
            turn,
            self.wal.clone(),
        ))
    }

    /// Begins a transaction that will write to the records of `org`, holding the
    /// organisation's lock from the start: every other writer of `org` waits until it ends,
    /// so that what it reads before deciding (a current value, a revision, the number of
    /// owners) cannot change before it writes. On SQLite the write lock already does this.
    pub async fn write_for(&self, org: OrgId) -> Result<Tx> {
        let mut tx = self.write().await?;
        tx.lock_tenant(org).await?;
        Ok(tx)
    }

    /// Begins a transaction that only reads: one consistent view of the data.
    pub async fn read(&self) -> Result<Tx> {
        let tx = match self.engine {
            Engine::Sqlite => begin(&self.pool, "BEGIN").await?,
            // PostgreSQL's default isolation takes a new snapshot for every statement, so a
            // change committed between two reads would show in the second only. A read-only
            // transaction under REPEATABLE READ keeps its first snapshot and never has to be
            // retried.
            Engine::Postgres => {
                begin(
                    &self.pool,
                    "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY",
                )
                .await?
            }
        };
        Ok(Tx::reading(tx, self.engine, self.counts.clone()))
    }

    /// A handle for exactly one read statement, outside a transaction: two round trips
    /// cheaper than [`Store::read`]. Use cases read through [`Store::read_once`], which
    /// also passes over dead connections.
    pub async fn read_one(&self) -> Result<Tx> {
        Ok(Tx::statement(
            self.pool.acquire().await?,
            self.engine,
            self.counts.clone(),
        ))
    }

    /// Runs `read`, one read statement outside a transaction (see [`Store::read_one`]), for
    /// the lookups every request makes first. When the connection it was given turns out
    /// dead, it runs again on another: a read changes nothing, so running it twice is safe.
    /// Anything that reads twice needs [`Store::read`], whose statements share one snapshot.
    pub async fn read_once<T>(
        &self,
        read: impl for<'t> Fn(&'t mut Tx) -> OneRead<'t, T>,
    ) -> Result<T> {
        let mut passed = 0;
        loop {
            let mut tx = self.read_one().await?;
            match read(&mut tx).await {
                Err(e) if e.is_lost_connection() && may_pass_over(&self.pool, passed) => {
                    passed += 1;
                }
                done => return done,
            }
        }
    }

    /// Whether the database answers.
    pub async fn ping(&self) -> Result<()> {
        sqlx::query("SELECT 1").execute(&self.pool).await?;
        Ok(())
    }

    /// Closes every connection, waiting for those in use.
    pub async fn close(&self) {
        if let Some(writer) = &self.writer {
            writer.close().await;
        }
        self.pool.close().await;
    }

    /// Refreshes the query planner's statistics, after a bulk load or from a periodic job.
    pub async fn refresh_statistics(&self) -> Result<()> {
        let sql = match self.engine() {
            Engine::Sqlite => "PRAGMA optimize",
            Engine::Postgres => "ANALYZE",
        };
        self.pool.execute(sql).await?;
        Ok(())
    }

    /// Readies the database after a bulk load: fresh statistics and, on PostgreSQL, the
    /// visibility map, without which it will not count from an index alone (autovacuum may
    /// take minutes to come round).
    pub async fn settle_after_bulk_load(&self) -> Result<()> {
        let sql = match self.engine() {
            Engine::Sqlite => "PRAGMA optimize",
            Engine::Postgres => "VACUUM (ANALYZE)",
        };
        self.pool.execute(sql).await?;
        Ok(())
    }

    /// Readies a bulk load's transaction: on SQLite a 64 MiB page cache for its connection,
    /// as a load of 100,000 risks with their text index otherwise re-reads pages from the
    /// file on every insert. Serving keeps SQLite's default: 32 MiB a connection tripled the
    /// server's memory in the spine bench without making its reads faster. The load runs on a
    /// connection of the read pool, in the writers' line, so that the writer connection never
    /// keeps the large cache.
    pub async fn write_for_bulk_load(&self) -> Result<crate::Tx> {
        let mut tx = self.write_on(&self.pool).await?;
        if self.engine == Engine::Sqlite {
            sqlx::query("PRAGMA cache_size = -65536")
                .execute(tx.conn())
                .await?;
        }
        Ok(tx)
    }

    pub(crate) fn pool(&self) -> &AnyPool {
        &self.pool
    }
}

/// A database URL with any password replaced, fit for messages and logs.
pub fn redact_url(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(scheme), Some(at)) if at > scheme => match url[scheme + 3..at].split_once(':') {
            Some((user, _)) => format!("{}{user}:***{}", &url[..scheme + 3], &url[at..]),
            None => url.to_owned(),
        },
        _ => url.to_owned(),
    }
}

/// Whether one more dead connection of `pool` may be passed over after `passed` of them:
/// at most as many as the pool holds, so that an unreachable database ends the search.
fn may_pass_over(pool: &AnyPool, passed: u32) -> bool {
    passed < pool.options().get_max_connections()
}

/// Begins a transaction on `pool` with `statement`, passing over pooled connections that
/// turn out dead: a connection used moments ago is not pinged first, so after a server
/// restart BEGIN is the first to find out. Nothing was done on such a connection, so taking
/// the next is safe; the pool drops the dead one.
async fn begin(pool: &AnyPool, statement: &'static str) -> Result<Transaction<'static, Any>> {
    let mut passed = 0;
    loop {
        match pool.begin_with(statement).await {
            Err(e) if lost_connection(&e) && may_pass_over(pool, passed) => {
                passed += 1;
            }
            begun => return Ok(begun?),
        }
    }
}

/// Opens and closes one PostgreSQL connection, so that a database that does not exist or a
/// refused password is reported at once, in words, and a server not (yet) accepting
/// connections is waited for at most [`ACQUIRE_TIMEOUT`] and then reported with the last
/// reason, rather than as a pool that timed out retrying.
async fn first_connection(options: &AnyConnectOptions) -> Result<()> {
    let target = redact_url(options.database_url.as_str());
    tracing::info!(database = %target, "connecting to PostgreSQL");
    let deadline = tokio::time::Instant::now() + ACQUIRE_TIMEOUT;
    loop {
        let attempt = tokio::time::timeout_at(deadline, AnyConnection::connect_with(options));
        let error = match attempt.await {
            Ok(Ok(connection)) => {
                let _ = connection.close().await;
                return Ok(());
            }
            Ok(Err(e)) => e,
            Err(_) => {
                return Err(StoreError::Connect {
                    target,
                    reason: format!(
                        "no answer within {} s; check that the server is running and that \
                         nothing between here and it drops the connection",
                        ACQUIRE_TIMEOUT.as_secs()
                    ),
                });
            }
        };
        // A server starting up, or one not listening yet, may well accept in a moment.
        let passing = matches!(&error, sqlx::Error::Io(_))
            || matches!(&error, sqlx::Error::Database(db) if db.code().as_deref() == Some("57P03"));
        let pause = std::time::Duration::from_millis(250);
        if !passing || tokio::time::Instant::now() + pause >= deadline {
            return Err(connect_error(&target, &error));
        }
        tracing::info!(database = %target, %error, "waiting for PostgreSQL to accept connections");
        tokio::time::sleep(pause).await;
    }
}

/// The options of a pool of SQLite connections.
fn sqlite_pool(size: u32) -> AnyPoolOptions {
    // An embedded database has no link to break: pinging each connection before handing
    // it out would only add a trip to its worker thread per transaction.
    AnyPoolOptions::new()
        .max_connections(size)
        .acquire_timeout(ACQUIRE_TIMEOUT)
        .test_before_acquire(false)
        .after_connect(|conn, _| {
            Box::pin(async move {
                conn.execute(sqlx::raw_sql(SQLITE_PRAGMAS)).await?;
                Ok(())
            })
        })
}

#[cfg(test)]
mod tests {
    #[test]
    fn passwords_are_redacted_from_urls() {
        assert_eq!(
            super::redact_url("postgres://u:secret@h:5432/db"),
            "postgres://u:***@h:5432/db"
        );
        assert_eq!(super::redact_url("postgres://u@h/db"), "postgres://u@h/db");
        assert_eq!(super::redact_url("sqlite://x.db"), "sqlite://x.db");
    }
}
