//! One metric's page: its definition, its trend chart over a chosen stretch, the form to
//! record a value (its owner and editors, for metrics people measure), "measure now" for
//! computed ones, its measurements, and the objectives it measures.

use aims_app::domain::measurement::{Measurement, Metric, MetricValue, Objective, Standing};
use aims_app::domain::{Actor, MeasurementId, MetricId, Permission, Timestamp};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::trend_chart::metric_trend_svg;
use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, form_date, render,
};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The measurement form's fields.
const FIELDS: FormFields = FormFields {
    prefix: "v-",
    labels: &[("value", "Value"), ("at", "Measured on"), ("note", "Note")],
};

/// Measurements one page of the table shows.
const PER_PAGE: i64 = 50;

/// The stretches of time the chart can show: query value, label, days (none: everything).
const RANGES: [(&str, &str, Option<i64>); 4] = [
    ("90d", "90 days", Some(90)),
    ("1y", "1 year", Some(365)),
    ("5y", "5 years", Some(5 * 366)),
    ("all", "everything", None),
];

/// What the page was asked to show.
#[derive(Deserialize, Default)]
pub struct MetricQuery {
    done: Option<String>,
    range: Option<String>,
    offset: Option<i64>,
}

/// A measurement as its form carries it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MeasurementForm {
    value: String,
    at: String,
    note: String,
}

#[derive(Template)]
#[template(path = "metric.html")]
struct MetricPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    metric: Metric,
    owner: Option<String>,
    system: Option<(String, String)>,
    standing: Option<Standing>,
    overdue: bool,
    chart: String,
    range: &'static str,
    ranges: [(&'static str, &'static str, Option<i64>); 4],
    measurements: Vec<(Measurement, Standing)>,
    total: i64,
    offset: i64,
    objectives: Vec<Objective>,
    can_edit: bool,
    can_measure: bool,
    form: MeasurementForm,
    problem: FormProblem,
}

impl MetricPage {
    fn previous(&self) -> Option<String> {
        (self.offset > 0).then(|| {
            format!(
                "/monitoring/metrics/{}?range={}&offset={}",
                self.metric.id,
                self.range,
                (self.offset - PER_PAGE).max(0)
            )
        })
    }

    fn next(&self) -> Option<String> {
        (self.offset + PER_PAGE < self.total).then(|| {
            format!(
                "/monitoring/metrics/{}?range={}&offset={}",
                self.metric.id,
                self.range,
                self.offset + PER_PAGE
            )
        })
    }

    fn value(&self, v: &Option<MetricValue>) -> String {
        v.map_or_else(
            || "—".to_owned(),
            |v| format!("{v} {}", self.metric.facts.unit),
        )
    }
}

