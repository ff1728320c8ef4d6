//! `cargo xtask bench http`: a release build of aims on SQLite and on PostgreSQL, measured
//! from a client on loopback. Reports requests per second and p50/p99 latency of an
//! authenticated JSON read and a small authenticated write at 1 and 64 concurrent clients,
//! resident memory idle and at peak, and the time from process start to `/readyz` 200 on an
//! empty database. Figures, not assertions: nothing here fails on a slow machine.
//! `AIMS_BENCH_BASELINE=PATH` also measures an older `aims` binary, engine by engine beside
//! this build.

use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

const REQUESTS_PER_RUN: usize = 4000;

pub(crate) struct Server {
    pub(crate) child: Child,
    pub(crate) base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> anyhow::Result<u16> {
    Ok(std::net::TcpListener::bind("127.0.0.1:0")?
        .local_addr()?
        .port())
}

/// Resident memory of a process, from `/proc`: (current, peak) in MiB.
pub(crate) fn memory_mib(pid: u32) -> (f64, f64) {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).unwrap_or_default();
    let field = |name: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(name))
            .and_then(|v| v.split_whitespace().next())
            .and_then(|kb| kb.parse::<f64>().ok())
            .map_or(f64::NAN, |kb| kb / 1024.0)
    };
    (field("VmRSS:"), field("VmHWM:"))
}

