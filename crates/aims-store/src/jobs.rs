//! The job queue: jobs are enqueued in the transaction of the change that causes them and
//! claimed with a lease, so that several workers never run one job at once.

use aims_domain::{JobId, OrgId, Timestamp};
use sqlx::any::AnyRow;

use crate::connect::Engine;
use crate::error::Result;
use crate::row::{RowExt, affected_one};
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

fn read_job(row: &AnyRow) -> Result<Job> {
    Ok(Job {
        id: row.parsed("id")?,
        org: row.opt_parsed("org_id")?,
        kind: row.text("kind")?,
        payload: row.text("payload")?,
        attempts: row.int("attempts")?,
        max_attempts: row.int("max_attempts")?,
    })
}

impl Tx {
    /// Queues a job; returns `false` when one with the same unique key is already pending.
    pub async fn enqueue_job(&mut self, job: &NewJob, now: Timestamp) -> Result<bool> {
        let inserted = sqlx::query(
            "INSERT INTO jobs (id, org_id, kind, payload, unique_key, state, attempts, max_attempts, \
             run_at, locked_by, locked_until, last_error, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, 'queued', 0, $6, $7, NULL, NULL, NULL, $8, $8) \
             ON CONFLICT (unique_key) DO NOTHING",
        )
        .bind(JobId::new().to_string())
        .bind(job.org.map(|o| o.to_string()))
        .bind(&job.kind)
        .bind(&job.payload)
        .bind(job.unique_key.clone())
        .bind(job.max_attempts.max(1))
        .bind(job.run_at.as_micros())
        .bind(now.as_micros())
        .execute(self.conn())
        .await?;
        Ok(inserted.rows_affected() == 1)
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
            "UPDATE jobs SET locked_until = $3, updated_at = $4              WHERE id = $1 AND locked_by = $2 AND state = 'running'",
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
