//! The pages that set and change an AI objective, and delete it.

use aims_app::domain::account::Member;
use aims_app::domain::measurement::{Objective, ObjectiveFacts, ObjectiveStatus};
use aims_app::domain::{Actor, ObjectiveId, ValidationError};
use aims_app::{AppError, DocumentFilter, SessionContext};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, date_of, done, form_date,
    form_id, render,
};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of the objective form, with the labels their messages use.
const FIELDS: FormFields = FormFields {
    prefix: "o-",
    labels: &[
        ("statement", "Objective"),
        ("commitment", "Policy commitment it carries out"),
        ("policy", "Policy"),
        ("metric", "Metric"),
        ("measure", "How progress is measured"),
        ("target", "Target"),
        ("deadline", "Deadline"),
        ("owner", "Owner"),
        ("resources", "Resources"),
        ("evaluation", "How results are evaluated"),
        ("status", "Status"),
    ],
};

/// An objective as its form carries it: every field as text.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ObjectiveForm {
    pub statement: String,
    pub commitment: String,
    pub policy: String,
    pub metric: String,
    pub measure: String,
    pub target: String,
    pub deadline: String,
    pub owner: String,
    pub resources: String,
    pub evaluation: String,
    pub status: String,
    pub revision: String,
}

impl ObjectiveForm {
    fn of(o: &Objective) -> Self {
        let f = &o.facts;
        ObjectiveForm {
            statement: f.statement.clone(),
            commitment: f.commitment.clone(),
            policy: f.policy.map(|d| d.to_string()).unwrap_or_default(),
            metric: f.metric.map(|m| m.to_string()).unwrap_or_default(),
            measure: f.measure.clone(),
            target: f.target.clone(),
            deadline: f.deadline.map(date_of).unwrap_or_default(),
            owner: f.owner.map(|u| u.to_string()).unwrap_or_default(),
            resources: f.resources.clone(),
            evaluation: f.evaluation.clone(),
            status: f.status.as_str().into(),
            revision: o.revision.to_string(),
        }
    }

    fn facts(&self) -> Result<ObjectiveFacts, ValidationError> {
        Ok(ObjectiveFacts {
            statement: self.statement.clone(),
            commitment: self.commitment.clone(),
            policy: form_id(
                "policy",
                &self.policy,
                "one of the organisation's documents",
            )?,
            metric: form_id("metric", &self.metric, "one of the organisation's metrics")?,
            measure: self.measure.clone(),
            target: self.target.clone(),
            deadline: form_date("deadline", &self.deadline)?,
            owner: form_id("owner", &self.owner, "a member of the organisation")?,
            resources: self.resources.clone(),
            evaluation: self.evaluation.clone(),
            status: match self.status.trim() {
                "" => ObjectiveStatus::Planned,
                s => s.parse()?,
            },
        })
    }
}

#[derive(Template)]
#[template(path = "objective_form.html")]
struct ObjectiveFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    editing: Option<(ObjectiveId, String)>,
    form: ObjectiveForm,
    problem: FormProblem,
    members: Vec<Member>,
    /// Documents that can make a commitment: policies first.
    documents: Vec<(String, String)>,
    metrics: Vec<(String, String)>,
    statuses: &'static [ObjectiveStatus],
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<(ObjectiveId, String)>,
    form: ObjectiveForm,
    problem: FormProblem,
) -> Response {
    let loaded = async {
        let members = state.app.members(actor).await?;
        let metrics = state.app.metrics(actor).await?;
        let filter = DocumentFilter {
            kind: Some(aims_app::domain::document::DocumentKind::Policy),
            ..Default::default()
        };
        let (documents, _) = state
            .app
            .document_list(actor, &filter, aims_app::MAX_PAGE, 0)
            .await?;
        let mut documents: Vec<(String, String)> = documents
            .into_iter()
            .map(|d| (d.id.to_string(), d.title))
            .collect();
        // Policies are offered; a chosen document of another kind is offered too.
        let chosen = form.policy.trim();
        if !chosen.is_empty() && !documents.iter().any(|(id, _)| id == chosen) {
            let names = state
                .app
                .names_of(actor, aims_app::Register::Documents, &[chosen.to_owned()])
                .await?;
            if let Some(title) = names.get(chosen) {
                documents.push((chosen.to_owned(), title.clone()));
            }
        }
        Ok::<_, AppError>((members, metrics, documents))
    };
    let (members, metrics, documents) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &ObjectiveFormPage {
            chrome: Some(Chrome::new(context, "objectives")),
            notice: None,
            editing,
            form,
            problem,
            members,
            documents,
            metrics: metrics
                .into_iter()
                .map(|m| (m.id.to_string(), m.facts.name))
                .collect(),
            statuses: ObjectiveStatus::ALL,
        },
    )
}

/// `GET /objectives/new`.
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
) -> Response {
    let form = ObjectiveForm::default();
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /objectives`: sets the objective and opens it.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<ObjectiveForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state.app.create_objective(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(o) => done(&format!("/objectives/{}", o.id), "created"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /objectives/{id}/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ObjectiveId>,
) -> Response {
    match state.app.objective(&actor, id).await {
        Ok(o) => {
            let editing = Some((id, o.facts.statement.clone()));
            let form = ObjectiveForm::of(&o);
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

/// `POST /objectives/{id}`: saves the changes from the revision the form was read at.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ObjectiveId>,
    PageForm(mut form): PageForm<ObjectiveForm>,
) -> Response {
    let result = async {
        let facts = form.facts()?;
        let revision =
            form.revision.trim().parse().map_err(|_| {
                ValidationError::new("revision", "must be the objective's revision")
            })?;
        state
            .app
            .update_objective(&actor, id, revision, facts)
            .await
    };
    let Err(err) = result.await else {
        return done(&format!("/objectives/{id}"), "saved");
    };
    let current = match state.app.objective(&actor, id).await {
        Ok(o) => o,
        Err(err) => return app_error_page(err),
    };
    let problem = match err {
        AppError::Conflict(_) => {
            form.revision = current.revision.to_string();
            FormProblem::changed_meanwhile("objective")
        }
        other => match FormProblem::from_error(other, &FIELDS) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let editing = Some((id, current.facts.statement));
    form_view(&state, &context, &actor, editing, form, problem).await
}

/// `POST /objectives/{id}/delete`.
pub async fn delete(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ObjectiveId>,
) -> Response {
    match state.app.delete_objective(&actor, id).await {
        Ok(()) => done("/objectives", "deleted"),
        Err(err) => app_error_page(err),
    }
}
