//! Personal data and secrets in answers, with checksums where the format has one so that a
//! random run of digits is not taken for a card number.

use std::sync::LazyLock;

use regex::Regex;
use serde::{Deserialize, Serialize};

/// A kind of personal data or secret.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SensitiveKind {
    Email,
    PaymentCard,
    Iban,
    UsSsn,
    Phone,
    AwsAccessKey,
    ApiKey,
    GithubToken,
    PrivateKey,
    Jwt,
}

const ALL: &[SensitiveKind] = &[
    SensitiveKind::Email,
    SensitiveKind::PaymentCard,
    SensitiveKind::Iban,
    SensitiveKind::UsSsn,
    SensitiveKind::Phone,
    SensitiveKind::AwsAccessKey,
    SensitiveKind::ApiKey,
    SensitiveKind::GithubToken,
    SensitiveKind::PrivateKey,
    SensitiveKind::Jwt,
];

impl SensitiveKind {
    /// The kind's name in results.
    pub fn name(self) -> &'static str {
        match self {
            SensitiveKind::Email => "email address",
            SensitiveKind::PaymentCard => "payment card number",
            SensitiveKind::Iban => "IBAN",
            SensitiveKind::UsSsn => "US social security number",
            SensitiveKind::Phone => "phone number",
            SensitiveKind::AwsAccessKey => "AWS access key id",
            SensitiveKind::ApiKey => "API key",
            SensitiveKind::GithubToken => "GitHub token",
            SensitiveKind::PrivateKey => "private key",
            SensitiveKind::Jwt => "JSON Web Token",
        }
    }

    fn pattern(self) -> &'static str {
        match self {
            SensitiveKind::Email => r"\b[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}\b",
            SensitiveKind::PaymentCard => r"\b(?:\d[ -]?){12,18}\d\b",
            SensitiveKind::Iban => r"\b[A-Z]{2}\d{2}(?: ?[A-Z0-9]{4}){2,7}(?: ?[A-Z0-9]{1,3})?\b",
            SensitiveKind::UsSsn => r"\b\d{3}-\d{2}-\d{4}\b",
            SensitiveKind::Phone => r"\+\d{1,3}[ .-]?\(?\d{1,4}\)?(?:[ .-]?\d{2,4}){2,4}\b",
            SensitiveKind::AwsAccessKey => r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b",
            SensitiveKind::ApiKey => r"\bsk-(?:proj-|live-|test-)?[A-Za-z0-9_-]{20,}",
            SensitiveKind::GithubToken => r"\bgh[pousr]_[A-Za-z0-9]{36}\b",
            SensitiveKind::PrivateKey => r"-----BEGIN (?:[A-Z]+ )?PRIVATE KEY-----",
            SensitiveKind::Jwt => {
                r"\beyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"
            }
        }
    }

    /// Whether a match passes the format's own check.
    fn checks(self, text: &str) -> bool {
        match self {
            SensitiveKind::PaymentCard => luhn(text),
            SensitiveKind::Iban => iban_checksum(text),
            SensitiveKind::UsSsn => {
                let area = &text[..3];
                area != "000"
                    && area != "666"
                    && !area.starts_with('9')
                    && &text[4..6] != "00"
                    && &text[7..] != "0000"
            }
            _ => true,
        }
    }
}

static PATTERNS: LazyLock<Vec<(SensitiveKind, Regex)>> = LazyLock::new(|| {
    ALL.iter()
        .map(|kind| {
            (
                *kind,
                Regex::new(kind.pattern()).expect("sensitive pattern compiles"),
            )
        })
        .collect()
});

/// One piece of sensitive data found in a text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Found {
    pub kind: SensitiveKind,
    pub text: String,
    pub start: usize,
    pub end: usize,
}

