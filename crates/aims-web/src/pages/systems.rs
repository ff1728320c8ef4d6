//! The AI system inventory: a system's page, deleting a system, and the forms that
//! add and remove its components (the form that records or changes a system is in
//! `system_form`).

use aims_app::domain::inventory::{ComponentFacts, ComponentKind};
use aims_app::domain::{Actor, AiSystemId, ComponentId, Permission};
use aims_app::{SessionContext, SystemOverview};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, Done, PageForm, PageId, app_error_page, done, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The label of an EU AI Act class as stored.
pub fn class_label(class: &str) -> &'static str {
    aims_app::domain::eu_ai_act::RiskClass::label_of(class)
}

pub(super) fn system_notice(code: Option<&str>) -> Option<String> {
    let text = match code? {
        "created" => "The AI system was recorded.",
        "saved" => "Your changes were saved.",
        "deleted" => "The AI system was deleted.",
        "component" => "The component was added.",
        "component-removed" => "The component was removed.",
        "classified" => "The classification was recorded.",
        "imported" => "The ML-BOM was imported.",
        "evidence" => "The evidence was added.",
        "evidence-removed" => "The evidence was removed.",
        "redteam-queued" => "The red-team run was queued; it appears below when it has finished.",
        "redteam-cancelled" => {
            "The red-team run was cancelled; a running one stops within seconds."
        }
        _ => return None,
    };
    Some(text.to_owned())
}

/// `POST /systems/{id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
) -> Response {
    match state.app.delete_ai_system(&actor, id).await {
        Ok(()) => done("/systems", "deleted"),
        Err(err) => app_error_page(err),
    }
}

#[derive(Template)]
#[template(path = "system.html")]
struct SystemPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    overview: SystemOverview,
    class: &'static str,
    can_edit: bool,
    kinds: &'static [ComponentKind],
    /// The validity label of each piece of evidence, in the order of `overview.evidence`.
    validity: Vec<&'static str>,
    /// Attack success of the latest red-team runs, oldest first, as SVG (empty without runs).
    redteam_trend: String,
    /// Whether the user may start red-team runs on the server.
    can_start_runs: bool,
    /// Runs started from aims for this system, newest first.
    jobs: Vec<aims_app::JobStatus>,
}

async fn system_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: AiSystemId,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    let jobs = match state.app.redteam_jobs(actor, id).await {
        Ok(jobs) => jobs,
        Err(err) => return app_error_page(err),
    };
    match state.app.system_overview(actor, id).await {
        Ok(overview) => {
            let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
            render(
                status,
                &SystemPage {
                    chrome: Some(Chrome::new(context, "systems")),
                    notice,
                    error,
                    class: class_label(
                        overview
                            .system
                            .classification
                            .as_ref()
                            .map_or("", |c| c.class.as_str()),
                    ),
                    validity: overview
                        .evidence
                        .iter()
                        .map(|e| e.validity(state.app.now()).label())
                        .collect(),
                    redteam_trend: redteam_trend(&overview.redteam_runs),
                    overview,
                    can_edit: actor.role.grants(Permission::EditContent),
                    can_start_runs: actor.role.grants(Permission::ManageOrganisation),
                    kinds: ComponentKind::ALL,
                    jobs,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

/// The system page again with a form's error.
pub(crate) async fn system_view_with_error(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: AiSystemId,
    status: StatusCode,
    message: String,
) -> Response {
    system_view(state, context, actor, id, None, Some((status, message))).await
}

/// The attack success of a system's runs over time, oldest first.
fn redteam_trend(runs: &[aims_app::domain::redteam::RedTeamRun]) -> String {
    if runs.is_empty() {
        return String::new();
    }
    let points: Vec<(String, f64, String)> = runs
        .iter()
        .rev()
        .map(|r| {
            (
                format!("{} ({})", r.name, r.created_at.human()),
                r.attack_success_percent(),
                format!("/redteam-runs/{}", r.id),
            )
        })
        .collect();
    super::charts::trend_svg("Attack success rate of the latest red-team runs", &points)
}

/// `GET /systems/{id}`.
pub async fn system_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<AiSystemId>,
    Query(q): Query<Done>,
) -> Response {
    let notice = system_notice(q.done.as_deref());
    system_view(&state, &context, &actor, id, notice, None).await
}

/// A component as the browser posts it.
#[derive(Deserialize, Default)]
pub struct ComponentPageForm {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    name: String,
    #[serde(default)]
    version: String,
    #[serde(default)]
    provider: String,
    #[serde(default)]
    licence: String,
    #[serde(default)]
    model_card_url: String,
    #[serde(default)]
    source: String,
    personal_data: Option<String>,
}

/// `POST /systems/{id}/components`.
pub async fn add_component(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    PageForm(form): PageForm<ComponentPageForm>,
) -> Response {
    let facts = ComponentFacts {
        name: form.name,
        version: form.version,
        provider: form.provider,
        licence: form.licence,
        model_card_url: form.model_card_url,
        source: form.source,
        personal_data: form.personal_data.is_some(),
        ..Default::default()
    };
    let result = match form.kind.parse::<ComponentKind>() {
        Ok(kind) => state.app.add_component(&actor, id, kind, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => done(&format!("/systems/{id}"), "component"),
        Err(err) => match form_error(err) {
            Ok(message) => system_view(&state, &context, &actor, id, None, Some(message)).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /components/{id}/remove`: back to the system's page.
pub async fn remove_component(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ComponentId>,
    PageForm(form): PageForm<BackTo>,
) -> Response {
    match state.app.remove_component(&actor, id).await {
        Ok(()) => done(&form.page(), "component-removed"),
        Err(err) => app_error_page(err),
    }
}

/// The system page to return to after a change of one of its parts: read before the change,
/// so that a form naming no valid system is refused before anything is changed.
#[derive(Deserialize)]
pub struct BackTo {
    #[serde(default)]
    system: Option<AiSystemId>,
}

impl BackTo {
    /// The page: the system's, or the inventory when the form names none.
    pub fn page(&self) -> String {
        self.system.map_or_else(
            || "/systems".to_owned(),
            |system| format!("/systems/{system}"),
        )
    }
}
