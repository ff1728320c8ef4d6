//! One item of a framework: its text, its mappings to other frameworks, the organisation's
//! own licensed text of it, and the evidence naming it.

use aims_app::domain::Actor;
use aims_app::domain::evidence::Evidence;
use aims_app::{RequirementText, RequirementView, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::frameworks::item_href;
use super::{Chrome, PageForm, PageId, app_error_page, done, encode, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

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
    own_text: Option<RequirementText>,
    /// The evidence naming this item, with each one's validity label.
    evidence: Vec<(Evidence, &'static str)>,
    can_edit: bool,
    /// This page's path, for the forms.
    path: String,
    /// The text as typed in a form that was refused, shown again instead of the stored one.
    typed: Option<String>,
}

impl RequirementPage {
    /// The page of item `id` of the catalogue keyed `key`.
    fn href(&self, key: &str, id: &str) -> String {
        format!("/frameworks/{}/items/{}", encode(key), encode(id))
    }
}

/// How many mapping hops to follow, and the `done` code.
#[derive(Deserialize, Default)]
pub struct HopsQuery {
    hops: Option<usize>,
    done: Option<String>,
}

/// `GET /frameworks/{framework}/items/{item}`.
pub async fn requirement_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId((framework, item)): PageId<(String, String)>,
    Query(query): Query<HopsQuery>,
) -> Response {
    let hops = query.hops.unwrap_or(1).clamp(1, aims_app::MAX_HOPS);
    let notice = match query.done.as_deref() {
        Some("evidence") => Some("The evidence was added.".to_owned()),
        Some("text-saved") => Some("Your text was saved.".to_owned()),
        Some("text-removed") => Some("Your text was removed.".to_owned()),
        _ => None,
    };
    let shown = Shown {
        notice,
        ..Default::default()
    };
    requirement_view(&state, &context, &actor, (&framework, &item), hops, shown).await
}

/// What the page shows besides the item: a notice, or a refused form's error and its text.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
    typed: Option<String>,
}

/// A requirement's page; `(framework, item)` name it as its path does.
async fn requirement_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    (framework, item): (&str, &str),
    hops: usize,
    Shown {
        notice,
        error,
        typed,
    }: Shown,
) -> Response {
    let view = match state.app.requirement(actor, framework, item, hops).await {
        Ok(view) => view,
        Err(err) => return app_error_page(err),
    };
    let own_text = match state.app.requirement_text(actor, framework, item).await {
        Ok(text) => text,
        Err(err) => return app_error_page(err),
    };
    let target = state.app.item_target(actor, framework, item).await;
    let evidence = match target {
        Ok(target) => state.app.evidence_for(actor, &target).await,
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
        typed,
    };
    render(status, &page)
}

/// The organisation's own text of an item, as posted.
#[derive(Deserialize)]
pub struct TextForm {
    text: String,
}

/// `POST /frameworks/{framework}/items/{item}/text`: attaches the organisation's text.
pub async fn set_text(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
    PageForm(form): PageForm<TextForm>,
) -> Response {
    match state
        .app
        .set_requirement_text(&actor, &framework, &item, &form.text)
        .await
    {
        Ok(_) => done(&item_page(&framework, &item), "text-saved"),
        Err(err) => match form_error(err) {
            Ok(message) => {
                let shown = Shown {
                    notice: None,
                    error: Some(message),
                    typed: Some(form.text),
                };
                requirement_view(&state, &context, &actor, (&framework, &item), 1, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// The page of item `item` of `framework`, as its path names them.
fn item_page(framework: &str, item: &str) -> String {
    format!("/frameworks/{}/items/{}", encode(framework), encode(item))
}

/// `POST /frameworks/{framework}/items/{item}/text/clear`.
pub async fn clear_text(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
) -> Response {
    match state
        .app
        .clear_requirement_text(&actor, &framework, &item)
        .await
    {
        Ok(()) => done(&item_page(&framework, &item), "text-removed"),
        Err(err) => app_error_page(err),
    }
}
