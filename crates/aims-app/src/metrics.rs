//! Monitoring and measurement (ISO/IEC 42001 9.1): metrics, the measurements people record
//! and those aims computes, their trend, and the task a breached threshold opens for the
//! metric's owner.

use aims_domain::audit::AuditAction;
use aims_domain::measurement::{
    Measurement, Metric, MetricFacts, MetricValue, Standing, TrendPoint, trend,
};
use aims_domain::work::{NotificationKind, Source, SourceKind, Task, TaskFacts, TaskStatus};
use aims_domain::{
    Actor, Denied, MeasurementId, MetricId, Permission, TaskId, Timestamp, ValidationError,
};
use serde_json::json;

use crate::App;
use crate::change::Change;
use crate::error::{AppError, Result};

/// Most points a trend chart draws; a longer series is shown as means over equal stretches.
pub const TREND_POINTS: usize = 240;

/// Whether `actor` may record a measurement of `metric`: an editor, or its owner.
fn may_measure(actor: &Actor, metric: &Metric) -> Result<()> {
    if actor.require(Permission::EditContent).is_ok()
        || (metric.facts.owner.is_some() && metric.facts.owner == actor.user())
    {
        Ok(())
    } else {
        Err(Denied(Permission::EditContent).into())
    }
}

impl App {
    /// Checks what a metric refers to: the system it watches and its owner.
    async fn check_metric_references(
        &self,
        c: &mut Change,
        actor: &Actor,
        facts: &MetricFacts,
        before: Option<&MetricFacts>,
    ) -> Result<()> {
        if let Some(system) = facts.system
            && before.and_then(|b| b.system) != Some(system)
            && c.ai_system(actor.org, system).await?.is_none()
        {
            return Err(ValidationError::new(
                "system",
                format!("no AI system {system} in this organisation"),
            )
            .into());
        }
        crate::members::require_new_members(
            c,
            actor.org,
            [("owner", facts.owner, before.and_then(|b| b.owner))],
        )
        .await
    }

    /// The organisation's metrics by name, each with its latest measurement.
    pub async fn metrics(&self, actor: &Actor) -> Result<Vec<Metric>> {
        actor.require(Permission::ReadOrganisation)?;
        Ok(self.store.read().await?.metrics(actor.org).await?)
    }

    /// One metric with its latest measurement.
    pub async fn metric(&self, actor: &Actor, id: MetricId) -> Result<Metric> {
        actor.require(Permission::ReadOrganisation)?;
        self.store
            .read()
            .await?
            .metric(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("metric"))
    }

    /// One page of a metric's measurements, newest first, with the total.
    pub async fn measurements(
        &self,
        actor: &Actor,
        id: MetricId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Measurement>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.metric(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("metric"))?;
        Ok(tx
            .measurements(
                actor.org,
                id,
                limit.clamp(1, crate::MAX_PAGE),
                offset.clamp(0, crate::MAX_OFFSET),
            )
            .await?)
    }

