//! A task's fields as its forms post them, kept as typed so that a refused form comes back as
//! it was sent; and the page that creates a task, perhaps about a record whose page linked to
//! it (`/tasks/new?source_kind=document&source_id=…`).

use aims_app::domain::account::Member;
use aims_app::domain::work::{Source, SourceKind, Task, TaskFacts};
use aims_app::domain::{Actor, ValidationError};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::tasks::{SourceLink, source_links};
use super::{
    Chrome, FormFields, FormProblem, PageForm, app_error_page, date_of, done, form_date, render,
};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of the task forms, with the labels their messages use.
pub const FIELDS: FormFields = FormFields {
    prefix: "t-",
    labels: &[
        ("title", "Title"),
        ("description", "Description"),
        ("assignee", "Assigned to"),
        ("due", "Due date"),
        ("status", "Status"),
        ("source.kind", "Kind of record"),
        ("source.id", "Record"),
    ],
};

/// A task as its forms carry it: every field as text.
#[derive(Deserialize, Default, Clone)]
pub struct TaskForm {
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// A member's id, or empty for nobody yet.
    #[serde(default)]
    pub assignee: String,
    /// `2027-06-30`, or empty.
    #[serde(default)]
    pub due: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub source_kind: String,
    #[serde(default)]
    pub source_id: String,
    /// Set when a record's page opened the form: the record is then context, not a field.
    #[serde(default)]
    pub from_record: String,
    #[serde(default)]
    pub revision: String,
}

impl TaskForm {
    /// The form filled in with `task` as it stands.
    pub fn of(task: &Task) -> Self {
        let f = &task.facts;
        TaskForm {
            title: f.title.clone(),
            description: f.description.clone(),
            assignee: f.assignee.map(|u| u.to_string()).unwrap_or_default(),
            due: f.due.map(date_of).unwrap_or_default(),
            status: f.status().as_str().to_owned(),
            source_kind: f
                .source
                .as_ref()
                .map(|s| s.kind.as_str().to_owned())
                .unwrap_or_default(),
            source_id: f.source.as_ref().map(|s| s.id.clone()).unwrap_or_default(),
            from_record: String::new(),
            revision: task.revision.to_string(),
        }
    }

    /// The facts the form states, or the first field that is wrong.
    pub fn facts(&self) -> Result<TaskFacts, ValidationError> {
        let assignee = match self.assignee.trim() {
            "" => None,
            id => Some(id.parse().map_err(|_| {
                ValidationError::new("assignee", "must be a member of the organisation")
            })?),
        };
        let status = match self.status.trim() {
            "" => None,
            s => Some(s.parse()?),
        };
        Ok(TaskFacts {
            title: self.title.clone(),
            description: self.description.clone(),
            source: self.source()?,
            assignee,
            due: form_date("due", &self.due)?,
            status,
        })
    }

    /// The record the task is about, if the form names one.
    pub fn source(&self) -> Result<Option<Source>, ValidationError> {
        match (self.source_kind.trim(), self.source_id.trim()) {
            ("", "") => Ok(None),
            ("", _) => Err(ValidationError::new(
                "source.kind",
                "must say what kind of record the task is about",
            )),
            (kind, id) => Ok(Some(Source {
                kind: kind.parse::<SourceKind>()?,
                id: id.to_owned(),
            })),
        }
    }

    /// The revision the form was read at.
    pub fn revision(&self) -> Result<i64, ValidationError> {
        self.revision
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("revision", "must be the task's revision"))
    }

    /// Whether the record the task is about came from the page that opened the form, to be
    /// kept as hidden context rather than offered as fields.
    pub fn record_given(&self) -> bool {
        !self.from_record.is_empty()
            && !self.source_kind.trim().is_empty()
            && !self.source_id.trim().is_empty()
    }
}

#[derive(Template)]
#[template(path = "task_form.html")]
struct NewTaskPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    form: TaskForm,
    problem: FormProblem,
    members: Vec<Member>,
    kinds: &'static [SourceKind],
    /// The record the form was opened from, kept hidden; `None` offers the source fields.
    record: Option<SourceLink>,
}

/// `GET /tasks/new`, perhaps with the record it is about (`source_kind`, `source_id`) and
/// the member it is for (`assignee`).
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    Query(mut form): Query<TaskForm>,
) -> Response {
    form.from_record = match form.source_kind.is_empty() || form.source_id.is_empty() {
        true => String::new(),
        false => "1".into(),
    };
    form.revision = String::new();
    form_view(&state, &context, &actor, form, FormProblem::default()).await
}

/// `POST /tasks`: creates the task and opens it; a refused form comes back as typed.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<TaskForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state.app.create_task(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(task) => done(&format!("/tasks/{}", task.id), "created"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => form_view(&state, &context, &actor, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    form: TaskForm,
    problem: FormProblem,
) -> Response {
    // A record that was refused (gone, or not this organisation's) is shown as fields again,
    // so that the person can see and change it.
    let record_refused =
        problem.message("source.kind").is_some() || problem.message("source.id").is_some();
    let given = form.source().ok().flatten();
    let loaded = async {
        let members = state.app.members(actor).await?;
        let record = match (&given, form.record_given() && !record_refused) {
            (Some(source), true) => source_links(state, actor, [source]).await?.remove(source),
            _ => None,
        };
        Ok::<_, AppError>((members, record))
    };
    let (members, record) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &NewTaskPage {
            chrome: Some(Chrome::new(context, "my-work")),
            notice: None,
            form,
            problem,
            members,
            kinds: SourceKind::ALL,
            record,
        },
    )
}
