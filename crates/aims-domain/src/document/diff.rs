//! What changed between two versions of a document: its fields, and its body line by line.

use similar::{ChangeTag, TextDiff};

use super::DocumentContent;

/// One line of a body compared with another.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DiffLine {
    /// In both versions.
    Same(String),
    /// Only in the later version.
    Added(String),
    /// Only in the earlier version.
    Removed(String),
}

/// A field other than the body that differs.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub before: String,
    pub after: String,
}

/// The differences between two versions.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct DocumentDiff {
    pub fields: Vec<FieldChange>,
    pub lines: Vec<DiffLine>,
}

impl DocumentDiff {
    /// Lines added and removed.
    pub fn counts(&self) -> (usize, usize) {
        self.lines.iter().fold((0, 0), |(a, r), l| match l {
            DiffLine::Added(_) => (a + 1, r),
            DiffLine::Removed(_) => (a, r + 1),
            DiffLine::Same(_) => (a, r),
        })
    }
}

fn serves(c: &DocumentContent) -> String {
    c.serves
        .iter()
        .map(|t| format!("{}:{}", t.kind, t.id))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The attached file as a person tells two apart: its name and the start of its hash.
fn attachment(c: &DocumentContent) -> String {
    c.attachment.as_ref().map_or_else(String::new, |f| {
        format!(
            "{} (SHA-256 {})",
            f.file_name,
            &f.sha256[..f.sha256.len().min(12)]
        )
    })
}

fn with_final_newline(body: &str) -> String {
    if body.is_empty() || body.ends_with('\n') {
        body.to_owned()
    } else {
        format!("{body}\n")
    }
}

/// What changed from `old` to `new`: fields in form order, then every body line.
pub fn compare(old: &DocumentContent, new: &DocumentContent) -> DocumentDiff {
    let mut fields = Vec::new();
    let pairs = [
        (
            "kind",
            old.kind().label().to_owned(),
            new.kind().label().to_owned(),
        ),
        ("title", old.title.clone(), new.title.clone()),
        ("serves", serves(old), serves(new)),
        ("attachment", attachment(old), attachment(new)),
    ];
    for (field, before, after) in pairs {
        if before != after {
            fields.push(FieldChange {
                field,
                before,
                after,
            });
        }
    }
    DocumentDiff {
        fields,
        lines: line_diff(&old.body, &new.body),
    }
}

/// Every line of `old` and `new`, marked as kept, added or removed.
pub fn line_diff(old: &str, new: &str) -> Vec<DiffLine> {
    // A last line without its line break would otherwise differ from the same line with one.
    let (a, b) = (with_final_newline(old), with_final_newline(new));
    TextDiff::from_lines(&a, &b)
        .iter_all_changes()
        .map(|change| {
            let text = change.value().trim_end_matches(['\n', '\r']).to_owned();
            match change.tag() {
                ChangeTag::Equal => DiffLine::Same(text),
                ChangeTag::Insert => DiffLine::Added(text),
                ChangeTag::Delete => DiffLine::Removed(text),
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::document::DocumentKind;

    fn doc(title: &str, body: &str) -> DocumentContent {
        DocumentContent {
            kind: Some(DocumentKind::Policy),
            title: title.into(),
            body: body.into(),
            serves: Vec::new(),
            attachment: None,
        }
    }

    #[test]
    fn a_changed_line_shows_as_removed_then_added_among_unchanged_ones() {
        let diff = compare(
            &doc("Policy", "one\ntwo\nthree"),
            &doc("AI policy", "one\n2\nthree\nfour"),
        );
        assert_eq!(
            diff.fields,
            vec![FieldChange {
                field: "title",
                before: "Policy".into(),
                after: "AI policy".into()
            }]
        );
        assert_eq!(
            diff.lines,
            vec![
                DiffLine::Same("one".into()),
                DiffLine::Removed("two".into()),
                DiffLine::Added("2".into()),
                DiffLine::Same("three".into()),
                DiffLine::Added("four".into()),
            ]
        );
        assert_eq!(diff.counts(), (2, 1));
    }

    #[test]
    fn equal_versions_differ_in_nothing() {
        let d = compare(&doc("A", "x\ny"), &doc("A", "x\ny"));
        assert!(d.fields.is_empty());
        assert_eq!(d.counts(), (0, 0));
    }
}
