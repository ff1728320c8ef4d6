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

/// Parses and checks a config for a server-side run.
fn checked_config(text: &str, allowed_hosts: &[String]) -> Result<RunConfig> {
    let config = RunConfig::parse("config", text, false).map_err(|e| invalid(e.to_string()))?;
    check_target(&config.target, allowed_hosts)?;
    if let Some(judge) = &config.judge {
        check_target(judge, allowed_hosts)?;
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
        let config = checked_config(text, &self.redteam_hosts)?;
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
        let config = checked_config(&payload.config, &self.redteam_hosts)?;
        // The folder is named after the job: a retry after a crash resumes the same journal.
        let dir = self.job_folder(&format!("redteam-{}", job.id))?;
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
