//! API tokens: the person's own, created and revoked from their page.

use aims_app::domain::account::ApiToken;
use aims_app::domain::{Actor, ApiTokenId, Role, ValidationError};
use aims_app::{NewApiToken, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, PageId, app_error_page, done, notice_for,
    render,
};
use crate::allowed::{OwnAccount, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "tokens.html")]
struct TokensPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    new_secret: Option<String>,
    tokens: Vec<ApiToken>,
    roles: Vec<Role>,
    form: TokenForm,
    problem: FormProblem,
}

const FIELDS: FormFields = FormFields {
    prefix: "token-",
    labels: &[
        ("name", "Name"),
        ("role", "Role"),
        ("expires_in_days", "Expires in"),
    ],
};

async fn tokens_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    form: TokenForm,
    problem: FormProblem,
    new_secret: Option<String>,
) -> Response {
    match state.app.tokens(actor).await {
        Ok(tokens) => render(
            problem.status(),
            &TokensPage {
                chrome: Some(Chrome::new(context, "tokens")),
                notice,
                new_secret,
                tokens,
                // Lowest first: the role offered by default is the least a token may have.
                roles: Role::ALL
                    .into_iter()
                    .rev()
                    .filter(|r| actor.role.covers(*r))
                    .collect(),
                form,
                problem,
            },
        ),
        Err(err) => app_error_page(err),
    }
}

/// `GET /tokens`: with a new token's secret, once, after it was created.
pub async fn tokens_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
    headers: HeaderMap,
) -> Response {
    let once = crate::flash::take(&headers, "/tokens");
    let notice = match q.done.as_deref() {
        Some("created") if once.is_some() => Some("The token was created.".to_owned()),
        Some("created") => None,
        other => notice_for(other),
    };
    let (secret, clear) = once.unzip();
    let page = tokens_view(
        &state,
        &context,
        &actor,
        notice,
        TokenForm::default(),
        FormProblem::default(),
        secret,
    )
    .await;
    match clear {
        Some(clear) => crate::flash::cleared(page, clear),
        None => page,
    }
}

/// A new token as the tokens page posts it; kept as typed for a form with a mistake. The role
/// offered first is the lowest, so that a token gets no more than it needs.
#[derive(Deserialize, Default)]
pub struct TokenForm {
    #[serde(default)]
    name: String,
    #[serde(default)]
    role: String,
    #[serde(default)]
    expires_in_days: String,
}

/// `POST /tokens`: creates the token and sends the browser to the tokens page, which shows
/// its secret once.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<OwnAccount>,
    headers: HeaderMap,
    PageForm(form): PageForm<TokenForm>,
) -> Response {
    let result = async {
        let expires_in_days = match form.expires_in_days.trim() {
            "" => None,
            days => Some(days.parse::<i64>().map_err(|_| {
                ValidationError::new("expires_in_days", "must be a whole number of days")
            })?),
        };
        let new = NewApiToken {
            name: form.name.clone(),
            role: Some(form.role.clone()).filter(|r| !r.is_empty()),
            expires_in_days,
        };
        state.app.create_token(&actor, new).await
    };
    match result.await {
        Ok(created) => {
            let secure = crate::identity::is_secure(&headers, &state);
            let cookie = crate::flash::hold("/tokens", &created.secret.secret, secure);
            (
                [(header::SET_COOKIE, cookie)],
                Redirect::to("/tokens?done=created"),
            )
                .into_response()
        }
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => tokens_view(&state, &context, &actor, None, form, problem, None).await,
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
