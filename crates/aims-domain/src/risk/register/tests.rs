use super::*;

pub(crate) fn facts() -> RiskFacts {
    let system = AiSystemId::new();
    RiskFacts {
        title: "  Credit model scores applicants from some postcodes lower ".into(),
        description: "Seen in the\r\nQ3 fairness review".into(),
        systems: vec![system, system],
        risk_source: Some(" ".into()),
        affected_objective: Some(" fairness ".into()),
        lifecycle_stage: Some(LifecycleStage::OperationMonitoring),
        owner: Some(UserId::new()),
        inherent_likelihood: 4,
        inherent_impact: 4,
        treatment: TreatmentOption::Modify,
        treatment_plan: "Re-weight the training data".into(),
        controls: vec![" A.7.4 ".into(), "A.7.4".into(), "".into(), "FAIR-2".into()],
        actions: vec![TreatmentAction {
            title: " Retrain ".into(),
            owner: None,
            due: None,
            done: false,
        }],
        residual_likelihood: Some(2),
        residual_impact: Some(3),
        review_due: None,
        status: RiskStatus::TreatmentPlanned,
    }
}

fn field_of(change: impl FnOnce(&mut RiskFacts)) -> &'static str {
    let mut f = facts();
    change(&mut f);
    f.validate(&RiskMethod::default_five_by_five())
        .expect_err("the change should be refused")
        .field
}

#[test]
fn validation_trims_and_removes_repeats() {
    let f = facts()
        .validate(&RiskMethod::default_five_by_five())
        .unwrap();
    assert_eq!(
        f.title,
        "Credit model scores applicants from some postcodes lower"
    );
    assert_eq!(f.description, "Seen in the\nQ3 fairness review");
    assert_eq!(f.systems.len(), 1);
    assert_eq!(f.risk_source, None);
    assert_eq!(f.affected_objective.as_deref(), Some("fairness"));
    assert_eq!(f.controls, ["A.7.4", "FAIR-2"]);
    assert_eq!(f.actions[0].title, "Retrain");
}

#[test]
fn text_and_list_limits_name_their_field() {
    assert_eq!(field_of(|f| f.title = " ".into()), "title");
    assert_eq!(field_of(|f| f.title = "x".repeat(201)), "title");
    assert_eq!(field_of(|f| f.description = "\u{0}".into()), "description");
    assert_eq!(
        field_of(|f| f.treatment_plan = "x".repeat(20_001)),
        "treatment_plan"
    );
    assert_eq!(
        field_of(|f| f.risk_source = Some("x".repeat(61))),
        "risk_source"
    );
    assert_eq!(
        field_of(|f| f.affected_objective = Some("a\u{7}".into())),
        "affected_objective"
    );
    assert_eq!(
        field_of(|f| f.systems = (0..51).map(|_| AiSystemId::new()).collect()),
        "systems"
    );
    assert_eq!(
        field_of(|f| f.controls = (0..51).map(|n| format!("C-{n}")).collect()),
        "controls"
    );
    assert_eq!(field_of(|f| f.controls = vec!["x".repeat(61)]), "controls");
    let action = facts().actions[0].clone();
    assert_eq!(field_of(|f| f.actions = vec![action; 51]), "actions");
    let mut f = facts();
    f.actions.push(TreatmentAction {
        title: "  ".into(),
        ..f.actions[0].clone()
    });
    let err = f.validate(&RiskMethod::default_five_by_five()).unwrap_err();
    assert_eq!(err.field, "actions.title");
    assert!(err.message.starts_with("action 2:"), "{err}");
}

#[test]
fn scores_must_lie_on_the_method_scales() {
    assert_eq!(
        field_of(|f| f.inherent_likelihood = 0),
        "inherent_likelihood"
    );
    assert_eq!(field_of(|f| f.inherent_impact = 6), "inherent_impact");
    assert_eq!(
        field_of(|f| f.residual_likelihood = Some(6)),
        "residual_likelihood"
    );
    assert_eq!(field_of(|f| f.residual_impact = Some(0)), "residual_impact");
}

