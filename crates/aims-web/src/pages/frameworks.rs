//! Browsing the framework catalogues: the list, one framework as a tree, one item with its
//! mappings, and search.

use aims_app::RequirementView;
use std::sync::Arc;

use aims_app::catalog::{Catalogue, Item};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageId, app_error_page, encode, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageUser;
use crate::state::WebState;

fn item_href(name: &str, item: &Item) -> String {
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

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
    done: Option<String>,
}

/// `GET /frameworks` and `GET /frameworks/search?q=`.
pub async fn frameworks_page(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    Query(search): Query<SearchQuery>,
) -> Response {
    let notice = match search.done.as_deref() {
        Some("imported") => Some("The import was added to your frameworks.".to_owned()),
        Some("deleted") => Some("The import was deleted.".to_owned()),
        _ => None,
    };
    frameworks_view(&state, &context, search.q.unwrap_or_default(), notice, None).await
}

/// The list of frameworks, with search hits for `query` and an import refused, if any.
pub(super) async fn frameworks_view(
    state: &WebState,
    context: &aims_app::SessionContext,
    query: String,
    notice: Option<String>,
    import_error: Option<(StatusCode, String)>,
) -> Response {
    let Ok(actor) = context.actor().cloned() else {
        return super::no_organisation_page();
    };
    let library = match state.app.library(&actor).await {
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
    let imports = match state.app.custom_frameworks(&actor).await {
        Ok(imports) => imports,
        Err(err) => return app_error_page(err),
    };
    let (mut status, error, hits) = if query.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match state.app.search_frameworks(&actor, &query, 200).await {
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
    PageUser(context): PageUser,
    PageId(name): PageId<String>,
) -> Response {
    let Ok(actor) = context.actor().cloned() else {
        return super::no_organisation_page();
    };
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

#[derive(Template)]
#[template(path = "requirement.html")]
struct RequirementPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    view: RequirementView,
    /// The name that finds the item's framework in links.
    name: String,
    hops: usize,
    /// The organisation's own licensed text of this item, if it attached one.
    own_text: Option<aims_app::RequirementText>,
    /// The evidence naming this item, with each one's validity label.
    evidence: Vec<(aims_app::domain::evidence::Evidence, &'static str)>,
    can_edit: bool,
    /// This page's path, for the forms.
    path: String,
}

impl RequirementPage {
    /// The page of item `id` of the catalogue keyed `key`.
    fn href(&self, key: &str, id: &str) -> String {
        format!("/frameworks/{}/items/{}", encode(key), encode(id))
    }
}

#[derive(Deserialize, Default)]
pub struct HopsQuery {
    hops: Option<usize>,
    done: Option<String>,
}

/// `GET /frameworks/{framework}/items/{item}`.
pub async fn requirement_page(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    PageId((framework, item)): PageId<(String, String)>,
    Query(query): Query<HopsQuery>,
) -> Response {
    let hops = query.hops.unwrap_or(1).clamp(1, aims_app::MAX_HOPS);
    let notice =
        (query.done.as_deref() == Some("evidence")).then(|| "The evidence was added.".to_owned());
    requirement_view(&state, &context, &framework, &item, hops, notice, None).await
}

async fn requirement_view(
    state: &WebState,
    context: &aims_app::SessionContext,
    framework: &str,
    item: &str,
    hops: usize,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let Ok(actor) = context.actor().cloned() else {
        return super::no_organisation_page();
    };
    let view = match state.app.requirement(&actor, framework, item, hops).await {
        Ok(view) => view,
        Err(err) => return app_error_page(err),
    };
    let own_text = match state.app.requirement_text(&actor, framework, item).await {
        Ok(text) => text,
        Err(err) => return app_error_page(err),
    };
    let target = state.app.item_target(&actor, framework, item).await;
    let evidence = match target {
        Ok(target) => state.app.evidence_for(&actor, &target).await,
        Err(err) => Err(err),
    };
    let now = state.app.now();
    let evidence = match evidence {
        Ok(list) => list
            .into_iter()
            .map(|e| {
                let label = e.validity(now).label();
                (e, label)
            })
            .collect(),
        Err(err) => return app_error_page(err),
    };
    let name = view.library.name_of(&view.catalogue);
    let path = item_href(&name, &view.item);
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let page = RequirementPage {
        chrome: Some(Chrome::new(context, "frameworks")),
        notice,
        error,
        view,
        name,
        hops,
        own_text,
        evidence,
        can_edit: actor.role.grants(aims_app::domain::Permission::EditContent),
        path,
    };
    render(status, &page)
}

#[derive(Deserialize)]
pub struct TextForm {
    text: String,
}

/// `POST /frameworks/{framework}/items/{item}/text`: attaches the organisation's text.
pub async fn set_text(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
    super::PageForm(form): super::PageForm<TextForm>,
) -> Response {
    match state
        .app
        .set_requirement_text(&actor, &framework, &item, &form.text)
        .await
    {
        Ok(_) => {
            requirement_view(
                &state,
                &context,
                &framework,
                &item,
                1,
                Some("Your text was saved.".into()),
                None,
            )
            .await
        }
        Err(err) => match form_error(err) {
            Ok(message) => {
                requirement_view(&state, &context, &framework, &item, 1, None, Some(message)).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /frameworks/{framework}/items/{item}/text/clear`.
pub async fn clear_text(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
) -> Response {
    match state
        .app
        .clear_requirement_text(&actor, &framework, &item)
        .await
    {
        Ok(()) => {
            requirement_view(
                &state,
                &context,
                &framework,
                &item,
                1,
                Some("Your text was removed.".into()),
                None,
            )
            .await
        }
        Err(err) => app_error_page(err),
    }
}
