//! A generated management system for benchmarks: members, documents with three versions each
//! (one superseded, one in force, one draft), tasks spread over the members, and metrics with
//! five years of daily measurements. Written in large batches, each with its audit event;
//! deterministic but for the ids.

use aims_domain::account::{Email, User};
use aims_domain::audit::{AuditAction, NewAuditEvent};
use aims_domain::document::{
    Document, DocumentApproval, DocumentContent, DocumentKind, DocumentSettings, DocumentStatus,
    DocumentVersion, fingerprint,
};
use aims_domain::measurement::{
    Cadence, Direction, Measurement, Metric, MetricFacts, MetricSource, MetricValue,
};
use aims_domain::work::{Task, TaskFacts, TaskStatus};
use aims_domain::{
    Actor, DocumentId, MeasurementId, MetricId, OrgId, Role, TaskId, Timestamp, UserId,
};
use serde_json::json;

use crate::App;
use crate::error::Result;

/// How much of the management system to generate.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorkSetSize {
    pub people: usize,
    pub documents: usize,
    pub tasks: usize,
    /// Measurements in all: five years of daily values per metric.
    pub measurements: usize,
}

/// What was generated.
#[derive(Clone, Copy, Debug, Default)]
pub struct WorkSet {
    pub people: usize,
    pub documents: usize,
    pub tasks: usize,
    pub metrics: usize,
    pub measurements: usize,
}

/// Rows written per transaction.
const BATCH: usize = 5_000;
/// Days in five years: one metric's series.
const SERIES_DAYS: usize = 1_826;

/// The email of generated person `i`.
pub fn generated_email(i: usize) -> String {
    format!("person{i:03}@generated.example")
}

impl App {
    /// Fills `org` with a generated management system; tasks, documents and metrics are
    /// spread over `size.people` generated members (at least one).
    pub async fn generate_work_set(&self, org: OrgId, size: WorkSetSize) -> Result<WorkSet> {
        let actor = Actor {
            label: "aims admin generate".into(),
            ..crate::setup::system_actor(org)
        };
        let start = self.now();
        let people = self
            .generate_people(&actor, size.people.max(1), start)
            .await?;
        let mut made = WorkSet {
            people: people.len(),
            ..Default::default()
        };
        for batch in (0..size.documents).collect::<Vec<_>>().chunks(BATCH / 3) {
            let docs: Vec<_> = batch
                .iter()
                .map(|&i| generated_document(i, &people, start))
                .collect();
            let mut tx = self.store.write_for_bulk_load().await?;
            tx.insert_documents(org, &docs).await?;
            audit(
                &mut tx,
                &actor,
                org,
                json!({"documents": docs.len()}),
                start,
            )
            .await?;
            tx.commit().await?;
            made.documents += docs.len();
        }
        for batch in (0..size.tasks).collect::<Vec<_>>().chunks(BATCH) {
            let tasks: Vec<_> = batch
                .iter()
                .map(|&i| generated_task(i, &people, start))
                .collect();
            let mut tx = self.store.write_for_bulk_load().await?;
            tx.insert_tasks(org, &tasks).await?;
            audit(&mut tx, &actor, org, json!({"tasks": tasks.len()}), start).await?;
            tx.commit().await?;
            made.tasks += tasks.len();
        }
        let metrics = size.measurements.div_ceil(SERIES_DAYS);
        for k in 0..metrics {
            let days = SERIES_DAYS.min(size.measurements - k * SERIES_DAYS);
            let id = MetricId::new();
            let series: Vec<Measurement> = (0..days)
                .map(|d| Measurement {
                    id: MeasurementId::new(),
                    metric: id,
                    at: start.plus_days(d as i64 - days as i64 + 1),
                    value: MetricValue::count(((d * 37 + k * 11) % 100) as i64),
                    note: String::new(),
                    recorded_by: actor.label.clone(),
                    recorded_by_user: None,
                    created_at: start,
                })
                .collect();
            let metric = generated_metric(id, k, &people, series.last().cloned(), start);
            let mut tx = self.store.write_for_bulk_load().await?;
            tx.insert_metric(org, &metric).await?;
            for chunk in series.chunks(BATCH) {
                tx.insert_measurements(org, chunk).await?;
            }
            audit(
                &mut tx,
                &actor,
                org,
                json!({"measurements": series.len()}),
                start,
            )
            .await?;
            tx.commit().await?;
            made.metrics += 1;
            made.measurements += series.len();
        }
        self.store.settle_after_bulk_load().await?;
        Ok(made)
    }

    /// Adds the generated members (editors, without a password), or finds them.
    async fn generate_people(
        &self,
        actor: &Actor,
        count: usize,
        now: Timestamp,
    ) -> Result<Vec<(UserId, String)>> {
        let mut tx = self.store.write_for(actor.org).await?;
        let mut people = Vec::with_capacity(count);
        for i in 0..count {
            let email = Email::parse(&generated_email(i))?;
            let id = match tx.user_by_email(&email).await? {
                // Generated for another organisation: made a member of this one too, so that
                // nothing here is assigned to a stranger.
                Some(user) => {
                    if tx.role_of(actor.org, user.id).await?.is_none() {
                        crate::setup::add_membership(
                            &mut tx,
                            actor.org,
                            &user,
                            Role::Editor,
                            actor,
                            now,
                        )
                        .await?;
                    }
                    user.id
                }
                None => {
                    let user = User {
                        password_hash: None,
                        ..User::new(email.clone(), format!("Person {i:03}"), String::new(), now)
                    };
                    crate::setup::add_user(&mut tx, actor.org, &user, Role::Editor, actor, now)
                        .await?;
                    user.id
                }
            };
            people.push((id, email.to_string()));
        }
        tx.commit().await?;
        Ok(people)
    }
}

