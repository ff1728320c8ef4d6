//! Schema migrations, embedded in the binary and applied in order, each in its own
//! transaction. Both engines share the version numbers; a migration may carry a variant for
//! one engine where the dialects differ. The ledger keeps a checksum of each migration as it
//! ran, and a build whose copy of an applied migration differs is refused: a released
//! migration is never edited, a change is a new migration.

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

    /// The SHA-256 of the SQL this engine runs, in hex: what the ledger records.
    pub fn checksum(&self, engine: Engine) -> String {
        crate::backup::sha256_hex(self.sql_for(engine).as_bytes())
    }

    fn label(&self) -> String {
        format!("{:04}_{}", self.version, self.name)
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
    Migration {
        version: 19,
        name: "named_number_index",
        sql: include_str!("../migrations/0019_named_number_index.sql"),
        postgres: None,
    },
    Migration {
        version: 20,
        name: "heat_map_indexes",
        sql: include_str!("../migrations/0020_heat_map_indexes.sql"),
        postgres: None,
    },
    Migration {
        version: 21,
        name: "documents",
        sql: include_str!("../migrations/0021_documents.sql"),
        postgres: Some(include_str!("../migrations/0021_documents.postgres.sql")),
    },
    Migration {
        version: 22,
        name: "tasks_and_notifications",
        sql: include_str!("../migrations/0022_tasks_and_notifications.sql"),
        postgres: None,
    },
    Migration {
        version: 23,
        name: "password_resets",
        sql: include_str!("../migrations/0023_password_resets.sql"),
        postgres: None,
    },
    Migration {
        version: 24,
        name: "system_scope",
        sql: include_str!("../migrations/0024_system_scope.sql"),
        postgres: None,
    },
    Migration {
        version: 25,
        name: "record_numbers",
        sql: include_str!("../migrations/0025_record_numbers.sql"),
        postgres: None,
    },
    Migration {
        version: 26,
        name: "objectives_and_metrics",
        sql: include_str!("../migrations/0026_objectives_and_metrics.sql"),
        postgres: None,
    },
    Migration {
        version: 27,
        name: "roles_and_competence",
        sql: include_str!("../migrations/0027_roles_and_competence.sql"),
        postgres: None,
    },
    Migration {
        version: 28,
        name: "context",
        sql: include_str!("../migrations/0028_context.sql"),
        postgres: Some(include_str!("../migrations/0028_context.postgres.sql")),
    },
    Migration {
        version: 29,
        name: "risk_action_due",
        sql: include_str!("../migrations/0029_risk_action_due.sql"),
        postgres: None,
    },
    Migration {
        version: 30,
        name: "my_work_indexes",
        sql: include_str!("../migrations/0030_my_work_indexes.sql"),
        postgres: None,
    },
    Migration {
        version: 31,
        name: "document_attachments",
        sql: include_str!("../migrations/0031_document_attachments.sql"),
        postgres: Some(include_str!(
            "../migrations/0031_document_attachments.postgres.sql"
        )),
    },
    Migration {
        version: 32,
        name: "nonconformities",
        sql: include_str!("../migrations/0032_nonconformities.sql"),
        postgres: None,
    },
    Migration {
        version: 33,
        name: "open_task_order",
        sql: include_str!("../migrations/0033_open_task_order.sql"),
        postgres: None,
    },
    Migration {
        version: 34,
        name: "incidents",
        sql: include_str!("../migrations/0034_incidents.sql"),
        postgres: None,
    },
];

const LEDGER: &str = "CREATE TABLE IF NOT EXISTS schema_migrations (\
     version BIGINT PRIMARY KEY, name TEXT NOT NULL, applied_at BIGINT NOT NULL, checksum TEXT)";

/// What the ledger says of one applied migration.
struct Applied {
    version: i64,
    checksum: Option<String>,
}

impl Store {
    /// Applies every migration not yet applied; returns how many ran. The whole run is one
    /// transaction (both engines have transactional DDL), and on PostgreSQL it holds an
    /// advisory lock, so that several processes starting at once migrate exactly once.
    /// Refused, with nothing applied, when an applied migration differs from this build's.
    pub async fn migrate(&self) -> Result<usize> {
        let engine = self.engine();
        let mut tx = self.write().await?;
        if engine == Engine::Postgres {
            sqlx::query("SELECT pg_advisory_xact_lock(4242420001)")
                .execute(tx.conn())
                .await?;
        }
        tx.conn().execute(LEDGER).await?;
        add_checksum_column(&mut tx, engine).await?;
        let applied = ledger(&mut tx).await?;
        check_applied(&applied, engine)?;
        // Ledgers written before checksums were kept get this build's: the migrations they
        // ran are taken to be the ones released with that number.
        for a in applied.iter().filter(|a| a.checksum.is_none()) {
            if let Some(m) = MIGRATIONS.iter().find(|m| m.version == a.version) {
                sqlx::query("UPDATE schema_migrations SET checksum = $1 WHERE version = $2")
                    .bind(m.checksum(engine))
                    .bind(m.version)
                    .execute(tx.conn())
                    .await?;
            }
        }
        let mut ran = 0;
        for migration in MIGRATIONS {
            if applied.iter().any(|a| a.version == migration.version) {
                continue;
            }
            tx.conn()
                .execute(sqlx::raw_sql(AssertSqlSafe(migration.sql_for(engine))))
                .await
                .map_err(|e| StoreError::Migration(format!("{}: {e}", migration.label())))?;
            sqlx::query(
                "INSERT INTO schema_migrations (version, name, applied_at, checksum) \
                 VALUES ($1, $2, $3, $4)",
            )
            .bind(migration.version)
            .bind(migration.name)
            .bind(now_micros())
            .bind(migration.checksum(engine))
            .execute(tx.conn())
            .await?;
            tracing::info!(
                version = migration.version,
                name = migration.name,
                "migration applied"
            );
            ran += 1;
        }
        tx.commit().await?;
        Ok(ran)
    }

