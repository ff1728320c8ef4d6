//! Evidence: a file or a link that shows a control, requirement, risk treatment or system is
//! what the organisation says it is, with the period during which it holds.

use serde::{Deserialize, Serialize};

use crate::id::EvidenceId;
use crate::inventory::is_web_link;
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// What a piece of evidence supports.
    pub enum TargetKind ("targets.kind") {
        System = "system": "AI system",
        Control = "control": "Control",
        Requirement = "requirement": "Requirement",
        Risk = "risk": "Risk",
    }
}

/// One thing a piece of evidence supports: a system or risk id, a control id (`A.6.2.4`), or
/// a requirement as `framework:item` (`eu-ai-act:art-9`).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Target {
    pub kind: TargetKind,
    pub id: String,
}

/// What a person states about a piece of evidence.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct EvidenceFacts {
    pub title: String,
    pub description: String,
    /// For evidence kept elsewhere: an http(s) link to it.
    pub link: String,
    pub valid_from: Option<Timestamp>,
    /// After this instant the evidence no longer counts.
    pub valid_until: Option<Timestamp>,
    pub targets: Vec<Target>,
}

/// Most things one piece of evidence may support.
pub const MAX_TARGETS: usize = 100;

impl EvidenceFacts {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.description = long_text("description", &self.description, 10_000)?;
        self.link = self.link.trim().to_owned();
        if !self.link.is_empty() && !is_web_link(&self.link) {
            return Err(ValidationError::new(
                "link",
                "must be an http:// or https:// link",
            ));
        }
        if let (Some(from), Some(until)) = (self.valid_from, self.valid_until)
            && until <= from
        {
            return Err(ValidationError::new(
                "valid_until",
                "must be after valid_from",
            ));
        }
        if self.targets.is_empty() {
            return Err(ValidationError::new(
                "targets",
                "name at least one thing this evidence supports",
            ));
        }
        if self.targets.len() > MAX_TARGETS {
            return Err(ValidationError::new(
                "targets",
                format!("at most {MAX_TARGETS}"),
            ));
        }
        for target in &mut self.targets {
            target.id = bounded_text("targets.id", &target.id, 1, 200)?;
        }
        self.targets.sort();
        self.targets.dedup();
        Ok(self)
    }
}

/// A stored file, addressed by the SHA-256 of its bytes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StoredFile {
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
}

/// Where a piece of evidence stands at an instant.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Validity {
    NotYetValid,
    Current,
    /// Current, but ends within [`EXPIRY_NOTICE_DAYS`].
    ExpiresSoon,
    Expired,
}

/// Days before the end of validity from which evidence is flagged and a reminder is recorded.
pub const EXPIRY_NOTICE_DAYS: i64 = 30;

impl Validity {
    /// The label shown to people.
    pub const fn label(self) -> &'static str {
        match self {
            Validity::NotYetValid => "not yet valid",
            Validity::Current => "current",
            Validity::ExpiresSoon => "expires soon",
            Validity::Expired => "expired",
        }
    }
}

/// A piece of evidence as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Evidence {
    pub id: EvidenceId,
    pub facts: EvidenceFacts,
    pub file: Option<StoredFile>,
    /// Who added it, as the audit trail names them.
    pub added_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
}

impl Evidence {
    /// Whether it counts at `now`.
    pub fn validity(&self, now: Timestamp) -> Validity {
        match (self.facts.valid_from, self.facts.valid_until) {
            (Some(from), _) if now < from => Validity::NotYetValid,
            (_, Some(until)) if now >= until => Validity::Expired,
            (_, Some(until)) if now.plus_days(EXPIRY_NOTICE_DAYS) >= until => Validity::ExpiresSoon,
            _ => Validity::Current,
        }
    }
}

