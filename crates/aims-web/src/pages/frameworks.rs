//! Browsing the framework catalogues: the list, one framework as a tree, and search.

use std::sync::Arc;

use aims_app::SessionContext;
use aims_app::catalog::{Catalogue, Item};
use aims_app::domain::Actor;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageId, app_error_page, encode, form_error, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// The page of `item`, in the framework that links call `name`.
pub(super) fn item_href(name: &str, item: &Item) -> String {
    format!("/frameworks/{}/items/{}", encode(name), encode(&item.id))
}

/// One catalogue of the list.
pub(super) struct FrameworkRow {
    /// Its page.
    pub href: String,
    pub short_name: String,
    /// `framework@version`.
    pub key: String,
    pub version: String,
    pub publisher: String,
    /// How many of its items are requirements.
    pub requirements: usize,
    pub original_text_included: bool,
    /// Whether the organisation imported it rather than aims shipping it.
    pub imported: bool,
}

#[derive(Template)]
#[template(path = "frameworks.html")]
struct FrameworksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    query: String,
    frameworks: Vec<FrameworkRow>,
    /// Framework, link, id, title.
    hits: Option<Vec<(String, String, String, String)>>,
    /// The organisation's imports: key, kind, title, format, when, by whom.
    imports: Vec<aims_app::CustomFramework>,
    can_import: bool,
    /// An import refused, with why; shown beside the import form.
    import_error: Option<String>,
}

impl FrameworksPage {
    /// Where the form that deletes the import `key` posts to.
    fn delete_action(&self, key: &str) -> String {
        format!("/frameworks/imports/{}/delete", encode(key))
    }
}

/// The search terms, and the `done` code.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    done: Option<String>,
}

/// `GET /frameworks` and `GET /frameworks/search?q=`.
pub async fn frameworks_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(search): Query<SearchQuery>,
) -> Response {
    let notice = match search.done.as_deref() {
        Some("imported") => Some("The import was added to your frameworks.".to_owned()),
        Some("deleted") => Some("The import was deleted.".to_owned()),
        _ => None,
    };
    frameworks_view(
        &state,
        &context,
        &actor,
        search.q.unwrap_or_default(),
        notice,
        None,
    )
    .await
}

/// The list of frameworks, with search hits for `query` and an import refused, if any.
pub(super) async fn frameworks_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    query: String,
    notice: Option<String>,
    import_error: Option<(StatusCode, String)>,
) -> Response {
    let library = match state.app.library(actor).await {
        Ok(library) => library,
        Err(err) => return app_error_page(err),
    };
    let frameworks = library
        .catalogues()
        .map(|c| FrameworkRow {
            href: format!("/frameworks/{}", encode(&library.name_of(c))),
            short_name: c.framework.short_name.clone(),
            key: c.key(),
            version: c.framework.version.clone(),
            publisher: c.framework.publisher.clone(),
            requirements: c.items.iter().filter(|i| i.requirement).count(),
            original_text_included: c.framework.original_text_included,
            imported: library.is_added(&c.key()),
        })
        .collect();
    let imports = match state.app.custom_frameworks(actor).await {
        Ok(imports) => imports,
        Err(err) => return app_error_page(err),
    };
    let (mut status, error, hits) = if query.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match state.app.search_frameworks(actor, &query, 200).await {
            Ok(found) => {
                let rows = found
                    .into_iter()
                    .map(|(c, i)| {
                        (
                            c.framework.short_name.clone(),
                            item_href(&library.name_of(&c), &i),
                            i.id.clone(),
                            i.title.clone(),
                        )
                    })
                    .collect();
                (StatusCode::OK, None, Some(rows))
            }
            Err(err) => match form_error(err) {
                Ok((status, message)) => (status, Some(message), None),
                Err(other) => return app_error_page(other),
            },
        }
    };
    let import_error = import_error.map(|(s, message)| {
        status = s;
        message
    });
    render(
        status,
        &FrameworksPage {
            chrome: Some(Chrome::new(context, "frameworks")),
            notice,
            error,
            query,
            frameworks,
            hits,
            imports,
            can_import: actor
                .role
                .grants(aims_app::domain::Permission::ManageOrganisation),
            import_error,
        },
    )
}

/// One row of a framework's tree.
struct Row {
    item: Item,
    depth: usize,
    href: String,
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    catalogue: Arc<Catalogue>,
    rows: Vec<Row>,
    /// Imported by the organisation rather than shipped.
    imported: bool,
    /// The source as a link, only when it is a web address (an import may say anything).
    source_link: Option<String>,
    /// Other versions of the same framework, as (key, compare link).
    versions: Vec<(String, String)>,
}

fn tree(
    catalogue: &Catalogue,
    name: &str,
    parent: Option<&str>,
    depth: usize,
    rows: &mut Vec<Row>,
) {
    for item in catalogue.children(parent) {
        rows.push(Row {
            item: item.clone(),
            depth: depth.min(5),
            href: item_href(name, item),
        });
        tree(catalogue, name, Some(item.id.as_str()), depth + 1, rows);
    }
}

/// `GET /frameworks/{framework}`.
pub async fn framework_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(name): PageId<String>,
) -> Response {
    let library = match state.app.library(&actor).await {
        Ok(library) => library,
        Err(err) => return app_error_page(err),
    };
    let Some(catalogue) = library.shared(&name) else {
        return app_error_page(aims_app::AppError::NotFound("framework"));
    };
    let mut rows = Vec::new();
    tree(&catalogue, &library.name_of(&catalogue), None, 0, &mut rows);
    let versions = library
        .catalogues()
        .filter(|c| c.framework.id == catalogue.framework.id && c.key() != catalogue.key())
        .map(|c| {
            (
                c.key(),
                format!(
                    "/frameworks/compare?old={}&new={}",
                    encode(&c.key()),
                    encode(&catalogue.key())
                ),
            )
        })
        .collect();
    render(
        StatusCode::OK,
        &FrameworkPage {
            chrome: Some(Chrome::new(&context, "frameworks")),
            notice: None,
            imported: library.is_added(&catalogue.key()),
            source_link: Some(catalogue.framework.source.clone())
                .filter(|s| s.starts_with("https://") || s.starts_with("http://")),
            catalogue,
            rows,
            versions,
        },
    )
}
