//! The AI system inventory and its components.

use aims_app::domain::{AiSystemId, ComponentId, ValidationError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;

use super::form_values::invalid;
use super::system_views::{
    ComponentForm, ComponentView, SystemDetailView, SystemForm, SystemPageView, SystemParams,
    SystemView,
};
use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A filtered, sorted page of the organisation's AI systems.
#[utoipa::path(get, path = "/api/v1/systems", tag = "inventory", params(SystemParams), responses(
    (status = 200, body = SystemPageView), (status = 422, body = Problem), (status = 401, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<SystemParams>,
) -> Result<Json<SystemPageView>, ApiError> {
    let page = state.app.ai_systems(&actor, &params.into()).await?;
    Ok(Json(page.into()))
}

/// Records a new AI system (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/systems", tag = "inventory", request_body = SystemForm, responses(
    (status = 201, body = SystemView), (status = 409, body = Problem), (status = 422, body = Problem),
    (status = 403, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<SystemForm>,
) -> Result<(StatusCode, Json<SystemView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let system = state.app.create_ai_system(&actor, facts).await?;
    Ok((StatusCode::CREATED, Json(system.into())))
}

/// A system with its components and classification history.
#[utoipa::path(get, path = "/api/v1/systems/{id}", tag = "inventory", params(("id" = String, Path)), responses(
    (status = 200, body = SystemDetailView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<AiSystemId>,
) -> Result<Json<SystemDetailView>, ApiError> {
    Ok(Json(state.app.system_overview(&actor, id).await?.into()))
}

/// Replaces a system's facts; `revision` must be the one the change started from, or the
/// answer is 409.
#[utoipa::path(put, path = "/api/v1/systems/{id}", tag = "inventory", params(("id" = String, Path)),
    request_body = SystemForm, responses(
    (status = 200, body = SystemView), (status = 404, body = Problem), (status = 409, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
    Body(form): Body<SystemForm>,
) -> Result<Json<SystemView>, ApiError> {
    let revision = form
        .revision
        .ok_or_else(|| invalid(ValidationError::new("revision", "is required for a change")))?;
    let facts = form.facts().map_err(invalid)?;
    let system = state
        .app
        .update_ai_system(&actor, id, revision, facts)
        .await?;
    Ok(Json(system.into()))
}

/// Removes a system with its components and classification history.
#[utoipa::path(delete, path = "/api/v1/systems/{id}", tag = "inventory", params(("id" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 404, body = Problem), (status = 403, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_ai_system(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds a model, dataset or supplier to a system.
#[utoipa::path(post, path = "/api/v1/systems/{id}/components", tag = "inventory", params(("id" = String, Path)),
    request_body = ComponentForm, responses(
    (status = 201, body = ComponentView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn add_component(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
    Body(form): Body<ComponentForm>,
) -> Result<(StatusCode, Json<ComponentView>), ApiError> {
    let kind = form.kind().map_err(invalid)?;
    let component = state
        .app
        .add_component(&actor, id, kind, form.facts())
        .await?;
    Ok((StatusCode::CREATED, Json(component.into())))
}

/// Replaces a component's facts (its kind stays).
#[utoipa::path(put, path = "/api/v1/components/{id}", tag = "inventory", params(("id" = String, Path)),
    request_body = ComponentForm, responses(
    (status = 200, body = ComponentView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn update_component(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<ComponentId>,
    Body(form): Body<ComponentForm>,
) -> Result<Json<ComponentView>, ApiError> {
    // The kind is fixed when a component is added; one given here must still be a kind.
    if form.kind.is_some() {
        form.kind().map_err(invalid)?;
    }
    let component = state.app.update_component(&actor, id, form.facts()).await?;
    Ok(Json(component.into()))
}

/// Removes a component.
#[utoipa::path(delete, path = "/api/v1/components/{id}", tag = "inventory", params(("id" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 404, body = Problem),
))]
pub async fn remove_component(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<ComponentId>,
) -> Result<StatusCode, ApiError> {
    state.app.remove_component(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
