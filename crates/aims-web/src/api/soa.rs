//! Controls and the Statement of Applicability.

use aims_app::domain::soa::{ImplementationFacts, SoaRow};
use aims_app::domain::{UserId, ValidationError};
use aims_app::{AppError, SoaReport};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, Id, Params};
use crate::allowed::{Allowed, Approve, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// The SoA: one row per control, with why it applies, its flags, and a summary.
#[derive(Serialize, ToSchema)]
pub struct SoaView {
    #[schema(value_type = Object)]
    pub summary: serde_json::Value,
    #[schema(value_type = Vec<Object>)]
    pub rows: Vec<SoaRow>,
}

impl From<SoaReport> for SoaView {
    fn from(r: SoaReport) -> Self {
        Self {
            summary: serde_json::to_value(r.soa.summary()).unwrap_or_default(),
            rows: r.soa.rows,
        }
    }
}

/// The Statement of Applicability as it stands now, derived from risks, obligations and decisions.
#[utoipa::path(get, path = "/api/v1/soa", tag = "soa", responses((status = 200, body = SoaView), (status = 401, body = Problem)))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<SoaView>, ApiError> {
    Ok(Json(
        state.app.statement_of_applicability(&actor).await?.into(),
    ))
}

/// One control's implementation record.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ImplementationForm {
    /// `include`, `exclude` or `undecided`.
    pub decision: String,
    #[serde(default)]
    pub justification: String,
    /// `not_started`, `planned`, `partially_implemented` or `implemented`.
    pub status: String,
    pub owner: Option<String>,
    #[serde(default)]
    pub notes: String,
}

impl ImplementationForm {
    fn facts(self) -> Result<ImplementationFacts, ValidationError> {
        Ok(ImplementationFacts {
            decision: self.decision.parse()?,
            justification: self.justification,
            status: self.status.parse()?,
            owner: self
                .owner
                .filter(|o| !o.trim().is_empty())
                .map(|o| {
                    o.parse::<UserId>()
                        .map_err(|_| ValidationError::new("owner", "must be a member's user id"))
                })
                .transpose()?,
            notes: self.notes,
        })
    }
}

/// Records how a control is implemented, or why it is excluded (owner, admin, editor).
#[utoipa::path(put, path = "/api/v1/controls/{control}/implementation", tag = "soa", params(("control" = String, Path)),
    request_body = ImplementationForm, responses(
    (status = 204, description = "Recorded"), (status = 404, body = Problem), (status = 422, body = Problem), (status = 403, body = Problem),
))]
pub async fn set_implementation(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(control): Id<String>,
    Body(form): Body<ImplementationForm>,
) -> Result<StatusCode, ApiError> {
    let facts = form.facts().map_err(AppError::Invalid)?;
    state
        .app
        .set_implementation(&actor, &control, facts)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// A control of the organisation's own.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OwnControlForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
}

/// The id given to a new own control.
#[derive(Serialize, ToSchema)]
pub struct OwnControlView {
    pub id: String,
}

/// Adds a control of the organisation's own (`ORG-n`).
#[utoipa::path(post, path = "/api/v1/controls", tag = "soa", request_body = OwnControlForm, responses(
    (status = 201, body = OwnControlView), (status = 422, body = Problem), (status = 403, body = Problem),
))]
pub async fn add_control(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<OwnControlForm>,
) -> Result<(StatusCode, Json<OwnControlView>), ApiError> {
    let id = state
        .app
        .add_own_control(&actor, &form.title, &form.description)
        .await?;
    Ok((StatusCode::CREATED, Json(OwnControlView { id })))
}

/// A generated SoA version.
#[derive(Serialize, ToSchema)]
pub struct SoaVersionView {
    pub version: i64,
    pub generated_at: String,
    pub generated_by: String,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
}

impl From<aims_app::SoaVersion> for SoaVersionView {
    fn from(v: aims_app::SoaVersion) -> Self {
        Self {
            version: v.version,
            generated_at: v.generated_at.to_string(),
            generated_by: v.generated_by,
            approved_by: v.approved_by,
            approved_at: v.approved_at.map(|t| t.to_string()),
        }
    }
}

/// Every generated SoA version, newest first.
#[utoipa::path(get, path = "/api/v1/soa/versions", tag = "soa", responses((status = 200, body = Vec<SoaVersionView>)))]
pub async fn versions(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<SoaVersionView>>, ApiError> {
    Ok(Json(
        state
            .app
            .soa_versions(&actor)
            .await?
            .into_iter()
            .map(Into::into)
            .collect(),
    ))
}

/// Freezes the SoA as it stands into its next version.
#[utoipa::path(post, path = "/api/v1/soa/versions", tag = "soa", responses(
    (status = 201, body = SoaVersionView), (status = 403, body = Problem),
))]
pub async fn generate(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
) -> Result<(StatusCode, Json<SoaVersionView>), ApiError> {
    let version = state.app.generate_soa_version(&actor).await?;
    let (found, _) = state.app.soa_snapshot(&actor, version).await?;
    Ok((StatusCode::CREATED, Json(found.into())))
}

/// Approves a version (owner, admin).
#[utoipa::path(post, path = "/api/v1/soa/versions/{version}/approval", tag = "soa", params(("version" = i64, Path)), responses(
    (status = 204, description = "Approved"), (status = 404, body = Problem), (status = 409, body = Problem), (status = 403, body = Problem),
))]
pub async fn approve(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Approve>,
    Id(version): Id<i64>,
) -> Result<StatusCode, ApiError> {
    state.app.approve_soa_version(&actor, version).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The versions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    pub from: i64,
    pub to: i64,
}

/// What changed between two versions, one line per change.
#[utoipa::path(get, path = "/api/v1/soa/diff", tag = "soa", params(DiffParams), responses(
    (status = 200, body = Vec<String>), (status = 404, body = Problem),
))]
pub async fn diff(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(p): Params<DiffParams>,
) -> Result<Json<Vec<String>>, ApiError> {
    let changes = state.app.compare_soa_versions(&actor, p.from, p.to).await?;
    Ok(Json(changes.iter().map(ToString::to_string).collect()))
}

/// Which version to export; the SoA as it stands when absent.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ExportParams {
    pub version: Option<i64>,
}

/// The SoA as CSV with the columns auditors ask for.
#[utoipa::path(get, path = "/api/v1/soa/export.csv", tag = "soa", params(ExportParams), responses(
    (status = 200, content_type = "text/csv", description = "The SoA"), (status = 404, body = Problem),
))]
pub async fn csv(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(p): Params<ExportParams>,
) -> Result<Response, ApiError> {
    let text = state.app.soa_csv(&actor, p.version).await?;
    Ok(crate::downloads::soa_export(
        text.into_bytes(),
        "text/csv; charset=utf-8",
        "csv",
        p.version,
    ))
}

/// The SoA as an XLSX workbook with the same columns.
#[utoipa::path(get, path = "/api/v1/soa/export.xlsx", tag = "soa", params(ExportParams), responses(
    (status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", description = "The SoA"),
    (status = 404, body = Problem),
))]
pub async fn xlsx(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(p): Params<ExportParams>,
) -> Result<Response, ApiError> {
    let bytes = state.app.soa_xlsx(&actor, p.version).await?;
    Ok(crate::downloads::soa_export(
        bytes,
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        "xlsx",
        p.version,
    ))
}
