//! Email: settings, the message, the SMTP client, and the `send_email` job that sends what a
//! change queued. A use case never sends mail itself: it calls [`App::queue_email`] inside its
//! transaction, so that the email goes if and only if the change commits (the outbox), and
//! the worker sends it, retrying while the server is away. Without mail settings, mail is
//! off: nothing is queued and the pages say so.

mod job;
mod message;
mod settings;
mod transport;

use std::sync::Arc;

use aims_domain::account::Email;
use aims_store::Tx;

pub(crate) use job::JOB_KIND;
pub use settings::{
    DEFAULT_SMTP_TIMEOUT, MailSettings, MailSettingsError, SmtpPassword, SmtpSecurity,
};

use crate::App;
use crate::error::Result;
use message::OutgoingEmail;
use transport::Mailer;

/// The mail side of an [`App`]: the client, with its settings.
pub(crate) type Mail = Arc<Mailer>;

impl App {
    /// The same application, sending email as `settings` say; refused when the TLS client
    /// cannot be prepared.
    pub fn with_mail(mut self, settings: MailSettings) -> Result<Self, MailSettingsError> {
        self.mail = Some(Arc::new(Mailer::new(settings)?));
        Ok(self)
    }

    /// Whether email is set up: invitations and password reset links are then sent.
    pub fn mail_enabled(&self) -> bool {
        self.mail.is_some()
    }

    /// The address people reach `path` at (`/invitations/…`), for a link in an email; `None`
    /// when mail is off. The paths are the web pages', which the HTTP tests follow from the
    /// emails they receive.
    pub(crate) fn link(&self, path: &str) -> Option<String> {
        self.mail
            .as_ref()
            .map(|mail| format!("{}{path}", mail.settings.public_url))
    }

    /// Queues a plain-text email to `to` in the open transaction `tx`, to be sent by the
    /// `send_email` job once `tx` commits (and never if it rolls back). Answers whether it was
    /// queued: `false` when mail is off, which is not an error. For use cases that tell people
    /// by email (invitations, password resets, notifications).
    pub(crate) async fn queue_email(
        &self,
        tx: &mut Tx,
        to: &Email,
        subject: &str,
        body: &str,
    ) -> Result<bool> {
        if self.mail.is_none() {
            return Ok(false);
        }
        let now = self.now();
        let job = job::email_job(&OutgoingEmail::new(to.as_str(), subject, body), now)?;
        tx.enqueue_job(&job, now).await?;
        Ok(true)
    }
}
