//! The objectives page (ISO/IEC 42001 6.2): each objective with its status, deadline, owner
//! and the metric that measures it; and one objective's page with that metric's trend.

use std::collections::HashMap;

use aims_app::AppError;
use aims_app::domain::measurement::{Metric, Objective, ObjectiveStatus, Standing};
use aims_app::domain::{ObjectiveId, Permission, Timestamp};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::trend_chart::metric_trend_svg;
use super::{Chrome, Done, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// One objective as the list shows it.
pub struct ObjectiveLine {
    pub objective: Objective,
    pub overdue: bool,
    pub owner: Option<String>,
    /// The metric's id, name, latest value with unit, and standing.
    pub metric: Option<(String, String, Option<String>, Option<Standing>)>,
}

/// The badge class of an objective's status.
pub fn status_class(status: &ObjectiveStatus) -> &'static str {
    match *status {
        ObjectiveStatus::Achieved => "ok",
        ObjectiveStatus::AtRisk => "warn",
        ObjectiveStatus::Missed => "danger",
        ObjectiveStatus::OnTrack | ObjectiveStatus::Planned => "info",
        ObjectiveStatus::Withdrawn => "neutral",
    }
}

fn metric_summary(m: &Metric) -> (String, String, Option<String>, Option<Standing>) {
    (
        m.id.to_string(),
        m.facts.name.clone(),
        m.latest
            .as_ref()
            .map(|l| format!("{} {}", l.value, m.facts.unit)),
        m.standing(),
    )
}

#[derive(Template)]
#[template(path = "objectives.html")]
struct ObjectivesPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    lines: Vec<ObjectiveLine>,
    open: usize,
    overdue: usize,
    can_edit: bool,
}

/// `GET /objectives`.
pub async fn list(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let loaded = async {
        let objectives = state.app.objectives(&actor).await?;
        let metrics = state.app.metrics(&actor).await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, AppError>((objectives, metrics, members))
    };
    let (objectives, metrics, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let metrics: HashMap<_, _> = metrics.iter().map(|m| (m.id, m)).collect();
    let now = state.app.now();
    let lines: Vec<ObjectiveLine> = objectives
        .into_iter()
        .map(|o| ObjectiveLine {
            overdue: o.overdue(now),
            owner: o.facts.owner.and_then(|u| {
                members
                    .iter()
                    .find(|m| m.user == u)
                    .map(|m| m.display_name.clone())
            }),
            metric: o
                .facts
                .metric
                .and_then(|id| metrics.get(&id))
                .map(|m| metric_summary(m)),
            objective: o,
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("deleted") => Some("The objective was deleted.".to_owned()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &ObjectivesPage {
            chrome: Some(Chrome::new(&context, "objectives")),
            notice,
            open: lines
                .iter()
                .filter(|l| l.objective.facts.status.is_open())
                .count(),
            overdue: lines.iter().filter(|l| l.overdue).count(),
            lines,
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}

#[derive(Template)]
#[template(path = "objective.html")]
struct ObjectivePage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    line: ObjectiveLine,
    policy: Option<(String, String)>,
    chart: Option<String>,
    can_edit: bool,
}

/// `GET /objectives/{id}`: the objective, and its metric's trend over the past year.
pub async fn objective_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<ObjectiveId>,
    Query(q): Query<Done>,
) -> Response {
    let now = state.app.now();
    let loaded = async {
        let o = state.app.objective(&actor, id).await?;
        let members = state.app.members(&actor).await?;
        let metric = match o.facts.metric {
            Some(m) => Some(state.app.metric(&actor, m).await?),
            None => None,
        };
        let chart = match &metric {
            Some(m) => {
                let since: Timestamp = now.plus_days(-365);
                let points = state.app.metric_trend(&actor, m.id, since).await?;
                Some(metric_trend_svg(
                    &m.id.to_string(),
                    &format!("{} over the past year", m.facts.name),
                    &m.facts,
                    &points,
                ))
            }
            None => None,
        };
        let policy = match o.facts.policy {
            Some(d) => state
                .app
                .names_of(&actor, aims_app::Register::Documents, &[d.to_string()])
                .await?
                .remove(&d.to_string())
                .map(|title| (d.to_string(), title)),
            None => None,
        };
        Ok::<_, AppError>((o, members, metric, chart, policy))
    };
    let (o, members, metric, chart, policy) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let notice = match q.done.as_deref() {
        Some("created") => Some("The objective was set; its owner was told."),
        Some("saved") => Some("Your changes were saved."),
        _ => None,
    };
    render(
        StatusCode::OK,
        &ObjectivePage {
            chrome: Some(Chrome::new(&context, "objectives")),
            notice: notice.map(str::to_owned),
            line: ObjectiveLine {
                overdue: o.overdue(now),
                owner: o.facts.owner.and_then(|u| {
                    members
                        .iter()
                        .find(|m| m.user == u)
                        .map(|m| m.display_name.clone())
                }),
                metric: metric.as_ref().map(metric_summary),
                objective: o,
            },
            policy,
            chart,
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}