    /// Succeeds when every migration of this build has been applied, as this build has it,
    /// and none newer.
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
        if versions.len() > expected.len() {
            return Err(StoreError::Migration(format!(
                "the database is at version {:?}, newer than this build ({:?})",
                versions.last(),
                expected.last()
            )));
        }
        if versions != expected {
            return Err(StoreError::Migration(format!(
                "{} migration(s) pending: run `aims migrate`",
                expected.len().saturating_sub(versions.len())
            )));
        }
        // Every migration of this build ran, so the ledger has its checksum column.
        let mut tx = self.read().await?;
        let applied = ledger(&mut tx).await?;
        tx.commit().await?;
        check_applied(&applied, self.engine())
    }
}

/// Adds the checksum column to a ledger made before checksums were kept.
async fn add_checksum_column(tx: &mut crate::tx::Tx, engine: Engine) -> Result<()> {
    let statement = match engine {
        Engine::Postgres => "ALTER TABLE schema_migrations ADD COLUMN IF NOT EXISTS checksum TEXT",
        Engine::Sqlite => {
            let present: i64 = sqlx::query_scalar(
                "SELECT COUNT(*) FROM pragma_table_info('schema_migrations') \
                 WHERE name = 'checksum'",
            )
            .fetch_one(tx.conn())
            .await?;
            if present > 0 {
                return Ok(());
            }
            "ALTER TABLE schema_migrations ADD COLUMN checksum TEXT"
        }
    };
    tx.conn().execute(statement).await?;
    Ok(())
}

/// Every migration the ledger records, by version.
async fn ledger(tx: &mut crate::tx::Tx) -> Result<Vec<Applied>> {
    let rows = sqlx::query("SELECT version, checksum FROM schema_migrations ORDER BY version")
        .fetch_all(tx.conn())
        .await?;
    rows.iter()
        .map(|r| {
            Ok(Applied {
                version: r.try_get("version")?,
                checksum: r.try_get("checksum")?,
            })
        })
        .collect()
}

/// Refuses a ledger that records, under a version this build knows, a migration other than
/// this build's: the schema may then not be what the code expects.
fn check_applied(applied: &[Applied], engine: Engine) -> Result<()> {
    for a in applied {
        let (Some(recorded), Some(m)) = (
            &a.checksum,
            MIGRATIONS.iter().find(|m| m.version == a.version),
        ) else {
            continue;
        };
        if *recorded != m.checksum(engine) {
            return Err(StoreError::Migration(format!(
                "migration {} applied to this database differs from this build's copy \
                 (checksum {recorded} recorded, {} now): applied migrations must never be \
                 edited; restore the file as released and put the change in a new migration",
                m.label(),
                m.checksum(engine)
            )));
        }
    }
    Ok(())
}

fn now_micros() -> i64 {
    let since_epoch = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap_or_default();
    i64::try_from(since_epoch.as_micros()).unwrap_or(i64::MAX)
}

#[cfg(test)]
mod tests {
    use super::MIGRATIONS;

    /// A file in `migrations/` that is not in the list would never run: every one is, under
    /// its number and name, and the list counts up by one.
    #[test]
    fn every_migration_file_is_in_the_list() {
        let folder = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("migrations");
        let mut files: Vec<String> = std::fs::read_dir(&folder)
            .unwrap()
            .map(|entry| entry.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|name| name.ends_with(".sql") && !name.ends_with(".postgres.sql"))
            .collect();
        files.sort();
        let listed: Vec<String> = MIGRATIONS
            .iter()
            .map(|m| format!("{:04}_{}.sql", m.version, m.name))
            .collect();
        assert_eq!(files, listed);
        for (i, m) in MIGRATIONS.iter().enumerate() {
            assert_eq!(m.version, i as i64 + 1, "{}", m.name);
            let postgres = folder.join(format!("{:04}_{}.postgres.sql", m.version, m.name));
            assert_eq!(postgres.exists(), m.postgres.is_some(), "{}", m.name);
        }
    }
}
