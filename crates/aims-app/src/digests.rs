//! The daily digest: one email a day listing a person's notifications, for those who chose it
//! over an email for each.

use aims_domain::Timestamp;

use crate::App;
use crate::error::Result;

/// Most people one run of the digest job writes to.
const DIGESTS_PER_RUN: i64 = 500;
/// Most notifications one digest lists; the rest wait in the app.
const ITEMS_PER_DIGEST: i64 = 50;

impl App {
    /// Queues the digest of everyone who chose one and was last sent one a day or more ago:
    /// the notifications made since, if any. Returns how many digests were queued.
    pub async fn send_digests(&self) -> Result<usize> {
        if !self.mail_enabled() {
            return Ok(0);
        }
        let now = self.now();
        let due = self
            .store
            .read()
            .await?
            .digests_due(now.plus_days(-1), DIGESTS_PER_RUN)
            .await?;
        let mut queued = 0;
        for (org, user, since) in due {
            let mut tx = self.store.write_for(org).await?;
            // Marked first, under the organisation's lock: a second worker finds it done.
            if !tx.mark_digest_sent(org, user, now).await? {
                continue;
            }
            let items = tx
                .notifications_since(org, user, since, ITEMS_PER_DIGEST)
                .await?;
            let member = tx.members(org).await?.into_iter().find(|m| m.user == user);
            if let (false, Some(member)) = (items.is_empty(), member) {
                let body = digest_body(&items, since, |path| {
                    self.link(path).unwrap_or_else(|| path.to_owned())
                });
                let subject = format!("aims: {} notifications since {}", items.len(), since.date());
                self.queue_email(&mut tx, &member.email, &subject, &body)
                    .await?;
                queued += 1;
            }
            tx.commit().await?;
        }
        Ok(queued)
    }
}

/// The digest's text: one line per notification with its link.
fn digest_body(
    items: &[aims_domain::work::Notification],
    since: Timestamp,
    link: impl Fn(&str) -> String,
) -> String {
    let mut body = format!("What concerns you in aims since {}:\n\n", since.human());
    for n in items {
        body.push_str(&format!(
            "- {}: {}\n  {}\n",
            n.kind.label(),
            n.title,
            link(&n.link)
        ));
    }
    body.push_str("\nYou get this once a day; choose an email for each notification, or none, on your notifications page.\n");
    body
}
