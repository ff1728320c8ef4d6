//! Keeping the data: migrations, verifying the audit trail, backup and restore.

use std::path::Path;
use std::process::ExitCode;

use aims_store::backup::write_archive;
use anyhow::Context;
use serde_json::json;

use super::{open_current, open_migrated, open_store, org_id};
use crate::settings::Settings;

/// `aims migrate`.
pub async fn migrate(settings: &Settings) -> anyhow::Result<ExitCode> {
    let store = open_store(settings).await?;
    let applied = store.migrate().await.context("migrating the database")?;
    println!("{applied} migration(s) applied; the schema is current");
    store.close().await;
    Ok(ExitCode::SUCCESS)
}

/// `aims verify-audit`: 0 when every chain verifies, 1 naming the first event that does not.
pub async fn verify_audit(
    settings: &Settings,
    org: Option<&str>,
    format: &str,
) -> anyhow::Result<ExitCode> {
    let app = open_current(settings).await?;
    let reports = match org {
        Some(org) => vec![
            app.verify_chain(org_id(org)?)
                .await
                .context("no such organisation")?,
        ],
        None => app.verify_all_chains().await?,
    };
    let intact = reports.iter().all(|r| r.broken.is_none());
    if format == "json" {
        let out: Vec<_> = reports
            .iter()
            .map(|r| json!({
                "org": r.org.to_string(), "name": r.org_name, "intact": r.broken.is_none(),
                "verified_events": r.verified, "head_hash": r.head,
                "first_broken": r.broken.as_ref().map(|b| json!({"seq": b.seq, "id": b.id, "reason": b.reason})),
            }))
            .collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for r in &reports {
            match &r.broken {
                None => println!(
                    "ok      {} ({}): {} events verified",
                    r.org, r.org_name, r.verified
                ),
                Some(b) => println!(
                    "BROKEN  {} ({}): {} events verified, then {b}",
                    r.org, r.org_name, r.verified
                ),
            }
        }
        println!(
            "{} organisation(s) checked: {}",
            reports.len(),
            if intact {
                "all chains intact"
            } else {
                "tampering detected"
            }
        );
    }
    app.store().close().await;
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
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
