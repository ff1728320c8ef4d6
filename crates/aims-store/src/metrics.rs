//! Metrics, their measurements (a time series per metric), and what aims reads from its own
//! records to compute the metrics it measures itself.

use aims_domain::measurement::{Measurement, Metric, MetricFacts, MetricValue};
use aims_domain::{AiSystemId, MeasurementId, MetricId, OrgId, Timestamp};
use sqlx::AssertSqlSafe;
use sqlx::any::AnyRow;

use crate::error::{Result, StoreError};
use crate::row::{RowExt, map_rows, opt_parsed, parsed};
use crate::table_row::{TableRow, Update, table_row};
use crate::tx::Tx;

table_row! {
    /// A row of `metrics`.
    struct MetricRow in "metrics" {
        id: String,
        org_id: String,
        name: String,
        description: String,
        unit: String,
        direction: String,
        target: Option<i64>,
        warning: Option<i64>,
        breach: Option<i64>,
        cadence: String,
        source: String,
        system_id: Option<String>,
        owner_id: Option<String>,
        latest_id: Option<String>,
        latest_at: Option<i64>,
        latest_value: Option<i64>,
        created_at: i64,
        updated_at: i64,
        revision: i64,
    }
}

table_row! {
    /// A row of `metric_measurements`.
    struct MeasurementRow in "metric_measurements" {
        id: String,
        org_id: String,
        metric_id: String,
        measured_at: i64,
        value: i64,
        note: String,
        recorded_by_id: Option<String>,
        recorded_by_label: String,
        created_at: i64,
    }
}

/// The columns a metric's own writes leave to the measurements.
const LATEST: [&str; 3] = ["latest_id", "latest_at", "latest_value"];

/// Metrics with their latest measurement joined in.
const SELECT_METRICS: &str = "SELECT m.*, l.note AS latest_note, l.recorded_by_id AS latest_by_id, \
     l.recorded_by_label AS latest_by, l.created_at AS latest_created FROM metrics m \
     LEFT JOIN metric_measurements l ON l.id = m.latest_id";

/// Most metrics one organisation's list reads.
pub const MAX_METRICS: i64 = 1_000;
/// Most measurements a series reads: more than 25 years of daily values.
pub const MAX_SERIES: i64 = 10_000;

impl MetricRow {
    fn new(org: OrgId, m: &Metric) -> Self {
        let f = &m.facts;
        let v = |v: Option<MetricValue>| v.map(MetricValue::as_millionths);
        Self {
            id: m.id.to_string(),
            org_id: org.to_string(),
            name: f.name.clone(),
            description: f.description.clone(),
            unit: f.unit.clone(),
            direction: f.direction.as_str().into(),
            target: v(f.target),
            warning: v(f.warning),
            breach: v(f.breach),
            cadence: f.cadence.as_str().into(),
            source: f.source.as_str().into(),
            system_id: f.system.map(|s| s.to_string()),
            owner_id: f.owner.map(|u| u.to_string()),
            latest_id: m.latest.as_ref().map(|l| l.id.to_string()),
            latest_at: m.latest.as_ref().map(|l| l.at.as_micros()),
            latest_value: m.latest.as_ref().map(|l| l.value.as_millionths()),
            created_at: m.created_at.as_micros(),
            updated_at: m.updated_at.as_micros(),
            revision: m.revision,
        }
    }
}

