//! The pages that define and change a metric, and delete it. A refused form comes back as it
//! was typed, with what was wrong next to each field.

use aims_app::domain::account::Member;
use aims_app::domain::measurement::{
    Cadence, Direction, Metric, MetricFacts, MetricSource, MetricValue,
};
use aims_app::domain::{Actor, MetricId, ValidationError};
use aims_app::{AppError, SessionContext, SystemFilter};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, form_id, render,
};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of the metric form, with the labels their messages use.
pub const FIELDS: FormFields = FormFields {
    prefix: "m-",
    labels: &[
        ("name", "Name"),
        ("description", "What it measures and why"),
        ("unit", "Unit"),
        ("direction", "Which way is better"),
        ("target", "Target"),
        ("warning", "Warning threshold"),
        ("breach", "Breach threshold"),
        ("cadence", "How often"),
        ("source", "Where values come from"),
        ("system", "AI system"),
        ("owner", "Owner"),
    ],
};

/// A metric as its form carries it: every field as text.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MetricForm {
    pub name: String,
    pub description: String,
    pub unit: String,
    pub direction: String,
    pub target: String,
    pub warning: String,
    pub breach: String,
    pub cadence: String,
    pub source: String,
    pub system: String,
    pub owner: String,
    pub revision: String,
}

fn value_text(v: Option<MetricValue>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

fn value_of(field: &'static str, text: &str) -> Result<Option<MetricValue>, ValidationError> {
    match text.trim() {
        "" => Ok(None),
        t => MetricValue::parse(field, t).map(Some),
    }
}

impl MetricForm {
    /// The form filled in with `metric` as it stands.
    pub fn of(metric: &Metric) -> Self {
        let f = &metric.facts;
        MetricForm {
            name: f.name.clone(),
            description: f.description.clone(),
            unit: f.unit.clone(),
            direction: f.direction.as_str().into(),
            target: value_text(f.target),
            warning: value_text(f.warning),
            breach: value_text(f.breach),
            cadence: f.cadence.as_str().into(),
            source: f.source.as_str().into(),
            system: f.system.map(|s| s.to_string()).unwrap_or_default(),
            owner: f.owner.map(|u| u.to_string()).unwrap_or_default(),
            revision: metric.revision.to_string(),
        }
    }

    /// The facts the form states, or the first field that is wrong.
    pub fn facts(&self) -> Result<MetricFacts, ValidationError> {
        let choice = |text: &str| text.trim().to_owned();
        Ok(MetricFacts {
            name: self.name.clone(),
            description: self.description.clone(),
            unit: self.unit.clone(),
            direction: match choice(&self.direction).as_str() {
                "" => Direction::HigherIsBetter,
                d => d.parse()?,
            },
            target: value_of("target", &self.target)?,
            warning: value_of("warning", &self.warning)?,
            breach: value_of("breach", &self.breach)?,
            cadence: match choice(&self.cadence).as_str() {
                "" => Cadence::Monthly,
                c => c.parse()?,
            },
            source: match choice(&self.source).as_str() {
                "" => MetricSource::Manual,
                s => s.parse()?,
            },
            system: form_id(
                "system",
                &self.system,
                "one of the organisation's AI systems",
            )?,
            owner: form_id("owner", &self.owner, "a member of the organisation")?,
        })
    }
}

#[derive(Template)]
#[template(path = "metric_form.html")]
struct MetricFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    /// The metric being changed; none for a new one.
    editing: Option<(MetricId, String)>,
    form: MetricForm,
    problem: FormProblem,
    members: Vec<Member>,
    systems: Vec<(String, String)>,
    directions: &'static [Direction],
    cadences: &'static [Cadence],
    sources: &'static [MetricSource],
}

/// The AI systems a form offers, as (id, name): the first by name, and `chosen` whatever
/// its place.
pub(super) async fn system_choices(
    state: &WebState,
    actor: &Actor,
    chosen: &str,
) -> Result<Vec<(String, String)>, AppError> {
    let filter = SystemFilter {
        sort: Some("name".into()),
        limit: Some(aims_app::MAX_PAGE),
        ..Default::default()
    };
    let mut systems: Vec<(String, String)> = state
        .app
        .ai_systems(actor, &filter)
        .await?
        .systems
        .into_iter()
        .map(|s| (s.id.to_string(), s.facts.name))
        .collect();
    let chosen = chosen.trim();
    if !chosen.is_empty() && !systems.iter().any(|(id, _)| id == chosen) {
        let names = state
            .app
            .names_of(actor, aims_app::Register::Systems, &[chosen.to_owned()])
            .await?;
        if let Some(name) = names.get(chosen) {
            systems.push((chosen.to_owned(), name.clone()));
        }
    }
    Ok(systems)
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<(MetricId, String)>,
    form: MetricForm,
    problem: FormProblem,
) -> Response {
    let loaded = async {
        let members = state.app.members(actor).await?;
        let systems = system_choices(state, actor, &form.system).await?;
        Ok::<_, AppError>((members, systems))
    };
    let (members, systems) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &MetricFormPage {
            chrome: Some(Chrome::new(context, "metrics")),
            notice: None,
            editing,
            form,
            problem,
            members,
            systems,
            directions: Direction::ALL,
            cadences: Cadence::ALL,
            sources: MetricSource::ALL,
        },
    )
}

/// `GET /monitoring/metrics/new`.
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
) -> Response {
    let form = MetricForm {
        cadence: Cadence::Monthly.as_str().into(),
        ..Default::default()
    };
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /monitoring/metrics`: defines the metric and opens it.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<MetricForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state.app.create_metric(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(metric) => done(&format!("/monitoring/metrics/{}", metric.id), "created"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /monitoring/metrics/{id}/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<MetricId>,
) -> Response {
    match state.app.metric(&actor, id).await {
        Ok(metric) => {
            let editing = Some((id, metric.facts.name.clone()));
            let form = MetricForm::of(&metric);
            form_view(
                &state,
                &context,
                &actor,
                editing,
                form,
                FormProblem::default(),
            )
            .await
        }
        Err(err) => app_error_page(err),
    }
}

/// `POST /monitoring/metrics/{id}`: saves the changed definition from the revision the form was read at.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<MetricId>,
    PageForm(mut form): PageForm<MetricForm>,
) -> Response {
    let result = async {
        let facts = form.facts()?;
        let revision = form
            .revision
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("revision", "must be the metric's revision"))?;
        state.app.update_metric(&actor, id, revision, facts).await
    };
    let Err(err) = result.await else {
        return done(&format!("/monitoring/metrics/{id}"), "saved");
    };
    let current = match state.app.metric(&actor, id).await {
        Ok(metric) => metric,
        Err(err) => return app_error_page(err),
    };
    let problem = match err {
        AppError::Conflict(_) => {
            // The changes stay in the form, now against the revision that stands.
            form.revision = current.revision.to_string();
            FormProblem::changed_meanwhile("metric")
        }
        other => match FormProblem::from_error(other, &FIELDS) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let editing = Some((id, current.facts.name));
    form_view(&state, &context, &actor, editing, form, problem).await
}

/// `POST /monitoring/metrics/{id}/delete`: deletes the metric with its measurements.
pub async fn delete(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<MetricId>,
) -> Response {
    match state.app.delete_metric(&actor, id).await {
        Ok(()) => done("/monitoring/metrics", "deleted"),
        Err(err) => app_error_page(err),
    }
}
