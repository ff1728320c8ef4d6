//! Organisations, people and their ways in: validated names and the records the store keeps.

use std::fmt;

use serde::{Deserialize, Serialize};

use crate::access::Role;
use crate::id::{ApiTokenId, InvitationId, OrgId, SessionId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text};

/// An email address, trimmed and lower-cased, used as the sign-in name.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Email(String);

impl Email {
    /// Validates the shape of an address: one `@`, a non-empty local part, a dotted domain.
    pub fn parse(text: &str) -> Result<Self, ValidationError> {
        let email = text.trim().to_lowercase();
        let invalid =
            || ValidationError::new("email", "must be an email address such as ada@example.org");
        if email.len() > 254 || email.chars().any(|c| c.is_whitespace() || c.is_control()) {
            return Err(invalid());
        }
        let (local, domain) = email.split_once('@').ok_or_else(invalid)?;
        let domain_ok = !domain.contains('@')
            && domain.contains('.')
            && domain
                .split('.')
                .all(|label| !label.is_empty() && label.len() <= 63);
        if local.is_empty() || local.len() > 64 || !domain_ok {
            return Err(invalid());
        }
        Ok(Self(email))
    }

    /// The address as text.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Email {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// An organisation's name: 1 to 120 characters.
pub fn org_name(text: &str) -> Result<String, ValidationError> {
    bounded_text("name", text, 1, 120)
}

/// A person's display name: 1 to 120 characters.
pub fn display_name(text: &str) -> Result<String, ValidationError> {
    bounded_text("display_name", text, 1, 120)
}

/// An API token's name: 1 to 80 characters.
pub fn token_name(text: &str) -> Result<String, ValidationError> {
    bounded_text("name", text, 1, 80)
}

/// A password that meets the policy; its `Debug` never shows it.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

impl Password {
    /// Shortest password accepted, in characters.
    pub const MIN_CHARS: usize = 12;
    /// Longest password accepted, in bytes, which bounds the hashing work one request causes.
    pub const MAX_BYTES: usize = 1024;

    /// Checks a new password against the policy, naming `field` when it fails.
    pub fn new(field: &'static str, text: &str) -> Result<Self, ValidationError> {
        Self::new_for(field, text, &[])
    }

    /// Checks a new password against the policy, also refusing one that is easy to guess
    /// from `personal` (the person's email, name, organisation).
    pub fn new_for(
        field: &'static str,
        text: &str,
        personal: &[&str],
    ) -> Result<Self, ValidationError> {
        if text.chars().count() < Self::MIN_CHARS {
            return Err(ValidationError::new(
                field,
                format!("must be at least {} characters", Self::MIN_CHARS),
            ));
        }
        if text.len() > Self::MAX_BYTES {
            return Err(ValidationError::new(
                field,
                format!("must be at most {} bytes", Self::MAX_BYTES),
            ));
        }
        if let Some(why) = guessable(text, personal) {
            return Err(ValidationError::new(field, why));
        }
        Ok(Self(text.to_owned()))
    }

    /// The password as given, for hashing or checking only.
    pub fn expose(&self) -> &str {
        &self.0
    }
}

/// Why `text` is too easy to guess, if it is: zxcvbn's estimate must be past 10^8 guesses
/// (score 3), which lists of common passwords, words, names, dates, keyboard walks and
/// repeats fall short of whatever their length.
fn guessable(text: &str, personal: &[&str]) -> Option<String> {
    // zxcvbn matches each input as a whole word: the parts of an email or a name go in too.
    let words: Vec<&str> = personal
        .iter()
        .flat_map(|input| {
            std::iter::once(*input).chain(
                input
                    .split(|c: char| !c.is_alphanumeric())
                    .filter(|part| part.chars().count() >= 3),
            )
        })
        .collect();
    let estimate = zxcvbn::zxcvbn(text, &words);
    if estimate.score() >= zxcvbn::Score::Three {
        return None;
    }
    let mut why = String::from("is too easy to guess");
    if let Some(feedback) = estimate.feedback() {
        if let Some(warning) = feedback.warning() {
            why.push_str(&format!(": {}", warning.to_string().trim_end_matches('.')));
        }
        if let Some(suggestion) = feedback.suggestions().first() {
            why.push_str(&format!(". {suggestion}"));
        }
    }
    if !why.ends_with('.') {
        why.push('.');
    }
    why.push_str(" A few unrelated words make a strong password.");
    Some(why)
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(redacted)")
    }
}

/// An organisation: the tenant every record belongs to.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Organisation {
    pub id: OrgId,
    pub name: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

/// A person's account.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct User {
    pub id: UserId,
    pub email: Email,
    pub display_name: String,
    /// The Argon2id hash in PHC format; `None` until a password is set.
    pub password_hash: Option<String>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl User {
    /// A new account created at `now`.
    pub fn new(email: Email, display_name: String, password_hash: String, now: Timestamp) -> Self {
        Self {
            id: UserId::new(),
            email,
            display_name,
            password_hash: Some(password_hash),
            created_at: now,
            updated_at: now,
        }
    }
}

