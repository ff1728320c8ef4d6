//! The overview of the active organisation: its readiness for ISO/IEC 42001 as charts, and
//! counts of what it holds.

use aims_app::AuditQuery;
use aims_app::domain::Permission;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::{HeaderMap, StatusCode, header};
use axum::response::{IntoResponse, Redirect, Response};

use super::{Chrome, Done, app_error_page, notice_for, render};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "home.html")]
struct HomePage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    org_name: String,
    role: String,
    member_count: usize,
    token_count: usize,
    audit_events: Option<i64>,
    readiness: aims_app::Readiness,
    /// The getting-started path, unless the person hid it.
    path: Option<aims_app::GettingStarted>,
    path_hidden: bool,
    /// Systems by EU AI Act class, as an SVG chart.
    class_chart: String,
    /// Annex A implementation by group, as an SVG chart.
    coverage_chart: String,
    /// Clauses 4–10 evidence, as an SVG chart.
    clause_chart: String,
    /// Monitoring and measurement at a glance.
    measurement: Measurement,
    /// Open nonconformities by age, and corrective actions past their day.
    nonconformities: aims_app::NonconformityCounts,
}

/// The dashboard's view of metrics and objectives.
struct Measurement {
    metrics: usize,
    breached: usize,
    /// Past a warning threshold or short of target.
    attention: usize,
    overdue: usize,
    open_objectives: usize,
    late_objectives: usize,
    /// The trends of the metrics most in need of attention: id, name and SVG.
    charts: Vec<(String, String, String)>,
}

/// How many metric trends the dashboard draws.
const DASHBOARD_TRENDS: usize = 2;

async fn measurement(
    app: &aims_app::App,
    actor: &aims_app::domain::Actor,
) -> Result<Measurement, aims_app::AppError> {
    use aims_app::domain::measurement::Standing;
    let now = app.now();
    let metrics = app.metrics(actor).await?;
    let objectives = app.objectives(actor).await?;
    let count =
        |f: &dyn Fn(&Option<Standing>) -> bool| metrics.iter().filter(|m| f(&m.standing())).count();
    let mut summary = Measurement {
        metrics: metrics.len(),
        breached: count(&|s| *s == Some(Standing::Breached)),
        attention: count(&|s| matches!(s, Some(Standing::Warning | Standing::OffTarget))),
        overdue: metrics.iter().filter(|m| m.overdue(now)).count(),
        open_objectives: objectives
            .iter()
            .filter(|o| o.facts.status.is_open())
            .count(),
        late_objectives: objectives.iter().filter(|o| o.overdue(now)).count(),
        charts: Vec::new(),
    };
    let mut metrics = metrics;
    super::metrics::worst_first(&mut metrics);
    for metric in metrics.iter().take(DASHBOARD_TRENDS) {
        let points = app
            .metric_trend(actor, metric.id, now.plus_days(-365))
            .await?;
        let title = format!("{} over the past year", metric.facts.name);
        let svg = super::trend_chart::metric_trend_svg(
            &metric.id.to_string(),
            &title,
            &metric.facts,
            &points,
        );
        summary
            .charts
            .push((metric.id.to_string(), metric.facts.name.clone(), svg));
    }
    Ok(summary)
}

/// `GET /`: the overview of the active organisation.
pub async fn home(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
    headers: HeaderMap,
) -> Response {
    let app = &state.app;
    let path_hidden = crate::identity::cookie(&headers, PATH_COOKIE) == Some("hidden");
    let loaded = async {
        let org = app.organisation(&actor).await?;
        let members = app.members(&actor).await?.len();
        let tokens = app.tokens(&actor).await?.len();
        let audit = if actor.role.grants(Permission::ReadAuditTrail) {
            let page = app
                .audit_events(
                    &actor,
                    AuditQuery {
                        limit: 1,
                        ..AuditQuery::default()
                    },
                    None,
                )
                .await?;
            Some(page.events.first().map_or(0, |e| e.seq))
        } else {
            None
        };
        let readiness = app.readiness(&actor).await?;
        let path = match path_hidden {
            true => None,
            false => Some(app.getting_started(&actor).await?),
        };
        let measured = measurement(app, &actor).await?;
        let ncs = app.nonconformity_counts(&actor).await?;
        Ok::<_, aims_app::AppError>((org, members, tokens, audit, readiness, path, measured, ncs))
    };
    match loaded.await {
        Ok((
            org,
            member_count,
            token_count,
            audit_events,
            readiness,
            path,
            measurement,
            nonconformities,
        )) => render(
            StatusCode::OK,
            &HomePage {
                chrome: Some(Chrome::new(&context, "home")),
                notice: notice_for(q.done.as_deref()),
                org_name: org.name,
                role: actor.role.label().to_owned(),
                member_count,
                token_count,
                audit_events,
                class_chart: super::dashboard_charts::class_chart(&readiness),
                coverage_chart: super::dashboard_charts::coverage_chart(&readiness),
                clause_chart: super::dashboard_charts::clause_chart(&readiness),
                readiness,
                path,
                path_hidden,
                measurement,
                nonconformities,
            },
        ),
        Err(err) => app_error_page(err),
    }
}

/// The cookie that remembers, in this browser, that the getting-started guide is hidden.
const PATH_COOKIE: &str = "aims_guide";

/// Whether to show the guide, as its buttons post it.
#[derive(serde::Deserialize)]
pub struct GuideChoice {
    #[serde(default)]
    show: bool,
}

/// `POST /getting-started`: hides or shows the guide in this browser.
pub async fn guide(
    PageMember { .. }: PageMember,
    super::PageForm(choice): super::PageForm<GuideChoice>,
) -> Response {
    let cookie = match choice.show {
        true => format!("{PATH_COOKIE}=; Path=/; SameSite=Lax; Max-Age=0"),
        false => format!("{PATH_COOKIE}=hidden; Path=/; SameSite=Lax; Max-Age=31536000"),
    };
    ([(header::SET_COOKIE, cookie)], Redirect::to("/")).into_response()
}