#[test]
fn residual_scores_come_both_or_neither() {
    assert_eq!(field_of(|f| f.residual_impact = None), "residual_impact");
    assert_eq!(
        field_of(|f| f.residual_likelihood = None),
        "residual_likelihood"
    );
    let mut f = facts();
    (f.residual_likelihood, f.residual_impact) = (None, None);
    assert!(f.validate(&RiskMethod::default_five_by_five()).is_ok());
}

#[test]
fn a_residual_level_above_the_inherent_level_is_refused_but_a_trade_within_it_is_not() {
    // Inherent 4 × 4 is High; residual 5 × 4 is Critical.
    let mut f = facts();
    (f.residual_likelihood, f.residual_impact) = (Some(5), Some(4));
    let err = f.validate(&RiskMethod::default_five_by_five()).unwrap_err();
    assert_eq!(err.field, "residual_likelihood");
    assert!(
        err.message.contains("Critical") && err.message.contains("High"),
        "{err}"
    );
    // A higher likelihood with a lower impact can stay within the level (5 × 3 is High).
    let mut f = facts();
    (f.residual_likelihood, f.residual_impact) = (Some(5), Some(3));
    assert!(f.validate(&RiskMethod::default_five_by_five()).is_ok());
}

#[test]
fn modifying_needs_a_control_or_an_action_but_retaining_needs_neither() {
    let bare = |f: &mut RiskFacts| {
        f.controls.clear();
        f.actions.clear();
    };
    assert_eq!(field_of(bare), "controls");
    let mut f = facts();
    bare(&mut f);
    f.controls = vec!["A.6.2.4".into()];
    assert!(
        f.clone()
            .validate(&RiskMethod::default_five_by_five())
            .is_ok()
    );
    bare(&mut f);
    f.actions = facts().actions;
    assert!(f.validate(&RiskMethod::default_five_by_five()).is_ok());
    for treatment in [
        TreatmentOption::Retain,
        TreatmentOption::Avoid,
        TreatmentOption::Share,
    ] {
        let mut f = facts();
        bare(&mut f);
        f.treatment = treatment;
        assert!(
            f.validate(&RiskMethod::default_five_by_five()).is_ok(),
            "{treatment}"
        );
    }
}

#[test]
fn choices_use_the_iso_31000_words() {
    let names: Vec<&str> = TreatmentOption::ALL.iter().map(|t| t.as_str()).collect();
    assert_eq!(names, ["modify", "avoid", "share", "retain"]);
    assert_eq!(
        "treatment_planned".parse::<RiskStatus>().unwrap(),
        RiskStatus::TreatmentPlanned
    );
    assert_eq!(
        "reduce".parse::<TreatmentOption>().unwrap_err().field,
        "treatment"
    );
}

#[test]
fn the_field_list_matches_the_struct() {
    let json = serde_json::to_value(facts()).unwrap();
    let mut keys: Vec<&str> = json
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    let mut fields = FIELDS.to_vec();
    keys.sort_unstable();
    fields.sort_unstable();
    assert_eq!(keys, fields);
}

#[test]
fn changes_are_named_and_only_ratings_and_treatment_void_an_acceptance() {
    let a = facts();
    let mut b = a.clone();
    b.title = "Other".into();
    b.review_due = Some(Timestamp::from_micros(1));
    assert_eq!(a.changed_fields(&b), ["title", "review_due"]);
    assert!(!a.invalidates_acceptance(&b));
    b.residual_impact = Some(2);
    assert!(a.invalidates_acceptance(&b));
    let mut c = a.clone();
    c.treatment = TreatmentOption::Retain;
    assert!(a.invalidates_acceptance(&c));
}

#[test]
fn rescoring_facts_moves_inherent_and_residual_scores() {
    let five = RiskMethod::default_five_by_five();
    let mut three = five.clone();
    three.likelihood.levels.truncate(3);
    three.impact.levels.truncate(3);
    three.matrix = vec![vec![0, 0, 1], vec![0, 1, 2], vec![1, 2, 3]];
    let mut f = facts();
    f.rescore(&five, &three);
    assert_eq!((f.inherent_likelihood, f.inherent_impact), (3, 3));
    assert_eq!(
        (f.residual_likelihood, f.residual_impact),
        (Some(2), Some(2))
    );
    f.residual_impact = None;
    f.rescore(&three, &five);
    // Half a residual rating is never valid; it is left as it was rather than guessed at.
    assert_eq!((f.inherent_likelihood, f.inherent_impact), (5, 5));
    assert_eq!((f.residual_likelihood, f.residual_impact), (Some(2), None));
}

