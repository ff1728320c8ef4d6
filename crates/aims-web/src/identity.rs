//! Who is asking: the bearer token or session cookie behind a request, and where it came from.

use std::net::SocketAddr;

use aims_app::Client;
use aims_app::domain::Actor;
use aims_app::{AppError, SessionContext};
use axum::extract::{ConnectInfo, FromRequestParts};
use axum::http::request::Parts;
use axum::http::{HeaderMap, header};
use axum::response::{IntoResponse, Redirect, Response};

use crate::error::ApiError;
use crate::state::{CookiePolicy, WebState};

/// The session cookie's name. The `__Host-` prefix is used when the cookie is `Secure`.
pub const SESSION_COOKIE: &str = "aims_session";
const SECURE_SESSION_COOKIE: &str = "__Host-aims_session";

/// The value of cookie `name`, if the request carries it.
pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(header::COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|pair| pair.trim().split_once('='))
        .find(|(key, _)| *key == name)
        .map(|(_, value)| value)
}

/// The session secret a request carries, under either cookie name.
pub fn session_secret(headers: &HeaderMap) -> Option<&str> {
    cookie(headers, SECURE_SESSION_COOKIE).or_else(|| cookie(headers, SESSION_COOKIE))
}

/// Whether the request reached us over TLS, as far as we can tell.
pub fn is_secure(parts_headers: &HeaderMap, state: &WebState) -> bool {
    match state.config.cookies {
        CookiePolicy::Always => true,
        CookiePolicy::Auto => {
            state.config.trust_proxy
                && parts_headers
                    .get("x-forwarded-proto")
                    .and_then(|v| v.to_str().ok())
                    .is_some_and(|v| v.eq_ignore_ascii_case("https"))
        }
    }
}

/// The `Set-Cookie` value that stores `secret`, or clears the cookie when `None`.
pub fn session_cookie(secret: Option<&str>, secure: bool) -> String {
    let name = if secure {
        SECURE_SESSION_COOKIE
    } else {
        SESSION_COOKIE
    };
    let attributes = if secure { "; Secure" } else { "" };
    match secret {
        Some(secret) => {
            format!("{name}={secret}; Path=/; HttpOnly; SameSite=Lax; Max-Age=1209600{attributes}")
        }
        None => format!("{name}=; Path=/; HttpOnly; SameSite=Lax; Max-Age=0{attributes}"),
    }
}

/// Where the request came from: the peer, or the first forwarded address behind a trusted proxy.
pub fn client(parts: &Parts, state: &WebState) -> Client {
    let peer = parts
        .extensions
        .get::<ConnectInfo<SocketAddr>>()
        .map(|c| c.0.ip().to_string());
    let forwarded = state
        .config
        .trust_proxy
        .then(|| {
            parts
                .headers
                .get("x-forwarded-for")
                .and_then(|v| v.to_str().ok())
        })
        .flatten()
        .and_then(|v| v.split(',').next())
        .map(|v| v.trim().to_owned());
    Client {
        user_agent: parts
            .headers
            .get(header::USER_AGENT)
            .and_then(|v| v.to_str().ok())
            .unwrap_or("")
            .to_owned(),
        address: forwarded.or(peer).unwrap_or_else(|| "unknown".into()),
    }
}

/// The client of a request, as an extractor.
pub struct ClientOf(pub Client);

impl FromRequestParts<WebState> for ClientOf {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        Ok(ClientOf(client(parts, state)))
    }
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    headers
        .get(header::AUTHORIZATION)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| {
            v.strip_prefix("Bearer ")
                .or_else(|| v.strip_prefix("bearer "))
        })
        .map(str::trim)
}

/// The actor of an API request: a bearer token, or else the browser session.
pub struct ApiActor(pub Actor);

impl FromRequestParts<WebState> for ApiActor {
    type Rejection = ApiError;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        if let Some(token) = bearer(&parts.headers) {
            return Ok(ApiActor(state.app.token_actor(token).await?));
        }
        let secret = session_secret(&parts.headers).ok_or(AppError::Unauthenticated)?;
        let context = state.app.session(secret).await?;
        Ok(ApiActor(context.actor()?.clone()))
    }
}

/// The sign-in page, remembering the page a GET asked for so that signing in returns there.
fn sign_in_then(parts: &Parts) -> String {
    let here = parts.uri.path_and_query().map_or("/", |p| p.as_str());
    match parts.method == axum::http::Method::GET && here != "/" {
        true => format!("/sign-in?next={}", crate::pages::encode(here)),
        false => "/sign-in".to_owned(),
    }
}

/// Where to go after signing in: `next` when it is a page of this site, else the overview.
pub fn after_sign_in(next: Option<&str>) -> String {
    match next {
        Some(path)
            if path.starts_with('/')
                && !path.starts_with("//")
                && !path.starts_with("/\\")
                && !path.starts_with("/sign-")
                && !path.chars().any(char::is_control) =>
        {
            path.to_owned()
        }
        _ => "/".to_owned(),
    }
}

/// The signed-in person of a page request; anyone else is sent to the sign-in page.
pub struct PageUser(pub SessionContext);

impl FromRequestParts<WebState> for PageUser {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let to_sign_in = || Redirect::to(&sign_in_then(parts)).into_response();
        let Some(secret) = session_secret(&parts.headers) else {
            return Err(to_sign_in());
        };
        match state.app.session(secret).await {
            Ok(mut context) => {
                // Every page's navigation shows what waits on the person; a failure to count
                // leaves the counts out rather than failing the page.
                if let Some(actor) = &context.actor {
                    context.counts = match state.app.work_counts(actor).await {
                        Ok(counts) => Some(counts),
                        Err(err) => {
                            tracing::warn!(error = %err, "counting the navigation's work");
                            None
                        }
                    };
                }
                Ok(PageUser(context))
            }
            Err(AppError::Unauthenticated) => Err(to_sign_in()),
            Err(other) => Err(crate::pages::app_error_page(other)),
        }
    }
}

/// The signed-in person of a page request with their actor in the active organisation. Anyone
/// not signed in is sent to the sign-in page, as by [`PageUser`]; a person who belongs to no
/// organisation (any more) is shown the page that says so.
pub struct PageMember {
    /// The session, for the layout around the page.
    pub context: SessionContext,
    /// Who acts in the active organisation.
    pub actor: Actor,
}

impl FromRequestParts<WebState> for PageMember {
    type Rejection = Response;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let PageUser(context) = PageUser::from_request_parts(parts, state).await?;
        match context.actor().cloned() {
            Ok(actor) => Ok(PageMember { context, actor }),
            Err(_) => Err(crate::pages::no_organisation_page()),
        }
    }
}

/// A signed-in person, if any, for pages that anyone may open.
pub struct MaybeUser(pub Option<SessionContext>);

impl FromRequestParts<WebState> for MaybeUser {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &WebState,
    ) -> Result<Self, Self::Rejection> {
        let context = match session_secret(&parts.headers) {
            Some(secret) => state.app.session(secret).await.ok(),
            None => None,
        };
        Ok(MaybeUser(context))
    }
}

#[cfg(test)]
mod tests {
    use super::after_sign_in;

    #[test]
    fn signing_in_returns_only_to_pages_of_this_site() {
        assert_eq!(after_sign_in(Some("/risks?open=true")), "/risks?open=true");
        for elsewhere in [
            "//evil.example/x",
            "/\\evil.example",
            "https://evil.example",
            "/sign-out",
            "/x\ny",
        ] {
            assert_eq!(after_sign_in(Some(elsewhere)), "/", "{elsewhere:?}");
        }
        assert_eq!(after_sign_in(None), "/");
    }
}
