//! The Statement of Applicability derived from controls, risk treatments, obligations,
//! implementation records and evidence: each rule with a case where it holds and one where
//! it does not. The whole of Annex A is in `soa_annex_a.rs`.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_domain::UserId;
use aims_domain::soa::{
    ApplicabilityReason, ControlRef, Decision, ImplementationFacts, ImplementationStatus::*,
    SoaFlag, SoaInputs, SoaRow, derive_soa,
};

mod soa_support;
use soa_support::{evidence, facts, now, obligation, treatment};

/// Inputs with the given controls and nothing recorded about them.
fn inputs(ids: &[&str]) -> SoaInputs {
    SoaInputs {
        controls: ids
            .iter()
            .map(|id| ControlRef::annex_a(*id, format!("Title of {id}")))
            .collect(),
        ..SoaInputs::default()
    }
}

/// The one row of a one-control SoA.
fn only_row(inputs: &SoaInputs) -> SoaRow {
    let soa = derive_soa(inputs, now());
    assert_eq!(soa.rows.len(), 1);
    soa.rows.into_iter().next().unwrap()
}

fn record(inputs: &mut SoaInputs, control: &str, facts: ImplementationFacts) {
    inputs.implementations.insert(control.into(), facts);
}

#[test]
fn a_risk_treatment_makes_its_control_applicable_and_no_other() {
    let mut soa = inputs(&["A.6.2.6", "A.7.4"]);
    soa.treatments
        .push(treatment("R-12 Model drift", "A.6.2.6"));
    let rows = derive_soa(&soa, now()).rows;
    assert!(rows[0].applicable);
    assert_eq!(
        rows[0].reasons,
        [ApplicabilityReason::SelectedByTreatment {
            risk_label: "R-12 Model drift".into()
        }]
    );
    assert_eq!(rows[0].risks, ["R-12 Model drift"]);
    assert!(!rows[1].applicable, "A.7.4 is not selected by anything");
    assert!(rows[1].reasons.is_empty());
}

#[test]
fn an_obligation_makes_its_control_applicable_and_no_other() {
    let mut soa = inputs(&["A.6.2.8", "A.8.2"]);
    soa.obligations
        .push(obligation("art-12", "Loan scorer", "A.6.2.8"));
    let rows = derive_soa(&soa, now()).rows;
    assert!(rows[0].applicable);
    assert_eq!(
        rows[0].reasons,
        [ApplicabilityReason::RequiredByObligation {
            requirement: "art-12".into(),
            system: "Loan scorer".into(),
            relation: "implements".into(),
        }]
    );
    assert_eq!(rows[0].obligations, ["art-12 for Loan scorer"]);
    assert!(!rows[1].applicable);
}

#[test]
fn including_makes_a_control_applicable_by_decision() {
    let mut soa = inputs(&["A.2.2"]);
    record(
        &mut soa,
        "A.2.2",
        facts(Decision::Include, "We publish an AI policy.", Planned),
    );
    let row = only_row(&soa);
    assert!(row.applicable);
    assert_eq!(row.reasons, [ApplicabilityReason::DecidedByOrganisation]);
    assert_eq!(row.justification, "We publish an AI policy.");
    assert!(row.flags.is_empty(), "{:?}", row.flags);
}

#[test]
fn an_undecided_control_nothing_needs_is_not_applicable_and_flagged() {
    let soa = inputs(&["A.10.4"]);
    let row = only_row(&soa);
    assert!(!row.applicable);
    assert_eq!(row.decision, Decision::Undecided);
    assert_eq!(row.flags, [SoaFlag::Undecided]);
    assert_eq!(
        row.justification, "",
        "no justification is made up for a gap"
    );

    // Once a treatment needs it, it applies and is no longer a gap of decision.
    let mut soa = soa;
    soa.treatments
        .push(treatment("R-3 Supplier lock-in", "A.10.4"));
    let row = only_row(&soa);
    assert!(row.applicable);
    assert!(!row.flags.contains(&SoaFlag::Undecided));
}

