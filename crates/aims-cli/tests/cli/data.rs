//! Backup, restore, moving between engines, and the demo organisation.

use std::path::Path;

use crate::process::{Served, aims, data_dir, ok};

fn seed(dir: &Path) -> String {
    let org = ok(aims(
        dir,
        &["admin", "create-org", "--name", "Acme ✓"],
        None,
    ))
    .trim()
    .to_owned();
    ok(aims(
        dir,
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
        dir,
        &[
            "admin",
            "create-token",
            "--email",
            "ada@acme.example",
            "--org",
            &org,
            "--name",
            "ci",
        ],
        None,
    ));
    std::fs::create_dir_all(dir.join("blobs/ab")).unwrap();
    std::fs::write(dir.join("blobs/ab/cdef"), b"an evidence file").unwrap();
    org
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_moves_everything_from_sqlite_to_postgres_and_back_exactly() {
    let source = data_dir();
    seed(&source);
    let first = source.join("first.tar.gz");
    let out = ok(aims(
        &source,
        &["backup", "--out", first.to_str().unwrap()],
        None,
    ));
    assert!(out.contains("wrote") && out.contains("rows"), "{out}");

    let Some(database) = aims_store::testing::pg_database().await else {
        return;
    };
    let pg = database.url();
    let via_pg = data_dir();
    let restored = ok(aims(
        &via_pg,
        &["--database-url", pg, "restore", first.to_str().unwrap()],
        None,
    ));
    assert!(
        restored.contains("restored") && restored.contains("1 blobs"),
        "{restored}"
    );
    assert_eq!(
        std::fs::read(via_pg.join("blobs/ab/cdef")).unwrap(),
        b"an evidence file"
    );
    assert_eq!(
        aims(&via_pg, &["--database-url", pg, "verify-audit"], None)
            .status
            .code(),
        Some(0)
    );
    let second = via_pg.join("second.tar.gz");
    ok(aims(
        &via_pg,
        &[
            "--database-url",
            pg,
            "backup",
            "--out",
            second.to_str().unwrap(),
        ],
        None,
    ));

    let back = data_dir();
    ok(aims(&back, &["restore", second.to_str().unwrap()], None));
    let third = back.join("third.tar.gz");
    ok(aims(
        &back,
        &["backup", "--out", third.to_str().unwrap()],
        None,
    ));

    let (a, blobs_a) = aims_store::backup::read_archive(&first).unwrap();
    let (b, _) = aims_store::backup::read_archive(&second).unwrap();
    let (c, blobs_c) = aims_store::backup::read_archive(&third).unwrap();
    assert_eq!(a, b, "SQLite to PostgreSQL keeps every value");
    assert_eq!(a, c, "and back again");
    assert_eq!(blobs_a, blobs_c);
    assert!(
        a.tables
            .iter()
            .any(|t| t.table == "audit_events" && t.rows.len() >= 3)
    );

    // A restore never mixes archives: into a database with data it refuses, and changes nothing.
    let again = aims(&back, &["restore", first.to_str().unwrap()], None);
    assert_eq!(again.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&again.stderr).contains("restore needs an empty database"));
}

