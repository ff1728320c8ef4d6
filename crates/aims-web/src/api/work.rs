//! Work routing: tasks, "my work" and notifications.

use aims_app::domain::work::{EmailPreference, Source, Task, TaskFacts};
use aims_app::domain::{NotificationId, TaskId, Timestamp, UserId, ValidationError};
use aims_app::{MyWork, TaskFilter};
use axum::Json;
use axum::body::Bytes;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::documents::DocumentView;
use super::form_values::{invalid, require_revision};
use super::{Body, Id, Params, read_body};
use crate::allowed::{Allowed, Edit, OwnAccount};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A task as written.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct TaskForm {
    pub title: String,
    #[serde(default)]
    pub description: String,
    /// The record it is about: `{kind, id}`, kind `system`, `risk`, `document`, `evidence`,
    /// `impact_assessment`, `control` or `task`.
    #[schema(value_type = Option<Object>)]
    pub source: Option<Source>,
    /// The assignee's user id.
    pub assignee: Option<String>,
    /// The day it is due by (RFC 3339).
    #[schema(value_type = Option<String>)]
    pub due: Option<Timestamp>,
    /// `open` (default), `in_progress`, `done` or `cancelled`.
    pub status: Option<String>,
    /// For a change: the revision it starts from.
    pub revision: Option<i64>,
}

impl TaskForm {
    fn facts(self) -> Result<TaskFacts, ValidationError> {
        let assignee = match self.assignee.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<UserId>().map_err(|_| {
                ValidationError::new("assignee", format!("{text:?} is not a user id"))
            })?),
        };
        Ok(TaskFacts {
            title: self.title,
            description: self.description,
            source: self.source,
            assignee,
            due: self.due,
            status: self
                .status
                .as_deref()
                .filter(|s| !s.trim().is_empty())
                .map(str::parse)
                .transpose()?,
        })
    }
}

/// A task.
#[derive(Serialize, ToSchema)]
pub struct TaskView {
    pub id: String,
    pub title: String,
    pub description: String,
    /// `kind:id` of the record it is about.
    pub source: Option<String>,
    pub assignee: Option<String>,
    pub due: Option<String>,
    pub overdue: bool,
    pub status: String,
    /// Whether aims made it (a review that fell due), rather than a person.
    pub made_by_aims: bool,
    pub created_by: String,
    pub created_at: String,
    pub completed_at: Option<String>,
    pub revision: i64,
    /// Only on a single task.
    pub comments: Vec<CommentView>,
}

/// A comment on a task.
#[derive(Serialize, ToSchema)]
pub struct CommentView {
    pub author: String,
    pub body: String,
    pub created_at: String,
}

pub(super) fn view(t: Task, now: Timestamp) -> TaskView {
    TaskView {
        id: t.id.to_string(),
        overdue: t.overdue(now),
        made_by_aims: t.made_by_aims(),
        title: t.facts.title.clone(),
        description: t.facts.description.clone(),
        source: t
            .facts
            .source
            .as_ref()
            .map(|s| format!("{}:{}", s.kind, s.id)),
        assignee: t.facts.assignee.map(|u| u.to_string()),
        due: t.facts.due.map(|d| d.to_string()),
        status: t.facts.status().as_str().into(),
        created_by: t.created_by,
        created_at: t.created_at.to_string(),
        completed_at: t.completed_at.map(|d| d.to_string()),
        revision: t.revision,
        comments: Vec::new(),
    }
}

/// Which tasks to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TaskParams {
    /// Only those assigned to this user id.
    pub assignee: Option<String>,
    /// `open`, `in_progress`, `done` or `cancelled`.
    pub status: Option<String>,
    /// Only those still waiting on someone.
    pub open: Option<bool>,
    /// Only open tasks past their due day.
    pub overdue: Option<bool>,
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// One page of tasks.
#[derive(Serialize, ToSchema)]
pub struct TaskPageView {
    pub tasks: Vec<TaskView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The tasks, the soonest due first.
#[utoipa::path(get, path = "/api/v1/tasks", tag = "work", params(TaskParams), responses(
    (status = 200, body = TaskPageView), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(p): Params<TaskParams>,
) -> Result<Json<TaskPageView>, ApiError> {
    let given = |s: &Option<String>| s.clone().filter(|s| !s.trim().is_empty());
    let filter = TaskFilter {
        assignee: given(&p.assignee)
            .map(|a| {
                a.trim().parse::<UserId>().map_err(|_| {
                    invalid(ValidationError::new(
                        "assignee",
                        format!("{a:?} is not a user id"),
                    ))
                })
            })
            .transpose()?,
        status: given(&p.status)
            .map(|s| s.parse().map_err(invalid))
            .transpose()?,
        open_only: p.open.unwrap_or(false),
        overdue: p.overdue.unwrap_or(false),
    };
    let (limit, offset) = super::form_values::page(p.limit, p.offset)?;
    let (tasks, total) = state.app.tasks(&actor, &filter, limit, offset).await?;
    let now = state.app.now();
    Ok(Json(TaskPageView {
        tasks: tasks.into_iter().map(|t| view(t, now)).collect(),
        total,
        limit,
        offset,
    }))
}

