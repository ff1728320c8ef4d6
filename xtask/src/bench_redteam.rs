//! `cargo xtask bench redteam`: the red-team runner of a release build against the lab target
//! in a separate process on loopback, 3,840 single-turn attempts per run: attempts per second
//! with no target latency, and with 200 ms of latency at 64 and 512 concurrent requests against
//! the ceiling (concurrency / latency); peak memory of the runner; and a run killed half-way
//! (SIGKILL) then resumed, checked for every attempt done exactly once. Figures, not assertions.

use std::collections::HashMap;
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitCode, Stdio};
use std::time::{Duration, Instant};

use anyhow::{Context, bail};

use crate::bench::memory_mib;

const ATTEMPTS: usize = 3840;

struct Lab(Child, String);

impl Drop for Lab {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

fn start_lab(binary: &Path, latency_ms: u64) -> anyhow::Result<Lab> {
    let mut child = Command::new(binary)
        .args([
            "redteam",
            "lab",
            "--bind",
            "127.0.0.1:0",
            "--latency-ms",
            &latency_ms.to_string(),
        ])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()?;
    let mut lines = BufReader::new(child.stderr.take().context("lab stderr")?).lines();
    let url = lines
        .by_ref()
        .map_while(Result::ok)
        .find_map(|l| {
            l.strip_prefix("OpenAI-compatible endpoint: ")
                .map(str::to_owned)
        })
        .context("the lab did not print its address")?;
    std::thread::spawn(move || lines.for_each(drop));
    Ok(Lab(child, url))
}

fn write_config(
    dir: &Path,
    url: &str,
    concurrency: usize,
    attempts: usize,
) -> anyhow::Result<PathBuf> {
    let path = dir.join(format!("bench-{concurrency}-{attempts}.yaml"));
    std::fs::write(
        &path,
        format!(
            "name: bench\ntarget:\n  kind: openai\n  url: {url}\n  model: lab\n\
             probes: {{exclude: [escalation.*]}}\n\
             converters: [none, base64, hex, rot13, leetspeak, homoglyph, zero_width, unicode_tags, payload_split, french, german, spanish]\n\
             repeat: 20\nsample: {attempts}\nseed: 1\n\
             runner: {{concurrency: {concurrency}, timeout_secs: 30}}\n"
        ),
    )?;
    Ok(path)
}

struct Measured {
    attempts_per_sec: f64,
    runner_secs: f64,
    wall_secs: f64,
    peak_mib: f64,
}

/// Runs `aims redteam run` and reads its own timing line; polls its peak memory.
fn measure(binary: &Path, config: &Path, out: &Path) -> anyhow::Result<Measured> {
    let started = Instant::now();
    let mut child = Command::new(binary)
        .args(["redteam", "run"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()?;
    let pid = child.id();
    let mut peak = 0.0f64;
    while child.try_wait()?.is_none() {
        let (_, hwm) = memory_mib(pid);
        if hwm.is_finite() {
            peak = peak.max(hwm);
        }
        std::thread::sleep(Duration::from_millis(5));
    }
    let wall = started.elapsed().as_secs_f64();
    let output = child.wait_with_output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    // "3840 attempts now, 0 from before, of 3840 planned, in 0.61 s (6302 attempts/s)"
    let line = stdout
        .lines()
        .find(|l| l.contains("attempts/s"))
        .with_context(|| format!("no timing line in: {stdout}"))?;
    let number_before = |marker: &str| -> Option<f64> {
        let head = &line[..line.find(marker)?];
        head.rsplit([' ', '(']).next()?.parse().ok()
    };
    let runner_secs = number_before(" s (").context("runner seconds")?;
    let attempts_per_sec = number_before(" attempts/s").context("attempts per second")?;
    Ok(Measured {
        attempts_per_sec,
        runner_secs,
        wall_secs: wall,
        peak_mib: peak,
    })
}

fn journal_counts(path: &Path) -> anyhow::Result<HashMap<String, usize>> {
    let mut counts = HashMap::new();
    for line in std::fs::read_to_string(path)?.lines().skip(1) {
        let value: serde_json::Value = serde_json::from_str(line)?;
        *counts
            .entry(value["id"].as_str().unwrap_or_default().to_owned())
            .or_insert(0) += 1;
    }
    Ok(counts)
}

fn kill_and_resume(binary: &Path, config: &Path, out: &Path) -> anyhow::Result<()> {
    let journal = out.join("journal.jsonl");
    let mut child = Command::new(binary)
        .args(["redteam", "run"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()?;
    let deadline = Instant::now() + Duration::from_secs(120);
    loop {
        let lines = std::fs::read_to_string(&journal).map_or(0, |t| t.lines().count());
        if lines > ATTEMPTS / 2 {
            break;
        }
        if Instant::now() > deadline || child.try_wait()?.is_some() {
            bail!("the run ended or stalled before half-way");
        }
        std::thread::sleep(Duration::from_millis(2));
    }
    child.kill()?;
    child.wait()?;
    let before = journal_counts(&journal)?.len();
    let resumed = Command::new(binary)
        .args(["redteam", "run"])
        .arg(config)
        .arg("--out")
        .arg(out)
        .arg("--resume")
        .output()?;
    let stdout = String::from_utf8_lossy(&resumed.stdout);
    let counts = journal_counts(&journal)?;
    let twice = counts.values().filter(|n| **n > 1).count();
    println!(
        "  killed (SIGKILL) with {before} of {ATTEMPTS} attempts journalled; resumed: {}",
        stdout.lines().next().unwrap_or("").trim()
    );
    println!(
        "  journal after resume: {} distinct attempts of {ATTEMPTS} planned, {twice} written more than once → {}",
        counts.len(),
        if counts.len() == ATTEMPTS && twice == 0 {
            "every attempt exactly once"
        } else {
            "NOT exactly once"
        }
    );
    Ok(())
}

/// Runs the red-team benchmark.
pub fn run(root: &Path) -> anyhow::Result<ExitCode> {
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".into()))
        .current_dir(root)
        .args(["build", "--release", "-p", "aims-cli"])
        .status()?;
    if !status.success() {
        bail!("the release build failed");
    }
    let binary = root.join("target/release/aims");
    let dir = std::env::temp_dir().join(format!("aims-bench-redteam-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir)?;
    println!(
        "aims red-team benchmark: release build; runner and lab in separate processes on one {}-core machine, loopback; {ATTEMPTS} single-turn attempts a run",
        std::thread::available_parallelism().map_or(0, |n| n.get())
    );

    let lab = start_lab(&binary, 0)?;
    println!("\nno target latency:");
    for concurrency in [1, 8, 16, 32, 64] {
        let config = write_config(&dir, &lab.1, concurrency, ATTEMPTS)?;
        let m = measure(&binary, &config, &dir.join(format!("zero-{concurrency}")))?;
        println!(
            "  concurrency {concurrency:>3}: {:>7.0} attempts/s (runner {:.3} s, process wall {:.3} s), peak memory {:.1} MiB",
            m.attempts_per_sec, m.runner_secs, m.wall_secs, m.peak_mib
        );
    }
    drop(lab);

    let lab = start_lab(&binary, 200)?;
    println!("\n200 ms target latency:");
    // 3,840 is not a multiple of 512: its last wave is half empty, so even a perfect runner
    // stays at 2,400/s there; 4,096 attempts (8 full waves) show the runner's own overhead.
    for (concurrency, attempts) in [(64, ATTEMPTS), (512, ATTEMPTS), (512, 4096)] {
        let config = write_config(&dir, &lab.1, concurrency, attempts)?;
        let m = measure(
            &binary,
            &config,
            &dir.join(format!("slow-{concurrency}-{attempts}")),
        )?;
        let ceiling = concurrency as f64 / 0.2;
        let waves = attempts.div_ceil(concurrency) as f64;
        let wave_ceiling = attempts as f64 / (waves * 0.2);
        println!(
            "  {attempts} attempts, concurrency {concurrency:>3}: {:>7.1} attempts/s = {:.1}% of the {ceiling:.0}/s ceiling ({:.1}% of {wave_ceiling:.0}/s for {waves:.0} full waves); runner {:.2} s; peak memory {:.1} MiB",
            m.attempts_per_sec,
            100.0 * m.attempts_per_sec / ceiling,
            100.0 * m.attempts_per_sec / wave_ceiling,
            m.runner_secs,
            m.peak_mib
        );
    }
    drop(lab);

    println!("\nkilled half-way, then resumed (5 ms latency, concurrency 64):");
    let lab = start_lab(&binary, 5)?;
    let config = write_config(&dir, &lab.1, 64, ATTEMPTS)?;
    kill_and_resume(&binary, &config, &dir.join("resume"))?;
    drop(lab);
    let _ = std::fs::remove_dir_all(&dir);
    Ok(ExitCode::SUCCESS)
}
