//! How aims reaches its SMTP server: the server's address and how the connection is
//! secured, the account it signs in with, the sender, and the public address that links in
//! emails point to. Everything is checked when the settings are made, so that a mistake
//! stops the process at start rather than failing each email later.

use std::fmt;
use std::time::Duration;

use lettre::message::Mailbox;
use serde::Deserialize;

/// How long one attempt to hand an email to the server may take, from connecting to the
/// server's last answer, before it counts as failed (and is retried later by the job queue).
pub const DEFAULT_SMTP_TIMEOUT: Duration = Duration::from_secs(60);

/// How the connection to the SMTP server is secured.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SmtpSecurity {
    /// `smtp://`: a plain connection that must be upgraded with STARTTLS before anything
    /// else is said; a server that does not offer it is refused. Default port 587.
    StartTls,
    /// `smtps://`: TLS from the first byte. Default port 465.
    Tls,
    /// `smtp+insecure://`: no encryption at all, for a mail server on the same machine in
    /// tests. Default port 25.
    Insecure,
}

impl SmtpSecurity {
    fn scheme(self) -> &'static str {
        match self {
            SmtpSecurity::StartTls => "smtp",
            SmtpSecurity::Tls => "smtps",
            SmtpSecurity::Insecure => "smtp+insecure",
        }
    }

    fn default_port(self) -> u16 {
        match self {
            SmtpSecurity::StartTls => 587,
            SmtpSecurity::Tls => 465,
            SmtpSecurity::Insecure => 25,
        }
    }
}

/// The password of the SMTP account. Neither `Debug` nor anything else of aims shows it:
/// it is read from the settings and handed to the SMTP client only.
#[derive(Clone, Deserialize)]
#[serde(transparent)]
pub struct SmtpPassword(String);

impl SmtpPassword {
    /// Wraps a password read from the settings.
    pub fn new(password: impl Into<String>) -> Self {
        Self(password.into())
    }

    /// The password itself, for the SMTP client.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for SmtpPassword {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("SmtpPassword(redacted)")
    }
}

/// Why mail settings were refused. No message repeats a value given, so that a password
/// pasted into the wrong setting does not end up in a log.
#[derive(Debug, thiserror::Error)]
pub enum MailSettingsError {
    /// The URL's scheme is none of the three known.
    #[error(
        "the SMTP URL (AIMS_SMTP_URL) must start with smtp:// (STARTTLS), smtps:// (TLS) or \
         smtp+insecure:// (no encryption, for local tests)"
    )]
    Scheme,
    /// The URL names no usable host, or a port out of range, or has a path.
    #[error(
        "the SMTP URL (AIMS_SMTP_URL) must be a host and an optional port, such as \
         smtp://mail.example.org:587"
    )]
    Address,
    /// The URL carries a user name or password, which belong in their own settings.
    #[error(
        "the SMTP URL (AIMS_SMTP_URL) must not hold a user name or password: set \
         AIMS_SMTP_USERNAME and AIMS_SMTP_PASSWORD instead"
    )]
    CredentialsInUrl,
    /// A user name without a password, or the other way round.
    #[error("AIMS_SMTP_USERNAME and AIMS_SMTP_PASSWORD must be set together")]
    HalfCredentials,
    /// The sender is not an address.
    #[error(
        "the sender (AIMS_MAIL_FROM) must be an address such as aims@example.org or \
         \"aims <aims@example.org>\""
    )]
    From,
    /// The public URL is not an http(s) address.
    #[error("the public URL (AIMS_PUBLIC_URL) must start with http:// or https://")]
    PublicUrl,
    /// The TLS client could not be made (no certificate store, say).
    #[error("preparing TLS for the SMTP server: {0}")]
    Tls(String),
}

