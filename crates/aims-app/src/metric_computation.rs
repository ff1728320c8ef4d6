//! The metrics aims measures itself, from its own records, when their cadence says a
//! measurement is due: the attack-success rate of the latest red-team runs, the share of
//! high-risk systems with a current approved impact assessment, the share of evidence still
//! valid, and the number of risk reviews overdue.

use aims_domain::measurement::{Measurement, Metric, MetricSource, MetricValue};
use aims_domain::{Actor, MeasurementId, OrgId, Timestamp};

use crate::App;
use crate::change::Change;
use crate::error::Result;

/// Most metrics one run of the measuring job looks at; the rest wait for the next run.
const METRICS_PER_RUN: i64 = 500;

/// Who the audit trail names for computed measurements.
const MEASURER: &str = "aims measurements";

impl App {
    /// Measures every computed metric whose measurement is due; returns how many were
    /// measured.
    pub async fn measure_computed_metrics(&self) -> Result<usize> {
        let now = self.now();
        let waiting = self
            .store
            .read()
            .await?
            .computed_metrics_waiting(now, METRICS_PER_RUN)
            .await?;
        let mut measured = 0;
        for (org, metric) in waiting {
            if metric.next_due().is_some_and(|due| due > now) {
                continue;
            }
            if self.measure_one(org, metric).await? {
                measured += 1;
            }
        }
        Ok(measured)
    }

    /// Measures one computed metric now, reading its inputs under the organisation's lock;
    /// whether a value was recorded (none when there is nothing to measure yet).
    async fn measure_one(&self, org: OrgId, metric: Metric) -> Result<bool> {
        let actor = Actor {
            label: MEASURER.into(),
            ..crate::setup::system_actor(org)
        };
        self.change(org, &actor, async |c| {
            // Read again under the lock: another worker may have measured it meanwhile.
            let Some(metric) = c.metric(org, metric.id).await? else {
                return Ok(false);
            };
            if metric.next_due().is_some_and(|due| due > c.now) {
                return Ok(false);
            }
            let Some((value, note)) = computed_value(c, org, &metric).await? else {
                return Ok(false);
            };
            let m = Measurement {
                id: MeasurementId::new(),
                metric: metric.id,
                at: c.now,
                value,
                note,
                recorded_by: MEASURER.into(),
                recorded_by_user: None,
                created_at: c.now,
            };
            self.add_measurement(c, &actor, &metric, &m).await?;
            Ok(true)
        })
        .await
    }

    /// Measures computed metric `id` now, whatever its cadence says (owner, admin, editor):
    /// what "measure now" on its page does.
    pub async fn measure_now(
        &self,
        actor: &Actor,
        id: aims_domain::MetricId,
    ) -> Result<Option<Measurement>> {
        actor.require(aims_domain::Permission::EditContent)?;
        self.change(actor.org, actor, async |c| {
            let metric = c
                .metric(actor.org, id)
                .await?
                .ok_or(crate::AppError::NotFound("metric"))?;
            if !metric.facts.source.is_computed() {
                return Err(aims_domain::ValidationError::new(
                    "source",
                    "people record this metric; aims has nothing to compute",
                )
                .into());
            }
            let Some((value, note)) = computed_value(c, actor.org, &metric).await? else {
                return Ok(None);
            };
            let m = Measurement {
                id: MeasurementId::new(),
                metric: id,
                at: c.now,
                value,
                note,
                recorded_by: actor.label.clone(),
                recorded_by_user: actor.user(),
                created_at: c.now,
            };
            self.add_measurement(c, actor, &metric, &m).await?;
            Ok(Some(m))
        })
        .await
    }
}

/// The value of a computed metric at the change's time, with a note saying what it counted;
/// `None` when there is nothing to measure (no red-team run yet).
async fn computed_value(
    c: &mut Change,
    org: OrgId,
    metric: &Metric,
) -> Result<Option<(MetricValue, String)>> {
    let now: Timestamp = c.now;
    Ok(match metric.facts.source {
        MetricSource::Manual => None,
        MetricSource::RedTeamAttackSuccess => c
            .latest_attack_success_bp(org, metric.facts.system)
            .await?
            .map(|(total_bp, runs)| {
                // Basis points to millionths of a percent, averaged over the systems.
                let value = MetricValue::from_millionths(total_bp * 10_000 / runs.max(1));
                let note = if metric.facts.system.is_some() {
                    "latest red-team run of the system".to_owned()
                } else {
                    format!("mean of the latest red-team run of {runs} systems")
                };
                (value, note)
            }),
        MetricSource::HighRiskAssessed => {
            let high_risk: i64 = c
                .systems_by_class(org)
                .await?
                .into_iter()
                .filter(|(class, _)| class.as_deref() == Some("high_risk"))
                .map(|(_, n)| n)
                .sum();
            let (_, lacking) = c.high_risk_without_current_assessment(org, now, 0).await?;
            let assessed = (high_risk - lacking).max(0);
            Some(if high_risk == 0 {
                (MetricValue::count(100), "no high-risk systems".to_owned())
            } else {
                (
                    MetricValue::percent(assessed, high_risk),
                    format!("{assessed} of {high_risk} high-risk systems"),
                )
            })
        }
        MetricSource::EvidenceCurrent => {
            let (total, expired) = c.evidence_currency(org, now).await?;
            Some(if total == 0 {
                (MetricValue::count(100), "no evidence held".to_owned())
            } else {
                (
                    MetricValue::percent(total - expired, total),
                    format!("{} of {total} pieces of evidence valid", total - expired),
                )
            })
        }
        MetricSource::OverdueRiskReviews => {
            let (_, overdue) = c
                .risks(
                    org,
                    &aims_store::RiskQuery {
                        review_overdue_at: Some(now),
                        open_only: true,
                        limit: 1,
                        ..Default::default()
                    },
                )
                .await?;
            Some((
                MetricValue::count(overdue),
                format!("{overdue} open risks past their review date"),
            ))
        }
        MetricSource::OpenNonconformities => {
            let counts = c.nonconformity_counts(org, now).await?;
            Some((
                MetricValue::count(counts.open),
                format!(
                    "{} open, {} of them major; {} open for more than 90 days",
                    counts.open, counts.open_major, counts.over_90_days
                ),
            ))
        }
    })
}