/// The kinds of file accepted as evidence, by extension, with the media type they are stored
/// and served as and the leading bytes a real file of that kind starts with (if it has any).
const ACCEPTED: &[(&str, &str, Option<&[u8]>)] = &[
    ("pdf", "application/pdf", Some(b"%PDF-")),
    ("png", "image/png", Some(b"\x89PNG\r\n\x1a\n")),
    ("jpg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("jpeg", "image/jpeg", Some(b"\xff\xd8\xff")),
    ("txt", "text/plain", None),
    ("md", "text/markdown", None),
    ("csv", "text/csv", None),
    ("json", "application/json", None),
    ("jsonl", "application/jsonl", None),
    ("xml", "application/xml", None),
    (
        "docx",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        Some(b"PK\x03\x04"),
    ),
    (
        "xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        Some(b"PK\x03\x04"),
    ),
    (
        "pptx",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation",
        Some(b"PK\x03\x04"),
    ),
    (
        "odt",
        "application/vnd.oasis.opendocument.text",
        Some(b"PK\x03\x04"),
    ),
    ("zip", "application/zip", Some(b"PK\x03\x04")),
];

/// Largest evidence file, in bytes.
pub const MAX_FILE_BYTES: usize = 8 * 1024 * 1024;

/// Checks an uploaded file: a plain name, an accepted kind whose bytes look like that kind
/// (text kinds must be UTF-8), not empty, not too big. Returns the media type to store.
pub fn check_upload(file_name: &str, bytes: &[u8]) -> Result<&'static str, ValidationError> {
    let name = file_name.trim();
    if name.is_empty()
        || name.len() > 200
        || name.contains(['/', '\\'])
        || name.chars().any(char::is_control)
    {
        return Err(ValidationError::new(
            "file",
            "needs a plain file name of at most 200 characters",
        ));
    }
    if bytes.is_empty() {
        return Err(ValidationError::new("file", "is empty"));
    }
    if bytes.len() > MAX_FILE_BYTES {
        return Err(ValidationError::new(
            "file",
            format!("is larger than {} MiB", MAX_FILE_BYTES / 1024 / 1024),
        ));
    }
    let extension = name
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    let Some((_, media_type, magic)) = ACCEPTED.iter().find(|(e, _, _)| *e == extension) else {
        let kinds: Vec<&str> = ACCEPTED.iter().map(|(e, _, _)| *e).collect();
        return Err(ValidationError::new(
            "file",
            format!("must be one of: {}", kinds.join(", ")),
        ));
    };
    let looks_right = match magic {
        Some(magic) => bytes.starts_with(magic),
        None => std::str::from_utf8(bytes).is_ok(),
    };
    if !looks_right {
        return Err(ValidationError::new(
            "file",
            format!("{name:?} does not contain what a .{extension} file contains"),
        ));
    }
    Ok(media_type)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn facts() -> EvidenceFacts {
        EvidenceFacts {
            title: "Bias test report Q3".into(),
            targets: vec![Target {
                kind: TargetKind::Control,
                id: "A.6.2.4".into(),
            }],
            ..Default::default()
        }
    }

    #[test]
    fn evidence_names_what_it_supports_and_a_valid_period() {
        assert!(facts().validate().is_ok());
        let mut none = facts();
        none.targets.clear();
        assert_eq!(none.validate().unwrap_err().field, "targets");
        let mut backwards = facts();
        backwards.valid_from = Some(Timestamp::from_micros(10));
        backwards.valid_until = Some(Timestamp::from_micros(5));
        assert_eq!(backwards.validate().unwrap_err().field, "valid_until");
        let mut link = facts();
        link.link = "javascript:alert(1)".into();
        assert_eq!(link.validate().unwrap_err().field, "link");
    }

    #[test]
    fn validity_follows_the_period() {
        let now = Timestamp::from_micros(1_800_000_000_000_000);
        let mut e = Evidence {
            id: EvidenceId::new(),
            facts: facts(),
            file: None,
            added_by: "ada".into(),
            created_at: now,
            updated_at: now,
        };
        assert_eq!(e.validity(now), Validity::Current);
        e.facts.valid_until = Some(now.plus_days(10));
        assert_eq!(e.validity(now), Validity::ExpiresSoon);
        e.facts.valid_until = Some(now);
        assert_eq!(e.validity(now), Validity::Expired);
        e.facts.valid_until = None;
        e.facts.valid_from = Some(now.plus_days(1));
        assert_eq!(e.validity(now), Validity::NotYetValid);
    }

    #[test]
    fn uploads_must_be_what_their_name_says() {
        assert_eq!(
            check_upload("report.pdf", b"%PDF-1.7 ...").unwrap(),
            "application/pdf"
        );
        assert_eq!(
            check_upload("notes.TXT", "ünïcode".as_bytes()).unwrap(),
            "text/plain"
        );
        for (name, bytes) in [
            ("report.pdf", &b"<html><script>"[..]),
            ("page.html", b"<html>"),
            ("notes.txt", b"\xff\xfe\x00"),
            ("../etc/passwd.txt", b"x"),
            ("empty.txt", b""),
            ("noextension", b"x"),
        ] {
            assert_eq!(
                check_upload(name, bytes).unwrap_err().field,
                "file",
                "{name}"
            );
        }
    }
}
