//! The metrics page: every metric with its latest value and how it stands, those breached
//! first; and the objectives page's shared pieces of a metric's standing.

use aims_app::domain::Permission;
use aims_app::domain::measurement::{Metric, Standing};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

use super::{Chrome, Done, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// One metric as a list shows it.
pub struct MetricLine {
    pub id: String,
    pub name: String,
    pub source: &'static str,
    pub computed: bool,
    /// The latest value with its unit, or none yet.
    pub latest: Option<String>,
    pub latest_at: Option<String>,
    pub standing: Option<Standing>,
    pub target: Option<String>,
    pub next_due: Option<String>,
    pub overdue: bool,
    pub owner: Option<String>,
}

/// The mark a standing shows beside its words, so that it reads without colour.
pub fn standing_badge(standing: &Standing) -> (&'static str, &'static str) {
    match *standing {
        Standing::Breached => ("danger", "✖"),
        Standing::Warning => ("warn", "▲"),
        Standing::OffTarget => ("warn", "●"),
        Standing::Met => ("ok", "✔"),
        Standing::Unjudged => ("neutral", "–"),
    }
}

/// How urgent a standing is, for putting the worst first.
fn urgency(standing: Option<Standing>) -> u8 {
    match standing {
        Some(Standing::Breached) => 0,
        Some(Standing::Warning) => 1,
        Some(Standing::OffTarget) => 2,
        None => 3,
        Some(Standing::Unjudged) => 4,
        Some(Standing::Met) => 5,
    }
}

/// Puts the metrics needing attention first (breached, warning, short of target, not yet
/// measured), then by name.
pub fn worst_first(metrics: &mut [Metric]) {
    metrics.sort_by(|a, b| {
        (urgency(a.standing()), &a.facts.name).cmp(&(urgency(b.standing()), &b.facts.name))
    });
}

/// `metrics` as list lines, the worst standing first, then by name.
pub fn metric_lines(
    mut metrics: Vec<Metric>,
    members: &[aims_app::domain::account::Member],
    now: aims_app::domain::Timestamp,
) -> Vec<MetricLine> {
    worst_first(&mut metrics);
    metrics
        .into_iter()
        .map(|m| {
            let unit = m.facts.unit.clone();
            MetricLine {
                id: m.id.to_string(),
                source: m.facts.source.label(),
                computed: m.facts.source.is_computed(),
                latest: m.latest.as_ref().map(|l| format!("{} {unit}", l.value)),
                latest_at: m.latest.as_ref().map(|l| l.at.date()),
                standing: m.standing(),
                target: m.facts.target.map(|t| format!("{t} {unit}")),
                next_due: m.next_due().map(|d| d.date()),
                overdue: m.overdue(now),
                owner: m.facts.owner.and_then(|u| {
                    members
                        .iter()
                        .find(|p| p.user == u)
                        .map(|p| p.display_name.clone())
                }),
                name: m.facts.name,
            }
        })
        .collect()
}

#[derive(Template)]
#[template(path = "metrics.html")]
struct MetricsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    lines: Vec<MetricLine>,
    breached: usize,
    can_edit: bool,
}

/// `GET /monitoring/metrics`.
pub async fn list(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let loaded = async {
        let metrics = state.app.metrics(&actor).await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, aims_app::AppError>((metrics, members))
    };
    let (metrics, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let lines = metric_lines(metrics, &members, state.app.now());
    let notice = match q.done.as_deref() {
        Some("deleted") => Some("The metric and its measurements were deleted.".to_owned()),
        _ => None,
    };
    render(
        StatusCode::OK,
        &MetricsPage {
            chrome: Some(Chrome::new(&context, "metrics")),
            notice,
            breached: lines
                .iter()
                .filter(|l| l.standing == Some(Standing::Breached))
                .count(),
            lines,
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}
