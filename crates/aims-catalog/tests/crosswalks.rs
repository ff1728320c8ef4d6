//! Crosswalks load with every end checked, and the mapping engine answers directly or through
//! several hops, always showing the path and its weakest relation.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use aims_catalog::{Library, Relation, parse_catalogue, parse_crosswalk, shipped};

#[test]
fn direct_mappings_come_with_relation_and_rationale() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    let direct: Vec<_> = library
        .map(iso, "6.1.2", 1)
        .into_iter()
        .filter(|r| r.node.0 == "iso-iec-27001@2022")
        .collect();
    assert_eq!(direct.len(), 1);
    assert_eq!(
        direct[0].node,
        ("iso-iec-27001@2022".to_owned(), "6.1.2".to_owned())
    );
    assert_eq!(direct[0].relation, Relation::Intersects);
    assert!(!direct[0].path[0].rationale.is_empty());
    // The same mapping read from the other side.
    let back = library.map(library.catalogue("iso-iec-27001").unwrap(), "A.8.29", 1);
    assert!(back.iter().any(|r| r.node.1 == "A.6.2.4"));
}

#[test]
fn gaps_are_recorded_not_silent() {
    let library = shipped().unwrap();
    let iso = library.catalogue("iso-iec-42001").unwrap();
    assert!(
        library
            .map(iso, "6.1.4", 3)
            .iter()
            .all(|r| r.node.0 != "iso-iec-27001@2022")
    );
    assert!(
        library
            .map(iso, "6.1.4", 1)
            .iter()
            .any(|r| r.node.1 == "art-27"),
        "but the FRIA meets it"
    );
    let gaps = library.gaps(iso, "6.1.4");
    assert_eq!(gaps.len(), 1);
    assert_eq!(gaps[0].0, "iso-iec-27001@2022");
}

#[test]
fn several_hops_show_the_path_and_the_weakest_relation() {
    let library = shipped().unwrap();
    let owasp = library.catalogue("owasp-llm-top10").unwrap();
    let direct = library.map(owasp, "LLM01", 1);
    assert!(
        direct
            .iter()
            .all(|r| r.path.len() == 1 && r.node.0 == "iso-iec-42001@2023")
    );
    let two = library.map(owasp, "LLM01", 2);
    let testing = two
        .iter()
        .find(|r| r.node == ("iso-iec-27001@2022".to_owned(), "A.8.29".to_owned()))
        .expect("LLM01 → A.6.2.4 → A.8.29");
    assert_eq!(testing.path.len(), 2);
    assert_eq!(testing.path[0].to.1, "A.6.2.4");
    assert_eq!(testing.weakest, Relation::Intersects);
    assert!(two.len() > direct.len());
    // Nearest first, and nothing reported twice.
    assert!(two.windows(2).all(|w| w[0].path.len() <= w[1].path.len()));
    let mut nodes: Vec<_> = two.iter().map(|r| &r.node).collect();
    nodes.sort();
    nodes.dedup();
    assert_eq!(nodes.len(), two.len());
}

const CATALOGUE: &str = r#"framework:
  id: x
  version: "1"
  title: X
  short_name: X
  publisher: Us
  published: 2026-01-01
  source: https://example.org
  licence: ours
  original_text_included: false
  counts: []
items:
  - id: "1"
    kind: control
    title: One
    description: The first control of X.
    requirement: true
"#;

#[test]
fn a_mapping_to_an_unknown_item_names_file_line_and_id() {
    let x = parse_catalogue("x.yaml", CATALOGUE).unwrap();
    let y = parse_catalogue("y.yaml", &CATALOGUE.replace("id: x", "id: y")).unwrap();
    let crosswalk = r#"crosswalk:
  id: x-to-y
  title: X to Y
  source: x@1
  target: y@1
  provenance: test
  status: indicative
mappings:
  - from: "1"
    to: "1"
    relation: equal
    rationale: They ask for the same thing.
  - from: "1"
    to: "2"
    relation: subset
    rationale: Y's second control covers it and more.
"#;
    let parsed = parse_crosswalk("x-to-y.yaml", crosswalk).unwrap();
    let err = Library::new(vec![x.clone(), y.clone()], vec![parsed]).unwrap_err();
    assert_eq!(err.to_string(), "x-to-y.yaml:13: 1: y@1 has no item 2");
    let gap_with_target = crosswalk.replace("relation: subset", "relation: no_relationship");
    let err = parse_crosswalk("x-to-y.yaml", &gap_with_target).unwrap_err();
    assert_eq!(
        (err.line, err.message.as_str()),
        (Some(13), "a gap (no_relationship) names no target")
    );
    let no_reason = crosswalk.replace("Y's second control covers it and more.", "ok");
    assert_eq!(
        parse_crosswalk("x-to-y.yaml", &no_reason)
            .unwrap_err()
            .message,
        "every mapping needs a rationale"
    );
    let unknown_source = crosswalk.replace("source: x@1", "source: z@1");
    let err = Library::new(
        vec![x, y],
        vec![parse_crosswalk("x-to-y.yaml", &unknown_source).unwrap()],
    )
    .unwrap_err();
    assert_eq!(err.message, "source catalogue z@1 is not loaded");
}

#[test]
fn every_principle_of_the_oecd_and_the_uk_code_reaches_iso_42001() {
    let library = shipped().unwrap();
    for framework in ["oecd-ai-principles", "uk-ai-cyber-security-code"] {
        let catalogue = library.catalogue(framework).unwrap();
        for principle in catalogue
            .items
            .iter()
            .filter(|i| i.kind == aims_catalog::ItemKind::Principle)
        {
            let mapped = library
                .map(catalogue, &principle.id, 1)
                .iter()
                .any(|r| r.node.0 == "iso-iec-42001@2023");
            assert!(
                mapped || !library.gaps(catalogue, &principle.id).is_empty(),
                "{framework} {} is neither mapped nor a named gap",
                principle.id
            );
        }
    }
}
