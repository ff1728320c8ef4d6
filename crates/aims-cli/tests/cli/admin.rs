//! `aims admin ...` and `aims verify-audit`, as scripts use them.

use crate::process::{aims, data_dir, ok};

#[test]
fn admin_commands_print_what_scripts_need() {
    let dir = data_dir();
    let org = ok(aims(&dir, &["admin", "create-org", "--name", "Acme"], None))
        .trim()
        .to_owned();
    assert_eq!(org.len(), 36, "an organisation id: {org:?}");
    let user = ok(aims(
        &dir,
        &[
            "admin",
            "create-user",
            "--email",
            "ada@acme.example",
            "--org",
            &org,
            "--role",
            "admin",
        ],
        Some("correct horse battery\n"),
    ));
    assert_eq!(user.trim().len(), 36);
    let token = ok(aims(
        &dir,
        &[
            "admin",
            "create-token",
            "--email",
            "ada@acme.example",
            "--org",
            &org,
            "--name",
            "ci",
            "--role",
            "viewer",
            "--expires-in",
            "30",
        ],
        None,
    ));
    assert!(
        token.starts_with("aims_") && token.trim().lines().count() == 1,
        "the token alone: {token:?}"
    );

    let wider = aims(
        &dir,
        &[
            "admin",
            "create-token",
            "--email",
            "ada@acme.example",
            "--org",
            &org,
            "--name",
            "x",
            "--role",
            "owner",
        ],
        None,
    );
    assert_eq!(wider.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&wider.stderr).contains("role"));
    let short = aims(
        &dir,
        &[
            "admin",
            "create-user",
            "--email",
            "bob@acme.example",
            "--org",
            &org,
            "--role",
            "viewer",
        ],
        Some("short\n"),
    );
    assert!(
        String::from_utf8_lossy(&short.stderr).contains("password: must be at least 12 characters")
    );
    let bad_org = aims(
        &dir,
        &[
            "admin",
            "create-token",
            "--email",
            "ada@acme.example",
            "--org",
            "Acme",
            "--name",
            "x",
        ],
        None,
    );
    assert!(String::from_utf8_lossy(&bad_org.stderr).contains("--org must be an organisation id"));
    let bad_role = aims(
        &dir,
        &[
            "admin",
            "create-user",
            "--email",
            "bob@acme.example",
            "--org",
            &org,
            "--role",
            "root",
        ],
        Some("correct horse battery\n"),
    );
    assert!(String::from_utf8_lossy(&bad_role.stderr).contains("role: must be one of"));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn verify_audit_names_the_first_event_that_does_not_verify() {
    let dir = data_dir();
    let org = ok(aims(&dir, &["admin", "create-org", "--name", "Acme"], None))
        .trim()
        .to_owned();
    ok(aims(
        &dir,
        &[
            "admin",
            "create-user",
            "--email",
            "ada@acme.example",
            "--org",
            &org,
            "--role",
            "owner",
        ],
        Some("correct horse battery\n"),
    ));
    ok(aims(
        &dir,
        &[
            "admin",
            "create-user",
            "--email",
            "bob@acme.example",
            "--org",
            &org,
            "--role",
            "viewer",
        ],
        Some("correct horse battery\n"),
    ));
    let other = ok(aims(&dir, &["admin", "create-org", "--name", "Beta"], None))
        .trim()
        .to_owned();
    let intact = aims(&dir, &["verify-audit"], None);
    assert_eq!(intact.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&intact.stdout).contains("all chains intact"));

    // The schema refuses edits to the trail; someone with full access to the database drops
    // that guard and edits one recorded change.
    let url = format!("sqlite://{}", dir.join("aims.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let refused = sqlx::query("UPDATE audit_events SET change = '{}'")
        .execute(&pool)
        .await
        .unwrap_err();
    assert!(refused.to_string().contains("append-only"), "{refused}");
    sqlx::raw_sql("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE audit_events SET change = replace(change, 'viewer', 'owner') WHERE org_id = ? AND seq = 3")
        .bind(&org)
        .execute(&pool)
        .await
        .unwrap();
    let broken = aims(&dir, &["verify-audit"], None);
    assert_eq!(broken.status.code(), Some(1));
    let text = String::from_utf8_lossy(&broken.stdout);
    assert!(
        text.contains("BROKEN") && text.contains("#3") && text.contains("does not match its hash"),
        "{text}"
    );
    assert_eq!(
        aims(&dir, &["verify-audit", "--org", &other], None)
            .status
            .code(),
        Some(0),
        "the other chain is intact"
    );
    let json = aims(
        &dir,
        &["verify-audit", "--org", &org, "--format", "json"],
        None,
    );
    let report: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(report[0]["first_broken"]["seq"], 3);
    assert_eq!(report[0]["verified_events"], 2);

    // Removing an event instead is found just as well.
    sqlx::query("UPDATE audit_events SET change = replace(change, 'owner', 'viewer') WHERE org_id = ? AND seq = 3").bind(&org).execute(&pool).await.unwrap();
    assert_eq!(aims(&dir, &["verify-audit"], None).status.code(), Some(0));
    sqlx::query("DELETE FROM audit_events WHERE org_id = ? AND seq = 2")
        .bind(&org)
        .execute(&pool)
        .await
        .unwrap();
    let removed = aims(&dir, &["verify-audit", "--org", &org], None);
    assert_eq!(removed.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&removed.stdout).contains("#3"),
        "the event after the gap is named"
    );
}

/// Settings: `aims.toml`, overridden by `AIMS_*` variables, overridden by flags.
#[test]
fn settings_come_from_the_file_then_the_environment_then_flags() {
    let root = data_dir();
    let (from_file, from_env, from_flag) = (root.join("file"), root.join("env"), root.join("flag"));
    let config = root.join("aims.toml");
    std::fs::write(
        &config,
        format!("data_dir = {:?}\n", from_file.display().to_string()),
    )
    .unwrap();
    let run = |env: Option<&std::path::Path>, flag: Option<&std::path::Path>| {
        let mut command = std::process::Command::new(env!("CARGO_BIN_EXE_aims"));
        command
            .arg("--config")
            .arg(&config)
            .env_remove("AIMS_DATA_DIR")
            .env_remove("AIMS_DATABASE_URL");
        if let Some(dir) = env {
            command.env("AIMS_DATA_DIR", dir);
        }
        if let Some(dir) = flag {
            command.arg("--data-dir").arg(dir);
        }
        let out = command
            .args(["admin", "create-org", "--name", "X"])
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
    };
    run(None, None);
    assert!(from_file.join("aims.db").exists());
    run(Some(&from_env), None);
    assert!(from_env.join("aims.db").exists());
    run(Some(&from_env), Some(&from_flag));
    assert!(from_flag.join("aims.db").exists());

    std::fs::write(&config, "data_dir = [1, 2]\n").unwrap();
    let broken = std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
        .arg("--config")
        .arg(&config)
        .arg("migrate")
        .output()
        .unwrap();
    assert_eq!(broken.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&broken.stderr).contains("reading the settings"));
}

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
