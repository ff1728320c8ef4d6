use super::*;
use crate::document::{DiffLine, sha256_hex};
use crate::id::OrgId;

fn ready() -> ContextContent {
    ContextContent {
        scope_statement: "AI used in lending and customer service".into(),
        boundaries: "Retail bank, Lisbon and Porto".into(),
        sites: vec![
            Site {
                name: "Lisbon".into(),
                in_scope: true,
                reason: String::new(),
            },
            Site {
                name: "Madrid".into(),
                in_scope: false,
                reason: "Sales office | no AI".into(),
            },
        ],
        exclusions: vec![Exclusion {
            what: "Marketing analytics".into(),
            reason: "No AI system".into(),
        }],
        issues: vec![ContextIssue {
            origin: Some(IssueOrigin::External),
            category: Some(IssueCategory::ClimateChange),
            description: "Energy use of inference".into(),
            effect: "Cost and reporting".into(),
        }],
        climate_statement: String::new(),
        parties: vec![InterestedParty {
            name: "Borrowers".into(),
            kind: Some(PartyKind::AffectedPeople),
            requirements: "Explanations of decisions".into(),
            addressed: true,
            how: "Adverse action notices".into(),
        }],
        ai_roles: vec![AiRole::EuDeployer, AiRole::AiCustomer, AiRole::EuDeployer],
        ai_roles_note: String::new(),
    }
}

#[test]
fn a_complete_version_is_ready_and_its_roles_named_once_in_list_order() {
    let c = ready().validate().unwrap();
    assert_eq!(c.ai_roles, vec![AiRole::AiCustomer, AiRole::EuDeployer]);
    c.ready_for_review().unwrap();
}

#[test]
fn blank_spare_rows_are_dropped_but_half_filled_ones_are_refused_by_name() {
    let mut c = ready();
    c.issues.push(ContextIssue {
        origin: Some(IssueOrigin::Internal),
        ..Default::default()
    });
    c.parties.push(InterestedParty::default());
    let c = c.validate().unwrap();
    assert_eq!((c.issues.len(), c.parties.len()), (1, 1));

    let mut half = ready();
    half.exclusions.push(Exclusion {
        what: "HR chat".into(),
        reason: " ".into(),
    });
    assert_eq!(half.validate().unwrap_err().field, "exclusions.reason");
    let mut half = ready();
    half.issues[0].category = None;
    assert_eq!(half.validate().unwrap_err().field, "issues.category");
    let mut half = ready();
    half.parties[0].kind = None;
    assert_eq!(half.validate().unwrap_err().field, "parties.kind");
}

#[test]
fn a_site_out_of_scope_needs_a_reason_and_lists_are_bounded() {
    let mut c = ready();
    c.sites[1].reason = String::new();
    let err = c.validate().unwrap_err();
    assert_eq!(err.field, "sites.reason");
    assert!(err.message.contains("Madrid"), "{}", err.message);

    let mut c = ready();
    c.exclusions = vec![
        Exclusion {
            what: "x".into(),
            reason: "y".into()
        };
        MAX_ROWS + 1
    ];
    assert_eq!(c.validate().unwrap_err().field, "exclusions");
}

#[test]
fn climate_change_is_an_issue_or_its_irrelevance_is_stated() {
    let mut c = ready();
    c.issues[0].category = Some(IssueCategory::Environmental);
    let c = c.validate().unwrap();
    assert!(!c.has_climate_issue());
    // A draft may be saved without it; review may not start.
    assert_eq!(c.ready_for_review().unwrap_err().field, "climate_statement");
    let stated = ContextContent {
        climate_statement: "All processing runs on a supplier's carbon-neutral cloud.".into(),
        ..c
    };
    stated.ready_for_review().unwrap();
}

#[test]
fn review_needs_scope_boundaries_issues_parties_and_roles() {
    type Spoil = fn(&mut ContextContent);
    let cases: [(&str, Spoil); 5] = [
        ("scope_statement", |c| c.scope_statement.clear()),
        ("boundaries", |c| c.boundaries.clear()),
        ("issues", |c| c.issues.clear()),
        ("parties", |c| c.parties.clear()),
        ("ai_roles", |c| c.ai_roles.clear()),
    ];
    for (field, spoil) in cases {
        let mut c = ready().validate().unwrap();
        spoil(&mut c);
        assert_eq!(c.ready_for_review().unwrap_err().field, field);
    }
}

#[test]
fn the_fingerprint_hashes_the_documented_text_and_changes_with_any_field() {
    let org: OrgId = "0192f0a0-0000-7000-8000-000000000001".parse().unwrap();
    let c = ready().validate().unwrap();
    let systems = vec![ScopedSystem {
        id: "0192f0a0-0000-7000-8000-000000000002".parse().unwrap(),
        name: "Credit scoring".into(),
    }];
    let text = canonical_text(&c, &systems);
    assert!(
        text.contains(
            "[sites]\nLisbon | in scope\nMadrid | out of scope | Sales office \\| no AI\n"
        )
    );
    assert!(text.contains(
        "[issues]\nexternal | climate_change | Energy use of inference | Cost and reporting\n"
    ));
    assert!(text.ends_with(
        "[AI systems in scope]\n0192f0a0-0000-7000-8000-000000000002 | Credit scoring\n"
    ));
    let expected = sha256_hex(&format!("aims-context-v1\n{org}\n2\n{text}"));
    assert_eq!(fingerprint(org, 2, &c, &systems), expected);
    assert_ne!(fingerprint(org, 3, &c, &systems), expected);
    assert_ne!(fingerprint(org, 2, &c, &[]), expected);
    let mut other = c;
    other.parties[0].addressed = false;
    assert_ne!(fingerprint(org, 2, &other, &systems), expected);
}

#[test]
fn a_prose_line_cannot_pass_for_a_section_heading() {
    let c = ContextContent {
        scope_statement: "[sites]\nx".into(),
        ..Default::default()
    };
    assert!(canonical_text(&c, &[]).starts_with("[scope statement]\n\\[sites]\nx\n[boundaries]"));
}

#[test]
fn the_comparison_shows_a_changed_row_in_its_section() {
    let old = ready().validate().unwrap();
    let mut new = old.clone();
    new.exclusions[0].reason = "Rules-based only".into();
    let diff = compare((&old, &[]), (&new, &[]));
    assert_eq!(diff.counts(), (1, 1));
    let changed: Vec<&DiffLine> = diff
        .lines
        .iter()
        .filter(|l| !matches!(l, DiffLine::Same(_)))
        .collect();
    assert_eq!(
        changed,
        vec![
            &DiffLine::Removed("Marketing analytics | No AI system".into()),
            &DiffLine::Added("Marketing analytics | Rules-based only".into()),
        ]
    );
    assert_eq!(compare((&old, &[]), (&old, &[])).counts(), (0, 0));
}
