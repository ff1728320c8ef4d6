//! Fresh databases for tests, on either engine. A PostgreSQL test gets its own database, so
//! tests run in parallel without seeing each other's rows.

use std::path::PathBuf;

use crate::connect::{Store, redact_url as redact};

/// Where tests find PostgreSQL when `AIMS_TEST_PG_URL` is not set.
pub const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Prefix of the databases tests create, so that a test run can drop those left behind.
pub const TEST_DB_PREFIX: &str = "aims_t_";

/// A new, migrated SQLite database in a fresh temporary folder.
pub async fn sqlite() -> (Store, PathBuf) {
    let dir = std::env::temp_dir().join(format!("aims-test-{}", uuid::Uuid::now_v7().simple()));
    std::fs::create_dir_all(&dir).expect("create a temporary folder");
    let url = format!("sqlite://{}?mode=rwc", dir.join("aims.db").display());
    let store = Store::connect(&url).await.expect("open SQLite");
    store.migrate().await.expect("migrate SQLite");
    (store, dir)
}

/// The URL of the PostgreSQL server for tests.
pub fn pg_admin_url() -> String {
    std::env::var("AIMS_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.to_owned())
}

/// The URL of a new, empty PostgreSQL database, or `None` when the server cannot be reached
/// (in which case the reason has been reported with [`skip`]).
pub async fn pg_database_url() -> Option<String> {
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
    Some(format!("{base}/{name}"))
}

/// Drops test databases made over an hour ago (their UUIDv7 names carry the time), once
/// per process: runs that ended without cleaning up leave nothing behind for long, and no
/// database of a test still running is touched.
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
pub async fn postgres() -> Option<Store> {
    let url = pg_database_url().await?;
    let store = Store::connect(&url).await.expect("open the test database");
    store.migrate().await.expect("migrate PostgreSQL");
    Some(store)
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
