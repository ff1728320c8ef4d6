//! What changed between two versions of a document: the fields that differ, before and
//! after, and the text line by line, each line marked + or - in text so that the comparison
//! reads without colour.

use aims_app::AppError;
use aims_app::domain::DocumentId;
use aims_app::domain::document::{DiffLine, Document};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::document_page::latest_of;
use super::{Chrome, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// One body line of a comparison, marked in text as well as by its element and colour.
pub struct LineRow {
    /// `added`, `removed` or `same`.
    pub change: &'static str,
    pub mark: &'static str,
    pub text: String,
}

#[derive(Template)]
#[template(path = "document_diff.html")]
struct DiffPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    d: Document,
    /// Every version number, newest first, for choosing another comparison.
    numbers: Vec<i64>,
    from: i64,
    to: i64,
    fields: Vec<(&'static str, String, String)>,
    lines: Vec<LineRow>,
    added: usize,
    removed: usize,
}

/// The two versions to compare; left out, the one before the latest and the latest.
#[derive(Deserialize, Default)]
pub struct DiffQuery {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

/// The version number `text` names, or `default` when it is blank.
fn version_number(text: &str, default: i64) -> Result<i64, AppError> {
    match text.trim() {
        "" => Ok(default),
        n => n
            .parse()
            .map_err(|_| AppError::NotFound("document version")),
    }
}

/// A compared field's label.
fn field_label(field: &str) -> &'static str {
    match field {
        "kind" => "Kind",
        "title" => "Title",
        "serves" => "What it serves",
        _ => "Another field",
    }
}

/// `GET /documents/{id}/diff?from=&to=`.
pub async fn diff_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    Query(q): Query<DiffQuery>,
) -> Response {
    let loaded = async {
        let record = state.app.document(&actor, id).await?;
        let latest = latest_of(&record)?.version;
        let before = record.versions.get(1).map_or(latest, |v| v.version);
        let (from, to) = (
            version_number(&q.from, before)?,
            version_number(&q.to, latest)?,
        );
        let diff = state
            .app
            .compare_document_versions(&actor, id, from, to)
            .await?;
        Ok::<_, AppError>((record, from, to, diff))
    };
    let (record, from, to, diff) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let (added, removed) = diff.counts();
    render(
        StatusCode::OK,
        &DiffPage {
            chrome: Some(Chrome::new(&context, "documents")),
            notice: None,
            numbers: record.versions.iter().map(|v| v.version).collect(),
            d: record.document,
            from,
            to,
            fields: diff
                .fields
                .into_iter()
                .map(|f| (field_label(f.field), f.before, f.after))
                .collect(),
            lines: line_rows(diff.lines),
            added,
            removed,
        },
    )
}

/// Diff lines as the comparison tables show them.
pub fn line_rows(lines: Vec<DiffLine>) -> Vec<LineRow> {
    lines
        .into_iter()
        .map(|l| match l {
            DiffLine::Added(text) => LineRow {
                change: "added",
                mark: "+",
                text,
            },
            DiffLine::Removed(text) => LineRow {
                change: "removed",
                mark: "-",
                text,
            },
            DiffLine::Same(text) => LineRow {
                change: "same",
                mark: "",
                text,
            },
        })
        .collect()
}
