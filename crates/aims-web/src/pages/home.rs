//! The overview of the active organisation: its readiness for ISO/IEC 42001 as charts, and
//! counts of what it holds.

use aims_app::AuditQuery;
use aims_app::domain::Permission;
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;

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
    /// Systems by EU AI Act class, as an SVG chart.
    class_chart: String,
    /// Annex A implementation by group, as an SVG chart.
    coverage_chart: String,
    /// Clauses 4–10 evidence, as an SVG chart.
    clause_chart: String,
}

/// `GET /`: the overview of the active organisation.
pub async fn home(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let app = &state.app;
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
        Ok::<_, aims_app::AppError>((org, members, tokens, audit, readiness))
    };
    match loaded.await {
        Ok((org, member_count, token_count, audit_events, readiness)) => render(
            StatusCode::OK,
            &HomePage {
                chrome: Some(Chrome::new(&context, "home")),
                notice: notice_for(q.done.as_deref()),
                org_name: org.name,
                role: actor.role.to_string(),
                member_count,
                token_count,
                audit_events,
                class_chart: super::dashboard_charts::class_chart(&readiness),
                coverage_chart: super::dashboard_charts::coverage_chart(&readiness),
                clause_chart: super::dashboard_charts::clause_chart(&readiness),
                readiness,
            },
        ),
        Err(err) => app_error_page(err),
    }
}
