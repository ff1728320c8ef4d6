//! The risk register from the outside: a method, a handful of risks, what the register says
//! about each of them, and the heat map it draws.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_domain::inventory::LifecycleStage;
use aims_domain::risk::{
    Acceptance, HeatMapCounts, Risk, RiskFacts, RiskId, RiskMethod, RiskStatus, TreatmentAction,
    TreatmentOption, describe_change, heat_map_svg, rescore,
};
use aims_domain::{AiSystemId, Timestamp, UserId};

fn at(day: i64) -> Timestamp {
    Timestamp::parse_rfc3339("2027-01-01T00:00:00Z")
        .unwrap()
        .plus_days(day)
}

fn facts(inherent: (u8, u8), residual: Option<(u8, u8)>) -> RiskFacts {
    RiskFacts {
        title: "Chatbot gives wrong benefit advice".into(),
        description: "Answers drawn from outdated guidance".into(),
        systems: vec![AiSystemId::new()],
        risk_source: Some("C.3.7".into()),
        affected_objective: Some("C.2.10".into()),
        lifecycle_stage: Some(LifecycleStage::Deployment),
        owner: Some(UserId::new()),
        inherent_likelihood: inherent.0,
        inherent_impact: inherent.1,
        treatment: TreatmentOption::Modify,
        treatment_plan: "Ground answers in the current guidance".into(),
        controls: vec!["A.6.2.4".into()],
        actions: Vec::new(),
        residual_likelihood: residual.map(|r| r.0),
        residual_impact: residual.map(|r| r.1),
        review_due: None,
        status: RiskStatus::Treated,
    }
}

fn stored(number: i64, facts: RiskFacts) -> Risk {
    let facts = facts.validate(&RiskMethod::default_five_by_five()).unwrap();
    Risk {
        id: RiskId::new(),
        number,
        facts,
        acceptance: None,
        rated_by: None,
        created_at: at(0),
        updated_at: at(0),
        revision: 1,
    }
}

fn sign_off(risk: &Risk) -> Acceptance {
    Acceptance {
        by: risk.facts.owner.unwrap(),
        at: at(1),
        note: "Reviewed with the service owner".into(),
    }
    .validate(
        risk,
        &RiskMethod::default_five_by_five(),
        aims_domain::Role::Owner,
    )
    .unwrap()
}

#[test]
fn a_risk_is_quoted_by_its_number_and_rated_before_and_after_treatment() {
    let m = RiskMethod::default_five_by_five().validate().unwrap();
    let risk = stored(12, facts((4, 5), Some((2, 3))));
    assert_eq!(risk.reference(), "R-12");
    assert_eq!(m.level_label(risk.inherent_level(&m)), "Critical");
    assert_eq!(m.level_label(risk.residual_level(&m)), "Medium");
    assert!(risk.within_appetite(&m));
    let untreated = stored(13, facts((4, 5), None));
    assert_eq!(untreated.residual_level(&m), untreated.inherent_level(&m));
    assert!(!untreated.within_appetite(&m));
}

#[test]
fn sign_off_is_needed_only_for_a_retained_risk_at_or_above_the_threshold_without_one() {
    let m = RiskMethod::default_five_by_five();
    // (treatment, status, residual scores, signed off) → needs sign-off
    let table = [
        (
            TreatmentOption::Retain,
            RiskStatus::Assessed,
            (1, 1),
            false,
            false,
        ), // Low
        (
            TreatmentOption::Retain,
            RiskStatus::Assessed,
            (2, 3),
            false,
            true,
        ), // Medium
        (
            TreatmentOption::Retain,
            RiskStatus::Assessed,
            (2, 3),
            true,
            false,
        ),
        (
            TreatmentOption::Retain,
            RiskStatus::Accepted,
            (5, 5),
            false,
            true,
        ), // Critical
        (
            TreatmentOption::Retain,
            RiskStatus::Closed,
            (5, 5),
            false,
            false,
        ),
        (
            TreatmentOption::Modify,
            RiskStatus::Accepted,
            (3, 4),
            false,
            true,
        ), // High
        (
            TreatmentOption::Modify,
            RiskStatus::Accepted,
            (3, 4),
            true,
            false,
        ),
        (
            TreatmentOption::Modify,
            RiskStatus::Treated,
            (3, 4),
            false,
            false,
        ),
        (
            TreatmentOption::Share,
            RiskStatus::Accepted,
            (1, 2),
            false,
            false,
        ), // Low
        (
            TreatmentOption::Avoid,
            RiskStatus::TreatmentPlanned,
            (5, 5),
            false,
            false,
        ),
    ];
    for (n, (treatment, status, residual, signed, expected)) in table.into_iter().enumerate() {
        let mut f = facts((5, 5), Some(residual));
        (f.treatment, f.status) = (treatment, status);
        let mut risk = stored(1, f);
        if signed {
            risk.acceptance = Some(sign_off(&risk));
        }
        assert_eq!(
            risk.needs_sign_off(&m),
            expected,
            "row {n}: {treatment} {status} {residual:?}"
        );
    }
}

