//! `cargo xtask bench spine`: a release build of aims over a generated data set (by default
//! 10,000 AI systems, 100,000 risks and 200,000 evidence records in one organisation, made by
//! `aims admin generate`), on SQLite and on PostgreSQL. Reports p50/p95 latency and requests
//! per second at 1 and 16 clients for the inventory and risk lists (filtered, sorted, 50 a
//! page), one risk, one system with everything linked to it, the readiness dashboard and the
//! derived Statement of Applicability. Figures, not assertions.

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode};

use anyhow::bail;

use crate::bench::{aims, fresh_postgres, memory_mib, start};
use crate::bench_load::{Auth, REQUESTS, after_change, measure, page_sizes, sign_in};

/// The generated data set's size.
#[derive(Clone, Copy)]
struct Counts {
    systems: usize,
    risks: usize,
    evidence: usize,
    people: usize,
    documents: usize,
    tasks: usize,
    measurements: usize,
}

async fn bench_engine(
    binary: &Path,
    engine: &str,
    url: &str,
    data: &Path,
    counts: Counts,
) -> anyhow::Result<()> {
    let http = reqwest::Client::builder()
        .pool_max_idle_per_host(64)
        .build()?;
    let org = aims(binary, data, url, &["migrate"], None).and_then(|_| {
        aims(
            binary,
            data,
            url,
            &["admin", "create-org", "--name", "Spine bench"],
            None,
        )
    })?;
    // The pages are read as a viewer; the one change the bench makes needs an owner.
    let token = member_token(binary, data, url, &org, "spine@example.org", "viewer")?;
    let owner_token = member_token(binary, data, url, &org, "spine-owner@example.org", "owner")?;
    let generated = aims(
        binary,
        data,
        url,
        &[
            "admin",
            "generate",
            "--org",
            &org,
            "--systems",
            &counts.systems.to_string(),
            "--risks",
            &counts.risks.to_string(),
            "--evidence",
            &counts.evidence.to_string(),
            "--people",
            &counts.people.to_string(),
            "--documents",
            &counts.documents.to_string(),
            "--tasks",
            &counts.tasks.to_string(),
            "--measurements",
            &counts.measurements.to_string(),
        ],
        None,
    )?;
    println!("\n{engine}: {generated}");
    let (server, _) = start(binary, data, url, &http).await?;
    let base = server.base.clone();
    let page: serde_json::Value = http
        .get(format!("{base}/api/v1/systems?limit=200&sort=-updated"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let ids: Vec<String> = page["systems"].as_array().map_or(Vec::new(), |a| {
        a.iter()
            .filter_map(|s| s["id"].as_str().map(str::to_owned))
            .collect()
    });
    if ids.is_empty() {
        bail!("the generated systems are not listed: {page}");
    }
    let risk_page: serde_json::Value = http
        .get(format!("{base}/api/v1/risks?limit=200&sort=-updated"))
        .bearer_auth(&token)
        .send()
        .await?
        .json()
        .await?;
    let risk_ids: Vec<String> = risk_page["risks"].as_array().map_or(Vec::new(), |a| {
        a.iter()
            .filter_map(|r| r["id"].as_str().map(str::to_owned))
            .collect()
    });
    let stages = [
        "inception",
        "design_development",
        "deployment",
        "operation_monitoring",
    ];
    let cases: Vec<(&str, Vec<String>)> = vec![
        (
            "systems: filtered, sorted, 50",
            stages.iter().enumerate().map(|(i, s)| {
                format!("{base}/api/v1/systems?lifecycle_stage={s}&sort=-updated&limit=50&offset={}", i * 50)
            }).collect(),
        ),
        ("systems: text search, 50", ["credit", "fraud", "triage", "vision"].iter().map(|w| format!("{base}/api/v1/systems?q={w}&limit=50")).collect()),
        ("one system with links", ids.iter().map(|id| format!("{base}/api/v1/systems/{id}")).collect()),
        (
            "risks: level, open, by level, 50",
            ["High", "Medium", "Critical"].iter().enumerate().map(|(i, l)| {
                format!("{base}/api/v1/risks?min_level={l}&open=true&sort=-level&limit=50&offset={}", i * 50)
            }).collect(),
        ),
        (
            "risks of one system, 50",
            ids.iter().take(50).map(|id| format!("{base}/api/v1/risks?system={id}&limit=50")).collect(),
        ),
        ("one risk", risk_ids.iter().map(|id| format!("{base}/api/v1/risks/{id}")).collect()),
        ("readiness dashboard", vec![format!("{base}/api/v1/readiness")]),
        ("Statement of Applicability", vec![format!("{base}/api/v1/soa")]),
    ];
    // The same as a person sees them: the HTML pages, signed in with a session.
    let cookie = sign_in(&base, "spine@example.org").await?;
    let pages: Vec<(&str, Vec<String>)> = vec![
        ("page: overview", vec![format!("{base}/")]),
        (
            "page: risks, level, open, 50",
            ["High", "Medium", "Critical"]
                .iter()
                .map(|l| format!("{base}/risks?min_level={l}&open=true&sort=-level"))
                .collect(),
        ),
        ("page: risks, first 50", vec![format!("{base}/risks")]),
        (
            "page: one risk",
            risk_ids
                .iter()
                .take(50)
                .map(|id| format!("{base}/risks/{id}"))
                .collect(),
        ),
        ("page: SoA", vec![format!("{base}/soa")]),
        ("page: systems, 50", vec![format!("{base}/systems")]),
    ];
    // The management system's own records: documents, a person's work, metric trends.
    let person = generated_email(0);
    let person_token = person_token(binary, data, url, &org, &person)?;
    let person_cookie = sign_in(&base, &person).await?;
    let listed = |path: String, key: &'static str| {
        let (http, token) = (http.clone(), token.clone());
        async move {
            let page: serde_json::Value = http
                .get(path)
                .bearer_auth(&token)
                .send()
                .await?
                .json()
                .await?;
            let ids: Vec<String> = page[key].as_array().map_or(Vec::new(), |a| {
                a.iter()
                    .filter_map(|r| r["id"].as_str().map(str::to_owned))
                    .take(50)
                    .collect()
            });
            anyhow::Ok(ids)
        }
    };
    let document_ids = listed(format!("{base}/api/v1/documents?limit=50"), "documents").await?;
    let metric_ids = listed(format!("{base}/api/v1/metrics"), "metrics").await?;
    let five_years = "2020-01-01T00:00:00Z";
    let work: Vec<(&str, Vec<String>, Auth)> = vec![
        (
            "my work (one person)",
            vec![format!("{base}/api/v1/my-work")],
            Auth::Bearer(person_token.clone()),
        ),
        (
            "documents: newest, 50",
            vec![format!("{base}/api/v1/documents?limit=50")],
            Auth::Bearer(token.clone()),
        ),
        (
            "one document with versions",
            document_ids
                .iter()
                .map(|id| format!("{base}/api/v1/documents/{id}"))
                .collect(),
            Auth::Bearer(token.clone()),
        ),
        (
            "metric trend, 5 years daily",
            metric_ids
                .iter()
                .map(|id| format!("{base}/api/v1/metrics/{id}/trend?since={five_years}"))
                .collect(),
            Auth::Bearer(token.clone()),
        ),
        (
            "page: my work (one person)",
            vec![format!("{base}/my-work")],
            Auth::Cookie(person_cookie.clone()),
        ),
        (
            "page: documents, 50",
            vec![format!("{base}/documents")],
            Auth::Cookie(cookie.clone()),
        ),
        (
            "page: one document",
            document_ids
                .iter()
                .map(|id| format!("{base}/documents/{id}"))
                .collect(),
            Auth::Cookie(cookie.clone()),
        ),
        (
            "page: metric, 5-year chart",
            metric_ids
                .iter()
                .map(|id| format!("{base}/monitoring/metrics/{id}?range=5y"))
                .collect(),
            Auth::Cookie(cookie.clone()),
        ),
    ];
    if document_ids.is_empty() || metric_ids.is_empty() {
        bail!("the generated documents or metrics are not listed");
    }
    let token = Auth::Bearer(token);
    println!(
        "  {:<32} {:>8} {:>10} {:>9} {:>9} {:>7}",
        "request", "clients", "req/s", "p50 ms", "p95 ms", "errors"
    );
    let page_auth = Auth::Cookie(cookie.clone());
    for (name, urls, auth) in cases
        .iter()
        .map(|(n, u)| (n, u, &token))
        .chain(pages.iter().map(|(n, u)| (n, u, &page_auth)))
        .chain(work.iter().map(|(n, u, a)| (n, u, a)))
    {
        for clients in [1, 16] {
            let f = measure(&http, urls, auth, clients).await;
            println!(
                "  {name:<32} {clients:>8} {:>10.0} {:>9.2} {:>9.2} {:>7}",
                f.per_second, f.p50_ms, f.p95_ms, f.errors
            );
        }
    }
    page_sizes(&http, &base, &cookie, &pages).await;
    let Auth::Bearer(token) = token else {
        unreachable!("the API token")
    };
    // The dashboard and the SoA are cached until the organisation changes, and lists keep
    // their match counts: measure also the request right after a change (a rename appends to
    // the audit trail), which derives or counts again.
    for (name, path) in [
        ("dashboard right after a change", "readiness"),
        ("SoA right after a change", "soa"),
        (
            "risks: level, after a change",
            "risks?min_level=High&open=true&sort=-level&limit=50",
        ),
        ("systems: text, after a change", "systems?q=credit&limit=50"),
    ] {
        after_change(
            &http,
            &base,
            &Auth::Bearer(token.clone()),
            &owner_token,
            name,
            &format!("api/v1/{path}"),
        )
        .await;
    }
    // The overview page draws the metric trends too.
    after_change(
        &http,
        &base,
        &Auth::Cookie(cookie.clone()),
        &owner_token,
        "page: overview after a change",
        "",
    )
    .await;
    let (now, peak) = memory_mib(server.child.id());
    println!(
        "  server memory: peak {peak:.1} MiB, now {now:.1} MiB ({REQUESTS} requests a row, or 15 s)"
    );
    Ok(())
}

fn count_arg(args: &[String], name: &str, default: usize) -> anyhow::Result<usize> {
    match args.iter().position(|a| a == name) {
        None => Ok(default),
        Some(i) => match args.get(i + 1).and_then(|v| v.parse().ok()) {
            Some(n) => Ok(n),
            None => bail!("{name} needs a number"),
        },
    }
}

/// Adds a member with `role` to `org` and returns an API token of theirs.
fn member_token(
    binary: &Path,
    data: &Path,
    url: &str,
    org: &str,
    email: &str,
    role: &str,
) -> anyhow::Result<String> {
    aims(
        binary,
        data,
        url,
        &[
            "admin",
            "create-user",
            "--email",
            email,
            "--org",
            org,
            "--role",
            role,
        ],
        Some("spine bench password\n"),
    )?;
    aims(
        binary,
        data,
        url,
        &[
            "admin",
            "create-token",
            "--email",
            email,
            "--org",
            org,
            "--name",
            "bench",
        ],
        None,
    )
}

/// The email of generated person `i` (as `aims admin generate` names them).
fn generated_email(i: usize) -> String {
    format!("person{i:03}@generated.example")
}

/// Gives a generated person the bench's password and returns an API token of theirs.
fn person_token(
    binary: &Path,
    data: &Path,
    url: &str,
    org: &str,
    email: &str,
) -> anyhow::Result<String> {
    aims(
        binary,
        data,
        url,
        &["admin", "set-password", "--email", email],
        Some("spine bench password\n"),
    )?;
    aims(
        binary,
        data,
        url,
        &[
            "admin",
            "create-token",
            "--email",
            email,
            "--org",
            org,
            "--name",
            "bench",
        ],
        None,
    )
}

/// Which engines a run measures.
struct Engines {
    sqlite: bool,
    postgres: bool,
}

/// `cargo xtask bench spine [--systems N] [--risks N] [--evidence N] [--engine sqlite|postgres]`.
pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let engines = match args
        .iter()
        .position(|a| a == "--engine")
        .and_then(|i| args.get(i + 1))
    {
        None => Engines {
            sqlite: true,
            postgres: true,
        },
        Some(e) if e == "sqlite" => Engines {
            sqlite: true,
            postgres: false,
        },
        Some(e) if e == "postgres" => Engines {
            sqlite: false,
            postgres: true,
        },
        Some(other) => bail!("--engine is sqlite or postgres, not {other}"),
    };
    let counts = Counts {
        systems: count_arg(args, "--systems", 10_000)?,
        risks: count_arg(args, "--risks", 100_000)?,
        evidence: count_arg(args, "--evidence", 200_000)?,
        people: count_arg(args, "--people", 50)?.max(1),
        documents: count_arg(args, "--documents", 10_000)?,
        tasks: count_arg(args, "--tasks", 100_000)?,
        measurements: count_arg(args, "--measurements", 1_000_000)?,
    };
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
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    runtime.block_on(async {
        println!(
            "aims spine benchmark: {} systems, {} risks, {} evidence records, {} documents (3 versions each), {} tasks over {} people, {} metric measurements; release build, client and server on one {}-core machine",
            counts.systems,
            counts.risks,
            counts.evidence,
            counts.documents,
            counts.tasks,
            counts.people,
            counts.measurements,
            std::thread::available_parallelism().map_or(0, |n| n.get())
        );
        let data = std::env::temp_dir().join(format!("aims-spine-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&data);
        std::fs::create_dir_all(&data)?;
        let sqlite = format!("sqlite://{}?mode=rwc", data.join("aims.db").display());
        if engines.sqlite {
            bench_engine(&binary, "SQLite", &sqlite, &data, counts).await?;
        }
        let pg_admin = std::env::var("AIMS_BENCH_PG_URL").unwrap_or_else(|_| "postgres://postgres@127.0.0.1:5432/test".into());
        match fresh_postgres(&pg_admin) {
            _ if !engines.postgres => {}
            Ok(url) => bench_engine(&binary, "PostgreSQL", &url, &data, counts).await?,
            Err(reason) => println!("\nPostgreSQL: skipped ({reason})"),
        }
        let _ = std::fs::remove_dir_all(&data);
        Ok::<_, anyhow::Error>(())
    })?;
    Ok(ExitCode::SUCCESS)
}
