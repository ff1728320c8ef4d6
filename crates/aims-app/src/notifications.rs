//! Notifications: a person is told, in the app, when something waits on them or concerns
//! what they own; each change that causes one stores it in its own transaction.

use aims_domain::audit::AuditAction;
use aims_domain::work::{EmailPreference, Notification, NotificationKind};
use aims_domain::{Actor, ActorKind, Denied, NotificationId, Permission, UserId};
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::Result;

/// Most notifications a list shows.
pub const MAX_NOTIFICATIONS: i64 = 200;

/// A person's notifications and how many are unread.
#[derive(Clone, Debug)]
pub struct Inbox {
    pub notifications: Vec<Notification>,
    pub unread: i64,
}

/// The person behind an actor signed in: notifications are a person's, never a token's
/// creator's through the token.
fn person(actor: &Actor) -> Result<UserId> {
    actor.require(Permission::ReadOrganisation)?;
    match actor.kind {
        ActorKind::User(user) | ActorKind::Token { owner: user, .. } => Ok(user),
        ActorKind::System => Err(Denied(Permission::ManageOwnAccount).into()),
    }
}

impl App {
    /// Tells each of `people` (but the one making the change, who knows) about `title` on
    /// `link`, as part of change `c`.
    pub(crate) async fn notify(
        &self,
        c: &mut Change,
        by: &Actor,
        people: impl IntoIterator<Item = UserId>,
        kind: NotificationKind,
        title: &str,
        link: &str,
    ) -> Result<()> {
        let mut list: Vec<Notification> = Vec::new();
        for user in people {
            if Some(user) == by.user() || list.iter().any(|n| n.user == user) {
                continue;
            }
            list.push(Notification {
                id: NotificationId::new(),
                user,
                kind,
                title: title.to_owned(),
                link: link.to_owned(),
                created_at: c.now,
                read_at: None,
            });
        }
        if !list.is_empty() {
            c.insert_notifications(by.org, &list).await?;
            self.email_notifications(&mut c.tx, by.org, &list).await?;
        }
        Ok(())
    }

    /// Queues, in `tx`, an email for each of `list` whose person wants one per notification
    /// (the default), when mail is set up; people who chose the daily digest or no email get
    /// none here.
    pub(crate) async fn email_notifications(
        &self,
        tx: &mut aims_store::Tx,
        org: aims_domain::OrgId,
        list: &[Notification],
    ) -> Result<()> {
        if !self.mail_enabled() || list.is_empty() {
            return Ok(());
        }
        let members = tx.members(org).await?;
        for n in list {
            if tx.email_preference(org, n.user).await? != EmailPreference::Each {
                continue;
            }
            let Some(member) = members.iter().find(|m| m.user == n.user) else {
                continue;
            };
            let link = self.link(&n.link).unwrap_or_else(|| n.link.clone());
            let subject = format!("{}: {}", n.kind.label(), n.title);
            let body = format!(
                "{}\n\n{}\n\nOpen it in aims: {link}\n\nYou get an email for each notification; \
                 choose a daily digest or none on your notifications page.\n",
                n.kind.label(),
                n.title
            );
            self.queue_email(tx, &member.email, &subject, &body).await?;
        }
        Ok(())
    }

    /// The members of the actor's organisation holding one of `roles`.
    pub(crate) async fn members_in_roles(
        c: &mut Change,
        by: &Actor,
        roles: &[aims_domain::Role],
    ) -> Result<Vec<UserId>> {
        Ok(c.members(by.org)
            .await?
            .into_iter()
            .filter(|m| roles.contains(&m.role))
            .map(|m| m.user)
            .collect())
    }

    /// The person's newest notifications (at most `limit`, up to [`MAX_NOTIFICATIONS`]).
    pub async fn inbox(&self, actor: &Actor, limit: i64) -> Result<Inbox> {
        let user = person(actor)?;
        let mut tx = self.store.read().await?;
        let (notifications, unread) = tx
            .notifications(actor.org, user, limit.clamp(1, MAX_NOTIFICATIONS))
            .await?;
        Ok(Inbox {
            notifications,
            unread,
        })
    }

    /// How many of the person's notifications are unread.
    pub async fn unread_notifications(&self, actor: &Actor) -> Result<i64> {
        let user = person(actor)?;
        Ok(self
            .store
            .read()
            .await?
            .unread_notifications(actor.org, user)
            .await?)
    }

    /// Marks one notification of the person's read, or all of them; how many changed.
    pub async fn mark_read(&self, actor: &Actor, one: Option<NotificationId>) -> Result<u64> {
        let user = person(actor)?;
        // Reading one's notifications changes no record of the management system, so it is
        // not an audited change.
        let (mut tx, now) = self.begin(actor.org).await?;
        let changed = tx
            .mark_notifications_read(actor.org, user, one, now)
            .await?;
        tx.commit().await?;
        Ok(changed)
    }

    /// How the person wants to hear of notifications by email.
    pub async fn email_preference(&self, actor: &Actor) -> Result<EmailPreference> {
        let user = person(actor)?;
        Ok(self
            .store
            .read()
            .await?
            .email_preference(actor.org, user)
            .await?)
    }

    /// Sets how the person wants to hear of notifications by email (a person signed in).
    pub async fn set_email_preference(
        &self,
        actor: &Actor,
        preference: EmailPreference,
    ) -> Result<()> {
        actor.require(Permission::ManageOwnAccount)?;
        let user = person(actor)?;
        self.change(actor.org, actor, async |c| {
            if c.email_preference(actor.org, user).await? == preference {
                return Ok(());
            }
            let now = c.now;
            c.set_email_preference(actor.org, user, preference, now)
                .await?;
            c.record(
                AuditAction::AccountEmailPreferenceChanged,
                user,
                json!({"email": preference}),
            )
            .await?;
            Ok(())
        })
        .await
    }
}