fn stored(facts: RiskFacts, rated_by: Option<UserId>) -> Risk {
    Risk {
        id: RiskId::new(),
        number: 1,
        facts,
        acceptance: None,
        rated_by,
        created_at: Timestamp::from_micros(0),
        updated_at: Timestamp::from_micros(0),
        revision: 1,
    }
}

#[test]
fn only_the_owner_signs_off_an_acceptance_and_says_why() {
    let f = facts();
    let owner = f.owner.unwrap();
    let method = RiskMethod::default_five_by_five();
    let at = Timestamp::from_micros(0);
    let sign = |by, note: &str| Acceptance {
        by,
        at,
        note: note.into(),
    };
    let risk = stored(f.clone(), Some(UserId::new()));
    let editor = crate::access::Role::Editor;
    assert!(
        sign(owner, " Within budget for Q3 ")
            .validate(&risk, &method, editor)
            .is_ok()
    );
    assert_eq!(
        sign(owner, "  ")
            .validate(&risk, &method, editor)
            .unwrap_err()
            .field,
        "acceptance.note"
    );
    assert_eq!(
        sign(UserId::new(), "ok")
            .validate(&risk, &method, editor)
            .unwrap_err()
            .field,
        "acceptance.by"
    );
    let mut ownerless = f;
    ownerless.owner = None;
    assert_eq!(
        sign(owner, "ok")
            .validate(&stored(ownerless, None), &method, editor)
            .unwrap_err()
            .field,
        "owner"
    );
}

#[test]
fn nobody_accepts_ratings_they_set_nor_above_the_appetite_without_the_named_role() {
    use crate::access::Role;
    let method = RiskMethod::default_five_by_five();
    let mut f = facts();
    let owner = f.owner.unwrap();
    let sign = Acceptance {
        by: owner,
        at: Timestamp::from_micros(0),
        note: "we live with it".into(),
    };
    // The owner who set the ratings cannot also accept them, whatever the role.
    let own_ratings = stored(f.clone(), Some(owner));
    let err = sign
        .clone()
        .validate(&own_ratings, &method, Role::Owner)
        .unwrap_err();
    assert!(err.message.contains("four eyes"), "{}", err.message);
    // A 5x5 risk, rated by someone else: above the appetite, only an owner or admin accepts.
    f.residual_likelihood = Some(5);
    f.residual_impact = Some(5);
    f.inherent_likelihood = 5;
    f.inherent_impact = 5;
    let high = stored(f, Some(UserId::new()));
    assert!(!high.within_appetite(&method));
    let err = sign
        .clone()
        .validate(&high, &method, Role::Editor)
        .unwrap_err();
    assert_eq!(err.field, "acceptance.by");
    assert!(err.message.contains("owner or admin"), "{}", err.message);
    assert!(sign.clone().validate(&high, &method, Role::Admin).is_ok());
    let stricter = RiskMethod {
        accept_above_appetite: vec![Role::Owner],
        ..method
    }
    .validate()
    .unwrap();
    assert!(
        sign.clone()
            .validate(&high, &stricter, Role::Admin)
            .is_err()
    );
    assert!(sign.validate(&high, &stricter, Role::Owner).is_ok());
}

#[test]
fn only_roles_that_change_risks_may_be_named_to_accept_them() {
    use crate::access::Role;
    for (roles, ok) in [
        (vec![], false),
        (vec![Role::Viewer], false),
        (vec![Role::Auditor, Role::Owner], false),
        (vec![Role::Editor, Role::Owner, Role::Editor], true),
    ] {
        let method = RiskMethod {
            accept_above_appetite: roles.clone(),
            ..RiskMethod::default_five_by_five()
        }
        .validate();
        assert_eq!(method.is_ok(), ok, "{roles:?}");
        if let Ok(method) = method {
            assert_eq!(method.accept_above_appetite, [Role::Owner, Role::Editor]);
        }
    }
}
