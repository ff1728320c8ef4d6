//! Impact assessments of AI systems.

use aims_app::AssessmentRecord;
use aims_app::domain::impact::{AssessmentContent, ImpactAssessment};
use aims_app::domain::{AiSystemId, ImpactAssessmentId, Timestamp};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, Id, Params};
use crate::allowed::{Allowed, Approve, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// Who approved which version.
#[derive(Serialize, ToSchema)]
pub struct ApprovalView {
    pub version: i64,
    pub by: String,
    pub at: String,
}

/// One saved version.
#[derive(Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    pub saved_at: String,
    pub saved_by: String,
}

/// An impact assessment: its latest content, approval and versions.
#[derive(Serialize, ToSchema)]
pub struct AssessmentView {
    pub id: String,
    pub system: String,
    pub version: i64,
    /// Title, scope, harms, FRIA points and the rest, as saved in the latest version.
    #[schema(value_type = Object)]
    pub content: serde_json::Value,
    pub approval: Option<ApprovalView>,
    /// Approved, the latest version, and before its review date.
    pub current: bool,
    pub fria_required: Option<bool>,
    pub versions: Vec<VersionView>,
}

fn view(a: ImpactAssessment, now: Timestamp) -> AssessmentView {
    AssessmentView {
        id: a.id.to_string(),
        system: a.system.to_string(),
        version: a.version,
        current: a.is_current(now),
        content: serde_json::to_value(&a.content).unwrap_or_default(),
        approval: a.approval.map(|p| ApprovalView {
            version: p.version,
            by: p.by_label,
            at: p.at.to_string(),
        }),
        fria_required: None,
        versions: Vec::new(),
    }
}

fn record_view(r: AssessmentRecord, now: Timestamp) -> AssessmentView {
    AssessmentView {
        fria_required: Some(r.fria_required),
        versions: r
            .versions
            .into_iter()
            .map(|v| VersionView {
                version: v.version,
                saved_at: v.saved_at.to_string(),
                saved_by: v.saved_by,
            })
            .collect(),
        ..view(r.assessment, now)
    }
}

/// Starts an impact assessment of the system (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/systems/{id}/impact-assessments", tag = "impact",
    params(("id" = String, Path)), request_body(content = Object, description = "The assessment's content"), responses(
    (status = 201, body = AssessmentView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
    Body(content): Body<AssessmentContent>,
) -> Result<(StatusCode, Json<AssessmentView>), ApiError> {
    let created = state
        .app
        .create_impact_assessment(&actor, id, content)
        .await?;
    Ok((StatusCode::CREATED, Json(view(created, state.app.now()))))
}

/// An assessment with its versions.
#[utoipa::path(get, path = "/api/v1/impact-assessments/{id}", tag = "impact", params(("id" = String, Path)), responses(
    (status = 200, body = AssessmentView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<ImpactAssessmentId>,
) -> Result<Json<AssessmentView>, ApiError> {
    let record = state.app.impact_assessment(&actor, id).await?;
    Ok(Json(record_view(record, state.app.now())))
}

/// A new version of an assessment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SaveForm {
    /// The version the change starts from.
    pub version: i64,
    #[schema(value_type = Object)]
    pub content: AssessmentContent,
}

/// Saves a new version; 409 when someone saved one since `version`.
#[utoipa::path(put, path = "/api/v1/impact-assessments/{id}", tag = "impact", params(("id" = String, Path)),
    request_body = SaveForm, responses(
    (status = 200, body = AssessmentView), (status = 404, body = Problem), (status = 409, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn save(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<ImpactAssessmentId>,
    Body(form): Body<SaveForm>,
) -> Result<Json<AssessmentView>, ApiError> {
    let saved = state
        .app
        .save_impact_assessment(&actor, id, form.version, form.content)
        .await?;
    Ok(Json(view(saved, state.app.now())))
}

/// The version to approve.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApproveForm {
    pub version: i64,
}

/// Approves the latest version (owner, admin); every FRIA point must be answered.
#[utoipa::path(post, path = "/api/v1/impact-assessments/{id}/approval", tag = "impact", params(("id" = String, Path)),
    request_body = ApproveForm, responses(
    (status = 200, body = AssessmentView), (status = 403, body = Problem), (status = 409, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn approve(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Approve>,
    Id(id): Id<ImpactAssessmentId>,
    Body(form): Body<ApproveForm>,
) -> Result<Json<AssessmentView>, ApiError> {
    let approved = state
        .app
        .approve_impact_assessment(&actor, id, form.version)
        .await?;
    Ok(Json(view(approved, state.app.now())))
}

/// The two versions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    pub from: i64,
    pub to: i64,
}

/// One difference between two versions.
#[derive(Serialize, ToSchema)]
pub struct ChangeView {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// What changed between two versions.
#[utoipa::path(get, path = "/api/v1/impact-assessments/{id}/diff", tag = "impact",
    params(("id" = String, Path), DiffParams), responses(
    (status = 200, body = Vec<ChangeView>), (status = 404, body = Problem),
))]
pub async fn diff(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<ImpactAssessmentId>,
    Params(params): Params<DiffParams>,
) -> Result<Json<Vec<ChangeView>>, ApiError> {
    let changes = state
        .app
        .compare_assessment_versions(&actor, id, params.from, params.to)
        .await?;
    Ok(Json(
        changes
            .into_iter()
            .map(|c| ChangeView {
                field: c.field,
                before: c.before,
                after: c.after,
            })
            .collect(),
    ))
}
