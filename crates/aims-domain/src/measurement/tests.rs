use super::*;

fn v(n: f64) -> MetricValue {
    MetricValue::from_f64("value", n).unwrap()
}

fn facts(direction: Direction) -> MetricFacts {
    MetricFacts {
        name: "Attack success".into(),
        description: String::new(),
        unit: "%".into(),
        direction,
        target: None,
        warning: None,
        breach: None,
        cadence: Cadence::Weekly,
        source: MetricSource::Manual,
        system: None,
        owner: None,
    }
}

#[test]
fn standing_follows_the_direction_and_a_value_at_a_threshold_has_not_crossed_it() {
    let mut f = facts(Direction::LowerIsBetter);
    f.target = Some(v(2.0));
    f.warning = Some(v(5.0));
    f.breach = Some(v(10.0));
    let f = f.validate().unwrap();
    assert_eq!(f.standing(v(1.0)), Standing::Met);
    assert_eq!(f.standing(v(2.0)), Standing::Met);
    assert_eq!(f.standing(v(3.0)), Standing::OffTarget);
    assert_eq!(f.standing(v(5.0)), Standing::OffTarget);
    assert_eq!(f.standing(v(5.5)), Standing::Warning);
    assert_eq!(f.standing(v(10.0)), Standing::Warning);
    assert_eq!(f.standing(v(10.1)), Standing::Breached);

    let mut f = facts(Direction::HigherIsBetter);
    f.target = Some(v(95.0));
    f.breach = Some(v(80.0));
    let f = f.validate().unwrap();
    assert_eq!(f.standing(v(99.0)), Standing::Met);
    assert_eq!(f.standing(v(85.0)), Standing::OffTarget);
    assert_eq!(f.standing(v(79.9)), Standing::Breached);
    assert_eq!(
        facts(Direction::HigherIsBetter).standing(v(1.0)),
        Standing::Unjudged
    );
}

#[test]
fn thresholds_on_the_better_side_of_the_target_are_refused_naming_the_field() {
    let mut f = facts(Direction::LowerIsBetter);
    f.target = Some(v(5.0));
    f.breach = Some(v(3.0));
    let err = f.validate().unwrap_err();
    assert_eq!(err.field, "breach");
    assert!(err.message.contains("at or above"), "{}", err.message);

    let mut f = facts(Direction::HigherIsBetter);
    f.warning = Some(v(50.0));
    f.breach = Some(v(60.0));
    assert_eq!(f.validate().unwrap_err().field, "breach");

    let mut f = facts(Direction::HigherIsBetter);
    f.target = Some(v(50.0));
    f.warning = Some(v(60.0));
    assert_eq!(f.validate().unwrap_err().field, "warning");
}

#[test]
fn computed_sources_fix_unit_and_direction_and_only_red_team_metrics_watch_a_system() {
    let mut f = facts(Direction::HigherIsBetter);
    f.source = MetricSource::RedTeamAttackSuccess;
    f.unit = "widgets".into();
    let f = f.validate().unwrap();
    assert_eq!(
        (f.unit.as_str(), f.direction),
        ("%", Direction::LowerIsBetter)
    );

    let mut f = facts(Direction::HigherIsBetter);
    f.system = Some(crate::AiSystemId::new());
    assert_eq!(f.validate().unwrap_err().field, "system");

    let mut f = facts(Direction::HigherIsBetter);
    f.unit = "  ".into();
    assert_eq!(f.validate().unwrap_err().field, "unit");
}

#[test]
fn a_metric_falls_due_by_its_cadence_after_its_latest_measurement() {
    let t0 = Timestamp::parse_rfc3339("2026-01-31T09:00:00Z").unwrap();
    let mut f = facts(Direction::HigherIsBetter);
    f.cadence = Cadence::Monthly;
    let metric = Metric {
        id: MetricId::new(),
        latest: Some(Measurement {
            id: MeasurementId::new(),
            metric: MetricId::new(),
            at: t0,
            value: v(1.0),
            note: String::new(),
            recorded_by: "aims".into(),
            recorded_by_user: None,
            created_at: t0,
        }),
        facts: f,
        created_at: t0,
        updated_at: t0,
        revision: 1,
    };
    assert_eq!(metric.next_due().unwrap().date(), "2026-02-28");
    assert!(!metric.overdue(t0.plus_days(28)));
    assert!(metric.overdue(t0.plus_days(29)));
}

#[test]
fn a_long_series_is_reduced_to_means_over_equal_stretches_keeping_extremes() {
    let t0 = Timestamp::parse_rfc3339("2022-01-01T00:00:00Z").unwrap();
    let series: Vec<_> = (0..1826)
        .map(|d| (t0.plus_days(d), v((d % 10) as f64)))
        .collect();
    let points = trend(&series, 200);
    assert!(
        points.len() <= 200 && points.len() > 150,
        "{}",
        points.len()
    );
    assert_eq!(points.iter().map(|p| p.count).sum::<usize>(), 1826);
    assert!(points.windows(2).all(|w| w[0].at < w[1].at));
    assert!(points.iter().all(|p| p.low <= p.mean && p.mean <= p.high));
    assert_eq!(points[0].low, v(0.0));
    // A short series is kept point for point.
    assert_eq!(trend(&series[..5], 200).len(), 5);
    assert!(trend(&[], 10).is_empty());
}

#[test]
fn an_objective_must_say_how_it_is_measured() {
    let facts = ObjectiveFacts {
        statement: "Every high-risk system assessed".into(),
        commitment: String::new(),
        policy: None,
        metric: None,
        measure: "   ".into(),
        target: "100 %".into(),
        deadline: None,
        owner: None,
        resources: String::new(),
        evaluation: String::new(),
        status: ObjectiveStatus::Planned,
    };
    assert_eq!(facts.clone().validate().unwrap_err().field, "measure");
    let with_metric = ObjectiveFacts {
        metric: Some(MetricId::new()),
        ..facts
    };
    assert!(with_metric.validate().is_ok());
}
