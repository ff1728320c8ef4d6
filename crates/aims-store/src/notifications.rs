//! Notifications to people, and how each wants to hear of them by email.

use aims_domain::work::{EmailPreference, Notification};
use aims_domain::{NotificationId, OrgId, Timestamp, UserId};

use crate::error::Result;
use crate::row::{RowExt, map_rows, parsed};
use crate::table_row::{TableRow, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `notifications`.
    struct NotificationRow in "notifications" {
        id: String,
        org_id: String,
        user_id: String,
        kind: String,
        title: String,
        link: String,
        created_at: i64,
        read_at: Option<i64>,
    }
}

table_row! {
    /// A row of `notification_settings`.
    struct SettingsRow in "notification_settings" {
        org_id: String,
        user_id: String,
        email: String,
        last_digest_at: Option<i64>,
        updated_at: i64,
    }
}

impl NotificationRow {
    fn into_notification(self) -> Result<Notification> {
        Ok(Notification {
            id: parsed("id", &self.id)?,
            user: parsed("user_id", &self.user_id)?,
            kind: parsed("kind", &self.kind)?,
            title: self.title,
            link: self.link,
            created_at: Timestamp::from_micros(self.created_at),
            read_at: self.read_at.map(Timestamp::from_micros),
        })
    }
}

impl Tx {
    /// Stores new notifications.
    pub async fn insert_notifications(&mut self, org: OrgId, list: &[Notification]) -> Result<()> {
        let rows = list
            .iter()
            .map(|n| NotificationRow {
                id: n.id.to_string(),
                org_id: org.to_string(),
                user_id: n.user.to_string(),
                kind: n.kind.as_str().to_owned(),
                title: n.title.clone(),
                link: n.link.clone(),
                created_at: n.created_at.as_micros(),
                read_at: n.read_at.map(|t| t.as_micros()),
            })
            .collect();
        self.insert(rows).await
    }

    /// A person's newest notifications in `org`, at most `limit`, with how many are unread.
    pub async fn notifications(
        &mut self,
        org: OrgId,
        user: UserId,
        limit: i64,
    ) -> Result<(Vec<Notification>, i64)> {
        let unread = self.unread_notifications(org, user).await?;
        let rows = sqlx::query(
            "SELECT * FROM notifications WHERE user_id = $1 AND org_id = $2 \
             ORDER BY created_at DESC, id DESC LIMIT $3",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| NotificationRow::from_row(r)?.into_notification())?;
        Ok((list, unread))
    }

    /// How many of a person's notifications in `org` are unread.
    pub async fn unread_notifications(&mut self, org: OrgId, user: UserId) -> Result<i64> {
        sqlx::query(
            "SELECT COUNT(*) AS n FROM notifications WHERE user_id = $1 AND org_id = $2 \
             AND read_at IS NULL",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .fetch_one(self.conn())
        .await?
        .int("n")
    }

    /// Marks one notification (or, with `None`, all) of a person read; how many changed.
    pub async fn mark_notifications_read(
        &mut self,
        org: OrgId,
        user: UserId,
        one: Option<NotificationId>,
        at: Timestamp,
    ) -> Result<u64> {
        let done = sqlx::query(
            "UPDATE notifications SET read_at = $1 WHERE user_id = $2 AND org_id = $3 \
             AND read_at IS NULL AND ($4 = '' OR id = $4)",
        )
        .bind(at.as_micros())
        .bind(user.to_string())
        .bind(org.to_string())
        .bind(one.map(|n| n.to_string()).unwrap_or_default())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected())
    }

    /// How a person wants to hear of notifications by email in `org` (each, unless chosen).
    pub async fn email_preference(&mut self, org: OrgId, user: UserId) -> Result<EmailPreference> {
        let row =
            sqlx::query("SELECT * FROM notification_settings WHERE org_id = $1 AND user_id = $2")
                .bind(org.to_string())
                .bind(user.to_string())
                .fetch_optional(self.conn())
                .await?;
        match row {
            Some(r) => parsed("email", &SettingsRow::from_row(&r)?.email),
            None => Ok(EmailPreference::Each),
        }
    }

    /// Sets how a person wants to hear of notifications by email in `org`.
    pub async fn set_email_preference(
        &mut self,
        org: OrgId,
        user: UserId,
        preference: EmailPreference,
        at: Timestamp,
    ) -> Result<()> {
        let row = SettingsRow {
            org_id: org.to_string(),
            user_id: user.to_string(),
            email: preference.as_str().to_owned(),
            last_digest_at: None,
            updated_at: at.as_micros(),
        };
        // The digest's mark is kept: a change of preference does not resend a day.
        let done = sqlx::query(
            "UPDATE notification_settings SET email = $1, updated_at = $2 \
             WHERE org_id = $3 AND user_id = $4",
        )
        .bind(&row.email)
        .bind(row.updated_at)
        .bind(&row.org_id)
        .bind(&row.user_id)
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            self.insert(vec![row]).await?;
        }
        Ok(())
    }

    /// The people of every organisation who chose the daily digest and were last sent one
    /// (or chose it) on or before `before`, at most `limit`: `(org, person, since)`, where
    /// `since` is the end of what their last digest covered, or when they chose it.
    pub async fn digests_due(
        &mut self,
        before: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, UserId, Timestamp)>> {
        let rows = sqlx::query(
            "SELECT * FROM notification_settings WHERE email = 'digest' \
             AND COALESCE(last_digest_at, updated_at) <= $1 ORDER BY org_id, user_id LIMIT $2",
        )
        .bind(before.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            let row = SettingsRow::from_row(r)?;
            Ok((
                parsed("org_id", &row.org_id)?,
                parsed("user_id", &row.user_id)?,
                Timestamp::from_micros(row.last_digest_at.unwrap_or(row.updated_at)),
            ))
        })
    }

    /// A person's notifications in `org` made after `since`, oldest first, at most `limit`.
    pub async fn notifications_since(
        &mut self,
        org: OrgId,
        user: UserId,
        since: Timestamp,
        limit: i64,
    ) -> Result<Vec<Notification>> {
        let rows = sqlx::query(
            "SELECT * FROM notifications WHERE user_id = $1 AND org_id = $2 AND created_at > $3 \
             ORDER BY created_at, id LIMIT $4",
        )
        .bind(user.to_string())
        .bind(org.to_string())
        .bind(since.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| NotificationRow::from_row(r)?.into_notification())
    }

    /// Records that a person's digest covered everything up to `at`; `false` when another
    /// worker recorded a later one meanwhile.
    pub async fn mark_digest_sent(
        &mut self,
        org: OrgId,
        user: UserId,
        at: Timestamp,
    ) -> Result<bool> {
        let done = sqlx::query(
            "UPDATE notification_settings SET last_digest_at = $1 WHERE org_id = $2 \
             AND user_id = $3 AND email = 'digest' AND (last_digest_at IS NULL OR last_digest_at < $1)",
        )
        .bind(at.as_micros())
        .bind(org.to_string())
        .bind(user.to_string())
        .execute(self.conn())
        .await?;
        Ok(done.rows_affected() == 1)
    }
}
