//! Monitoring and measurement: metrics, their measurements and trend.

use aims_app::domain::measurement::{
    Cadence, Direction, Measurement, Metric, MetricFacts, MetricSource, MetricValue, TrendPoint,
};
use aims_app::domain::{AiSystemId, MeasurementId, MetricId, Timestamp, UserId, ValidationError};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form_values::{choice_or, invalid, optional_id, require_revision};
use super::{Body, Id, Params, read_body};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A metric's definition as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MetricForm {
    pub name: String,
    #[serde(default)]
    pub description: String,
    /// What its values count (`%`, `days`...); computed sources set their own.
    #[serde(default)]
    pub unit: String,
    /// `higher_is_better` (default) or `lower_is_better`; computed sources set their own.
    pub direction: Option<String>,
    pub target: Option<f64>,
    /// A value beyond it asks for attention.
    pub warning: Option<f64>,
    /// A value beyond it breaches the metric and opens a task for its owner.
    pub breach: Option<f64>,
    /// `daily`, `weekly`, `monthly` (default) or `quarterly`.
    pub cadence: Option<String>,
    /// `manual` (default), `redteam_attack_success`, `high_risk_assessed`,
    /// `evidence_current`, `overdue_risk_reviews` or `open_nonconformities`.
    pub source: Option<String>,
    /// For `redteam_attack_success`: the one AI system it watches.
    pub system: Option<String>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl MetricForm {
    fn facts(self) -> Result<MetricFacts, ValidationError> {
        let value = |field, v: Option<f64>| v.map(|n| MetricValue::from_f64(field, n)).transpose();
        Ok(MetricFacts {
            target: value("target", self.target)?,
            warning: value("warning", self.warning)?,
            breach: value("breach", self.breach)?,
            direction: choice_or(self.direction.as_deref(), Direction::HigherIsBetter)?,
            cadence: choice_or(self.cadence.as_deref(), Cadence::Monthly)?,
            source: choice_or(self.source.as_deref(), MetricSource::Manual)?,
            system: optional_id::<AiSystemId>("system", self.system.as_deref())?,
            owner: optional_id::<UserId>("owner", self.owner.as_deref())?,
            name: self.name,
            description: self.description,
            unit: self.unit,
        })
    }
}

/// One measurement.
#[derive(Serialize, ToSchema)]
pub struct MeasurementView {
    pub id: String,
    /// When the value held.
    pub at: String,
    pub value: f64,
    /// The value exactly, as a decimal (six places at most).
    pub value_text: String,
    /// `met`, `off_target`, `warning`, `breached` or `unjudged`.
    pub standing: String,
    pub note: String,
    pub recorded_by: String,
    pub recorded_at: String,
}

fn measurement_view(m: &Measurement, facts: &MetricFacts) -> MeasurementView {
    MeasurementView {
        id: m.id.to_string(),
        at: m.at.to_string(),
        value: m.value.as_f64(),
        value_text: m.value.to_string(),
        standing: facts.standing(m.value).as_str().into(),
        note: m.note.clone(),
        recorded_by: m.recorded_by.clone(),
        recorded_at: m.created_at.to_string(),
    }
}

/// A metric, with its latest measurement.
#[derive(Serialize, ToSchema)]
pub struct MetricView {
    pub id: String,
    pub name: String,
    pub description: String,
    pub unit: String,
    pub direction: String,
    pub target: Option<f64>,
    pub warning: Option<f64>,
    pub breach: Option<f64>,
    pub cadence: String,
    pub source: String,
    /// Whether aims measures it itself.
    pub computed: bool,
    pub system: Option<String>,
    pub owner: Option<String>,
    pub latest: Option<MeasurementView>,
    /// How the latest value stands; none before the first measurement.
    pub standing: Option<String>,
    /// When the next measurement falls due; none before the first.
    pub next_due: Option<String>,
    /// Whether a measurement is overdue (a day past its cadence).
    pub overdue: bool,
    pub revision: i64,
    pub created_at: String,
    pub updated_at: String,
}

