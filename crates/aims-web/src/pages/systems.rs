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

use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render,
};
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
        "redteam-queued" => {
            "The red-team run was queued; this page refreshes itself until it has finished."
        }
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
    /// Whether a run started from aims is queued or running: the page then refreshes itself.
    refreshing: bool,
    /// The page's forms, as typed when one was refused.
    forms: SystemForms,
}

impl SystemPage {
    /// A job's state in words.
    fn state_words(&self, state: &str) -> &'static str {
        job_state_words(state)
    }

    /// The run config the red-team form shows: as typed, or the sample.
    fn redteam_config(&self) -> &str {
        self.forms
            .redteam_config
            .as_deref()
            .unwrap_or(SAMPLE_RUN_CONFIG)
    }

    /// The title the impact assessment form shows: as typed, or one from the system's name.
    fn assessment_title(&self) -> String {
        self.forms
            .assessment_title
            .clone()
            .unwrap_or_else(|| format!("{} impact assessment", self.overview.system.facts.name))
    }
}

/// The state of a job started from aims, in words.
pub(crate) fn job_state_words(state: &str) -> &'static str {
    match state {
        "queued" => "waiting to start",
        "running" => "running",
        "done" => "finished",
        "failed" => "stopped without a result",
        _ => "unknown",
    }
}

/// The forms of a system's page, as typed, with what was wrong with the one refused.
#[derive(Default)]
pub(crate) struct SystemForms {
    pub component: ComponentPageForm,
    pub component_problem: FormProblem,
    /// The run config typed; `None` offers the sample.
    pub redteam_config: Option<String>,
    pub redteam_problem: FormProblem,
    /// The title of a new impact assessment typed; `None` offers one from the system's name.
    pub assessment_title: Option<String>,
    pub assessment_problem: FormProblem,
}

/// The sample config the red-team form offers.
const SAMPLE_RUN_CONFIG: &str = "name: quick check\ntarget: {kind: lab}\nconverters: [none, base64]\nthresholds: {overall: 0.05}";

/// The component form's fields.
const COMPONENT_FIELDS: FormFields = FormFields {
    prefix: "c-",
    labels: &[
        ("kind", "Kind"),
        ("name", "Name"),
        ("version", "Version"),
        ("provider", "Provider"),
        ("licence", "Licence"),
        ("model_card_url", "Model card link"),
        ("source", "Data source"),
    ],
};

/// The system page, with its forms as typed when one of them was refused.
pub(crate) async fn system_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: AiSystemId,
    notice: Option<String>,
    forms: SystemForms,
) -> Response {
    let jobs = match state.app.redteam_jobs(actor, id).await {
        Ok(jobs) => jobs,
        Err(err) => return app_error_page(err),
    };
    match state.app.system_overview(actor, id).await {
        Ok(overview) => {
            // The status is that of whichever form was refused.
            let status = [
                &forms.component_problem,
                &forms.redteam_problem,
                &forms.assessment_problem,
            ]
            .into_iter()
            .find(|p| !p.is_empty())
            .map_or(StatusCode::OK, |p| p.status());
            render(
                status,
                &SystemPage {
                    chrome: Some(Chrome::new(context, "systems")),
                    notice,
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
                    refreshing: jobs
                        .iter()
                        .any(|j| j.state == "queued" || j.state == "running"),
                    jobs,
                    forms,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
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
    system_view(&state, &context, &actor, id, notice, SystemForms::default()).await
}

/// A component as the browser posts it; kept as typed for a form with a mistake.
#[derive(Deserialize, Default)]
pub struct ComponentPageForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub name: String,
    #[serde(default)]
    pub version: String,
    #[serde(default)]
    pub provider: String,
    #[serde(default)]
    pub licence: String,
    #[serde(default)]
    pub model_card_url: String,
    #[serde(default)]
    pub source: String,
    pub personal_data: Option<String>,
}

/// `POST /systems/{id}/components`.
pub async fn add_component(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    PageForm(form): PageForm<ComponentPageForm>,
) -> Response {
    let facts = ComponentFacts {
        name: form.name.clone(),
        version: form.version.clone(),
        provider: form.provider.clone(),
        licence: form.licence.clone(),
        model_card_url: form.model_card_url.clone(),
        source: form.source.clone(),
        personal_data: form.personal_data.is_some(),
        ..Default::default()
    };
    let result = match form.kind.parse::<ComponentKind>() {
        Ok(kind) => state.app.add_component(&actor, id, kind, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => done(&format!("/systems/{id}"), "component"),
        Err(err) => match FormProblem::from_error(err, &COMPONENT_FIELDS) {
            Ok(problem) => {
                let forms = SystemForms {
                    component: form,
                    component_problem: problem,
                    ..Default::default()
                };
                system_view(&state, &context, &actor, id, None, forms).await
            }
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
