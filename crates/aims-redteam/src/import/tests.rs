use super::*;

#[test]
fn owasp_2023_tags_translate_to_2025() {
    assert_eq!(owasp_2023_to_2025("llm01"), ["LLM01"]);
    assert_eq!(owasp_2023_to_2025("LLM02"), ["LLM05"]);
    assert_eq!(owasp_2023_to_2025("llm06"), ["LLM02"]);
    assert_eq!(owasp_2023_to_2025("llm09"), ["LLM09"]);
    assert!(owasp_2023_to_2025("llm11").is_empty());
}

#[test]
fn formats_are_told_apart_and_nonsense_refused() {
    assert_eq!(
        detect("{\"entry_type\": \"init\"}\n"),
        Some(ReportFormat::Garak)
    );
    assert_eq!(
        detect("{\"results\": {\"results\": []}}"),
        Some(ReportFormat::Promptfoo)
    );
    assert_eq!(detect("{\"hello\": 1}"), None);
    assert_eq!(detect("not json"), None);
}

#[test]
fn a_garak_attempt_without_detection_is_an_error_not_a_pass() {
    let report = concat!(
        "{\"entry_type\": \"init\", \"garak_version\": \"0.17.1\", \"run\": \"r\", \"start_time\": \"t\"}\n",
        "{\"entry_type\": \"attempt\", \"uuid\": \"u1\", \"status\": 1, \"probe_classname\": \"dan.Dan\", \"prompt\": {\"turns\": []}, \"outputs\": [{\"text\": \"hi\"}], \"detector_results\": {}}\n",
        "{\"entry_type\": \"attempt\", \"uuid\": \"u2\", \"status\": 2, \"probe_classname\": \"dan.Dan\", \"prompt\": {\"turns\": []}, \"outputs\": [{\"text\": \"a\"}, {\"text\": \"b\"}], \"detector_results\": {\"dan.DAN\": [0.9, 0.1]}}\n",
    );
    let contents = from_garak("r.jsonl", report).unwrap();
    let outcomes: Vec<_> = contents
        .attempts
        .iter()
        .map(|a| (a.id.as_str(), a.outcome))
        .collect();
    use crate::result::Outcome::*;
    assert_eq!(outcomes, [("u1", Error), ("u2#0", Fail), ("u2#1", Pass)]);
    let err = from_garak("r.jsonl", "{\"entry_type\": \"attempt\"}\n")
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("r.jsonl: line 1: attempt without uuid"),
        "{err}"
    );
}
