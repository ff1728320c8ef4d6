//! The count of failed sign-ins that throttles guessing, kept in the database so that every
//! server process sees the same count.

use aims_domain::Timestamp;

use crate::connect::Engine;
use crate::error::Result;
use crate::table_row::table_row;
use crate::tx::Tx;

table_row! {
    /// A row of `sign_in_failures`: one failed password check against one subject (an
    /// account's hashed email, or an address).
    struct FailureRow in "sign_in_failures" {
        id: String,
        subject: String,
        failed_at: i64,
    }
}

impl Tx {
    /// Counts this password check as a failure of each subject, unless one of them has
    /// failed `limit` times since `since` already: then records nothing and answers `false`.
    /// Counting and recording are one step, so that checks racing for one account cannot
    /// all slip under its limit: SQLite runs write transactions one at a time, and on
    /// PostgreSQL each subject is locked for the rest of the transaction (in one order).
    /// A check that then succeeds takes its failures back with [`Tx::forget_sign_in_attempt`].
    pub async fn claim_sign_in_attempt(
        &mut self,
        attempt: &str,
        subjects: &[(&str, i64)],
        since: Timestamp,
        at: Timestamp,
    ) -> Result<bool> {
        if self.engine() == Engine::Postgres {
            let mut ordered: Vec<&str> = subjects.iter().map(|(s, _)| *s).collect();
            ordered.sort_unstable();
            for subject in ordered {
                sqlx::query("SELECT pg_advisory_xact_lock(hashtextextended($1, 0))")
                    .bind(subject)
                    .execute(self.conn())
                    .await?;
            }
        }
        for (subject, limit) in subjects {
            if self.count_sign_in_failures(subject, since).await? >= *limit {
                return Ok(false);
            }
        }
        let failures = subjects
            .iter()
            .enumerate()
            .map(|(i, (subject, _))| FailureRow {
                id: format!("{attempt}:{i}"),
                subject: (*subject).to_owned(),
                failed_at: at.as_micros(),
            })
            .collect();
        self.insert(failures).await?;
        Ok(true)
    }

    /// Takes back the failures [`Tx::claim_sign_in_attempt`] counted for `attempt` against
    /// its first `subjects` subjects.
    pub async fn forget_sign_in_attempt(&mut self, attempt: &str, subjects: usize) -> Result<()> {
        for i in 0..subjects {
            sqlx::query("DELETE FROM sign_in_failures WHERE id = $1")
                .bind(format!("{attempt}:{i}"))
                .execute(self.conn())
                .await?;
        }
        Ok(())
    }

    /// Counts a failed sign-in against `subject`.
    pub async fn record_sign_in_failure(&mut self, subject: &str, at: Timestamp) -> Result<()> {
        let failure = FailureRow {
            id: uuid::Uuid::now_v7().to_string(),
            subject: subject.to_owned(),
            failed_at: at.as_micros(),
        };
        self.insert(vec![failure]).await
    }

    /// Failed sign-ins against `subject` since `since`.
    pub async fn count_sign_in_failures(&mut self, subject: &str, since: Timestamp) -> Result<i64> {
        Ok(sqlx::query_scalar(
            "SELECT COUNT(*) FROM sign_in_failures WHERE subject = $1 AND failed_at > $2",
        )
        .bind(subject)
        .bind(since.as_micros())
        .fetch_one(self.conn())
        .await?)
    }

    /// Forgets the failures against `subject` (after a successful sign-in).
    pub async fn clear_sign_in_failures(&mut self, subject: &str) -> Result<()> {
        sqlx::query("DELETE FROM sign_in_failures WHERE subject = $1")
            .bind(subject)
            .execute(self.conn())
            .await?;
        Ok(())
    }

    /// Deletes failures older than `before`; returns how many.
    pub async fn purge_sign_in_failures(&mut self, before: Timestamp) -> Result<u64> {
        let done = sqlx::query("DELETE FROM sign_in_failures WHERE failed_at <= $1")
            .bind(before.as_micros())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected())
    }
}