pub(crate) fn metric_view(m: &Metric, now: Timestamp) -> MetricView {
    let f = &m.facts;
    let number = |v: Option<MetricValue>| v.map(MetricValue::as_f64);
    MetricView {
        id: m.id.to_string(),
        name: f.name.clone(),
        description: f.description.clone(),
        unit: f.unit.clone(),
        direction: f.direction.as_str().into(),
        target: number(f.target),
        warning: number(f.warning),
        breach: number(f.breach),
        cadence: f.cadence.as_str().into(),
        source: f.source.as_str().into(),
        computed: f.source.is_computed(),
        system: f.system.map(|s| s.to_string()),
        owner: f.owner.map(|u| u.to_string()),
        latest: m.latest.as_ref().map(|l| measurement_view(l, f)),
        standing: m.standing().map(|s| s.as_str().into()),
        next_due: m.next_due().map(|d| d.to_string()),
        overdue: m.overdue(now),
        revision: m.revision,
        created_at: m.created_at.to_string(),
        updated_at: m.updated_at.to_string(),
    }
}

/// The metrics.
#[derive(Serialize, ToSchema)]
pub struct MetricListView {
    pub metrics: Vec<MetricView>,
}

/// The organisation's metrics by name, each with its latest measurement.
#[utoipa::path(get, path = "/api/v1/metrics", tag = "measurement", responses(
    (status = 200, body = MetricListView),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<MetricListView>, ApiError> {
    let metrics = state.app.metrics(&actor).await?;
    let now = state.app.now();
    Ok(Json(MetricListView {
        metrics: metrics.iter().map(|m| metric_view(m, now)).collect(),
    }))
}

/// Defines a metric (owner, admin, editor); its owner is told.
#[utoipa::path(post, path = "/api/v1/metrics", tag = "measurement", request_body = MetricForm, responses(
    (status = 201, body = MetricView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<MetricForm>,
) -> Result<(StatusCode, Json<MetricView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let metric = state.app.create_metric(&actor, facts).await?;
    Ok((
        StatusCode::CREATED,
        Json(metric_view(&metric, state.app.now())),
    ))
}

/// One metric.
#[utoipa::path(get, path = "/api/v1/metrics/{id}", tag = "measurement", params(("id" = String, Path)), responses(
    (status = 200, body = MetricView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MetricId>,
) -> Result<Json<MetricView>, ApiError> {
    let metric = state.app.metric(&actor, id).await?;
    Ok(Json(metric_view(&metric, state.app.now())))
}

