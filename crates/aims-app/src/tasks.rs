//! Tasks: work someone must do, made by people or by aims, assigned to a member, with a due
//! day, a status and comments. The assignee is told.

use aims_domain::audit::AuditAction;
use aims_domain::work::{NotificationKind, Source, Task, TaskComment, TaskFacts, TaskStatus};
use aims_domain::{
    Actor, Denied, DocumentId, Permission, RiskId, TaskCommentId, TaskId, UserId, ValidationError,
};
use aims_store::TaskQuery;
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

/// A task with its comments.
#[derive(Clone, Debug)]
pub struct TaskRecord {
    pub task: Task,
    pub comments: Vec<TaskComment>,
}

/// Which tasks a list shows.
#[derive(Clone, Debug, Default)]
pub struct TaskFilter {
    pub assignee: Option<UserId>,
    pub status: Option<TaskStatus>,
    /// Only those still waiting on someone.
    pub open_only: bool,
    /// Only open tasks past their due day.
    pub overdue: bool,
}

/// Whether `actor` may change `task`: an editor, or the person it is assigned to.
fn may_work_on(actor: &Actor, task: &Task) -> Result<()> {
    if actor.require(Permission::EditContent).is_ok()
        || (task.facts.assignee.is_some() && task.facts.assignee == actor.user())
    {
        Ok(())
    } else {
        Err(Denied(Permission::EditContent).into())
    }
}

