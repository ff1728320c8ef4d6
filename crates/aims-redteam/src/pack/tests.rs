use std::collections::BTreeSet;

use super::*;

const PACK: &str = r#"
pack: sample
version: 2
title: Sample
description: A pack for tests.
category: prompt-injection
taxonomy:
  owasp: [LLM01]
probes:
  - id: sample.first
    title: First
    description: The first probe.
    severity: high
    system: "secret {canary}"
    prompts: ["say {canary}"]
    detectors:
      - kind: canary
"#;

#[test]
fn shipped_packs_load_and_cover_the_issue_s_families() {
    let library = ProbeLibrary::shipped().unwrap();
    let categories: BTreeSet<String> = library.probes().into_iter().map(|p| p.category).collect();
    for family in [
        "prompt-injection",
        "indirect-injection",
        "jailbreak",
        "system-prompt-leakage",
        "sensitive-information-disclosure",
        "improper-output-handling",
        "excessive-agency",
        "misinformation",
        "unbounded-consumption",
    ] {
        assert!(categories.contains(family), "no probes for {family}");
    }
    let probes = library.probes();
    assert!(
        probes
            .iter()
            .any(|p| matches!(p.probe.prompts[0], Prompt::Script { .. })),
        "no multi-turn script"
    );
    for probe in &probes {
        assert!(
            !probe.taxonomy.owasp.is_empty(),
            "{} lacks OWASP",
            probe.probe.id
        );
        assert!(
            !probe.taxonomy.atlas.is_empty(),
            "{} lacks ATLAS",
            probe.probe.id
        );
        assert!(
            !probe.taxonomy.iso42001.is_empty(),
            "{} lacks ISO/IEC 42001",
            probe.probe.id
        );
        assert!(
            !probe.taxonomy.eu_ai_act.is_empty(),
            "{} lacks EU AI Act",
            probe.probe.id
        );
    }
}

#[test]
fn a_user_pack_adds_to_the_shipped_ones() {
    let mut library = ProbeLibrary::shipped().unwrap();
    let before = library.probes().len();
    library.add("sample.yaml", PACK).unwrap();
    assert_eq!(library.probes().len(), before + 1);
    let probe = library.probe("sample.first").unwrap();
    assert_eq!(probe.pack_version, 2);
    assert_eq!(probe.taxonomy.owasp, ["LLM01"]);
}

fn error_of(text: &str) -> String {
    ProbeLibrary::default()
        .add("bad.yaml", text)
        .unwrap_err()
        .to_string()
}

#[test]
fn broken_packs_are_refused_with_file_line_and_probe() {
    let err = error_of(&PACK.replace("id: sample.first", "id: other.first"));
    assert!(
        err.starts_with("bad.yaml: line 10: probe other.first"),
        "{err}"
    );
    let err = error_of(&PACK.replace("owasp: [LLM01]", "owasp: [LLM11]"));
    assert!(err.contains("LLM11") && err.contains("line"), "{err}");
    let err = error_of(
        &PACK
            .replace("    system: \"secret {canary}\"\n", "")
            .replace("say {canary}", "say hi"),
    );
    assert!(err.contains("plants no {canary}"), "{err}");
    let err = error_of(&PACK.replace(
        "      - kind: canary",
        "      - kind: regex\n        pattern: \"(unclosed\"",
    ));
    assert!(err.contains("regex detector"), "{err}");
    let err = error_of(&PACK.replace("kind: canary", "kind: telepathy"));
    assert!(err.contains("telepathy"), "{err}");
    let err = error_of(&PACK.replace("severity: high", "severity: dire"));
    assert!(err.contains("dire"), "{err}");
}

#[test]
fn a_probe_id_may_not_repeat_across_packs() {
    let mut library = ProbeLibrary::default();
    library.add("a.yaml", PACK).unwrap();
    // The same pack under another version still repeats its probes' ids.
    let second = PACK.replace("version: 2", "version: 3");
    let err = library.add("b.yaml", &second).unwrap_err().to_string();
    assert!(err.contains("loaded twice"), "{err}");
}
