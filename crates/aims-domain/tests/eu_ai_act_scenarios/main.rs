//! Described scenarios for the EU AI Act rules: each names a real-world system, gives the
//! questionnaire answers for it, and states the class, bases, transparency duties, model
//! duties, obligations per role and a piece of the reasoning the rules must produce.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

mod high_risk;
mod other_classes;

use std::collections::BTreeSet;

use aims_domain::eu_ai_act::{
    ANNEX_I_ACTS, ANNEX_III_POINTS, Answers, Classification, GpaiDuty,
    OperatorRole::{self, *},
    PROHIBITED_PRACTICES,
    RiskClass::{self, *},
    classify, obligations,
};

/// The duties of a provider of a high-risk system (Article 4 included).
const HIGH_RISK_PROVIDER: &[&str] = &[
    "art-4", "art-9", "art-10", "art-11", "art-12", "art-13", "art-14", "art-15", "art-16",
    "art-17", "art-72", "art-73",
];

/// One described case and everything expected of it.
struct Scenario {
    name: &'static str,
    answers: Answers,
    class: RiskClass,
    basis: Vec<&'static str>,
    transparency: Vec<&'static str>,
    gpai: Option<GpaiDuty>,
    /// "role requirement", such as "provider art-16"; "all art-5" binds every operator.
    duties: BTreeSet<String>,
    reason: &'static str,
    why: Option<&'static str>,
}

impl Scenario {
    fn new(name: &'static str, class: RiskClass, answers: Answers) -> Self {
        Scenario {
            name,
            answers,
            class,
            basis: Vec::new(),
            transparency: Vec::new(),
            gpai: None,
            duties: BTreeSet::new(),
            reason: "",
            why: None,
        }
    }

    fn basis(mut self, ids: &[&'static str]) -> Self {
        self.basis = ids.to_vec();
        self
    }

    fn transparency(mut self, ids: &[&'static str]) -> Self {
        self.transparency = ids.to_vec();
        self
    }

    fn gpai(mut self, duty: GpaiDuty) -> Self {
        self.gpai = Some(duty);
        self
    }

    fn duties(mut self, role: &str, requirements: &[&str]) -> Self {
        self.duties
            .extend(requirements.iter().map(|r| format!("{role} {r}")));
        self
    }

    fn reason(mut self, text: &'static str) -> Self {
        self.reason = text;
        self
    }

    fn why(mut self, text: &'static str) -> Self {
        self.why = Some(text);
        self
    }
}

fn ids(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| (*s).to_owned()).collect()
}

fn roles(roles: &[OperatorRole]) -> Answers {
    Answers {
        roles: roles.to_vec(),
        ..Answers::default()
    }
}

fn annex_iii(points: &[&str], who: &[OperatorRole]) -> Answers {
    Answers {
        annex_iii_points: ids(points),
        ..roles(who)
    }
}

fn banned(points: &[&str], who: &[OperatorRole]) -> Answers {
    Answers {
        prohibited_practices: ids(points),
        ..roles(who)
    }
}

fn product(act: &str, who: &[OperatorRole]) -> Answers {
    Answers {
        annex_i_act: Some(act.to_owned()),
        safety_component_or_product: true,
        third_party_conformity_assessment: true,
        ..roles(who)
    }
}

fn public(answers: Answers) -> Answers {
    Answers {
        deployer_is_public_body_or_public_service: true,
        ..answers
    }
}

/// Every described scenario: high-risk ones first, then the other classes.
fn scenarios() -> Vec<Scenario> {
    let mut all = high_risk::scenarios();
    all.extend(other_classes::scenarios());
    all
}
/// The ids of the EU AI Act catalogue, by a plain-text scan of its YAML file.
fn catalogue_ids() -> BTreeSet<String> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../aims-catalog/catalogs/eu-ai-act-2024.yaml"
    );
    let text = std::fs::read_to_string(path).expect("the EU AI Act catalogue is readable");
    text.lines()
        .filter_map(|line| line.trim().strip_prefix("- id: \""))
        .filter_map(|rest| rest.strip_suffix('"'))
        .map(str::to_owned)
        .collect()
}

/// Every catalogue id a classification and its obligations mention.
fn emitted_ids(c: &Classification, answers: &Answers) -> Vec<String> {
    let mut all: Vec<String> = c
        .prohibited
        .iter()
        .chain(&c.high_risk_basis)
        .chain(&c.derogated_annex_iii)
        .chain(&c.transparency)
        .cloned()
        .collect();
    all.extend(c.reasons.iter().map(|r| r.rule.clone()));
    all.extend(
        obligations(c, answers)
            .iter()
            .map(|o| o.requirement.to_owned()),
    );
    all
}

