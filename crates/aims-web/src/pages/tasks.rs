//! The task register: every task of the organisation (open ones unless asked otherwise), with
//! filters for whose they are, their status and the overdue, columns to choose and pages; and
//! the task as a line, which My work and the task's own page show too.

use std::collections::HashMap;

use aims_app::domain::account::Member;
use aims_app::domain::work::{Source, SourceKind, Task, TaskStatus};
use aims_app::domain::{Actor, Permission, Timestamp, UserId};
use aims_app::{AppError, Register, SessionContext, TaskFilter};
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::table_view::{Column, TableView, query_pairs};
use super::{Chrome, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// The record a task is about, as a link that names it.
pub struct SourceLink {
    pub href: String,
    pub label: String,
}

/// A task as lists and its page show it: names rather than ids.
pub struct TaskLine {
    pub task: Task,
    pub overdue: bool,
    pub source: Option<SourceLink>,
    /// The assignee's name, empty for nobody.
    pub assignee: String,
    /// Who made it: a member's name, or the label aims recorded (a token's, aims's own).
    pub created_by: String,
    /// The badge class of its status.
    pub status_class: &'static str,
}

/// The badge class that shows `status`.
pub fn status_class(status: TaskStatus) -> &'static str {
    match status {
        TaskStatus::Open => "info",
        TaskStatus::InProgress => "warn",
        TaskStatus::Done => "ok",
        TaskStatus::Cancelled => "neutral",
    }
}

/// The name of member `user`, or words for someone who left.
pub fn member_name(members: &[Member], user: UserId) -> String {
    members
        .iter()
        .find(|m| m.user == user)
        .map_or_else(|| "a former member".to_owned(), |m| m.display_name.clone())
}

/// The links to `sources`, named: one query per register for the whole page.
pub async fn source_links<'a>(
    state: &WebState,
    actor: &Actor,
    sources: impl IntoIterator<Item = &'a Source>,
) -> Result<HashMap<Source, SourceLink>, AppError> {
    let sources: Vec<&Source> = sources.into_iter().collect();
    let mut names: HashMap<Source, String> = HashMap::new();
    for (kind, register) in [
        (SourceKind::System, Register::Systems),
        (SourceKind::Risk, Register::Risks),
        (SourceKind::Evidence, Register::Evidence),
        (SourceKind::Assessment, Register::ImpactAssessments),
        (SourceKind::Document, Register::Documents),
        (SourceKind::Task, Register::Tasks),
    ] {
        let ids: Vec<String> = sources
            .iter()
            .filter(|s| s.kind == kind)
            .map(|s| s.id.clone())
            .collect();
        if ids.is_empty() {
            continue;
        }
        for (id, name) in state.app.names_of(actor, register, &ids).await? {
            names.insert(Source { kind, id }, name);
        }
    }
    for source in &sources {
        let name = match source.kind {
            // A control's id is the name people know it by (A.6.2.4).
            SourceKind::Control => Some(source.id.clone()),
            _ => None,
        };
        if let Some(name) = name {
            names.insert((*source).clone(), name);
        }
    }
    Ok(sources
        .into_iter()
        .map(|s| {
            let label = match names.get(s) {
                Some(name) => format!("{}: {name}", s.kind.label()),
                None => s.kind.label().to_owned(),
            };
            (
                s.clone(),
                SourceLink {
                    href: s.href(),
                    label,
                },
            )
        })
        .collect())
}

/// `tasks` as lines, with names from `members` and `links`, overdue as of `now`.
pub fn lines(
    tasks: Vec<Task>,
    members: &[Member],
    links: &mut HashMap<Source, SourceLink>,
    now: Timestamp,
) -> Vec<TaskLine> {
    tasks
        .into_iter()
        .map(|task| {
            let created_by = members
                .iter()
                .find(|m| m.email.as_str() == task.created_by)
                .map_or_else(|| task.created_by.clone(), |m| m.display_name.clone());
            TaskLine {
                overdue: task.overdue(now),
                source: task.facts.source.as_ref().and_then(|s| links.remove(s)),
                assignee: task
                    .facts
                    .assignee
                    .map(|u| member_name(members, u))
                    .unwrap_or_default(),
                created_by,
                status_class: status_class(task.facts.status()),
                task,
            }
        })
        .collect()
}

