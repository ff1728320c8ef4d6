//! Members and invitations.

use aims_app::NewInvitation;
use aims_app::domain::{InvitationId, UserId};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::views::{InvitationForm, InvitationView, MemberView, RoleForm};
use super::{Body, Id};
use crate::allowed::{Allowed, ManageMembers};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// The members of the organisation.
#[utoipa::path(get, path = "/api/v1/members", tag = "members", responses(
    (status = 200, body = Vec<MemberView>), (status = 401, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<MemberView>>, ApiError> {
    Ok(Json(
        state
            .app
            .members(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Changes a member's role (owner, admin; only owners make or unmake owners).
#[utoipa::path(patch, path = "/api/v1/members/{user_id}", tag = "members", params(("user_id" = String, Path)), request_body = RoleForm, responses(
    (status = 204, description = "Changed"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
pub async fn change_role(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageMembers>,
    Id(user): Id<UserId>,
    Body(form): Body<RoleForm>,
) -> Result<StatusCode, ApiError> {
    state.app.change_role(&actor, user, &form.role).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Removes a member, revoking their tokens for this organisation; anyone may remove themself.
#[utoipa::path(delete, path = "/api/v1/members/{user_id}", tag = "members", params(("user_id" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
pub async fn remove(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(user): Id<UserId>,
) -> Result<StatusCode, ApiError> {
    state.app.remove_member(&actor, user).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The open invitations (owner, admin).
#[utoipa::path(get, path = "/api/v1/invitations", tag = "members", responses(
    (status = 200, body = Vec<InvitationView>), (status = 403, body = Problem),
))]
pub async fn invitations(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageMembers>,
) -> Result<Json<Vec<InvitationView>>, ApiError> {
    Ok(Json(
        state
            .app
            .invitations(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Invites someone by email; the answer holds the link to pass on, shown this once.
#[utoipa::path(post, path = "/api/v1/invitations", tag = "members", request_body = InvitationForm, responses(
    (status = 201, body = InvitationView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn invite(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageMembers>,
    Body(form): Body<InvitationForm>,
) -> Result<(StatusCode, Json<InvitationView>), ApiError> {
    let (invitation, credential) = state
        .app
        .invite(
            &actor,
            NewInvitation {
                email: form.email,
                role: form.role,
            },
        )
        .await?;
    let mut view = InvitationView::from(invitation);
    view.link = Some(format!(
        "{}/invitations/{}",
        state.config.public_url, credential.secret
    ));
    Ok((StatusCode::CREATED, Json(view)))
}

/// Withdraws an open invitation.
#[utoipa::path(delete, path = "/api/v1/invitations/{id}", tag = "members", params(("id" = String, Path)), responses(
    (status = 204, description = "Withdrawn"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn revoke_invitation(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageMembers>,
    Id(id): Id<InvitationId>,
) -> Result<StatusCode, ApiError> {
    state.app.revoke_invitation(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
