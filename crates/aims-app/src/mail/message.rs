//! An email as it waits in the outbox (a job's payload) and as it is handed to the SMTP
//! client: plain text only, one recipient.

use lettre::Message;
use lettre::message::Mailbox;
use lettre::message::header::ContentType;
use serde::{Deserialize, Serialize};

/// Most characters of a subject: a longer one is cut, as mail clients would hide it anyway.
const MAX_SUBJECT_CHARS: usize = 200;

/// An email to send.
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct OutgoingEmail {
    pub to: String,
    pub subject: String,
    /// The body, plain text.
    pub text: String,
}

impl std::fmt::Debug for OutgoingEmail {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The body can hold a link that works as a key (an invitation, a password reset).
        f.debug_struct("OutgoingEmail")
            .field("to", &self.to)
            .field("subject", &self.subject)
            .finish_non_exhaustive()
    }
}

/// Why an email could not be built; it never will be, so it is not retried.
#[derive(Debug, thiserror::Error)]
pub(crate) enum BadEmail {
    #[error("the recipient is not an address")]
    Recipient,
    #[error("the message could not be built: {0}")]
    Build(String),
}

impl OutgoingEmail {
    /// An email to `to`; line breaks in the subject become spaces, as a header is one line.
    pub fn new(to: &str, subject: &str, text: &str) -> Self {
        let subject: String = subject
            .chars()
            .map(|c| if c.is_control() { ' ' } else { c })
            .take(MAX_SUBJECT_CHARS)
            .collect();
        Self {
            to: to.to_owned(),
            subject: subject.trim().to_owned(),
            text: text.to_owned(),
        }
    }

    /// The message from `from`, with its date and message id, the body in UTF-8 (lettre
    /// picks the transfer encoding).
    pub fn message(&self, from: &Mailbox) -> Result<Message, BadEmail> {
        let to: Mailbox = self.to.parse().map_err(|_| BadEmail::Recipient)?;
        Message::builder()
            .from(from.clone())
            .to(to)
            .subject(self.subject.clone())
            .header(ContentType::TEXT_PLAIN)
            .body(self.text.clone())
            .map_err(|e| BadEmail::Build(e.to_string()))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_plain_text_with_one_line_subjects_and_debug_hides_the_body() {
        let email = OutgoingEmail::new(
            "ada@example.org",
            "Reset\r\nBcc: eve@example.org",
            "Open https://aims.example.org/password-reset/s3cret-link",
        );
        assert_eq!(email.subject, "Reset  Bcc: eve@example.org");
        let from: Mailbox = "aims <aims@example.org>".parse().unwrap();
        let bytes = email.message(&from).unwrap().formatted();
        let text = String::from_utf8(bytes).unwrap();
        assert!(text.contains("To: ada@example.org"), "{text}");
        assert!(
            text.contains("Content-Type: text/plain; charset=utf-8"),
            "{text}"
        );
        assert!(!text.contains("\r\nBcc:"), "{text}");
        assert!(!format!("{email:?}").contains("s3cret"));
        assert!(matches!(
            OutgoingEmail::new("nobody", "Hi", "x").message(&from),
            Err(BadEmail::Recipient)
        ));
    }
}
