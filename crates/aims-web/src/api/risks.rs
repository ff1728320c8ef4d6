//! The risk register: the method, risks, acceptance and the heat map.

use aims_app::domain::risk::{
    Risk, RiskFacts, RiskMethod, RiskStatus, TreatmentAction, TreatmentOption,
};
use aims_app::domain::{AiSystemId, RiskId, Timestamp, UserId, ValidationError};
use aims_app::{RiskFilter, RiskPage};
use axum::Json;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form_values::invalid;
use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit, ManageOrganisation};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A risk as the organisation states it.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RiskForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// AI system ids.
    #[serde(default)]
    pub systems: Vec<String>,
    /// An ISO/IEC 42001 Annex C risk source (`C.3.n`).
    pub risk_source: Option<String>,
    /// An ISO/IEC 42001 Annex C objective (`C.2.n`).
    pub affected_objective: Option<String>,
    pub lifecycle_stage: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    pub inherent_likelihood: u8,
    pub inherent_impact: u8,
    /// `modify`, `avoid`, `share` or `retain` (default).
    pub treatment: Option<String>,
    #[serde(default)]
    pub treatment_plan: String,
    /// ISO/IEC 42001 Annex A control ids.
    #[serde(default)]
    pub controls: Vec<String>,
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub actions: Vec<TreatmentAction>,
    pub residual_likelihood: Option<u8>,
    pub residual_impact: Option<u8>,
    #[schema(value_type = Option<String>)]
    pub review_due: Option<Timestamp>,
    /// `identified` (default), `assessed`, `treatment_planned`, `treated`, `accepted`, `closed`.
    pub status: Option<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl RiskForm {
    /// The facts of the form, each choice and id checked and named when wrong.
    pub fn facts(self) -> Result<RiskFacts, ValidationError> {
        Ok(RiskFacts {
            title: self.title,
            description: self.description,
            systems: self
                .systems
                .iter()
                .map(|s| {
                    s.parse::<AiSystemId>().map_err(|_| {
                        ValidationError::new("systems", format!("{s:?} is not an AI system id"))
                    })
                })
                .collect::<Result<_, _>>()?,
            risk_source: self.risk_source.filter(|s| !s.trim().is_empty()),
            affected_objective: self.affected_objective.filter(|s| !s.trim().is_empty()),
            lifecycle_stage: self
                .lifecycle_stage
                .filter(|s| !s.trim().is_empty())
                .map(|s| s.parse())
                .transpose()?,
            owner: self
                .owner
                .filter(|s| !s.trim().is_empty())
                .map(|o| {
                    o.parse::<UserId>()
                        .map_err(|_| ValidationError::new("owner", "must be a member's user id"))
                })
                .transpose()?,
            inherent_likelihood: self.inherent_likelihood,
            inherent_impact: self.inherent_impact,
            treatment: self
                .treatment
                .as_deref()
                .map(str::parse::<TreatmentOption>)
                .transpose()?
                .unwrap_or_default(),
            treatment_plan: self.treatment_plan,
            controls: self.controls,
            actions: self.actions,
            residual_likelihood: self.residual_likelihood,
            residual_impact: self.residual_impact,
            review_due: self.review_due,
            status: self
                .status
                .as_deref()
                .map(str::parse::<RiskStatus>)
                .transpose()?
                .unwrap_or_default(),
        })
    }
}

