//! Browsing the framework catalogues: the list, one framework as a tree, one item with its
//! mappings, and search.

use aims_app::RequirementView;
use aims_app::catalog::{Catalogue, Item};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::org::actor_or_page;
use super::{Chrome, PageId, app_error_page, form_error, render};
use crate::identity::PageUser;
use crate::state::WebState;

fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

fn item_href(catalogue: &Catalogue, item: &Item) -> String {
    format!(
        "/frameworks/{}/items/{}",
        encode(&catalogue.framework.id),
        encode(&item.id)
    )
}

#[derive(Template)]
#[template(path = "frameworks.html")]
struct FrameworksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    query: String,
    /// Each catalogue with its number of requirements.
    frameworks: Vec<(&'static Catalogue, usize)>,
    /// Framework, link, id, title.
    hits: Option<Vec<(String, String, String, String)>>,
}

#[derive(Deserialize, Default)]
pub struct SearchQuery {
    q: Option<String>,
}

/// `GET /frameworks` and `GET /frameworks/search?q=`.
pub async fn frameworks_page(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    Query(search): Query<SearchQuery>,
) -> Response {
    let actor = actor_or_page!(context);
    let frameworks = match state.app.frameworks(&actor) {
        Ok(frameworks) => frameworks
            .into_iter()
            .map(|c| (c, c.items.iter().filter(|i| i.requirement).count()))
            .collect(),
        Err(err) => return app_error_page(err),
    };
    let query = search.q.unwrap_or_default();
    let (status, error, hits) = if query.trim().is_empty() {
        (StatusCode::OK, None, None)
    } else {
        match state.app.search_frameworks(&actor, &query, 200) {
            Ok(found) => {
                let rows = found
                    .into_iter()
                    .map(|(c, i)| {
                        (
                            c.framework.short_name.clone(),
                            item_href(c, i),
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
    render(
        status,
        &FrameworksPage {
            chrome: Some(Chrome::new(&context, "frameworks")),
            notice: None,
            error,
            query,
            frameworks,
            hits,
        },
    )
}

/// One row of a framework's tree.
struct Row {
    item: &'static Item,
    depth: usize,
    href: String,
}

#[derive(Template)]
#[template(path = "framework.html")]
struct FrameworkPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    catalogue: &'static Catalogue,
    rows: Vec<Row>,
}

fn tree(
    catalogue: &'static Catalogue,
    parent: Option<&'static str>,
    depth: usize,
    rows: &mut Vec<Row>,
) {
    for item in catalogue.children(parent) {
        rows.push(Row {
            item,
            depth: depth.min(5),
            href: item_href(catalogue, item),
        });
        tree(catalogue, Some(item.id.as_str()), depth + 1, rows);
    }
}

/// `GET /frameworks/{framework}`.
pub async fn framework_page(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    PageId(name): PageId<String>,
) -> Response {
    let actor = actor_or_page!(context);
    match state.app.framework(&actor, &name) {
        Ok(catalogue) => {
            let mut rows = Vec::new();
            tree(catalogue, None, 0, &mut rows);
            render(
                StatusCode::OK,
                &FrameworkPage {
                    chrome: Some(Chrome::new(&context, "frameworks")),
                    notice: None,
                    catalogue,
                    rows,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

#[derive(Template)]
#[template(path = "requirement.html")]
struct RequirementPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    view: RequirementView<'static>,
    hops: usize,
    /// The organisation's own licensed text of this item, if it attached one.
    own_text: Option<aims_app::RequirementText>,
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
}

/// `GET /frameworks/{framework}/items/{item}`.
pub async fn requirement_page(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    PageId((framework, item)): PageId<(String, String)>,
    Query(query): Query<HopsQuery>,
) -> Response {
    let hops = query.hops.unwrap_or(1).clamp(1, aims_app::MAX_HOPS);
    requirement_view(&state, &context, &framework, &item, hops, None, None).await
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
    let actor = actor_or_page!(context);
    let view = match state.app.requirement(&actor, framework, item, hops) {
        Ok(view) => view,
        Err(err) => return app_error_page(err),
    };
    let own_text = match state.app.requirement_text(&actor, framework, item).await {
        Ok(text) => text,
        Err(err) => return app_error_page(err),
    };
    let path = item_href(view.catalogue, view.item);
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    let page = RequirementPage {
        chrome: Some(Chrome::new(context, "frameworks")),
        notice,
        error,
        view,
        hops,
        own_text,
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
    PageUser(context): PageUser,
    PageId((framework, item)): PageId<(String, String)>,
    super::PageForm(form): super::PageForm<TextForm>,
) -> Response {
    let actor = actor_or_page!(context);
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
    PageUser(context): PageUser,
    PageId((framework, item)): PageId<(String, String)>,
) -> Response {
    let actor = actor_or_page!(context);
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
