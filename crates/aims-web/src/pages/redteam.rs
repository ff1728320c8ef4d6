//! A red-team run's page: verdict, rates per category and probe, and the journal as evidence.

use aims_app::domain::RedTeamRunId;
use aims_app::domain::redteam::RedTeamRun;
use aims_app::redteam_engine::report::Summary;
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::charts::{Bar, percent_bar_chart_svg};
use super::systems::{SystemForms, system_view};
use super::{Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// One category or probe as a row.
pub struct Row {
    pub name: String,
    /// The row's id on the page (`category-prompt-injection`), which the chart's bars link to.
    pub anchor: String,
    pub severity: &'static str,
    pub tags: String,
    pub judged: u64,
    pub failed: u64,
    pub errors: u64,
    pub rate: String,
    pub threshold: String,
    pub exceeded: bool,
}

#[derive(Template)]
#[template(path = "redteam_run.html")]
struct RunPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    run: RedTeamRun,
    interval: String,
    reasons: Vec<String>,
    categories: Vec<Row>,
    probes: Vec<Row>,
    category_chart: String,
    /// The reader may raise a nonconformity from the run.
    can_edit: bool,
}

fn percent(value: f64) -> String {
    format!("{:.1}%", value * 100.0)
}

/// `name` as the end of an element id: lower-case letters and digits, the rest as dashes.
fn anchor(prefix: &str, name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    format!("{prefix}-{slug}")
}

fn rows(prefix: &str, groups: &[aims_app::redteam_engine::report::GroupSummary]) -> Vec<Row> {
    groups
        .iter()
        .enumerate()
        .map(|(n, g)| Row {
            // The position keeps two names that read the same apart.
            anchor: format!("{}-{n}", anchor(prefix, &g.name)),
            name: g.name.clone(),
            severity: g.severity.map_or("", |s| s.name()),
            tags: g.taxonomy.tags().join(", "),
            judged: g.judged,
            failed: g.failed,
            errors: g.errors,
            rate: percent(g.attack_success.value),
            threshold: g.threshold.map_or("—".into(), percent),
            exceeded: g.exceeded,
        })
        .collect()
}

/// `GET /redteam-runs/{id}`.
pub async fn run_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<RedTeamRunId>,
) -> Response {
    let run = match state.app.redteam_run(&actor, id).await {
        Ok(run) => run,
        Err(err) => return app_error_page(err),
    };
    // A summary written by an older release may not read as today's: show the figures kept
    // beside it rather than fail.
    let summary: Option<Summary> = serde_json::from_value(run.summary.clone()).ok();
    let (interval, reasons, categories, probes) = match &summary {
        Some(s) => (
            format!(
                "{}–{}",
                percent(s.totals.attack_success.low),
                percent(s.totals.attack_success.high)
            ),
            s.reasons.clone(),
            rows("category", &s.categories),
            rows("probe", &s.probes),
        ),
        None => ("unknown".into(), Vec::new(), Vec::new(), Vec::new()),
    };
    // Each bar leads to its category's row in the table below the chart.
    let hrefs: Vec<String> = categories
        .iter()
        .map(|r| format!("#{}", r.anchor))
        .collect();
    let bars: Vec<Bar<'_>> = categories
        .iter()
        .zip(&hrefs)
        .zip(summary.iter().flat_map(|s| s.categories.iter()))
        .map(|((row, href), group)| Bar {
            label: &row.name,
            value: (group.attack_success.value * 100.0).round() as i64,
            href,
            colour: if group.failed == 0 {
                "#1a7f37"
            } else {
                "#b3261e"
            },
        })
        .collect();
    let category_chart = percent_bar_chart_svg("Attack success rate by category (%)", &bars);
    render(
        StatusCode::OK,
        &RunPage {
            chrome: Some(Chrome::new(&context, "systems")),
            notice: None,
            run,
            interval,
            reasons,
            categories,
            probes,
            category_chart,
            can_edit: actor.role.grants(aims_app::domain::Permission::EditContent),
        },
    )
}

/// The red-team form's one field.
const START_FIELDS: FormFields = FormFields {
    prefix: "rt-",
    labels: &[("config", "Run config:")],
};

/// The run config as the system page posts it; kept as typed when it is refused.
#[derive(serde::Deserialize)]
pub struct StartForm {
    #[serde(default)]
    config: String,
}

/// `POST /systems/{id}/redteam-jobs`: queue a run, back to the system page.
pub async fn start(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageId(id): PageId<aims_app::domain::AiSystemId>,
    PageForm(form): PageForm<StartForm>,
) -> Response {
    match state.app.start_redteam_run(&actor, id, &form.config).await {
        Ok(_) => done(&format!("/systems/{id}"), "redteam-queued"),
        Err(err) => match FormProblem::from_error(err, &START_FIELDS) {
            Ok(problem) => {
                let forms = SystemForms {
                    redteam_config: Some(form.config),
                    redteam_problem: problem,
                    ..Default::default()
                };
                system_view(&state, &context, &actor, id, None, forms).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /redteam-jobs/{id}/cancel`: stop a run started from aims, back to its system's page.
pub async fn cancel(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<ManageOrganisation>,
    PageId(id): PageId<aims_app::domain::JobId>,
) -> Response {
    match state.app.cancel_redteam_run(&actor, id).await {
        Ok(job) => match job.subject {
            Some(system) => done(&format!("/systems/{system}"), "redteam-cancelled"),
            None => done("/systems", "redteam-cancelled"),
        },
        Err(err) => app_error_page(err),
    }
}
