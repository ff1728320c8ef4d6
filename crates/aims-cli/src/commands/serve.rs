//! `aims serve` and `aims worker`.

use std::process::ExitCode;

use aims_app::{App, Worker};
use aims_web::{CookiePolicy, WebConfig, WebState};
use anyhow::Context;
use tokio::sync::watch;

use super::open_to_run_jobs;
use crate::settings::{ServeArgs, Settings};

/// Resolves when the process is asked to stop (Ctrl-C or SIGTERM).
async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let terminate = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut signal) => {
                signal.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {}
        _ = terminate => {}
    }
}

/// The demo owner's password: kept in the data folder so that every start can show it.
fn demo_password(settings: &Settings) -> anyhow::Result<String> {
    let path = settings.data_dir.join("demo-password");
    if let Ok(existing) = std::fs::read_to_string(&path) {
        let existing = existing.trim().to_owned();
        if existing.len() >= 12 {
            return Ok(existing);
        }
    }
    let secret = aims_app::Credential::generate("demo-")?.secret;
    let password: String = secret.chars().take(21).collect();
    std::fs::create_dir_all(&settings.data_dir)?;
    std::fs::write(&path, &password).with_context(|| format!("writing {}", path.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(password)
}

/// `aims serve`.
pub async fn serve(args: ServeArgs, settings: &Settings) -> anyhow::Result<ExitCode> {
    // Without its own worker this process signs nothing, and so needs no signing key.
    let app = if args.no_worker {
        super::open_migrated(settings).await?
    } else {
        open_to_run_jobs(settings, true).await?
    };
    let listener = tokio::net::TcpListener::bind(&settings.bind)
        .await
        .with_context(|| format!("listening on {}", settings.bind))?;
    let address = listener.local_addr()?;
    // Without a configured public address, links point where we actually listen.
    let public_url = settings.public_url(address);
    let app = with_mail(app, settings, &public_url)?;
    if args.demo {
        let password = demo_password(settings)?;
        let demo = app
            .ensure_demo(&password)
            .await
            .context("preparing the demo organisation")?;
        println!(
            "Demo organisation {}. Sign in at {public_url}/sign-in",
            if demo.created { "created" } else { "ready" }
        );
        println!("  email:    {}", demo.email);
        println!("  password: {password}");
    } else if let Some(setup) = app.issue_setup_token().await? {
        println!("aims has no organisation yet. Open this one-time link to set it up:");
        println!("  {public_url}/setup?token={}", setup.secret);
    }
    let config = WebConfig {
        public_url: public_url.clone(),
        cookies: if settings.secure_cookies {
            CookiePolicy::Always
        } else {
            CookiePolicy::Auto
        },
        trust_proxy: settings.trust_proxy,
        metrics_from_loopback: settings.metrics_from_loopback,
        limits: aims_web::ServeLimits {
            shutdown_grace: settings.shutdown_grace(),
            ..Default::default()
        },
    };
    let (stop_tx, stop_rx) = watch::channel(false);
    let worker = (!args.no_worker).then(|| {
        tokio::spawn(Worker::new(app.clone(), format!("serve-{}", std::process::id())).run(stop_rx))
    });
    tracing::info!(%address, database = app.store().engine().name(), "aims is listening");
    println!(
        "aims is listening on http://{address} ({} database)",
        app.store().engine().name()
    );
    // Built here, on the thread that then frees its scratch memory, rather than by the
    // first request on a worker thread (18 MiB more resident for good).
    aims_web::openapi_document_bytes();
    crate::return_free_memory();
    let state = WebState::new(app.clone(), config);
    let served = aims_web::serve(listener, state, shutdown_signal()).await;
    let _ = stop_tx.send(true);
    if let Some(worker) = worker {
        stop_worker(worker, settings).await;
    }
    close_store(&app, settings).await;
    served.context("serving HTTP")?;
    Ok(ExitCode::SUCCESS)
}

/// `aims worker`: background jobs only.
pub async fn worker(settings: &Settings) -> anyhow::Result<ExitCode> {
    let app: App = open_to_run_jobs(settings, false).await?;
    let app = with_mail(app, settings, &settings.public_url_unbound())?;
    let (stop_tx, stop_rx) = watch::channel(false);
    let id = format!("worker-{}", std::process::id());
    tracing::info!(worker = %id, "worker started");
    let running = tokio::spawn(Worker::new(app.clone(), id).run(stop_rx));
    shutdown_signal().await;
    let _ = stop_tx.send(true);
    stop_worker(running, settings).await;
    close_store(&app, settings).await;
    Ok(ExitCode::SUCCESS)
}

/// The application sending email as the settings say, with links to `public_url`; says in
/// the log whether mail is on, and through which server (never with the password).
fn with_mail(app: App, settings: &Settings, public_url: &str) -> anyhow::Result<App> {
    match settings
        .mail(public_url)
        .context("reading the mail settings")?
    {
        Some(mail) => {
            tracing::info!(server = %mail.describe(), "mail is on");
            Ok(app.with_mail(mail).context("setting up mail")?)
        }
        None => {
            tracing::info!(
                "mail is off: set AIMS_SMTP_URL and AIMS_MAIL_FROM to email invitations and \
                 password reset links"
            );
            Ok(app)
        }
    }
}

/// Waits for the worker to put down its job (a red-team run hands its lease back to the
/// queue, to be resumed), for at most the shutdown grace period; then leaves it behind, as
/// the lease will expire and another worker take the job up.
async fn stop_worker(worker: tokio::task::JoinHandle<()>, settings: &Settings) {
    let abort = worker.abort_handle();
    if tokio::time::timeout(settings.shutdown_grace(), worker)
        .await
        .is_err()
    {
        tracing::warn!("the background worker did not stop within the shutdown grace period");
        abort.abort();
    }
}

/// Closes the database connections, waiting for those in use no longer than the grace.
async fn close_store(app: &App, settings: &Settings) {
    if tokio::time::timeout(settings.shutdown_grace(), app.store().close())
        .await
        .is_err()
    {
        tracing::warn!("database connections still in use at exit were dropped");
    }
}
