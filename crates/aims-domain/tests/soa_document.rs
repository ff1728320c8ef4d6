//! The SoA as a document: snapshots kept as JSON, what changed between two of them, and the
//! CSV auditors open in a spreadsheet.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_domain::soa::{
    ControlRef, Decision, EvidenceRef, ImplementationFacts, ImplementationStatus, SoaChange,
    SoaInputs, SoaSnapshot, TreatmentLink, compare, derive_soa, to_csv,
};
use aims_domain::{EvidenceId, Timestamp, UserId};

fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2027-03-01T09:00:00Z").unwrap()
}

fn facts(decision: Decision, justification: &str) -> ImplementationFacts {
    ImplementationFacts {
        decision,
        justification: justification.into(),
        ..ImplementationFacts::default()
    }
}

/// Three controls: one included, one needed by a risk, one undecided.
fn base() -> SoaInputs {
    let mut inputs = SoaInputs {
        controls: vec![
            ControlRef::annex_a("A.2.2", "AI policy"),
            ControlRef::annex_a("A.5.2", "AI system impact assessment process"),
            ControlRef::annex_a("A.10.4", "Customers"),
        ],
        ..SoaInputs::default()
    };
    inputs.implementations.insert(
        "A.2.2".into(),
        facts(Decision::Include, "We publish an AI policy."),
    );
    inputs.treatments.push(TreatmentLink {
        risk_id: "r1".into(),
        risk_label: "R-1 Unfair outcomes".into(),
        control: "A.5.2".into(),
    });
    inputs
}

fn snapshot(version: i64, inputs: &SoaInputs) -> SoaSnapshot {
    SoaSnapshot::new(version, now(), derive_soa(inputs, now()))
}

#[test]
fn identical_statements_have_no_changes() {
    let old = snapshot(1, &base());
    let new = snapshot(2, &base());
    assert_eq!(compare(&old, &new), []);
    assert_eq!(compare(&old, &old), []);
}

#[test]
fn added_and_removed_controls_are_named() {
    let old = snapshot(1, &base());
    let mut inputs = base();
    inputs.controls.retain(|c| c.id != "A.10.4");
    inputs
        .controls
        .push(ControlRef::own("ORG-1", "Red teaming"));
    let new = snapshot(2, &inputs);
    assert_eq!(
        compare(&old, &new),
        [
            SoaChange::ControlRemoved {
                control: "A.10.4".into()
            },
            SoaChange::ControlAdded {
                control: "ORG-1".into()
            },
        ]
    );
}

#[test]
fn applicability_and_decision_changes_are_named_old_to_new() {
    let old = snapshot(1, &base());
    let mut inputs = base();
    inputs.implementations.insert(
        "A.2.2".into(),
        facts(Decision::Exclude, "We publish an AI policy."),
    );
    let changes = compare(&old, &snapshot(2, &inputs));
    assert_eq!(
        changes,
        [
            SoaChange::ApplicabilityChanged {
                control: "A.2.2".into(),
                from: true,
                to: false
            },
            SoaChange::DecisionChanged {
                control: "A.2.2".into(),
                from: Decision::Include,
                to: Decision::Exclude,
            },
        ]
    );
    assert_eq!(changes[0].to_string(), "A.2.2: applicable Yes → No");
    assert_eq!(changes[1].to_string(), "A.2.2: decision Include → Exclude");
}

#[test]
fn status_changes_are_named_old_to_new() {
    let old = snapshot(1, &base());
    let mut inputs = base();
    inputs.implementations.get_mut("A.2.2").unwrap().status = ImplementationStatus::Planned;
    let changes = compare(&old, &snapshot(2, &inputs));
    assert_eq!(
        changes,
        [SoaChange::StatusChanged {
            control: "A.2.2".into(),
            from: ImplementationStatus::NotStarted,
            to: ImplementationStatus::Planned,
        }]
    );
    assert_eq!(changes[0].control(), "A.2.2");
    assert_eq!(
        changes[0].to_string(),
        "A.2.2: status Not started → Planned"
    );
}

#[test]
fn justification_changes_are_named_even_when_generated() {
    let old = snapshot(1, &base());
    let mut inputs = base();
    inputs
        .implementations
        .get_mut("A.2.2")
        .unwrap()
        .justification = "Board decision.".into();
    // A second risk changes the justification written for A.5.2.
    inputs.treatments.push(TreatmentLink {
        risk_id: "r2".into(),
        risk_label: "R-2 Opaque decisions".into(),
        control: "A.5.2".into(),
    });
    assert_eq!(
        compare(&old, &snapshot(2, &inputs)),
        [
            SoaChange::JustificationChanged {
                control: "A.2.2".into(),
                from: "We publish an AI policy.".into(),
                to: "Board decision.".into(),
            },
            SoaChange::JustificationChanged {
                control: "A.5.2".into(),
                from: "Selected to treat R-1 Unfair outcomes.".into(),
                to: "Selected to treat R-1 Unfair outcomes, R-2 Opaque decisions.".into(),
            },
        ]
    );
}

#[test]
fn owner_changes_are_named_old_to_new() {
    let old = snapshot(1, &base());
    let mut inputs = base();
    let owner = UserId::new();
    inputs.implementations.get_mut("A.2.2").unwrap().owner = Some(owner);
    let changes = compare(&old, &snapshot(2, &inputs));
    assert_eq!(
        changes,
        [SoaChange::OwnerChanged {
            control: "A.2.2".into(),
            from: None,
            to: Some(owner)
        }]
    );
    assert_eq!(
        changes[0].to_string(),
        format!("A.2.2: owner nobody → {owner}")
    );
}

