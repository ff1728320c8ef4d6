use aims_domain::measurement::{
    Cadence, Direction, Measurement, Metric, MetricFacts, MetricSource, MetricValue, Objective,
    ObjectiveFacts, ObjectiveStatus,
};
use aims_domain::{MeasurementId, MetricId, ObjectiveId, Role};
use aims_store::{Store, StoreError};

use crate::{at, member, org};

fn metric(name: &str, source: MetricSource) -> Metric {
    Metric {
        id: MetricId::new(),
        facts: MetricFacts {
            name: name.into(),
            description: "How often attacks succeed".into(),
            unit: "%".into(),
            direction: Direction::LowerIsBetter,
            target: Some(MetricValue::from_millionths(2_000_000)),
            warning: None,
            breach: Some(MetricValue::from_millionths(10_500_000)),
            cadence: Cadence::Weekly,
            source,
            system: None,
            owner: None,
        },
        latest: None,
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

fn measurement(metric: MetricId, seconds: i64, value: i64) -> Measurement {
    Measurement {
        id: MeasurementId::new(),
        metric,
        at: at(seconds),
        value: MetricValue::count(value),
        note: format!("value {value}"),
        recorded_by: "ada".into(),
        recorded_by_user: None,
        created_at: at(seconds),
    }
}

pub async fn metrics_keep_their_series_and_latest_value_per_organisation(store: Store) {
    let acme = org(&store, "Acme").await;
    let other = org(&store, "Other").await;
    let ada = member(&store, acme, "ada@acme.example", Role::Editor).await;
    let mut asr = metric("Attack success", MetricSource::Manual);
    asr.facts.owner = Some(ada);
    let computed = metric("Evidence current", MetricSource::EvidenceCurrent);
    let mut tx = store.write().await.unwrap();
    tx.insert_metric(acme, &asr).await.unwrap();
    tx.insert_metric(acme, &computed).await.unwrap();
    // Recorded out of order: the latest is the one measured last, not the one stored last.
    let middle = measurement(asr.id, 200, 7);
    let newest = measurement(asr.id, 300, 12);
    let oldest = measurement(asr.id, 100, 3);
    for m in [&middle, &newest, &oldest] {
        tx.insert_measurement(acme, m).await.unwrap();
    }
    tx.commit().await.unwrap();

    let mut read = store.read().await.unwrap();
    let stored = read.metric(acme, asr.id).await.unwrap().unwrap();
    let latest = stored.latest.clone().unwrap();
    assert_eq!(
        (latest.id, latest.value),
        (newest.id, MetricValue::count(12))
    );
    assert_eq!(latest.note, "value 12");
    assert_eq!(stored.facts, asr.facts);
    assert!(read.metric(other, asr.id).await.unwrap().is_none());
    assert!(read.metrics(other).await.unwrap().is_empty());
    let names: Vec<_> = read
        .metrics(acme)
        .await
        .unwrap()
        .into_iter()
        .map(|m| m.facts.name)
        .collect();
    assert_eq!(names, ["Attack success", "Evidence current"]);
    let series = read
        .measurement_series(acme, asr.id, at(150))
        .await
        .unwrap();
    assert_eq!(
        series,
        vec![
            (at(200), MetricValue::count(7)),
            (at(300), MetricValue::count(12))
        ]
    );
    let (page, total) = read.measurements(acme, asr.id, 2, 0).await.unwrap();
    assert_eq!(total, 3);
    assert_eq!(
        page.iter().map(|m| m.id).collect::<Vec<_>>(),
        [newest.id, middle.id]
    );
    assert_eq!(read.measurements(other, asr.id, 10, 0).await.unwrap().1, 0);
    // Only computed metrics a day or more since their last measurement wait for the job.
    let waiting = read.computed_metrics_waiting(at(0), 10).await.unwrap();
    assert_eq!(
        waiting.iter().map(|(o, m)| (*o, m.id)).collect::<Vec<_>>(),
        [(acme, computed.id)]
    );
    assert_eq!(read.evidence_currency(acme, at(0)).await.unwrap(), (0, 0));
    assert_eq!(
        read.latest_attack_success_bp(acme, None).await.unwrap(),
        None
    );
    drop(read);

    // An edit from an old revision is refused; one from the current revision keeps the
    // latest measurement, which belongs to the measurements.
    let mut tx = store.write().await.unwrap();
    let mut edit = stored.clone();
    edit.facts.name = "Attack success rate".into();
    edit.latest = None;
    edit.revision = 2;
    tx.save_metric(acme, &edit).await.unwrap();
    assert!(matches!(
        tx.save_metric(acme, &edit).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(matches!(
        tx.save_metric(other, &edit).await,
        Err(StoreError::NotFound)
    ));
    let saved = tx.metric(acme, asr.id).await.unwrap().unwrap();
    assert_eq!(saved.facts.name, "Attack success rate");
    assert_eq!(saved.latest.unwrap().id, newest.id);
    // Deleting the latest measurement makes the one before it the latest.
    assert!(
        !tx.delete_measurement(other, asr.id, newest.id)
            .await
            .unwrap()
    );
    assert!(
        tx.delete_measurement(acme, asr.id, newest.id)
            .await
            .unwrap()
    );
    let after = tx.metric(acme, asr.id).await.unwrap().unwrap();
    assert_eq!(after.latest.unwrap().id, middle.id);
    tx.commit().await.unwrap();

    // Objectives point at a metric; deleting the metric leaves the objective without one.
    let objective = Objective {
        id: ObjectiveId::new(),
        facts: ObjectiveFacts {
            statement: "Keep attack success under 2 %".into(),
            commitment: "We test our systems before release".into(),
            policy: None,
            metric: Some(asr.id),
            measure: String::new(),
            target: "2 %".into(),
            deadline: Some(at(1_000)),
            owner: Some(ada),
            resources: "Red-team time".into(),
            evaluation: "Quarterly".into(),
            status: ObjectiveStatus::OnTrack,
        },
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    };
    let mut undated = objective.clone();
    undated.id = ObjectiveId::new();
    undated.facts.deadline = None;
    undated.facts.metric = None;
    let mut tx = store.write().await.unwrap();
    tx.insert_objective(acme, &undated).await.unwrap();
    tx.insert_objective(acme, &objective).await.unwrap();
    let listed: Vec<_> = tx
        .objectives(acme, None)
        .await
        .unwrap()
        .into_iter()
        .map(|o| o.id)
        .collect();
    assert_eq!(listed, [objective.id, undated.id]);
    assert_eq!(tx.objectives(acme, Some(asr.id)).await.unwrap().len(), 1);
    assert!(tx.objectives(other, None).await.unwrap().is_empty());
    let mut changed = objective.clone();
    changed.revision = 2;
    changed.facts.status = ObjectiveStatus::AtRisk;
    tx.save_objective(acme, &changed).await.unwrap();
    assert!(matches!(
        tx.save_objective(acme, &changed).await,
        Err(StoreError::Conflict(_))
    ));
    assert!(!tx.delete_metric(other, asr.id).await.unwrap());
    assert!(tx.delete_metric(acme, asr.id).await.unwrap());
    let kept = tx.objective(acme, objective.id).await.unwrap().unwrap();
    assert_eq!(
        (kept.facts.metric, kept.facts.status),
        (None, ObjectiveStatus::AtRisk)
    );
    assert_eq!(tx.measurements(acme, asr.id, 10, 0).await.unwrap().1, 0);
    assert!(tx.delete_objective(acme, undated.id).await.unwrap());
    assert!(!tx.delete_objective(acme, undated.id).await.unwrap());
    tx.commit().await.unwrap();
}
