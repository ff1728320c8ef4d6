//! Server-rendered pages, usable without JavaScript. Each handler calls a use case and
//! renders a template; failures of a form re-render the form with what was wrong.

mod account;
mod api_docs;
mod assessment_form;
mod assessment_list;
mod assessments;
mod assets;
mod audit;
mod auth;
mod charts;
mod classification;
mod context_form;
pub(crate) mod context_page;
mod dashboard_charts;
mod document_diff;
mod document_edit;
mod document_form;
mod document_page;
mod document_steps;
mod documents;
mod evidence;
mod evidence_targets;
mod extract;
mod form_problem;
mod framework_imports;
mod frameworks;
mod home;
mod members;
mod metric_form;
mod metric_page;
pub(crate) mod metrics;
mod my_work;
pub(crate) mod nonconformities;
mod nonconformity_form;
mod nonconformity_steps;
mod notifications;
mod objective_form;
pub(crate) mod objectives;
mod org;
mod password_reset;
mod redteam;
mod reload;
mod requirement;
mod risk_form;
mod risk_method;
mod risk_method_form;
mod risk_page;
mod risks;
mod role_form;
mod roles;
mod search;
mod soa;
mod soa_records;
mod system_form;
mod system_list;
pub(crate) mod systems;
mod table_view;
mod task_form;
mod task_page;
mod tasks;
mod tokens;
mod training;
mod training_form;
mod trend_chart;

use aims_app::domain::{Permission, Timestamp, ValidationError};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::Router;
use axum::http::{StatusCode, header};
use axum::response::{Html, IntoResponse, Redirect, Response};
use axum::routing::{get, post};

use crate::error::ApiError;
use crate::state::WebState;

pub use evidence::EvidenceDraft;
pub use extract::{PageForm, PageId};
pub use form_problem::{FormFields, FormProblem};

