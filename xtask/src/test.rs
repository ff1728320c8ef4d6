//! `cargo xtask test`.

use std::collections::BTreeSet;
use std::io::{BufRead, BufReader};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::PathBuf;
use std::process::{Command, ExitCode, Stdio};
use std::time::Duration;

use anyhow::Context;

const DEFAULT_PG_URL: &str = "postgres://postgres@127.0.0.1:5432/test";

/// Counts from cargo's `test result:` lines.
#[derive(Default, Debug)]
struct Totals {
    passed: u64,
    failed: u64,
    ignored: u64,
}

impl Totals {
    fn add(&mut self, line: &str) {
        // test result: ok. 16 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; ...
        let Some(rest) = line.trim().strip_prefix("test result: ") else {
            return;
        };
        for part in rest.split(';') {
            let words: Vec<&str> = part.split_whitespace().collect();
            let n = |i: usize| {
                words
                    .get(i)
                    .and_then(|w| w.parse::<u64>().ok())
                    .unwrap_or(0)
            };
            match words.as_slice() {
                [_, _, "passed"] => self.passed += n(1),
                [_, "passed"] => self.passed += n(0),
                [_, "failed"] => self.failed += n(0),
                [_, "ignored"] => self.ignored += n(0),
                _ => {}
            }
        }
    }
}

fn postgres_reachable(url: &str) -> Result<(), String> {
    let after_scheme = url.split_once("://").map_or(url, |(_, rest)| rest);
    let host_part = after_scheme.split('/').next().unwrap_or_default();
    let host_port = host_part.rsplit_once('@').map_or(host_part, |(_, h)| h);
    let address = if host_port.contains(':') {
        host_port.to_owned()
    } else {
        format!("{host_port}:5432")
    };
    let resolved = address
        .to_socket_addrs()
        .map_err(|e| format!("{address}: {e}"))?
        .next()
        .ok_or(format!("{address}: no address"))?;
    TcpStream::connect_timeout(&resolved, Duration::from_secs(2))
        .map(|_| ())
        .map_err(|e| format!("{address}: {e}"))
}

fn chromedriver() -> Option<PathBuf> {
    let candidates = [
        std::env::var_os("AIMS_CHROMEDRIVER").map(PathBuf::from),
        Some("/usr/bin/chromedriver".into()),
    ];
    candidates.into_iter().flatten().find(|p| p.exists())
}

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// The formatting and lint checks the project holds every change to, before any test: a
/// failure here ends the run, as CI would refuse the change anyway.
fn lints_pass(root: &std::path::Path) -> anyhow::Result<bool> {
    for args in [
        &["fmt", "--all", "--check"][..],
        &[
            "clippy",
            "--workspace",
            "--all-targets",
            "--",
            "-D",
            "warnings",
        ],
    ] {
        eprintln!("xtask: cargo {}", args.join(" "));
        let status = Command::new(cargo())
            .current_dir(root)
            .args(args)
            .status()
            .with_context(|| format!("starting cargo {}", args[0]))?;
        if !status.success() {
            eprintln!(
                "xtask: `cargo {}` failed; fix it (cargo fmt --all; cargo clippy --fix) and run again",
                args.join(" ")
            );
            return Ok(false);
        }
    }
    Ok(true)
}

