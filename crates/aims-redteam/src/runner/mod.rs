//! The runner: a fixed set of workers takes attempts from the plan in order, paced and with
//! retries; a writer thread appends every finished attempt to the journal as it comes.

mod attempt;
mod pace;
mod progress;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};

use sha2::{Digest, Sha256};

pub use attempt::{Executor, judge_prompt, judge_verdict};
pub use pace::Pace;
pub use progress::Counters;

use crate::RedTeamError;
use crate::config::RunConfig;
use crate::journal::{self, JournalLine, JournalWriter, RunHeader};
use crate::pack::ProbeLibrary;
use crate::plan::{self, PlannedAttempt};
use crate::result::AttemptRecord;
use crate::target::Target;

/// The journal's file name inside a run's output folder.
pub const JOURNAL_FILE: &str = "journal.jsonl";

/// How to carry out a run.
pub struct RunRequest<'a> {
    pub config: &'a RunConfig,
    pub library: &'a ProbeLibrary,
    /// The run's folder: the journal and reports go here.
    pub out_dir: &'a Path,
    /// Continue the journal already in `out_dir` instead of starting a new one.
    pub resume: bool,
    /// Draw a progress line on standard error.
    pub progress: bool,
    /// Set to stop (Ctrl-C, a cancelled or shut-down job): no new attempt starts, and one
    /// waiting to retry gives up and is left for a resumed run.
    pub cancel: Arc<AtomicBool>,
    /// Name and version of the program, for the journal header.
    pub tool: String,
}

/// What a run did.
#[derive(Debug, Clone)]
pub struct RunResult {
    pub journal: PathBuf,
    /// Attempts in the plan.
    pub planned: usize,
    /// Attempts already finished by an earlier, interrupted run.
    pub resumed: usize,
    /// Attempts carried out now.
    pub completed: usize,
    /// Whether the run stopped early because it was cancelled.
    pub interrupted: bool,
    pub elapsed: std::time::Duration,
}

/// Carries out a run, or the rest of one.
pub async fn run(request: RunRequest<'_>) -> Result<RunResult, RedTeamError> {
    let config = request.config;
    let plan = plan::build(config, request.library)?;
    std::fs::create_dir_all(request.out_dir)
        .map_err(|err| RedTeamError::io(request.out_dir, err))?;
    // Targets first: a config that cannot reach its target leaves no half-started journal.
    let limits = &config.runner;
    let pool = limits.concurrency;
    let executor = Arc::new(Executor {
        target: Target::build(&config.target, limits.timeout(), pool)?,
        judge: config
            .judge
            .as_ref()
            .map(|judge| Target::build(judge, limits.timeout(), pool))
            .transpose()?,
        pace: Pace::new(limits.requests_per_second, limits.tokens_per_minute),
        limits: limits.clone(),
        seed: config.seed,
        cancel: Arc::clone(&request.cancel),
    });
    let journal_path = request.out_dir.join(JOURNAL_FILE);
    let (writer, finished) = if request.resume && journal_path.exists() {
        let contents = journal::read(&journal_path)?;
        let target = describe_target(&config.target);
        if contents.header.target != target {
            return Err(RedTeamError::Resume(format!(
                "{} was written against {}, not {target}; start a new run in another --out folder",
                journal_path.display(),
                contents.header.target
            )));
        }
        if contents.header.fingerprint != plan.fingerprint {
            return Err(RedTeamError::Resume(format!(
                "{} was written for a different plan (probes, converters, seed or pack versions changed); \
                 start a new run in another --out folder",
                journal_path.display()
            )));
        }
        let finished = contents.finished_ids();
        (
            JournalWriter::reopen(&journal_path, contents.complete_len)?,
            finished,
        )
    } else {
        let header = RunHeader {
            format: journal::FORMAT,
            run_id: run_id(&plan.fingerprint),
            name: config.name.clone(),
            fingerprint: plan.fingerprint.clone(),
            started_at: now_rfc3339(),
            target: describe_target(&config.target),
            planned: plan.attempts.len(),
            seed: config.seed,
            tool: request.tool.clone(),
            system: config.system.clone(),
        };
        (
            JournalWriter::create(&journal_path, &header)?,
            Default::default(),
        )
    };
    let planned = plan.attempts.len();
    let todo: Arc<Vec<PlannedAttempt>> = Arc::new(
        plan.attempts
            .into_iter()
            .filter(|a| !finished.contains(&a.id))
            .collect(),
    );
    let resumed = planned - todo.len();

    let started = std::time::Instant::now();
    let counters = Arc::new(Counters::new(planned, resumed));
    let (sender, receiver) = tokio::sync::mpsc::channel::<AttemptRecord>(4096);
    let writer_thread = std::thread::spawn(move || write_journal(writer, receiver));
    let progress = request
        .progress
        .then(|| progress::spawn(Arc::clone(&counters)));

    let next = Arc::new(AtomicUsize::new(0));
    let workers = limits.concurrency.min(todo.len().max(1));
    let mut tasks = tokio::task::JoinSet::new();
    for _ in 0..workers {
        let (todo, next, executor, sender, counters, cancel) = (
            Arc::clone(&todo),
            Arc::clone(&next),
            Arc::clone(&executor),
            sender.clone(),
            Arc::clone(&counters),
            Arc::clone(&request.cancel),
        );
        tasks.spawn(async move {
            while !cancel.load(Ordering::Relaxed) {
                let index = next.fetch_add(1, Ordering::Relaxed);
                let Some(planned) = todo.get(index) else {
                    break;
                };
                let Some(record) = executor.execute(planned).await else {
                    break; // cancelled mid-attempt: made again on resume
                };
                counters.record(record.outcome);
                if sender.send(record).await.is_err() {
                    break; // the writer stopped: its error is reported below
                }
            }
        });
    }
    drop(sender);
    while let Some(joined) = tasks.join_next().await {
        if let Err(err) = joined {
            return Err(RedTeamError::Resume(format!(
                "a worker stopped unexpectedly: {err}"
            )));
        }
    }
    if let Some(progress) = progress {
        progress.abort();
        counters.print_line(true);
    }
    let written = writer_thread
        .join()
        .map_err(|_| RedTeamError::Internal("the journal writer stopped unexpectedly".into()))??;
    let completed = counters.completed();
    Ok(RunResult {
        journal: journal_path,
        planned,
        resumed,
        completed: written.min(completed),
        interrupted: request.cancel.load(Ordering::Relaxed) && resumed + completed < planned,
        elapsed: started.elapsed(),
    })
}

