//! The job queue: jobs are enqueued in the transaction of the change that causes them and
//! claimed with a lease, so that several workers never run one job at once.

use aims_domain::{JobId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::{Result, StoreError};
use crate::row::{affected_one, opt_parsed, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

/// A job to enqueue.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewJob {
    pub org: Option<OrgId>,
    pub kind: String,
    /// The job's input as JSON text.
    pub payload: String,
    /// While a job with this key is queued or running, enqueuing another is a no-op.
    pub unique_key: Option<String>,
    pub max_attempts: i64,
    pub run_at: Timestamp,
    /// What the job is about (an AI system's id), to list an object's jobs by.
    pub subject: Option<String>,
}

/// A job claimed by a worker.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Job {
    pub id: JobId,
    pub org: Option<OrgId>,
    pub kind: String,
    pub payload: String,
    /// Attempts so far, this one included.
    pub attempts: i64,
    pub max_attempts: i64,
}

/// A job as listed: where it stands, how far it got.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct JobStatus {
    pub id: JobId,
    pub kind: String,
    pub subject: Option<String>,
    /// `queued`, `running`, `done` or `failed`.
    pub state: String,
    pub attempts: i64,
    pub progress_done: Option<i64>,
    pub progress_total: Option<i64>,
    /// Who asked to cancel it, if anyone did.
    pub cancel_requested_by: Option<String>,
    pub last_error: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

table_row! {
    /// A row of `jobs`: what to run, where it stands in the queue, the worker holding it and
    /// until when, and how far it got.
    struct JobRow in "jobs" {
        id: String,
        org_id: Option<String>,
        kind: String,
        payload: String,
        unique_key: Option<String>,
        state: String,
        attempts: i64,
        max_attempts: i64,
        run_at: i64,
        locked_by: Option<String>,
        locked_until: Option<i64>,
        last_error: Option<String>,
        created_at: i64,
        updated_at: i64,
        subject: Option<String>,
        progress_done: Option<i64>,
        progress_total: Option<i64>,
        cancel_requested_by: Option<String>,
    }
}

impl JobRow {
    /// A queued job, due at its `run_at`, enqueued `now`.
    fn queued(job: &NewJob, now: Timestamp) -> Self {
        Self {
            id: JobId::new().to_string(),
            org_id: job.org.map(|o| o.to_string()),
            kind: job.kind.clone(),
            payload: job.payload.clone(),
            unique_key: job.unique_key.clone(),
            state: "queued".into(),
            attempts: 0,
            max_attempts: job.max_attempts.max(1),
            run_at: job.run_at.as_micros(),
            locked_by: None,
            locked_until: None,
            last_error: None,
            created_at: now.as_micros(),
            updated_at: now.as_micros(),
            subject: job.subject.clone(),
            progress_done: None,
            progress_total: None,
            cancel_requested_by: None,
        }
    }
}

fn read_job(row: &AnyRow) -> Result<Job> {
    let row = JobRow::from_row(row)?;
    Ok(Job {
        id: parsed("id", &row.id)?,
        org: opt_parsed("org_id", row.org_id.as_deref())?,
        kind: row.kind,
        payload: row.payload,
        attempts: row.attempts,
        max_attempts: row.max_attempts,
    })
}

fn read_status(row: &AnyRow) -> Result<JobStatus> {
    let row = JobRow::from_row(row)?;
    Ok(JobStatus {
        id: parsed("id", &row.id)?,
        kind: row.kind,
        subject: row.subject,
        state: row.state,
        attempts: row.attempts,
        progress_done: row.progress_done,
        progress_total: row.progress_total,
        cancel_requested_by: row.cancel_requested_by,
        last_error: row.last_error,
        created_at: Timestamp::from_micros(row.created_at),
        updated_at: Timestamp::from_micros(row.updated_at),
    })
}

// A job's moves through the queue (claim, renew, finish, release, progress, cancel) stay
// single UPDATE statements of the few columns they change: they are computed from the stored
// row (`attempts + 1`, a CASE on the state) and compare the state they leave in their WHERE,
// so that of two workers only one makes a move. Through the typed row, each would read the
// row first and could act on a stale one.
impl Tx {
    /// Queues a job; returns `false` when one with the same unique key is already pending.
    pub async fn enqueue_job(&mut self, job: &NewJob, now: Timestamp) -> Result<bool> {
        self.insert_unless_taken(JobRow::queued(job, now), &["unique_key"])
            .await
    }

    /// Claims the next due job for `worker` until `lease_until`. A running job whose lease has
    /// run out (its worker died) is due again.
    pub async fn claim_job(
        &mut self,
        worker: &str,
        now: Timestamp,
        lease_until: Timestamp,
    ) -> Result<Option<Job>> {
        let pick = match self.engine() {
            Engine::Postgres => {
                "SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $1) \
                 OR (state = 'running' AND locked_until < $1) \
                 ORDER BY run_at LIMIT 1 FOR UPDATE SKIP LOCKED"
            }
            Engine::Sqlite => {
                "SELECT id FROM jobs WHERE (state = 'queued' AND run_at <= $1) \
                 OR (state = 'running' AND locked_until < $1) ORDER BY run_at LIMIT 1"
            }
        };
        let Some(id) = sqlx::query_scalar::<_, String>(pick)
            .bind(now.as_micros())
            .fetch_optional(self.conn())
            .await?
        else {
            return Ok(None);
        };
        let row = sqlx::query(
            "UPDATE jobs SET state = 'running', attempts = attempts + 1, locked_by = $2, \
             locked_until = $3, updated_at = $4 WHERE id = $1 RETURNING *",
        )
        .bind(&id)
        .bind(worker)
        .bind(lease_until.as_micros())
        .bind(now.as_micros())
        .fetch_one(self.conn())
        .await?;
        read_job(&row).map(Some)
    }