/// The routes of the pages.
pub fn routes() -> Router<WebState> {
    assets::routes()
        .route("/sign-in", get(auth::sign_in_page).post(auth::sign_in))
        .route("/sign-out", post(auth::sign_out))
        .route(
            "/password-reset",
            get(password_reset::ask_page).post(password_reset::ask),
        )
        .route(
            "/password-reset/{secret}",
            get(password_reset::reset_page).post(password_reset::reset),
        )
        .route("/setup", get(auth::setup_page).post(auth::setup))
        .route(
            "/invitations/{secret}",
            get(auth::invitation_page).post(auth::accept_invitation),
        )
        .route("/", get(home::home))
        .route("/getting-started", post(home::guide))
        .route("/search", get(search::search))
        .route("/my-work", get(my_work::my_work_page))
        .route("/tasks", get(tasks::tasks_page).post(task_form::create))
        .route("/tasks/new", get(task_form::new_page))
        .route(
            "/tasks/{id}",
            get(task_page::task_page).post(task_page::update),
        )
        .route("/tasks/{id}/comments", post(task_page::comment))
        .route("/notifications", get(notifications::notifications_page))
        .route("/notifications/read", post(notifications::mark_all_read))
        .route("/notifications/{id}/read", post(notifications::mark_read))
        .route("/notifications/email", post(notifications::set_email))
        .route("/switch-org", post(org::switch_org))
        .route("/settings", get(org::settings_page).post(org::rename))
        .route("/members", get(members::members_page))
        .route("/members/invite", post(members::invite))
        .route("/members/{user_id}/role", post(members::change_role))
        .route("/members/{user_id}/remove", post(members::remove))
        .route(
            "/members/invitations/{id}/revoke",
            post(members::revoke_invitation),
        )
        .route("/tokens", get(tokens::tokens_page).post(tokens::create))
        .route("/api-docs", get(api_docs::api_docs))
        .route("/tokens/{id}/revoke", post(tokens::revoke))
        .route("/account", get(account::account_page))
        .route("/account/password", post(account::change_password))
        .route(
            "/account/sessions/{id}/revoke",
            post(account::revoke_session),
        )
        .route("/audit", get(audit::audit_page))
        .route("/audit/export.csv", get(audit::export))
        .route("/audit/export.xlsx", get(audit::export))
        .route("/frameworks", get(frameworks::frameworks_page))
        .route("/frameworks/search", get(frameworks::frameworks_page))
        .route("/frameworks/compare", get(framework_imports::compare))
        .route(
            "/frameworks/imports",
            post(framework_imports::import)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/frameworks/imports/{key}/delete",
            post(framework_imports::delete),
        )
        .route("/frameworks/{framework}", get(frameworks::framework_page))
        .route(
            "/frameworks/{framework}/items/{item}/text",
            post(requirement::set_text),
        )
        .route(
            "/frameworks/{framework}/items/{item}/text/clear",
            post(requirement::clear_text),
        )
        .route(
            "/frameworks/{framework}/items/{item}/evidence",
            post(evidence::add_requirement_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/frameworks/{framework}/items/{item}",
            get(requirement::requirement_page),
        )
        .route("/risks", get(risks::risks_page).post(risks::create))
        .route("/risks/export.csv", get(risks::export))
        .route("/risks/export.xlsx", get(risks::export))
        .route(
            "/risks/method",
            get(risk_method::method_page).post(risk_method::change),
        )
        .route(
            "/risks/{id}",
            get(risk_page::risk_page).post(risk_page::update),
        )
        .route("/risks/{id}/accept", post(risk_page::accept))
        .route("/soa", get(soa::soa_page))
        .route("/soa/controls/{control}", post(soa_records::save_record))
        .route("/soa/bulk", post(soa_records::bulk))
        .route("/soa/versions", post(soa::generate))
        .route("/soa/versions/{version}/approve", post(soa::approve))
        .route("/soa/own-controls", post(soa::add_control))
        .route("/soa/{format}", get(soa::export))
        .route("/systems", get(system_list::systems_page))
        .route("/systems/export.csv", get(system_list::export))
        .route("/systems/export.xlsx", get(system_list::export))
        .route(
            "/systems/new",
            get(system_form::new_page).post(system_form::create),
        )
        .route("/systems/{id}", get(systems::system_page))
        .route("/redteam-runs/{id}", get(redteam::run_page))
        .route("/systems/{id}/redteam-jobs", post(redteam::start))
        .route("/redteam-jobs/{id}/cancel", post(redteam::cancel))
        .route(
            "/systems/{id}/edit",
            get(system_form::edit_page).post(system_form::update),
        )
        .route("/systems/{id}/delete", post(systems::delete))
        .route("/systems/{id}/components", post(systems::add_component))
        .route("/components/{id}/remove", post(systems::remove_component))
        .route(
            "/systems/{id}/impact-assessments",
            post(assessments::create),
        )
        .route("/impact-assessments", get(assessment_list::list))
        .route(
            "/impact-assessments/{id}",
            get(assessments::assessment_page).post(assessments::save),
        )
        .route(
            "/impact-assessments/{id}/approve",
            post(assessments::approve),
        )
        .route(
            "/systems/{id}/evidence",
            post(evidence::add_evidence)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/documents",
            get(documents::list).post(document_edit::create).layer(
                axum::extract::DefaultBodyLimit::max(crate::DOCUMENT_BODY_LIMIT),
            ),
        )
        .route("/documents/export.csv", get(documents::export))
        .route("/documents/export.xlsx", get(documents::export))
        .route("/documents/new", get(document_edit::new_page))
        .route(
            "/documents/templates",
            get(documents::templates_page).post(documents::use_template),
        )
        .route(
            "/documents/{id}",
            get(document_page::document_page)
                .post(document_edit::save)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::DOCUMENT_BODY_LIMIT,
                )),
        )
        .route("/documents/{id}/edit", get(document_edit::edit_page))
        .route(
            "/documents/{id}/versions/{version}",
            get(document_page::version_page),
        )
        .route("/documents/{id}/diff", get(document_diff::diff_page))
        .route("/documents/{id}/submit", post(document_steps::submit))
        .route("/documents/{id}/approve", post(document_steps::approve))
        .route("/documents/{id}/return", post(document_steps::send_back))
        .route("/documents/{id}/retire", post(document_steps::retire))
        .route(
            "/documents/{id}/acknowledge",
            post(document_steps::acknowledge),
        )
        .route(
            "/documents/{id}/attachment",
            post(document_steps::attach)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .route(
            "/documents/{id}/attachment/remove",
            post(document_steps::detach),
        )
        .route(
            "/documents/{id}/versions/{version}/attachment",
            get(document_page::attachment),
        )
        .route("/settings/document-approvers", post(org::set_approvers))
        .route(
            "/context",
            get(context_page::context_page)
                .post(context_form::save)
                .layer(axum::extract::DefaultBodyLimit::max(
                    crate::CONTEXT_BODY_LIMIT,
                )),
        )
        .route("/context/edit", get(context_form::edit_page))
        .route("/context/diff", get(context_page::diff_page))
        .route(
            "/context/versions/{version}",
            get(context_page::version_page),
        )
        .route("/context/{step}", post(context_page::step))
        .route("/roles", get(roles::roles_page).post(role_form::create))
        .route("/roles/new", get(role_form::new_page))
        .route("/roles/{id}", get(roles::role_page).post(role_form::update))
        .route("/roles/{id}/edit", get(role_form::edit_page))
        .route("/roles/{id}/delete", post(role_form::delete))
        .route(
            "/training",
            get(training::training_page).post(training_form::create),
        )
        .route("/training/new", get(training_form::new_page))
        .route(
            "/training/{id}",
            get(training::record_page).post(training_form::update),
        )
        .route("/training/{id}/edit", get(training_form::edit_page))
        .route("/training/{id}/delete", post(training_form::delete))
        .route(
            "/monitoring/metrics",
            get(metrics::list).post(metric_form::create),
        )
        .route("/monitoring/metrics/new", get(metric_form::new_page))
        .route(
            "/monitoring/metrics/{id}",
            get(metric_page::metric_page).post(metric_form::update),
        )
        .route("/monitoring/metrics/{id}/edit", get(metric_form::edit_page))
        .route("/monitoring/metrics/{id}/delete", post(metric_form::delete))
        .route(
            "/monitoring/metrics/{id}/measure",
            post(metric_page::measure_now),
        )
        .route(
            "/monitoring/metrics/{id}/measurements",
            post(metric_page::record),
        )
        .route(
            "/monitoring/metrics/{id}/measurements/{measurement}/delete",
            post(metric_page::delete_measurement),
        )
        .route(
            "/objectives",
            get(objectives::list).post(objective_form::create),
        )
        .route("/objectives/new", get(objective_form::new_page))
        .route(
            "/objectives/{id}",
            get(objectives::objective_page).post(objective_form::update),
        )
        .route("/objectives/{id}/edit", get(objective_form::edit_page))
        .route("/objectives/{id}/delete", post(objective_form::delete))
        .route(
            "/nonconformities",
            get(nonconformities::list).post(nonconformity_form::create),
        )
        .route("/nonconformities/new", get(nonconformity_form::new_page))
        .route(
            "/nonconformities/{id}",
            get(nonconformities::nonconformity_page).post(nonconformity_form::update),
        )
        .route(
            "/nonconformities/{id}/edit",
            get(nonconformity_form::edit_page),
        )
        .route(
            "/nonconformities/{id}/actions",
            post(nonconformity_steps::add_action),
        )
        .route(
            "/nonconformities/{id}/verification",
            post(nonconformity_steps::verify),
        )
        .route(
            "/nonconformities/{id}/withdrawal",
            post(nonconformity_steps::withdraw),
        )
        .route("/evidence", get(evidence::evidence_register))
        .route("/evidence/export.csv", get(evidence::export))
        .route("/evidence/export.xlsx", get(evidence::export))
        .route("/evidence/{id}/file", get(evidence::evidence_file))
        .route("/evidence/{id}/delete", post(evidence::delete_evidence))
        .route(
            "/systems/{id}/classification",
            get(classification::classification_page).post(classification::classify),
        )
        .route(
            "/systems/{id}/ml-bom",
            get(classification::download_bom)
                .post(classification::upload_bom)
                .layer(axum::extract::DefaultBodyLimit::max(crate::UPLOAD_LIMIT)),
        )
        .method_not_allowed_fallback(reload::method_not_allowed)
}

