//! The Statement of Applicability page: one row per control with why it applies, the
//! organisation's decision and status, flags, and the versions generated from it.

use aims_app::domain::soa::{
    ApplicabilityReason, Decision, ImplementationFacts, ImplementationStatus, SoaRow, SoaSummary,
};
use aims_app::domain::{Actor, Permission};
use aims_app::{SessionContext, SoaVersion};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageForm, app_error_page, done, form_error, render};
use crate::allowed::{Approve, Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A row as the page shows it.
pub struct RowView {
    pub row: SoaRow,
    /// Why it applies, in words.
    pub why: Vec<String>,
    pub evidence: String,
}

#[derive(Template)]
#[template(path = "soa.html")]
struct SoaPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    summary: SoaSummary,
    rows: Vec<RowView>,
    versions: Vec<SoaVersion>,
    changes: Option<(i64, i64, Vec<String>)>,
    can_edit: bool,
    can_approve: bool,
    decisions: &'static [Decision],
    statuses: &'static [ImplementationStatus],
}

/// Two versions to compare, and the `done` code.
#[derive(Deserialize, Default)]
pub struct SoaQuery {
    done: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
}

fn why(reason: &ApplicabilityReason) -> String {
    match reason {
        ApplicabilityReason::SelectedByTreatment { risk_label } => format!("treats {risk_label}"),
        ApplicabilityReason::RequiredByObligation {
            requirement,
            system,
            relation,
        } => {
            format!("{requirement} for {system} ({relation})")
        }
        _ => "included by decision".to_owned(),
    }
}

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: SoaQuery,
    error: Option<(StatusCode, String)>,
) -> Response {
    let loaded = async {
        let report = state.app.statement_of_applicability(actor).await?;
        let versions = state.app.soa_versions(actor).await?;
        let changes = match (q.from, q.to) {
            (Some(from), Some(to)) => Some((
                from,
                to,
                state
                    .app
                    .compare_soa_versions(actor, from, to)
                    .await?
                    .iter()
                    .map(ToString::to_string)
                    .collect(),
            )),
            _ => None,
        };
        Ok::<_, aims_app::AppError>((report, versions, changes))
    };
    let (report, versions, changes) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let summary = report.soa.summary();
    let rows = report
        .soa
        .rows
        .into_iter()
        .map(|row| {
            let count = report
                .evidence
                .get(&row.control.id)
                .copied()
                .unwrap_or_default();
            RowView {
                why: row.reasons.iter().map(why).collect(),
                evidence: format!("{} current of {}", count.current, count.total),
                row,
            }
        })
        .collect();
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The control's record was saved.".to_owned()),
        Some("generated") => Some("A new version of the SoA was generated.".to_owned()),
        Some("approved") => Some("The version was approved.".to_owned()),
        Some("control") => Some("The control was added.".to_owned()),
        _ => None,
    };
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    render(
        status,
        &SoaPage {
            chrome: Some(Chrome::new(context, "soa")),
            notice,
            error,
            summary,
            rows,
            versions,
            changes,
            can_edit: actor.role.grants(Permission::EditContent),
            can_approve: actor.role.grants(Permission::ApproveContent),
            decisions: Decision::ALL,
            statuses: ImplementationStatus::ALL,
        },
    )
}

/// `GET /soa`.
pub async fn soa_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<SoaQuery>,
) -> Response {
    page_view(&state, &context, &actor, q, None).await
}

/// One control's record as posted from its row.
#[derive(Deserialize)]
pub struct RecordForm {
    #[serde(default)]
    decision: String,
    #[serde(default)]
    status: String,
    #[serde(default)]
    justification: String,
}

/// `POST /soa/controls/{control}`.
pub async fn save_record(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    Path(control): Path<String>,
    PageForm(form): PageForm<RecordForm>,
) -> Response {
    let facts = match (form.decision.parse(), form.status.parse()) {
        (Ok(decision), Ok(status)) => ImplementationFacts {
            decision,
            status,
            justification: form.justification,
            ..Default::default()
        },
        (Err(e), _) | (_, Err(e)) => return app_error_page(e.into()),
    };
    match state.app.decide_control(&actor, &control, facts).await {
        Ok(()) => done("/soa", "saved"),
        Err(err) => match form_error(err) {
            Ok(message) => {
                page_view(
                    &state,
                    &context,
                    &actor,
                    SoaQuery::default(),
                    Some((message.0, format!("{control}: {}", message.1))),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /soa/versions`.
pub async fn generate(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
) -> Response {
    match state.app.generate_soa_version(&actor).await {
        Ok(_) => done("/soa", "generated"),
        Err(err) => app_error_page(err),
    }
}

/// `POST /soa/versions/{version}/approve`.
pub async fn approve(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Approve>,
    Path(version): Path<i64>,
) -> Response {
    match state.app.approve_soa_version(&actor, version).await {
        Ok(()) => done("/soa", "approved"),
        Err(err) => app_error_page(err),
    }
}

/// An own control as posted.
#[derive(Deserialize)]
pub struct NewControl {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

/// `POST /soa/own-controls`.
pub async fn add_control(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<NewControl>,
) -> Response {
    match state
        .app
        .add_own_control(&actor, &form.title, &form.description)
        .await
    {
        Ok(_) => done("/soa", "control"),
        Err(err) => app_error_page(err),
    }
}

/// Which version to export.
#[derive(Deserialize, Default)]
pub struct ExportQuery {
    version: Option<i64>,
}

/// `GET /soa/export.csv` and `.xlsx` for signed-in people.
pub async fn export(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    Path(format): Path<String>,
    Query(q): Query<ExportQuery>,
) -> Response {
    let result = match format.as_str() {
        "export.csv" => state.app.soa_csv(&actor, q.version).await.map(|t| {
            crate::downloads::soa_export(
                t.into_bytes(),
                "text/csv; charset=utf-8",
                "csv",
                q.version,
            )
        }),
        "export.xlsx" => state.app.soa_xlsx(&actor, q.version).await.map(|b| {
            crate::downloads::soa_export(
                b,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                "xlsx",
                q.version,
            )
        }),
        _ => return super::error_page(StatusCode::NOT_FOUND, "This page does not exist."),
    };
    result.unwrap_or_else(app_error_page)
}
