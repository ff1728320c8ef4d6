//! `aims catalog ...`: the framework catalogues from the command line.

use crate::process::{aims, data_dir, ok};

#[test]
fn catalogues_can_be_listed_shown_and_searched() {
    let dir = data_dir();
    let list: serde_json::Value = serde_json::from_str(&ok(aims(
        &dir,
        &["catalog", "list", "--format", "json"],
        None,
    )))
    .unwrap();
    let keys: Vec<&str> = list
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["key"].as_str().unwrap())
        .collect();
    assert!(
        keys.contains(&"iso-iec-42001@2023") && keys.contains(&"nist-ai-rmf@1.0"),
        "{keys:?}"
    );
    let control = ok(aims(
        &dir,
        &["catalog", "show", "iso-iec-42001", "A.6.2.4"],
        None,
    ));
    assert!(
        control.contains("AI system verification and validation")
            && control.contains("guidance: B.6.2.4"),
        "{control}"
    );
    let hits: serde_json::Value = serde_json::from_str(&ok(aims(
        &dir,
        &[
            "catalog",
            "search",
            "prompt",
            "injection",
            "--format",
            "json",
        ],
        None,
    )))
    .unwrap();
    assert_eq!(hits[0]["item"]["id"], "LLM01");
    let unknown = aims(&dir, &["catalog", "show", "iso-iec-42001", "A.99"], None);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&unknown.stderr).contains("has no item \"A.99\""));
}

#[test]
fn catalogue_mappings_show_paths_and_gaps() {
    let dir = data_dir();
    let answer: serde_json::Value = serde_json::from_str(&ok(aims(
        &dir,
        &[
            "catalog",
            "map",
            "owasp-llm-top10",
            "LLM01",
            "--hops",
            "2",
            "--format",
            "json",
        ],
        None,
    )))
    .unwrap();
    let mappings = answer["mappings"].as_array().unwrap();
    let via = mappings
        .iter()
        .find(|m| m["item"] == "A.8.29")
        .expect("reached through A.6.2.4");
    assert_eq!(via["path"].as_array().unwrap().len(), 2);
    assert_eq!(via["weakest"], "intersects-with");
    assert!(
        mappings
            .iter()
            .all(|m| m["catalogue"] != "owasp-llm-top10@2025"),
        "never back into the starting catalogue"
    );
    let gap = ok(aims(
        &dir,
        &["catalog", "map", "iso-iec-42001", "6.1.4"],
        None,
    ));
    assert!(
        gap.contains("no counterpart in iso-iec-27001@2022"),
        "{gap}"
    );
    assert_eq!(
        aims(
            &dir,
            &["catalog", "map", "iso-iec-42001", "6.1.4", "--hops", "9"],
            None
        )
        .status
        .code(),
        Some(1)
    );
}

#[test]
fn catalogues_export_and_import_as_oscal_and_csv() {
    let dir = data_dir();
    let out = dir.join("42001.oscal.json");
    ok(aims(
        &dir,
        &[
            "catalog",
            "export",
            "iso-iec-42001",
            "--format",
            "oscal",
            "--out",
            out.to_str().unwrap(),
        ],
        None,
    ));
    let summary = ok(aims(
        &dir,
        &["catalog", "import", out.to_str().unwrap()],
        None,
    ));
    assert!(
        summary.contains("valid") && summary.contains("70 requirements"),
        "{summary}"
    );
    let csv = ok(aims(
        &dir,
        &["catalog", "export", "owasp-llm-top10", "--format", "csv"],
        None,
    ));
    assert_eq!(csv.lines().count(), 11);
    assert!(
        csv.lines()
            .nth(1)
            .unwrap()
            .starts_with("LLM01,,risk,Prompt Injection,\"")
    );
    let mapping: serde_json::Value = serde_json::from_str(&ok(aims(
        &dir,
        &["catalog", "export", "iso-iec-42001-to-iso-iec-27001"],
        None,
    )))
    .unwrap();
    assert!(
        mapping["mapping-collection"]["mappings"][0]["maps"]
            .as_array()
            .unwrap()
            .len()
            > 50
    );
    std::fs::write(dir.join("broken.json"), "{\"catalog\": {\"metadata\": {}}}").unwrap();
    let refused = aims(
        &dir,
        &[
            "catalog",
            "import",
            dir.join("broken.json").to_str().unwrap(),
        ],
        None,
    );
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("metadata.title and metadata.version are required")
    );
}