/// A person's role in one organisation.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Membership {
    pub org: OrgId,
    pub user: UserId,
    pub role: Role,
    pub created_at: Timestamp,
}

/// A member as listed: the membership with the person's name.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Member {
    pub user: UserId,
    pub email: Email,
    pub display_name: String,
    pub role: Role,
    pub joined_at: Timestamp,
}

/// An organisation a person belongs to, as listed for switching between them.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct OrgMembership {
    pub org: OrgId,
    pub org_name: String,
    pub role: Role,
}

/// An invitation to join an organisation; the link carries a secret kept only as a hash.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Invitation {
    pub id: InvitationId,
    pub org: OrgId,
    pub email: Email,
    pub role: Role,
    pub invited_by: Option<UserId>,
    pub created_at: Timestamp,
    pub expires_at: Timestamp,
    pub accepted_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl Invitation {
    /// Days an invitation stays valid.
    pub const VALID_DAYS: i64 = 7;

    /// Whether the invitation can still be accepted at `now`.
    pub fn is_open(&self, now: Timestamp) -> bool {
        self.accepted_at.is_none() && self.revoked_at.is_none() && now < self.expires_at
    }
}

/// A bearer API token of one organisation; only the hash of its secret is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiToken {
    pub id: ApiTokenId,
    pub org: OrgId,
    pub created_by: UserId,
    pub name: String,
    pub role: Role,
    /// The first characters of the secret, shown so that a person can recognise a token.
    pub prefix: String,
    pub created_at: Timestamp,
    pub expires_at: Option<Timestamp>,
    pub last_used_at: Option<Timestamp>,
    pub revoked_at: Option<Timestamp>,
}

impl ApiToken {
    /// Whether the token may be used at `now`.
    pub fn is_usable(&self, now: Timestamp) -> bool {
        self.revoked_at.is_none() && self.expires_at.is_none_or(|at| now < at)
    }
}

/// A signed-in browser session; only the hash of its cookie value is kept.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Session {
    pub id: SessionId,
    pub user: UserId,
    /// The organisation the person is working in.
    pub active_org: Option<OrgId>,
    pub created_at: Timestamp,
    pub last_seen_at: Timestamp,
    pub expires_at: Timestamp,
    pub user_agent: String,
    pub address: String,
}

impl Session {
    /// Days a session lasts without being used.
    pub const IDLE_DAYS: i64 = 14;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn emails_are_normalised_and_checked() {
        assert_eq!(
            Email::parse("  Ada@Example.ORG ").unwrap().as_str(),
            "ada@example.org"
        );
        for bad in [
            "",
            "ada",
            "ada@",
            "@example.org",
            "ada@example",
            "a b@example.org",
            "a@b@c.org",
            "ada@example..org",
        ] {
            let err = Email::parse(bad).unwrap_err();
            assert_eq!(err.field, "email", "{bad:?} should be refused");
        }
    }

    #[test]
    fn passwords_follow_the_policy_and_never_print() {
        assert!(Password::new("password", "short").is_err());
        assert!(Password::new("password", &"x".repeat(2000)).is_err());
        for weak in [
            "aaaaaaaaaaaa",
            "password1234",
            "            ",
            "qwertyuiopas",
            "123456789012",
            "Password2024!",
        ] {
            let err = Password::new("password", weak).unwrap_err();
            assert!(
                err.message.starts_with("is too easy to guess"),
                "{weak:?}: {}",
                err.message
            );
        }
        // Strong on its own, guessable by whoever knows whose it is.
        let own = "vantablackorrery";
        assert!(Password::new("password", own).is_ok());
        let err = Password::new_for("password", own, &["vantablack@orrery.example"]).unwrap_err();
        assert!(
            err.message.starts_with("is too easy to guess"),
            "{}",
            err.message
        );
        let ok = Password::new("password", "correct horse battery").unwrap();
        assert_eq!(format!("{ok:?}"), "Password(redacted)");
    }

    #[test]
    fn names_are_trimmed_and_bounded() {
        assert_eq!(org_name("  Acme  ").unwrap(), "Acme");
        assert_eq!(org_name("   ").unwrap_err().message, "must not be empty");
        assert!(org_name(&"a".repeat(121)).is_err());
        assert!(org_name("a\u{0007}b").is_err());
    }

    #[test]
    fn tokens_expire_and_revoke() {
        let now = Timestamp::from_micros(1_000);
        let mut token = ApiToken {
            id: ApiTokenId::new(),
            org: OrgId::new(),
            created_by: UserId::new(),
            name: "ci".into(),
            role: Role::Viewer,
            prefix: "aims_abc".into(),
            created_at: now,
            expires_at: Some(now.plus_seconds(1)),
            last_used_at: None,
            revoked_at: None,
        };
        assert!(token.is_usable(now));
        assert!(!token.is_usable(now.plus_seconds(1)));
        token.expires_at = None;
        token.revoked_at = Some(now);
        assert!(!token.is_usable(now));
    }
}
