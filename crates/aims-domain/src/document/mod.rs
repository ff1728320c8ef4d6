//! Documented information (ISO/IEC 42001 7.5): policies, procedures, plans and record
//! templates, kept as numbered versions that go from draft through review to approval. An
//! approved version never changes and carries the SHA-256 of its content, so that an auditor
//! can tell that what they read is what was approved.

mod diff;
mod lifecycle;
pub mod templates;

use serde::{Deserialize, Serialize};

pub use diff::{DiffLine, DocumentDiff, FieldChange, compare, line_diff};
pub use lifecycle::{FOUR_EYES, fingerprint, may_approve, other_than_author, sha256_hex};

use crate::access::Role;
use crate::evidence::{StoredFile, Target};
use crate::id::{DocumentId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// What sort of document it is.
    pub enum DocumentKind ("kind") {
        Policy = "policy": "Policy",
        Procedure = "procedure": "Procedure",
        Plan = "plan": "Plan",
        RecordTemplate = "record_template": "Record template",
        Other = "other": "Other",
    }
}

crate::choice! {
    /// Where a version, or a document as a whole, stands.
    pub enum DocumentStatus ("status") {
        Draft = "draft": "Draft",
        InReview = "in_review": "In review",
        Approved = "approved": "Approved",
        Superseded = "superseded": "Superseded",
        Retired = "retired": "Retired",
    }
}

/// Longest body of a document, in characters: a long procedure fits, a book does not.
pub const MAX_BODY_CHARS: usize = 200_000;
/// Most clauses, controls and other records one document may serve.
pub const MAX_SERVES: usize = 100;
/// Longest review cycle, in months.
pub const MAX_REVIEW_MONTHS: u32 = 36;
/// The review cycle a document gets unless told otherwise.
pub const DEFAULT_REVIEW_MONTHS: u32 = 12;

/// What a version says: the part that is approved, fingerprinted and compared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentContent {
    pub kind: Option<DocumentKind>,
    pub title: String,
    /// Markdown; pages render it without raw HTML and with web and mail links only.
    pub body: String,
    /// The clauses (`requirement` `iso-iec-42001:5.2`), controls (`A.2.2`), systems or
    /// risks the document serves.
    pub serves: Vec<Target>,
    /// A file attached to the version (a signed form, a diagram, a spreadsheet): approved
    /// and fingerprinted with the text. Never read from a form: only an upload sets it.
    #[serde(skip_deserializing)]
    pub attachment: Option<StoredFile>,
}

impl DocumentContent {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        if self.kind.is_none() {
            return Err(ValidationError::new(
                "kind",
                "choose policy, procedure, plan, record_template or other",
            ));
        }
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.body = long_text("body", &self.body, MAX_BODY_CHARS)?;
        if self.serves.len() > MAX_SERVES {
            return Err(ValidationError::new(
                "serves",
                format!("at most {MAX_SERVES}"),
            ));
        }
        for target in &mut self.serves {
            target.id = bounded_text("serves.id", &target.id, 1, 200)?;
        }
        self.serves.sort();
        self.serves.dedup();
        Ok(self)
    }

    /// The kind, which [`DocumentContent::validate`] makes sure is there.
    pub fn kind(&self) -> DocumentKind {
        self.kind.unwrap_or(DocumentKind::Other)
    }
}

/// What is set on a document as a whole, outside its versions: who owns it, how often it is
/// reviewed and who must confirm they read it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct DocumentSettings {
    /// The member accountable for keeping it current.
    pub owner: Option<UserId>,
    /// Months from an approval to the next review (1 to 36).
    pub review_months: u32,
    /// Members holding these roles are asked to confirm they read the approved version.
    pub acknowledge_roles: Vec<Role>,
}

impl Default for DocumentSettings {
    fn default() -> Self {
        Self {
            owner: None,
            review_months: DEFAULT_REVIEW_MONTHS,
            acknowledge_roles: Vec::new(),
        }
    }
}