fn read_metric(row: &AnyRow) -> Result<Metric> {
    let r = MetricRow::from_row(row)?;
    let v = |v: Option<i64>| v.map(MetricValue::from_millionths);
    let id: MetricId = parsed("id", &r.id)?;
    let latest = match (&r.latest_id, r.latest_at, r.latest_value) {
        (Some(lid), Some(at), Some(value)) => Some(Measurement {
            id: parsed("latest_id", lid)?,
            metric: id,
            at: Timestamp::from_micros(at),
            value: MetricValue::from_millionths(value),
            note: row.opt_text("latest_note")?.unwrap_or_default(),
            recorded_by: row.opt_text("latest_by")?.unwrap_or_default(),
            recorded_by_user: opt_parsed("latest_by_id", row.opt_text("latest_by_id")?.as_deref())?,
            created_at: Timestamp::from_micros(row.opt_int("latest_created")?.unwrap_or(at)),
        }),
        _ => None,
    };
    Ok(Metric {
        id,
        facts: MetricFacts {
            name: r.name,
            description: r.description,
            unit: r.unit,
            direction: parsed("direction", &r.direction)?,
            target: v(r.target),
            warning: v(r.warning),
            breach: v(r.breach),
            cadence: parsed("cadence", &r.cadence)?,
            source: parsed("source", &r.source)?,
            system: opt_parsed("system_id", r.system_id.as_deref())?,
            owner: opt_parsed("owner_id", r.owner_id.as_deref())?,
        },
        latest,
        created_at: Timestamp::from_micros(r.created_at),
        updated_at: Timestamp::from_micros(r.updated_at),
        revision: r.revision,
    })
}

fn read_measurement(row: &AnyRow) -> Result<Measurement> {
    let r = MeasurementRow::from_row(row)?;
    Ok(Measurement {
        id: parsed("id", &r.id)?,
        metric: parsed("metric_id", &r.metric_id)?,
        at: Timestamp::from_micros(r.measured_at),
        value: MetricValue::from_millionths(r.value),
        note: r.note,
        recorded_by: r.recorded_by_label,
        recorded_by_user: opt_parsed("recorded_by_id", r.recorded_by_id.as_deref())?,
        created_at: Timestamp::from_micros(r.created_at),
    })
}

impl Tx {
    /// Stores a new metric.
    pub async fn insert_metric(&mut self, org: OrgId, m: &Metric) -> Result<()> {
        self.insert(vec![MetricRow::new(org, m)]).await
    }

    /// Writes a metric changed from revision `m.revision - 1`, leaving its latest measurement
    /// alone; `Conflict("revision")` when someone changed it meanwhile.
    pub async fn save_metric(&mut self, org: OrgId, m: &Metric) -> Result<()> {
        let mut keep = vec!["created_at"];
        keep.extend(LATEST);
        let how = Update {
            key: &["org_id", "id"],
            keep: &keep,
            expect: Some(("revision", m.revision - 1)),
            unset: &[],
            also: None,
        };
        match self.update(MetricRow::new(org, m), how).await? {
            0 => match self.metric(org, m.id).await? {
                Some(_) => Err(StoreError::Conflict("revision".into())),
                None => Err(StoreError::NotFound),
            },
            _ => Ok(()),
        }
    }