/// Appends records as they arrive, flushing whenever the queue runs dry.
fn write_journal(
    mut writer: JournalWriter,
    mut receiver: tokio::sync::mpsc::Receiver<AttemptRecord>,
) -> Result<usize, RedTeamError> {
    let mut written = 0;
    while let Some(record) = receiver.blocking_recv() {
        writer.append(&JournalLine::Attempt(Box::new(record)))?;
        written += 1;
        while let Ok(more) = receiver.try_recv() {
            writer.append(&JournalLine::Attempt(Box::new(more)))?;
            written += 1;
        }
        writer.flush()?;
    }
    writer.flush()?;
    Ok(written)
}

/// A run id: unique per start, derived from the plan and the clock.
fn run_id(fingerprint: &str) -> String {
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.as_nanos());
    let mut hash = Sha256::new();
    hash.update(fingerprint.as_bytes());
    hash.update(nanos.to_le_bytes());
    hash.update(std::process::id().to_le_bytes());
    plan::hex_of(&hash.finalize()[..12])
}

/// The current UTC time in RFC 3339.
pub fn now_rfc3339() -> String {
    time::OffsetDateTime::now_utc()
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// What a target is, without any secret.
pub fn describe_target(config: &crate::target::TargetConfig) -> String {
    use crate::target::TargetConfig;
    match config {
        TargetConfig::Openai { url, model, .. } => {
            format!("openai {} model {model}", public_url(url))
        }
        TargetConfig::Http { url, .. } => format!("http {}", public_url(url)),
        TargetConfig::Command { program, .. } => format!("command {program}"),
        TargetConfig::Lab { profile } => format!("aims lab ({profile:?} profile, in process)"),
    }
}

/// An address without user name, password or query string, any of which may hold a key.
fn public_url(url: &str) -> String {
    match reqwest::Url::parse(url) {
        Ok(mut parsed) => {
            let _ = parsed.set_username("");
            let _ = parsed.set_password(None);
            parsed.set_query(None);
            parsed.set_fragment(None);
            parsed.to_string()
        }
        Err(_) => "(an address that does not parse)".into(),
    }
}
