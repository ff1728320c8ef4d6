//! The organisation's own frameworks from the frameworks page: import a file, delete an
//! import, and compare two versions of a framework with what the change touches.

use aims_app::catalog::ImportOptions;
use aims_app::{FrameworkImport, TouchedItem};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::encode;
use super::frameworks::frameworks_view;
use super::{Chrome, PageId, app_error_page, done, form_error, render};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// `POST /frameworks/imports`: a file uploaded from the frameworks page.
pub async fn import(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    mut multipart: Multipart,
) -> Response {
    let mut import = FrameworkImport::default();
    let mut options = ImportOptions::default();
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                return super::error_page(
                    err.status(),
                    &format!("The upload could not be read: {}", err.body_text()),
                );
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let text = match field.text().await {
            Ok(text) => text,
            Err(err) => {
                return super::error_page(
                    err.status(),
                    &format!("The upload could not be read: {}", err.body_text()),
                );
            }
        };
        if let Err(refused) = crate::boundary::check_text(&name, &text) {
            return super::error_page(refused.status, &refused.detail);
        }
        let value = Some(text.trim().to_owned()).filter(|t| !t.is_empty());
        match name.as_str() {
            "file" => {
                import.file_name = file_name.unwrap_or_default();
                import.document = text;
            }
            "id" => options.id = value,
            "title" => options.title = value,
            "version" => options.version = value,
            "source" => options.source = value,
            "target" => options.target = value,
            _ => {}
        }
    }
    import.options = options;
    if import.document.is_empty() {
        let refused = (
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a file to import.".to_owned(),
        );
        return frameworks_view(&state, &context, &actor, String::new(), None, Some(refused)).await;
    }
    match state.app.import_framework(&actor, import).await {
        Ok(_) => done("/frameworks", "imported"),
        Err(err) => match form_error(err) {
            Ok(refused) => {
                frameworks_view(&state, &context, &actor, String::new(), None, Some(refused)).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /frameworks/imports/{key}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageId(key): PageId<String>,
) -> Response {
    match state.app.delete_custom_framework(&actor, &key).await {
        Ok(()) => done("/frameworks", "deleted"),
        Err(err) => match form_error(err) {
            Ok(refused) => {
                frameworks_view(&state, &context, &actor, String::new(), None, Some(refused)).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// One changed item, ready to show.
struct ChangedRow {
    id: String,
    what: String,
    old_title: String,
    new_title: String,
}

#[derive(Template)]
#[template(path = "framework_compare.html")]
struct ComparePage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    old: String,
    new: String,
    /// Item id, title, link into the version that holds it.
    added: Vec<(String, String, String)>,
    removed: Vec<(String, String, String)>,
    changed: Vec<ChangedRow>,
    touched: Vec<TouchedItem>,
    /// Whether the two are versions of different frameworks.
    different_frameworks: bool,
}

/// The two versions to compare, by name.
#[derive(Deserialize)]
pub struct CompareQuery {
    old: String,
    new: String,
}

/// `GET /frameworks/compare?old=&new=`.
pub async fn compare(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(query): Query<CompareQuery>,
) -> Response {
    let (old, new, diff) = match state
        .app
        .compare_frameworks(&actor, &query.old, &query.new)
        .await
    {
        Ok(found) => found,
        Err(err) => return app_error_page(err),
    };
    let touched = match state
        .app
        .catalogue_change_impact(&actor, &new.framework.id, &diff)
        .await
    {
        Ok(touched) => touched,
        Err(err) => return app_error_page(err),
    };
    let link = |key: &str, id: &str| format!("/frameworks/{}/items/{}", encode(key), encode(id));
    let rows = |items: &[aims_app::catalog::Item], key: &str| {
        items
            .iter()
            .map(|i| (i.id.clone(), i.title.clone(), link(key, &i.id)))
            .collect()
    };
    let page = ComparePage {
        chrome: Some(Chrome::new(&context, "frameworks")),
        notice: None,
        added: rows(&diff.added, &new.key()),
        removed: rows(&diff.removed, &old.key()),
        changed: diff
            .changed
            .iter()
            .map(|c| ChangedRow {
                id: c.id.clone(),
                what: c.what().join(", "),
                old_title: c.old.title.clone(),
                new_title: c.new.title.clone(),
            })
            .collect(),
        touched,
        different_frameworks: old.framework.id != new.framework.id,
        old: old.key(),
        new: new.key(),
    };
    render(StatusCode::OK, &page)
}
