//! Background jobs: the kinds aims knows, and the worker loop that runs them, in process
//! under `aims serve` or on its own under `aims worker`.

use std::time::Duration;

use aims_store::{Job, NewJob};
use tokio::sync::watch;

use crate::App;
use crate::error::{AppError, Result};

/// Seconds a claimed job is leased to its worker before another may take it over.
const LEASE_SECONDS: i64 = 300;
/// Seconds between purges of expired sessions and tokens.
const PURGE_EVERY_SECONDS: i64 = 3600;
/// Seconds between looks for evidence about to expire.
const REMIND_EVERY_SECONDS: i64 = 6 * 3600;
/// Seconds between looks for people whose daily digest is due.
const DIGEST_EVERY_SECONDS: i64 = 3600;
/// Seconds between looks for computed metrics whose measurement is due.
const MEASURE_EVERY_SECONDS: i64 = 3600;
/// Seconds between signatures of audit chain heads that moved.
const SIGN_EVERY_SECONDS: i64 = 60;

/// The jobs aims knows how to run.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum JobKind {
    /// Deletes expired sessions, used or expired setup tokens and password reset links, old
    /// sign-in failures and finished jobs; schedules its next run.
    PurgeExpired,
    /// Records a reminder for evidence whose validity ends soon and makes tasks for reviews
    /// that fell due; schedules its next run.
    EvidenceReminders,
    /// Carries out a red-team run started from aims and records it against its system.
    RedTeamRun,
    /// Signs the audit chain heads that moved since their last checkpoint; schedules its
    /// next run.
    AuditCheckpoints,
    /// Sends one email queued by a change (an invitation, a password reset link).
    SendEmail,
    /// Queues the daily digest of notifications for those who chose it; schedules its next
    /// run.
    NotificationDigests,
    /// Measures the computed metrics whose measurement is due; schedules its next run.
    MeasureMetrics,
}

impl JobKind {
    /// The name stored in the queue.
    pub fn name(self) -> &'static str {
        match self {
            JobKind::PurgeExpired => "purge_expired",
            JobKind::EvidenceReminders => "evidence_reminders",
            JobKind::RedTeamRun => crate::redteam_jobs::JOB_KIND,
            JobKind::AuditCheckpoints => "audit_checkpoints",
            JobKind::SendEmail => crate::mail::JOB_KIND,
            JobKind::NotificationDigests => "notification_digests",
            JobKind::MeasureMetrics => "measure_metrics",
        }
    }

    fn from_name(name: &str) -> Option<Self> {
        [
            JobKind::PurgeExpired,
            JobKind::EvidenceReminders,
            JobKind::RedTeamRun,
            JobKind::AuditCheckpoints,
            JobKind::SendEmail,
            JobKind::NotificationDigests,
            JobKind::MeasureMetrics,
        ]
        .into_iter()
        .find(|k| k.name() == name)
    }
}

/// How a job's run ended.
pub(crate) enum JobEnd {
    /// Done; the job to queue next, if any.
    Done(Option<NewJob>),
    /// Put down unfinished because the worker is stopping: back to the queue, to resume.
    PutBack,
    /// Stopped for good before its end, for the reason given (cancelled, over its time).
    Stopped(String),
}

/// Runs queued jobs until told to stop.
pub struct Worker {
    app: App,
    id: String,
}

impl Worker {
    /// A worker for `app`, named for the queue's lease records.
    pub fn new(app: App, id: impl Into<String>) -> Self {
        Self { app, id: id.into() }
    }