#[test]
fn a_snapshot_survives_json_with_tagged_reasons_and_flags() {
    let old = snapshot(7, &base());
    let json = serde_json::to_string(&old).unwrap();
    assert!(json.contains(r#""kind":"selected_by_treatment""#), "{json}");
    assert!(json.contains(r#""kind":"undecided""#), "{json}");
    assert!(
        json.contains(r#""generated_at":"2027-03-01T09:00:00Z""#),
        "{json}"
    );
    let back: SoaSnapshot = serde_json::from_str(&json).unwrap();
    assert_eq!(back, old);
}

/// Splits RFC 4180 text into records of cells, insisting on CRLF after every record.
fn parse_csv(text: &str) -> Vec<Vec<String>> {
    let mut records = Vec::new();
    let mut record = Vec::new();
    let mut cell = String::new();
    let mut chars = text.chars().peekable();
    let mut quoted = false;
    while let Some(c) = chars.next() {
        match (quoted, c) {
            (true, '"') if chars.peek() == Some(&'"') => {
                chars.next();
                cell.push('"');
            }
            (true, '"') => quoted = false,
            (true, c) => cell.push(c),
            (false, '"') => {
                assert!(cell.is_empty(), "quote inside an unquoted cell");
                quoted = true;
            }
            (false, ',') => record.push(std::mem::take(&mut cell)),
            (false, '\r') => {
                assert_eq!(chars.next(), Some('\n'), "a bare CR ends no record");
                record.push(std::mem::take(&mut cell));
                records.push(std::mem::take(&mut record));
            }
            (false, c) => {
                assert_ne!(c, '\n', "a bare LF outside quotes");
                cell.push(c);
            }
        }
    }
    assert!(
        !quoted && record.is_empty() && cell.is_empty(),
        "text ends mid-record"
    );
    records
}

#[test]
fn the_csv_has_the_auditors_columns_and_one_line_per_control() {
    let owner = UserId::new();
    let mut inputs = base();
    inputs.implementations.get_mut("A.2.2").unwrap().owner = Some(owner);
    inputs.implementations.get_mut("A.2.2").unwrap().status = ImplementationStatus::Implemented;
    inputs.evidence.insert(
        "A.2.2".into(),
        vec![
            EvidenceRef {
                id: EvidenceId::new(),
                title: "AI policy v3".into(),
                expires_at: None,
            },
            EvidenceRef {
                id: EvidenceId::new(),
                title: "Board minutes".into(),
                expires_at: Some(now().plus_days(90)),
            },
        ],
    );
    inputs.requirements.insert(
        "A.2.2".into(),
        vec!["NIST AI RMF GOVERN 1.2 (intersects with)".into()],
    );
    let rows = derive_soa(&inputs, now()).rows;
    let text = to_csv(&rows, &|id| {
        if id == owner {
            "Ada Lovelace".into()
        } else {
            "?".into()
        }
    });
    assert!(text.ends_with("\r\n"));
    let records = parse_csv(&text);
    assert_eq!(
        records[0],
        [
            "Control",
            "Title",
            "Applicable",
            "Justification for inclusion or exclusion",
            "Implementation status",
            "Owner",
            "Linked risks",
            "Linked obligations",
            "Linked requirements of other frameworks",
            "Evidence",
            "Flags",
        ]
    );
    assert_eq!(records.len(), 4);
    assert_eq!(
        records[1],
        [
            "A.2.2",
            "AI policy",
            "Yes",
            "We publish an AI policy.",
            "Implemented",
            "Ada Lovelace",
            "",
            "",
            "NIST AI RMF GOVERN 1.2 (intersects with)",
            "AI policy v3; Board minutes (until 2027-05-30)",
            "",
        ]
    );
    assert_eq!(records[2][6], "R-1 Unfair outcomes");
    assert_eq!(records[2][10], "Applicable but not started");
    assert_eq!(
        (records[3][0].as_str(), records[3][2].as_str()),
        ("A.10.4", "No")
    );
    assert_eq!(records[3][10], "Undecided");
}

#[test]
fn the_csv_quotes_what_it_must_and_defuses_formulas() {
    let mut inputs = SoaInputs {
        controls: vec![
            ControlRef::own("ORG-1", "Review, \"red team\" and report"),
            ControlRef::own("ORG-2", "=HYPERLINK(\"http://evil\",\"click\")"),
        ],
        ..SoaInputs::default()
    };
    inputs.implementations.insert(
        "ORG-1".into(),
        facts(Decision::Include, "Line one\nline two"),
    );
    inputs
        .implementations
        .insert("ORG-2".into(), facts(Decision::Exclude, "@SUM(A1:A9)"));
    inputs.treatments.push(TreatmentLink {
        risk_id: "r1".into(),
        risk_label: "-1+1 Tampered weights".into(),
        control: "ORG-1".into(),
    });
    let text = to_csv(&derive_soa(&inputs, now()).rows, &|_| String::new());
    assert!(
        text.contains("\"Review, \"\"red team\"\" and report\""),
        "{text}"
    );
    assert!(text.contains("\"Line one\nline two\""), "{text}");
    let records = parse_csv(&text);
    assert_eq!(records[1][1], "Review, \"red team\" and report");
    assert_eq!(records[1][3], "Line one\nline two");
    assert_eq!(records[1][6], "'-1+1 Tampered weights");
    assert_eq!(records[2][1], "'=HYPERLINK(\"http://evil\",\"click\")");
    assert_eq!(records[2][3], "'@SUM(A1:A9)");
    // No cell of any record may start a formula.
    for cell in records.iter().flatten() {
        assert!(
            !cell.starts_with(['=', '+', '-', '@', '\t', '\r']),
            "{cell:?}"
        );
    }
}
