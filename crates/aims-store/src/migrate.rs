//! Schema migrations, embedded in the binary and applied in order, each in its own
//! transaction. Both engines share the version numbers; a migration may carry a variant for
//! one engine where the dialects differ.

use sqlx::{AssertSqlSafe, Executor, Row};

use crate::connect::{Engine, Store};
use crate::error::{Result, StoreError};

/// One schema change.
pub struct Migration {
    pub version: i64,
    pub name: &'static str,
    sql: &'static str,
    postgres: Option<&'static str>,
}

impl Migration {
    fn sql_for(&self, engine: Engine) -> &'static str {
        match (engine, self.postgres) {
            (Engine::Postgres, Some(sql)) => sql,
            _ => self.sql,
        }
    }
}

/// Every migration of this build, in order.
pub const MIGRATIONS: &[Migration] = &[
    Migration {
        version: 1,
        name: "foundation",
        sql: include_str!("../migrations/0001_foundation.sql"),
        postgres: None,
    },
    Migration {
        version: 2,
        name: "append_only_audit",
        sql: include_str!("../migrations/0002_append_only_audit.sql"),
        postgres: Some(include_str!(
            "../migrations/0002_append_only_audit.postgres.sql"
        )),
    },
    Migration {
        version: 3,
        name: "requirement_texts",
        sql: include_str!("../migrations/0003_requirement_texts.sql"),
        postgres: None,
    },
    Migration {
        version: 4,
        name: "inventory",
        sql: include_str!("../migrations/0004_inventory.sql"),
        postgres: None,
    },
    Migration {
        version: 5,
        name: "impact_assessments",
        sql: include_str!("../migrations/0005_impact_assessments.sql"),
        postgres: None,
    },
    Migration {
        version: 6,
        name: "evidence",
        sql: include_str!("../migrations/0006_evidence.sql"),
        postgres: None,
    },
    Migration {
        version: 7,
        name: "risks",
        sql: include_str!("../migrations/0007_risks.sql"),
        postgres: None,
    },
    Migration {
        version: 8,
        name: "statement_of_applicability",
        sql: include_str!("../migrations/0008_statement_of_applicability.sql"),
        postgres: None,
    },
    Migration {
        version: 9,
        name: "redteam_runs",
        sql: include_str!("../migrations/0009_redteam_runs.sql"),
        postgres: None,
    },
    Migration {
        version: 10,
        name: "custom_frameworks",
        sql: include_str!("../migrations/0010_custom_frameworks.sql"),
        postgres: None,
    },
    Migration {
        version: 11,
        name: "dashboard_indexes",
        sql: include_str!("../migrations/0011_dashboard_indexes.sql"),
        postgres: None,
    },
    Migration {
        version: 12,
        name: "text_search",
        sql: include_str!("../migrations/0012_text_search.sql"),
        postgres: Some(include_str!("../migrations/0012_text_search.postgres.sql")),
    },
    Migration {
        version: 13,
        name: "tallies",
        sql: include_str!("../migrations/0013_tallies.sql"),
        postgres: Some(include_str!("../migrations/0013_tallies.postgres.sql")),
    },
    Migration {
        version: 14,
        name: "class_tally",
        sql: include_str!("../migrations/0014_class_tally.sql"),
        postgres: Some(include_str!("../migrations/0014_class_tally.postgres.sql")),
    },
    Migration {
        version: 15,
        name: "tokens_made_by_tokens",
        sql: include_str!("../migrations/0015_tokens_made_by_tokens.sql"),
        postgres: Some(include_str!(
            "../migrations/0015_tokens_made_by_tokens.postgres.sql"
        )),
    },
    Migration {
        version: 16,
        name: "risk_rated_by",
        sql: include_str!("../migrations/0016_risk_rated_by.sql"),
        postgres: None,
    },
    Migration {
        version: 17,
        name: "audit_checkpoints",
        sql: include_str!("../migrations/0017_audit_checkpoints.sql"),
        postgres: None,
    },
    Migration {
        version: 18,
        name: "job_control",
        sql: include_str!("../migrations/0018_job_control.sql"),
        postgres: None,
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL)";

impl Store {
    /// Applies every migration not yet applied; returns how many ran. The whole run is one
    /// transaction (both engines have transactional DDL), and on PostgreSQL it holds an
    /// advisory lock, so that several processes starting at once migrate exactly once.
    pub async fn migrate(&self) -> Result<usize> {
        let mut tx = self.write().await?;
        if self.engine() == Engine::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242420001)")
                .execute(tx.conn())
                .await?;
        }
        tx.conn().execute(LEDGER).await?;
        let mut applied = 0;
        for migration in MIGRATIONS {
            let done: Option<i64> =
                sqlx::query_scalar("SELECT version FROM schema_migrations WHERE version = $1")
                    .bind(migration.version)
                    .fetch_optional(tx.conn())
                    .await?;
            if done.is_some() {
                continue;
            }
            tx.conn()
                .execute(sqlx::raw_sql(AssertSqlSafe(
                    migration.sql_for(self.engine()),
                )))
                .await
                .map_err(|e| {
                    StoreError::Migration(format!(
                        "{:04}_{}: {e}",
                        migration.version, migration.name
                    ))
                })?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at) VALUES ($1, $2, $3)",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(now_micros())
            .execute(tx.conn())
            .await?;
            tracing::info!(
                version = migration.version,
                name = migration.name,
                "migration applied"
            );
            applied += 1;
        }
        tx.commit().await?;
        Ok(applied)
    }

    /// Succeeds when every migration of this build has been applied, and none newer.
    pub async fn check_migrations(&self) -> Result<()> {
        let rows = sqlx::query("SELECT version FROM schema_migrations ORDER BY version")
            .fetch_all(self.pool())
            .await
            .map_err(|_| StoreError::Migration("the database has not been migrated".into()))?;
        let versions: Vec<i64> = rows
            .iter()
            .map(|r| r.try_get(0))
            .collect::<Result<_, _>>()?;
        let expected: Vec<i64> = MIGRATIONS.iter().map(|m| m.version).collect();
        if versions == expected {
            Ok(())
        } else if versions.len() > expected.len() {
            Err(StoreError::Migration(format!(
                "the database is at version {:?}, newer than this build ({:?})",
                versions.last(),
                expected.last()
            )))
        } else {
            Err(StoreError::Migration(format!(
                "{} migration(s) pending: run `aims migrate`",
                expected.len() - versions.len()
            )))
        }
    }
}

fn now_micros() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)
}
