use super::*;
use crate::model::{IncidentCase, ReportingDeadline};

const HEADER: &str = r#"framework:
  id: test
  version: "1"
  title: A test framework
  short_name: Test 1
  publisher: Us
  published: 2026-01-01
  source: https://example.org
  licence: ours
  original_text_included: false
  counts:
    - kind: control
      count: 2
items:
"#;

fn with_items(items: &str) -> String {
    format!("{HEADER}{items}")
}

const GOOD: &str = r#"  - id: "A"
    kind: group
    title: Group A
    description: Everything about A.
  - id: "A.1"
    parent: "A"
    kind: control
    title: First
    description: Do the first thing well.
    requirement: true
  - id: "A.2"
    parent: "A"
    kind: control
    title: Second
    description: Do the second thing as well.
    requirement: true
"#;

#[test]
fn a_good_file_loads_with_lines() {
    let catalogue = parse_catalogue("t.yaml", &with_items(GOOD)).unwrap();
    assert_eq!(catalogue.items.len(), 3);
    assert_eq!(catalogue.item("A.1").unwrap().line, 19);
    assert_eq!(catalogue.children(Some("A")).count(), 2);
    assert_eq!(catalogue.key(), "test@1");
}

#[test]
fn a_duplicate_id_is_named_with_its_line() {
    let text = with_items(&GOOD.replace("\"A.2\"", "\"A.1\""));
    let err = parse_catalogue("t.yaml", &text).unwrap_err();
    assert_eq!((err.line, err.id.as_deref()), (Some(25), Some("A.1")));
    assert_eq!(
        err.to_string(),
        "t.yaml:25: A.1: duplicate id (first on line 19)"
    );
}

#[test]
fn a_missing_parent_a_cycle_and_a_wrong_count_are_refused() {
    let orphan = with_items(&GOOD.replace(
        "parent: \"A\"\n    kind: control\n    title: Second",
        "parent: \"B\"\n    kind: control\n    title: Second",
    ));
    assert_eq!(
        parse_catalogue("t.yaml", &orphan).unwrap_err().message,
        "its parent B does not exist"
    );
    let cycle = with_items(&GOOD.replace(
        "  - id: \"A\"\n    kind: group",
        "  - id: \"A\"\n    parent: \"A.1\"\n    kind: group",
    ));
    assert_eq!(
        parse_catalogue("t.yaml", &cycle).unwrap_err().message,
        "its parents form a cycle"
    );
    let three = with_items(&GOOD.replace("kind: group", "kind: control"));
    assert_eq!(
        parse_catalogue("t.yaml", &three).unwrap_err().message,
        "3 control item(s) found, 2 published"
    );
}

#[test]
fn descriptions_must_say_something_of_their_own() {
    let empty = with_items(&GOOD.replace("Do the first thing well.", "\"\""));
    assert_eq!(
        parse_catalogue("t.yaml", &empty).unwrap_err().message,
        "the description must not be empty"
    );
    let echo = with_items(&GOOD.replace("Do the first thing well.", "first."));
    let err = parse_catalogue("t.yaml", &echo).unwrap_err();
    assert_eq!(
        (err.id.as_deref(), err.message.as_str()),
        (Some("A.1"), "the description only repeats the title")
    );
}

#[test]
fn original_text_needs_the_framework_to_say_so() {
    let text = with_items(&GOOD.replace(
        "    requirement: true\n  - id: \"A.2\"",
        "    requirement: true\n    text: The publisher's words.\n  - id: \"A.2\"",
    ));
    assert!(
        parse_catalogue("t.yaml", &text)
            .unwrap_err()
            .message
            .contains("original text")
    );
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let text = with_items(&GOOD.replace(
        "    kind: control\n    title: Second",
        "    kind: control\n    title: [Second",
    ));
    let err = parse_catalogue("broken.yaml", &text).unwrap_err();
    assert_eq!(err.file, "broken.yaml");
    assert!(err.line.is_some(), "{err}");
    let unknown =
        with_items(&GOOD.replace("    title: First", "    title: First\n    colour: blue"));
    assert!(
        parse_catalogue("t.yaml", &unknown)
            .unwrap_err()
            .to_string()
            .contains("colour")
    );
}

#[test]
fn a_reporting_period_is_read_and_one_out_of_range_is_refused() {
    let period = |days: &str| {
        GOOD.replace(
            "    description: Do the second thing as well.\n",
            &format!(
                "    description: Do the second thing as well.\n    reporting_deadline:\n      days: {days}\n      case: death\n"
            ),
        )
    };
    let catalogue = parse_catalogue("t.yaml", &with_items(&period("10"))).unwrap();
    assert_eq!(
        catalogue.item("A.2").unwrap().reporting_deadline,
        Some(ReportingDeadline {
            days: 10,
            case: IncidentCase::Death
        })
    );
    let err = parse_catalogue("t.yaml", &with_items(&period("0"))).unwrap_err();
    assert_eq!(err.id.as_deref(), Some("A.2"));
    assert!(err.to_string().contains("1 to 365 days"), "{err}");
}
