//! Sign-in, sign-out, the one-time setup, and accepting an invitation.

use aims_app::{AppError, InvitationAnswer, NewOrganisationOwner, SignIn, SignedIn};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, FormFields, FormProblem, PageForm, app_error_page, done, error_page, render};
use crate::identity::{
    ClientOf, MaybeUser, PageUser, after_sign_in, is_secure, session_cookie, session_secret,
};
use crate::state::WebState;

#[derive(Template)]
#[template(path = "sign_in.html")]
struct SignInPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    email: String,
    /// The page to return to after signing in.
    next: String,
}

/// Where the sign-in page was asked from: the page that needed a session, and the `done`
/// code of signing out.
#[derive(Deserialize, Default)]
pub struct SignInQuery {
    next: Option<String>,
    done: Option<String>,
}

/// `GET /sign-in`.
pub async fn sign_in_page(MaybeUser(user): MaybeUser, Query(q): Query<SignInQuery>) -> Response {
    let next = after_sign_in(q.next.as_deref());
    if user.is_some() {
        return Redirect::to(&next).into_response();
    }
    let notice = match (q.done.as_deref(), q.next.is_some()) {
        (Some("signed-out"), _) => Some("You are signed out.".to_owned()),
        (_, true) => Some("Sign in to open that page; you will be taken back to it.".to_owned()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &SignInPage {
            chrome: None,
            notice,
            problem: FormProblem::default(),
            email: String::new(),
            next,
        },
    )
}

/// A sign-in as posted; the email is kept for a refused one.
#[derive(Deserialize)]
pub struct SignInForm {
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
    #[serde(default)]
    next: String,
}

/// Answers a new session: sets its cookie, ends the one the browser had, and goes to `to`.
async fn start(state: &WebState, headers: &HeaderMap, signed_in: SignedIn, to: &str) -> Response {
    if let Some(old) = session_secret(headers)
        && let Ok(context) = state.app.session(old).await
    {
        let _ = state.app.sign_out(&context).await;
    }
    let cookie = session_cookie(Some(&signed_in.cookie.secret), is_secure(headers, state));
    ([(header::SET_COOKIE, cookie)], Redirect::to(to)).into_response()
}

/// `POST /sign-in`.
pub async fn sign_in(
    State(state): State<WebState>,
    headers: HeaderMap,
    ClientOf(client): ClientOf,
    PageForm(form): PageForm<SignInForm>,
) -> Response {
    let attempt = SignIn {
        email: form.email.clone(),
        password: form.password,
        client,
    };
    let next = after_sign_in(Some(&form.next));
    match state.app.sign_in(attempt).await {
        Ok(signed_in) => start(&state, &headers, signed_in, &next).await,
        Err(err) => {
            let (status, message) = match err {
                AppError::Throttled { .. } => (
                    StatusCode::TOO_MANY_REQUESTS,
                    "Too many failed sign-ins. Wait 15 minutes and try again.".to_owned(),
                ),
                AppError::Invalid(_) => (
                    StatusCode::UNAUTHORIZED,
                    "The email or the password is wrong.".to_owned(),
                ),
                other => return app_error_page(other),
            };
            render(
                status,
                &SignInPage {
                    chrome: None,
                    notice: None,
                    problem: FormProblem::general(status, message),
                    email: form.email,
                    next,
                },
            )
        }
    }
}

/// `POST /sign-out`.
pub async fn sign_out(
    State(state): State<WebState>,
    headers: HeaderMap,
    PageUser(context): PageUser,
) -> Response {
    if let Err(err) = state.app.sign_out(&context).await {
        return app_error_page(err);
    }
    let cookie = session_cookie(None, is_secure(&headers, &state));
    (
        [(header::SET_COOKIE, cookie)],
        Redirect::to("/sign-in?done=signed-out"),
    )
        .into_response()
}

#[derive(Template)]
#[template(path = "setup.html")]
struct SetupPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    token: String,
    org_name: String,
    display_name: String,
    email: String,
}

#[derive(Deserialize)]
pub struct SetupQuery {
    token: Option<String>,
}

const INVALID_SETUP_LINK: &str = "This setup link is not valid: it may have been used already. Restart aims on an empty database for a new one.";

/// `GET /setup?token=...`.
pub async fn setup_page(
    State(state): State<WebState>,
    Query(query): Query<SetupQuery>,
) -> Response {
    let token = query.token.unwrap_or_default();
    match state.app.setup_token_is_valid(&token).await {
        Ok(true) => render(
            StatusCode::OK,
            &SetupPage {
                chrome: None,
                notice: None,
                problem: FormProblem::default(),
                token,
                org_name: String::new(),
                display_name: String::new(),
                email: String::new(),
            },
        ),
        Ok(false) => error_page(StatusCode::NOT_FOUND, INVALID_SETUP_LINK),
        Err(err) => app_error_page(err),
    }
}

/// The setup form's fields; the inputs' ids are the fields' names.
const SETUP_FIELDS: FormFields = FormFields {
    prefix: "",
    labels: &[
        ("org_name", "Organisation name"),
        ("display_name", "Your name"),
        ("email", "Your email"),
        ("password", "Password"),
    ],
};