/// Where and how aims sends email.
#[derive(Clone)]
pub struct MailSettings {
    pub(crate) security: SmtpSecurity,
    pub(crate) host: String,
    pub(crate) port: u16,
    pub(crate) credentials: Option<(String, SmtpPassword)>,
    pub(crate) from: Mailbox,
    /// Where people reach aims, without a trailing `/`: links in emails start with it.
    pub(crate) public_url: String,
    pub(crate) timeout: Duration,
}

impl MailSettings {
    /// Settings for the server at `url` (`smtp://host:port`, `smtps://host:port` or
    /// `smtp+insecure://host:port`), sending as `from`, with links to `public_url`.
    pub fn new(url: &str, from: &str, public_url: &str) -> Result<Self, MailSettingsError> {
        let (security, host, port) = parse_url(url.trim())?;
        let from: Mailbox = from.trim().parse().map_err(|_| MailSettingsError::From)?;
        let public_url = public_url.trim().trim_end_matches('/').to_owned();
        if !(public_url.starts_with("http://") || public_url.starts_with("https://")) {
            return Err(MailSettingsError::PublicUrl);
        }
        Ok(Self {
            security,
            host,
            port,
            credentials: None,
            from,
            public_url,
            timeout: DEFAULT_SMTP_TIMEOUT,
        })
    }

    /// The same settings, signing in to the server as `username` with `password`; both or
    /// neither must be given (blank counts as not given).
    pub fn with_credentials(
        mut self,
        username: Option<String>,
        password: Option<SmtpPassword>,
    ) -> Result<Self, MailSettingsError> {
        let username = username.filter(|u| !u.trim().is_empty());
        let password = password.filter(|p| !p.expose().is_empty());
        self.credentials = match (username, password) {
            (Some(user), Some(password)) => Some((user.trim().to_owned(), password)),
            (None, None) => None,
            _ => return Err(MailSettingsError::HalfCredentials),
        };
        Ok(self)
    }

    /// The same settings, giving up on one attempt to send after `timeout` (at least a second).
    pub fn with_timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout.max(Duration::from_secs(1));
        self
    }

    /// The server and sender in words for the logs, without the password:
    /// `smtp://mail.example.org:587 as aims@example.org (signing in as aims)`.
    pub fn describe(&self) -> String {
        let mut text = format!(
            "{}://{}:{} as {}",
            self.security.scheme(),
            self.host,
            self.port,
            self.from
        );
        if let Some((user, _)) = &self.credentials {
            text.push_str(&format!(" (signing in as {user})"));
        }
        text
    }

    /// The server without the sender, for messages about one email.
    pub(crate) fn server(&self) -> String {
        format!("{}://{}:{}", self.security.scheme(), self.host, self.port)
    }
}

