//! The `send_email` job: one email waiting in the queue (the outbox), enqueued in the
//! transaction of the change that causes it and sent by the worker, with the queue's retries
//! and backoff when the server cannot be reached.

use aims_domain::Timestamp;
use aims_store::{Job, NewJob};

use super::message::OutgoingEmail;
use super::transport::SendError;
use crate::App;
use crate::error::{AppError, Result};
use crate::jobs::JobEnd;

/// The name of the job kind in the queue.
pub(crate) const JOB_KIND: &str = "send_email";

/// Attempts before an email is given up: with the queue's backoff (10 s, doubling) the last
/// comes about an hour and a half after the first.
pub(crate) const MAX_ATTEMPTS: i64 = 10;

/// The job that sends `email`, due at once.
pub(crate) fn email_job(email: &OutgoingEmail, now: Timestamp) -> Result<NewJob> {
    let payload = serde_json::to_string(email)
        .map_err(|e| AppError::Internal(format!("queueing an email: {e}")))?;
    Ok(NewJob {
        org: None,
        kind: JOB_KIND.into(),
        payload,
        unique_key: None,
        max_attempts: MAX_ATTEMPTS,
        run_at: now,
        subject: None,
    })
}

impl App {
    /// Sends the email of `job`. A failure the server may get over is an error (the queue
    /// tries again later); one it never will stops the job for good. Once the email has gone,
    /// or never will, its payload is emptied, as it may hold a link that still works.
    pub(crate) async fn run_email_job(&self, job: &Job) -> Result<JobEnd> {
        let email: OutgoingEmail = match serde_json::from_str(&job.payload) {
            Ok(email) => email,
            // Emptied after it was sent, by an attempt whose end was not recorded.
            Err(_) if job.payload == "{}" => return Ok(JobEnd::Done(None)),
            Err(e) => {
                return Ok(JobEnd::Stopped(format!(
                    "the queued email cannot be read: {e}"
                )));
            }
        };
        let Some(mail) = &self.mail else {
            return Err(AppError::Internal(
                "mail is not set up in the process that runs the background jobs: set \
                 AIMS_SMTP_URL and AIMS_MAIL_FROM there too"
                    .into(),
            ));
        };
        match mail.send(&email).await {
            Ok(()) => {
                self.clear_email(job).await?;
                tracing::info!(job = %job.id, "email sent");
                Ok(JobEnd::Done(None))
            }
            Err(SendError::Permanent(why)) => {
                self.clear_email(job).await?;
                Ok(JobEnd::Stopped(why))
            }
            Err(SendError::Transient(why)) => {
                if job.attempts >= job.max_attempts {
                    self.clear_email(job).await?;
                }
                Err(AppError::Internal(why))
            }
        }
    }

    async fn clear_email(&self, job: &Job) -> Result<()> {
        let mut tx = self.store.write().await?;
        tx.clear_job_payload(job.id).await?;
        tx.commit().await?;
        Ok(())
    }
}