impl App {
    /// Checks that the record a task is about exists in the organisation.
    async fn check_source(&self, c: &mut Change, actor: &Actor, source: &Source) -> Result<()> {
        use aims_domain::work::SourceKind as K;
        let found = match source.kind {
            K::System => match source.id.parse() {
                Ok(id) => c.ai_system(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Risk => match source.id.parse::<RiskId>() {
                Ok(id) => c.risk(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Document => match source.id.parse::<DocumentId>() {
                Ok(id) => c.document(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Evidence => match source.id.parse() {
                Ok(id) => c.evidence(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Assessment => match source.id.parse() {
                Ok(id) => c.impact_assessment(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Control => self
                .framework(actor, crate::ISO_42001)?
                .item(&source.id)
                .is_some_and(|i| i.kind == aims_catalog::ItemKind::Control),
            K::Metric => match source.id.parse() {
                Ok(id) => c.metric(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Objective => match source.id.parse() {
                Ok(id) => c.objective(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Task => match source.id.parse::<TaskId>() {
                Ok(id) => c.task(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Role => match source.id.parse() {
                Ok(id) => c.aims_role(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Training => match source.id.parse() {
                Ok(id) => c.training_record(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
            K::Nonconformity => match source.id.parse() {
                Ok(id) => c.nonconformity(actor.org, id).await?.is_some(),
                Err(_) => false,
            },
        };
        if found {
            Ok(())
        } else {
            Err(ValidationError::new(
                "source.id",
                format!(
                    "no {} {:?} in this organisation",
                    source.kind.label().to_lowercase(),
                    source.id
                ),
            )
            .into())
        }
    }

    /// Creates a task (owner, admin, editor); its assignee is told.
    pub async fn create_task(&self, actor: &Actor, facts: TaskFacts) -> Result<Task> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            self.insert_new_task(c, actor, facts.clone()).await
        })
        .await
    }

    /// Stores a task a person made, checked facts in hand, in the change `c`: its source and
    /// assignee are checked, the assignee told.
    pub(crate) async fn insert_new_task(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: TaskFacts,
    ) -> Result<Task> {
        if let Some(source) = &facts.source {
            self.check_source(c, actor, source).await?;
        }
        crate::members::require_new_members(c, actor.org, [("assignee", facts.assignee, None)])
            .await?;
        let now = c.now;
        let task = Task {
            id: TaskId::new(),
            completed_at: (!facts.status().is_open()).then_some(now),
            facts,
            origin_key: None,
            created_by: actor.label.clone(),
            created_at: now,
            updated_at: now,
            revision: 1,
        };
        c.insert_task(actor.org, &task).await?;
        c.record(
            AuditAction::TaskCreated,
            task.id,
            json!({"title": task.facts.title, "assignee": task.facts.assignee.map(|u| u.to_string()),
                   "due": task.facts.due.map(|d| d.to_string())}),
        )
        .await?;
        self.notify(
            c,
            actor,
            task.facts.assignee,
            NotificationKind::Assigned,
            &task.facts.title,
            &format!("/tasks/{}", task.id),
        )
        .await?;
        Ok(task)
    }

    /// Changes a task from `revision` (editors, and the person it is assigned to); a new
    /// assignee is told. The assignee alone may change its status, not hand it on.
    pub async fn update_task(
        &self,
        actor: &Actor,
        id: TaskId,
        revision: i64,
        facts: TaskFacts,
    ) -> Result<Task> {
        actor.require(Permission::ReadOrganisation)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = c
                .task(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("task"))?;
            may_work_on(actor, &before)?;
            if actor.require(Permission::EditContent).is_err()
                && (facts.assignee != before.facts.assignee
                    || facts.title != before.facts.title
                    || facts.source != before.facts.source
                    || facts.due != before.facts.due)
            {
                // Someone who may not edit content works the task they were given, and no more.
                return Err(Denied(Permission::EditContent).into());
            }
            if revision != before.revision {
                return Err(AppError::Conflict(format!(
                    "the task changed meanwhile (revision {} now); reload it",
                    before.revision
                )));
            }
            if facts == before.facts {
                return Ok(before);
            }
            if let Some(source) = &facts.source
                && facts.source != before.facts.source
            {
                self.check_source(c, actor, source).await?;
            }
            crate::members::require_new_members(
                c,
                actor.org,
                [("assignee", facts.assignee, before.facts.assignee)],
            )
            .await?;
            let now = c.now;
            let was_open = before.facts.status().is_open();
            let task = Task {
                completed_at: match (was_open, facts.status().is_open()) {
                    (true, false) => Some(now),
                    (_, true) => None,
                    (false, false) => before.completed_at,
                },
                facts: facts.clone(),
                updated_at: now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_task(actor.org, &task).await?;
            c.record(
                AuditAction::TaskUpdated,
                id,
                json!({"status": task.facts.status(), "status_before": before.facts.status(),
                       "assignee": task.facts.assignee.map(|u| u.to_string()),
                       "assignee_before": before.facts.assignee.map(|u| u.to_string())}),
            )
            .await?;
            if task.facts.assignee != before.facts.assignee {
                self.notify(
                    c,
                    actor,
                    task.facts.assignee,
                    NotificationKind::Assigned,
                    &task.facts.title,
                    &format!("/tasks/{id}"),
                )
                .await?;
            }
            Ok(task)
        })
        .await
    }

    /// Adds a comment to a task (editors, and the person it is assigned to); the assignee
    /// is told.
    pub async fn comment_on_task(&self, actor: &Actor, id: TaskId, body: &str) -> Result<()> {
        actor.require(Permission::ReadOrganisation)?;
        let body = aims_domain::validation::bounded_text("body", body, 1, 10_000)?;
        self.change(actor.org, actor, async |c| {
            let task = c
                .task(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("task"))?;
            may_work_on(actor, &task)?;
            let comment = TaskComment {
                id: TaskCommentId::new(),
                author: actor.user(),
                author_label: actor.label.clone(),
                body: body.clone(),
                created_at: c.now,
            };
            c.insert_task_comment(actor.org, id, &comment).await?;
            c.record(
                AuditAction::TaskCommented,
                id,
                json!({"comment": comment.id.to_string()}),
            )
            .await?;
            self.notify(
                c,
                actor,
                task.facts.assignee,
                NotificationKind::Comment,
                &task.facts.title,
                &format!("/tasks/{id}"),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Whether `actor` may change task `id` (an editor, or its assignee): for interfaces that
    /// check it before they read a request's input; the use case checks it again.
    pub async fn authorize_task_work(&self, actor: &Actor, id: TaskId) -> Result<()> {
        actor.require(Permission::ReadOrganisation)?;
        let task = self
            .store
            .read()
            .await?
            .task(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        may_work_on(actor, &task)
    }

    /// A task with its comments.
    pub async fn task(&self, actor: &Actor, id: TaskId) -> Result<TaskRecord> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let task = tx
            .task(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("task"))?;
        let comments = tx.task_comments(actor.org, id).await?;
        Ok(TaskRecord { task, comments })
    }

    /// One page of tasks, the soonest due first, with the total; at most [`crate::MAX_PAGE`].
    pub async fn tasks(
        &self,
        actor: &Actor,
        filter: &TaskFilter,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Task>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let query = TaskQuery {
            assignee: filter.assignee,
            open_only: filter.open_only,
            // As `Task::overdue`: a task is overdue once the whole of its due day has passed.
            overdue_at: filter.overdue.then(|| self.now().plus_days(-1)),
            status: filter.status,
            limit: limit.clamp(1, crate::MAX_PAGE),
            offset: offset.clamp(0, crate::MAX_OFFSET),
        };
        Ok(self.store.read().await?.tasks(actor.org, &query).await?)
    }
}
