//! `cargo xtask bench mail`: notification emails through a real SMTP server (our aiosmtpd
//! sink, as the tests use), from a release build of `aims serve` on SQLite. Reports how long
//! an assignment's email takes to reach the server after the change that causes it (p50,
//! p95, worst of 20), and how many emails a second leave when many changes come at once.
//! Figures, not assertions.

use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::bench::{aims, start_with};

/// Assignments whose email latency is measured, one after another.
const LATENCY_SAMPLES: usize = 20;
/// The longest the bench waits for the emails of a burst.
const BURST_LIMIT: Duration = Duration::from_secs(300);

/// The SMTP sink: a child process that writes each message it accepts to a folder.
struct Sink {
    child: Child,
    port: u16,
    folder: PathBuf,
}

impl Drop for Sink {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Sink {
    fn start(root: &Path, dir: &Path) -> anyhow::Result<Sink> {
        let script = root.join("crates/aims-app/tests/support/smtp_sink.py");
        let folder = dir.join("mail");
        std::fs::create_dir_all(&folder)?;
        // Debian's Python carries python3-aiosmtpd; another python3 on PATH may not.
        let python = std::env::var("AIMS_TEST_PYTHON").unwrap_or_else(|_| {
            if Path::new("/usr/bin/python3").exists() {
                "/usr/bin/python3".into()
            } else {
                "python3".into()
            }
        });
        let mut child = Command::new(python)
            .arg(&script)
            .arg(&folder)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .context("python3 with aiosmtpd (Debian: python3-aiosmtpd) is needed")?;
        let mut line = String::new();
        BufReader::new(child.stdout.take().context("sink output")?).read_line(&mut line)?;
        let port = line
            .trim()
            .strip_prefix("ready ")
            .and_then(|p| p.parse().ok())
            .with_context(|| format!("the sink did not start: {line:?}"))?;
        Ok(Sink {
            child,
            port,
            folder,
        })
    }

    /// How many messages it accepted so far.
    fn count(&self) -> usize {
        std::fs::read_dir(&self.folder).map_or(0, |d| {
            d.filter_map(Result::ok)
                .filter(|e| e.path().extension().is_some_and(|x| x == "json"))
                .count()
        })
    }

    /// Waits until it holds `n` messages; the time it took, or none past `limit`.
    async fn wait_for(&self, n: usize, limit: Duration) -> Option<Duration> {
        let begun = Instant::now();
        while begun.elapsed() < limit {
            if self.count() >= n {
                return Some(begun.elapsed());
            }
            tokio::time::sleep(Duration::from_millis(2)).await;
        }
        None
    }
}

fn emails_arg(args: &[String]) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == "--emails") {
        None => Ok(1_000),
        Some(i) => match args.get(i + 1).and_then(|v| v.parse().ok()) {
            Some(n) => Ok(n),
            None => bail!("--emails needs a number"),
        },
    }
}

