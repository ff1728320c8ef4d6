//! The rules of a document's lifecycle that do not depend on storage: the fingerprint of an
//! approved version and who may approve one.

use sha2::{Digest, Sha256};

use super::{DocumentContent, DocumentVersion};
use crate::id::{DocumentId, UserId};

/// Why a version's own author may not approve it.
pub const FOUR_EYES: &str = "the last author of a version may not approve it: another \
                             approver must (four eyes)";

/// SHA-256, in lower-case hex, of a version's content as approved.
///
/// What is hashed is the UTF-8 of these lines, so that anyone can recompute it from what the
/// API shows: `aims-document-v1`, the document id, the version number, the kind, the title,
/// each served record as `kind:id` on its own line (sorted), `attachment:` and the attached
/// file's SHA-256 on its own line when a file is attached, an empty line, then the body.
pub fn fingerprint(document: DocumentId, version: i64, content: &DocumentContent) -> String {
    let mut text = format!(
        "aims-document-v1\n{document}\n{version}\n{}\n{}\n",
        content.kind(),
        content.title
    );
    let mut serves: Vec<String> = content
        .serves
        .iter()
        .map(|t| format!("{}:{}", t.kind, t.id))
        .collect();
    serves.sort();
    for line in serves {
        text.push_str(&line);
        text.push('\n');
    }
    if let Some(file) = &content.attachment {
        text.push_str(&format!("attachment:{}\n", file.sha256));
    }
    text.push('\n');
    text.push_str(&content.body);
    sha256_hex(&text)
}

/// SHA-256 of `text`'s UTF-8, in lower-case hex: how every approved record is fingerprinted.
pub fn sha256_hex(text: &str) -> String {
    let digest = Sha256::digest(text.as_bytes());
    digest.iter().map(|b| format!("{b:02x}")).collect()
}

/// Whether `approver` may approve `version` under the four-eyes rule: someone other than its
/// last author, and a person (an approval by no one in particular proves nothing).
pub fn may_approve(version: &DocumentVersion, approver: Option<UserId>) -> bool {
    other_than_author(version.author, approver)
}

/// The four-eyes rule for any approved record: `approver` is a person and not `author`.
pub fn other_than_author(author: Option<UserId>, approver: Option<UserId>) -> bool {
    match approver {
        Some(person) => author != Some(person),
        None => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::{DocumentKind, DocumentStatus};
    use crate::evidence::{Target, TargetKind};
    use crate::time::Timestamp;

    fn content(body: &str) -> DocumentContent {
        DocumentContent {
            kind: Some(DocumentKind::Procedure),
            title: "Risk assessment".into(),
            body: body.into(),
            serves: vec![Target {
                kind: TargetKind::Requirement,
                id: "iso-iec-42001:6.1.2".into(),
            }],
            attachment: None,
        }
    }

    #[test]
    fn the_fingerprint_is_the_sha256_of_the_documented_text() {
        let id: DocumentId = "0192f0a0-0000-7000-8000-000000000001".parse().unwrap();
        let expected_text = format!(
            "aims-document-v1\n{id}\n3\nprocedure\nRisk assessment\nrequirement:iso-iec-42001:6.1.2\n\nBody"
        );
        let expected: String = Sha256::digest(expected_text.as_bytes())
            .iter()
            .map(|b| format!("{b:02x}"))
            .collect();
        assert_eq!(fingerprint(id, 3, &content("Body")), expected);
        // Any change of the text, the version or the document changes it.
        assert_ne!(fingerprint(id, 3, &content("Body.")), expected);
        assert_ne!(fingerprint(id, 4, &content("Body")), expected);
        assert_ne!(
            fingerprint(DocumentId::new(), 3, &content("Body")),
            expected
        );
        // An attached file is named by its hash on a line of its own before the body.
        let mut attached = content("Body");
        attached.attachment = Some(crate::evidence::StoredFile {
            sha256: "ab".repeat(32),
            size: 3,
            media_type: "application/pdf".into(),
            file_name: "signed.pdf".into(),
        });
        let with_file = expected_text.replace(
            "6.1.2\n\n",
            &format!("6.1.2\nattachment:{}\n\n", "ab".repeat(32)),
        );
        assert_eq!(
            fingerprint(id, 3, &attached),
            sha256_hex(&with_file),
            "the attachment line"
        );
    }

    #[test]
    fn the_author_may_not_approve_their_own_version() {
        let author = UserId::new();
        let version = DocumentVersion {
            version: 1,
            content: content("x"),
            status: DocumentStatus::InReview,
            author: Some(author),
            author_label: "a@example.com".into(),
            saved_at: Timestamp::from_micros(0),
            submitted: None,
            approval: None,
            sha256: None,
        };
        assert!(!may_approve(&version, Some(author)));
        assert!(may_approve(&version, Some(UserId::new())));
        assert!(!may_approve(&version, None));
    }
}