/// Runs every test; prints what ran and what was skipped; fails on any failure.
pub fn run(extra: &[String]) -> anyhow::Result<ExitCode> {
    let require_all = std::env::var_os("AIMS_REQUIRE_ALL").is_some();
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let target = root.join("target");
    std::fs::create_dir_all(&target)?;
    let skip_log = target.join("aims-test-skips.txt");
    let _ = std::fs::remove_file(&skip_log);

    let pg_url = std::env::var("AIMS_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
    let mut planned_skips = Vec::new();
    if let Err(reason) = postgres_reachable(&pg_url) {
        planned_skips.push(format!("PostgreSQL tests: not reachable ({reason})"));
    }
    if chromedriver().is_none() {
        planned_skips.push(
            "browser tests: chromedriver not found (apt-get install chromium chromium-driver)"
                .into(),
        );
    }
    let axe = match chromedriver() {
        Some(_) => match crate::axe::install(&root) {
            Ok(path) => Some(path),
            Err(err) => {
                planned_skips.push(format!("accessibility checks (axe-core): {err:#}"));
                None
            }
        },
        None => None,
    };
    if require_all && !planned_skips.is_empty() {
        anyhow::bail!("AIMS_REQUIRE_ALL is set, but: {}", planned_skips.join("; "));
    }

    if !lints_pass(&root)? {
        return Ok(ExitCode::FAILURE);
    }

    let mut command = Command::new(cargo());
    command
        .current_dir(&root)
        .args([
            "test",
            "--workspace",
            "--lib",
            "--bins",
            "--tests",
            "--no-fail-fast",
        ])
        .args(extra)
        .env("AIMS_SKIP_LOG", &skip_log)
        .env("AIMS_TEST_PG_URL", &pg_url)
        .stdout(Stdio::piped());
    if let Some(driver) = chromedriver() {
        command.env("AIMS_CHROMEDRIVER", driver);
    }
    if let Some(axe) = &axe {
        command.env("AIMS_AXE_JS", axe);
    }
    eprintln!(
        "xtask: cargo test --workspace --all-targets {}",
        extra.join(" ")
    );
    let mut child = command.spawn().context("starting cargo test")?;
    let mut totals = Totals::default();
    let stdout = child.stdout.take().context("cargo test output")?;
    for line in BufReader::new(stdout).lines() {
        let line = line?;
        println!("{line}");
        totals.add(&line);
    }
    let status = child.wait()?;
    let pg_for_contract =
        (!planned_skips.iter().any(|s| s.starts_with("PostgreSQL"))).then_some(pg_url.as_str());
    let contract = match crate::contract::run(&root, pg_for_contract) {
        Ok(outcome) => Some(outcome),
        Err(err) => {
            planned_skips.push(format!("API contract (schemathesis): {err:#}"));
            None
        }
    };

    let skipped: BTreeSet<String> = std::fs::read_to_string(&skip_log)
        .unwrap_or_default()
        .lines()
        .map(|l| l.split(" (").next().unwrap_or(l).to_owned())
        .chain(planned_skips.iter().cloned())
        .collect();
    println!();
    println!("xtask summary");
    println!(
        "  ran: unit and property tests; catalogues and OSCAL exports (schema-validated); store contract on SQLite{}; HTTP integration; CLI; browser{}",
        if planned_skips.iter().any(|s| s.starts_with("PostgreSQL")) {
            ""
        } else {
            " and PostgreSQL"
        },
        if chromedriver().is_some() {
            ""
        } else {
            " (skipped)"
        }
    );
    if let Some(contract) = &contract {
        for line in &contract.lines {
            println!("  {line}");
        }
    }
    if skipped.is_empty() {
        println!("  skipped: nothing");
    } else {
        for reason in &skipped {
            println!("  skipped: {reason}");
        }
    }
    println!(
        "tests: {} passed, {} failed, {} skipped",
        totals.passed,
        totals.failed,
        skipped.len() as u64 + totals.ignored
    );
    Ok(
        if status.success()
            && totals.failed == 0
            && !contract.as_ref().is_some_and(|c| c.failed)
            && (skipped.is_empty() || !require_all)
        {
            ExitCode::SUCCESS
        } else {
            ExitCode::FAILURE
        },
    )
}

/// `cargo xtask contract`: the API contract run alone, on PostgreSQL too when reachable.
pub fn contract_only() -> anyhow::Result<ExitCode> {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let pg_url = std::env::var("AIMS_TEST_PG_URL").unwrap_or_else(|_| DEFAULT_PG_URL.into());
    let pg = postgres_reachable(&pg_url).ok().map(|()| pg_url.as_str());
    let outcome = crate::contract::run(&root, pg)?;
    for line in &outcome.lines {
        println!("{line}");
    }
    Ok(if outcome.failed {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}

#[cfg(test)]
mod tests {
    use super::Totals;

    #[test]
    fn counts_cargo_result_lines() {
        let mut totals = Totals::default();
        totals.add("test result: ok. 16 passed; 2 failed; 1 ignored; 0 measured; 0 filtered out; finished in 3.24s");
        totals.add("test result: ok. 3 passed; 0 failed; 0 ignored; 0 measured; 0 filtered out; finished in 0.00s");
        totals.add("running 3 tests");
        assert_eq!((totals.passed, totals.failed, totals.ignored), (19, 2, 1));
    }
}