/// The setup form as posted; kept as typed (but the password) for a refused one.
#[derive(Deserialize)]
pub struct SetupForm {
    #[serde(default)]
    token: String,
    #[serde(default)]
    org_name: String,
    #[serde(default)]
    display_name: String,
    #[serde(default)]
    email: String,
    #[serde(default)]
    password: String,
}

/// `POST /setup`.
pub async fn setup(
    State(state): State<WebState>,
    headers: HeaderMap,
    ClientOf(client): ClientOf,
    PageForm(form): PageForm<SetupForm>,
) -> Response {
    let owner = NewOrganisationOwner {
        org_name: form.org_name.clone(),
        email: form.email.clone(),
        display_name: form.display_name.clone(),
        password: form.password,
    };
    match state.app.complete_setup(&form.token, owner, client).await {
        Ok(signed_in) => start(&state, &headers, signed_in, "/").await,
        Err(AppError::NotFound(_)) => error_page(StatusCode::NOT_FOUND, INVALID_SETUP_LINK),
        Err(err) => match FormProblem::from_error(org_name_field(err), &SETUP_FIELDS) {
            Ok(problem) => render(
                problem.status(),
                &SetupPage {
                    chrome: None,
                    notice: None,
                    problem,
                    token: form.token,
                    org_name: form.org_name,
                    display_name: form.display_name,
                    email: form.email,
                },
            ),
            Err(other) => app_error_page(other),
        },
    }
}

/// An organisation's name is `name` to the use cases and `org_name` in the setup form.
fn org_name_field(err: AppError) -> AppError {
    match err {
        AppError::Invalid(mut v) if v.field == "name" => {
            v.field = "org_name";
            AppError::Invalid(v)
        }
        other => other,
    }
}

#[derive(Template)]
#[template(path = "invitation.html")]
struct InvitationPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    /// The name typed, kept for a refused form.
    display_name: String,
    secret: String,
    org_name: String,
    role: String,
    email: String,
    signed_in_as_invitee: bool,
}

/// The invitation form's fields; the inputs' ids are the fields' names.
const INVITATION_FIELDS: FormFields = FormFields {
    prefix: "",
    labels: &[("display_name", "Your name"), ("password", "Password")],
};

async fn invitation_view(
    state: &WebState,
    user: &Option<aims_app::SessionContext>,
    secret: String,
    display_name: String,
    problem: FormProblem,
) -> Response {
    match state.app.open_invitation(&secret).await {
        Ok((invitation, org_name)) => {
            let signed_in_as_invitee = user
                .as_ref()
                .is_some_and(|c| c.user.email == invitation.email);
            render(
                problem.status(),
                &InvitationPage {
                    chrome: user.as_ref().map(|c| Chrome::new(c, "members")),
                    notice: None,
                    problem,
                    display_name,
                    secret,
                    org_name,
                    role: invitation.role.label().to_owned(),
                    email: invitation.email.to_string(),
                    signed_in_as_invitee,
                },
            )
        }
        Err(AppError::NotFound(_)) => error_page(
            StatusCode::NOT_FOUND,
            "This invitation is not valid: it may have expired, been withdrawn or been used.",
        ),
        Err(err) => app_error_page(err),
    }
}

/// `GET /invitations/{secret}`.
pub async fn invitation_page(
    State(state): State<WebState>,
    MaybeUser(user): MaybeUser,
    Path(secret): Path<String>,
) -> Response {
    invitation_view(&state, &user, secret, String::new(), FormProblem::default()).await
}

#[derive(Deserialize)]
pub struct AcceptForm {
    display_name: Option<String>,
    password: Option<String>,
}

/// `POST /invitations/{secret}`: joins as the signed-in account, or creates one.
pub async fn accept_invitation(
    State(state): State<WebState>,
    headers: HeaderMap,
    MaybeUser(user): MaybeUser,
    ClientOf(client): ClientOf,
    Path(secret): Path<String>,
    PageForm(form): PageForm<AcceptForm>,
) -> Response {
    // Signed in as the invitee: join with that account. Anyone else (signed out, or signed
    // in as another person) answers with a new account for the invited email.
    let invitee = match state.app.open_invitation(&secret).await {
        Ok((invitation, _)) => invitation.email,
        Err(_) => {
            return invitation_view(&state, &user, secret, String::new(), FormProblem::default())
                .await;
        }
    };
    let display_name = form.display_name.unwrap_or_default();
    let answer = match user.as_ref().filter(|c| c.user.email == invitee) {
        Some(context) => InvitationAnswer::SignedIn(context.user.id),
        None => InvitationAnswer::NewAccount {
            display_name: display_name.clone(),
            password: form.password.unwrap_or_default(),
            client,
        },
    };
    match state.app.accept_invitation(&secret, answer).await {
        Ok(accepted) => {
            if let Some(signed_in) = accepted.signed_in {
                return start(&state, &headers, signed_in, "/?done=joined").await;
            }
            if let Some(context) = &user {
                // Work in the organisation just joined.
                let refreshed = state
                    .app
                    .session(session_secret(&headers).unwrap_or_default())
                    .await;
                if let Err(err) = state
                    .app
                    .switch_org(refreshed.as_ref().unwrap_or(context), accepted.org)
                    .await
                {
                    return app_error_page(err);
                }
            }
            done("/", "joined")
        }
        Err(err) => match FormProblem::from_error(err, &INVITATION_FIELDS) {
            Ok(problem) => invitation_view(&state, &user, secret, display_name, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}
