//! The demo organisation's monitoring and measurement: metrics computed by aims and recorded
//! by people, each with a history to draw, and objectives tied to the AI policy, so that a
//! newcomer sees trends, a target met, one short of it, and an objective at risk.

use aims_domain::measurement::{
    Cadence, Direction, Measurement, MetricFacts, MetricSource, MetricValue, ObjectiveFacts,
    ObjectiveStatus,
};
use aims_domain::{Actor, MeasurementId, MetricId, UserId};

use crate::App;
use crate::error::Result;

/// A demo metric: its definition, and its history as (days ago, value), oldest first.
struct DemoMetric {
    facts: MetricFacts,
    history: Vec<(i64, f64)>,
}

fn value(n: f64) -> Option<MetricValue> {
    MetricValue::from_f64("value", n).ok()
}

fn metric(
    name: &str,
    description: &str,
    source: MetricSource,
    (unit, direction): (&str, Direction),
    (target, warning, breach): (f64, Option<f64>, f64),
    cadence: Cadence,
    owner: UserId,
) -> MetricFacts {
    MetricFacts {
        name: name.into(),
        description: description.into(),
        unit: unit.into(),
        direction,
        target: value(target),
        warning: warning.and_then(value),
        breach: value(breach),
        cadence,
        source,
        system: None,
        owner: Some(owner),
    }
}

fn demo_metrics(lead: UserId, engineer: UserId) -> Vec<DemoMetric> {
    use Direction::{HigherIsBetter as Up, LowerIsBetter as Down};
    vec![
        DemoMetric {
            facts: metric(
                "Jailbreak success rate",
                "The share of attacks that got through in the latest red-team run of each system; the AI policy asks for every customer-facing assistant to resist them.",
                MetricSource::RedTeamAttackSuccess,
                ("%", Down),
                (2.0, Some(5.0), 10.0),
                Cadence::Weekly,
                engineer,
            ),
            history: (0..20)
                .map(|w| (7 * (20 - w), (14.0 - 0.6 * w as f64).max(1.5)))
                .collect(),
        },
        DemoMetric {
            facts: metric(
                "High-risk systems with a current impact assessment",
                "High-risk systems whose latest impact assessment is approved and not past its review date.",
                MetricSource::HighRiskAssessed,
                ("%", Up),
                (100.0, Some(90.0), 50.0),
                Cadence::Monthly,
                lead,
            ),
            history: vec![
                (150, 50.0),
                (120, 50.0),
                (90, 66.7),
                (60, 66.7),
                (30, 100.0),
            ],
        },
        DemoMetric {
            facts: metric(
                "Evidence still valid",
                "Evidence in the register whose validity has not ended.",
                MetricSource::EvidenceCurrent,
                ("%", Up),
                (95.0, Some(90.0), 80.0),
                Cadence::Monthly,
                lead,
            ),
            history: vec![(150, 88.0), (120, 91.0), (90, 93.0), (60, 96.0), (30, 97.0)],
        },
        DemoMetric {
            facts: metric(
                "Risk reviews overdue",
                "Open risks past their review date.",
                MetricSource::OverdueRiskReviews,
                ("reviews", Down),
                (0.0, Some(2.0), 5.0),
                Cadence::Weekly,
                lead,
            ),
            history: (0..12_i64)
                .map(|w| (7 * (12 - w), [3.0, 2.0, 2.0, 1.0][(w % 4) as usize]))
                .collect(),
        },
        DemoMetric {
            facts: metric(
                "Staff with AI literacy training",
                "People who build, run or buy AI systems and completed the AI literacy course in the past two years (EU AI Act Article 4).",
                MetricSource::Manual,
                ("%", Up),
                (95.0, Some(80.0), 60.0),
                Cadence::Monthly,
                lead,
            ),
            history: (0..12)
                .map(|m| (30 * (12 - m), 62.0 + 2.5 * m as f64))
                .collect(),
        },
        DemoMetric {
            facts: metric(
                "Days to close an AI incident",
                "Median days from an AI incident being reported to its closure, over the month.",
                MetricSource::Manual,
                ("days", Down),
                (14.0, Some(21.0), 30.0),
                Cadence::Monthly,
                engineer,
            ),
            history: vec![
                (180, 26.0),
                (150, 22.0),
                (120, 19.0),
                (90, 17.0),
                (60, 15.0),
                (30, 12.0),
            ],
        },
    ]
}

