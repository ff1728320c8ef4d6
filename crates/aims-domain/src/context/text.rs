//! The canonical text of a context version: what its fingerprint hashes and what a
//! comparison of two versions reads line by line, so that both agree on what a change is.

use super::{ContextContent, ScopedSystem};
use crate::document::{DocumentDiff, line_diff, sha256_hex};
use crate::id::OrgId;

/// The first line of the fingerprinted text, naming its layout.
pub const CANONICAL_HEADER: &str = "aims-context-v1";

/// A row field with `\` and `|` escaped, so that no text can pass for a separator.
fn cell(text: &str) -> String {
    text.replace('\\', "\\\\").replace('|', "\\|")
}

/// A prose field, each line escaped when it could pass for a section heading.
fn prose(out: &mut String, heading: &str, text: &str) {
    out.push_str(heading);
    out.push('\n');
    for line in text.lines() {
        if line.starts_with('[') || line.starts_with('\\') {
            out.push('\\');
        }
        out.push_str(line);
        out.push('\n');
    }
}

fn rows(out: &mut String, heading: &str, lines: impl Iterator<Item = Vec<String>>) {
    out.push_str(heading);
    out.push('\n');
    for fields in lines {
        out.push_str(&fields.join(" | "));
        out.push('\n');
    }
}

/// The version's content and the systems it covered, as sections in a fixed order, each a
/// `[heading]` line followed by its lines: prose as written (a line starting with `[` or `\`
/// gets a `\` in front), a row per line with its fields joined by ` | ` (each `\` and `|`
/// inside a field escaped with `\`), choices by their stored names.
pub fn canonical_text(content: &ContextContent, systems: &[ScopedSystem]) -> String {
    let mut out = String::new();
    prose(&mut out, "[scope statement]", &content.scope_statement);
    prose(&mut out, "[boundaries]", &content.boundaries);
    rows(
        &mut out,
        "[sites]",
        content.sites.iter().map(|s| {
            if s.in_scope {
                vec![cell(&s.name), "in scope".into()]
            } else {
                vec![cell(&s.name), "out of scope".into(), cell(&s.reason)]
            }
        }),
    );
    rows(
        &mut out,
        "[exclusions]",
        content
            .exclusions
            .iter()
            .map(|e| vec![cell(&e.what), cell(&e.reason)]),
    );
    rows(
        &mut out,
        "[issues]",
        content.issues.iter().map(|i| {
            vec![
                i.origin.map(|o| o.as_str()).unwrap_or_default().into(),
                i.category.map(|c| c.as_str()).unwrap_or_default().into(),
                cell(&i.description),
                cell(&i.effect),
            ]
        }),
    );
    prose(&mut out, "[climate statement]", &content.climate_statement);
    rows(
        &mut out,
        "[interested parties]",
        content.parties.iter().map(|p| {
            vec![
                cell(&p.name),
                p.kind.map(|k| k.as_str()).unwrap_or_default().into(),
                cell(&p.requirements),
                if p.addressed {
                    "addressed"
                } else {
                    "not addressed"
                }
                .into(),
                cell(&p.how),
            ]
        }),
    );
    rows(
        &mut out,
        "[AI roles]",
        content.ai_roles.iter().map(|r| vec![r.as_str().to_owned()]),
    );
    prose(&mut out, "[AI roles note]", &content.ai_roles_note);
    rows(
        &mut out,
        "[AI systems in scope]",
        systems
            .iter()
            .map(|s| vec![s.id.to_string(), cell(&s.name)]),
    );
    out
}

/// SHA-256, in lower-case hex, of a version as approved: the UTF-8 of
/// [`CANONICAL_HEADER`], the organisation id and the version number, each on its own line,
/// followed by the [`canonical_text`].
pub fn fingerprint(
    org: OrgId,
    version: i64,
    content: &ContextContent,
    systems: &[ScopedSystem],
) -> String {
    let text = format!(
        "{CANONICAL_HEADER}\n{org}\n{version}\n{}",
        canonical_text(content, systems)
    );
    sha256_hex(&text)
}

/// What changed from one version to another, line by line of their canonical texts (the
/// section headings show where each line belongs).
pub fn compare(
    old: (&ContextContent, &[ScopedSystem]),
    new: (&ContextContent, &[ScopedSystem]),
) -> DocumentDiff {
    DocumentDiff {
        fields: Vec::new(),
        lines: line_diff(&canonical_text(old.0, old.1), &canonical_text(new.0, new.1)),
    }
}
