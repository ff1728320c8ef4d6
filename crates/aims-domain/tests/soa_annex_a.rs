//! The whole of Annex A as the catalogue lists it, read by a plain-text scan so that the
//! count of 38 controls is checked too, derived into a Statement of Applicability for a
//! lender with one high-risk system.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_domain::UserId;
use aims_domain::soa::{
    ControlRef, Decision, ImplementationFacts, ImplementationStatus::*, SoaFlag, SoaInputs,
    control_order, derive_soa,
};

mod soa_support;
use soa_support::{evidence, facts, now, obligation, treatment};

fn record(inputs: &mut SoaInputs, control: &str, facts: ImplementationFacts) {
    inputs.implementations.insert(control.into(), facts);
}

/// The 38 Annex A controls with their titles, read from the catalogue by a plain-text scan.
fn annex_a() -> Vec<ControlRef> {
    let path = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../aims-catalog/catalogs/iso-iec-42001-2023.yaml"
    );
    let text = std::fs::read_to_string(path).unwrap();
    let mut controls = Vec::new();
    let mut current: Option<(String, Option<String>, bool)> = None;
    let mut finish = |item: Option<(String, Option<String>, bool)>| {
        if let Some((id, Some(title), true)) = item {
            controls.push(ControlRef::annex_a(id, title));
        }
    };
    for line in text.lines() {
        let line = line.trim();
        if let Some(rest) = line.strip_prefix("- id: ") {
            finish(current.take());
            let id = rest.trim_matches('"');
            if rest.starts_with("\"A.") {
                current = Some((id.to_owned(), None, false));
            }
        } else if let Some((_, title, kind)) = current.as_mut() {
            if line == "kind: control" {
                *kind = true;
            } else if let Some(t) = line.strip_prefix("title: ") {
                *title = Some(t.trim_matches('"').to_owned());
            }
        }
    }
    finish(current.take());
    controls
}

#[test]
fn all_38_annex_a_controls_make_a_complete_statement() {
    let controls = annex_a();
    assert_eq!(controls.len(), 38, "ISO/IEC 42001 Annex A has 38 controls");
    assert_eq!(
        (controls[0].id.as_str(), controls[0].title.as_str()),
        ("A.2.2", "AI policy")
    );
    assert_eq!(
        (controls[37].id.as_str(), controls[37].group.as_str()),
        ("A.10.4", "A.10")
    );
    let owner = UserId::new();
    let mut soa = SoaInputs {
        controls,
        ..SoaInputs::default()
    };
    soa.controls.reverse(); // the derivation, not the catalogue, gives the order
    soa.controls
        .push(ControlRef::own("ORG-1", "Prompt injection testing"));
    // A lender with one high-risk system: a few risks, the Article 9–15 duties, some choices.
    soa.treatments.extend([
        treatment("R-12 Model drift", "A.6.2.6"),
        treatment("R-12 Model drift", "A.6.2.4"),
        treatment("R-3 Biased training data", "A.7.4"),
        treatment("R-3 Biased training data", "A.5.4"),
        treatment("R-9 Prompt injection", "ORG-1"),
        treatment("R-5 Supplier outage", "A.10.3"),
    ]);
    for (requirement, control) in [
        ("art-9", "A.5.2"),
        ("art-10", "A.7.2"),
        ("art-10", "A.7.5"),
        ("art-11", "A.6.2.7"),
        ("art-12", "A.6.2.8"),
        ("art-13", "A.8.2"),
        ("art-14", "A.9.2"),
        ("art-15", "A.6.2.4"),
    ] {
        soa.obligations
            .push(obligation(requirement, "Loan scorer", control));
    }
    for id in ["A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2"] {
        let mut recorded = facts(Decision::Include, "", Implemented);
        recorded.owner = Some(owner);
        record(&mut soa, id, recorded);
        soa.evidence
            .insert(id.into(), vec![evidence(&format!("Record for {id}"), None)]);
    }
    record(
        &mut soa,
        "A.10.4",
        facts(Decision::Exclude, "We have no customers of AI.", NotStarted),
    );
    record(
        &mut soa,
        "A.10.3",
        facts(Decision::Exclude, "Suppliers are out of scope.", NotStarted),
    );
    record(
        &mut soa,
        "A.6.2.4",
        facts(Decision::Undecided, "", Implemented),
    );

    let derived = derive_soa(&soa, now());
    let rows = &derived.rows;
    assert_eq!(rows.len(), 39);
    assert_eq!(rows.first().unwrap().control.id, "A.2.2");
    assert_eq!(rows[37].control.id, "A.10.4");
    assert_eq!(rows[38].control.id, "ORG-1");
    for pair in rows.windows(2) {
        assert!(
            control_order(&pair[0].control, &pair[1].control).is_lt(),
            "{} before {}",
            pair[0].control.id,
            pair[1].control.id
        );
    }
    // Every row either applies with a justification, is excluded with one, or is flagged.
    for row in rows {
        let explained = !row.justification.is_empty();
        assert!(
            explained || !row.flags.is_empty(),
            "{} is a silent gap",
            row.control.id
        );
        if row.applicable {
            assert!(
                explained,
                "{} applies without a justification",
                row.control.id
            );
        }
    }
    let by_id = |id: &str| rows.iter().find(|r| r.control.id == id).unwrap();
    assert_eq!(
        by_id("A.6.2.4").justification,
        "Selected to treat R-12 Model drift; required by art-15 for Loan scorer."
    );
    assert_eq!(by_id("A.6.2.4").flags, [SoaFlag::NoCurrentEvidence]);
    assert_eq!(
        by_id("A.10.3").flags,
        [SoaFlag::ExcludedButNeeded {
            by: vec!["R-5 Supplier outage".into()]
        }]
    );
    assert!(by_id("A.10.4").flags.is_empty());

    let summary = derived.summary();
    let groups: Vec<&str> = summary.groups.iter().map(|g| g.group.as_str()).collect();
    assert_eq!(
        groups,
        [
            "A.2", "A.3", "A.4", "A.5", "A.6", "A.7", "A.8", "A.9", "A.10", "own"
        ]
    );
    let per_group: usize = summary.groups.iter().map(|g| g.controls).sum();
    assert_eq!(per_group, 39);
    // Six included, the rest by treatments and obligations; A.10.3 stays excluded.
    let applicable: Vec<&str> = rows
        .iter()
        .filter(|r| r.applicable)
        .map(|r| r.control.id.as_str())
        .collect();
    assert_eq!(
        applicable,
        [
            "A.2.2", "A.2.3", "A.2.4", "A.3.2", "A.3.3", "A.4.2", "A.5.2", "A.5.4", "A.6.2.4",
            "A.6.2.6", "A.6.2.7", "A.6.2.8", "A.7.2", "A.7.4", "A.7.5", "A.8.2", "A.9.2", "ORG-1",
        ]
    );
    assert_eq!(summary.applicable, 18);
    assert_eq!(summary.excluded, 2);
    assert_eq!(summary.implemented, 7, "the six included and A.6.2.4");
    // 19 undecided with no reason, A.10.3 excluded but needed, A.6.2.4 without evidence and
    // 11 applicable ones not started.
    assert_eq!(summary.flagged, 19 + 1 + 1 + 11);
    let a2 = &summary.groups[0];
    assert_eq!(
        (a2.controls, a2.applicable, a2.percent()),
        (3, 3, Some(100))
    );
}