impl App {
    /// Creates the demo's metrics with their history, measures the computed ones now, and
    /// sets objectives on them; `lead` and `engineer` own them.
    pub(crate) async fn seed_demo_measurement(
        &self,
        actor: &Actor,
        lead: UserId,
        engineer: UserId,
    ) -> Result<()> {
        let mut ids = Vec::new();
        for demo in demo_metrics(lead, engineer) {
            let computed = demo.facts.source.is_computed();
            let created = self.create_metric(actor, demo.facts).await?;
            self.seed_demo_history(actor, created.id, &demo.history)
                .await?;
            if computed {
                self.measure_now(actor, created.id).await?;
            }
            ids.push(created.id);
        }
        let policy = self
            .store
            .read()
            .await?
            .documents_page(
                actor.org,
                &aims_store::DocumentQuery {
                    kind: Some(aims_domain::document::DocumentKind::Policy),
                    limit: 1,
                    ..Default::default()
                },
            )
            .await?
            .0
            .first()
            .map(|d| d.id);
        let in_months = |m: u32| Some(self.now().plus_months(m));
        let objective = |statement: &str,
                         commitment: &str,
                         metric: Option<MetricId>,
                         measure: &str,
                         target: &str,
                         deadline,
                         owner,
                         status| ObjectiveFacts {
            statement: statement.into(),
            commitment: commitment.into(),
            policy,
            metric,
            measure: measure.into(),
            target: target.into(),
            deadline,
            owner: Some(owner),
            resources: String::new(),
            evaluation:
                "Reviewed monthly by the AI governance lead; reported to the management review."
                    .into(),
            status,
        };
        for mut facts in [
            objective(
                "Customer-facing assistants resist jailbreaks",
                "We test AI systems against misuse before and after release.",
                Some(ids[0]),
                "",
                "Under 2 % of attacks succeed in every weekly red-team run",
                in_months(6),
                engineer,
                ObjectiveStatus::OnTrack,
            ),
            objective(
                "Every high-risk system is assessed before it goes live",
                "We assess the impact of AI systems on people before we use them.",
                Some(ids[1]),
                "",
                "100 % of high-risk systems with an approved, current impact assessment",
                in_months(3),
                lead,
                ObjectiveStatus::AtRisk,
            ),
            objective(
                "Everyone who works with AI is trained",
                "We make sure the people who build and use AI understand it.",
                Some(ids[4]),
                "",
                "95 % trained by the end of the year",
                in_months(9),
                lead,
                ObjectiveStatus::OnTrack,
            ),
            objective(
                "People know when they talk to an AI system",
                "We are open with the people our AI systems affect.",
                None,
                "Channels showing the AI notice, out of every customer channel; checked each quarter by the product owners.",
                "Every channel by the next management review",
                in_months(4),
                engineer,
                ObjectiveStatus::Planned,
            ),
        ] {
            facts.resources = "Half a day a month of the owner's time; the red-team lab and the training platform.".into();
            self.create_objective(actor, facts).await?;
        }
        Ok(())
    }

    /// Records a metric's past values as aims would have measured them.
    async fn seed_demo_history(
        &self,
        actor: &Actor,
        id: MetricId,
        history: &[(i64, f64)],
    ) -> Result<()> {
        self.change(actor.org, actor, async |c| {
            for &(days_ago, v) in history {
                let Some(metric) = c.metric(actor.org, id).await? else {
                    break;
                };
                let Some(value) = value(v) else { continue };
                let at = c.now.plus_days(-days_ago);
                let m = Measurement {
                    id: MeasurementId::new(),
                    metric: id,
                    at,
                    value,
                    note: String::new(),
                    recorded_by: actor.label.clone(),
                    recorded_by_user: None,
                    created_at: at,
                };
                self.add_measurement(c, actor, &metric, &m).await?;
            }
            Ok(())
        })
        .await
    }
}