#[test]
fn a_damaged_archive_is_refused_naming_the_problem() {
    let dir = data_dir();
    seed(&dir);
    let archive = dir.join("a.tar.gz");
    ok(aims(
        &dir,
        &["backup", "--out", archive.to_str().unwrap()],
        None,
    ));
    let mut bytes = std::fs::read(&archive).unwrap();
    bytes.truncate(bytes.len() / 2);
    std::fs::write(&archive, &bytes).unwrap();
    let target = data_dir();
    let refused = aims(&target, &["restore", archive.to_str().unwrap()], None);
    assert_eq!(refused.status.code(), Some(1));
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("reading"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let missing = aims(&target, &["restore", "/nonexistent/archive.tar.gz"], None);
    assert!(String::from_utf8_lossy(&missing.stderr).contains("opening the archive"));
}

#[test]
fn the_demo_organisation_is_created_once_and_its_credentials_shown_each_time() {
    let dir = data_dir();
    let (setup, _) = Served::start(&dir, &[], &[], &[]).stop();
    assert!(
        setup.contains("/setup?token="),
        "an empty database offers setup: {setup}"
    );
    let (first, _) = Served::start(&dir, &[], &["--demo"], &[]).stop();
    let (second, _) = Served::start(&dir, &[], &["--demo"], &[]).stop();
    assert!(first.contains("Demo organisation created"), "{first}");
    assert!(second.contains("Demo organisation ready"), "{second}");
    let password = |out: &str| {
        out.lines()
            .find_map(|l| l.trim().strip_prefix("password: "))
            .map(str::to_owned)
    };
    assert!(password(&first).is_some());
    assert_eq!(password(&first), password(&second));
    let orgs = ok(aims(&dir, &["verify-audit"], None));
    assert!(
        orgs.contains("1 organisation(s) checked"),
        "only one demo organisation: {orgs}"
    );
}

/// `aims worker` runs beside the servers on PostgreSQL: it takes the purge job, runs it,
/// queues the next one, and stops cleanly when asked.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_separate_worker_runs_jobs_on_postgres() {
    let Some(database) = aims_store::testing::pg_database().await else {
        return;
    };
    let url = database.url();
    let dir = data_dir();
    ok(aims(&dir, &["--database-url", url, "migrate"], None));
    let mut worker = std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
        .arg("--data-dir")
        .arg(&dir)
        .args(["--database-url", url, "worker"])
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let store = aims_store::Store::connect(url).await.unwrap();
    let started = std::time::Instant::now();
    let done_purges = loop {
        let done = aims_store::testing::execute_raw(
            &store,
            "UPDATE jobs SET state = state WHERE state = 'done' AND kind = 'purge_expired'",
        )
        .await
        .unwrap();
        if done > 0 || started.elapsed() > std::time::Duration::from_secs(20) {
            break done;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
    };
    assert_eq!(done_purges, 1, "the worker ran the purge job");
    let next_purges = aims_store::testing::execute_raw(
        &store,
        "UPDATE jobs SET state = state WHERE state = 'queued' AND kind = 'purge_expired'",
    )
    .await
    .unwrap();
    assert_eq!(next_purges, 1, "and queued the next one");
    // Beside it, the evidence reminders keep themselves scheduled.
    let reminders = aims_store::testing::execute_raw(
        &store,
        "UPDATE jobs SET state = state WHERE kind = 'evidence_reminders' AND state IN ('queued', 'running', 'done')",
    )
    .await
    .unwrap();
    assert!(reminders >= 1, "the reminder job was scheduled");
    std::process::Command::new("kill")
        .arg("-TERM")
        .arg(worker.id().to_string())
        .status()
        .unwrap();
    let exit = worker.wait().unwrap();
    assert!(
        exit.success(),
        "the worker stops cleanly on SIGTERM: {exit:?}"
    );
}

#[cfg(unix)]
#[test]
fn the_data_folder_database_blobs_and_backups_are_private() {
    use std::os::unix::fs::PermissionsExt;
    let mode = |path: &Path| std::fs::metadata(path).unwrap().permissions().mode() & 0o777;
    let dir = data_dir();
    // An earlier version left the folder and an evidence file readable by everyone.
    std::fs::set_permissions(&dir, std::fs::Permissions::from_mode(0o755)).unwrap();
    seed(&dir);
    let archive = dir.join("backup.tar.gz");
    ok(aims(
        &dir,
        &["backup", "--out", archive.to_str().unwrap()],
        None,
    ));
    assert_eq!(mode(&dir), 0o700);
    assert_eq!(mode(&dir.join("aims.db")), 0o600);
    assert_eq!(mode(&archive), 0o600);
    // Restored blobs are created private too.
    let target = data_dir();
    ok(aims(&target, &["restore", archive.to_str().unwrap()], None));
    assert_eq!(mode(&target.join("aims.db")), 0o600);
    assert_eq!(mode(&target.join("blobs")), 0o700);
    assert_eq!(mode(&target.join("blobs/ab/cdef")), 0o600);
}

/// Runs `aims ARGS` and waits for it; its output and the most memory it held (bytes).
#[cfg(unix)]
#[allow(clippy::zombie_processes)] // waited for with wait4, to read its resource usage
#[allow(unsafe_code)]
fn aims_with_peak_memory(dir: &Path, args: &[&str]) -> (std::process::ExitStatus, String, u64) {
    use std::os::unix::process::ExitStatusExt;
    let child = std::process::Command::new(env!("CARGO_BIN_EXE_aims"))
        .arg("--data-dir")
        .arg(dir)
        .args(args)
        .env_remove("AIMS_DATABASE_URL")
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let pid = child.id() as libc::pid_t;
    let mut stderr = child.stderr.unwrap();
    let reading = std::thread::spawn(move || {
        let mut text = String::new();
        std::io::Read::read_to_string(&mut stderr, &mut text).unwrap();
        text
    });
    let mut status = 0;
    // SAFETY: a zeroed rusage is a valid value for wait4 to fill in.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: waits for our own child, writing into the two locals above.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid);
    let peak = usage.ru_maxrss as u64 * 1024;
    (
        std::process::ExitStatus::from_raw(status),
        reading.join().unwrap(),
        peak,
    )
}

#[cfg(unix)]
#[test]
fn a_decompression_bomb_is_refused_in_bounded_memory() {
    use sha2::Digest;
    use std::io::Read;
    // One "row" of 300 MiB that compresses to a few hundred KiB: a restore that read a part
    // into memory would hold all of it.
    let size: u64 = 300 * 1024 * 1024;
    let mut hasher = sha2::Sha256::new();
    let mut chunk = vec![b'a'; 1024 * 1024];
    let mut left = size;
    while left > 0 {
        let n = left.min(chunk.len() as u64) as usize;
        hasher.update(&chunk[..n]);
        left -= n as u64;
    }
    chunk.clear();
    let sha: String = hasher
        .finalize()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    let manifest = serde_json::json!({
        "format": "aims-backup", "format_version": 1,
        "schema_version": aims_store::backup::schema_version(), "aims_version": "0",
        "parts": [{"path": "tables/organisations.jsonl", "sha256": sha, "bytes": size}],
    })
    .to_string();
    let dir = data_dir();
    let bomb = dir.join("bomb.tar.gz");
    let file = std::fs::File::create(&bomb).unwrap();
    let mut tar = tar::Builder::new(flate2::write::GzEncoder::new(
        file,
        flate2::Compression::fast(),
    ));
    let mut append = |path: &str, size: u64, data: &mut dyn Read| {
        let mut header = tar::Header::new_gnu();
        header.set_size(size);
        header.set_mode(0o600);
        header.set_cksum();
        tar.append_data(&mut header, path, data).unwrap();
    };
    append(
        "manifest.json",
        manifest.len() as u64,
        &mut manifest.as_bytes(),
    );
    append(
        "tables/organisations.jsonl",
        size,
        &mut std::io::repeat(b'a').take(size),
    );
    tar.into_inner().unwrap().finish().unwrap();
    assert!(std::fs::metadata(&bomb).unwrap().len() < 4 * 1024 * 1024);

    let target = data_dir();
    let (status, stderr, peak) =
        aims_with_peak_memory(&target, &["restore", bomb.to_str().unwrap()]);
    assert!(!status.success());
    assert!(stderr.contains("longer than any row may be"), "{stderr}");
    assert!(
        peak < 200 * 1024 * 1024,
        "the restore held {} MiB at its peak",
        peak / 1024 / 1024
    );
}