#[test]
fn a_risk_is_overdue_when_its_review_or_an_open_action_is_due_unless_closed() {
    let now = at(10);
    let action = |due: Option<i64>, done| TreatmentAction {
        title: "Update the guidance index".into(),
        owner: None,
        due: due.map(at),
        done,
    };
    // (review due, actions, status) → overdue
    let table = [
        (None, vec![], RiskStatus::Treated, false),
        (Some(11), vec![], RiskStatus::Treated, false),
        (Some(10), vec![], RiskStatus::Treated, true),
        (Some(9), vec![], RiskStatus::Treated, true),
        (Some(9), vec![], RiskStatus::Closed, false),
        (
            None,
            vec![action(Some(9), false)],
            RiskStatus::TreatmentPlanned,
            true,
        ),
        (
            None,
            vec![action(Some(9), true)],
            RiskStatus::TreatmentPlanned,
            false,
        ),
        (
            None,
            vec![action(Some(11), false)],
            RiskStatus::TreatmentPlanned,
            false,
        ),
        (
            None,
            vec![action(None, false)],
            RiskStatus::TreatmentPlanned,
            false,
        ),
        (
            Some(20),
            vec![action(Some(20), false), action(Some(1), false)],
            RiskStatus::Assessed,
            true,
        ),
        (
            None,
            vec![action(Some(1), false)],
            RiskStatus::Closed,
            false,
        ),
    ];
    for (n, (review, actions, status, expected)) in table.into_iter().enumerate() {
        let mut f = facts((3, 3), None);
        (f.review_due, f.actions, f.status) = (review.map(at), actions, status);
        assert_eq!(stored(1, f).is_overdue(now), expected, "row {n}");
    }
}

#[test]
fn the_heat_map_counts_a_handful_of_risks_and_draws_them() {
    let m = RiskMethod::default_five_by_five();
    let risks = [
        stored(1, facts((4, 5), Some((2, 3)))),
        stored(2, facts((4, 5), Some((2, 2)))),
        stored(3, facts((4, 5), None)),
        stored(4, facts((1, 1), None)),
        stored(5, facts((3, 3), Some((2, 3)))),
    ];
    let counts = HeatMapCounts::from_risks(&m, &risks);
    assert_eq!(counts.inherent[3][4], 3);
    assert_eq!(counts.inherent[0][0], 1);
    assert_eq!(counts.inherent[2][2], 1);
    assert_eq!(counts.residual[1][2], 2);
    assert_eq!(counts.residual[1][1], 1);
    assert_eq!(counts.residual[3][4], 1);
    assert_eq!(counts.residual[0][0], 1);
    assert_eq!(counts.inherent.iter().flatten().sum::<u32>(), 5);

    let svg = heat_map_svg(&m, &counts, "AI risks & <b>opportunities</b>");
    assert!(svg.contains("<title>AI risks &amp; &lt;b&gt;opportunities&lt;/b&gt;</title>"));
    assert!(
        svg.contains("Inherent: 1 Low, 1 Medium, 0 High, 3 Critical."),
        "{svg}"
    );
    assert!(
        svg.contains("Residual: 2 Low, 2 Medium, 0 High, 1 Critical."),
        "{svg}"
    );
    assert!(svg.contains(">3</text>") && svg.contains(">2</text>"));
    let mut depth = 0_i32;
    for tag in svg.split('<').skip(1) {
        let tag = &tag[..tag.find('>').unwrap()];
        depth += if tag.starts_with('/') {
            -1
        } else if tag.ends_with('/') {
            0
        } else {
            1
        };
        assert!(depth >= 0, "closed more than opened before <{tag}>");
    }
    assert_eq!(depth, 0);
}

#[test]
fn a_method_change_moves_scores_by_position_and_is_described() {
    let five = RiskMethod::default_five_by_five();
    let mut three = five.clone();
    three.likelihood.levels.truncate(3);
    three.impact.levels.truncate(3);
    three.matrix = vec![vec![0, 0, 1], vec![0, 1, 2], vec![1, 2, 3]];
    let three = three.validate().unwrap();
    assert_eq!(rescore(&five, &three, 4, 2), (3, 2));
    assert_eq!(rescore(&three, &five, 2, 3), (3, 5));
    let lines = describe_change(&five, &three);
    assert!(
        lines
            .iter()
            .any(|l| l.starts_with("impact scale: 5 levels")),
        "{lines:?}"
    );
    assert!(describe_change(&five, &five).is_empty());
}