#[test]
fn catalogue_versions_can_be_compared() {
    let dir = data_dir();
    let shipped = ok(aims(
        &dir,
        &["catalog", "export", "owasp-llm-top10", "--format", "yaml"],
        None,
    ));
    let next = shipped
        .replace("version: \"2025\"", "version: \"2026\"")
        .replace(
            "title: Misinformation",
            "title: Misinformation and Hallucination",
        )
        .replace("count: 10", "count: 11")
        + "  - id: \"LLM11\"\n    kind: risk\n    title: Agent Hijacking\n    description: An agent is steered into acting for someone else.\n    requirement: true\n";
    let file = dir.join("owasp-2026.yaml");
    std::fs::write(&file, next).unwrap();
    let answer: serde_json::Value = serde_json::from_str(&ok(aims(
        &dir,
        &[
            "catalog",
            "diff",
            "owasp-llm-top10",
            file.to_str().unwrap(),
            "--format",
            "json",
        ],
        None,
    )))
    .unwrap();
    assert_eq!(answer["added"], serde_json::json!(["LLM11"]));
    assert_eq!(answer["removed"], serde_json::json!([]));
    assert_eq!(answer["changed"][0]["id"], "LLM09");
    assert_eq!(answer["changed"][0]["renamed"], true);

    // With --org, the diff is traced to the organisation's records too.
    let org = ok(aims(&dir, &["admin", "create-org", "--name", "Acme"], None))
        .trim()
        .to_owned();
    let traced = ok(aims(
        &dir,
        &[
            "catalog",
            "diff",
            "owasp-llm-top10",
            file.to_str().unwrap(),
            "--org",
            &org,
        ],
        None,
    ));
    assert!(
        traced.contains("renamed") && traced.contains("nothing in this organisation's records"),
        "{traced}"
    );
}

#[test]
fn a_csv_of_the_organisations_own_framework_is_checked() {
    let dir = data_dir();
    let file = dir.join("acme.csv");
    std::fs::write(&file, "id,parent,kind,title,description\nP,,group,Principles,What Acme holds to.\nP1,P,,Human review,\"A person reviews every automated refusal, always.\"\n").unwrap();
    let summary = ok(aims(
        &dir,
        &[
            "catalog",
            "import",
            file.to_str().unwrap(),
            "--id",
            "acme-ai-policy",
            "--title",
            "Acme AI policy",
        ],
        None,
    ));
    assert!(
        summary.contains("Acme AI policy version 1, valid") && summary.contains("1 requirements"),
        "{summary}"
    );
    let missing = aims(&dir, &["catalog", "import", file.to_str().unwrap()], None);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("needs --id and --title"));
    std::fs::write(&file, "id,title,description\nX,Same,Same\n").unwrap();
    let refused = aims(
        &dir,
        &[
            "catalog",
            "import",
            file.to_str().unwrap(),
            "--id",
            "x",
            "--title",
            "X",
        ],
        None,
    );
    assert!(
        String::from_utf8_lossy(&refused.stderr)
            .contains("acme.csv:2: X: the description only repeats the title")
    );
}

#[test]
fn an_import_with_org_is_stored_for_that_organisation_once() {
    let dir = data_dir();
    let org = ok(aims(&dir, &["admin", "create-org", "--name", "Acme"], None))
        .trim()
        .to_owned();
    let file = dir.join("acme.csv");
    std::fs::write(
        &file,
        "id,title,description\nP1,Human review,A person reviews every automated refusal.\n",
    )
    .unwrap();
    let args = [
        "catalog",
        "import",
        file.to_str().unwrap(),
        "--id",
        "acme-ai-policy",
        "--title",
        "Acme AI policy",
        "--org",
        &org,
    ];
    let stored = ok(aims(&dir, &args, None));
    assert!(
        stored.contains("imported catalogue acme-ai-policy@1 (Acme AI policy), 1 entries"),
        "{stored}"
    );
    let again = aims(&dir, &args, None);
    assert_eq!(again.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&again.stderr).contains("already imported"),
        "{}",
        String::from_utf8_lossy(&again.stderr)
    );

    // A shipped framework exported and read back is taken only under another version.
    let export = dir.join("42001.json");
    ok(aims(
        &dir,
        &[
            "catalog",
            "export",
            "iso-iec-42001",
            "--format",
            "oscal",
            "--out",
            export.to_str().unwrap(),
        ],
        None,
    ));
    let shipped = aims(
        &dir,
        &["catalog", "import", export.to_str().unwrap(), "--org", &org],
        None,
    );
    assert!(
        String::from_utf8_lossy(&shipped.stderr).contains("ships with aims"),
        "{}",
        String::from_utf8_lossy(&shipped.stderr)
    );
    let next = ok(aims(
        &dir,
        &[
            "catalog",
            "import",
            export.to_str().unwrap(),
            "--version",
            "2027",
            "--org",
            &org,
        ],
        None,
    ));
    assert!(next.contains("iso-iec-42001@2027"), "{next}");
}