/// Everything wrong with one scenario's outcome.
fn check(s: &Scenario, catalogue: &BTreeSet<String>) -> Vec<String> {
    let mut problems = Vec::new();
    if let Err(e) = s.answers.validate() {
        problems.push(format!("answers rejected: {e}"));
    }
    let c = classify(&s.answers);
    if c.class != s.class {
        problems.push(format!("class {:?}, expected {:?}", c.class, s.class));
    }
    if c.high_risk_basis != s.basis {
        problems.push(format!(
            "basis {:?}, expected {:?}",
            c.high_risk_basis, s.basis
        ));
    }
    if c.transparency != s.transparency {
        problems.push(format!(
            "transparency {:?}, expected {:?}",
            c.transparency, s.transparency
        ));
    }
    if c.gpai != s.gpai {
        problems.push(format!("gpai {:?}, expected {:?}", c.gpai, s.gpai));
    }
    let list = obligations(&c, &s.answers);
    let got: Vec<String> = list
        .iter()
        .map(|o| {
            let role = o.role.map_or("all", |r| r.as_str());
            format!("{role} {}", o.requirement)
        })
        .collect();
    let got_set: BTreeSet<String> = got.iter().cloned().collect();
    if got_set.len() != got.len() {
        problems.push(format!("duplicate obligations: {got:?}"));
    }
    if got_set != s.duties {
        problems.push(format!("obligations {got_set:?}, expected {:?}", s.duties));
    }
    if s.reason.is_empty() {
        problems.push("scenario states no expected reason".to_owned());
    } else if !c.reasons.iter().any(|r| r.text.contains(s.reason)) {
        problems.push(format!(
            "no reason contains {:?}: {:#?}",
            s.reason, c.reasons
        ));
    }
    if let Some(why) = s.why
        && !list.iter().any(|o| o.why.contains(why))
    {
        problems.push(format!("no obligation explains {why:?}: {list:#?}"));
    }
    for id in emitted_ids(&c, &s.answers) {
        if !catalogue.contains(&id) {
            problems.push(format!("emitted {id}, which is not in the catalogue"));
        }
    }
    problems
}

#[test]
fn described_scenarios_classify_and_oblige_as_the_act_says() {
    let catalogue = catalogue_ids();
    let all = scenarios();
    assert!(all.len() >= 45, "only {} scenarios", all.len());
    let names: BTreeSet<&str> = all.iter().map(|s| s.name).collect();
    assert_eq!(names.len(), all.len(), "scenario names must be unique");

    let failures: Vec<String> = all
        .iter()
        .filter_map(|s| {
            let problems = check(s, &catalogue);
            (!problems.is_empty()).then(|| format!("{}:\n  {}", s.name, problems.join("\n  ")))
        })
        .collect();
    assert!(
        failures.is_empty(),
        "{} of {} scenarios failed:\n{}",
        failures.len(),
        all.len(),
        failures.join("\n")
    );
}

#[test]
fn scenario_answers_survive_a_json_round_trip() {
    for s in scenarios() {
        let json = serde_json::to_string(&s.answers).unwrap();
        let back: Answers = serde_json::from_str(&json).unwrap();
        assert_eq!(back, s.answers, "{}", s.name);
        assert_eq!(classify(&back), classify(&s.answers), "{}", s.name);
    }
}

#[test]
fn every_listed_point_and_act_has_its_effect() {
    let catalogue = catalogue_ids();
    for (id, _) in ANNEX_III_POINTS {
        let a = annex_iii(&[id], &[Provider]);
        let c = classify(&a);
        assert_eq!(c.class, HighRisk, "{id}");
        assert_eq!(c.high_risk_basis, [*id], "{id}");
        assert!(emitted_ids(&c, &a).iter().all(|e| catalogue.contains(e)));
    }
    for (id, _) in ANNEX_I_ACTS {
        let a = product(id, &[Provider]);
        let c = classify(&a);
        assert_eq!(c.class, HighRisk, "{id}");
        assert_eq!(c.high_risk_basis, [*id], "{id}");
    }
    for (id, _) in PROHIBITED_PRACTICES {
        let a = banned(&[id], &[Provider, Deployer]);
        let c = classify(&a);
        assert_eq!(c.class, Prohibited, "{id}");
        let list = obligations(&c, &a);
        assert_eq!(list.len(), 1, "{id}");
        assert_eq!(list[0].requirement, "art-5");
        assert_eq!(list[0].role, None);
    }
}

#[test]
fn classification_serialises_with_catalogue_ids_and_snake_case() {
    let a = annex_iii(&["annex-iii-5(b)"], &[Deployer]);
    let c = classify(&a);
    let json = serde_json::to_value(&c).unwrap();
    assert_eq!(json["class"], "high_risk");
    assert_eq!(json["high_risk_basis"][0], "annex-iii-5(b)");
    let list = serde_json::to_value(obligations(&c, &a)).unwrap();
    assert_eq!(list[0]["role"], "deployer");
    assert_eq!(list[0]["requirement"], "art-4");
}
