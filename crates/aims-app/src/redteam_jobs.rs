//! Red-team runs started from aims itself: the config is checked when the run is asked for,
//! the run happens in a background job (resuming its own journal if a worker dies mid-run),
//! and the finished journal is recorded like an upload.
//!
//! A server-side run makes requests from the server, with secrets from the server's
//! environment, to the address the config names: only owners and admins may start one, and
//! command targets (which would run programs on the server) are refused.

use std::path::Path;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aims_domain::audit::NewAuditEvent;
use aims_domain::{Actor, ActorKind, AiSystemId, Permission, Role, ValidationError};
use aims_redteam::config::RunConfig;
use aims_redteam::pack::ProbeLibrary;
use aims_redteam::runner::{JOURNAL_FILE, RunRequest};
use aims_redteam::target::TargetConfig;
use aims_store::{Job, NewJob};
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};
use crate::redteam::RedTeamUpload;

/// The job kind in the queue.
pub(crate) const JOB_KIND: &str = "redteam_run";

/// Most attempts a run started from aims may plan.
const MAX_SERVER_ATTEMPTS: usize = 20_000;

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

/// Parses and checks a config for a server-side run.
fn checked_config(text: &str) -> Result<RunConfig> {
    let config = RunConfig::parse("config", text, false).map_err(|e| invalid(e.to_string()))?;
    let runs_programs = |t: &TargetConfig| matches!(t, TargetConfig::Command { .. });
    if runs_programs(&config.target) || config.judge.as_ref().is_some_and(runs_programs) {
        return Err(invalid(
            "command targets cannot run on the server; use `aims redteam run` and upload the result",
        ));
    }
    if !config.probes.packs.is_empty() || !config.probes.builtin {
        return Err(invalid(
            "runs started from aims use the shipped probe packs; run your own packs with the CLI and upload",
        ));
    }
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
    Ok(config)
}

impl App {
    /// Queues a red-team run of `system` with the config `text` (owner, admin).
    pub async fn start_redteam_run(
        &self,
        actor: &Actor,
        system: AiSystemId,
        text: &str,
    ) -> Result<()> {
        actor.require(Permission::ManageOrganisation)?;
        let config = checked_config(text)?;
        let now = self.now();
        let mut tx = self.store.write().await?;
        tx.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let payload = Payload {
            system,
            config: text.to_owned(),
            started_by: actor.label.clone(),
        };
        tx.enqueue_job(
            &NewJob {
                org: Some(actor.org),
                kind: JOB_KIND.into(),
                payload: serde_json::to_string(&payload)
                    .map_err(|e| AppError::Internal(e.to_string()))?,
                unique_key: None,
                max_attempts: 3,
                run_at: now,
            },
            now,
        )
        .await?;
        tx.append_audit(
            actor.org,
            NewAuditEvent::new(
                actor,
                "redteam.run_started",
                "ai_system",
                system,
                json!({"name": config.name, "target": aims_redteam::runner::describe_target(&config.target)}),
            ),
            now,
        )
        .await?;
        tx.commit().await?;
        Ok(())
    }

    /// Carries out a queued run and records it.
    pub(crate) async fn run_redteam_job(&self, job: &Job) -> Result<()> {
        let org = job
            .org
            .ok_or_else(|| AppError::Internal("a red-team job without an organisation".into()))?;
        let payload: Payload = serde_json::from_str(&job.payload)
            .map_err(|e| AppError::Internal(format!("red-team job payload: {e}")))?;
        let config = checked_config(&payload.config)?;
        // The folder is named after the job: a retry after a crash resumes the same journal.
        let dir = std::env::temp_dir().join(format!("aims-redteam-job-{}", job.id));
        let journal = carry_out(&config, &dir).await?;
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
        let _ = std::fs::remove_dir_all(&dir);
        Ok(())
    }
}

/// Carries out (or, when `dir` holds a journal already, finishes) a run; returns its journal.
pub(crate) async fn carry_out(config: &RunConfig, dir: &Path) -> Result<Vec<u8>> {
    let library = ProbeLibrary::shipped().map_err(|e| AppError::Internal(e.to_string()))?;
    let result = aims_redteam::runner::run(RunRequest {
        config,
        library: &library,
        out_dir: dir,
        resume: dir.join(JOURNAL_FILE).exists(),
        progress: false,
        cancel: Arc::new(AtomicBool::new(false)),
        tool: format!("aims {}", env!("CARGO_PKG_VERSION")),
    })
    .await
    .map_err(|e| AppError::Internal(format!("red-team run: {e}")))?;
    std::fs::read(&result.journal)
        .map_err(|e| AppError::Internal(format!("reading {}: {e}", result.journal.display())))
}