    /// Extends the lease of a job this worker still holds; `false` when it no longer does.
    pub async fn renew_job_lease(
        &mut self,
        id: JobId,
        worker: &str,
        lease_until: Timestamp,
        now: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE jobs SET locked_until = $3, updated_at = $4 \
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id.to_string())
        .bind(worker)
        .bind(lease_until.as_micros())
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Marks a job done; its unique key is freed for the next one.
    pub async fn complete_job(&mut self, id: JobId, now: Timestamp) -> Result<()> {
        self.finish_job(id, "done", None, None, now).await
    }

    /// Records a failed attempt: queued again at `retry_at`, or failed for good when `None`.
    pub async fn fail_job(
        &mut self,
        id: JobId,
        error: &str,
        retry_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        match retry_at {
            Some(at) => {
                self.finish_job(id, "queued", Some(error), Some(at), now)
                    .await
            }
            None => self.finish_job(id, "failed", Some(error), None, now).await,
        }
    }

    async fn finish_job(
        &mut self,
        id: JobId,
        state: &str,
        error: Option<&str>,
        run_at: Option<Timestamp>,
        now: Timestamp,
    ) -> Result<()> {
        let done = sqlx::query(
            "UPDATE jobs SET state = $2, last_error = $3, run_at = COALESCE($4, run_at), \
             locked_by = NULL, locked_until = NULL, updated_at = $5, \
             unique_key = CASE WHEN $2 = 'queued' THEN unique_key ELSE NULL END WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(state)
        .bind(error)
        .bind(run_at.map(Timestamp::as_micros))
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// Hands a job this worker holds back to the queue, to be taken up again at once, as if
    /// this attempt had not been made (the worker is shutting down mid-job).
    pub async fn release_job(&mut self, id: JobId, worker: &str, now: Timestamp) -> Result<()> {
        let done = sqlx::query(
            "UPDATE jobs SET state = 'queued', attempts = attempts - 1, locked_by = NULL, \
             locked_until = NULL, run_at = $3, updated_at = $3 \
             WHERE id = $1 AND locked_by = $2 AND state = 'running'",
        )
        .bind(id.to_string())
        .bind(worker)
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        affected_one(done)
    }

    /// Records how far a running job has got, and answers who asked to cancel it, if anyone.
    pub async fn report_job_progress(
        &mut self,
        id: JobId,
        done: i64,
        total: i64,
        now: Timestamp,
    ) -> Result<Option<String>> {
        sqlx::query(
            "UPDATE jobs SET progress_done = $2, progress_total = $3, updated_at = $4 WHERE id = $1",
        )
        .bind(id.to_string())
        .bind(done)
        .bind(total)
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        Ok(sqlx::query_scalar::<_, Option<String>>(
            "SELECT cancel_requested_by FROM jobs WHERE id = $1",
        )
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?
        .flatten())
    }

    /// Asks to cancel a job of `org` that has not finished: one still queued ends at once,
    /// one running is stopped by its worker. `NotFound` when there is no such unfinished job.
    pub async fn request_job_cancel(
        &mut self,
        org: OrgId,
        id: JobId,
        by: &str,
        now: Timestamp,
    ) -> Result<JobStatus> {
        let done = sqlx::query(
            "UPDATE jobs SET cancel_requested_by = $3, updated_at = $4, \
             state = CASE WHEN state = 'queued' THEN 'failed' ELSE state END, \
             last_error = CASE WHEN state = 'queued' THEN 'cancelled by ' || $3 ELSE last_error END, \
             unique_key = CASE WHEN state = 'queued' THEN NULL ELSE unique_key END \
             WHERE org_id = $1 AND id = $2 AND state IN ('queued', 'running') \
             AND cancel_requested_by IS NULL",
        )
        .bind(org.to_string())
        .bind(id.to_string())
        .bind(by)
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        affected_one(done)?;
        self.job_status(org, id).await?.ok_or(StoreError::NotFound)
    }

    /// One job of `org`.
    pub async fn job_status(&mut self, org: OrgId, id: JobId) -> Result<Option<JobStatus>> {
        let row = sqlx::query("SELECT * FROM jobs WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.as_ref().map(read_status).transpose()
    }

    /// The latest `limit` jobs of `org` of `kind` about `subject`, newest first.
    pub async fn jobs_about(
        &mut self,
        org: OrgId,
        kind: &str,
        subject: &str,
        limit: i64,
    ) -> Result<Vec<JobStatus>> {
        let rows = sqlx::query(
            "SELECT * FROM jobs WHERE org_id = $1 AND subject = $2 AND kind = $3 \
             ORDER BY created_at DESC LIMIT $4",
        )
        .bind(org.to_string())
        .bind(subject)
        .bind(kind)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        crate::row::map_rows(rows, read_status)
    }

    /// Jobs waiting or running.
    pub async fn queue_depth(&mut self) -> Result<i64> {
        Ok(
            sqlx::query_scalar("SELECT COUNT(*) FROM jobs WHERE state IN ('queued', 'running')")
                .fetch_one(self.conn())
                .await?,
        )
    }

    /// Deletes finished jobs older than `before`; returns how many.
    pub async fn purge_finished_jobs(&mut self, before: Timestamp) -> Result<u64> {
        let done =
            sqlx::query("DELETE FROM jobs WHERE state IN ('done', 'failed') AND updated_at <= $1")
                .bind(before.as_micros())
                .execute(self.conn())
                .await?;
        Ok(done.rows_affected())
    }
}
