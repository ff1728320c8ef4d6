//! Red-team runs: journals uploaded from CI or the CLI, recorded against an AI system.

use aims_app::domain::redteam::RedTeamRun;
use aims_app::domain::{AiSystemId, Permission, RedTeamRunId, ValidationError};
use aims_app::redteam_engine::config::Thresholds;
use aims_app::{AppError, RedTeamUpload};
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use serde::Serialize;
use utoipa::ToSchema;

use super::Id;
use crate::allowed::{Allowed, ManageOrganisation};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A recorded red-team run.
#[derive(Serialize, ToSchema)]
pub struct RedTeamRunView {
    pub id: String,
    pub system: String,
    /// The runner's own id for the run.
    pub run_id: String,
    pub name: String,
    pub tool: String,
    pub target: String,
    pub started_at: String,
    /// `pass`, `thresholds_exceeded` or `run_errors`.
    pub verdict: String,
    pub judged: i64,
    pub failed: i64,
    pub errors: i64,
    /// Attack success rate, a fraction.
    pub attack_success: f64,
    pub journal_sha256: String,
    /// The evidence record holding the journal.
    pub evidence: String,
    pub recorded_by: String,
    pub created_at: String,
    /// Rates per category and probe, tokens, reasons for the verdict (only on a single run).
    #[schema(value_type = Option<Object>)]
    pub summary: Option<serde_json::Value>,
}

fn view(run: RedTeamRun, with_summary: bool) -> RedTeamRunView {
    RedTeamRunView {
        id: run.id.to_string(),
        system: run.system.to_string(),
        attack_success: run.attack_success_bp as f64 / 10_000.0,
        run_id: run.run_id,
        name: run.name,
        tool: run.tool,
        target: run.target,
        started_at: run.started_at,
        verdict: run.verdict.as_str().to_owned(),
        judged: run.judged,
        failed: run.failed,
        errors: run.errors,
        journal_sha256: run.journal_sha256,
        evidence: run.evidence.to_string(),
        recorded_by: run.recorded_by,
        created_at: run.created_at.to_string(),
        summary: with_summary.then_some(run.summary),
    }
}

/// Reads a `journal` file part and an optional `thresholds` JSON part.
async fn read_upload(mut multipart: Multipart) -> Result<RedTeamUpload, ApiError> {
    let bad = |status: StatusCode, detail: String| ApiError::new(status, detail);
    let mut upload = RedTeamUpload::default();
    let mut journal = None;
    while let Some(field) = multipart
        .next_field()
        .await
        .map_err(|e| bad(e.status(), e.body_text()))?
    {
        match field.name() {
            Some("journal") => {
                let bytes = field
                    .bytes()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
                journal = Some(bytes.to_vec());
            }
            Some("thresholds") => {
                let text = field
                    .text()
                    .await
                    .map_err(|e| bad(e.status(), e.body_text()))?;
                upload.thresholds =
                    crate::boundary::parse_json_field::<Thresholds>("thresholds", text.as_bytes())?;
            }
            _ => {}
        }
    }
    upload.journal = journal.ok_or_else(|| {
        ApiError::from(AppError::Invalid(ValidationError::new(
            "journal",
            "send the run's journal.jsonl as a `journal` part",
        )))
    })?;
    Ok(upload)
}

