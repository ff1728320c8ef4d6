//! One task's page: its facts, the status form (editors and the person it is assigned to),
//! the edit form (editors), and its comments. Every form carries the revision it was read at,
//! so that two people changing the task at once do not overwrite each other.

use aims_app::domain::account::Member;
use aims_app::domain::work::{SourceKind, TaskComment, TaskStatus};
use aims_app::domain::{Actor, Permission, TaskId};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::task_form::{FIELDS, TaskForm};
use super::tasks::{TaskLine, lines, source_links};
use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render,
};
use crate::identity::PageMember;
use crate::state::WebState;

/// The status form's field.
const STATUS_FIELDS: FormFields = FormFields {
    prefix: "s-",
    labels: &[("status", "Status")],
};

/// The comment form's field.
const COMMENT_FIELDS: FormFields = FormFields {
    prefix: "c-",
    labels: &[("body", "Comment")],
};

#[derive(Template)]
#[template(path = "task.html")]
struct TaskPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    line: TaskLine,
    comments: Vec<TaskComment>,
    members: Vec<Member>,
    statuses: &'static [TaskStatus],
    kinds: &'static [SourceKind],
    /// May change every field.
    can_edit: bool,
    /// May change its status and comment: an editor, or the person it is assigned to.
    can_work: bool,
    /// The forms' values: the task as it stands, or as a refused form sent it.
    form: TaskForm,
    problem: FormProblem,
    status_problem: FormProblem,
    comment: String,
    comment_problem: FormProblem,
}

impl TaskPage {
    /// Who wrote `comment`: a member's name, or the label recorded with it.
    fn author(&self, comment: &TaskComment) -> String {
        comment
            .author
            .and_then(|user| self.members.iter().find(|m| m.user == user))
            .map_or_else(|| comment.author_label.clone(), |m| m.display_name.clone())
    }
}

/// What the page shows besides the task: a form as it was sent and what was wrong with it.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    form: Option<TaskForm>,
    problem: FormProblem,
    status_problem: FormProblem,
    comment: String,
    comment_problem: FormProblem,
}

async fn task_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: TaskId,
    shown: Shown,
) -> Response {
    let loaded = async {
        let record = state.app.task(actor, id).await?;
        let members = state.app.members(actor).await?;
        let links = source_links(state, actor, record.task.facts.source.as_ref()).await?;
        Ok::<_, AppError>((record, members, links))
    };
    let (record, members, mut links) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let task = record.task;
    let can_edit = actor.role.grants(Permission::EditContent);
    let is_assignee = task.facts.assignee.is_some() && task.facts.assignee == actor.user();
    let mut form = shown.form.unwrap_or_else(|| TaskForm::of(&task));
    if shown.problem.status() == StatusCode::CONFLICT
        || shown.status_problem.status() == StatusCode::CONFLICT
    {
        // The page now shows the task as it stands; the changes kept in the form apply to
        // that revision once the person has checked them.
        form.revision = task.revision.to_string();
    }
    let status = [
        shown.problem.status(),
        shown.status_problem.status(),
        shown.comment_problem.status(),
    ]
    .into_iter()
    .max()
    .unwrap_or(StatusCode::OK);
    let line = lines(vec![task], &members, &mut links, state.app.now()).pop();
    let Some(line) = line else {
        return app_error_page(AppError::NotFound("task"));
    };
    render(
        status,
        &TaskPage {
            chrome: Some(Chrome::new(context, "my-work")),
            notice: shown.notice,
            line,
            comments: record.comments,
            members,
            statuses: TaskStatus::ALL,
            kinds: SourceKind::ALL,
            can_edit,
            can_work: can_edit || is_assignee,
            form,
            problem: shown.problem,
            status_problem: shown.status_problem,
            comment: shown.comment,
            comment_problem: shown.comment_problem,
        },
    )
}

/// `GET /tasks/{id}`.
pub async fn task_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TaskId>,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("created") => Some("The task was created; the person it is assigned to was told."),
        Some("saved") => Some("Your changes were saved."),
        Some("status") => Some("The status was changed."),
        Some("commented") => Some("Your comment was added."),
        _ => None,
    };
    let shown = Shown {
        notice: notice.map(str::to_owned),
        ..Default::default()
    };
    task_view(&state, &context, &actor, id, shown).await
}

/// A task form as posted: the status form sends only `status`, the edit form every field.
/// Fields not sent keep the task's current values.
#[derive(Deserialize)]
pub struct TaskPost {
    title: Option<String>,
    description: Option<String>,
    assignee: Option<String>,
    due: Option<String>,
    status: Option<String>,
    source_kind: Option<String>,
    source_id: Option<String>,
    #[serde(default)]
    revision: String,
}

impl TaskPost {
    /// Whether this is the status form (which has no title).
    fn status_only(&self) -> bool {
        self.title.is_none()
    }

    /// `current` with what was posted written over it.
    fn over(self, current: TaskForm) -> TaskForm {
        TaskForm {
            title: self.title.unwrap_or(current.title),
            description: self.description.unwrap_or(current.description),
            assignee: self.assignee.unwrap_or(current.assignee),
            due: self.due.unwrap_or(current.due),
            status: self.status.unwrap_or(current.status),
            source_kind: self.source_kind.unwrap_or(current.source_kind),
            source_id: self.source_id.unwrap_or(current.source_id),
            from_record: String::new(),
            revision: self.revision,
        }
    }
}

/// `POST /tasks/{id}`: the status form or the edit form. Whether the caller may change what
/// they sent (an editor anything, the assignee its status) is the use case's to decide.
pub async fn update(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TaskId>,
    PageForm(post): PageForm<TaskPost>,
) -> Response {
    let current = match state.app.task(&actor, id).await {
        Ok(record) => TaskForm::of(&record.task),
        Err(err) => return app_error_page(err),
    };
    let status_only = post.status_only();
    let form = post.over(current);
    let result = async {
        let facts = form.facts()?;
        let revision = form.revision()?;
        state.app.update_task(&actor, id, revision, facts).await
    };
    let Err(err) = result.await else {
        let code = if status_only { "status" } else { "saved" };
        return done(&format!("/tasks/{id}"), code);
    };
    let fields = if status_only { &STATUS_FIELDS } else { &FIELDS };
    let problem = match err {
        AppError::Conflict(_) => FormProblem::general(
            StatusCode::CONFLICT,
            "Someone else changed this task while you had it open. The page now shows their \
             version; your changes were not saved but are still in the form: check them and send \
             it again.",
        ),
        other => match FormProblem::from_error(other, fields) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let shown = match status_only {
        true => Shown {
            form: Some(form),
            status_problem: problem,
            ..Default::default()
        },
        false => Shown {
            form: Some(form),
            problem,
            ..Default::default()
        },
    };
    task_view(&state, &context, &actor, id, shown).await
}

/// A comment as its form posts it.
#[derive(Deserialize)]
pub struct CommentForm {
    #[serde(default)]
    body: String,
}

/// `POST /tasks/{id}/comments`: editors and the assignee, as the use case decides.
pub async fn comment(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<TaskId>,
    PageForm(form): PageForm<CommentForm>,
) -> Response {
    match state.app.comment_on_task(&actor, id, &form.body).await {
        Ok(()) => done(&format!("/tasks/{id}"), "commented"),
        Err(err) => match FormProblem::from_error(err, &COMMENT_FIELDS) {
            Ok(comment_problem) => {
                let shown = Shown {
                    comment: form.body,
                    comment_problem,
                    ..Default::default()
                };
                task_view(&state, &context, &actor, id, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