pub(crate) fn aims(
    binary: &Path,
    data: &Path,
    url: &str,
    args: &[&str],
    stdin: Option<&str>,
) -> anyhow::Result<String> {
    use std::io::Write;
    let mut child = Command::new(binary)
        .arg("--data-dir")
        .arg(data)
        .args(["--database-url", url])
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()?;
    if let Some(input) = stdin {
        child
            .stdin
            .take()
            .context("stdin")?
            .write_all(input.as_bytes())?;
    }
    drop(child.stdin.take());
    let out = child.wait_with_output()?;
    if !out.status.success() {
        bail!(
            "aims {args:?} failed: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    Ok(String::from_utf8(out.stdout)?.trim().to_owned())
}

/// Starts the server and measures the time until `/readyz` answers 200.
pub(crate) async fn start(
    binary: &Path,
    data: &Path,
    url: &str,
    http: &reqwest::Client,
) -> anyhow::Result<(Server, Duration)> {
    start_with(binary, data, url, http, &[]).await
}

/// As [`start`], with settings given in the server's environment.
pub(crate) async fn start_with(
    binary: &Path,
    data: &Path,
    url: &str,
    http: &reqwest::Client,
    env: &[(&str, String)],
) -> anyhow::Result<(Server, Duration)> {
    let port = free_port()?;
    let started = Instant::now();
    let child = Command::new(binary)
        .envs(env.iter().map(|(k, v)| (k, v)))
        .arg("--data-dir")
        .arg(data)
        .args([
            "--database-url",
            url,
            "serve",
            "--bind",
            &format!("127.0.0.1:{port}"),
        ])
        .env("AIMS_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let server = Server {
        child,
        base: format!("http://127.0.0.1:{port}"),
    };
    loop {
        if let Ok(response) = http.get(format!("{}/readyz", server.base)).send().await
            && response.status() == 200
        {
            return Ok((server, started.elapsed()));
        }
        if started.elapsed() > Duration::from_secs(30) {
            bail!("aims did not become ready within 30 s");
        }
        tokio::time::sleep(Duration::from_millis(1)).await;
    }
}

struct Run {
    per_second: f64,
    p50_ms: f64,
    p99_ms: f64,
    /// Failed requests by status (0: no response).
    errors: std::collections::BTreeMap<u16, usize>,
}

/// What a load run sends.
#[derive(Clone, Copy)]
enum Work {
    /// `GET /api/v1/org`.
    Read,
    /// `PATCH /api/v1/org`: every write on one organisation's lock.
    Rename,
    /// `POST /api/v1/systems`: a new record each time.
    Create,
}

async fn load(http: &reqwest::Client, base: &str, token: &str, work: Work, clients: usize) -> Run {
    let next = Arc::new(std::sync::atomic::AtomicUsize::new(0));
    let started = Instant::now();
    let workers: Vec<_> = (0..clients)
        .map(|_| {
            let (http, next) = (http.clone(), next.clone());
            let base = base.to_owned();
            let token = token.to_owned();
            tokio::spawn(async move {
                let mut latencies = Vec::new();
                let mut errors = std::collections::BTreeMap::<u16, usize>::new();
                loop {
                    let n = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    if n >= REQUESTS_PER_RUN {
                        break;
                    }
                    let begun = Instant::now();
                    let request = match work {
                        Work::Read => http.get(format!("{base}/api/v1/org")).bearer_auth(&token),
                        Work::Rename => http
                            .patch(format!("{base}/api/v1/org"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({"name": format!("Bench {}", n % 7)})),
                        Work::Create => http
                            .post(format!("{base}/api/v1/systems"))
                            .bearer_auth(&token)
                            .json(&serde_json::json!({
                                // The run's client count keeps names unique across runs.
                                "name": format!("System {} {clients}-{n}", std::process::id()),
                                "purpose": "A system made by the benchmark",
                            })),
                    };
                    match request.send().await {
                        Ok(r) if r.status().is_success() => {
                            let _ = r.bytes().await;
                        }
                        Ok(r) => *errors.entry(r.status().as_u16()).or_default() += 1,
                        Err(_) => *errors.entry(0).or_default() += 1,
                    }
                    latencies.push(begun.elapsed());
                }
                (latencies, errors)
            })
        })
        .collect();
    let mut latencies = Vec::new();
    let mut errors = std::collections::BTreeMap::new();
    for worker in workers {
        if let Ok((l, e)) = worker.await {
            latencies.extend(l);
            for (status, count) in e {
                *errors.entry(status).or_default() += count;
            }
        }
    }
    let elapsed = started.elapsed().as_secs_f64();
    latencies.sort();
    let at = |q: f64| {
        latencies
            .get(((latencies.len() as f64 * q) as usize).min(latencies.len().saturating_sub(1)))
            .map_or(f64::NAN, |d| d.as_secs_f64() * 1000.0)
    };
    Run {
        per_second: latencies.len() as f64 / elapsed,
        p50_ms: at(0.50),
        p99_ms: at(0.99),
        errors,
    }
}

pub(crate) fn fresh_postgres(url: &str) -> Result<String, String> {
    let (base, _) = url.rsplit_once('/').ok_or("bad AIMS_BENCH_PG_URL")?;
    let run = |sql: &str| {
        Command::new("psql")
            .arg(url)
            .args(["-q", "-c", sql])
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .output()
    };
    for sql in [
        "DROP DATABASE IF EXISTS aims_bench WITH (FORCE)",
        "CREATE DATABASE aims_bench",
    ] {
        let out = run(sql).map_err(|e| format!("psql: {e}"))?;
        if !out.status.success() {
            return Err(String::from_utf8_lossy(&out.stderr).trim().to_owned());
        }
    }
    Ok(format!("{base}/aims_bench"))
}

async fn bench_engine(binary: &Path, engine: &str, url: &str, data: &Path) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(128)
        .build()?;
    let (server, ready) = start(binary, data, url, &http).await?;
    let org = aims(
        binary,
        data,
        url,
        &["admin", "create-org", "--name", "Bench"],
        None,
    )?;
    aims(
        binary,
        data,
        url,
        &[
            "admin",
            "create-user",
            "--email",
            "bench@example.org",
            "--org",
            &org,
            "--role",
            "owner",
        ],
        Some("quartz lantern orbit meadow\n"),
    )?;
    let token = aims(
        binary,
        data,
        url,
        &[
            "admin",
            "create-token",
            "--email",
            "bench@example.org",
            "--org",
            &org,
            "--name",
            "bench",
        ],
        None,
    )?;
    tokio::time::sleep(Duration::from_millis(500)).await;
    let pid = server.child.id();
    let (idle, _) = memory_mib(pid);
    for _ in 0..3 {
        let _ = http
            .get(format!("{}/api/openapi.json", server.base))
            .send()
            .await?
            .bytes()
            .await;
        let _ = http
            .get(format!("{}/api/v1/org", server.base))
            .bearer_auth(&token)
            .send()
            .await?
            .bytes()
            .await;
    }
    let (first_requests, _) = memory_mib(pid);
    println!(
        "\n{engine}: ready {:.0} ms after start (empty database); idle memory {idle:.1} MiB, \
         {first_requests:.1} MiB after the first requests (OpenAPI document included)",
        ready.as_secs_f64() * 1000.0
    );
    println!(
        "  {:<26} {:>8} {:>10} {:>9} {:>9} {:>7}",
        "request", "clients", "req/s", "p50 ms", "p99 ms", "errors (status: count)"
    );
    for (name, work, clients) in [
        ("GET /api/v1/org", Work::Read, &[1, 64][..]),
        ("PATCH /api/v1/org (write)", Work::Rename, &[1, 16, 64][..]),
        (
            "POST /api/v1/systems (create)",
            Work::Create,
            &[1, 16, 64][..],
        ),
    ] {
        for &clients in clients {
            let run = load(&http, &server.base, &token, work, clients).await;
            let errors = if run.errors.is_empty() {
                "0".to_owned()
            } else {
                format!("{:?}", run.errors)
            };
            println!(
                "  {name:<26} {clients:>8} {:>10.0} {:>9.2} {:>9.2} {errors:>7}",
                run.per_second, run.p50_ms, run.p99_ms
            );
        }
    }
    let (now, peak) = memory_mib(pid);
    println!(
        "  memory under load: peak {peak:.1} MiB, now {now:.1} MiB ({REQUESTS_PER_RUN} requests a run)"
    );
    drop(server);
    sign_in_flood(binary, engine, url, data, &http).await
}

/// 60 wrong passwords for one account sent at once, against a fresh server: how many were
/// checked and how many refused, and the server's memory before and at its peak.
async fn sign_in_flood(
    binary: &Path,
    engine: &str,
    url: &str,
    data: &Path,
    http: &reqwest::Client,
) -> anyhow::Result<()> {
    let (server, _) = start(binary, data, url, http).await?;
    let pid = server.child.id();
    tokio::time::sleep(Duration::from_millis(500)).await;
    let (before, _) = memory_mib(pid);
    let guesses: Vec<_> = (0..60)
        .map(|n| {
            let request = http
                .post(format!("{}/sign-in", server.base))
                .form(&[
                    ("email", "bench@example.org".to_owned()),
                    ("password", format!("wrong guess number {n}")),
                ])
                .send();
            tokio::spawn(async move { request.await.map(|r| r.status().as_u16()).unwrap_or(0) })
        })
        .collect();
    let mut statuses = std::collections::BTreeMap::new();
    for guess in guesses {
        *statuses.entry(guess.await.unwrap_or(0)).or_insert(0) += 1;
    }
    let (_, peak) = memory_mib(pid);
    println!(
        "  sign-in flood on {engine}: 60 wrong passwords at once for one account -> {statuses:?} \
         (status: count); memory {before:.1} MiB before, peak {peak:.1} MiB"
    );
    drop(server);
    Ok(())
}

/// `cargo xtask bench http`.
pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    match args.first().map(String::as_str) {
        Some("http") => {}
        Some("spine") => return crate::bench_spine::run(&args[1..]),
        Some("mail") => return crate::bench_mail::run(&args[1..]),
        Some("redteam") => {
            return crate::bench_redteam::run(
                &PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."),
            );
        }
        Some("audit") => {
            // Release build of the bench target; AIMS_BENCH_EVENTS sets the chain's length.
            let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
                .current_dir(PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(".."))
                .args(["bench", "-p", "aims-app", "--bench", "audit_verify"])
                .status()?;
            return Ok(if status.success() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            });
        }
        _ => {
            bail!(
                "usage: cargo xtask bench http | audit | redteam | mail [--emails N] | spine [--systems N] [--risks N] [--evidence N] [--documents N] [--tasks N] [--people N] [--measurements N] [--engine sqlite|postgres]"
            )
        }
    }
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(&root)
        .args(["build", "--release", "-p", "aims-cli"])
        .status()?;
    if !status.success() {
        bail!("the release build failed");
    }
    let binary = root.join("target/release/aims");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    // An older build, measured in the same run beside this one, for a before/after that
    // shares the machine's mood.
    let mut builds = Vec::new();
    if let Ok(baseline) = std::env::var("AIMS_BENCH_BASELINE") {
        builds.push(("baseline", PathBuf::from(baseline)));
    }
    builds.push(("this build", binary));
    runtime.block_on(async {
        println!("aims HTTP benchmark: release build, client and server on one {}-core machine, loopback", std::thread::available_parallelism().map_or(0, |n| n.get()));
        let data = std::env::temp_dir().join(format!("aims-bench-{}", std::process::id()));
        let pg_admin = std::env::var("AIMS_BENCH_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        for engine in ["SQLite", "PostgreSQL"] {
            for (build, binary) in &builds {
                let label = if builds.len() > 1 { format!("{engine}, {build}") } else { engine.to_owned() };
                let _ = std::fs::remove_dir_all(&data);
                std::fs::create_dir_all(&data)?;
                let url = if engine == "SQLite" {
                    format!("sqlite://{}?mode=rwc", data.join("aims.db").display())
                } else {
                    match fresh_postgres(&pg_admin) {
                        Ok(url) => url,
                        Err(reason) => {
                            println!("\nPostgreSQL: skipped ({reason})");
                            break;
                        }
                    }
                };
                bench_engine(binary, &label, &url, &data).await?;
            }
        }
        let _ = std::fs::remove_dir_all(&data);
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
