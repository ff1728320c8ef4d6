//! The SMTP client: lettre over tokio with rustls, made once from the settings and shared by
//! every send. Nothing here speaks SMTP or writes MIME itself.

use lettre::transport::smtp::authentication::Credentials;
use lettre::{AsyncSmtpTransport, AsyncTransport, Tokio1Executor};

use super::message::{BadEmail, OutgoingEmail};
use super::settings::{MailSettings, MailSettingsError, SmtpSecurity};

/// How sending one email failed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum SendError {
    /// Worth another try later: the server is down, busy, or refused our sign-in (which an
    /// operator may mend).
    #[error("{0}")]
    Transient(String),
    /// The server refused this email for good (an unknown mailbox), or it cannot be built:
    /// another try would fail the same way.
    #[error("{0}")]
    Permanent(String),
}

/// Sends email through the configured server.
#[derive(Clone)]
pub(crate) struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    pub settings: MailSettings,
}

impl std::fmt::Debug for Mailer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Mailer")
            .field("settings", &self.settings)
            .finish_non_exhaustive()
    }
}

impl Mailer {
    /// A client for the server `settings` name; TLS is prepared now, so that a machine
    /// without a certificate store fails at start rather than at the first email.
    pub fn new(settings: MailSettings) -> Result<Self, MailSettingsError> {
        let host = settings.host.as_str();
        let tls = |e: lettre::transport::smtp::Error| MailSettingsError::Tls(e.to_string());
        let builder = match settings.security {
            SmtpSecurity::StartTls => AsyncSmtpTransport::<Tokio1Executor>::starttls_relay(host),
            SmtpSecurity::Tls => AsyncSmtpTransport::<Tokio1Executor>::relay(host),
            SmtpSecurity::Insecure => Ok(AsyncSmtpTransport::<Tokio1Executor>::builder_dangerous(
                host,
            )),
        }
        .map_err(tls)?;
        let mut builder = builder.port(settings.port).timeout(Some(settings.timeout));
        if let Some((user, password)) = &settings.credentials {
            builder =
                builder.credentials(Credentials::new(user.clone(), password.expose().to_owned()));
        }
        Ok(Self {
            transport: builder.build(),
            settings,
        })
    }

    /// Hands `email` to the server. The error names the server and what went wrong, never
    /// the recipient, the body or the credentials: it is kept as the job's last error.
    pub async fn send(&self, email: &OutgoingEmail) -> Result<(), SendError> {
        let message = email
            .message(&self.settings.from)
            .map_err(|e: BadEmail| SendError::Permanent(e.to_string()))?;
        // lettre bounds connecting by the timeout, not the exchange after it: a server that
        // takes the connection and never answers would hold the worker (and the job's lease)
        // for good. The whole attempt gets the timeout.
        let timeout = self.settings.timeout;
        let sent = tokio::time::timeout(timeout, self.transport.send(message)).await;
        match sent {
            Err(_) => Err(SendError::Transient(format!(
                "sending through {}: no answer within {} s",
                self.settings.server(),
                timeout.as_secs()
            ))),
            Ok(Ok(_)) => Ok(()),
            Ok(Err(err)) => {
                let what = format!("sending through {}: {err}", self.settings.server());
                if refused_for_good(&err) {
                    Err(SendError::Permanent(what))
                } else {
                    Err(SendError::Transient(what))
                }
            }
        }
    }
}

/// Whether the server refused the email itself for good: a 5xx reply, except those about
/// the connection and signing in (5.3x: authentication required or failed, encryption
/// required), which an operator can mend and after which the email should still go.
fn refused_for_good(err: &lettre::transport::smtp::Error) -> bool {
    err.is_permanent()
        && !err
            .status()
            .is_some_and(|code| code.to_string().starts_with("53"))
}
