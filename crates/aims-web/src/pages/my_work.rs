//! My work: what waits on the person signed in (tasks, approvals, documents to read, reviews
//! of what they own); and the counts the navigation shows on every page (open tasks, unread
//! notifications), read once per page request.

use std::future::Future;
use std::pin::Pin;

use aims_app::domain::document::Document;
use aims_app::domain::risk::Risk;
use aims_app::domain::{OrgId, Permission, UserId};
use aims_app::{AppError, MyWork, SessionContext, TaskFilter};
use askama::Template;
use axum::extract::{Request, State};
use axum::handler::Handler;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;

use super::tasks::{TaskLine, lines, source_links};
use super::{Chrome, app_error_page, render};
use crate::identity::PageMember;
use crate::state::WebState;

/// What the navigation counts for one person in one organisation.
#[derive(Clone, Copy, Debug)]
pub struct NavCounts {
    org: OrgId,
    user: UserId,
    /// Open tasks assigned to them.
    pub tasks: i64,
    /// Their unread notifications.
    pub unread: i64,
}

tokio::task_local! {
    /// The counts of the page request being answered, for [`Chrome::new`] to read.
    static NAV_COUNTS: Option<NavCounts>;
}

/// The counts this request made for `context`'s person, if it made any: none outside a
/// counted GET (a refused form's page), or for another person or organisation.
pub fn nav_counts(context: &SessionContext) -> Option<NavCounts> {
    let actor = context.actor.as_ref()?;
    NAV_COUNTS
        .try_with(|counts| *counts)
        .ok()
        .flatten()
        .filter(|c| c.org == actor.org && Some(c.user) == actor.user())
}

/// Counts what waits on the person whose session the request carries. The two counts are
/// cheap (no full My work); a failure leaves the navigation without them rather than failing
/// the page.
async fn count(state: &WebState, headers: &HeaderMap) -> Option<NavCounts> {
    let secret = crate::identity::session_secret(headers)?;
    let context = state.app.session(secret).await.ok()?;
    let actor = context.actor.as_ref()?;
    let user = actor.user()?;
    let counted = async {
        let mine = TaskFilter {
            assignee: Some(user),
            open_only: true,
            ..Default::default()
        };
        let (_, tasks) = state.app.tasks(actor, &mine, 1, 0).await?;
        let unread = state.app.unread_notifications(actor).await?;
        Ok::<_, AppError>(NavCounts {
            org: actor.org,
            user,
            tasks,
            unread,
        })
    };
    match counted.await {
        Ok(counts) => Some(counts),
        Err(err) => {
            tracing::warn!(error = %err, "counting the navigation's tasks and notifications");
            None
        }
    }
}

/// A page's GET handler that first counts what the navigation shows, for [`Chrome::new`]
/// to read while the page is made. The handlers build their `Chrome` in many places; this
/// is the one place that counts.
#[derive(Clone)]
pub struct Counted<H>(pub H);

impl<H, T> Handler<T, WebState> for Counted<H>
where
    H: Handler<T, WebState>,
{
    type Future = Pin<Box<dyn Future<Output = Response> + Send>>;

    fn call(self, request: Request, state: WebState) -> Self::Future {
        Box::pin(async move {
            let counts = count(&state, request.headers()).await;
            NAV_COUNTS.scope(counts, self.0.call(request, state)).await
        })
    }
}

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
        risk.facts.review_due.is_some_and(|d| d < self.work.at)
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
        let links = source_links(&state, &actor, sources, false).await?;
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
