//! "My work": everything waiting on one person across the product, read from the records
//! themselves (so it is never stale): tasks assigned to them, documents waiting for their
//! approval or their reading, reviews of what they own that are due.

use aims_domain::document::Document;
use aims_domain::risk::Risk;
use aims_domain::work::Task;
use aims_domain::{Actor, Denied, Permission, Timestamp};
use aims_store::{DocumentQuery, RiskQuery, TaskQuery};

use crate::App;
use crate::error::Result;

/// Most items of each kind the page lists; the totals count them all.
pub const MY_WORK_ITEMS: i64 = 50;
/// Days ahead a review counts as due.
pub const DUE_SOON_DAYS: i64 = 30;

/// What waits on one person.
#[derive(Clone, Debug)]
pub struct MyWork {
    /// Open tasks assigned to them, the soonest due (so the overdue) first.
    pub tasks: Vec<Task>,
    pub task_total: i64,
    /// Documents in review they may approve (they hold an approver role and did not write
    /// the version).
    pub approvals: Vec<Document>,
    /// Documents in force that ask them to confirm reading.
    pub to_read: Vec<Document>,
    /// Documents they own whose review is due within [`DUE_SOON_DAYS`] or overdue.
    pub document_reviews: Vec<Document>,
    pub document_review_total: i64,
    /// Open risks they own whose review is due within [`DUE_SOON_DAYS`] or overdue.
    pub risk_reviews: Vec<Risk>,
    pub risk_review_total: i64,
    /// When this was read, to tell overdue from due.
    pub at: Timestamp,
}

impl MyWork {
    /// Everything waiting, counted in full.
    pub fn total(&self) -> i64 {
        self.task_total
            + self.approvals.len() as i64
            + self.to_read.len() as i64
            + self.document_review_total
            + self.risk_review_total
    }

    /// Of what waits, the items past their day.
    pub fn overdue(&self) -> usize {
        self.tasks.iter().filter(|t| t.overdue(self.at)).count()
            + self
                .document_reviews
                .iter()
                .filter(|d| d.review_overdue(self.at))
                .count()
            + self
                .risk_reviews
                .iter()
                .filter(|r| r.facts.review_due.is_some_and(|d| d <= self.at))
                .count()
    }
}

/// What the navigation shows of a person's work on every page.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct WorkCounts {
    /// Open tasks assigned to them.
    pub tasks: i64,
    /// Their unread notifications.
    pub unread: i64,
}

impl App {
    /// The two counts the navigation shows: cheap, unlike [`App::my_work`].
    pub async fn work_counts(&self, actor: &Actor) -> Result<WorkCounts> {
        actor.require(Permission::ReadOrganisation)?;
        let Some(user) = actor.user() else {
            return Ok(WorkCounts::default());
        };
        let mut tx = self.store.read().await?;
        let query = TaskQuery {
            assignee: Some(user),
            open_only: true,
            limit: 1,
            ..Default::default()
        };
        let (_, tasks) = tx.tasks(actor.org, &query).await?;
        let unread = tx.unread_notifications(actor.org, user).await?;
        Ok(WorkCounts { tasks, unread })
    }

    /// What waits on the person signed in (or the token's creator).
    pub async fn my_work(&self, actor: &Actor) -> Result<MyWork> {
        actor.require(Permission::ReadOrganisation)?;
        let user = actor.user().ok_or(Denied(Permission::ManageOwnAccount))?;
        let now = self.now();
        let soon = now.plus_days(DUE_SOON_DAYS);
        let mut tx = self.store.read().await?;
        let (tasks, task_total) = tx
            .tasks(
                actor.org,
                &TaskQuery {
                    assignee: Some(user),
                    open_only: true,
                    limit: MY_WORK_ITEMS,
                    ..Default::default()
                },
            )
            .await?;
        let approvals = if tx
            .document_approver_roles(actor.org)
            .await?
            .contains(&actor.role)
        {
            tx.documents_awaiting_approval(actor.org, user, MY_WORK_ITEMS)
                .await?
        } else {
            Vec::new()
        };
        let to_read = tx
            .documents_to_acknowledge(actor.org, user, actor.role, MY_WORK_ITEMS)
            .await?;
        let (document_reviews, document_review_total) = tx
            .documents_page(
                actor.org,
                &DocumentQuery {
                    owner: Some(user),
                    overdue_at: Some(soon),
                    limit: MY_WORK_ITEMS,
                    ..Default::default()
                },
            )
            .await?;
        let (risk_reviews, risk_review_total) = tx
            .risks(
                actor.org,
                &RiskQuery {
                    owner: Some(user),
                    review_overdue_at: Some(soon),
                    open_only: true,
                    limit: MY_WORK_ITEMS,
                    ..Default::default()
                },
            )
            .await?;
        Ok(MyWork {
            tasks,
            task_total,
            approvals,
            to_read,
            document_reviews,
            document_review_total,
            risk_reviews,
            risk_review_total,
            at: now,
        })
    }
}
