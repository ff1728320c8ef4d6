//! Work routing: tasks someone must do, and notifications that tell a person something
//! concerns them.

use serde::{Deserialize, Serialize};

use crate::id::{NotificationId, TaskCommentId, TaskId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// Where a task stands.
    pub enum TaskStatus ("status") {
        Open = "open": "Open",
        InProgress = "in_progress": "In progress",
        Done = "done": "Done",
        Cancelled = "cancelled": "Cancelled",
    }
}

impl TaskStatus {
    /// Whether the task still waits on someone.
    pub const fn is_open(self) -> bool {
        matches!(self, TaskStatus::Open | TaskStatus::InProgress)
    }
}

crate::choice! {
    /// The kind of record a task or notification is about.
    pub enum SourceKind ("source.kind") {
        System = "system": "AI system",
        Risk = "risk": "Risk",
        Document = "document": "Document",
        Role = "aims_role": "Role",
        Training = "training_record": "Training record",
        Evidence = "evidence": "Evidence",
        Assessment = "impact_assessment": "Impact assessment",
        Control = "control": "Control",
        Task = "task": "Task",
        Metric = "metric": "Metric",
        Objective = "objective": "Objective",
        Nonconformity = "nonconformity": "Nonconformity",
    }
}

/// The record a task is about.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct Source {
    pub kind: SourceKind,
    pub id: String,
}

impl Source {
    /// The page of the record.
    pub fn href(&self) -> String {
        match self.kind {
            SourceKind::System => format!("/systems/{}", self.id),
            SourceKind::Risk => format!("/risks/{}", self.id),
            SourceKind::Document => format!("/documents/{}", self.id),
            SourceKind::Role => format!("/roles/{}", self.id),
            SourceKind::Training => format!("/training/{}", self.id),
            SourceKind::Evidence => format!("/evidence/{}", self.id),
            SourceKind::Assessment => format!("/impact-assessments/{}", self.id),
            SourceKind::Control => format!("/soa#control-{}", self.id),
            SourceKind::Task => format!("/tasks/{}", self.id),
            SourceKind::Metric => format!("/monitoring/metrics/{}", self.id),
            SourceKind::Objective => format!("/objectives/{}", self.id),
            SourceKind::Nonconformity => format!("/nonconformities/{}", self.id),
        }
    }
}

/// What a person states about a task.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct TaskFacts {
    pub title: String,
    pub description: String,
    pub source: Option<Source>,
    pub assignee: Option<UserId>,
    /// The day it is due by.
    pub due: Option<Timestamp>,
    pub status: Option<TaskStatus>,
}

impl TaskFacts {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.description = long_text("description", &self.description, 10_000)?;
        if let Some(source) = &mut self.source {
            source.id = bounded_text("source.id", &source.id, 1, 200)?;
        }
        Ok(self)
    }

    /// The status, open unless given.
    pub fn status(&self) -> TaskStatus {
        self.status.unwrap_or(TaskStatus::Open)
    }
}

/// A task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Task {
    pub id: TaskId,
    pub facts: TaskFacts,
    /// Set on tasks aims made, naming the reason, so that one reason makes one task.
    pub origin_key: Option<String>,
    pub created_by: String,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    pub completed_at: Option<Timestamp>,
    /// Counts changes, so that two people editing at once do not overwrite each other.
    pub revision: i64,
}

impl Task {
    /// Whether it waits on someone and its due day is over at `now`: a task due on a day
    /// (stored as that day's start) is overdue from the start of the next one.
    pub fn overdue(&self, now: Timestamp) -> bool {
        self.facts.status().is_open() && self.facts.due.is_some_and(|d| d.plus_days(1) <= now)
    }

    /// Whether aims made it, rather than a person.
    pub fn made_by_aims(&self) -> bool {
        self.origin_key.is_some()
    }
}

/// A comment on a task.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TaskComment {
    pub id: TaskCommentId,
    pub author: Option<UserId>,
    pub author_label: String,
    pub body: String,
    pub created_at: Timestamp,
}

crate::choice! {
    /// Why a person is told something.
    pub enum NotificationKind ("kind") {
        Assigned = "assigned": "Assigned to you",
        ApprovalWaiting = "approval_waiting": "Waiting for your approval",
        Approved = "approved": "Approved",
        Returned = "returned": "Returned to draft",
        ReviewDue = "review_due": "Review due",
        RoleGiven = "role_given": "Given a role",
        TrainingExpiring = "training_expiring": "Training expiring",
        TaskDue = "task_due": "Task due",
        Comment = "comment": "New comment",
        AcknowledgementRequested = "acknowledgement_requested": "Please read and acknowledge",
        ThresholdBreached = "threshold_breached": "Metric threshold breached",
        EvidenceExpiring = "evidence_expiring": "Evidence expiring",
    }
}

/// Something one person is told, in the app (and by email when they want it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Notification {
    pub id: NotificationId,
    pub user: UserId,
    pub kind: NotificationKind,
    pub title: String,
    /// The page it is about.
    pub link: String,
    pub created_at: Timestamp,
    pub read_at: Option<Timestamp>,
}

crate::choice! {
    /// How a person wants to hear of their notifications by email.
    pub enum EmailPreference ("email") {
        Each = "each": "An email for each",
        Digest = "digest": "One email a day",
        Off = "off": "No email",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_task_needs_a_title_and_is_open_unless_told() {
        let err = TaskFacts::default().validate().unwrap_err();
        assert_eq!(err.field, "title");
        let facts = TaskFacts {
            title: " Review the policy ".into(),
            ..Default::default()
        }
        .validate()
        .unwrap();
        assert_eq!(facts.title, "Review the policy");
        assert_eq!(facts.status(), TaskStatus::Open);
    }

    #[test]
    fn only_open_tasks_past_their_day_are_overdue() {
        let now = Timestamp::from_micros(1_000_000);
        let mut task = Task {
            id: TaskId::new(),
            facts: TaskFacts {
                title: "t".into(),
                due: Some(Timestamp::from_micros(0)),
                ..Default::default()
            },
            origin_key: None,
            created_by: "a".into(),
            created_at: now,
            updated_at: now,
            completed_at: None,
            revision: 1,
        };
        assert!(task.overdue(now.plus_days(1)));
        assert!(!task.overdue(now), "due today is not overdue yet");
        task.facts.status = Some(TaskStatus::Done);
        assert!(!task.overdue(now));
        task.facts.status = Some(TaskStatus::InProgress);
        task.facts.due = Some(now.plus_days(1));
        assert!(!task.overdue(now));
    }

    #[test]
    fn a_source_links_to_its_page() {
        let s = Source {
            kind: SourceKind::Document,
            id: "abc".into(),
        };
        assert_eq!(s.href(), "/documents/abc");
    }
}
