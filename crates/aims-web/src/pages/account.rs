//! The person's own account: changing their password, and the sessions they are signed in
//! with, any of which they may end.

use aims_app::SessionContext;
use aims_app::domain::account::Session;
use aims_app::domain::{Actor, SessionId};
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
#[template(path = "account.html")]
struct AccountPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    sessions: Vec<Session>,
    current: SessionId,
}

async fn account_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    match state.app.my_sessions(actor).await {
        Ok(sessions) => {
            let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
            render(
                status,
                &AccountPage {
                    chrome: Some(Chrome::new(context, "account")),
                    notice,
                    error,
                    sessions,
                    current: context.session.id,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

/// `GET /account`.
pub async fn account_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    account_view(
        &state,
        &context,
        &actor,
        notice_for(q.done.as_deref()),
        None,
    )
    .await
}

/// A password change as the account page posts it.
#[derive(Deserialize)]
pub struct PasswordForm {
    current_password: String,
    new_password: String,
}

/// `POST /account/password`: keeps this session, ends the others.
pub async fn change_password(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<OwnAccount>,
    PageForm(form): PageForm<PasswordForm>,
) -> Response {
    match state
        .app
        .change_password(
            &actor,
            Some(context.session.id),
            &form.current_password,
            &form.new_password,
        )
        .await
    {
        Ok(()) => done("/account", "password"),
        Err(err) => match form_error(err) {
            Ok(message) => account_view(&state, &context, &actor, None, Some(message)).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /account/sessions/{id}/revoke`.
pub async fn revoke_session(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<OwnAccount>,
    PageId(id): PageId<SessionId>,
) -> Response {
    match state.app.revoke_session(&actor, id).await {
        Ok(()) => done("/account", "ended"),
        Err(err) => app_error_page(err),
    }
}