    /// A metric's trend from `since` on: at most [`TREND_POINTS`] points.
    pub async fn metric_trend(
        &self,
        actor: &Actor,
        id: MetricId,
        since: Timestamp,
    ) -> Result<Vec<TrendPoint>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.metric(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("metric"))?;
        let series = tx.measurement_series(actor.org, id, since).await?;
        Ok(trend(&series, TREND_POINTS))
    }

    /// Defines a metric (owner, admin, editor); its owner is told.
    pub async fn create_metric(&self, actor: &Actor, facts: MetricFacts) -> Result<Metric> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            self.check_metric_references(c, actor, &facts, None).await?;
            let metric = Metric {
                id: MetricId::new(),
                facts: facts.clone(),
                latest: None,
                created_at: c.now,
                updated_at: c.now,
                revision: 1,
            };
            c.insert_metric(actor.org, &metric).await?;
            c.record(
                AuditAction::MetricCreated,
                metric.id,
                json!({"name": facts.name, "source": facts.source, "owner": facts.owner.map(|u| u.to_string())}),
            )
            .await?;
            self.notify(
                c,
                actor,
                facts.owner,
                NotificationKind::Assigned,
                &format!("Metric: {}", facts.name),
                &format!("/monitoring/metrics/{}", metric.id),
            )
            .await?;
            Ok(metric)
        })
        .await
    }

    /// Changes a metric's definition from `revision` (owner, admin, editor); a new owner is
    /// told. Its measurements stay as they were.
    pub async fn update_metric(
        &self,
        actor: &Actor,
        id: MetricId,
        revision: i64,
        facts: MetricFacts,
    ) -> Result<Metric> {
        actor.require(Permission::EditContent)?;
        let facts = facts.validate()?;
        self.change(actor.org, actor, async |c| {
            let before = c
                .metric(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("metric"))?;
            if revision != before.revision {
                return Err(AppError::Conflict(format!(
                    "the metric changed meanwhile (revision {} now); reload it",
                    before.revision
                )));
            }
            if facts == before.facts {
                return Ok(before);
            }
            if facts.source != before.facts.source && before.latest.is_some() {
                return Err(ValidationError::new(
                    "source",
                    "a metric with measurements keeps its source; define a new metric instead",
                )
                .into());
            }
            self.check_metric_references(c, actor, &facts, Some(&before.facts))
                .await?;
            let metric = Metric {
                facts: facts.clone(),
                updated_at: c.now,
                revision: before.revision + 1,
                ..before.clone()
            };
            c.save_metric(actor.org, &metric).await?;
            c.record(
                AuditAction::MetricUpdated,
                id,
                json!({"before": definition(&before.facts), "after": definition(&facts)}),
            )
            .await?;
            if facts.owner != before.facts.owner {
                self.notify(
                    c,
                    actor,
                    facts.owner,
                    NotificationKind::Assigned,
                    &format!("Metric: {}", facts.name),
                    &format!("/monitoring/metrics/{id}"),
                )
                .await?;
            }
            Ok(metric)
        })
        .await
    }

    /// Deletes a metric and its measurements (owner, admin, editor); objectives it measured
    /// keep their stated measure.
    pub async fn delete_metric(&self, actor: &Actor, id: MetricId) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let metric = c
                .metric(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("metric"))?;
            let (_, measurements) = c.measurements(actor.org, id, 1, 0).await?;
            c.delete_metric(actor.org, id).await?;
            c.record(
                AuditAction::MetricDeleted,
                id,
                json!({"name": metric.facts.name, "measurements": measurements}),
            )
            .await?;
            Ok(())
        })
        .await
    }

    /// Whether `actor` may record a measurement of metric `id` (an editor, or its owner):
    /// for interfaces that check it before they read a request's input.
    pub async fn authorize_measurement(&self, actor: &Actor, id: MetricId) -> Result<()> {
        let metric = self.metric(actor, id).await?;
        may_measure(actor, &metric)
    }

    /// Records a measurement of a metric people measure (its owner, or an editor), at `at`
    /// (now when not given, never in the future). A value that breaches the metric's
    /// threshold opens a task for its owner.
    pub async fn record_measurement(
        &self,
        actor: &Actor,
        id: MetricId,
        at: Option<Timestamp>,
        value: MetricValue,
        note: &str,
    ) -> Result<Measurement> {
        actor.require(Permission::ReadOrganisation)?;
        let note = aims_domain::validation::long_text("note", note, 2_000)?;
        self.change(actor.org, actor, async |c| {
            let metric = c
                .metric(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("metric"))?;
            may_measure(actor, &metric)?;
            if metric.facts.source.is_computed() {
                return Err(ValidationError::new(
                    "value",
                    format!(
                        "aims measures this metric itself ({}); it takes no values from people",
                        metric.facts.source.label().to_lowercase()
                    ),
                )
                .into());
            }
            let at = at.unwrap_or(c.now);
            // A minute's leeway for clocks that run a little ahead.
            if at > c.now.plus_seconds(60) {
                return Err(ValidationError::new("at", "must not be in the future").into());
            }
            let measurement = Measurement {
                id: MeasurementId::new(),
                metric: id,
                at,
                value,
                note: note.clone(),
                recorded_by: actor.label.clone(),
                recorded_by_user: actor.user(),
                created_at: c.now,
            };
            self.add_measurement(c, actor, &metric, &measurement)
                .await?;
            Ok(measurement)
        })
        .await
    }

    /// Stores `m` of `metric` with its audit event; when it becomes the latest value and
    /// crosses the breach threshold (the one before did not), opens a task for the owner,
    /// once per breach.
    pub(crate) async fn add_measurement(
        &self,
        c: &mut Change,
        actor: &Actor,
        metric: &Metric,
        m: &Measurement,
    ) -> Result<()> {
        c.insert_measurement(actor.org, m).await?;
        let standing = metric.facts.standing(m.value);
        c.record(
            AuditAction::MeasurementRecorded,
            metric.id,
            json!({"measurement": m.id.to_string(), "at": m.at.to_string(),
                   "value": m.value.to_string(), "standing": standing}),
        )
        .await?;
        let is_latest = metric
            .latest
            .as_ref()
            .is_none_or(|l| (l.at, l.id) < (m.at, m.id));
        let was_breached = metric.standing() == Some(Standing::Breached);
        if is_latest && standing == Standing::Breached && !was_breached {
            self.open_breach_task(c, actor, metric, m).await?;
        }
        Ok(())
    }

    async fn open_breach_task(
        &self,
        c: &mut Change,
        actor: &Actor,
        metric: &Metric,
        m: &Measurement,
    ) -> Result<()> {
        // An owner who left gets no task; the task waits unassigned on the tasks list.
        let owner = match metric.facts.owner {
            Some(user) if c.role_of(actor.org, user).await?.is_some() => Some(user),
            _ => None,
        };
        let f = &metric.facts;
        let threshold = f.breach.map(|b| b.to_string()).unwrap_or_default();
        let task = Task {
            id: TaskId::new(),
            facts: TaskFacts {
                title: format!("Metric {} breached its threshold", f.name),
                description: format!(
                    "{} {} measured at {} is beyond the breach threshold of {threshold} {} \
                     ({}). Find the cause, act on it, and record what was done.",
                    m.value,
                    f.unit,
                    m.at.human(),
                    f.unit,
                    f.direction.label().to_lowercase()
                ),
                source: Some(Source {
                    kind: SourceKind::Metric,
                    id: metric.id.to_string(),
                }),
                assignee: owner,
                due: Some(c.now.plus_days(7)),
                status: Some(TaskStatus::Open),
            },
            origin_key: Some(format!("metric_breach:{}:{}", metric.id, m.id)),
            created_by: "aims measurements".into(),
            created_at: c.now,
            updated_at: c.now,
            completed_at: None,
            revision: 1,
        };
        if !c.insert_task_once(actor.org, &task).await? {
            return Ok(());
        }
        c.record(
            AuditAction::TaskCreated,
            task.id,
            json!({"title": task.facts.title, "assignee": owner.map(|u| u.to_string()),
                   "source": format!("/monitoring/metrics/{}", metric.id)}),
        )
        .await?;
        self.notify(
            c,
            actor,
            owner,
            NotificationKind::ThresholdBreached,
            &task.facts.title,
            &format!("/tasks/{}", task.id),
        )
        .await
    }

    /// Deletes one measurement (owner, admin, editor): one recorded in error.
    pub async fn delete_measurement(
        &self,
        actor: &Actor,
        metric: MetricId,
        id: MeasurementId,
    ) -> Result<()> {
        actor.require(Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            c.metric(actor.org, metric)
                .await?
                .ok_or(AppError::NotFound("metric"))?;
            if !c.delete_measurement(actor.org, metric, id).await? {
                return Err(AppError::NotFound("measurement"));
            }
            c.record(
                AuditAction::MeasurementDeleted,
                metric,
                json!({"measurement": id.to_string()}),
            )
            .await?;
            Ok(())
        })
        .await
    }
}

/// A metric's definition as the audit trail records it.
fn definition(f: &MetricFacts) -> serde_json::Value {
    let v = |v: Option<MetricValue>| v.map(|v| v.to_string());
    json!({"name": f.name, "unit": f.unit, "direction": f.direction, "target": v(f.target),
           "warning": v(f.warning), "breach": v(f.breach), "cadence": f.cadence,
           "source": f.source, "system": f.system.map(|s| s.to_string()),
           "owner": f.owner.map(|u| u.to_string())})
}