#[test]
fn excluding_wins_over_treatments_and_obligations_but_is_flagged() {
    let mut soa = inputs(&["A.7.5"]);
    record(
        &mut soa,
        "A.7.5",
        facts(Decision::Exclude, "We use no external data.", NotStarted),
    );
    soa.treatments.push(treatment("R-7 Poisoned data", "A.7.5"));
    soa.obligations
        .push(obligation("art-10", "Loan scorer", "A.7.5"));
    let row = only_row(&soa);
    assert!(!row.applicable);
    assert!(row.reasons.is_empty());
    assert_eq!(row.justification, "We use no external data.");
    assert_eq!(
        row.flags,
        [SoaFlag::ExcludedButNeeded {
            by: vec!["R-7 Poisoned data".into(), "art-10 for Loan scorer".into()]
        }]
    );
    // The links stay visible, so the auditor sees what the exclusion overrides.
    assert_eq!(row.risks, ["R-7 Poisoned data"]);
}

#[test]
fn an_exclusion_nothing_needs_is_not_flagged() {
    let mut soa = inputs(&["A.7.5"]);
    record(
        &mut soa,
        "A.7.5",
        facts(Decision::Exclude, "We use no external data.", NotStarted),
    );
    let row = only_row(&soa);
    assert!(!row.applicable);
    assert!(row.flags.is_empty(), "{:?}", row.flags);
}

#[test]
fn an_exclusion_without_a_reason_from_an_old_record_is_flagged() {
    let mut soa = inputs(&["A.7.5"]);
    record(&mut soa, "A.7.5", facts(Decision::Exclude, " ", NotStarted));
    assert_eq!(only_row(&soa).flags, [SoaFlag::ExclusionNotJustified]);
}

#[test]
fn an_applicable_control_without_a_justification_gets_one_from_its_reasons() {
    let mut soa = inputs(&["A.6.2.4"]);
    soa.treatments.push(treatment("R-7", "A.6.2.4"));
    soa.treatments.push(treatment("R-3", "A.6.2.4"));
    soa.obligations
        .push(obligation("art-9", "Loan scorer", "A.6.2.4"));
    record(&mut soa, "A.6.2.4", facts(Decision::Undecided, "", Planned));
    assert_eq!(
        only_row(&soa).justification,
        "Selected to treat R-3, R-7; required by art-9 for Loan scorer."
    );
    // A recorded justification is shown as written.
    record(
        &mut soa,
        "A.6.2.4",
        facts(Decision::Include, "Our own words.", Planned),
    );
    assert_eq!(only_row(&soa).justification, "Our own words.");
}

#[test]
fn an_applicable_control_not_started_is_flagged_and_one_under_way_is_not() {
    let mut soa = inputs(&["A.3.2"]);
    record(&mut soa, "A.3.2", facts(Decision::Include, "", NotStarted));
    assert_eq!(only_row(&soa).flags, [SoaFlag::NotStarted]);
    record(&mut soa, "A.3.2", facts(Decision::Include, "", Planned));
    assert!(only_row(&soa).flags.is_empty());
    // Not started is no gap for a control that does not apply.
    record(
        &mut soa,
        "A.3.2",
        facts(Decision::Exclude, "Too small.", NotStarted),
    );
    assert!(only_row(&soa).flags.is_empty());
}

#[test]
fn an_implemented_control_needs_evidence_that_counts_now() {
    let mut soa = inputs(&["A.6.2.5"]);
    record(
        &mut soa,
        "A.6.2.5",
        facts(Decision::Include, "", Implemented),
    );
    assert_eq!(
        only_row(&soa).flags,
        [SoaFlag::NoCurrentEvidence],
        "no evidence at all"
    );

    // Evidence ends at the instant of expiry.
    soa.evidence.insert(
        "A.6.2.5".into(),
        vec![
            evidence("Release checklist 2025", Some(now().plus_days(-30))),
            evidence("Release checklist 2026", Some(now())),
        ],
    );
    let row = only_row(&soa);
    assert_eq!(row.flags, [SoaFlag::NoCurrentEvidence], "all expired");
    assert_eq!(row.evidence.len(), 2, "expired evidence is still listed");

    soa.evidence.get_mut("A.6.2.5").unwrap().push(evidence(
        "Release checklist 2027",
        Some(now().plus_seconds(1)),
    ));
    assert!(
        only_row(&soa).flags.is_empty(),
        "one current piece is enough"
    );

    soa.evidence
        .insert("A.6.2.5".into(), vec![evidence("Deployment runbook", None)]);
    assert!(
        only_row(&soa).flags.is_empty(),
        "evidence without end counts"
    );
}

