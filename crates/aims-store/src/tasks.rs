//! Tasks and their comments.

use aims_domain::work::{Source, Task, TaskComment, TaskFacts, TaskStatus};
use aims_domain::{OrgId, TaskId, Timestamp, UserId};
use sqlx::AssertSqlSafe;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `tasks`.
    struct TaskRow in "tasks" {
        id: String,
        org_id: String,
        title: String,
        description: String,
        source_kind: Option<String>,
        source_id: Option<String>,
        assignee_id: Option<String>,
        due: Option<i64>,
        status: String,
        origin_key: Option<String>,
        created_by_label: String,
        created_at: i64,
        updated_at: i64,
        completed_at: Option<i64>,
        revision: i64,
    }
}

table_row! {
    /// A row of `task_comments`.
    struct CommentRow in "task_comments" {
        id: String,
        task_id: String,
        org_id: String,
        author_id: Option<String>,
        author_label: String,
        body: String,
        created_at: i64,
    }
}

impl TaskRow {
    fn new(org: OrgId, t: &Task) -> Self {
        let f = &t.facts;
        Self {
            id: t.id.to_string(),
            org_id: org.to_string(),
            title: f.title.clone(),
            description: f.description.clone(),
            source_kind: f.source.as_ref().map(|s| s.kind.as_str().to_owned()),
            source_id: f.source.as_ref().map(|s| s.id.clone()),
            assignee_id: f.assignee.map(|u| u.to_string()),
            due: f.due.map(|d| d.as_micros()),
            status: f.status().as_str().to_owned(),
            origin_key: t.origin_key.clone(),
            created_by_label: t.created_by.clone(),
            created_at: t.created_at.as_micros(),
            updated_at: t.updated_at.as_micros(),
            completed_at: t.completed_at.map(|d| d.as_micros()),
            revision: t.revision,
        }
    }

    fn into_task(self) -> Result<Task> {
        let source = match (self.source_kind, self.source_id) {
            (Some(kind), Some(id)) => Some(Source {
                kind: parsed("source_kind", &kind)?,
                id,
            }),
            _ => None,
        };
        Ok(Task {
            id: parsed("id", &self.id)?,
            facts: TaskFacts {
                title: self.title,
                description: self.description,
                source,
                assignee: opt_parsed("assignee_id", self.assignee_id.as_deref())?,
                due: self.due.map(Timestamp::from_micros),
                status: Some(parsed("status", &self.status)?),
            },
            origin_key: self.origin_key,
            created_by: self.created_by_label,
            created_at: Timestamp::from_micros(self.created_at),
            updated_at: Timestamp::from_micros(self.updated_at),
            completed_at: self.completed_at.map(Timestamp::from_micros),
            revision: self.revision,
        })
    }
}

/// Which tasks a list shows.
#[derive(Clone, Debug, Default)]
pub struct TaskQuery {
    pub assignee: Option<UserId>,
    /// Only tasks still waiting on someone (open or in progress).
    pub open_only: bool,
    /// Only open tasks due on or before this instant.
    pub overdue_at: Option<Timestamp>,
    pub status: Option<TaskStatus>,
    pub limit: i64,
    pub offset: i64,
}

impl Tx {
    /// Stores a new task.
    pub async fn insert_task(&mut self, org: OrgId, t: &Task) -> Result<()> {
        self.insert(vec![TaskRow::new(org, t)]).await
    }

    /// Stores many tasks in as few statements as the engines allow.
    pub async fn insert_tasks(&mut self, org: OrgId, tasks: &[Task]) -> Result<()> {
        self.insert(tasks.iter().map(|t| TaskRow::new(org, t)).collect())
            .await
    }

    /// Stores a task aims made for a reason, unless a task for the same reason exists;
    /// whether it was stored.
    pub async fn insert_task_once(&mut self, org: OrgId, t: &Task) -> Result<bool> {
        self.insert_unless_taken(TaskRow::new(org, t), &["org_id", "origin_key"])
            .await
    }

