use super::*;

fn field_of(change: impl FnOnce(&mut RiskMethod)) -> &'static str {
    let mut m = RiskMethod::default_five_by_five();
    change(&mut m);
    m.validate()
        .expect_err("the change should be refused")
        .field
}

#[test]
fn the_default_method_validates_unchanged() {
    let m = RiskMethod::default_five_by_five();
    assert_eq!(m.clone().validate().unwrap(), m);
    assert_eq!(
        (m.likelihood.size(), m.impact.size(), m.risk_levels.len()),
        (5, 5, 4)
    );
}

#[test]
fn scales_need_three_to_seven_levels() {
    assert_eq!(
        field_of(|m| m.likelihood.levels.truncate(2)),
        "likelihood.levels"
    );
    assert_eq!(
        field_of(|m| {
            let extra = m.impact.levels[0].clone();
            m.impact
                .levels
                .extend([extra.clone(), extra.clone(), extra]);
        }),
        "impact.levels"
    );
}

#[test]
fn scale_labels_must_be_present_and_differ_beyond_case() {
    assert_eq!(
        field_of(|m| m.likelihood.levels[2].label = "  ".into()),
        "likelihood.levels.label"
    );
    let mut m = RiskMethod::default_five_by_five();
    m.impact.levels[3].label = "minor".into();
    let err = m.validate().unwrap_err();
    assert_eq!(err.field, "impact.levels.label");
    assert!(
        err.message.contains("impact level 4") && err.message.contains("impact level 2"),
        "{err}"
    );
    assert_eq!(
        field_of(|m| m.impact.levels[0].description = "bell\u{7}".into()),
        "impact.levels.description"
    );
}

#[test]
fn risk_levels_need_two_to_five_distinct_labels_and_hex_colours() {
    assert_eq!(field_of(|m| m.risk_levels.truncate(1)), "risk_levels");
    assert_eq!(
        field_of(|m| {
            let extra = m.risk_levels[0].clone();
            m.risk_levels.extend([extra.clone(), extra]);
        }),
        "risk_levels"
    );
    assert_eq!(
        field_of(|m| m.risk_levels[1].label = String::new()),
        "risk_levels.label"
    );
    assert_eq!(
        field_of(|m| m.risk_levels[3].label = "LOW".into()),
        "risk_levels.label"
    );
    for bad in ["red", "#12345", "#12345g", "c62828", "#c628281"] {
        assert_eq!(
            field_of(|m| m.risk_levels[0].colour = bad.into()),
            "risk_levels.colour",
            "{bad}"
        );
    }
    let mut m = RiskMethod::default_five_by_five();
    m.risk_levels[0].colour = " #ABCDEF ".into();
    assert_eq!(m.validate().unwrap().risk_levels[0].colour, "#abcdef");
}

#[test]
fn the_matrix_must_fit_both_scales() {
    assert_eq!(field_of(|m| m.matrix.truncate(4)), "matrix");
    let mut m = RiskMethod::default_five_by_five();
    m.matrix[2].push(3);
    let err = m.validate().unwrap_err();
    assert_eq!(err.field, "matrix");
    assert!(err.message.contains("likelihood 3"), "{err}");
}

#[test]
fn every_cell_must_name_a_risk_level_and_the_error_names_the_cell() {
    // Fields are 1-based like the scores: row 2, column 3 is likelihood 2, impact 3.
    assert_eq!(field_of(|m| m.matrix[1][2] = 4), "matrix[2][3]");
    assert_eq!(field_of(|m| m.matrix[4][4] = 9), "matrix[5][5]");
}

#[test]
fn a_matrix_that_falls_as_likelihood_or_impact_rises_is_refused() {
    // Likelihood 4 × impact 5 is Critical; dropping likelihood 5 × impact 5 to High falls.
    let mut m = RiskMethod::default_five_by_five();
    m.matrix[4][4] = 2;
    let err = m.validate().unwrap_err();
    assert_eq!(err.field, "matrix[5][5]");
    assert!(err.message.contains("higher likelihood"), "{err}");
    // Along a row: likelihood 1 × impact 3 raised to Medium, impact 4 left at Low falls.
    let mut m = RiskMethod::default_five_by_five();
    m.matrix[0][2] = 1;
    let err = m.validate().unwrap_err();
    assert_eq!(err.field, "matrix[1][4]");
    assert!(err.message.contains("higher impact"), "{err}");
    // Raising a cell above its neighbours is fine as long as nothing beyond it falls.
    let mut m = RiskMethod::default_five_by_five();
    m.matrix[0][4] = 2;
    m.matrix[1][4] = 2;
    assert!(m.validate().is_ok());
}

#[test]
fn acceptance_criteria_must_name_risk_levels_and_leave_no_retention_unsigned() {
    assert_eq!(field_of(|m| m.acceptable_up_to = 4), "acceptable_up_to");
    assert_eq!(
        field_of(|m| m.requires_sign_off_from = 4),
        "requires_sign_off_from"
    );
    // Appetite up to Low, sign-off only from High: a Medium risk could be retained unsigned.
    assert_eq!(
        field_of(|m| {
            m.acceptable_up_to = 0;
            m.requires_sign_off_from = 2;
        }),
        "requires_sign_off_from"
    );
    let mut m = RiskMethod::default_five_by_five();
    m.acceptable_up_to = 2;
    m.requires_sign_off_from = 0;
    assert!(m.validate().is_ok());
}

#[test]
fn levels_are_read_at_the_corners_and_refused_off_the_scales() {
    let m = RiskMethod::default_five_by_five();
    assert_eq!(m.level_of(1, 1), Some(0));
    assert_eq!(m.level_of(1, 5), Some(1));
    assert_eq!(m.level_of(5, 1), Some(1));
    assert_eq!(m.level_of(5, 5), Some(3));
    for (l, i) in [(0, 1), (1, 0), (6, 1), (1, 6)] {
        assert_eq!(m.level_of(l, i), None, "({l}, {i})");
    }
    assert_eq!(m.level_clamped(9, 0), 1);
    assert_eq!(RiskMethod::score(5, 4), 20);
    assert_eq!(RiskMethod::score(255, 255), 65_025);
}

#[test]
fn scale_labels_are_read_by_score() {
    let m = RiskMethod::default_five_by_five();
    assert_eq!(m.likelihood.label(1), Some("Rare"));
    assert_eq!(m.impact.label(5), Some("Severe"));
    assert_eq!(m.impact.label(0), None);
    assert_eq!(m.level_label(3), "Critical");
    assert_eq!(m.level_label(7), "");
}

#[test]
fn the_method_is_stored_as_json_and_read_back() {
    let m = RiskMethod::default_five_by_five();
    let json = serde_json::to_value(&m).unwrap();
    assert_eq!(json["risk_levels"][2]["colour"], "#ef6c00");
    assert_eq!(json["matrix"][4][4], 3);
    assert_eq!(json["acceptable_up_to"], 1);
    assert_eq!(serde_json::from_value::<RiskMethod>(json).unwrap(), m);
}