/// One organisation in the switcher.
pub struct OrgChoice {
    pub id: String,
    pub name: String,
    pub role: String,
    pub active: bool,
}

/// What the layout shows around every page of a signed-in person.
pub struct Chrome {
    pub email: String,
    pub orgs: Vec<OrgChoice>,
    /// The section of the navigation to mark as current.
    pub section: &'static str,
    pub can_read_audit: bool,
    /// What waits on the person, for the navigation; `None` where it could not be counted.
    pub counts: Option<aims_app::WorkCounts>,
}

impl Chrome {
    /// The layout for `context`, with `section` marked.
    pub fn new(context: &SessionContext, section: &'static str) -> Self {
        let active = context.actor.as_ref().map(|a| a.org);
        Chrome {
            email: context.user.email.to_string(),
            orgs: context
                .orgs
                .iter()
                .map(|m| OrgChoice {
                    id: m.org.to_string(),
                    name: m.org_name.clone(),
                    role: m.role.to_string(),
                    active: Some(m.org) == active,
                })
                .collect(),
            section,
            can_read_audit: context
                .actor
                .as_ref()
                .is_some_and(|a| a.role.grants(Permission::ReadAuditTrail)),
            counts: context.counts,
        }
    }
}

/// Renders a template with `status`.
pub fn render(status: StatusCode, template: &impl Template) -> Response {
    match template.render() {
        Ok(html) => (status, Html(html)).into_response(),
        Err(err) => {
            tracing::error!(error = %err, "rendering a page");
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                "the page could not be rendered",
            )
                .into_response()
        }
    }
}

