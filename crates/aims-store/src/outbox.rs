//! What the mail outbox needs of the job queue beyond queueing: an email waits in its job's
//! payload (enqueued in the transaction of the change that causes it), and once it has left,
//! or will never leave, the payload is emptied, so that the links it carried (an invitation,
//! a password reset) are not kept readable in the database while they still work.

use aims_domain::{JobId, Timestamp};

use crate::error::Result;
use crate::jobs::{JobRow, JobStatus};
use crate::row::{map_rows, parsed};
use crate::table_row::TableRow;
use crate::tx::Tx;

impl Tx {
    /// Replaces the payload of job `id` with `{}`.
    pub async fn clear_job_payload(&mut self, id: JobId) -> Result<()> {
        sqlx::query("UPDATE jobs SET payload = '{}' WHERE id = $1")
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// The payload of job `id`, if there is such a job.
    pub async fn job_payload(&mut self, id: JobId) -> Result<Option<String>> {
        Ok(sqlx::query_scalar("SELECT payload FROM jobs WHERE id = $1")
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?)
    }

    /// The latest `limit` jobs of `kind`, of every organisation and of none, newest first:
    /// where the emails stand (queued with attempts and an error, sent, given up).
    pub async fn jobs_of_kind(&mut self, kind: &str, limit: i64) -> Result<Vec<JobStatus>> {
        let rows = sqlx::query(
            "SELECT * FROM jobs WHERE kind = $1 ORDER BY created_at DESC, id DESC LIMIT $2",
        )
        .bind(kind)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |row| {
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
        })
    }
}