    /// Writes a task changed from revision `t.revision - 1`; `Conflict("revision")` when
    /// someone changed it meanwhile.
    pub async fn save_task(&mut self, org: OrgId, t: &Task) -> Result<()> {
        let how = Update {
            key: &["org_id", "id"],
            keep: &["created_at", "created_by_label", "origin_key"],
            expect: Some(("revision", t.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(TaskRow::new(org, t), how).await? {
            0 => match self.task(org, t.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One task of `org`.
    pub async fn task(&mut self, org: OrgId, id: TaskId) -> Result<Option<Task>> {
        let row = sqlx::query("SELECT * FROM tasks WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .fetch_optional(self.conn())
            .await?;
        row.map(|r| TaskRow::from_row(&r)?.into_task()).transpose()
    }

    /// The tasks about one record, the soonest due first (at most `limit`).
    pub async fn tasks_about(
        &mut self,
        org: OrgId,
        source: &aims_domain::work::Source,
        limit: i64,
    ) -> Result<Vec<Task>> {
        let rows = sqlx::query(
            "SELECT * FROM tasks WHERE org_id = $1 AND source_kind = $2 AND source_id = $3 \
             ORDER BY CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, created_at, id LIMIT $4",
        )
        .bind(org.to_string())
        .bind(source.kind.as_str())
        .bind(&source.id)
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| TaskRow::from_row(r)?.into_task())
    }

    /// One page of tasks, the soonest due first (those without a day last), with the total.
    pub async fn tasks(&mut self, org: OrgId, q: &TaskQuery) -> Result<(Vec<Task>, i64)> {
        let mut conditions = vec!["org_id = $1".to_owned()];
        conditions.push(match q.assignee {
            Some(_) => "assignee_id = $2".into(),
            None => "$2 = $2".into(),
        });
        conditions.push(if q.open_only || q.overdue_at.is_some() {
            "status IN ('open', 'in_progress')".into()
        } else {
            "1 = 1".into()
        });
        conditions.push(match q.overdue_at {
            Some(_) => "due <= $3".into(),
            None => "$3 = $3".into(),
        });
        conditions.push(match q.status {
            Some(_) => "status = $4".into(),
            None => "$4 = $4".into(),
        });
        let filter = conditions.join(" AND ");
        let bind = |sql: String| {
            sqlx::query(AssertSqlSafe(sql))
                .bind(org.to_string())
                .bind(q.assignee.map(|u| u.to_string()).unwrap_or_default())
                .bind(q.overdue_at.map(|t| t.as_micros()).unwrap_or_default())
                .bind(q.status.map(|s| s.as_str()).unwrap_or_default())
        };
        let total = bind(format!("SELECT COUNT(*) AS n FROM tasks WHERE {filter}"))
            .fetch_one(self.conn())
            .await?
            .int("n")?;
        let rows = bind(format!(
            "SELECT * FROM tasks WHERE {filter} \
             ORDER BY CASE WHEN due IS NULL THEN 1 ELSE 0 END, due, created_at, id LIMIT $5 OFFSET $6"
        ))
        .bind(q.limit)
        .bind(q.offset)
        .fetch_all(self.conn())
        .await?;
        let list = map_rows(rows, |r| TaskRow::from_row(r)?.into_task())?;
        Ok((list, total))
    }

    /// Adds a comment to a task.
    pub async fn insert_task_comment(
        &mut self,
        org: OrgId,
        task: TaskId,
        c: &TaskComment,
    ) -> Result<()> {
        let row = CommentRow {
            id: c.id.to_string(),
            task_id: task.to_string(),
            org_id: org.to_string(),
            author_id: c.author.map(|u| u.to_string()),
            author_label: c.author_label.clone(),
            body: c.body.clone(),
            created_at: c.created_at.as_micros(),
        };
        self.insert(vec![row]).await
    }

    /// A task's comments, oldest first.
    pub async fn task_comments(&mut self, org: OrgId, task: TaskId) -> Result<Vec<TaskComment>> {
        let rows = sqlx::query(
            "SELECT * FROM task_comments WHERE org_id = $1 AND task_id = $2 ORDER BY created_at, id",
        )
        .bind(org.to_string())
        .bind(task.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            let row = CommentRow::from_row(r)?;
            Ok(TaskComment {
                id: parsed("id", &row.id)?,
                author: opt_parsed("author_id", row.author_id.as_deref())?,
                author_label: row.author_label,
                body: row.body,
                created_at: Timestamp::from_micros(row.created_at),
            })
        })
    }
}