#[derive(Template)]
#[template(path = "error.html")]
struct ErrorPage<'a> {
    chrome: Option<Chrome>,
    notice: Option<String>,
    title: &'a str,
    message: &'a str,
    /// Offer to sign out, for a signed-in person who can go nowhere else.
    offer_sign_out: bool,
}

/// A page that says what went wrong.
pub fn error_page(status: StatusCode, message: &str) -> Response {
    let title = status.canonical_reason().unwrap_or("Error");
    let page = ErrorPage {
        chrome: None,
        notice: None,
        title,
        message,
        offer_sign_out: false,
    };
    render(status, &page)
}

/// For a signed-in person who belongs to no organisation (any more).
pub fn no_organisation_page() -> Response {
    let page = ErrorPage {
        chrome: None,
        notice: None,
        title: "No organisation",
        message: "You do not belong to any organisation. Ask an owner or admin to invite you.",
        offer_sign_out: true,
    };
    render(StatusCode::FORBIDDEN, &page)
}

/// The error page for a use-case error, with the status the API would answer.
pub fn app_error_page(err: AppError) -> Response {
    if matches!(err, AppError::Unauthenticated) {
        return Redirect::to("/sign-in").into_response();
    }
    let problem = ApiError::from(err);
    error_page(problem.status, &capitalised(&problem.detail))
}

/// The status and message to show on a form that failed, or the error back when it is not
/// about the form's input (and calls for an error page).
pub fn form_error(err: AppError) -> Result<(StatusCode, String), AppError> {
    match err {
        AppError::Invalid(_) | AppError::Conflict(_) | AppError::Throttled { .. } => {
            let problem = ApiError::from(err);
            Ok((problem.status, capitalised(&problem.detail)))
        }
        other => Err(other),
    }
}

fn capitalised(text: &str) -> String {
    let mut chars = text.chars();
    chars
        .next()
        .map(|c| c.to_uppercase().chain(chars).collect())
        .unwrap_or_default()
}

/// A redirect after a successful form, with a message chosen from a fixed list. A path that
/// could not be a header (it never should) sends the browser home rather than failing.
pub fn done(path: &str, notice: &str) -> Response {
    let target = format!("{path}?done={notice}");
    match header::HeaderValue::try_from(target.as_str()) {
        Ok(_) => Redirect::to(&target).into_response(),
        Err(_) => Redirect::to("/").into_response(),
    }
}

/// `text` as one component of a URL path or query: every byte but the unreserved ones escaped
/// (askama's `urlencode` leaves `/` alone, which would split a path segment).
pub(crate) fn encode(text: &str) -> String {
    text.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                (b as char).to_string()
            }
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// The message for a `done` code; unknown codes show nothing.
pub fn notice_for(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "renamed" => "The organisation was renamed.",
        "role" => "The role was changed.",
        "removed" => "The member was removed.",
        "withdrawn" => "The invitation was withdrawn.",
        "revoked" => "The token was revoked.",
        "password" => "Your password was changed; your other sessions were ended.",
        "ended" => "The session was ended.",
        "joined" => "Welcome: you joined the organisation.",
        _ => return None,
    };
    Some(text.to_owned())
}

/// The `done` code of a page request.
#[derive(serde::Deserialize, Default)]
pub struct Done {
    pub done: Option<String>,
}

/// A date typed in a form (`2027-06-30`) as the start of that day, UTC; blank is none.
pub fn form_date(field: &'static str, text: &str) -> Result<Option<Timestamp>, ValidationError> {
    match text.trim() {
        "" => Ok(None),
        day => Timestamp::parse_rfc3339(&format!("{day}T00:00:00Z"))
            .map(Some)
            .map_err(|_| ValidationError::new(field, "must be a date like 2027-06-30")),
    }
}

/// An id chosen or typed in a form, unless blank; names `field` and says what it must be
/// (`"a member of the organisation"`) when it is not one.
pub fn form_id<T: std::str::FromStr>(
    field: &'static str,
    text: &str,
    what: &str,
) -> Result<Option<T>, ValidationError> {
    match text.trim() {
        "" => Ok(None),
        t => t
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new(field, format!("must be {what}"))),
    }
}

/// The `YYYY-MM-DD` of an instant, as a date input's value.
pub fn date_of(at: Timestamp) -> String {
    at.date()
}