    /// Polls the queue until `stop` turns true; keeps the purge job scheduled.
    pub async fn run(self, mut stop: watch::Receiver<bool>) {
        if let Err(err) = self.app.schedule_purge(0).await {
            tracing::warn!(error = %err, "could not schedule the purge job");
        }
        if let Err(err) = self.app.schedule_evidence_reminders(0).await {
            tracing::warn!(error = %err, "could not schedule the evidence reminders");
        }
        if let Err(err) = self
            .app
            .schedule_recurring(JobKind::AuditCheckpoints, 0)
            .await
        {
            tracing::warn!(error = %err, "could not schedule the audit checkpoints");
        }
        if let Err(err) = self
            .app
            .schedule_recurring(JobKind::NotificationDigests, 0)
            .await
        {
            tracing::warn!(error = %err, "could not schedule the notification digests");
        }
        if let Err(err) = self
            .app
            .schedule_recurring(JobKind::MeasureMetrics, 0)
            .await
        {
            tracing::warn!(error = %err, "could not schedule the metric measurements");
        }
        loop {
            // Told to stop while a job ran: claim nothing more (a job put back would be
            // claimed again at once).
            if *stop.borrow() {
                return;
            }
            match self.run_one_until(stop.clone()).await {
                Ok(true) => continue,
                Ok(false) => {}
                Err(err) => tracing::warn!(error = %err, "job queue"),
            }
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                _ = stop.changed() => {}
            }
            if *stop.borrow() {
                return;
            }
        }
    }

    /// Claims and runs one due job; `false` when none was due.
    pub async fn run_one(&self) -> Result<bool> {
        let (_keep, stop) = watch::channel(false);
        self.run_one_until(stop).await
    }

    /// Claims and runs one due job, putting it back in the queue if `stop` turns true while
    /// it runs; `false` when none was due.
    async fn run_one_until(&self, stop: watch::Receiver<bool>) -> Result<bool> {
        let now = self.app.now();
        let mut tx = self.app.store.write().await?;
        let Some(job) = tx
            .claim_job(&self.id, now, now.plus_seconds(LEASE_SECONDS))
            .await?
        else {
            return Ok(false);
        };
        tx.commit().await?;
        // A long job (a red-team run) keeps its lease while it works, so that no other worker
        // takes it over and runs it a second time.
        let heartbeat = {
            let (app, worker, id) = (self.app.clone(), self.id.clone(), job.id);
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(Duration::from_secs((LEASE_SECONDS / 3) as u64)).await;
                    let now = app.now();
                    let renewed = async {
                        let mut tx = app.store.write().await?;
                        let held = tx
                            .renew_job_lease(id, &worker, now.plus_seconds(LEASE_SECONDS), now)
                            .await?;
                        tx.commit().await?;
                        Ok::<_, AppError>(held)
                    };
                    match renewed.await {
                        Ok(true) => {}
                        Ok(false) => return,
                        Err(err) => {
                            tracing::warn!(job = %id, error = %err, "could not renew a job's lease");
                        }
                    }
                }
            })
        };
        let outcome = self.app.run_job(&job, stop).await;
        heartbeat.abort();
        let now = self.app.now();
        let mut tx = self.app.store.write().await?;
        match outcome {
            Ok(JobEnd::Done(follow_up)) => {
                tx.complete_job(job.id, now).await?;
                if let Some(next) = follow_up {
                    tx.enqueue_job(&next, now).await?;
                }
            }
            Ok(JobEnd::PutBack) => {
                tracing::info!(job = %job.id, kind = %job.kind, "job put back in the queue, to resume");
                tx.release_job(job.id, &self.id, now).await?;
            }
            Ok(JobEnd::Stopped(why)) => {
                tracing::info!(job = %job.id, kind = %job.kind, %why, "job stopped");
                tx.fail_job(job.id, &why, None, now).await?;
            }
            Err(err) => {
                let retry = (job.attempts < job.max_attempts)
                    .then(|| now.plus_seconds(5 * 2_i64.pow(job.attempts.clamp(0, 12) as u32)));
                tracing::warn!(job = %job.id, kind = %job.kind, attempt = job.attempts, error = %err, "job failed");
                tx.fail_job(job.id, &err.to_string(), retry, now).await?;
            }
        }
        tx.commit().await?;
        Ok(true)
    }
}

impl App {
    /// Queues the purge job `delay_seconds` from now, unless one is already pending.
    pub async fn schedule_purge(&self, delay_seconds: i64) -> Result<bool> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let queued = tx
            .enqueue_job(&purge_job(now.plus_seconds(delay_seconds)), now)
            .await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Queues the evidence reminder job `delay_seconds` from now, unless one is pending.
    pub async fn schedule_evidence_reminders(&self, delay_seconds: i64) -> Result<bool> {
        self.schedule_recurring(JobKind::EvidenceReminders, delay_seconds)
            .await
    }

