//! The subcommands.

mod admin;
mod audit;
mod catalog;
mod catalog_impact;
mod catalog_import;
mod maintenance;
pub mod redteam;
mod serve;

use std::process::ExitCode;
use std::sync::Arc;

use aims_app::{App, Store, SystemClock};
use anyhow::Context;

use crate::settings::{Command, Settings};

/// Runs one subcommand.
pub async fn run(command: Command, settings: Settings) -> anyhow::Result<ExitCode> {
    match command {
        Command::Serve(args) => serve::serve(args, &settings).await,
        Command::Worker => serve::worker(&settings).await,
        Command::Migrate => maintenance::migrate(&settings).await,
        Command::VerifyAudit {
            org,
            format,
            export_head,
            against,
        } => {
            audit::verify(
                &settings,
                org.as_deref(),
                &format,
                export_head,
                against.as_deref(),
            )
            .await
        }
        Command::AuditKey(command) => audit::key(command, &settings),
        Command::Backup { out } => maintenance::backup(&settings, &out).await,
        Command::Restore { file } => maintenance::restore(&settings, &file).await,
        Command::Admin(command) => admin::run(command, &settings).await,
        Command::Catalog(crate::settings::CatalogCommand::Diff {
            old,
            new,
            format,
            org: Some(org),
        }) => catalog_impact::diff_with_impact(&settings, &old, &new, &format, &org).await,
        Command::Catalog(crate::settings::CatalogCommand::Import {
            file,
            id,
            title,
            version,
            source,
            target,
            org: Some(org),
        }) => {
            let args = catalog_import::ImportArgs {
                file: &file,
                options: aims_catalog::ImportOptions {
                    id,
                    title,
                    version,
                    source,
                    target,
                },
            };
            catalog_import::store(&settings, &args, &org).await
        }
        Command::Catalog(command) => catalog::run(command),
        Command::Redteam(command) => redteam::run(command).await,
    }
}

/// Opens the database; creates the data folder first when SQLite lives there.
pub async fn open_store(settings: &Settings) -> anyhow::Result<Store> {
    let url = settings.database_url();
    if url.starts_with("sqlite:") {
        std::fs::create_dir_all(&settings.data_dir)
            .with_context(|| format!("creating the data folder {}", settings.data_dir.display()))?;
    }
    if settings.data_dir.exists() {
        crate::private_files::tighten(&settings.data_dir).with_context(|| {
            format!(
                "making the data folder {} private",
                settings.data_dir.display()
            )
        })?;
    }
    Store::connect_with_pool(&url, settings.database_max_connections)
        .await
        .with_context(|| format!("opening the database {}", aims_store::redact_url(&url)))
}

/// Opens the database, applies pending migrations, and returns the application.
pub async fn open_migrated(settings: &Settings) -> anyhow::Result<App> {
    let store = open_store(settings).await?;
    migrate_store(&store).await?;
    app_over(store, settings, false)
}

/// The application of a process that runs background jobs, which sign audit checkpoints:
/// its signing key is made at first start. `migrate` applies pending migrations first.
pub async fn open_to_run_jobs(settings: &Settings, migrate: bool) -> anyhow::Result<App> {
    let store = open_store(settings).await?;
    if migrate {
        migrate_store(&store).await?;
    } else {
        check_schema(&store).await?;
    }
    app_over(store, settings, true)
}

async fn migrate_store(store: &Store) -> anyhow::Result<()> {
    let applied = store.migrate().await.context("migrating the database")?;
    if applied > 0 {
        tracing::info!(applied, "database migrated");
    }
    Ok(())
}

async fn check_schema(store: &Store) -> anyhow::Result<()> {
    store
        .check_migrations()
        .await
        .context("checking the database schema")
}

/// The application over `store`, as the settings configure it; one that `signs` audit
/// checkpoints (the processes that run background jobs) makes its key at first start.
fn app_over(store: Store, settings: &Settings, signs: bool) -> anyhow::Result<App> {
    anyhow::ensure!(
        settings.session_max_days >= 1,
        "session_max_days (AIMS_SESSION_MAX_DAYS) must be at least 1, not {}",
        settings.session_max_days
    );
    Ok(App::new(store, Arc::new(SystemClock))
        .with_blob_dir(settings.data_dir.join("blobs"))
        .with_redteam_hosts(settings.redteam_hosts())
        .with_session_max_days(settings.session_max_days)
        .with_work_dir(settings.data_dir.join("jobs"))
        .with_audit_keys(
            crate::audit_keys::signer(settings, signs)?,
            crate::audit_keys::trusted(settings)?,
        ))
}

/// Opens the database, which must already be migrated.
pub async fn open_current(settings: &Settings) -> anyhow::Result<App> {
    let store = open_store(settings).await?;
    check_schema(&store).await?;
    app_over(store, settings, false)
}

/// Parses an organisation id given on the command line.
pub fn org_id(text: &str) -> anyhow::Result<aims_app::domain::OrgId> {
    text.trim().parse().map_err(|_| {
        anyhow::anyhow!(
            "--org must be an organisation id (as printed by `aims admin create-org`), not {text:?}"
        )
    })
}

/// Reads a password from standard input: the first line, without its line ending.
pub fn password_from_stdin() -> anyhow::Result<String> {
    let mut line = String::new();
    std::io::stdin()
        .read_line(&mut line)
        .context("reading the password from standard input")?;
    let password = line.trim_end_matches(['\r', '\n']).to_owned();
    anyhow::ensure!(!password.is_empty(), "no password on standard input");
    Ok(password)
}
