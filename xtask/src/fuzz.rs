//! `cargo xtask fuzz [--minutes N] [TARGET...]`: every fuzz target of `fuzz/` (one per parser
//! of outside input, see `crates/aims-fuzzing`) under libFuzzer with the nightly toolchain,
//! each for N minutes (default 2), its corpus seeded from the shared fixtures and this
//! repository. Prints executions and findings per target; every crash, timeout or
//! out-of-memory input is copied to `fuzz/regressions/TARGET/`, which the stable tests
//! replay. Not part of `cargo xtask test`: it needs nightly and time.

use std::path::Path;
use std::process::{Command, ExitCode, Stdio};

use anyhow::{Context, bail};

fn cargo() -> String {
    std::env::var("CARGO").unwrap_or_else(|_| "cargo".into())
}

/// Makes sure `cargo fuzz` runs (installing cargo-fuzz from crates.io if it is missing).
fn cargo_fuzz(root: &Path) -> anyhow::Result<()> {
    let present = Command::new("cargo")
        .current_dir(root)
        .args(["+nightly", "fuzz", "--version"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|s| s.success());
    if !present {
        eprintln!("xtask: installing cargo-fuzz from crates.io");
        let installed = Command::new("cargo")
            .args(["install", "--locked", "cargo-fuzz"])
            .status()?;
        if !installed.success() {
            bail!("cargo install cargo-fuzz failed");
        }
    }
    Ok(())
}

/// The fields of libFuzzer's final statistics that the report shows.
fn stat(output: &str, name: &str) -> Option<u64> {
    output.lines().find_map(|line| {
        line.strip_prefix(&format!("stat::{name}:"))
            .and_then(|v| v.trim().parse().ok())
    })
}

/// Runs the fuzz targets.
pub fn run(args: &[String]) -> anyhow::Result<ExitCode> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    let mut minutes = 2.0_f64;
    let mut chosen: Vec<String> = Vec::new();
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match arg.as_str() {
            "--minutes" => {
                minutes = args
                    .next()
                    .and_then(|m| m.parse().ok())
                    .filter(|m: &f64| *m > 0.0)
                    .context("--minutes needs a positive number")?;
            }
            target => chosen.push(target.to_owned()),
        }
    }
    cargo_fuzz(&root)?;
    let seeded = Command::new(cargo())
        .current_dir(&root)
        .args([
            "run",
            "--quiet",
            "-p",
            "aims-fuzzing",
            "--bin",
            "aims-fuzz-seeds",
            "--",
        ])
        .arg(root.join("fuzz/corpus"))
        .status()?;
    if !seeded.success() {
        bail!("writing the seed corpora failed");
    }
    let listed = Command::new("cargo")
        .current_dir(&root)
        .args(["+nightly", "fuzz", "list"])
        .output()?;
    let targets: Vec<String> = String::from_utf8_lossy(&listed.stdout)
        .lines()
        .map(str::to_owned)
        .filter(|t| chosen.is_empty() || chosen.contains(t))
        .collect();
    if targets.is_empty() {
        bail!("no fuzz target to run (cargo fuzz list found none matching)");
    }
    let seconds = (minutes * 60.0).round() as u64;
    let mut rows = Vec::new();
    let mut found_any = false;
    for target in &targets {
        eprintln!("xtask: fuzzing {target} for {seconds} s");
        let artifacts = root.join("fuzz/artifacts").join(target);
        let _ = std::fs::remove_dir_all(&artifacts);
        let out = Command::new("cargo")
            .current_dir(&root)
            .args(["+nightly", "fuzz", "run", "--release", target])
            .arg(root.join("fuzz/corpus").join(target))
            .args([
                "--",
                &format!("-max_total_time={seconds}"),
                "-rss_limit_mb=2048",
                "-timeout=10",
                "-print_final_stats=1",
            ])
            .output()
            .with_context(|| format!("cargo fuzz run {target}"))?;
        let log = String::from_utf8_lossy(&out.stderr).into_owned();
        let findings: Vec<std::path::PathBuf> = std::fs::read_dir(&artifacts)
            .map(|e| e.filter_map(|e| e.ok().map(|e| e.path())).collect())
            .unwrap_or_default();
        let kept = root.join("fuzz/regressions").join(target);
        for finding in &findings {
            std::fs::create_dir_all(&kept)?;
            if let Some(name) = finding.file_name() {
                std::fs::copy(finding, kept.join(name))?;
            }
        }
        let count = |prefix: &str| {
            findings
                .iter()
                .filter(|f| {
                    f.file_name()
                        .is_some_and(|n| n.to_string_lossy().starts_with(prefix))
                })
                .count()
        };
        let (crashes, timeouts, ooms) = (count("crash-"), count("timeout-"), count("oom-"));
        found_any |= !findings.is_empty() || !out.status.success();
        rows.push(format!(
            "{target:<20} {:>12} executions {:>8}/s  corpus {:>5}  crashes {crashes}  timeouts {timeouts}  out-of-memory {ooms}{}",
            stat(&log, "number_of_executed_units").unwrap_or(0),
            stat(&log, "average_exec_per_sec").unwrap_or(0),
            stat(&log, "new_units_added").unwrap_or(0),
            if out.status.success() || !findings.is_empty() { "" } else { "  (the run failed: see its log)" },
        ));
        if !out.status.success() && findings.is_empty() {
            eprintln!("{log}");
        }
    }
    println!();
    println!("fuzzing, {seconds} s a target:");
    for row in &rows {
        println!("  {row}");
    }
    if found_any {
        println!("findings were copied to fuzz/regressions/ (the stable tests replay them)");
    }
    Ok(if found_any {
        ExitCode::FAILURE
    } else {
        ExitCode::SUCCESS
    })
}