/// `cargo xtask bench mail [--emails N]`.
pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let burst = emails_arg(args)?;
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    if !Command::new(cargo)
        .current_dir(&root)
        .args(["build", "--release", "-p", "aims-cli"])
        .status()?
        .success()
    {
        bail!("the release build failed");
    }
    let binary = root.join("target/release/aims");
    let dir = std::env::temp_dir().join(format!("aims-mail-bench-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    let result = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?
        .block_on(measure(&root, &binary, &dir, burst));
    let _ = std::fs::remove_dir_all(&dir);
    result?;
    Ok(ExitCode::SUCCESS)
}

async fn measure(root: &Path, binary: &Path, dir: &Path, burst: usize) -> anyhow::Result<()> {
    let sink = Sink::start(root, dir)?;
    let url = format!("sqlite://{}?mode=rwc", dir.join("aims.db").display());
    aims(binary, dir, &url, &["migrate"], None)?;
    let org = aims(
        binary,
        dir,
        &url,
        &["admin", "create-org", "--name", "Mail bench"],
        None,
    )?;
    let token = |email: &str, role: &str| -> anyhow::Result<String> {
        let args = [
            "admin",
            "create-user",
            "--email",
            email,
            "--org",
            &org,
            "--role",
            role,
        ];
        aims(binary, dir, &url, &args, Some("mail bench password\n"))?;
        let args = [
            "admin",
            "create-token",
            "--email",
            email,
            "--org",
            &org,
            "--name",
            "bench",
        ];
        aims(binary, dir, &url, &args, None)
    };
    let editor = token("editor@bench.example", "editor")?;
    let person = token("person@bench.example", "viewer")?;
    let http = reqwest::Client::new();
    let env = [
        (
            "AIMS_SMTP_URL",
            format!("smtp+insecure://127.0.0.1:{}", sink.port),
        ),
        ("AIMS_MAIL_FROM", "aims@bench.example".to_owned()),
    ];
    let (server, _) = start_with(binary, dir, &url, &http, &env).await?;
    let base = server.base.clone();
    let me: serde_json::Value = http
        .get(format!("{base}/api/v1/me"))
        .bearer_auth(&person)
        .send()
        .await?
        .json()
        .await?;
    let assignee = me["user_id"]
        .as_str()
        .with_context(|| format!("the person's id in {me}"))?
        .to_owned();
    let assign = |n: usize| {
        let (http, base, editor, assignee) =
            (http.clone(), base.clone(), editor.clone(), assignee.clone());
        async move {
            let answer = http
                .post(format!("{base}/api/v1/tasks"))
                .bearer_auth(&editor)
                .json(
                    &serde_json::json!({"title": format!("Bench task {n}"), "assignee": assignee}),
                )
                .send()
                .await?;
            if !answer.status().is_success() {
                bail!("creating a task answered {}", answer.status());
            }
            anyhow::Ok(())
        }
    };
    println!(
        "aims mail benchmark: release build on SQLite, the SMTP server on the same {}-core machine",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );
    // One change at a time: from the change's answer to the message at the SMTP server.
    let mut latencies = Vec::new();
    for n in 0..LATENCY_SAMPLES {
        let before = sink.count();
        let begun = Instant::now();
        assign(n).await?;
        match sink.wait_for(before + 1, Duration::from_secs(30)).await {
            Some(_) => latencies.push(begun.elapsed().as_secs_f64() * 1000.0),
            None => bail!("an assignment's email did not arrive within 30 s"),
        }
    }
    latencies.sort_by(f64::total_cmp);
    let at = |q: f64| latencies[((latencies.len() - 1) as f64 * q).round() as usize];
    println!(
        "  an assignment's email, from the change to the SMTP server: p50 {:.0} ms, p95 {:.0} ms, worst {:.0} ms ({LATENCY_SAMPLES} changes)",
        at(0.5),
        at(0.95),
        latencies[latencies.len() - 1]
    );
    // Many changes at once, from 16 clients: emails leave as fast as the jobs send them.
    let before = sink.count();
    let begun = Instant::now();
    let mut pending = Vec::new();
    for n in 0..burst {
        pending.push(tokio::spawn(assign(LATENCY_SAMPLES + n)));
        if pending.len() == 16 {
            for p in pending.drain(..) {
                p.await??;
            }
        }
    }
    for p in pending {
        p.await??;
    }
    let changes = begun.elapsed();
    match sink.wait_for(before + burst, BURST_LIMIT).await {
        Some(_) => {
            let all = begun.elapsed().as_secs_f64();
            println!(
                "  {burst} assignments from 16 clients: made in {:.1} s; all {burst} emails at the SMTP server after {all:.1} s: {:.0} emails/s",
                changes.as_secs_f64(),
                burst as f64 / all
            );
        }
        None => println!(
            "  {burst} assignments: only {} emails arrived within {} s",
            sink.count() - before,
            BURST_LIMIT.as_secs()
        ),
    }
    drop(server);
    Ok(())
}
