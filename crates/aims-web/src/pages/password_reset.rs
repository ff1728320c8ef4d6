//! Self-service password reset, signed out: the form that asks for a link by email (linked
//! from the sign-in page), and the page the emailed link opens, where a new password is
//! chosen. Without mail set up, the first page says to ask an administrator instead.

use aims_app::AppError;
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, Done, FormFields, FormProblem, PageForm, app_error_page, done, render};
use crate::identity::ClientOf;
use crate::state::WebState;

/// Where the form that asks for a link lives, and where its answers are shown.
const ASK: &str = "/password-reset";

#[derive(Template)]
#[template(path = "forgot_password.html")]
struct ForgotPasswordPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    /// The address typed, kept for a refused form.
    email: String,
    mail_on: bool,
    /// What was done: `sent` (a link asked for) or `changed` (a password reset).
    done: String,
    link_minutes: i64,
}

fn ask_view(state: &WebState, done: &str, email: String, problem: FormProblem) -> Response {
    render(
        problem.status(),
        &ForgotPasswordPage {
            chrome: None,
            notice: None,
            problem,
            email,
            mail_on: state.app.mail_enabled(),
            done: done.to_owned(),
            link_minutes: aims_app::RESET_LINK_MINUTES,
        },
    )
}

/// `GET /password-reset`: the form, or what became of it (`?done=sent`, `?done=changed`;
/// the page knows no other code).
pub async fn ask_page(State(state): State<WebState>, Query(q): Query<Done>) -> Response {
    let done = q.done.as_deref().unwrap_or_default();
    ask_view(&state, done, String::new(), FormProblem::default())
}

/// The form asking for a link.
#[derive(Deserialize)]
pub struct AskForm {
    #[serde(default)]
    email: String,
}

const ASK_FIELDS: FormFields = FormFields {
    prefix: "",
    labels: &[("email", "Email")],
};

/// `POST /password-reset`: the same answer whether or not the address has an account.
pub async fn ask(
    State(state): State<WebState>,
    ClientOf(client): ClientOf,
    PageForm(form): PageForm<AskForm>,
) -> Response {
    match state.app.request_password_reset(&form.email, client).await {
        Ok(()) => done(ASK, "sent"),
        Err(AppError::Throttled { .. }) => {
            let problem = FormProblem::general(
                StatusCode::TOO_MANY_REQUESTS,
                "Too many reset links were asked for this address or from your network. Wait \
                 15 minutes and try again.",
            );
            ask_view(&state, "", form.email, problem)
        }
        Err(err) => match FormProblem::from_error(err, &ASK_FIELDS) {
            Ok(problem) => ask_view(&state, "", form.email, problem),
            Err(other) => app_error_page(other),
        },
    }
}

#[derive(Template)]
#[template(path = "reset_password.html")]
struct ResetPasswordPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    secret: String,
    /// The account the link resets; `None` when the link does not work.
    email: Option<String>,
}

const RESET_FIELDS: FormFields = FormFields {
    prefix: "",
    labels: &[("new_password", "New password")],
};

/// The page of the link `secret`: its form, or why it does not work (404).
async fn reset_view(state: &WebState, secret: String, problem: FormProblem) -> Response {
    let email = match state.app.open_password_reset(&secret).await {
        Ok(email) => Some(email.to_string()),
        Err(AppError::NotFound(_)) => None,
        Err(err) => return app_error_page(err),
    };
    let status = match email {
        Some(_) => problem.status(),
        None => StatusCode::NOT_FOUND,
    };
    let page = ResetPasswordPage {
        chrome: None,
        notice: None,
        problem,
        secret,
        email,
    };
    render(status, &page)
}

/// `GET /password-reset/{secret}`: looking does not use the link up (mail scanners open
/// links too); only choosing a password does.
pub async fn reset_page(State(state): State<WebState>, Path(secret): Path<String>) -> Response {
    reset_view(&state, secret, FormProblem::default()).await
}

/// The new password.
#[derive(Deserialize)]
pub struct ResetForm {
    #[serde(default)]
    new_password: String,
}

/// `POST /password-reset/{secret}`: sets the password, ends every session, and sends the
/// browser to sign in.
pub async fn reset(
    State(state): State<WebState>,
    Path(secret): Path<String>,
    PageForm(form): PageForm<ResetForm>,
) -> Response {
    match state.app.reset_password(&secret, &form.new_password).await {
        Ok(()) => done(ASK, "changed"),
        Err(AppError::NotFound(_)) => reset_view(&state, secret, FormProblem::default()).await,
        Err(err) => match FormProblem::from_error(err, &RESET_FIELDS) {
            Ok(problem) => reset_view(&state, secret, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}
