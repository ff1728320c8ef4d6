//! The organisation's own frameworks from the frameworks page: import a file, delete an
//! import, and compare two versions of a framework with what the change touches.

use aims_app::catalog::ImportOptions;
use aims_app::domain::ValidationError;
use aims_app::{AppError, FrameworkImport, TouchedItem};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::encode;
use super::frameworks::{ImportForm, framework_name, frameworks_view, version_label};
use super::{Chrome, FormFields, FormProblem, PageId, app_error_page, done, render};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The import form's fields.
const FIELDS: FormFields = FormFields {
    prefix: "imp-",
    labels: &[
        ("file", "File:"),
        ("id", "Id"),
        ("title", "Title"),
        ("version", "Version"),
        ("source", "Source framework"),
        ("target", "Target framework"),
    ],
};

/// A refusal of the import use case, about the form's file where it names the document.
fn about_the_file(err: AppError) -> AppError {
    match err {
        AppError::Invalid(v) if v.field == "document" || v.field == "file_name" => {
            AppError::Invalid(ValidationError::new("file", v.message))
        }
        other => other,
    }
}

/// `POST /frameworks/imports`: a file uploaded from the frameworks page; refused, the page
/// comes back with the form as typed and why.
pub async fn import(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    mut multipart: Multipart,
) -> Response {
    let mut import = FrameworkImport::default();
    let mut form = ImportForm::default();
    let mut unreadable = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => break,
            Err(err) => {
                unreadable = Some((err.status(), err.body_text()));
                break;
            }
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let text = match field.text().await {
            Ok(text) => text,
            Err(err) => {
                unreadable = Some((err.status(), err.body_text()));
                break;
            }
        };
        if let Err(refused) = crate::boundary::check_text(&name, &text) {
            unreadable = Some((refused.status, refused.detail));
            break;
        }
        match name.as_str() {
            "file" => {
                form.file_name = file_name.clone().unwrap_or_default();
                import.file_name = file_name.unwrap_or_default();
                import.document = text;
            }
            "id" => form.id = text,
            "title" => form.title = text,
            "version" => form.version = text,
            "source" => form.source = text,
            "target" => form.target = text,
            _ => {}
        }
    }
    let given = |text: &str| Some(text.trim().to_owned()).filter(|t| !t.is_empty());
    import.options = ImportOptions {
        id: given(&form.id),
        title: given(&form.title),
        version: given(&form.version),
        source: given(&form.source),
        target: given(&form.target),
    };
    let result = match unreadable {
        Some((status, why)) => Err(Ok(FormProblem::general(
            status,
            format!("The form could not be read: {why}"),
        ))),
        None if import.document.is_empty() => Err(FormProblem::from_error(
            ValidationError::new("file", "choose a file to import").into(),
            &FIELDS,
        )),
        None => state
            .app
            .import_framework(&actor, import)
            .await
            .map_err(|err| FormProblem::from_error(about_the_file(err), &FIELDS)),
    };
    match result {
        Ok(_) => done("/frameworks", "imported"),
        Err(Ok(problem)) => {
            let form = ImportForm { problem, ..form };
            frameworks_view(&state, &context, &actor, String::new(), None, form).await
        }
        Err(Err(other)) => app_error_page(other),
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
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                let form = ImportForm {
                    problem,
                    ..Default::default()
                };
                frameworks_view(&state, &context, &actor, String::new(), None, form).await
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
    /// The two versions in words (`ISO/IEC 42001, version 2023`).
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

impl ComparePage {
    /// An SoA status in words.
    fn status_label(&self, status: &str) -> String {
        status
            .parse::<aims_app::domain::soa::ImplementationStatus>()
            .map_or_else(|_| status.replace('_', " "), |s| s.label().to_lowercase())
    }
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
    let name = framework_name(
        &[&old.framework.short_name, &new.framework.short_name],
        &[&old.framework.version, &new.framework.version],
    );
    let (old_label, new_label) = if old.framework.id == new.framework.id {
        (
            version_label(&name, &old.framework.version),
            version_label(&name, &new.framework.version),
        )
    } else {
        (
            version_label(&old.framework.short_name, &old.framework.version),
            version_label(&new.framework.short_name, &new.framework.version),
        )
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
        old: old_label,
        new: new_label,
    };
    render(StatusCode::OK, &page)
}
