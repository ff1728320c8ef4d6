//! Keeping the data: migrations, backup and restore.

use std::path::Path;
use std::process::ExitCode;

use aims_store::backup::write_archive;
use anyhow::Context;

use super::{open_current, open_migrated, open_store};
use crate::settings::Settings;

/// `aims migrate`.
pub async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let applied = store.migrate().await.context("migrating the database")?;
    println!("{applied} migration(s) applied; the schema is current");
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `aims backup --out FILE`.
pub async fn backup(settings: &Settings, out: &Path) -> anyhow::Result<ExitCode> {
    let app = open_current(settings).await?;
    let dump = app.store().dump().await.context("reading the database")?;
    let blobs = settings.data_dir.join("blobs");
    write_archive(&dump, Some(&blobs), out)
        .with_context(|| format!("writing {}", out.display()))?;
    let rows: usize = dump.tables.iter().map(|t| t.rows.len()).sum();
    println!(
        "wrote {}: {} tables, {rows} rows, schema version {}",
        out.display(),
        dump.tables.len(),
        dump.schema_version
    );
    app.store().close().await;
    Ok(ExitCode::SUCCESS)
}

/// `aims restore FILE`: into an empty database, all or nothing, streamed.
pub async fn restore(settings: &Settings, file: &Path) -> anyhow::Result<ExitCode> {
    let app = open_migrated(settings).await?;
    let dir = settings.data_dir.join("blobs");
    let restored = app
        .store()
        .restore_archive(file, &dir)
        .await
        .with_context(|| format!("restoring {}", file.display()))?;
    println!(
        "restored {} rows and {} blobs from {}; {} audit chain(s) verified ({} events)",
        restored.rows,
        restored.blobs,
        file.display(),
        restored.chains_verified,
        restored.events_verified
    );
    app.store().close().await;
    Ok(ExitCode::SUCCESS)
}