/// Records a run against a system from its journal: multipart with a `journal` part (the
/// run's journal.jsonl) and an optional `thresholds` part (JSON: overall, categories,
/// max_error_rate). The summary is computed from the journal; the journal becomes evidence.
#[utoipa::path(post, path = "/api/v1/systems/{id}/redteam-runs", tag = "redteam",
    params(("id" = String, Path)),
    request_body(content = Object, content_type = "multipart/form-data"), responses(
    (status = 201, body = RedTeamRunView), (status = 413, body = Problem), (status = 422, body = Problem),
    (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn record(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(system): Id<AiSystemId>,
    multipart: Result<Multipart, axum::extract::multipart::MultipartRejection>,
) -> Result<(StatusCode, Json<RedTeamRunView>), ApiError> {
    // Permission first: a caller who may not record runs learns nothing from the body.
    actor
        .require(Permission::EditContent)
        .map_err(AppError::from)?;
    let multipart = multipart.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    let upload = read_upload(multipart).await?;
    let run = state.app.record_redteam_run(&actor, system, upload).await?;
    Ok((StatusCode::CREATED, Json(view(run, true))))
}

/// The latest runs against a system, newest first.
#[utoipa::path(get, path = "/api/v1/systems/{id}/redteam-runs", tag = "redteam",
    params(("id" = String, Path)), responses(
    (status = 200, body = Vec<RedTeamRunView>), (status = 404, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(system): Id<AiSystemId>,
) -> Result<Json<Vec<RedTeamRunView>>, ApiError> {
    let runs = state.app.redteam_runs(&actor, system).await?;
    Ok(Json(runs.into_iter().map(|r| view(r, false)).collect()))
}

/// One run with its summary.
#[utoipa::path(get, path = "/api/v1/redteam-runs/{id}", tag = "redteam",
    params(("id" = String, Path)), responses(
    (status = 200, body = RedTeamRunView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<RedTeamRunId>,
) -> Result<Json<RedTeamRunView>, ApiError> {
    let run = state.app.redteam_run(&actor, id).await?;
    Ok(Json(view(run, true)))
}

/// A run to carry out on the server.
#[derive(serde::Deserialize, ToSchema)]
pub struct StartRun {
    /// The run config, as YAML (the same format as `aims redteam run`); command targets are refused.
    pub config: String,
}

/// A red-team run started from aims: where it stands and how far it got.
#[derive(Serialize, ToSchema)]
pub struct RedTeamJobView {
    pub id: String,
    /// The AI system it tests.
    pub system: Option<String>,
    /// `queued`, `running`, `done` or `failed` (a cancelled run is failed, saying so).
    pub state: String,
    /// Attempts carried out so far, and planned.
    pub progress_done: Option<i64>,
    pub progress_total: Option<i64>,
    /// Who asked to cancel it, if anyone did.
    pub cancel_requested_by: Option<String>,
    /// Why it failed or stopped.
    pub last_error: Option<String>,
    pub created_at: String,
    pub updated_at: String,
}

impl From<aims_app::JobStatus> for RedTeamJobView {
    fn from(job: aims_app::JobStatus) -> Self {
        Self {
            id: job.id.to_string(),
            system: job.subject,
            state: job.state,
            progress_done: job.progress_done,
            progress_total: job.progress_total,
            cancel_requested_by: job.cancel_requested_by,
            last_error: job.last_error,
            created_at: job.created_at.to_string(),
            updated_at: job.updated_at.to_string(),
        }
    }
}

/// Queues a red-team run of a system as a background job (owner, admin); the finished run is
/// recorded against the system like an upload. Runs started here are bounded: at most 2,000
/// attempts, 16 requests in flight, 3 retries a request, 50 requests a second and 30 minutes.
#[utoipa::path(post, path = "/api/v1/systems/{id}/redteam-jobs", tag = "redteam",
    params(("id" = String, Path)), request_body = StartRun, responses(
    (status = 202, body = RedTeamJobView, description = "Queued"), (status = 422, body = Problem),
    (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn start(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Id(system): Id<AiSystemId>,
    super::Body(body): super::Body<StartRun>,
) -> Result<(StatusCode, Json<RedTeamJobView>), ApiError> {
    let job = state
        .app
        .start_redteam_run(&actor, system, &body.config)
        .await?;
    Ok((StatusCode::ACCEPTED, Json(job.into())))
}

/// The latest red-team runs started from aims for a system, newest first.
#[utoipa::path(get, path = "/api/v1/systems/{id}/redteam-jobs", tag = "redteam",
    params(("id" = String, Path)), responses(
    (status = 200, body = Vec<RedTeamJobView>), (status = 404, body = Problem),
))]
pub async fn jobs(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(system): Id<AiSystemId>,
) -> Result<Json<Vec<RedTeamJobView>>, ApiError> {
    let jobs = state.app.redteam_jobs(&actor, system).await?;
    Ok(Json(jobs.into_iter().map(Into::into).collect()))
}

/// Cancels a red-team run started from aims (owner, admin): a queued one ends at once, a
/// running one stops within seconds and records nothing.
#[utoipa::path(post, path = "/api/v1/redteam-jobs/{id}/cancel", tag = "redteam",
    params(("id" = String, Path)), responses(
    (status = 202, body = RedTeamJobView, description = "Cancelled, or being cancelled"),
    (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
pub async fn cancel(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Id(job): Id<aims_app::domain::JobId>,
) -> Result<(StatusCode, Json<RedTeamJobView>), ApiError> {
    let job = state.app.cancel_redteam_run(&actor, job).await?;
    Ok((StatusCode::ACCEPTED, Json(job.into())))
}
