//! Fresh databases for tests, on either engine. A PostgreSQL test gets its own database, so
//! tests run in parallel without seeing each other's rows; each is removed when the test
//! lets go of it (a SQLite database with its folder). Built only with the `testing` feature,
//! which only test targets turn on.

use std::ops::Deref;
use std::path::{Path, PathBuf};

use crate::connect::{Store, redact_url as redact};

/// Where tests find PostgreSQL when `AIMS_TEST_PG_URL` is not set.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Prefix of the databases tests create, so that a test run can drop those left behind.
pub const TEST_DB_PREFIX: &str = "aims_t_";

/// A temporary folder, removed with everything in it when dropped.
#[derive(Debug)]
pub struct TestFolder(PathBuf);

impl TestFolder {
    /// A new, empty folder under the system's temporary folder.
    pub fn new() -> Self {
        let dir = std::env::temp_dir().join(format!("aims-test-{}", uuid::Uuid::now_v7().simple()));
        std::fs::create_dir_all(&dir).expect("create a temporary folder");
        Self(dir)
    }
}

impl Default for TestFolder {
    fn default() -> Self {
        Self::new()
    }
}

impl Deref for TestFolder {
    type Target = Path;

    fn deref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<Path> for TestFolder {
    fn as_ref(&self) -> &Path {
        &self.0
    }
}

impl AsRef<std::ffi::OsStr> for TestFolder {
    fn as_ref(&self) -> &std::ffi::OsStr {
        self.0.as_os_str()
    }
}

impl Drop for TestFolder {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// A new, migrated SQLite database in a fresh temporary folder, removed with the folder.
pub async fn sqlite() -> (Store, TestFolder) {
    let dir = TestFolder::new();
    let url = format!("sqlite://{}?mode=rwc", dir.join("aims.db").display());
    let store = Store::connect(&url).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    (store, dir)
}

/// The URL of the PostgreSQL server for tests.
pub fn pg_admin_url() -> String {
    std::env::var("AIMS_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// A PostgreSQL database of one test, dropped (with any connection still open to it) when
/// this is dropped, at the end of the test or as it fails.
#[derive(Debug)]
pub struct TestDatabase {
    url: String,
    name: String,
}

impl TestDatabase {
    /// The database's URL.
    pub fn url(&self) -> &str {
        &self.url
    }
}

impl Drop for TestDatabase {
    fn drop(&mut self) {
        // Drop runs inside the test's runtime, which cannot be blocked on: the database is
        // dropped from a thread of its own, waited for so that the test ends clean.
        let name = std::mem::take(&mut self.name);
        let dropping = std::thread::spawn(move || {
            let Ok(runtime) = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            else {
                return;
            };
            runtime.block_on(async {
                if let Ok(admin) = Store::connect(&pg_admin_url()).await {
                    let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                        "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                    )))
                    .execute(admin.pool())
                    .await;
                    admin.close().await;
                }
            });
        });
        let _ = dropping.join();
    }
}

/// A new, empty PostgreSQL database, or `None` when the server cannot be reached (in which
/// case the reason has been reported with [`skip`]).
pub async fn pg_database() -> Option<TestDatabase> {
    let admin_url = pg_admin_url();
    let admin = match Store::connect(&admin_url).await {
        Ok(store) => store,
        Err(e) => {
            skip(&format!(
                "PostgreSQL not reachable at {} ({e})",
                redact(&admin_url)
            ));
            return None;
        }
    };
    drop_stale_databases(&admin).await;
    let name = format!("{TEST_DB_PREFIX}{}", uuid::Uuid::now_v7().simple());
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}")))
        .execute(admin.pool())
        .await
        .expect("create a test database");
    admin.close().await;
    let base = admin_url
        .rsplit_once('/')
        .map_or(admin_url.as_str(), |(b, _)| b);
    Some(TestDatabase {
        url: format!("{base}/{name}"),
        name,
    })
}

/// Drops test databases made over an hour ago (their UUIDv7 names carry the time), once
/// per process: what a run that was killed left behind goes at the next, and no database
/// of a test still running is touched.
async fn drop_stale_databases(admin: &Store) {
    static DONE: tokio::sync::OnceCell<()> = tokio::sync::OnceCell::const_new();
    DONE.get_or_init(|| async {
        let names: Vec<String> = sqlx::query_scalar(
            "SELECT datname::text FROM pg_database WHERE datname LIKE 'aims\\_t\\_%'",
        )
        .fetch_all(admin.pool())
        .await
        .unwrap_or_default();
        let hour_ago_ms = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64)
            .saturating_sub(3_600_000);
        for name in names {
            let made_ms = name
                .strip_prefix(TEST_DB_PREFIX)
                .and_then(|hex| uuid::Uuid::parse_str(hex).ok())
                .and_then(|id| id.get_timestamp())
                .map(|ts| ts.to_unix().0 * 1000);
            if made_ms.is_some_and(|ms| ms < hour_ago_ms) {
                let _ = sqlx::query(sqlx::AssertSqlSafe(format!(
                    "DROP DATABASE IF EXISTS {name} WITH (FORCE)"
                )))
                .execute(admin.pool())
                .await;
            }
        }
    })
    .await;
}

/// A new, migrated PostgreSQL database, or `None` when PostgreSQL cannot be reached.
pub async fn postgres() -> Option<(Store, TestDatabase)> {
    let database = pg_database().await?;
    let store = Store::connect(database.url())
        .await
        .expect("open the test database");
    store.migrate().await.expect("migrate PostgreSQL");
    Some((store, database))
}

/// Records that a test skipped part of its work. Where `AIMS_REQUIRE_ALL` is set (in CI) a
/// skip is a failure; where `AIMS_SKIP_LOG` names a file, the reason is added to it so that
/// the test driver can report it.
pub fn skip(reason: &str) {
    if std::env::var_os("AIMS_REQUIRE_ALL").is_some() {
        panic!("skipping is not allowed here (AIMS_REQUIRE_ALL is set): {reason}");
    }
    eprintln!("skipped: {reason}");
    if let Some(path) = std::env::var_os("AIMS_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(path)
        {
            let _ = writeln!(file, "{reason}");
        }
    }
}

/// Runs raw SQL, as someone with direct access to the database could: for tests of what
/// the schema refuses and what verification finds.
pub async fn execute_raw(store: &Store, sql: &str) -> Result<u64, crate::StoreError> {
    let done = sqlx::query(sqlx::AssertSqlSafe(sql.to_owned()))
        .execute(store.pool())
        .await?;
    Ok(done.rows_affected())
}

/// The schema as the engine's own catalogue describes it: each table's columns, and each
/// index named in a migration with its table. Indexes that an engine makes and names for a
/// primary key or a UNIQUE constraint are left out, as their names are the engine's.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Schema {
    pub tables: std::collections::BTreeMap<String, std::collections::BTreeSet<String>>,
    pub indexes: std::collections::BTreeMap<String, String>,
}

/// Reads the schema of `store`'s database from its engine's catalogue.
pub async fn schema(store: &Store) -> Result<Schema, crate::StoreError> {
    use sqlx::Row;
    let (columns, indexes) = match store.engine() {
        crate::Engine::Sqlite => (
            "SELECT t.name AS table_name, c.name AS column_name FROM sqlite_schema t \
             JOIN pragma_table_info(t.name) c WHERE t.type = 'table' \
             AND t.name NOT LIKE 'sqlite\\_%' ESCAPE '\\'",
            "SELECT name AS index_name, tbl_name AS table_name FROM sqlite_schema \
             WHERE type = 'index' AND name NOT LIKE 'sqlite\\_autoindex\\_%' ESCAPE '\\'",
        ),
        crate::Engine::Postgres => (
            "SELECT table_name::text AS table_name, column_name::text AS column_name \
             FROM information_schema.columns WHERE table_schema = current_schema()",
            "SELECT indexname::text AS index_name, tablename::text AS table_name FROM pg_indexes \
             WHERE schemaname = current_schema() \
             AND indexname NOT IN (SELECT conname FROM pg_constraint)",
        ),
    };
    let mut schema = Schema::default();
    for row in sqlx::query(columns).fetch_all(store.pool()).await? {
        schema
            .tables
            .entry(row.try_get("table_name")?)
            .or_default()
            .insert(row.try_get("column_name")?);
    }
    for row in sqlx::query(indexes).fetch_all(store.pool()).await? {
        schema
            .indexes
            .insert(row.try_get("index_name")?, row.try_get("table_name")?);
    }
    Ok(schema)
}