const COLUMNS: &[Column] = &[
    Column {
        key: "task",
        label: "Task",
        sort: None,
        default: true,
    },
    Column {
        key: "assignee",
        label: "Assigned to",
        sort: None,
        default: true,
    },
    Column {
        key: "due",
        label: "Due",
        sort: None,
        default: true,
    },
    Column {
        key: "status",
        label: "Status",
        sort: None,
        default: true,
    },
    Column {
        key: "source",
        label: "About",
        sort: None,
        default: true,
    },
    Column {
        key: "created_by",
        label: "Created by",
        sort: None,
        default: true,
    },
    Column {
        key: "created",
        label: "Created",
        sort: None,
        default: false,
    },
];

/// The register's filters as the query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    /// `me`, a member's id, or empty for anyone.
    #[serde(default)]
    assignee: String,
    #[serde(default)]
    status: String,
    overdue: Option<bool>,
    /// `all` for closed tasks too; open ones only otherwise.
    #[serde(default)]
    show: String,
    offset: Option<i64>,
}

impl ListQuery {
    fn filter(&self, actor: &Actor) -> TaskFilter {
        TaskFilter {
            assignee: match self.assignee.as_str() {
                "me" => actor.user(),
                id => id.parse().ok(),
            },
            status: self.status.parse().ok(),
            open_only: self.show != "all",
            overdue: self.overdue == Some(true),
        }
    }

    /// The filter in words, where it narrows the default list of open tasks.
    fn narrowed(&self, filter: &TaskFilter, actor: &Actor, members: &[Member]) -> Vec<String> {
        let mut said = Vec::new();
        if let Some(user) = filter.assignee {
            said.push(match Some(user) == actor.user() {
                true => "tasks assigned to you".to_owned(),
                false => format!("tasks assigned to {}", member_name(members, user)),
            });
        }
        if let Some(status) = filter.status {
            said.push(format!("status {}", status.label()));
        }
        if filter.overdue {
            said.push("overdue only".into());
        }
        if !filter.open_only {
            said.push("closed tasks too".into());
        }
        said
    }
}

#[derive(Template)]
#[template(path = "tasks.html")]
struct TasksPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    filter: ListQuery,
    narrowed: Vec<String>,
    lines: Vec<TaskLine>,
    total: i64,
    first_shown: i64,
    previous: Option<String>,
    next: Option<String>,
    view: TableView,
    members: Vec<Member>,
    statuses: &'static [TaskStatus],
    can_edit: bool,
}

/// `GET /tasks`: the register.
pub async fn tasks_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    list_view(&state, &context, &actor, q, query_pairs(raw.as_deref())).await
}

async fn list_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    q: ListQuery,
    pairs: Vec<(String, String)>,
) -> Response {
    let view = TableView::new("/tasks", &pairs, "", COLUMNS);
    let filter = q.filter(actor);
    let offset = q.offset.unwrap_or(0).clamp(0, aims_app::MAX_OFFSET);
    let loaded = async {
        let (tasks, total) = state.app.tasks(actor, &filter, view.limit, offset).await?;
        let members = state.app.members(actor).await?;
        let sources = tasks.iter().filter_map(|t| t.facts.source.as_ref());
        let links = source_links(state, actor, sources).await?;
        Ok::<_, AppError>((tasks, total, members, links))
    };
    let (tasks, total, members, mut links) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let (previous, next) = view.pager(offset, tasks.len() as i64, total);
    let lines = lines(tasks, &members, &mut links, state.app.now());
    render(
        StatusCode::OK,
        &TasksPage {
            chrome: Some(Chrome::new(context, "my-work")),
            notice: None,
            narrowed: q.narrowed(&filter, actor, &members),
            lines,
            total,
            first_shown: offset + 1,
            previous,
            next,
            view,
            members,
            statuses: TaskStatus::ALL,
            can_edit: actor.role.grants(Permission::EditContent),
            filter: q,
        },
    )
}