    /// Queues the recurring job `kind` `delay_seconds` from now, unless one is pending.
    pub async fn schedule_recurring(&self, kind: JobKind, delay_seconds: i64) -> Result<bool> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let queued = tx
            .enqueue_job(&recurring_job(kind, now.plus_seconds(delay_seconds)), now)
            .await?;
        tx.commit().await?;
        Ok(queued)
    }

    /// Jobs waiting or running, for the metrics.
    pub async fn queue_depth(&self) -> Result<i64> {
        Ok(self.store.read().await?.queue_depth().await?)
    }

    /// Runs one job; a long one watches `stop` and puts itself down when it turns true.
    async fn run_job(&self, job: &Job, stop: watch::Receiver<bool>) -> Result<JobEnd> {
        let next = match JobKind::from_name(&job.kind) {
            Some(JobKind::PurgeExpired) => self.purge_expired().await?,
            Some(JobKind::EvidenceReminders) => {
                let recorded = self.remind_expiring_evidence().await?;
                let tasks = self.open_review_tasks().await?;
                tracing::info!(
                    recorded,
                    tasks,
                    "evidence expiry reminders and review tasks"
                );
                Some(recurring_job(
                    JobKind::EvidenceReminders,
                    self.now().plus_seconds(REMIND_EVERY_SECONDS),
                ))
            }
            Some(JobKind::RedTeamRun) => return self.run_redteam_job(job, stop).await,
            Some(JobKind::SendEmail) => return self.run_email_job(job).await,
            Some(JobKind::NotificationDigests) => {
                let queued = self.send_digests().await?;
                if queued > 0 {
                    tracing::info!(queued, "notification digests queued");
                }
                Some(recurring_job(
                    JobKind::NotificationDigests,
                    self.now().plus_seconds(DIGEST_EVERY_SECONDS),
                ))
            }
            Some(JobKind::MeasureMetrics) => {
                let measured = self.measure_computed_metrics().await?;
                if measured > 0 {
                    tracing::info!(measured, "computed metrics measured");
                }
                Some(recurring_job(
                    JobKind::MeasureMetrics,
                    self.now().plus_seconds(MEASURE_EVERY_SECONDS),
                ))
            }
            Some(JobKind::AuditCheckpoints) => {
                let signed = self.sign_audit_heads().await?;
                if signed > 0 {
                    tracing::debug!(signed, "audit chain heads signed");
                }
                Some(recurring_job(
                    JobKind::AuditCheckpoints,
                    self.now().plus_seconds(SIGN_EVERY_SECONDS),
                ))
            }
            None => {
                return Err(AppError::Internal(format!(
                    "unknown job kind {:?}",
                    job.kind
                )));
            }
        };
        Ok(JobEnd::Done(next))
    }

    /// Removes the files of the blob store that no record holds and that are older than an
    /// hour: those of changes whose transaction failed after the file was stored, of
    /// evidence since deleted, and halves of writes a crash cut short. The hour leaves any
    /// change still under way time to commit.
    pub async fn sweep_blobs(&self) -> Result<usize> {
        let Some(blobs) = &self.blobs else {
            return Ok(0);
        };
        let cut_off = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        let referenced = self.store.read().await?.stored_files().await?;
        blobs.sweep(referenced, cut_off).await
    }

    async fn purge_expired(&self) -> Result<Option<NewJob>> {
        let now = self.now();
        let mut tx = self.store.write().await?;
        let sessions = tx.purge_expired_sessions(now).await?;
        let setup = tx.purge_setup_tokens(now).await?;
        let resets = tx.purge_password_resets(now).await?;
        let failures = tx
            .purge_sign_in_failures(now.plus_seconds(-crate::auth::FAILURE_WINDOW_SECONDS))
            .await?;
        let jobs = tx.purge_finished_jobs(now.plus_days(-7)).await?;
        tx.commit().await?;
        self.store.refresh_statistics().await?;
        let files = self.sweep_blobs().await?;
        tracing::info!(
            sessions,
            setup_tokens = setup,
            password_resets = resets,
            sign_in_failures = failures,
            jobs,
            files,
            "purged expired records"
        );
        Ok(Some(purge_job(now.plus_seconds(PURGE_EVERY_SECONDS))))
    }
}

fn purge_job(run_at: aims_domain::Timestamp) -> NewJob {
    recurring_job(JobKind::PurgeExpired, run_at)
}

/// A job that runs for every organisation at once and queues its own next run; its kind is
/// its unique key, so there is never more than one pending.
fn recurring_job(kind: JobKind, run_at: aims_domain::Timestamp) -> NewJob {
    NewJob {
        org: None,
        kind: kind.name().into(),
        payload: "{}".into(),
        unique_key: Some(kind.name().into()),
        max_attempts: 5,
        run_at,
        subject: None,
    }
}
