//! The caller themself: who they are, their password and their sessions.

use aims_app::domain::{ActorKind, SessionId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::views::{MeView, PasswordForm, SessionView};
use super::{Body, Id};
use crate::allowed::{Allowed, OwnAccount};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// Who the caller is, in which organisation, with which role.
#[utoipa::path(get, path = "/api/v1/me", tag = "account", responses(
    (status = 200, body = MeView), (status = 401, body = Problem),
))]
pub async fn me(ApiActor(actor): ApiActor) -> Json<MeView> {
    let (kind, user_id, token_id) = match actor.kind {
        ActorKind::User(user) => ("user", Some(user.to_string()), None),
        ActorKind::Token { token, owner } => {
            ("token", Some(owner.to_string()), Some(token.to_string()))
        }
        ActorKind::System => ("system", None, None),
    };
    Json(MeView {
        kind: kind.into(),
        user_id,
        token_id,
        org_id: actor.org.to_string(),
        role: actor.role.to_string(),
        label: actor.label,
    })
}

/// Changes the caller's password; every other session of theirs ends.
#[utoipa::path(put, path = "/api/v1/me/password", tag = "account", request_body = PasswordForm, responses(
    (status = 204, description = "Changed"), (status = 422, body = Problem), (status = 401, body = Problem),
))]
pub async fn change_password(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
    Body(form): Body<PasswordForm>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .change_password(&actor, None, &form.current_password, &form.new_password)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The caller's live browser sessions.
#[utoipa::path(get, path = "/api/v1/sessions", tag = "account", responses(
    (status = 200, body = Vec<SessionView>), (status = 401, body = Problem),
))]
pub async fn sessions(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
) -> Result<Json<Vec<SessionView>>, ApiError> {
    let sessions = state.app.my_sessions(&actor).await?;
    Ok(Json(sessions.into_iter().map(Into::into).collect()))
}

/// Ends one of the caller's sessions.
#[utoipa::path(delete, path = "/api/v1/sessions/{id}", tag = "account", params(("id" = String, Path)), responses(
    (status = 204, description = "Ended"), (status = 404, body = Problem),
))]
pub async fn revoke_session(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
    Id(id): Id<SessionId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_session(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