/// A risk with its levels under the organisation's method.
#[derive(Serialize, ToSchema)]
pub struct RiskView {
    pub id: String,
    pub number: i64,
    /// `R-12`.
    pub reference: String,
    /// Every stated fact, as saved.
    #[schema(value_type = Object)]
    pub facts: serde_json::Value,
    pub inherent_level: String,
    pub residual_level: String,
    pub within_appetite: bool,
    pub needs_sign_off: bool,
    pub overdue: bool,
    /// Who accepted the residual risk, when, and why.
    #[schema(value_type = Option<Object>)]
    pub acceptance: Option<serde_json::Value>,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

/// The API's view of `r` under `m` at `now`.
pub fn view(r: Risk, m: &RiskMethod, now: Timestamp) -> RiskView {
    RiskView {
        id: r.id.to_string(),
        number: r.number,
        reference: r.reference(),
        inherent_level: m.level_label(r.inherent_level(m)).to_owned(),
        residual_level: m.level_label(r.residual_level(m)).to_owned(),
        within_appetite: r.within_appetite(m),
        needs_sign_off: r.needs_sign_off(m),
        overdue: r.is_overdue(now),
        acceptance: r
            .acceptance
            .as_ref()
            .and_then(|a| serde_json::to_value(a).ok()),
        facts: serde_json::to_value(&r.facts).unwrap_or_default(),
        revision: r.revision,
        created_at: r.created_at.to_string(),
        updated_at: r.updated_at.to_string(),
    }
}

/// The register's filters, sorting and page.
#[derive(Deserialize, IntoParams, Default)]
#[into_params(parameter_in = Query)]
pub struct RiskParams {
    /// Words that must all appear in the reference, title or description.
    pub q: Option<String>,
    pub status: Option<String>,
    pub treatment: Option<String>,
    /// Only risks whose residual level is at least this one (a label of the method).
    pub min_level: Option<String>,
    /// An AI system id.
    pub system: Option<String>,
    /// Only risks whose review date has passed.
    pub overdue: Option<bool>,
    /// Only open risks with a treatment action not done and past its due day.
    pub actions_overdue: Option<bool>,
    /// Only risks that are not closed.
    pub open: Option<bool>,
    /// `number` (default), `level`, `updated` or `review_due`; `-` first sorts descending.
    pub sort: Option<String>,
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

impl From<RiskParams> for RiskFilter {
    fn from(p: RiskParams) -> Self {
        RiskFilter {
            q: p.q,
            status: p.status,
            treatment: p.treatment,
            min_level: p.min_level,
            system: p.system,
            overdue: p.overdue,
            actions_overdue: p.actions_overdue,
            open: p.open,
            likelihood: None,
            impact: None,
            basis: None,
            sort: p.sort,
            limit: p.limit,
            offset: p.offset,
        }
    }
}

/// One page of the register.
#[derive(Serialize, ToSchema)]
pub struct RiskPageView {
    pub risks: Vec<RiskView>,
    /// Matches, counted up to 10,001; see `total_capped`.
    pub total: i64,
    /// More than 10,000 match: `total` is a lower bound.
    pub total_capped: bool,
    pub limit: i64,
    pub offset: i64,
}

fn page_view(p: RiskPage, now: Timestamp) -> RiskPageView {
    let method = p.method;
    RiskPageView {
        risks: p.risks.into_iter().map(|r| view(r, &method, now)).collect(),
        total: p.total,
        total_capped: p.total_capped,
        limit: p.limit,
        offset: p.offset,
    }
}

/// The organisation's risk method: scales, matrix and acceptance criteria.
#[utoipa::path(get, path = "/api/v1/risk-method", tag = "risks", responses((status = 200, body = Object), (status = 401, body = Problem)))]
pub async fn method(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<RiskMethod>, ApiError> {
    Ok(Json(state.app.risk_method(&actor).await?))
}

/// What a change of method did.
#[derive(Serialize, ToSchema)]
pub struct MethodChanged {
    /// Risks whose scores or levels changed on the new method (0 when it is the one in force).
    pub risks_rescored: usize,
}

/// Replaces the method (owner, admin); every risk is re-scored on the new scales, and an
/// acceptance the new criteria ask more of is taken back.
#[utoipa::path(put, path = "/api/v1/risk-method", tag = "risks", request_body(content = Object), responses(
    (status = 200, body = MethodChanged), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn set_method(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Body(method): Body<RiskMethod>,
) -> Result<Json<MethodChanged>, ApiError> {
    let risks_rescored = state.app.set_risk_method(&actor, method).await?;
    Ok(Json(MethodChanged { risks_rescored }))
}

/// A filtered, sorted page of the register.
#[utoipa::path(get, path = "/api/v1/risks", tag = "risks", params(RiskParams), responses(
    (status = 200, body = RiskPageView), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<RiskParams>,
) -> Result<Json<RiskPageView>, ApiError> {
    let page = state.app.risks(&actor, &params.into()).await?;
    Ok(Json(page_view(page, state.app.now())))
}

/// Records a risk under the next number (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/risks", tag = "risks", request_body = RiskForm, responses(
    (status = 201, body = RiskView), (status = 422, body = Problem), (status = 403, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<RiskForm>,
) -> Result<(StatusCode, Json<RiskView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let (risk, method) = state.app.create_risk(&actor, facts).await?;
    Ok((
        StatusCode::CREATED,
        Json(view(risk, &method, state.app.now())),
    ))
}

/// One risk.
#[utoipa::path(get, path = "/api/v1/risks/{id}", tag = "risks", params(("id" = String, Path)), responses(
    (status = 200, body = RiskView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<RiskId>,
) -> Result<Json<RiskView>, ApiError> {
    let (risk, method) = state.app.risk(&actor, id).await?;
    Ok(Json(view(risk, &method, state.app.now())))
}

/// Replaces a risk's facts; `revision` must be the one the change started from (else 409).
#[utoipa::path(put, path = "/api/v1/risks/{id}", tag = "risks", params(("id" = String, Path)), request_body = RiskForm, responses(
    (status = 200, body = RiskView), (status = 404, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<RiskId>,
    Body(form): Body<RiskForm>,
) -> Result<Json<RiskView>, ApiError> {
    let revision = form
        .revision
        .ok_or_else(|| invalid(ValidationError::new("revision", "is required for a change")))?;
    let facts = form.facts().map_err(invalid)?;
    let (risk, method) = state.app.update_risk(&actor, id, revision, facts).await?;
    Ok(Json(view(risk, &method, state.app.now())))
}

/// Removes a risk.
#[utoipa::path(delete, path = "/api/v1/risks/{id}", tag = "risks", params(("id" = String, Path)), responses(
    (status = 204, description = "Removed"), (status = 404, body = Problem), (status = 403, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<RiskId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_risk(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Why the residual risk may stand.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct AcceptForm {
    pub note: String,
}

/// The risk owner's sign-off that the residual risk may stand.
#[utoipa::path(post, path = "/api/v1/risks/{id}/acceptance", tag = "risks", params(("id" = String, Path)), request_body = AcceptForm, responses(
    (status = 200, body = RiskView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn accept(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<RiskId>,
    Body(form): Body<AcceptForm>,
) -> Result<Json<RiskView>, ApiError> {
    let (risk, method) = state.app.accept_risk(&actor, id, &form.note).await?;
    Ok(Json(view(risk, &method, state.app.now())))
}

/// Which system's heat map; all open risks when absent.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HeatMapParams {
    pub system: Option<String>,
}

/// The heat map of open risks, inherent beside residual, as SVG.
#[utoipa::path(get, path = "/api/v1/risks/heat-map", tag = "risks", params(HeatMapParams), responses(
    (status = 200, content_type = "image/svg+xml", description = "The heat map"), (status = 422, body = Problem),
))]
pub async fn heat_map(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<HeatMapParams>,
) -> Result<Response, ApiError> {
    let system = params
        .system
        .filter(|s| !s.is_empty())
        .map(|s| {
            s.parse::<AiSystemId>()
                .map_err(|_| invalid(ValidationError::new("system", "must be an AI system's id")))
        })
        .transpose()?;
    let link = crate::addresses::open_risks(system);
    let svg = state.app.risk_heat_map(&actor, system, Some(&link)).await?;
    Ok(([(header::CONTENT_TYPE, "image/svg+xml")], svg).into_response())
}
