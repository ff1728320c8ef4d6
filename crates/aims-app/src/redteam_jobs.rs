//! Red-team runs started from aims itself: the config is checked when the run is asked for,
//! the run happens in a background job (resuming its own journal if a worker dies mid-run),
//! and the finished journal is recorded like an upload.
//!
//! A server-side run makes requests from the server, with secrets from the server's
//! environment, to the address the config names. So only owners and admins may start one;
//! command targets (which would run programs on the server) are refused; HTTP targets may only
//! reach hosts the operator lists (`redteam_allowed_hosts`), which keeps runs from probing the
//! server's own network; secrets come only from variables named `AIMS_REDTEAM_SECRET_*`, so a
//! run cannot send the server's other settings (its database URL, say) anywhere; and secret
//! headers must come from such variables rather than sit in the config (which is stored).

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use aims_domain::audit::AuditAction;
use aims_domain::{Actor, ActorKind, AiSystemId, JobId, OrgId, Permission, Role, ValidationError};
use aims_redteam::config::RunConfig;
use aims_redteam::pack::ProbeLibrary;
use aims_redteam::runner::{JOURNAL_FILE, RunRequest};
use aims_redteam::target::TargetConfig;
use aims_store::{Job, JobStatus, NewJob};
use serde::{Deserialize, Serialize};
use serde_json::json;

use tokio::sync::watch;

use crate::App;
use crate::error::{AppError, Result};
use crate::jobs::JobEnd;
use crate::redteam::RedTeamUpload;

/// The job kind in the queue.
pub(crate) const JOB_KIND: &str = "redteam_run";

/// Most attempts a run started from aims may plan.
const MAX_SERVER_ATTEMPTS: usize = 2_000;

/// The only environment variables a server-side run may read secrets from.
pub const SECRET_PREFIX: &str = "AIMS_REDTEAM_SECRET_";

/// What the queued job carries.
#[derive(Serialize, Deserialize)]
struct Payload {
    system: AiSystemId,
    /// The config as the user wrote it (YAML).
    config: String,
    started_by: String,
}

fn invalid(message: impl Into<String>) -> AppError {
    ValidationError::new("config", message).into()
}

/// Whether a header carries a credential by its name.
fn is_secret_header(name: &str) -> bool {
    let name = name.to_ascii_lowercase();
    [
        "authorization",
        "cookie",
        "key",
        "token",
        "secret",
        "password",
    ]
    .iter()
    .any(|word| name.contains(word))
}

/// Checks one target of a server-side run against the operator's limits.
fn check_target(target: &TargetConfig, allowed_hosts: &[String]) -> Result<()> {
    let (url, headers, key_env) = match target {
        TargetConfig::Lab { .. } => return Ok(()),
        TargetConfig::Command { .. } => {
            return Err(invalid(
                "command targets cannot run on the server; use `aims redteam run` and upload the result",
            ));
        }
        TargetConfig::Openai {
            url,
            headers,
            api_key_env,
            ..
        } => (url, headers, api_key_env.as_deref()),
        TargetConfig::Http { url, headers, .. } => (url, headers, None),
    };
    let (host, port) = aims_redteam::target::endpoint_host(url).map_err(invalid)?;
    let with_port = port.map(|p| format!("{host}:{p}"));
    let allowed = allowed_hosts
        .iter()
        .any(|h| *h == host || Some(h) == with_port.as_ref());
    if !allowed {
        return Err(invalid(format!(
            "runs started from aims may reach only the hosts its operator allows \
             (redteam_allowed_hosts), and {host:?} is not one of them"
        )));
    }
    let env_names = key_env
        .into_iter()
        .chain(headers.values().filter_map(|v| v.strip_prefix("env:")));
    for name in env_names {
        if !name.starts_with(SECRET_PREFIX) {
            return Err(invalid(format!(
                "secrets for runs started from aims come from variables named {SECRET_PREFIX}*, not {name}"
            )));
        }
    }
    for (name, value) in headers {
        if is_secret_header(name) && !value.starts_with("env:") {
            return Err(invalid(format!(
                "header {name} looks like a credential: give it as env:{SECRET_PREFIX}NAME, not in the config"
            )));
        }
    }
    Ok(())
}

