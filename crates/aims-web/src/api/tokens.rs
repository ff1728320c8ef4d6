//! API tokens.

use aims_app::NewApiToken;
use aims_app::domain::ApiTokenId;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::views::{CreatedTokenView, TokenForm, TokenView};
use super::{Body, Id};
use crate::allowed::{Allowed, OwnAccount};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// The tokens the caller may see: all for owners and admins, otherwise their own.
#[utoipa::path(get, path = "/api/v1/tokens", tag = "tokens", responses(
    (status = 200, body = Vec<TokenView>), (status = 401, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TokenView>>, ApiError> {
    Ok(Json(
        state
            .app
            .tokens(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Creates a token with a role no wider than the caller's; the secret is shown this once.
#[utoipa::path(post, path = "/api/v1/tokens", tag = "tokens", request_body = TokenForm, responses(
    (status = 201, body = CreatedTokenView), (status = 422, body = Problem), (status = 401, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
    Body(form): Body<TokenForm>,
) -> Result<(StatusCode, Json<CreatedTokenView>), ApiError> {
    let created = state
        .app
        .create_token(
            &actor,
            NewApiToken {
                name: form.name,
                role: form.role,
                expires_in_days: form.expires_in_days,
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(CreatedTokenView {
            token: created.token.into(),
            secret: created.secret.secret,
        }),
    ))
}

/// Revokes a token: one's own, or any for owners and admins.
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", tag = "tokens", params(("id" = String, Path)), responses(
    (status = 204, description = "Revoked"), (status = 404, body = Problem),
))]
pub async fn revoke(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<ApiTokenId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_token(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
