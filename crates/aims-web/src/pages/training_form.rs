//! The pages that record training and change or delete a record: one's own for anyone,
//! anyone's for editors. A refused form comes back as it was typed.

use aims_app::domain::account::Member;
use aims_app::domain::competence::{TrainingFacts, TrainingKind, TrainingRecord};
use aims_app::domain::id::TrainingRecordId;
use aims_app::domain::{Actor, Permission, ValidationError};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, date_of, done, form_date,
    render,
};
use crate::identity::PageMember;
use crate::state::WebState;

/// The fields of the training form, with the labels their messages use.
pub const FIELDS: FormFields = FormFields {
    prefix: "tr-",
    labels: &[
        ("person", "Person"),
        ("kind", "Kind"),
        ("title", "Course, attestation or qualification"),
        ("completed_on", "Completed on"),
        ("expires_on", "Counts until"),
        ("provider", "Given by"),
        ("competences", "Competences it gives"),
        ("evidence", "Evidence id"),
        ("notes", "Notes"),
    ],
};

/// A training record as its form carries it: every field as text.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TrainingForm {
    pub person: String,
    pub kind: String,
    pub title: String,
    pub completed_on: String,
    pub expires_on: String,
    pub provider: String,
    /// One a line.
    pub competences: String,
    pub evidence: String,
    pub notes: String,
    pub revision: String,
}

impl TrainingForm {
    /// The form filled in with `record` as it stands.
    pub fn of(r: &TrainingRecord) -> Self {
        let f = &r.facts;
        TrainingForm {
            person: r.person.to_string(),
            kind: f.kind().as_str().into(),
            title: f.title.clone(),
            completed_on: f.completed_on.map(date_of).unwrap_or_default(),
            expires_on: f.expires_on.map(date_of).unwrap_or_default(),
            provider: f.provider.clone(),
            competences: f.competences.join("\n"),
            evidence: f.evidence.map(|e| e.to_string()).unwrap_or_default(),
            notes: f.notes.clone(),
            revision: r.revision.to_string(),
        }
    }

    /// The facts the form states, or the first field that is wrong.
    pub fn facts(&self) -> Result<TrainingFacts, ValidationError> {
        let person = match self.person.trim() {
            "" => None,
            p => Some(
                p.parse()
                    .map_err(|_| ValidationError::new("person", "must be a member"))?,
            ),
        };
        let evidence = match self.evidence.trim() {
            "" => None,
            e => Some(e.parse().map_err(|_| {
                ValidationError::new("evidence", "must be the id of a piece of evidence")
            })?),
        };
        let kind = match self.kind.trim() {
            "" => None,
            k => Some(k.parse()?),
        };
        Ok(TrainingFacts {
            person,
            kind,
            title: self.title.clone(),
            completed_on: form_date("completed_on", &self.completed_on)?,
            expires_on: form_date("expires_on", &self.expires_on)?,
            provider: self.provider.clone(),
            notes: self.notes.clone(),
            evidence,
            competences: self.competences.lines().map(str::to_owned).collect(),
        })
    }
}

#[derive(Template)]
#[template(path = "training_form.html")]
struct TrainingFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    /// The record being changed, with its title as it stands; `None` for a new one.
    editing: Option<(TrainingRecordId, String)>,
    form: TrainingForm,
    problem: FormProblem,
    /// The people the form may name: everyone for an editor, else only oneself.
    members: Vec<Member>,
    kinds: &'static [TrainingKind],
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<(TrainingRecordId, String)>,
    form: TrainingForm,
    problem: FormProblem,
) -> Response {
    let mut members = match state.app.members(actor).await {
        Ok(members) => members,
        Err(err) => return app_error_page(err),
    };
    if !actor.role.grants(Permission::EditContent) {
        members.retain(|m| Some(m.user) == actor.user());
    }
    render(
        problem.status(),
        &TrainingFormPage {
            chrome: Some(Chrome::new(context, "roles")),
            notice: None,
            editing,
            form,
            problem,
            members,
            kinds: TrainingKind::ALL,
        },
    )
}

/// `GET /training/new`, perhaps with the kind to record (`?kind=ai_literacy`).
pub async fn new_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(mut form): Query<TrainingForm>,
) -> Response {
    if form.person.is_empty() {
        form.person = actor.user().map(|u| u.to_string()).unwrap_or_default();
    }
    form.revision = String::new();
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

fn problem_of(err: AppError) -> Result<FormProblem, AppError> {
    FormProblem::from_error(err, &FIELDS)
}

/// `POST /training`: records it and opens it.
pub async fn create(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageForm(form): PageForm<TrainingForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state.app.record_training(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(record) => done(&format!("/training/{}", record.id), "created"),
        Err(err) => match problem_of(err) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /training/{id}/edit` (editors, and the person it is about).
pub async fn edit_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TrainingRecordId>,
) -> Response {
    if let Err(err) = state.app.authorize_training_work(&actor, id).await {
        return app_error_page(err);
    }
    match state.app.training_record(&actor, id).await {
        Ok(record) => {
            let editing = Some((id, record.facts.title.clone()));
            let form = TrainingForm::of(&record);
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

/// `POST /training/{id}`: saves the changed record from the revision the form was read at.
pub async fn update(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TrainingRecordId>,
    PageForm(mut form): PageForm<TrainingForm>,
) -> Response {
    let result = async {
        let facts = form.facts()?;
        let revision = form.revision.trim().parse().map_err(|_| {
            ValidationError::new("revision", "must be the training record's revision")
        })?;
        state.app.update_training(&actor, id, revision, facts).await
    };
    let Err(err) = result.await else {
        return done(&format!("/training/{id}"), "saved");
    };
    let current = match state.app.training_record(&actor, id).await {
        Ok(record) => record,
        Err(err) => return app_error_page(err),
    };
    let problem = match err {
        AppError::Conflict(_) => {
            form.revision = current.revision.to_string();
            FormProblem::changed_meanwhile("record")
        }
        other => match problem_of(other) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let editing = Some((id, current.facts.title));
    form_view(&state, &context, &actor, editing, form, problem).await
}

/// `POST /training/{id}/delete` (editors, and the person it is about).
pub async fn delete(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId(id): PageId<TrainingRecordId>,
) -> Response {
    match state.app.delete_training(&actor, id).await {
        Ok(()) => done("/training", "deleted"),
        Err(err) => app_error_page(err),
    }
}