/// Most requests in flight for a run started from aims.
const MAX_SERVER_CONCURRENCY: usize = 16;
/// Most retries of one request for a run started from aims.
const MAX_SERVER_RETRIES: u32 = 3;
/// Shortest first backoff for a run started from aims, in milliseconds.
const MIN_SERVER_BACKOFF_MS: u64 = 200;
/// Longest per-request timeout for a run started from aims, in seconds.
const MAX_SERVER_TIMEOUT_SECS: f64 = 120.0;
/// Fastest request rate for a run started from aims, and the rate when the config sets none.
const MAX_SERVER_RATE: f64 = 50.0;
const DEFAULT_SERVER_RATE: f64 = 20.0;
/// Longest a run started from aims may take; it is stopped past it.
pub(crate) const MAX_SERVER_RUN_SECONDS: u64 = 30 * 60;

/// Parses and checks a config for a server-side run; returns it with its request rate set,
/// and the number of attempts it plans.
fn checked_config(text: &str, allowed_hosts: &[String]) -> Result<(RunConfig, usize)> {
    let mut config = RunConfig::parse("config", text, false).map_err(|e| invalid(e.to_string()))?;
    check_target(&config.target, allowed_hosts)?;
    if let Some(judge) = &config.judge {
        check_target(judge, allowed_hosts)?;
    }
    if !config.probes.packs.is_empty() || !config.probes.builtin {
        return Err(invalid(
            "runs started from aims use the shipped probe packs; run your own packs with the CLI and upload",
        ));
    }
    let limits = &mut config.runner;
    let bounds = [
        (
            limits.concurrency > MAX_SERVER_CONCURRENCY,
            format!("runner.concurrency at most {MAX_SERVER_CONCURRENCY}"),
        ),
        (
            limits.retries > MAX_SERVER_RETRIES,
            format!("runner.retries at most {MAX_SERVER_RETRIES}"),
        ),
        (
            limits.backoff_ms < MIN_SERVER_BACKOFF_MS,
            format!("runner.backoff_ms at least {MIN_SERVER_BACKOFF_MS}"),
        ),
        (
            limits.timeout_secs > MAX_SERVER_TIMEOUT_SECS,
            format!("runner.timeout_secs at most {MAX_SERVER_TIMEOUT_SECS}"),
        ),
        (
            limits
                .requests_per_second
                .is_some_and(|r| r > MAX_SERVER_RATE),
            format!("runner.requests_per_second at most {MAX_SERVER_RATE}"),
        ),
    ];
    if let Some((_, rule)) = bounds.iter().find(|(broken, _)| *broken) {
        return Err(invalid(format!(
            "runs started from aims take {rule}, so that one run cannot flood its target or hold \
             the server; run larger ones with the CLI and upload them"
        )));
    }
    limits
        .requests_per_second
        .get_or_insert(DEFAULT_SERVER_RATE);
    let plan = aims_redteam::plan::build(
        &config,
        &ProbeLibrary::shipped().map_err(|e| AppError::Internal(e.to_string()))?,
    )
    .map_err(|e| invalid(e.to_string()))?;
    if plan.attempts.len() > MAX_SERVER_ATTEMPTS {
        return Err(invalid(format!(
            "plans {} attempts; runs started from aims may plan at most {MAX_SERVER_ATTEMPTS} (use sample:)",
            plan.attempts.len()
        )));
    }
    Ok((config, plan.attempts.len()))
}