/// Creates a task (owner, admin, editor); its assignee is told.
#[utoipa::path(post, path = "/api/v1/tasks", tag = "work", request_body = TaskForm, responses(
    (status = 201, body = TaskView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<TaskForm>,
) -> Result<(StatusCode, Json<TaskView>), ApiError> {
    let facts = form.facts().map_err(invalid)?;
    let task = state.app.create_task(&actor, facts).await?;
    Ok((StatusCode::CREATED, Json(view(task, state.app.now()))))
}

/// A task with its comments.
#[utoipa::path(get, path = "/api/v1/tasks/{id}", tag = "work", params(("id" = String, Path)), responses(
    (status = 200, body = TaskView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TaskId>,
) -> Result<Json<TaskView>, ApiError> {
    let record = state.app.task(&actor, id).await?;
    let mut v = view(record.task, state.app.now());
    v.comments = record
        .comments
        .into_iter()
        .map(|c| CommentView {
            author: c.author_label,
            body: c.body,
            created_at: c.created_at.to_string(),
        })
        .collect();
    Ok(Json(v))
}

/// Changes a task from `revision` (editors; its assignee may change its status and
/// description); 409 when someone changed it meanwhile.
#[utoipa::path(put, path = "/api/v1/tasks/{id}", tag = "work", params(("id" = String, Path)),
    request_body = TaskForm, responses(
    (status = 200, body = TaskView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn update(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TaskId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<Json<TaskView>, ApiError> {
    // Who may change a task (editors, or its assignee) depends on the task: checked before
    // the body is read.
    state.app.authorize_task_work(&actor, id).await?;
    let form: TaskForm = read_body(&headers, &body)?;
    let revision = require_revision(form.revision)?;
    let facts = form.facts().map_err(invalid)?;
    let task = state.app.update_task(&actor, id, revision, facts).await?;
    Ok(Json(view(task, state.app.now())))
}

/// A comment.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CommentForm {
    pub body: String,
}

/// Adds a comment to a task (editors, and its assignee).
#[utoipa::path(post, path = "/api/v1/tasks/{id}/comments", tag = "work", params(("id" = String, Path)),
    request_body = CommentForm, responses(
    (status = 204), (status = 403, body = Problem), (status = 404, body = Problem), (status = 422, body = Problem),
))]
pub async fn comment(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<TaskId>,
    headers: HeaderMap,
    body: Bytes,
) -> Result<StatusCode, ApiError> {
    state.app.authorize_task_work(&actor, id).await?;
    let form: CommentForm = read_body(&headers, &body)?;
    state.app.comment_on_task(&actor, id, &form.body).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// What waits on the caller.
#[derive(Serialize, ToSchema)]
pub struct MyWorkView {
    /// Everything waiting, counted in full.
    pub total: i64,
    pub overdue: usize,
    pub tasks: Vec<TaskView>,
    pub task_total: i64,
    pub approvals: Vec<DocumentView>,
    pub to_read: Vec<DocumentView>,
    pub document_reviews: Vec<DocumentView>,
    pub document_review_total: i64,
    /// `[risk id, "R-n title", review due]`.
    #[schema(value_type = Vec<Vec<String>>)]
    pub risk_reviews: Vec<(String, String, String)>,
    pub risk_review_total: i64,
}

fn my_work_view(w: MyWork) -> MyWorkView {
    let now = w.at;
    let docs = |list: Vec<aims_app::domain::document::Document>| {
        list.into_iter()
            .map(|d| super::documents::view(d, now))
            .collect()
    };
    MyWorkView {
        total: w.total(),
        overdue: w.overdue(),
        task_total: w.task_total,
        document_review_total: w.document_review_total,
        risk_review_total: w.risk_review_total,
        risk_reviews: w
            .risk_reviews
            .into_iter()
            .map(|r| {
                (
                    r.id.to_string(),
                    format!("R-{} {}", r.number, r.facts.title),
                    r.facts
                        .review_due
                        .map(|d| d.to_string())
                        .unwrap_or_default(),
                )
            })
            .collect(),
        tasks: w.tasks.into_iter().map(|t| view(t, now)).collect(),
        approvals: docs(w.approvals),
        to_read: docs(w.to_read),
        document_reviews: docs(w.document_reviews),
    }
}

/// Everything waiting on the caller: tasks, approvals, documents to read, reviews due.
#[utoipa::path(get, path = "/api/v1/my-work", tag = "work", responses(
    (status = 200, body = MyWorkView), (status = 401, body = Problem),
))]
pub async fn my_work(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<MyWorkView>, ApiError> {
    Ok(Json(my_work_view(state.app.my_work(&actor).await?)))
}

/// A notification.
#[derive(Serialize, ToSchema)]
pub struct NotificationView {
    pub id: String,
    pub kind: String,
    pub title: String,
    pub link: String,
    pub created_at: String,
    pub read_at: Option<String>,
}

/// The caller's newest notifications.
#[derive(Serialize, ToSchema)]
pub struct InboxView {
    pub unread: i64,
    pub notifications: Vec<NotificationView>,
}

/// The caller's newest notifications (at most 200) and how many are unread.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "work", responses(
    (status = 200, body = InboxView), (status = 401, body = Problem),
))]
pub async fn notifications(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<InboxView>, ApiError> {
    let inbox = state.app.inbox(&actor, aims_app::MAX_NOTIFICATIONS).await?;
    Ok(Json(InboxView {
        unread: inbox.unread,
        notifications: inbox
            .notifications
            .into_iter()
            .map(|n| NotificationView {
                id: n.id.to_string(),
                kind: n.kind.as_str().into(),
                title: n.title,
                link: n.link,
                created_at: n.created_at.to_string(),
                read_at: n.read_at.map(|t| t.to_string()),
            })
            .collect(),
    }))
}

/// How many notifications changed.
#[derive(Serialize, ToSchema)]
pub struct MarkedView {
    pub marked: u64,
}

/// Marks every notification of the caller read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "work", responses(
    (status = 200, body = MarkedView), (status = 401, body = Problem),
))]
pub async fn read_all(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<MarkedView>, ApiError> {
    let marked = state.app.mark_read(&actor, None).await?;
    Ok(Json(MarkedView { marked }))
}

/// Marks one notification of the caller read (`marked` is 0 when it was read already, or
/// is not the caller's).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", tag = "work", params(("id" = String, Path)), responses(
    (status = 200, body = MarkedView), (status = 401, body = Problem),
))]
pub async fn read_one(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<NotificationId>,
) -> Result<Json<MarkedView>, ApiError> {
    let marked = state.app.mark_read(&actor, Some(id)).await?;
    Ok(Json(MarkedView { marked }))
}

/// How the caller hears of notifications by email.
#[derive(Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EmailPreferenceView {
    /// `each`, `digest` (one a day) or `off`.
    pub email: String,
}

/// How the caller hears of notifications by email.
#[utoipa::path(get, path = "/api/v1/notifications/email", tag = "work", responses(
    (status = 200, body = EmailPreferenceView), (status = 401, body = Problem),
))]
pub async fn email_preference(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<EmailPreferenceView>, ApiError> {
    let email = state.app.email_preference(&actor).await?;
    Ok(Json(EmailPreferenceView {
        email: email.as_str().into(),
    }))
}

/// Sets how the caller hears of notifications by email (a person signed in).
#[utoipa::path(put, path = "/api/v1/notifications/email", tag = "work", request_body = EmailPreferenceView, responses(
    (status = 200, body = EmailPreferenceView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn set_email_preference(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<OwnAccount>,
    Body(form): Body<EmailPreferenceView>,
) -> Result<Json<EmailPreferenceView>, ApiError> {
    let preference: EmailPreference = form.email.parse().map_err(invalid)?;
    state.app.set_email_preference(&actor, preference).await?;
    Ok(Json(form))
}