async fn audit(
    tx: &mut aims_store::Tx,
    actor: &Actor,
    org: OrgId,
    change: serde_json::Value,
    at: Timestamp,
) -> Result<()> {
    tx.append_audit(
        org,
        NewAuditEvent::new(actor, AuditAction::DataSetGenerated, org, change),
        at,
    )
    .await?;
    Ok(())
}

/// Document `i`: version 1 superseded, version 2 in force, version 3 a draft.
fn generated_document(
    i: usize,
    people: &[(UserId, String)],
    start: Timestamp,
) -> (Document, Vec<DocumentVersion>) {
    let id = DocumentId::new();
    let kind = DocumentKind::ALL[i % DocumentKind::ALL.len()];
    let (author, author_label) = people[i % people.len()].clone();
    let (approver, approver_label) = people[(i + 1) % people.len()].clone();
    let created = start.plus_days(-((i % 700) as i64) - 60);
    let version = |n: i64, status: DocumentStatus| {
        let content = DocumentContent {
            kind: Some(kind),
            title: format!("Generated {} {i:05}", kind.label().to_lowercase()),
            body: format!(
                "## Purpose\n\nVersion {n} of generated document {i}.\n\n## Rules\n\n\
                 - Every AI system has an owner.\n- Reviews happen every year.\n"
            ),
            serves: Vec::new(),
            attachment: None,
        };
        let saved_at = created.plus_days(20 * n);
        let approved = matches!(
            status,
            DocumentStatus::Superseded | DocumentStatus::Approved
        );
        DocumentVersion {
            version: n,
            sha256: approved.then(|| fingerprint(id, n, &content)),
            content,
            status,
            author: Some(author),
            author_label: author_label.clone(),
            saved_at,
            submitted: approved.then(|| (author_label.clone(), saved_at.plus_days(1))),
            approval: approved.then(|| DocumentApproval {
                by: Some(approver),
                by_label: approver_label.clone(),
                at: saved_at.plus_days(2),
                comment: "Approved.".into(),
            }),
        }
    };
    let versions = vec![
        version(1, DocumentStatus::Superseded),
        version(2, DocumentStatus::Approved),
        version(3, DocumentStatus::Draft),
    ];
    let document = Document {
        id,
        settings: DocumentSettings {
            owner: Some(author),
            ..Default::default()
        },
        template: None,
        title: versions[2].content.title.clone(),
        kind,
        latest: 3,
        latest_status: DocumentStatus::Draft,
        approved: Some(2),
        // Some reviews fell due already.
        next_review: Some(start.plus_days((i % 400) as i64 - 30)),
        retired: None,
        created_at: created,
        updated_at: versions[2].saved_at,
        revision: 3,
    };
    (document, versions)
}

/// Task `i`: mostly open, due from a month ago to three months ahead.
fn generated_task(i: usize, people: &[(UserId, String)], start: Timestamp) -> Task {
    let status = match i % 10 {
        0..=5 => TaskStatus::Open,
        6 | 7 => TaskStatus::InProgress,
        8 => TaskStatus::Done,
        _ => TaskStatus::Cancelled,
    };
    let created = start.plus_days(-((i % 365) as i64));
    Task {
        id: TaskId::new(),
        facts: TaskFacts {
            title: format!("Generated task {i:06}"),
            description: "Check the record and note what was done.".into(),
            source: None,
            assignee: Some(people[i % people.len()].0),
            due: Some(start.plus_days((i % 120) as i64 - 30)),
            status: Some(status),
        },
        origin_key: None,
        created_by: "aims admin generate".into(),
        created_at: created,
        updated_at: created,
        completed_at: (!status.is_open()).then_some(created),
        revision: 1,
    }
}

/// Metric `k`, with `latest` as its newest measurement.
fn generated_metric(
    id: MetricId,
    k: usize,
    people: &[(UserId, String)],
    latest: Option<Measurement>,
    start: Timestamp,
) -> Metric {
    Metric {
        id,
        facts: MetricFacts {
            name: format!("Generated metric {k:04}"),
            description: "A value recorded every day.".into(),
            unit: "%".into(),
            direction: Direction::HigherIsBetter,
            target: Some(MetricValue::count(80)),
            warning: Some(MetricValue::count(40)),
            breach: Some(MetricValue::count(20)),
            cadence: Cadence::Daily,
            source: MetricSource::Manual,
            system: None,
            owner: Some(people[k % people.len()].0),
        },
        latest,
        created_at: start.plus_days(-(SERIES_DAYS as i64)),
        updated_at: start,
        revision: 1,
    }
}
