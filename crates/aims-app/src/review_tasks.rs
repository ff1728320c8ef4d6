//! Tasks aims makes: when the review of a document or a risk falls due, its owner gets one
//! task for it (one per review date) and is told, so that reviews do not wait on anyone
//! remembering them; likewise when a person's training record is about to lapse (one task
//! per record and expiry day), and, from the evidence reminders, when evidence is about to
//! stop being valid.

use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::work::{NotificationKind, Source, SourceKind, Task, TaskFacts, TaskStatus};
use aims_domain::{Actor, NotificationId, OrgId, TaskId, Timestamp, UserId};
use serde_json::json;

use crate::App;
use crate::error::Result;

/// Most review tasks one run makes.
const TASKS_PER_RUN: i64 = 500;
/// Days before its due day that a treatment action becomes its owner's task.
const ACTION_NOTICE_DAYS: i64 = 7;
/// Days after which a risk whose earliest open action is overdue is left to its register's
/// "actions overdue" filter: its task was made when the action fell due.
const ACTION_LOOKBACK_DAYS: i64 = 30;
/// Risks stored before their earliest action's due day was kept, computed per run.
const FILL_IN_PER_RUN: i64 = 2_000;

/// Something that fell due and whose owner gets a task for it.
pub(crate) struct Due {
    pub org: OrgId,
    pub owner: UserId,
    pub source: Source,
    pub title: String,
    pub due: Timestamp,
    /// Why aims makes the task (`review`, `expiry`, `action2`): with the record and the due
    /// day, what makes one task of one reason.
    pub reason: String,
}

impl App {
    /// Makes a task for each document and risk review that fell due, and each training
    /// record lapsing soon, that has none yet; returns how many were made.
    pub async fn open_review_tasks(&self) -> Result<usize> {
        let now = self.now();
        {
            let mut tx = self.store.write().await?;
            tx.fill_in_action_due(FILL_IN_PER_RUN).await?;
            tx.commit().await?;
        }
        let mut due = Vec::new();
        {
            let mut tx = self.store.read().await?;
            for (org, d) in tx.document_reviews_due(now, TASKS_PER_RUN).await? {
                if let (Some(owner), Some(at)) = (d.settings.owner, d.next_review) {
                    due.push(Due {
                        org,
                        owner,
                        source: Source {
                            kind: SourceKind::Document,
                            id: d.id.to_string(),
                        },
                        title: format!("Review the document {}", d.title),
                        due: at,
                        reason: "review".into(),
                    });
                }
            }
            // Records lapsing within the notice period, or lapsed within it (a run missed
            // for a while still catches them; older ones were someone's task already).
            let notice = aims_domain::competence::EXPIRY_NOTICE_DAYS;
            let (from, until) = (now.plus_days(-notice), now.plus_days(notice));
            for (org, t) in tx.training_expiring(from, until, TASKS_PER_RUN).await? {
                if let Some(last) = t.facts.expires_on {
                    due.push(Due {
                        org,
                        owner: t.person,
                        source: Source {
                            kind: SourceKind::Training,
                            id: t.id.to_string(),
                        },
                        title: format!("Renew {}: it counts until {}", t.facts.title, last.date()),
                        due: last,
                        reason: "expiry".into(),
                    });
                }
            }
            for (org, r) in tx.risk_reviews_due(now, TASKS_PER_RUN).await? {
                if let (Some(owner), Some(at)) = (r.facts.owner, r.facts.review_due) {
                    due.push(Due {
                        org,
                        owner,
                        source: Source {
                            kind: SourceKind::Risk,
                            id: r.id.to_string(),
                        },
                        title: format!("Review risk R-{} {}", r.number, r.facts.title),
                        due: at,
                        reason: "review".into(),
                    });
                }
            }
            // Treatment actions due within the notice period, each with its own task for
            // its owner (the risk's owner when the action names none).
            let horizon = now.plus_days(ACTION_NOTICE_DAYS);
            let since = now.plus_days(-ACTION_LOOKBACK_DAYS);
            for (org, r) in tx.risk_actions_due(since, horizon, TASKS_PER_RUN).await? {
                for action in &r.facts.actions {
                    let (Some(at), false) = (action.due, action.done) else {
                        continue;
                    };
                    let Some(owner) = action.owner.or(r.facts.owner) else {
                        continue;
                    };
                    if at <= horizon {
                        due.push(Due {
                            org,
                            owner,
                            source: Source {
                                kind: SourceKind::Risk,
                                id: r.id.to_string(),
                            },
                            title: format!("Treatment action for R-{}: {}", r.number, action.title),
                            due: at,
                            // Named by its title, not its place: removing an action
                            // above it must not hand its task to another.
                            reason: format!(
                                "action-{}",
                                &aims_domain::document::sha256_hex(&action.title)[..16]
                            ),
                        });
                    }
                }
            }
        }
        // Organisations are locked in one order so that this transaction, which writes to
        // several, never waits crosswise on another that does.
        due.sort_by_key(|d| d.org);
        let mut tx = self.store.write().await?;
        let mut made = 0;
        for d in &due {
            tx.lock_tenant(d.org).await?;
            if self.open_task_for(&mut tx, d, now).await? {
                made += 1;
            }
        }
        tx.commit().await?;
        Ok(made)
    }

    /// Makes the task for `d` unless one was made for the same reason, under the lock of
    /// its organisation that `tx` holds, and tells its owner; whether it was made. An owner
    /// who left gets none (the record shows on its register still).
    pub(crate) async fn open_task_for(
        &self,
        tx: &mut aims_store::Tx,
        d: &Due,
        now: Timestamp,
    ) -> Result<bool> {
        if tx.role_of(d.org, d.owner).await?.is_none() {
            return Ok(false);
        }
        let task = Task {
            id: TaskId::new(),
            facts: TaskFacts {
                title: d.title.clone(),
                description: String::new(),
                source: Some(d.source.clone()),
                assignee: Some(d.owner),
                due: Some(d.due),
                status: Some(TaskStatus::Open),
            },
            origin_key: Some(format!(
                "{}_{}:{}:{}",
                d.source.kind,
                d.reason,
                d.source.id,
                d.due.date()
            )),
            created_by: "aims reminders".into(),
            created_at: now,
            updated_at: now,
            completed_at: None,
            revision: 1,
        };
        if !tx.insert_task_once(d.org, &task).await? {
            return Ok(false);
        }
        let actor = Actor {
            label: "aims reminders".into(),
            ..crate::setup::system_actor(d.org)
        };
        let change = json!({"title": task.facts.title, "assignee": d.owner.to_string(),
                            "due": d.due.to_string(), "source": d.source.href()});
        tx.append_audit(
            d.org,
            NewAuditEvent::new(&actor, AuditAction::TaskCreated, task.id, change),
            now,
        )
        .await?;
        let notice = aims_domain::work::Notification {
            id: NotificationId::new(),
            user: d.owner,
            kind: match d.source.kind {
                SourceKind::Training => NotificationKind::TrainingExpiring,
                SourceKind::Evidence => NotificationKind::EvidenceExpiring,
                _ => NotificationKind::ReviewDue,
            },
            title: d.title.clone(),
            link: format!("/tasks/{}", task.id),
            created_at: now,
            read_at: None,
        };
        tx.insert_notifications(d.org, std::slice::from_ref(&notice))
            .await?;
        self.email_notifications(tx, d.org, std::slice::from_ref(&notice))
            .await?;
        Ok(true)
    }
}
