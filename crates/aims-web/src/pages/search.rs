//! `GET /search`: one box that finds AI systems, risks, evidence, controls and requirements.

use aims_app::{Found, SearchHit};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, app_error_page, encode, error_page, form_error, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// A hit as the page lists it.
pub struct HitView {
    pub hit: SearchHit,
    pub href: String,
}

fn href(found: &Found) -> String {
    match found {
        Found::System(id) => format!("/systems/{id}"),
        Found::Risk(id) => format!("/risks/{id}"),
        Found::Evidence(id) => format!("/evidence?focus={id}#evidence-{id}"),
        Found::Document(id) => format!("/documents/{id}"),
        Found::Task(id) => format!("/tasks/{id}"),
        Found::Item { framework, item } => {
            format!("/frameworks/{}/items/{}", encode(framework), encode(item))
        }
    }
}

#[derive(Template)]
#[template(path = "search.html")]
struct SearchPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    q: String,
    groups: Vec<(&'static str, Vec<HitView>)>,
}

/// The query.
#[derive(Deserialize, Default)]
pub struct SearchQuery {
    #[serde(default)]
    q: String,
}

/// `GET /search`.
pub async fn search(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<SearchQuery>,
) -> Response {
    let results = match state.app.search(&actor, &q.q).await {
        Ok(results) => results,
        Err(err) => {
            return match form_error(err) {
                Ok((status, message)) => error_page(status, &message),
                Err(other) => app_error_page(other),
            };
        }
    };
    let mut groups: Vec<(&'static str, Vec<HitView>)> = Vec::new();
    for hit in results.hits {
        let view = HitView {
            href: href(&hit.found),
            hit,
        };
        match groups.iter_mut().find(|(kind, _)| *kind == view.hit.kind) {
            Some((_, list)) => list.push(view),
            None => groups.push((view.hit.kind, vec![view])),
        }
    }
    render(
        StatusCode::OK,
        &SearchPage {
            chrome: Some(Chrome::new(&context, "search")),
            notice: None,
            q: q.q,
            groups,
        },
    )
}