#[test]
fn work_not_yet_claimed_as_implemented_needs_no_evidence() {
    let mut soa = inputs(&["A.6.2.5"]);
    record(
        &mut soa,
        "A.6.2.5",
        facts(Decision::Include, "", PartiallyImplemented),
    );
    assert!(only_row(&soa).flags.is_empty());
}

#[test]
fn rows_follow_natural_order_with_own_controls_last() {
    let mut soa = inputs(&["A.10.1", "A.2.10", "A.2.2", "A.9.4"]);
    soa.controls
        .insert(0, ControlRef::own("ORG-10", "Model cards"));
    soa.controls.push(ControlRef::own("ORG-2", "Red teaming"));
    soa.controls
        .push(ControlRef::annex_a("A.2.2", "A repeat counts once"));
    let rows = derive_soa(&soa, now()).rows;
    let ids: Vec<&str> = rows.iter().map(|r| r.control.id.as_str()).collect();
    assert_eq!(
        ids,
        ["A.2.2", "A.2.10", "A.9.4", "A.10.1", "ORG-2", "ORG-10"]
    );
    assert_eq!(
        rows[0].control.title, "Title of A.2.2",
        "the first of a repeat is kept"
    );
}

#[test]
fn links_to_controls_that_are_not_covered_are_left_out() {
    let mut soa = inputs(&["A.2.2"]);
    soa.treatments.push(treatment("R-1", "A.99.9"));
    soa.obligations
        .push(obligation("art-9", "Loan scorer", "ORG-404"));
    let rows = derive_soa(&soa, now()).rows;
    assert_eq!(rows.len(), 1);
    assert!(!rows[0].applicable);
}

#[test]
fn owner_and_status_are_carried_into_the_row() {
    let owner = UserId::new();
    let mut soa = inputs(&["A.3.3"]);
    let mut recorded = facts(Decision::Include, "", PartiallyImplemented);
    recorded.owner = Some(owner);
    record(&mut soa, "A.3.3", recorded);
    let row = only_row(&soa);
    assert_eq!(row.owner, Some(owner));
    assert_eq!(row.status, PartiallyImplemented);
}

#[test]
fn the_summary_counts_rows_and_coverage_per_group() {
    let mut soa = inputs(&["A.2.2", "A.2.3", "A.2.4", "A.10.2", "A.10.3"]);
    soa.controls.push(ControlRef::own("ORG-1", "Prompt review"));
    record(&mut soa, "A.2.2", facts(Decision::Include, "", Implemented));
    soa.evidence
        .insert("A.2.2".into(), vec![evidence("AI policy v3", None)]);
    record(&mut soa, "A.2.3", facts(Decision::Include, "", Planned));
    record(
        &mut soa,
        "A.10.2",
        facts(Decision::Exclude, "No suppliers.", NotStarted),
    );
    soa.treatments.push(treatment("R-5", "A.10.2"));
    record(&mut soa, "ORG-1", facts(Decision::Include, "", Implemented));
    // Work done on a control that does not apply is no coverage.
    record(
        &mut soa,
        "A.10.3",
        facts(Decision::Undecided, "", Implemented),
    );
    let summary = derive_soa(&soa, now()).summary();
    assert_eq!(summary.controls, 6);
    assert_eq!(summary.applicable, 3);
    assert_eq!(summary.excluded, 1);
    assert_eq!(summary.undecided, 2);
    assert_eq!(summary.implemented, 2);
    // A.2.4 and A.10.3 undecided, A.10.2 excluded but needed, ORG-1 without evidence.
    // A.10.3 is also implemented without evidence, which makes no fifth flagged row.
    assert_eq!(summary.flagged, 4);
    let groups: Vec<(&str, usize, usize, usize, Option<usize>)> = summary
        .groups
        .iter()
        .map(|g| {
            (
                g.group.as_str(),
                g.controls,
                g.applicable,
                g.implemented,
                g.percent(),
            )
        })
        .collect();
    assert_eq!(
        groups,
        [
            ("A.2", 3, 2, 1, Some(50)),
            ("A.10", 2, 0, 0, None),
            ("own", 1, 1, 1, Some(100)),
        ]
    );
}