    /// One metric of `org`, with its latest measurement.
    pub async fn metric(&mut self, org: OrgId, id: MetricId) -> Result<Option<Metric>> {
        let row = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_METRICS} WHERE m.org_id = $1 AND m.id = $2"
        )))
        .bind(org.to_string())
        .bind(id.to_string())
        .fetch_optional(self.conn())
        .await?;
        row.as_ref().map(read_metric).transpose()
    }

    /// The organisation's metrics by name (at most [`MAX_METRICS`]).
    pub async fn metrics(&mut self, org: OrgId) -> Result<Vec<Metric>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_METRICS} WHERE m.org_id = $1 ORDER BY m.name, m.id LIMIT {MAX_METRICS}"
        )))
        .bind(org.to_string())
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, read_metric)
    }

    /// Deletes a metric and its measurements; whether there was one.
    pub async fn delete_metric(&mut self, org: OrgId, id: MetricId) -> Result<bool> {
        let done = sqlx::query("DELETE FROM metrics WHERE org_id = $1 AND id = $2")
            .bind(org.to_string())
            .bind(id.to_string())
            .execute(self.conn())
            .await?;
        Ok(done.rows_affected() == 1)
    }

    /// Stores many measurements as they are, leaving each metric's latest alone: what a
    /// generated data set loads (its metrics are stored with their latest already set).
    pub async fn insert_measurements(&mut self, org: OrgId, list: &[Measurement]) -> Result<()> {
        let rows = list
            .iter()
            .map(|m| MeasurementRow {
                id: m.id.to_string(),
                org_id: org.to_string(),
                metric_id: m.metric.to_string(),
                measured_at: m.at.as_micros(),
                value: m.value.as_millionths(),
                note: m.note.clone(),
                recorded_by_id: m.recorded_by_user.map(|u| u.to_string()),
                recorded_by_label: m.recorded_by.clone(),
                created_at: m.created_at.as_micros(),
            })
            .collect();
        self.insert(rows).await
    }

    /// Stores a measurement, and makes it the metric's latest unless a later one is held.
    pub async fn insert_measurement(&mut self, org: OrgId, m: &Measurement) -> Result<()> {
        self.insert_measurements(org, std::slice::from_ref(m))
            .await?;
        sqlx::query(
            "UPDATE metrics SET latest_id = $3, latest_at = $4, latest_value = $5 \
             WHERE org_id = $1 AND id = $2 AND (latest_at IS NULL OR latest_at < $4 \
             OR (latest_at = $4 AND latest_id < $3))",
        )
        .bind(org.to_string())
        .bind(m.metric.to_string())
        .bind(m.id.to_string())
        .bind(m.at.as_micros())
        .bind(m.value.as_millionths())
        .execute(self.conn())
        .await?;
        Ok(())
    }

    /// Deletes one measurement of a metric and finds the metric's latest again; whether
    /// there was one.
    pub async fn delete_measurement(
        &mut self,
        org: OrgId,
        metric: MetricId,
        id: MeasurementId,
    ) -> Result<bool> {
        let done = sqlx::query(
            "DELETE FROM metric_measurements WHERE org_id = $1 AND metric_id = $2 AND id = $3",
        )
        .bind(org.to_string())
        .bind(metric.to_string())
        .bind(id.to_string())
        .execute(self.conn())
        .await?;
        if done.rows_affected() == 0 {
            return Ok(false);
        }
        let newest = "(SELECT x.{c} FROM metric_measurements x WHERE x.metric_id = metrics.id \
             ORDER BY x.measured_at DESC, x.id DESC LIMIT 1)";
        let set = LATEST
            .iter()
            .zip(["id", "measured_at", "value"])
            .map(|(to, from)| format!("{to} = {}", newest.replace("{c}", from)))
            .collect::<Vec<_>>()
            .join(", ");
        sqlx::query(AssertSqlSafe(format!(
            "UPDATE metrics SET {set} WHERE org_id = $1 AND id = $2"
        )))
        .bind(org.to_string())
        .bind(metric.to_string())
        .execute(self.conn())
        .await?;
        Ok(true)
    }

    /// One page of a metric's measurements, newest first, with the total.
    pub async fn measurements(
        &mut self,
        org: OrgId,
        metric: MetricId,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<Measurement>, i64)> {
        let total = sqlx::query(
            "SELECT COUNT(*) AS n FROM metric_measurements WHERE org_id = $1 AND metric_id = $2",
        )
        .bind(org.to_string())
        .bind(metric.to_string())
        .fetch_one(self.conn())
        .await?
        .int("n")?;
        let rows = sqlx::query(
            "SELECT * FROM metric_measurements WHERE org_id = $1 AND metric_id = $2 \
             ORDER BY measured_at DESC, id DESC LIMIT $3 OFFSET $4",
        )
        .bind(org.to_string())
        .bind(metric.to_string())
        .bind(limit)
        .bind(offset)
        .fetch_all(self.conn())
        .await?;
        Ok((map_rows(rows, read_measurement)?, total))
    }

    /// A metric's values from `since` on, oldest first: the newest [`MAX_SERIES`] of them.
    pub async fn measurement_series(
        &mut self,
        org: OrgId,
        metric: MetricId,
        since: Timestamp,
    ) -> Result<Vec<(Timestamp, MetricValue)>> {
        let rows = sqlx::query(AssertSqlSafe(format!(
            "SELECT measured_at, value FROM metric_measurements WHERE org_id = $1 \
             AND metric_id = $2 AND measured_at >= $3 ORDER BY measured_at DESC, id DESC \
             LIMIT {MAX_SERIES}"
        )))
        .bind(org.to_string())
        .bind(metric.to_string())
        .bind(since.as_micros())
        .fetch_all(self.conn())
        .await?;
        let mut series = map_rows(rows, |r| {
            Ok((
                Timestamp::from_micros(r.int("measured_at")?),
                MetricValue::from_millionths(r.int("value")?),
            ))
        })?;
        series.reverse();
        Ok(series)
    }

    /// Computed metrics of every organisation whose measurement is due by their cadence at
    /// `now` (a month counted as 28 days and a quarter as 89 here, the caller checking the
    /// calendar), those never measured last: a metric with nothing to measure yet (no red-team
    /// run) must not hold back those that have.
    pub async fn computed_metrics_waiting(
        &mut self,
        now: Timestamp,
        limit: i64,
    ) -> Result<Vec<(OrgId, Metric)>> {
        let day = 86_400_000_000_i64;
        let rows = sqlx::query(AssertSqlSafe(format!(
            "{SELECT_METRICS} WHERE m.source <> 'manual' AND (m.latest_at IS NULL \
             OR m.latest_at <= $1 - {day} * CASE m.cadence WHEN 'daily' THEN 1 \
             WHEN 'weekly' THEN 7 WHEN 'monthly' THEN 28 ELSE 89 END) \
             ORDER BY m.latest_at IS NULL, m.latest_at, m.id LIMIT $2"
        )))
        .bind(now.as_micros())
        .bind(limit)
        .fetch_all(self.conn())
        .await?;
        map_rows(rows, |r| {
            Ok((parsed("org_id", &r.text("org_id")?)?, read_metric(r)?))
        })
    }

    /// The attack-success rate, in basis points, of the latest red-team run against
    /// `system`, or the mean over every system's latest run; `None` without runs.
    pub async fn latest_attack_success_bp(
        &mut self,
        org: OrgId,
        system: Option<AiSystemId>,
    ) -> Result<Option<(i64, i64)>> {
        // Per system, its newest run (ties broken by id, time-ordered).
        let row = sqlx::query(
            "SELECT COUNT(*) AS n, CAST(SUM(r.attack_success_bp) AS BIGINT) AS total FROM redteam_runs r \
             WHERE r.org_id = $1 AND ($2 = '' OR r.system_id = $2) AND r.id = \
             (SELECT x.id FROM redteam_runs x WHERE x.org_id = r.org_id \
              AND x.system_id = r.system_id ORDER BY x.created_at DESC, x.id DESC LIMIT 1)",
        )
        .bind(org.to_string())
        .bind(system.map(|s| s.to_string()).unwrap_or_default())
        .fetch_one(self.conn())
        .await?;
        let n = row.int("n")?;
        Ok((n > 0).then(|| (row.opt_int("total").ok().flatten().unwrap_or(0), n)))
    }

    /// How much evidence the organisation holds, and how much of it has expired at `now`.
    pub async fn evidence_currency(&mut self, org: OrgId, now: Timestamp) -> Result<(i64, i64)> {
        let row = sqlx::query(
            "SELECT (SELECT COUNT(*) FROM evidence WHERE org_id = $1) AS total, \
             (SELECT COUNT(*) FROM evidence WHERE org_id = $1 AND valid_until <= $2) AS expired",
        )
        .bind(org.to_string())
        .bind(now.as_micros())
        .fetch_one(self.conn())
        .await?;
        Ok((row.int("total")?, row.int("expired")?))
    }
}
