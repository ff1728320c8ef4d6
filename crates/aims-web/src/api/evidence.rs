//! Evidence: links and files supporting systems, controls, requirements and risks.

use aims_app::AppError;
use aims_app::Upload;
use aims_app::domain::evidence::{Evidence, EvidenceFacts, Target};
use aims_app::domain::{EvidenceId, Timestamp, ValidationError};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A piece of evidence.
#[derive(Serialize, ToSchema)]
pub struct EvidenceView {
    pub id: String,
    pub title: String,
    pub description: String,
    pub link: String,
    pub valid_from: Option<String>,
    pub valid_until: Option<String>,
    /// `current`, `expires soon`, `expired` or `not yet valid`.
    pub validity: String,
    /// `kind:id` of everything it supports.
    pub targets: Vec<String>,
    pub file_name: Option<String>,
    pub media_type: Option<String>,
    pub size: Option<i64>,
    pub sha256: Option<String>,
    pub added_by: String,
    pub created_at: String,
}

/// The API's view of `e` at `now`.
pub fn view(e: Evidence, now: Timestamp) -> EvidenceView {
    let validity = e.validity(now).label().to_owned();
    let file = e.file;
    EvidenceView {
        id: e.id.to_string(),
        title: e.facts.title,
        description: e.facts.description,
        link: e.facts.link,
        valid_from: e.facts.valid_from.map(|t| t.to_string()),
        valid_until: e.facts.valid_until.map(|t| t.to_string()),
        validity,
        targets: e
            .facts
            .targets
            .iter()
            .map(|t| format!("{}:{}", t.kind, t.id))
            .collect(),
        file_name: file.as_ref().map(|f| f.file_name.clone()),
        media_type: file.as_ref().map(|f| f.media_type.clone()),
        size: file.as_ref().map(|f| f.size),
        sha256: file.map(|f| f.sha256),
        added_by: e.added_by,
        created_at: e.created_at.to_string(),
    }
}

/// Registers a link as evidence (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/evidence", tag = "evidence",
    request_body(content = Object, description = "title, description, link, valid_from, valid_until, targets [{kind, id}]"), responses(
    (status = 201, body = EvidenceView), (status = 422, body = Problem), (status = 403, body = Problem),
))]
pub async fn add_link(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(facts): Body<EvidenceFacts>,
) -> Result<(StatusCode, Json<EvidenceView>), ApiError> {
    let evidence = state.app.add_evidence(&actor, facts, None).await?;
    Ok((StatusCode::CREATED, Json(view(evidence, state.app.now()))))
}

/// Reads a multipart upload: a `metadata` part (JSON facts) and a `file` part.
async fn read_upload(mut multipart: Multipart) -> Result<(EvidenceFacts, Upload), ApiError> {
    let bad = |status: StatusCode, detail: String| ApiError::new(status, detail);
    let (mut facts, mut upload) = (None, None);
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.status(), e.body_text()))?
    {
        match field.name() {
            Some("metadata") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
                facts = Some(crate::boundary::parse_json_field::<EvidenceFacts>(
                    "metadata",
                    text.as_bytes(),
                )?);
            }
            Some("file") => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
                upload = Some(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
            _ => {}
        }
    }
    let invalid = |field: &'static str, message: &str| -> ApiError {
        AppError::Invalid(ValidationError::new(field, message)).into()
    };
    Ok((
        facts
            .ok_or_else(|| invalid("metadata", "send the evidence's facts as a `metadata` part"))?,
        upload.ok_or_else(|| invalid("file", "send the file as a `file` part"))?,
    ))
}

/// Uploads a file as evidence: multipart with a `metadata` JSON part and a `file` part.
#[utoipa::path(post, path = "/api/v1/evidence/files", tag = "evidence",
    request_body(content = Object, content_type = "multipart/form-data"), responses(
    (status = 201, body = EvidenceView), (status = 413, body = Problem), (status = 422, body = Problem),
    (status = 403, body = Problem),
))]
pub async fn add_file(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<EvidenceView>), ApiError> {
    // Permission first: a caller who may not add evidence learns nothing from the body.
    actor
        .require(aims_app::domain::Permission::EditContent)
        .map_err(AppError::from)?;
    let multipart = multipart.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    let (facts, upload) = read_upload(multipart).await?;
    let evidence = state.app.add_evidence(&actor, facts, Some(upload)).await?;
    Ok((StatusCode::CREATED, Json(view(evidence, state.app.now()))))
}

/// What the evidence should support.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TargetParams {
    /// `system`, `control`, `requirement` or `risk`.
    pub kind: String,
    pub id: String,
}

/// The evidence supporting one system, control, requirement or risk.
#[utoipa::path(get, path = "/api/v1/evidence", tag = "evidence", params(TargetParams), responses(
    (status = 200, body = Vec<EvidenceView>), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<TargetParams>,
) -> Result<Json<Vec<EvidenceView>>, ApiError> {
    let kind = params.kind.parse().map_err(AppError::Invalid)?;
    let target = Target {
        kind,
        id: params.id,
    };
    let now = state.app.now();
    let list = state.app.evidence_for(&actor, &target).await?;
    Ok(Json(list.into_iter().map(|e| view(e, now)).collect()))
}

/// One piece of evidence.
#[utoipa::path(get, path = "/api/v1/evidence/{id}", tag = "evidence", params(("id" = String, Path)), responses(
    (status = 200, body = EvidenceView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<EvidenceId>,
) -> Result<Json<EvidenceView>, ApiError> {
    let evidence = state.app.evidence(&actor, id).await?;
    Ok(Json(view(evidence, state.app.now())))
}

/// Downloads the evidence's file after checking it against its SHA-256.
#[utoipa::path(get, path = "/api/v1/evidence/{id}/file", tag = "evidence", params(("id" = String, Path)), responses(
    (status = 200, description = "The file, as an attachment"), (status = 404, body = Problem),
))]
pub async fn download(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<EvidenceId>,
) -> Result<Response, ApiError> {
    Ok(crate::downloads::evidence_file(&state.app, &actor, id).await?)
}

/// Removes a piece of evidence.
#[utoipa::path(delete, path = "/api/v1/evidence/{id}", tag = "evidence", params(("id" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 404, body = Problem), (status = 403, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<EvidenceId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_evidence(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}
