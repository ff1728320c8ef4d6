//! The schema itself: both engines' catalogues describe the same tables, columns and indexes,
//! apart from what each keeps for text search; and a migration edited after it was applied
//! is refused on either engine.

use std::collections::BTreeSet;

use aims_store::testing::{Schema, execute_raw, schema};
use aims_store::{Store, StoreError};

/// Tables and indexes only one engine has, each for a reason that lies in the engine:
/// SQLite searches through FTS5 trigram tables (with their shadow tables), the row numbers
/// beside them, and (id, org) indexes that check a match's organisation cheaply; PostgreSQL
/// through pg_trgm GIN indexes on the tables themselves.
fn engine_specific(name: &str) -> bool {
    name.starts_with("text_index_")
        || matches!(
            name,
            "ai_systems_by_id_org" | "risks_by_id_org" | "ai_systems_text" | "risks_text"
        )
}

fn comparable(schema: Schema) -> Schema {
    Schema {
        tables: schema
            .tables
            .into_iter()
            .filter(|(t, _)| !engine_specific(t))
            .collect(),
        indexes: schema
            .indexes
            .into_iter()
            .filter(|(i, t)| !engine_specific(i) && !engine_specific(t))
            .collect(),
    }
}

/// What one schema has that the other lacks, one line each.
fn differences(a: &Schema, b: &Schema) -> Vec<String> {
    let mut out = Vec::new();
    for (table, columns) in &a.tables {
        match b.tables.get(table) {
            None => out.push(format!("table {table}")),
            Some(other) => out.extend(
                columns
                    .difference(other)
                    .map(|c| format!("column {table}.{c}")),
            ),
        }
    }
    for (index, table) in &a.indexes {
        if b.indexes.get(index) != Some(table) {
            out.push(format!("index {index} on {table}"));
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn both_engines_have_the_same_tables_columns_and_indexes() {
    let (sqlite, _dir) = aims_store::testing::sqlite().await;
    let Some((postgres, _database)) = aims_store::testing::postgres().await else {
        return;
    };
    let lite = comparable(schema(&sqlite).await.unwrap());
    let pg = comparable(schema(&postgres).await.unwrap());
    assert!(
        lite.tables.len() > 20 && lite.indexes.len() > 20,
        "the catalogue was read: {lite:?}"
    );
    let only_sqlite = differences(&lite, &pg);
    let only_postgres = differences(&pg, &lite);
    assert!(
        only_sqlite.is_empty() && only_postgres.is_empty(),
        "only on SQLite: {only_sqlite:?}; only on PostgreSQL: {only_postgres:?}"
    );
    let names: BTreeSet<&String> = lite.indexes.keys().collect();
    assert!(names.contains(&"risks_by_number".to_owned()), "{names:?}");
}

/// A migration whose recorded checksum differs from this build's copy stops `migrate` and
/// the start-up check, naming it; a ledger from before checksums gets them filled in.
pub async fn an_edited_migration_is_refused(store: Store) {
    execute_raw(&store, "UPDATE schema_migrations SET checksum = NULL")
        .await
        .unwrap();
    assert_eq!(store.migrate().await.unwrap(), 0);
    store.check_migrations().await.unwrap();
    let filled = execute_raw(
        &store,
        "UPDATE schema_migrations SET checksum = checksum WHERE checksum IS NOT NULL",
    )
    .await
    .unwrap();
    assert_eq!(filled as usize, aims_store::MIGRATIONS.len());

    execute_raw(
        &store,
        "UPDATE schema_migrations SET checksum = 'edited' WHERE version = 7",
    )
    .await
    .unwrap();
    for outcome in [
        store.migrate().await.map(|_| ()),
        store.check_migrations().await,
    ] {
        match outcome {
            Err(StoreError::Migration(message)) => {
                assert!(message.contains("0007_risks"), "{message}");
                assert!(message.contains("new migration"), "{message}");
            }
            other => panic!("an edited migration was accepted: {other:?}"),
        }
    }
}
