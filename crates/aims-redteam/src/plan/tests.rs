use super::*;
use crate::config::RunConfig;

fn config(extra: &str) -> RunConfig {
    let text = format!("name: t\ntarget: {{kind: command, program: cat}}\n{extra}");
    RunConfig::parse("t.yaml", &text, false).unwrap()
}

#[test]
fn patterns_match_like_globs() {
    assert!(matches_pattern("jailbreak.*", "jailbreak.persona"));
    assert!(matches_pattern("*.persona", "jailbreak.persona"));
    assert!(matches_pattern("j*break.p*a", "jailbreak.persona"));
    assert!(!matches_pattern("jailbreak.*", "prompt-injection.override"));
    assert!(matches_pattern("exact.id", "exact.id"));
    assert!(!matches_pattern("exact.id", "exact.ids"));
}

#[test]
fn converters_multiply_convertible_probes_only() {
    let library = ProbeLibrary::shipped().unwrap();
    let plain = build(
        &config("probes: {include: [prompt-injection.override, misinformation.*]}"),
        &library,
    )
    .unwrap();
    let both = build(
        &config("probes: {include: [prompt-injection.override, misinformation.*]}\nconverters: [none, base64]\nrepeat: 2"),
        &library,
    )
    .unwrap();
    let count = |plan: &Plan, prefix: &str| {
        plan.attempts
            .iter()
            .filter(|a| a.id.starts_with(prefix))
            .count()
    };
    // 4 prompts × 2 converters × 2 repeats; misinformation is not convertible: 4 prompts × 2 repeats.
    assert_eq!(count(&plain, "prompt-injection"), 4);
    assert_eq!(count(&both, "prompt-injection"), 16);
    assert_eq!(count(&both, "misinformation"), 8);
    let encoded = both
        .attempts
        .iter()
        .find(|a| a.id == "prompt-injection.override#0/base64/1")
        .unwrap();
    assert!(
        !encoded.turns[0].contains(&encoded.canary),
        "the canary travels encoded"
    );
}

#[test]
fn plans_repeat_for_a_seed_and_sampling_is_stable() {
    let library = ProbeLibrary::shipped().unwrap();
    let a = build(
        &config("seed: 9\nsample: 10\nconverters: [none, rot13]"),
        &library,
    )
    .unwrap();
    let b = build(
        &config("seed: 9\nsample: 10\nconverters: [none, rot13]"),
        &library,
    )
    .unwrap();
    let c = build(
        &config("seed: 10\nsample: 10\nconverters: [none, rot13]"),
        &library,
    )
    .unwrap();
    let ids = |p: &Plan| p.attempts.iter().map(|a| a.id.clone()).collect::<Vec<_>>();
    assert_eq!(a.attempts.len(), 10);
    assert_eq!(ids(&a), ids(&b));
    assert_eq!(a.fingerprint, b.fingerprint);
    assert_ne!(a.fingerprint, c.fingerprint);
}

#[test]
fn an_empty_selection_and_a_missing_judge_are_errors() {
    let library = ProbeLibrary::shipped().unwrap();
    let err = build(&config("probes: {include: [nothing.*]}"), &library)
        .unwrap_err()
        .to_string();
    assert!(err.contains("matches no probe"), "{err}");
    let mut with_judge = library;
    with_judge
        .add(
            "j.yaml",
            "pack: judged\nversion: 1\ntitle: J\ndescription: J\ncategory: jailbreak\ntaxonomy: {owasp: [LLM01]}\nprobes:\n  - id: judged.one\n    title: One\n    description: One\n    severity: low\n    prompts: [hi]\n    detectors:\n      - {kind: judge, rubric: the answer is rude}\n",
        )
        .unwrap();
    let err = build(&config("probes: {include: [judged.*]}"), &with_judge)
        .unwrap_err()
        .to_string();
    assert!(err.contains("no judge target"), "{err}");
}
