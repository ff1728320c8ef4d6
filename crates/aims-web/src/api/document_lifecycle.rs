//! A document's lifecycle over the API: review, approval, return to draft, retirement, read
//! acknowledgements, and which roles may approve.

use aims_app::domain::{DocumentId, Role, ValidationError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;

use super::documents::{DocumentView, view};
use super::form_values::invalid;
use super::{Body, Id};
use crate::allowed::{
    Allowed, ApproveDocument, DocumentAllowed, Edit, ManageOrganisation, OwnAccount, ReturnDocument,
};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A step of the lifecycle, on one version.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct StepForm {
    pub version: i64,
    /// The approver's or reviewer's comment; the reason, to retire.
    #[serde(default)]
    pub comment: String,
}

/// Sends the draft for review (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/documents/{id}/submission", tag = "documents", params(("id" = String, Path)),
    request_body = StepForm, responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem),
))]
pub async fn submit(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<DocumentId>,
    Body(form): Body<StepForm>,
) -> Result<Json<DocumentView>, ApiError> {
    let done = state.app.submit_document(&actor, id, form.version).await?;
    Ok(Json(view(done, state.app.now())))
}

/// Sends a version in review back to draft, with a comment (editors and approvers).
#[utoipa::path(post, path = "/api/v1/documents/{id}/return", tag = "documents", params(("id" = String, Path)),
    request_body = StepForm, responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem),
))]
pub async fn send_back(
    State(state): State<WebState>,
    DocumentAllowed(actor, _): DocumentAllowed<ReturnDocument>,
    Id(id): Id<DocumentId>,
    Body(form): Body<StepForm>,
) -> Result<Json<DocumentView>, ApiError> {
    let done = state
        .app
        .return_document(&actor, id, form.version, &form.comment)
        .await?;
    Ok(Json(view(done, state.app.now())))
}

/// Approves the version in review (the roles the organisation chose; never its last author):
/// it is fingerprinted and comes into force.
#[utoipa::path(post, path = "/api/v1/documents/{id}/approval", tag = "documents", params(("id" = String, Path)),
    request_body = StepForm, responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem),
))]
pub async fn approve(
    State(state): State<WebState>,
    DocumentAllowed(actor, _): DocumentAllowed<ApproveDocument>,
    Id(id): Id<DocumentId>,
    Body(form): Body<StepForm>,
) -> Result<Json<DocumentView>, ApiError> {
    let done = state
        .app
        .approve_document(&actor, id, form.version, &form.comment)
        .await?;
    Ok(Json(view(done, state.app.now())))
}

/// The reason a document is withdrawn.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RetireForm {
    pub reason: String,
}

/// Withdraws the document from use (approvers); nothing of it changes afterwards.
#[utoipa::path(post, path = "/api/v1/documents/{id}/retirement", tag = "documents", params(("id" = String, Path)),
    request_body = RetireForm, responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn retire(
    State(state): State<WebState>,
    DocumentAllowed(actor, _): DocumentAllowed<ApproveDocument>,
    Id(id): Id<DocumentId>,
    Body(form): Body<RetireForm>,
) -> Result<Json<DocumentView>, ApiError> {
    let done = state.app.retire_document(&actor, id, &form.reason).await?;
    Ok(Json(view(done, state.app.now())))
}

/// The version read.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcknowledgeForm {
    pub version: i64,
}

/// Confirms that the person signed in read the version in force (a person, not a token).
#[utoipa::path(post, path = "/api/v1/documents/{id}/acknowledgement", tag = "documents", params(("id" = String, Path)),
    request_body = AcknowledgeForm, responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
pub async fn acknowledge(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
    Id(id): Id<DocumentId>,
    Body(form): Body<AcknowledgeForm>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .acknowledge_document(&actor, id, form.version)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The roles that may approve documents.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproversView {
    /// Among `owner`, `admin` and `editor`.
    pub roles: Vec<String>,
}

/// The roles that may approve documents.
#[utoipa::path(get, path = "/api/v1/document-approvers", tag = "documents", responses(
    (status = 200, body = ApproversView), (status = 401, body = Problem),
))]
pub async fn approvers(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<ApproversView>, ApiError> {
    let roles = state.app.document_approvers(&actor).await?;
    Ok(Json(ApproversView {
        roles: roles.iter().map(|r| r.as_str().to_owned()).collect(),
    }))
}

/// Sets the roles that may approve documents (owner, admin).
#[utoipa::path(put, path = "/api/v1/document-approvers", tag = "documents", request_body = ApproversView, responses(
    (status = 200, body = ApproversView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn set_approvers(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Body(form): Body<ApproversView>,
) -> Result<Json<ApproversView>, ApiError> {
    let roles = form
        .roles
        .iter()
        .map(|r| {
            r.parse::<Role>()
                .map_err(|e| invalid(ValidationError::new("roles", e.message)))
        })
        .collect::<Result<Vec<_>, _>>()?;
    let set = state.app.set_document_approvers(&actor, &roles).await?;
    Ok(Json(ApproversView {
        roles: set.iter().map(|r| r.as_str().to_owned()).collect(),
    }))
}
