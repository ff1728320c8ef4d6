//! EU AI Act classification of a system, and the CycloneDX ML-BOM of its components.

use aims_app::domain::AiSystemId;
use aims_app::domain::eu_ai_act::{Answers, questions};
use aims_app::{BomImportReport, ClassificationOutcome};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// An obligation of the result, with its dates and the ISO/IEC 42001 items it maps to.
#[derive(Serialize, ToSchema)]
pub struct ObligationItemView {
    /// The EU AI Act catalogue item, e.g. `art-26`.
    pub requirement: String,
    pub title: String,
    /// The role it binds; absent when it binds everyone.
    pub role: Option<String>,
    pub why: String,
    pub applies_from: Option<String>,
    pub amended_applies_from: Option<String>,
    pub amendment: Option<String>,
    /// `[id, title, relation]` of each mapped ISO/IEC 42001 item.
    pub controls: Vec<[String; 3]>,
}

/// A recorded classification: the answers, the result with its reasons, and the obligations.
#[derive(Serialize, ToSchema)]
pub struct ClassificationOutcomeView {
    pub id: String,
    pub version: i64,
    pub decided_at: String,
    pub decided_by: String,
    #[schema(value_type = Object)]
    pub answers: serde_json::Value,
    /// Class, basis, transparency duties, GPAI duty and reasons.
    #[schema(value_type = Object)]
    pub classification: serde_json::Value,
    pub obligations: Vec<ObligationItemView>,
}

impl From<ClassificationOutcome> for ClassificationOutcomeView {
    fn from(o: ClassificationOutcome) -> Self {
        Self {
            id: o.record.id.to_string(),
            version: o.record.version,
            decided_at: o.record.decided_at.to_string(),
            decided_by: o.record.decided_by,
            answers: o.record.answers,
            classification: o.record.result["classification"].clone(),
            obligations: o
                .obligations
                .into_iter()
                .map(|v| ObligationItemView {
                    requirement: v.recorded.requirement,
                    title: v.title,
                    role: v.recorded.role,
                    why: v.recorded.why,
                    applies_from: v.applies_from,
                    amended_applies_from: v.amended_applies_from,
                    amendment: v.amendment,
                    controls: v
                        .controls
                        .into_iter()
                        .map(|c| [c.id, c.title, c.relation])
                        .collect(),
                })
                .collect(),
        }
    }
}

/// Which recorded version to show.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct VersionParams {
    /// A version number; the latest when absent.
    pub version: Option<i64>,
}

/// The questionnaire: every question, its section, kind, choices and what it depends on.
#[utoipa::path(get, path = "/api/v1/eu-ai-act/questions", tag = "classification", responses(
    (status = 200, body = Vec<Object>, description = "Every question: `field`, `section`, `text`, `help`, `kind` (`yes_no`, `number`, or `{choose: [[id, label]...]}`) and `depends_on`"), (status = 401, body = Problem),
))]
pub async fn list_questions(ApiActor(_actor): ApiActor) -> Json<serde_json::Value> {
    Json(serde_json::to_value(questions()).unwrap_or_default())
}

/// Classifies the system from the answers and records the result as its next version.
#[utoipa::path(post, path = "/api/v1/systems/{id}/classification", tag = "classification",
    params(("id" = String, Path)), request_body(content = Object, description = "The questionnaire's answers"), responses(
    (status = 201, body = ClassificationOutcomeView), (status = 404, body = Problem), (status = 422, body = Problem),
    (status = 403, body = Problem),
))]
pub async fn classify(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
    Body(answers): Body<Answers>,
) -> Result<(StatusCode, Json<ClassificationOutcomeView>), ApiError> {
    let outcome = state.app.classify_ai_system(&actor, id, answers).await?;
    Ok((StatusCode::CREATED, Json(outcome.into())))
}

/// The latest (or a given) recorded classification of the system.
#[utoipa::path(get, path = "/api/v1/systems/{id}/classification", tag = "classification",
    params(("id" = String, Path), VersionParams), responses(
    (status = 200, body = ClassificationOutcomeView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<AiSystemId>,
    Params(params): Params<VersionParams>,
) -> Result<Json<ClassificationOutcomeView>, ApiError> {
    match state.app.classification(&actor, id, params.version).await? {
        Some(outcome) => Ok(Json(outcome.into())),
        None => Err(ApiError::new(
            StatusCode::NOT_FOUND,
            "the AI system has not been classified yet",
        )),
    }
}

/// The system and its components as a CycloneDX 1.6 ML-BOM.
#[utoipa::path(get, path = "/api/v1/systems/{id}/ml-bom", tag = "inventory", params(("id" = String, Path)), responses(
    (status = 200, content_type = "application/vnd.cyclonedx+json", body = Object), (status = 404, body = Problem),
))]
pub async fn export_bom(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<AiSystemId>,
) -> Result<Response, ApiError> {
    let document = state.app.export_ml_bom(&actor, id).await?;
    Ok(crate::downloads::ml_bom(&document, id))
}

/// What an ML-BOM import changed.
#[derive(Serialize, ToSchema)]
pub struct BomImportView {
    pub created: Vec<String>,
    /// `[component, [fields...]]` of each updated component.
    #[schema(value_type = Vec<Vec<serde_json::Value>>)]
    pub updated: Vec<(String, Vec<&'static str>)>,
    pub unchanged: usize,
    pub skipped: Vec<String>,
}

impl From<BomImportReport> for BomImportView {
    fn from(r: BomImportReport) -> Self {
        Self {
            created: r.created,
            updated: r.updated,
            unchanged: r.unchanged,
            skipped: r.skipped,
        }
    }
}

/// Creates or updates the system's components from a CycloneDX (1.4–1.6) JSON document sent
/// as the body; all or nothing, and an invalid document is refused naming the path in it.
#[utoipa::path(post, path = "/api/v1/systems/{id}/ml-bom", tag = "inventory", params(("id" = String, Path)),
    request_body(content = Object, content_type = "application/json"), responses(
    (status = 200, body = BomImportView), (status = 404, body = Problem), (status = 422, body = Problem),
    (status = 413, body = Problem),
))]
pub async fn import_bom(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<AiSystemId>,
    body: Result<String, axum::extract::rejection::StringRejection>,
) -> Result<Json<BomImportView>, ApiError> {
    let document = body.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    crate::boundary::check_text("document", &document)?;
    let report = state.app.import_ml_bom(&actor, id, &document).await?;
    Ok(Json(report.into()))
}
