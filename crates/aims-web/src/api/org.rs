//! The organisation and the organisations of the caller.

use axum::Json;
use axum::extract::State;

use super::Body;
use super::views::{OrgMembershipView, OrganisationView, RenameOrgForm};
use crate::allowed::{Allowed, ManageOrganisation};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// The organisations the caller belongs to (a token: its own only).
#[utoipa::path(get, path = "/api/v1/orgs", tag = "organisation", responses(
    (status = 200, body = Vec<OrgMembershipView>), (status = 401, body = Problem),
))]
pub async fn my_orgs(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<OrgMembershipView>>, ApiError> {
    Ok(Json(
        state
            .app
            .my_orgs(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// The caller's organisation.
#[utoipa::path(get, path = "/api/v1/org", tag = "organisation", responses(
    (status = 200, body = OrganisationView), (status = 401, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<OrganisationView>, ApiError> {
    Ok(Json(state.app.organisation(&actor).await?.into()))
}

/// Renames the caller's organisation (owner, admin).
#[utoipa::path(patch, path = "/api/v1/org", tag = "organisation", request_body = RenameOrgForm, responses(
    (status = 200, body = OrganisationView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn rename(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Body(form): Body<RenameOrgForm>,
) -> Result<Json<OrganisationView>, ApiError> {
    Ok(Json(state.app.rename_org(&actor, &form.name).await?.into()))
}