impl fmt::Debug for MailSettings {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MailSettings")
            .field("server", &self.describe())
            .field("public_url", &self.public_url)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The security, host and port of an SMTP URL.
fn parse_url(url: &str) -> Result<(SmtpSecurity, String, u16), MailSettingsError> {
    let (scheme, rest) = url.split_once("://").ok_or(MailSettingsError::Scheme)?;
    let security = match scheme.to_ascii_lowercase().as_str() {
        "smtp" => SmtpSecurity::StartTls,
        "smtps" => SmtpSecurity::Tls,
        "smtp+insecure" => SmtpSecurity::Insecure,
        _ => return Err(MailSettingsError::Scheme),
    };
    if rest.contains('@') {
        return Err(MailSettingsError::CredentialsInUrl);
    }
    let authority = rest.strip_suffix('/').unwrap_or(rest);
    if authority.is_empty() || authority.contains(['/', '?', '#']) {
        return Err(MailSettingsError::Address);
    }
    // `[::1]:25`: the brackets hold an IPv6 address, whose colons are not the port's.
    let (host, port) = match authority.strip_prefix('[') {
        Some(bracketed) => {
            let (host, after) = bracketed
                .split_once(']')
                .ok_or(MailSettingsError::Address)?;
            (host, after.strip_prefix(':'))
        }
        None => match authority.rsplit_once(':') {
            Some((host, port)) => (host, Some(port)),
            None => (authority, None),
        },
    };
    let port = match port {
        Some(port) => port
            .parse::<u16>()
            .ok()
            .filter(|p| *p != 0)
            .ok_or(MailSettingsError::Address)?,
        None => security.default_port(),
    };
    let valid_host = !host.is_empty()
        && host
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | ':'));
    if !valid_host {
        return Err(MailSettingsError::Address);
    }
    Ok((security, host.to_ascii_lowercase(), port))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn settings(url: &str) -> Result<MailSettings, MailSettingsError> {
        MailSettings::new(url, "aims <aims@example.org>", "https://aims.example.org/")
    }

    #[test]
    fn urls_name_the_security_host_and_port() {
        let s = settings("smtp://Mail.Example.org:2587").unwrap();
        assert_eq!(
            (s.security, s.host.as_str(), s.port),
            (SmtpSecurity::StartTls, "mail.example.org", 2587)
        );
        assert_eq!(settings("smtps://mail.example.org").unwrap().port, 465);
        assert_eq!(settings("smtp://mail.example.org/").unwrap().port, 587);
        let local = settings("smtp+insecure://[::1]:2525").unwrap();
        assert_eq!(
            (local.security, local.host.as_str(), local.port),
            (SmtpSecurity::Insecure, "::1", 2525)
        );
        assert_eq!(
            settings("smtp://x.org").unwrap().public_url,
            "https://aims.example.org"
        );
    }

    #[test]
    fn mistakes_are_refused_without_repeating_what_was_given() {
        for (url, expected) in [
            ("mail.example.org:25", "must start with smtp://"),
            ("http://mail.example.org", "must start with smtp://"),
            ("smtp://", "must be a host"),
            ("smtp://mail.example.org:0", "must be a host"),
            ("smtp://mail.example.org:99999", "must be a host"),
            ("smtp://mail.example.org/path", "must be a host"),
            ("smtp://bad host:25", "must be a host"),
        ] {
            let err = settings(url).unwrap_err().to_string();
            assert!(err.contains(expected), "{url}: {err}");
        }
        let err = settings("smtps://ada:hunter2-secret@mail.example.org")
            .unwrap_err()
            .to_string();
        assert!(err.contains("AIMS_SMTP_PASSWORD"), "{err}");
        assert!(!err.contains("hunter2"), "{err}");
        assert!(matches!(
            MailSettings::new("smtp://x.org", "not an address", "https://a.org"),
            Err(MailSettingsError::From)
        ));
        assert!(matches!(
            MailSettings::new("smtp://x.org", "a@x.org", "aims.example.org"),
            Err(MailSettingsError::PublicUrl)
        ));
    }

    #[test]
    fn credentials_go_together_and_the_password_is_never_shown() {
        let password = SmtpPassword::new("hunter2-secret");
        let s = settings("smtp://mail.example.org")
            .unwrap()
            .with_credentials(Some("aims".into()), Some(password.clone()))
            .unwrap();
        for shown in [
            format!("{s:?}"),
            s.describe(),
            format!("{password:?}"),
            format!("{:?}", s.credentials),
        ] {
            assert!(!shown.contains("hunter2"), "{shown}");
        }
        assert!(s.describe().contains("signing in as aims"));
        assert!(matches!(
            settings("smtp://x.org")
                .unwrap()
                .with_credentials(Some("aims".into()), None),
            Err(MailSettingsError::HalfCredentials)
        ));
        assert!(matches!(
            settings("smtp://x.org")
                .unwrap()
                .with_credentials(None, Some(password)),
            Err(MailSettingsError::HalfCredentials)
        ));
        let none = settings("smtp://x.org")
            .unwrap()
            .with_credentials(Some(" ".into()), Some(SmtpPassword::new("")))
            .unwrap();
        assert!(none.credentials.is_none());
    }
}