impl DocumentSettings {
    /// Checks the review cycle and drops repeated roles.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        if !(1..=MAX_REVIEW_MONTHS).contains(&self.review_months) {
            return Err(ValidationError::new(
                "review_months",
                format!("must be 1 to {MAX_REVIEW_MONTHS} months"),
            ));
        }
        let mut roles = Vec::new();
        for role in Role::ALL {
            if self.acknowledge_roles.contains(&role) {
                roles.push(role);
            }
        }
        self.acknowledge_roles = roles;
        Ok(self)
    }
}

/// Who approved a version, when, and what they said.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DocumentApproval {
    pub by: Option<UserId>,
    pub by_label: String,
    pub at: Timestamp,
    pub comment: String,
}

/// One numbered version of a document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DocumentVersion {
    pub version: i64,
    pub content: DocumentContent,
    pub status: DocumentStatus,
    /// The person who last wrote its content: the one who may not approve it.
    pub author: Option<UserId>,
    pub author_label: String,
    pub saved_at: Timestamp,
    /// When it was sent for review, and by whom.
    pub submitted: Option<(String, Timestamp)>,
    pub approval: Option<DocumentApproval>,
    /// SHA-256 of the approved content (see [`fingerprint`]); none before approval.
    pub sha256: Option<String>,
}

/// A document as a whole: its settings and where its versions stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Document {
    pub id: DocumentId,
    pub settings: DocumentSettings,
    /// The starter template it was made from, if any.
    pub template: Option<String>,
    /// The latest version's title and kind, for lists.
    pub title: String,
    pub kind: DocumentKind,
    /// The newest version's number.
    pub latest: i64,
    /// The newest version's status.
    pub latest_status: DocumentStatus,
    /// The version in force: the last one approved, unless the document was retired.
    pub approved: Option<i64>,
    /// When the version in force must be reviewed by.
    pub next_review: Option<Timestamp>,
    /// When and by whom the document was withdrawn from use, with the reason.
    pub retired: Option<(String, Timestamp, String)>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that an edit started from an older state is refused.
    pub revision: i64,
}

impl Document {
    /// The document's status as a whole: retired, or its newest version's.
    pub fn status(&self) -> DocumentStatus {
        if self.retired.is_some() {
            DocumentStatus::Retired
        } else {
            self.latest_status
        }
    }

    /// Whether a version is in force and its review date has passed at `now`.
    pub fn review_overdue(&self, now: Timestamp) -> bool {
        self.retired.is_none()
            && self.approved.is_some()
            && self.next_review.is_some_and(|d| d < now)
    }
}

/// A member and whether they confirmed reading the version in force.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Acknowledgement {
    pub user: UserId,
    pub email: String,
    pub role: Role,
    /// When they confirmed it, if they have.
    pub at: Option<Timestamp>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::evidence::TargetKind;

    fn content() -> DocumentContent {
        DocumentContent {
            kind: Some(DocumentKind::Policy),
            title: "  AI policy ".into(),
            body: "# Purpose\r\nWhy.\r\n".into(),
            serves: vec![
                Target {
                    kind: TargetKind::Requirement,
                    id: "iso-iec-42001:5.2".into(),
                },
                Target {
                    kind: TargetKind::Requirement,
                    id: " iso-iec-42001:5.2".into(),
                },
            ],
            attachment: None,
        }
    }

    #[test]
    fn content_is_trimmed_and_what_it_serves_named_once() {
        let c = content().validate().unwrap();
        assert_eq!(c.title, "AI policy");
        assert_eq!(c.body, "# Purpose\nWhy.");
        assert_eq!(c.serves.len(), 1);
    }

    #[test]
    fn content_without_kind_or_title_is_refused_naming_the_field() {
        let err = DocumentContent {
            kind: None,
            ..content()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "kind");
        let err = DocumentContent {
            title: " ".into(),
            ..content()
        }
        .validate()
        .unwrap_err();
        assert_eq!(err.field, "title");
    }

    #[test]
    fn review_cycle_is_bounded_and_roles_kept_once_in_order() {
        let s = DocumentSettings {
            acknowledge_roles: vec![Role::Viewer, Role::Editor, Role::Viewer],
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(s.acknowledge_roles, vec![Role::Editor, Role::Viewer]);
        for months in [0, 37] {
            let err = DocumentSettings {
                review_months: months,
                ..Default::default()
            }
            .validate()
            .unwrap_err();
            assert_eq!(err.field, "review_months");
        }
    }
}
