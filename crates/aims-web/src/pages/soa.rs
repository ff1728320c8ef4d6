//! The Statement of Applicability page: one row per control with why it applies, the
//! organisation's decision and status, flags, and the versions generated from it.

use aims_app::domain::account::Member;
use aims_app::domain::soa::{
    ApplicabilityReason, Decision, ImplementationStatus, SoaRow, SoaSummary,
};
use aims_app::domain::{Actor, Permission};
use aims_app::{SessionContext, SoaVersion};
use askama::Template;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::{Deserialize, Serialize};

use super::{Chrome, FormFields, FormProblem, PageForm, app_error_page, done, render};
use crate::allowed::{Approve, Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A row as the page shows it.
pub struct RowView {
    pub row: SoaRow,
    /// Why it applies, in words.
    pub why: Vec<String>,
    pub evidence: String,
    /// The group of Annex A it is in (`A.6`), or `own` for the organisation's own controls.
    pub group: String,
    pub owner_name: Option<String>,
}

#[derive(Template)]
#[template(path = "soa.html")]
struct SoaPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    summary: SoaSummary,
    rows: Vec<RowView>,
    /// How many rows the filter leaves out.
    hidden: usize,
    filter: SoaQuery,
    /// The filter as a query string, which the row and bulk forms send back.
    back: String,
    groups: Vec<String>,
    members: Vec<Member>,
    versions: Vec<SoaVersion>,
    changes: Option<(i64, i64, Vec<String>)>,
    can_edit: bool,
    can_approve: bool,
    decisions: &'static [Decision],
    statuses: &'static [ImplementationStatus],
    /// The own-control form, as typed when it was refused.
    new_control: NewControl,
    control_problem: FormProblem,
}

/// The rows' filter, two versions to compare, and the `done` code.
#[derive(Deserialize, Serialize, Default, Clone)]
pub struct SoaQuery {
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub applicable: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub decision: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub status: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub flagged: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub owner: String,
    #[serde(default, skip_serializing_if = "String::is_empty")]
    pub group: String,
    #[serde(skip_serializing)]
    done: Option<String>,
    #[serde(skip_serializing)]
    from: Option<i64>,
    #[serde(skip_serializing)]
    to: Option<i64>,
}

impl SoaQuery {
    /// Whether the filter keeps `row`.
    fn keeps(&self, row: &RowView) -> bool {
        let r = &row.row;
        let owner = r
            .owner
            .map(|o| o.to_string())
            .unwrap_or_else(|| "none".to_owned());
        (self.applicable.is_empty() || (self.applicable == "yes") == r.applicable)
            && (self.decision.is_empty() || self.decision == r.decision.as_str())
            && (self.status.is_empty() || self.status == r.status.as_str())
            && (self.flagged.is_empty() || !r.flags.is_empty())
            && (self.owner.is_empty() || self.owner == owner)
            && (self.group.is_empty() || self.group == row.group)
    }

    /// The filter as a query string (empty when nothing is filtered).
    pub fn query(&self) -> String {
        serde_urlencoded::to_string(self).unwrap_or_default()
    }
}

/// The group of a control: `A.6.2.4` is in `A.6`; the organisation's own are `own`.
fn group_of(id: &str) -> String {
    match id.strip_prefix("A.") {
        Some(rest) => format!("A.{}", rest.split('.').next().unwrap_or(rest)),
        None => "own".to_owned(),
    }
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

pub(super) async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: SoaQuery,
    error: Option<(StatusCode, String)>,
) -> Response {
    let control = (NewControl::default(), FormProblem::default());
    page_with_control(state, context, actor, q, error, control).await
}

/// The page, with the own-control form as typed and what was wrong with it.
async fn page_with_control(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: SoaQuery,
    error: Option<(StatusCode, String)>,
    (new_control, control_problem): (NewControl, FormProblem),
) -> Response {
    let loaded = async {
        let report = state.app.statement_of_applicability(actor).await?;
        let versions = state.app.soa_versions(actor).await?;
        let members = state.app.members(actor).await?;
        let name = |u: aims_app::domain::UserId| {
            members
                .iter()
                .find(|m| m.user == u)
                .map_or_else(|| "a former member".to_owned(), |m| m.display_name.clone())
        };
        let changes = match (q.from, q.to) {
            (Some(from), Some(to)) => Some((
                from,
                to,
                state
                    .app
                    .compare_soa_versions(actor, from, to)
                    .await?
                    .iter()
                    .map(|c| c.describe(name))
                    .collect(),
            )),
            _ => None,
        };
        Ok::<_, aims_app::AppError>((report, versions, changes, members))
    };
    let (report, versions, changes, members) = match loaded.await {
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
                group: group_of(&row.control.id),
                owner_name: row.owner.and_then(|o| {
                    members
                        .iter()
                        .find(|m| m.user == o)
                        .map(|m| m.display_name.clone())
                }),
                row,
            }
        })
        .collect::<Vec<_>>();
    let mut groups: Vec<String> = rows.iter().map(|r| r.group.clone()).collect();
    groups.dedup();
    let all = rows.len();
    let rows: Vec<RowView> = rows.into_iter().filter(|r| q.keeps(r)).collect();
    let notice = match q.done.as_deref() {
        Some("saved") => Some("The control's record was saved.".to_owned()),
        Some("bulk") => Some("The selected controls were updated.".to_owned()),
        Some("unchanged") => {
            Some("Nothing changed: the selected controls already had those values.".to_owned())
        }
        Some("generated") => Some("A new version of the SoA was generated.".to_owned()),
        Some("approved") => Some("The version was approved.".to_owned()),
        Some("control") => Some("The control was added.".to_owned()),
        _ => None,
    };
    let (status, error) = match error {
        Some((s, m)) => (s, Some(m)),
        None => (control_problem.status(), None),
    };
    render(
        status,
        &SoaPage {
            chrome: Some(Chrome::new(context, "soa")),
            notice,
            error,
            summary,
            hidden: all - rows.len(),
            rows,
            back: q.query(),
            filter: q.clone(),
            groups,
            members,
            versions,
            changes,
            can_edit: actor.role.grants(Permission::EditContent),
            can_approve: actor.role.grants(Permission::ApproveContent),
            decisions: Decision::ALL,
            statuses: ImplementationStatus::ALL,
            new_control,
            control_problem,
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

/// An own control as posted; kept as typed when it is refused.
#[derive(Deserialize, Default)]
pub struct NewControl {
    #[serde(default)]
    title: String,
    #[serde(default)]
    description: String,
}

/// The own-control form's fields.
const CONTROL_FIELDS: FormFields = FormFields {
    prefix: "oc-",
    labels: &[("title", "Title"), ("description", "Description")],
};

/// `POST /soa/own-controls`: the SoA with the new control, or the page again with the form
/// as typed and what was wrong with it.
pub async fn add_control(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<NewControl>,
) -> Response {
    match state
        .app
        .add_own_control(&actor, &form.title, &form.description)
        .await
    {
        Ok(_) => done("/soa", "control"),
        Err(err) => match FormProblem::from_error(err, &CONTROL_FIELDS) {
            Ok(problem) => {
                let q = SoaQuery::default();
                page_with_control(&state, &context, &actor, q, None, (form, problem)).await
            }
            Err(other) => app_error_page(other),
        },
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
