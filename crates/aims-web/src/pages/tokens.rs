//! API tokens: the person's own, created and revoked from their page.

use aims_app::domain::account::ApiToken;
use aims_app::domain::{Actor, ApiTokenId, Role};
use aims_app::{NewApiToken, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, Done, PageForm, PageId, app_error_page, done, form_error, notice_for, render};
use crate::allowed::{OwnAccount, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    new_secret: Option<String>,
    tokens: Vec<ApiToken>,
    roles: Vec<&'static str>,
    own_role: &'static str,
}

async fn tokens_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
    new_secret: Option<String>,
) -> Response {
    match state.app.tokens(actor).await {
        Ok(tokens) => {
            let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
            render(
                status,
                &TokensPage {
                    chrome: Some(Chrome::new(context, "tokens")),
                    notice,
                    error,
                    new_secret,
                    tokens,
                    roles: Role::ALL
                        .iter()
                        .filter(|r| actor.role.covers(**r))
                        .map(|r| r.as_str())
                        .collect(),
                    own_role: actor.role.as_str(),
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

/// `GET /tokens`.
pub async fn tokens_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    tokens_view(
        &state,
        &context,
        &actor,
        notice_for(q.done.as_deref()),
        None,
        None,
    )
    .await
}

/// A new token as the tokens page posts it.
#[derive(Deserialize)]
pub struct TokenForm {
    name: String,
    role: Option<String>,
    expires_in_days: Option<String>,
}

/// `POST /tokens`: shows the new secret once, on the page that answers.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<OwnAccount>,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    let expires_in_days = match form
        .expires_in_days
        .as_deref()
        .map(str::trim)
        .filter(|d| !d.is_empty())
    {
        None => None,
        Some(days) => match days.parse::<i64>() {
            Ok(days) => Some(days),
            Err(_) => {
                let message = (
                    StatusCode::UNPROCESSABLE_ENTITY,
                    "Expires in: must be a whole number of days".to_owned(),
                );
                return tokens_view(&state, &context, &actor, None, Some(message), None).await;
            }
        },
    };
    let new = NewApiToken {
        name: form.name,
        role: form.role,
        expires_in_days,
    };
    match state.app.create_token(&actor, new).await {
        Ok(created) => {
            tokens_view(
                &state,
                &context,
                &actor,
                None,
                None,
                Some(created.secret.secret),
            )
            .await
        }
        Err(err) => match form_error(err) {
            Ok(message) => tokens_view(&state, &context, &actor, None, Some(message), None).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /tokens/{id}/revoke`.
pub async fn revoke(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId(id): PageId<ApiTokenId>,
) -> Response {
    match state.app.revoke_token(&actor, id).await {
        Ok(()) => done("/tokens", "revoked"),
        Err(err) => app_error_page(err),
    }
}
