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
fn a_pool_size_of_zero_or_not_a_number_is_refused_before_anything_is_written() {
    let dir = data_dir();
    let create_org_with_pool = |size: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
            .arg("--data-dir")
            .arg(&dir)
            .env("AIMS_DATABASE_MAX_CONNECTIONS", size)
            .args(["admin", "create-org", "--name", "X"])
            .output()
            .unwrap()
    };
    for (value, says) in [
        ("0", "at least 1 connection"),
        ("many", "DATABASE_MAX_CONNECTIONS"),
    ] {
        let out = create_org_with_pool(value);
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(!out.status.success(), "{value} was taken");
        assert!(stderr.contains(says), "{value}: {stderr}");
        assert!(!dir.join("aims.db").exists(), "{value}: nothing is created");
    }
    let sized = create_org_with_pool("2");
    assert!(
        sized.status.success(),
        "{}",
        String::from_utf8_lossy(&sized.stderr)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_worker_signs_heads_and_a_cut_trail_fails_against_them_after_a_key_rotation() {
    let dir = data_dir();
    let org = ok(aims(&dir, &["admin", "create-org", "--name", "Acme"], None))
        .trim()
        .to_owned();
    for email in ["ada@acme.example", "bob@acme.example"] {
        ok(aims(
            &dir,
            &[
                "admin",
                "create-user",
                "--email",
                email,
                "--org",
                &org,
                "--role",
                "owner",
            ],
            Some("correct horse battery\n"),
        ));
    }
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
        .arg("--data-dir")
        .arg(&dir)
        .arg("worker")
        .env_remove("AIMS_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn()
        .unwrap();
    let url = format!("sqlite://{}", dir.join("aims.db").display());
    let pool = sqlx::SqlitePool::connect(&url).await.unwrap();
    let started = std::time::Instant::now();
    while sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM audit_checkpoints")
        .fetch_one(&pool)
        .await
        .unwrap()
        == 0
    {
        assert!(
            started.elapsed().as_secs() < 30,
            "the worker signed nothing"
        );
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    }
    std::process::Command::new("kill")
        .args(["-TERM", &worker.id().to_string()])
        .status()
        .unwrap();
    assert!(worker.wait().unwrap().success());
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let key = std::fs::metadata(dir.join("audit-signing.key")).unwrap();
        assert_eq!(key.permissions().mode() & 0o777, 0o600);
    }

    let head = ok(aims(
        &dir,
        &["verify-audit", "--org", &org, "--export-head"],
        None,
    ));
    let head = head.trim();
    assert!(head.starts_with("aims-audit-head/1"), "{head}");
    let public = ok(aims(&dir, &["audit-key", "show"], None));
    assert!(public.starts_with("ed25519:"), "{public}");
    // After a rotation the old key's checkpoints still verify.
    let rotated = ok(aims(&dir, &["audit-key", "rotate"], None));
    assert_ne!(rotated.lines().next(), public.lines().next());
    let intact = ok(aims(&dir, &["verify-audit"], None));
    assert!(intact.contains("1 checkpoint(s) verified"), "{intact}");
    ok(aims(&dir, &["verify-audit", "--against", head], None));

    // Someone with the database drops the guard and cuts the trail's last event.
    sqlx::raw_sql("DROP TRIGGER audit_events_no_update; DROP TRIGGER audit_events_no_delete;")
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("DELETE FROM audit_events WHERE org_id = ? AND seq = (SELECT MAX(seq) FROM audit_events WHERE org_id = ?)")
        .bind(&org)
        .bind(&org)
        .execute(&pool)
        .await
        .unwrap();
    let cut = aims(&dir, &["verify-audit"], None);
    assert_eq!(cut.status.code(), Some(1));
    let text = String::from_utf8_lossy(&cut.stdout);
    assert!(text.contains("BROKEN") && text.contains("cut"), "{text}");
    let against = aims(&dir, &["verify-audit", "--against", head], None);
    assert_eq!(against.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&against.stdout).contains("cut"));
}

/// What `aims` prints when its database cannot be opened: one line, each cause once, with
/// what to check, rather than a pool's timeout after retrying.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_that_cannot_be_opened_is_explained_once() {
    let dir = data_dir();
    let closed = {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.local_addr().unwrap().port()
    };
    let mut cases = vec![
        (
            format!("postgres://postgres@127.0.0.1:{closed}/aims"),
            "connection refused",
        ),
        (
            format!("sqlite://{}/no/such/folder/aims.db?mode=rwc", dir.display()),
            "check that its folder exists",
        ),
    ];
    if let Some(database) = aims_store::testing::pg_database().await {
        let missing = format!("{}_missing", database.url());
        cases.push((missing, "does not exist; create it"));
    }
    for (url, expected) in cases {
        let out = aims(&dir, &["--database-url", &url, "migrate"], None);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let line = stderr
            .lines()
            .find(|l| l.starts_with("error: "))
            .unwrap_or_default();
        assert!(!out.status.success(), "{url}: {stderr}");
        assert!(line.contains(expected), "{url}: {stderr}");
        assert_eq!(line.matches(expected).count(), 1, "said once: {line}");
        assert!(!line.contains("at line"), "no server source lines: {line}");
        // The cause itself, not the pool's "timed out" after retrying it for seconds.
        assert!(!line.contains("timed out"), "{line}");
    }
}
