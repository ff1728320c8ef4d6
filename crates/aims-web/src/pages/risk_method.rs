//! The organisation's risk method: shown as its scales and matrix, changed as JSON (owner and
//! admin), with every risk re-scored on save.

use aims_app::SessionContext;
use aims_app::domain::risk::RiskMethod;
use aims_app::domain::{Actor, Permission};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, Done, PageForm, app_error_page, done, form_error, render};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "risk_method.html")]
struct MethodPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    method: RiskMethod,
    /// The matrix as rows of (risk level label, colour), highest likelihood first.
    grid: Vec<(String, Vec<(String, String)>)>,
    json: String,
    can_change: bool,
}

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    posted: Option<(String, StatusCode, String)>,
) -> Response {
    let method = match state.app.risk_method(actor).await {
        Ok(method) => method,
        Err(err) => return app_error_page(err),
    };
    let grid = (0..method.likelihood.size())
        .rev()
        .map(|l| {
            let cells = (0..method.impact.size())
                .map(|i| {
                    let level = method.matrix[l][i];
                    let risk_level = &method.risk_levels[level];
                    (risk_level.label.clone(), risk_level.colour.clone())
                })
                .collect();
            (method.likelihood.levels[l].label.clone(), cells)
        })
        .collect();
    let (status, error, json) = match posted {
        Some((json, status, message)) => (status, Some(message), json),
        None => (
            StatusCode::OK,
            None,
            serde_json::to_string_pretty(&method).unwrap_or_default(),
        ),
    };
    render(
        status,
        &MethodPage {
            chrome: Some(Chrome::new(context, "risks")),
            notice,
            error,
            grid,
            json,
            can_change: actor.role.grants(Permission::ManageOrganisation),
            method,
        },
    )
}

/// `GET /risks/method`.
pub async fn method_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let notice = (q.done.as_deref() == Some("method"))
        .then(|| "The method was changed and every risk re-scored.".to_owned());
    page_view(&state, &context, &actor, notice, None).await
}

/// The method as posted.
#[derive(Deserialize)]
pub struct MethodForm {
    #[serde(default)]
    method: String,
    reset: Option<String>,
}

/// `POST /risks/method`.
pub async fn change(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageForm(form): PageForm<MethodForm>,
) -> Response {
    let parsed = if form.reset.is_some() {
        Ok(RiskMethod::default_five_by_five())
    } else {
        serde_json::from_str::<RiskMethod>(&form.method)
    };
    let method = match parsed {
        Ok(method) => method,
        Err(e) => {
            let message = format!("The method is not valid JSON of the expected shape: {e}");
            return page_view(
                &state,
                &context,
                &actor,
                None,
                Some((form.method, StatusCode::UNPROCESSABLE_ENTITY, message)),
            )
            .await;
        }
    };
    match state.app.set_risk_method(&actor, method).await {
        Ok(_) => done("/risks/method", "method"),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                page_view(
                    &state,
                    &context,
                    &actor,
                    None,
                    Some((form.method, status, message)),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}
