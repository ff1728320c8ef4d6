//! My work: what waits on the person signed in (tasks, approvals, documents to read, reviews
//! of what they own); and how the navigation shows its counts (read with the session, see
//! `identity::PageUser`).

use aims_app::domain::Permission;
use aims_app::domain::document::Document;
use aims_app::domain::risk::Risk;
use aims_app::{AppError, MyWork};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;

use super::tasks::{TaskLine, lines, source_links};
use super::{Chrome, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "my_work.html")]
struct MyWorkPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    work: MyWork,
    /// The tasks, overdue first, with names.
    tasks: Vec<TaskLine>,
    reviews_due: i64,
    can_edit: bool,
}

impl MyWorkPage {
    /// Whether `document`'s review day has passed.
    fn document_overdue(&self, document: &Document) -> bool {
        document.review_overdue(self.work.at)
    }

    /// Whether `risk`'s review day has passed.
    fn risk_overdue(&self, risk: &Risk) -> bool {
        risk.facts.review_due.is_some_and(|d| d <= self.work.at)
    }
}

/// `GET /my-work`: what waits on the person signed in.
pub async fn my_work_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
) -> Response {
    let loaded = async {
        let work = state.app.my_work(&actor).await?;
        let members = state.app.members(&actor).await?;
        let sources = work.tasks.iter().filter_map(|t| t.facts.source.as_ref());
        let links = source_links(&state, &actor, sources).await?;
        Ok::<_, AppError>((work, members, links))
    };
    let (work, members, mut links) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let mut tasks = lines(work.tasks.clone(), &members, &mut links, work.at);
    // Soonest due first, as listed; the overdue ahead of everything else.
    tasks.sort_by_key(|l| !l.overdue);
    render(
        StatusCode::OK,
        &MyWorkPage {
            chrome: Some(Chrome::new(&context, "my-work")),
            notice: None,
            tasks,
            reviews_due: work.document_review_total + work.risk_review_total,
            can_edit: actor.role.grants(Permission::EditContent),
            work,
        },
    )
}

impl Chrome {
    /// Open tasks assigned to the person, for the navigation; 0 when not counted.
    pub fn tasks_waiting(&self) -> i64 {
        self.counts.map_or(0, |c| c.tasks)
    }

    /// The person's unread notifications, for the navigation; 0 when not counted.
    pub fn unread(&self) -> i64 {
        self.counts.map_or(0, |c| c.unread)
    }
}