/// Every piece of sensitive data of the given kinds (all kinds when empty), in text order.
pub fn find_sensitive(text: &str, kinds: &[SensitiveKind]) -> Vec<Found> {
    let mut found: Vec<Found> = PATTERNS
        .iter()
        .filter(|(kind, _)| kinds.is_empty() || kinds.contains(kind))
        .flat_map(|(kind, re)| {
            re.find_iter(text)
                .filter(|m| kind.checks(m.as_str()))
                .map(|m| Found {
                    kind: *kind,
                    text: m.as_str().to_owned(),
                    start: m.start(),
                    end: m.end(),
                })
        })
        .collect();
    found.sort_by_key(|f| f.start);
    found
}

/// The Luhn checksum of a card number (spaces and dashes ignored).
pub fn luhn(text: &str) -> bool {
    let digits: Vec<u32> = text.chars().filter_map(|c| c.to_digit(10)).collect();
    if !(13..=19).contains(&digits.len()) {
        return false;
    }
    let sum: u32 = digits
        .iter()
        .rev()
        .enumerate()
        .map(|(i, d)| {
            if i % 2 == 1 {
                let doubled = d * 2;
                if doubled > 9 { doubled - 9 } else { doubled }
            } else {
                *d
            }
        })
        .sum();
    sum.is_multiple_of(10)
}

/// The ISO 13616 mod-97 check of an IBAN (spaces ignored).
pub fn iban_checksum(text: &str) -> bool {
    let compact: String = text.chars().filter(|c| !c.is_whitespace()).collect();
    if !(15..=34).contains(&compact.len()) {
        return false;
    }
    let rearranged = format!("{}{}", &compact[4..], &compact[..4]);
    let mut remainder: u32 = 0;
    for c in rearranged.chars() {
        let Some(value) = c.to_digit(36) else {
            return false;
        };
        let width = if value >= 10 { 100 } else { 10 };
        remainder = (remainder * width + value) % 97;
    }
    remainder == 1
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kinds_in(text: &str) -> Vec<SensitiveKind> {
        find_sensitive(text, &[])
            .into_iter()
            .map(|f| f.kind)
            .collect()
    }

    #[test]
    fn valid_numbers_are_found() {
        assert_eq!(
            kinds_in("card 4111 1111 1111 1111 on file"),
            [SensitiveKind::PaymentCard]
        );
        assert_eq!(
            kinds_in("pay to GB82 WEST 1234 5698 7654 32"),
            [SensitiveKind::Iban]
        );
        assert_eq!(kinds_in("SSN 123-45-6789"), [SensitiveKind::UsSsn]);
        assert_eq!(
            kinds_in("mail jane.doe@example.org"),
            [SensitiveKind::Email]
        );
        assert_eq!(
            kinds_in("key AKIAIOSFODNN7EXAMPLE"),
            [SensitiveKind::AwsAccessKey]
        );
        assert_eq!(
            kinds_in("-----BEGIN RSA PRIVATE KEY-----"),
            [SensitiveKind::PrivateKey]
        );
        assert_eq!(kinds_in("call +44 20 7946 0958"), [SensitiveKind::Phone]);
    }

    #[test]
    fn numbers_failing_their_checksum_are_not() {
        assert!(kinds_in("order 4111 1111 1111 1112").is_empty());
        assert!(kinds_in("ref GB82 WEST 1234 5698 7654 33").is_empty());
        assert!(kinds_in("SSN 000-12-3456 or 666-12-3456").is_empty());
        assert!(kinds_in("version 1.2.3, 42 items, 2026-11-28").is_empty());
    }

    #[test]
    fn luhn_and_iban_checks() {
        assert!(luhn("5555555555554444"));
        assert!(!luhn("5555555555554445"));
        assert!(iban_checksum("DE89370400440532013000"));
        assert!(!iban_checksum("DE89370400440532013001"));
    }

    #[test]
    fn kinds_can_be_narrowed() {
        let text = "jane@example.org, 4111111111111111";
        let found = find_sensitive(text, &[SensitiveKind::PaymentCard]);
        assert_eq!(found.len(), 1);
        assert_eq!(found[0].text, "4111111111111111");
    }
}