/// Changes a metric's definition from `revision` (owner, admin, editor); 409 when someone
/// changed it meanwhile.
#[utoipa::path(put, path = "/api/v1/metrics/{id}", tag = "measurement", params(("id" = String, Path)),
    request_body = MetricForm, responses(
    (status = 200, body = MetricView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<MetricId>,
    Body(form): Body<MetricForm>,
) -> Result<Json<MetricView>, ApiError> {
    let revision = require_revision(form.revision)?;
    let facts = form.facts().map_err(invalid)?;
    let metric = state.app.update_metric(&actor, id, revision, facts).await?;
    Ok(Json(metric_view(&metric, state.app.now())))
}

/// Deletes a metric and its measurements (owner, admin, editor).
#[utoipa::path(delete, path = "/api/v1/metrics/{id}", tag = "measurement", params(("id" = String, Path)), responses(
    (status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<MetricId>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_metric(&actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which measurements to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct MeasurementParams {
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of measurements.
#[derive(Serialize, ToSchema)]
pub struct MeasurementPageView {
    pub measurements: Vec<MeasurementView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// A metric's measurements, newest first.
#[utoipa::path(get, path = "/api/v1/metrics/{id}/measurements", tag = "measurement",
    params(("id" = String, Path), MeasurementParams), responses(
    (status = 200, body = MeasurementPageView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn measurements(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MetricId>,
    Params(p): Params<MeasurementParams>,
) -> Result<Json<MeasurementPageView>, ApiError> {
    let (limit, offset) = super::form_values::page(p.limit, p.offset)?;
    let metric = state.app.metric(&actor, id).await?;
    let (list, total) = state.app.measurements(&actor, id, limit, offset).await?;
    Ok(Json(MeasurementPageView {
        measurements: list
            .iter()
            .map(|m| measurement_view(m, &metric.facts))
            .collect(),
        total,
        limit,
        offset,
    }))
}

/// A measurement as recorded.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct MeasurementForm {
    pub value: f64,
    /// When the value held (RFC 3339; now when not given; never in the future).
    #[schema(value_type = Option<String>)]
    pub at: Option<Timestamp>,
    #[serde(default)]
    pub note: String,
}

/// Records a measurement of a metric people measure (its owner, or an editor); a value
/// beyond the breach threshold opens a task for the owner.
#[utoipa::path(post, path = "/api/v1/metrics/{id}/measurements", tag = "measurement",
    params(("id" = String, Path)), request_body = MeasurementForm, responses(
    (status = 201, body = MeasurementView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn record(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MetricId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<(StatusCode, Json<MeasurementView>), ApiError> {
    // Who may record (editors, or the metric's owner) depends on the metric: checked before
    // the body is read.
    state.app.authorize_measurement(&actor, id).await?;
    let form: MeasurementForm = read_body(&headers, &body)?;
    let value = MetricValue::from_f64("value", form.value).map_err(invalid)?;
    let m = state
        .app
        .record_measurement(&actor, id, form.at, value, &form.note)
        .await?;
    let metric = state.app.metric(&actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(measurement_view(&m, &metric.facts)),
    ))
}

/// Measures a metric aims computes now, whatever its cadence (owner, admin, editor); 204
/// when there is nothing to measure yet (no red-team run).
#[utoipa::path(post, path = "/api/v1/metrics/{id}/measure", tag = "measurement",
    params(("id" = String, Path)), responses(
    (status = 201, body = MeasurementView), (status = 204, description = "Nothing to measure yet"),
    (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn measure_now(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<MetricId>,
) -> Result<axum::response::Response, ApiError> {
    use axum::response::IntoResponse;
    let Some(m) = state.app.measure_now(&actor, id).await? else {
        return Ok(StatusCode::NO_CONTENT.into_response());
    };
    let metric = state.app.metric(&actor, id).await?;
    Ok((
        StatusCode::CREATED,
        Json(measurement_view(&m, &metric.facts)),
    )
        .into_response())
}

/// Deletes a measurement recorded in error (owner, admin, editor).
#[utoipa::path(delete, path = "/api/v1/metrics/{id}/measurements/{measurement}", tag = "measurement",
    params(("id" = String, Path), ("measurement" = String, Path)), responses(
    (status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem),
))]
pub async fn delete_measurement(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id((id, measurement)): Id<(MetricId, MeasurementId)>,
) -> Result<StatusCode, ApiError> {
    state
        .app
        .delete_measurement(&actor, id, measurement)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Which stretch of a trend to show.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrendParams {
    /// From this instant on (RFC 3339; default, or blank: a year ago).
    pub since: Option<String>,
}

/// One point of a trend: the mean of the measurements in a stretch of time.
#[derive(Serialize, ToSchema)]
pub struct TrendPointView {
    pub at: String,
    pub mean: f64,
    pub low: f64,
    pub high: f64,
    /// How many measurements it stands for.
    pub count: usize,
}

/// A metric's trend.
#[derive(Serialize, ToSchema)]
pub struct TrendView {
    pub since: String,
    pub points: Vec<TrendPointView>,
}

fn point_view(p: &TrendPoint) -> TrendPointView {
    TrendPointView {
        at: p.at.to_string(),
        mean: p.mean.as_f64(),
        low: p.low.as_f64(),
        high: p.high.as_f64(),
        count: p.count,
    }
}

/// A metric's trend: at most 240 points, each the mean of a stretch of time.
#[utoipa::path(get, path = "/api/v1/metrics/{id}/trend", tag = "measurement",
    params(("id" = String, Path), TrendParams), responses(
    (status = 200, body = TrendView), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn trend(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<MetricId>,
    Params(p): Params<TrendParams>,
) -> Result<Json<TrendView>, ApiError> {
    let since = match p.since.as_deref().map(str::trim) {
        None | Some("") => state.app.now().plus_days(-365),
        Some(text) => Timestamp::parse_rfc3339(text).map_err(|_| {
            invalid(ValidationError::new(
                "since",
                format!("{text:?} is not an RFC 3339 date-time such as 2027-06-30T00:00:00Z"),
            ))
        })?,
    };
    let points = state.app.metric_trend(&actor, id, since).await?;
    Ok(Json(TrendView {
        since: since.to_string(),
        points: points.iter().map(point_view).collect(),
    }))
}