async fn metric_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: MetricId,
    q: MetricQuery,
    form: MeasurementForm,
    problem: FormProblem,
) -> Response {
    let (range, _, days) = RANGES
        .iter()
        .copied()
        .find(|(key, _, _)| Some(*key) == q.range.as_deref())
        .unwrap_or(RANGES[1]);
    let now = state.app.now();
    let since = days.map_or(Timestamp::from_micros(i64::MIN / 2), |d| now.plus_days(-d));
    let offset = q.offset.unwrap_or(0).clamp(0, aims_app::MAX_OFFSET);
    let loaded = async {
        let metric = state.app.metric(actor, id).await?;
        let points = state.app.metric_trend(actor, id, since).await?;
        let (measurements, total) = state.app.measurements(actor, id, PER_PAGE, offset).await?;
        let objectives = state.app.objectives_of_metric(actor, id).await?;
        let members = state.app.members(actor).await?;
        let system = match metric.facts.system {
            Some(s) => state
                .app
                .names_of(actor, aims_app::Register::Systems, &[s.to_string()])
                .await?
                .remove(&s.to_string())
                .map(|name| (s.to_string(), name)),
            None => None,
        };
        Ok::<_, AppError>((
            metric,
            points,
            measurements,
            total,
            objectives,
            members,
            system,
        ))
    };
    let (metric, points, measurements, total, objectives, members, system) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some("The metric was defined."),
        Some("saved") => Some("Your changes were saved."),
        Some("measured") => Some("The measurement was recorded."),
        Some("computed") => Some("aims measured the metric now."),
        Some("nothing") => Some("There is nothing to measure yet (no red-team run)."),
        Some("removed") => Some("The measurement was deleted."),
        _ => None,
    };
    let owner = metric.facts.owner.and_then(|u| {
        members
            .iter()
            .find(|m| m.user == u)
            .map(|m| m.display_name.clone())
    });
    let can_edit = actor.role.grants(Permission::EditContent);
    let is_owner = metric.facts.owner.is_some() && metric.facts.owner == actor.user();
    let chart = metric_trend_svg(
        &metric.id.to_string(),
        &format!(
            "{} over {}",
            metric.facts.name,
            RANGES.iter().find(|r| r.0 == range).map_or("", |r| r.1)
        ),
        &metric.facts,
        &points,
    );
    render(
        problem.status(),
        &MetricPage {
            chrome: Some(Chrome::new(context, "metrics")),
            notice: notice.map(str::to_owned),
            owner,
            system,
            standing: metric.standing(),
            overdue: metric.overdue(now),
            chart,
            range,
            ranges: RANGES,
            measurements: measurements
                .into_iter()
                .map(|m| {
                    let s = metric.facts.standing(m.value);
                    (m, s)
                })
                .collect(),
            total,
            offset,
            objectives,
            can_edit,
            can_measure: (can_edit || is_owner) && !metric.facts.source.is_computed(),
            metric,
            form,
            problem,
        },
    )
}

/// `GET /monitoring/metrics/{id}`.
pub async fn metric_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<MetricId>,
    Query(q): Query<MetricQuery>,
) -> Response {
    metric_view(
        &state,
        &context,
        &actor,
        id,
        q,
        MeasurementForm::default(),
        FormProblem::default(),
    )
    .await
}

/// `POST /monitoring/metrics/{id}/measurements`: records a value (its owner, or an editor, as the use
/// case decides).
pub async fn record(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<MetricId>,
    PageForm(form): PageForm<MeasurementForm>,
) -> Response {
    let result = async {
        let value = MetricValue::parse("value", &form.value)?;
        // A past day typed in the form is taken at its start; today is taken now, so that
        // today's value comes after any measured earlier today.
        let now = state.app.now();
        let at =
            form_date("at", &form.at)?.map(|day| if day.date() == now.date() { now } else { day });
        state
            .app
            .record_measurement(&actor, id, at, value, &form.note)
            .await
    };
    match result.await {
        Ok(_) => done(&format!("/monitoring/metrics/{id}"), "measured"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                metric_view(
                    &state,
                    &context,
                    &actor,
                    id,
                    MetricQuery::default(),
                    form,
                    problem,
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /monitoring/metrics/{id}/measure`: measures a computed metric now.
pub async fn measure_now(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<MetricId>,
) -> Response {
    match state.app.measure_now(&actor, id).await {
        Ok(Some(_)) => done(&format!("/monitoring/metrics/{id}"), "computed"),
        Ok(None) => done(&format!("/monitoring/metrics/{id}"), "nothing"),
        Err(err) => app_error_page(err),
    }
}

/// `POST /monitoring/metrics/{id}/measurements/{measurement}/delete`: deletes a value recorded in error.
pub async fn delete_measurement(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId((id, measurement)): PageId<(MetricId, MeasurementId)>,
) -> Response {
    match state.app.delete_measurement(&actor, id, measurement).await {
        Ok(()) => done(&format!("/monitoring/metrics/{id}"), "removed"),
        Err(err) => app_error_page(err),
    }
}