impl App {
    /// Queues a red-team run of `system` with the config `text` (owner, admin).
    pub async fn start_redteam_run(
        &self,
        actor: &Actor,
        system: AiSystemId,
        text: &str,
    ) -> Result<JobStatus> {
        actor.require(Permission::ManageOrganisation)?;
        let (config, _) = checked_config(text, &self.redteam_hosts)?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        c.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let payload = Payload {
            system,
            config: text.to_owned(),
            started_by: actor.label.clone(),
        };
        c.enqueue_job(
            &NewJob {
                org: Some(actor.org),
                kind: JOB_KIND.into(),
                payload: serde_json::to_string(&payload)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                unique_key: None,
                max_attempts: 3,
                run_at: now,
                subject: Some(system.to_string()),
            },
            now,
        )
        .await?;
        c.record(AuditAction::RedTeamRunStarted, system, json!({"name": config.name, "target": aims_redteam::runner::describe_target(&config.target)})).await?;
        let job = c
            .jobs_about(actor.org, JOB_KIND, &system.to_string(), 1)
            .await?
            .into_iter()
            .next()
            .ok_or_else(|| AppError::Internal("the queued run is not in the queue".into()))?;
        Ok(job)
        })
        .await
    }

    /// Carries out a queued run and records it. The run stops early when someone cancels
    /// the job, when it outlasts [`MAX_SERVER_RUN_SECONDS`], or when the worker is told to
    /// stop; in the last case its journal stays in the job's folder and the job goes back to
    /// the queue, to be resumed where it stopped.
    pub(crate) async fn run_redteam_job(
        &self,
        job: &Job,
        stop: watch::Receiver<bool>,
    ) -> Result<JobEnd> {
        let org = job
            .org
            .ok_or_else(|| AppError::Internal("a red-team job without an organisation".into()))?;
        let payload: Payload = serde_json::from_str(&job.payload)
            .map_err(|e| AppError::Internal(format!("red-team job payload: {e}")))?;
        let (config, planned) = checked_config(&payload.config, &self.redteam_hosts)?;
        // The folder is named after the job: a retry or a resumption continues its journal.
        let dir = self.job_folder(&format!("redteam-{}", job.id))?;
        let cancel = Arc::new(AtomicBool::new(false));
        let why = Arc::new(std::sync::Mutex::new(None::<Stop>));
        let watcher = tokio::spawn(self.clone().watch_run(
            job.id,
            dir.join(JOURNAL_FILE),
            planned,
            stop,
            Arc::clone(&cancel),
            Arc::clone(&why),
        ));
        let carried = carry_out(&config, &dir, cancel).await;
        watcher.abort();
        let stopped = why.lock().unwrap_or_else(|e| e.into_inner()).take();
        let end = match stopped {
            Some(Stop::Shutdown) => return Ok(JobEnd::PutBack),
            Some(Stop::CancelledBy(by)) => {
                self.record_cancelled_run(org, &payload, &by).await?;
                JobEnd::Stopped(format!("cancelled by {by}"))
            }
            Some(Stop::OverTime) => JobEnd::Stopped(format!(
                "stopped after {} minutes, the longest a run started from aims may take",
                MAX_SERVER_RUN_SECONDS / 60
            )),
            None => {
                let journal = carried?;
                let actor = Actor {
                    kind: ActorKind::System,
                    org,
                    role: Role::Editor,
                    label: format!("red-team job started by {}", payload.started_by),
                };
                self.record_redteam_run(
                    &actor,
                    payload.system,
                    RedTeamUpload {
                        journal,
                        thresholds: config.thresholds,
                    },
                )
                .await?;
                JobEnd::Done(None)
            }
        };
        let _ = std::fs::remove_dir_all(&dir);
        Ok(end)
    }

    /// While a run goes on: reports its progress every few seconds, and stops it when the job
    /// is cancelled, the worker is told to stop, or the run outlasts its time.
    async fn watch_run(
        self,
        job: JobId,
        journal: std::path::PathBuf,
        planned: usize,
        mut stop: watch::Receiver<bool>,
        cancel: Arc<AtomicBool>,
        why: Arc<std::sync::Mutex<Option<Stop>>>,
    ) {
        let deadline = tokio::time::Instant::now() + Duration::from_secs(MAX_SERVER_RUN_SECONDS);
        let halt = |reason: Stop| {
            *why.lock().unwrap_or_else(|e| e.into_inner()) = Some(reason);
            cancel.store(true, Ordering::Relaxed);
        };
        loop {
            tokio::select! {
                changed = stop.changed() => {
                    if changed.is_err() || *stop.borrow() {
                        return halt(Stop::Shutdown);
                    }
                }
                () = tokio::time::sleep_until(deadline) => return halt(Stop::OverTime),
                () = tokio::time::sleep(PROGRESS_EVERY) => {
                    let done = attempts_journalled(&journal);
                    match self.report_progress(job, done, planned).await {
                        Ok(Some(by)) => return halt(Stop::CancelledBy(by)),
                        Ok(None) => {}
                        Err(err) => tracing::warn!(%job, error = %err, "reporting a run's progress"),
                    }
                }
            }
        }
    }

    async fn report_progress(
        &self,
        job: JobId,
        done: usize,
        planned: usize,
    ) -> Result<Option<String>> {
        let mut tx = self.store.write().await?;
        let by = tx
            .report_job_progress(job, done as i64, planned as i64, self.now())
            .await?;
        tx.commit().await?;
        Ok(by)
    }

    async fn record_cancelled_run(&self, org: OrgId, payload: &Payload, by: &str) -> Result<()> {
        let actor = Actor {
            kind: ActorKind::System,
            org,
            role: Role::Editor,
            label: format!("red-team job started by {}", payload.started_by),
        };
        self.change(org, &actor, async |c| {
            c.record(
                AuditAction::RedTeamRunCancelled,
                payload.system,
                json!({"cancelled_by": by}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Asks to cancel a red-team run started from aims (owner, admin): one still queued ends
    /// at once, one running stops within seconds and records nothing.
    pub async fn cancel_redteam_run(&self, actor: &Actor, job: JobId) -> Result<JobStatus> {
        actor.require(Permission::ManageOrganisation)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            match c.job_status(actor.org, job).await? {
                Some(status) if status.kind == JOB_KIND => {
                    if !matches!(status.state.as_str(), "queued" | "running") {
                        return Err(AppError::Conflict(format!(
                            "the run has ended already ({})",
                            status.state
                        )));
                    }
                    if status.cancel_requested_by.is_some() {
                        return Err(AppError::Conflict(
                            "the run is being cancelled already".into(),
                        ));
                    }
                }
                _ => return Err(AppError::NotFound("red-team job")),
            }
            let status = c
                .request_job_cancel(actor.org, job, &actor.label, now)
                .await?;
            c.record(
                AuditAction::RedTeamRunCancelRequested,
                job,
                json!({"system": status.subject}),
            )
            .await?;
            Ok(status)
        })
        .await
    }

    /// The latest red-team runs started from aims for `system`, newest first.
    pub async fn redteam_jobs(&self, actor: &Actor, system: AiSystemId) -> Result<Vec<JobStatus>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        Ok(tx
            .jobs_about(actor.org, JOB_KIND, &system.to_string(), 20)
            .await?)
    }
}

/// Why a run stopped before its end.
enum Stop {
    Shutdown,
    CancelledBy(String),
    OverTime,
}

/// How often a running job reports progress and looks for a request to cancel it.
const PROGRESS_EVERY: Duration = Duration::from_secs(2);

/// Attempts written to a journal so far: its lines after the header.
fn attempts_journalled(journal: &Path) -> usize {
    std::fs::read(journal)
        .map(|bytes| {
            bytes
                .iter()
                .filter(|b| **b == b'\n')
                .count()
                .saturating_sub(1)
        })
        .unwrap_or(0)
}

/// Carries out (or, when `dir` holds a journal already, finishes) a run; returns its journal.
pub(crate) async fn carry_out(
    config: &RunConfig,
    dir: &Path,
    cancel: Arc<AtomicBool>,
) -> Result<Vec<u8>> {
    let library = ProbeLibrary::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
    let result = aims_redteam::runner::run(RunRequest {
        config,
        library: &library,
        out_dir: dir,
        resume: dir.join(JOURNAL_FILE).exists(),
        progress: false,
        cancel,
        tool: format!("aims {}", env!("CARGO_PKG_VERSION")),
    })
    .await
    .map_err(|e| AppError::Internal(format!("red-team run: {e}")))?;
    std::fs::read(&result.journal)
        .map_err(|e| AppError::Internal(format!("reading {}: {e}", result.journal.display())))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn check(target: &str) -> std::result::Result<(), String> {
        let text = format!("name: t\ntarget: {target}\nprobes: {{include: [encoding.*]}}\n");
        checked_config(&text, &["llm.example.org".into(), "internal:8443".into()])
            .map(|_| ())
            .map_err(|e| e.to_string())
    }

    #[test]
    fn server_runs_reach_only_allowed_hosts_with_prefixed_secrets() {
        assert!(check("{kind: lab}").is_ok());
        assert!(
            check("{kind: openai, url: 'https://llm.example.org/v1/chat/completions', model: m}")
                .is_ok()
        );
        assert!(
            check("{kind: http, url: 'https://internal:8443/chat', body: {}, answer: /a}").is_ok()
        );
        let err =
            check("{kind: openai, url: 'http://169.254.169.254/latest', model: m}").unwrap_err();
        assert!(err.contains("redteam_allowed_hosts"), "{err}");
        let err = check("{kind: http, url: 'https://internal:9999/chat', body: {}, answer: /a}")
            .unwrap_err();
        assert!(err.contains("redteam_allowed_hosts"), "{err}");
        let err = check("{kind: command, program: sh}").unwrap_err();
        assert!(err.contains("command targets"), "{err}");
        let err = check(
            "{kind: openai, url: 'https://llm.example.org/v1', model: m, api_key_env: AIMS_DATABASE_URL}",
        )
        .unwrap_err();
        assert!(
            err.contains("AIMS_REDTEAM_SECRET_") && err.contains("AIMS_DATABASE_URL"),
            "{err}"
        );
        assert!(check(
            "{kind: openai, url: 'https://llm.example.org/v1', model: m, api_key_env: AIMS_REDTEAM_SECRET_OPENAI}"
        )
        .is_ok());
        let err = check(
            "{kind: openai, url: 'https://llm.example.org/v1', model: m, headers: {X-Api-Key: sk-literal}}",
        )
        .unwrap_err();
        assert!(err.contains("looks like a credential"), "{err}");
    }
}
