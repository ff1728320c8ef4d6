//! `aims redteam run | report | compare | import`.

use std::io::IsTerminal;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};

use aims_redteam::RedTeamError;
use aims_redteam::config::{RunConfig, Thresholds};
use aims_redteam::journal::{self, JournalLine, JournalWriter};
use aims_redteam::pack::ProbeLibrary;
use aims_redteam::report::{self, Summary};
use aims_redteam::runner::{self, JOURNAL_FILE, RunRequest};

use super::{RunArgs, UploadArgs, usage};

/// What the user got wrong is exit code 2; anything else is a failure of the run itself.
fn exit_for(err: RedTeamError) -> anyhow::Result<ExitCode> {
    match err {
        RedTeamError::Invalid { .. } | RedTeamError::Resume(_) | RedTeamError::Target(_) => {
            Ok(usage(err))
        }
        other => Err(other.into()),
    }
}

fn library_for(config: &RunConfig, config_path: &Path) -> Result<ProbeLibrary, RedTeamError> {
    let mut library = if config.probes.builtin {
        ProbeLibrary::shipped()?
    } else {
        ProbeLibrary::default()
    };
    let base = config_path.parent().unwrap_or(Path::new("."));
    for pack in &config.probes.packs {
        library.add_path(&base.join(pack))?;
    }
    Ok(library)
}

fn slug(name: &str) -> String {
    let slug: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() {
                c.to_ascii_lowercase()
            } else {
                '-'
            }
        })
        .collect();
    let slug = slug.trim_matches('-').to_owned();
    if slug.is_empty() { "run".into() } else { slug }
}

/// `aims redteam run`.
pub async fn run(args: RunArgs) -> anyhow::Result<ExitCode> {
    let mut config = match RunConfig::load(&args.run_config) {
        Ok(config) => config,
        Err(err) => return exit_for(err),
    };
    if let Some(seed) = args.seed {
        config.seed = seed;
    }
    if let Some(concurrency) = args.concurrency {
        if concurrency == 0 || concurrency > 4096 {
            return Ok(usage("--concurrency must be 1 to 4096"));
        }
        config.runner.concurrency = concurrency;
    }
    let library = match library_for(&config, &args.run_config) {
        Ok(library) => library,
        Err(err) => return exit_for(err),
    };
    let out = args
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from("redteam-runs").join(slug(&config.name)));
    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = Arc::clone(&cancel);
        tokio::spawn(async move {
            if tokio::signal::ctrl_c().await.is_ok() {
                eprintln!(
                    "\nstopping: finishing the attempts in flight (resume later with --resume)"
                );
                cancel.store(true, Ordering::Relaxed);
            }
        });
    }
    let result = runner::run(RunRequest {
        config: &config,
        library: &library,
        out_dir: &out,
        resume: args.resume,
        progress: args.progress || std::io::stderr().is_terminal(),
        cancel,
        tool: format!("aims {}", env!("CARGO_PKG_VERSION")),
    })
    .await;
    let result = match result {
        Ok(result) => result,
        Err(err) => return exit_for(err),
    };
    let (summary, files) =
        report::write_reports(&result.journal, &config.thresholds, config.cost.as_ref())?;
    if args.format == "json" {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        let rate = result.completed as f64 / result.elapsed.as_secs_f64().max(1e-9);
        println!(
            "{} attempts now, {} from before, of {} planned, in {:.3} s ({rate:.0} attempts/s)",
            result.completed,
            result.resumed,
            result.planned,
            result.elapsed.as_secs_f64()
        );
        print_summary(&summary, &files);
        if result.interrupted {
            println!(
                "interrupted: finish with `aims redteam run {} --out {} --resume`",
                args.run_config.display(),
                out.display()
            );
        }
    }
    if args.upload.server.is_some()
        && let Err(code) = send(
            &args.upload,
            config.system.as_deref(),
            &result.journal,
            &config.thresholds,
        )
        .await
    {
        return Ok(code);
    }
    Ok(ExitCode::from(summary.verdict.exit_code()))
}

/// Uploads a journal; a refusal is reported and becomes exit code 2 (usage) or 1.
async fn send(
    to: &UploadArgs,
    config_system: Option<&str>,
    journal: &Path,
    thresholds: &Thresholds,
) -> Result<(), ExitCode> {
    let Some(server) = to.server.clone() else {
        return Err(usage("--upload needs the server's address"));
    };
    let Some(system) = to.system.clone().or(config_system.map(str::to_owned)) else {
        return Err(usage(
            "--upload needs --system (or `system` in the run config)",
        ));
    };
    let Ok(token) = std::env::var("AIMS_API_TOKEN") else {
        return Err(usage(
            "--upload needs an API token in the AIMS_API_TOKEN environment variable",
        ));
    };
    let target = aims_redteam::upload::UploadTarget {
        server,
        system,
        token,
    };
    match aims_redteam::upload::upload(&target, journal, thresholds).await {
        Ok(run) => {
            println!(
                "recorded on {} as run {} (evidence {})",
                target.server,
                run["id"].as_str().unwrap_or("?"),
                run["evidence"].as_str().unwrap_or("?")
            );
            Ok(())
        }
        Err(err) => {
            eprintln!("error: {err}");
            Err(ExitCode::FAILURE)
        }
    }
}

/// `aims redteam upload`.
pub async fn upload_command(
    run: &Path,
    to: &UploadArgs,
    config: Option<&Path>,
) -> anyhow::Result<ExitCode> {
    let (thresholds, system) = match config.map(RunConfig::load).transpose() {
        Ok(Some(config)) => (config.thresholds, config.system),
        Ok(None) => (Thresholds::default(), None),
        Err(err) => return exit_for(err),
    };
    match send(to, system.as_deref(), &journal_path(run), &thresholds).await {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(code) => Ok(code),
    }
}

fn print_summary(summary: &Summary, files: &[PathBuf]) {
    let t = &summary.totals;
    println!(
        "run {} ({}): {} judged, {} attacks succeeded, {} errors, {} not carried out",
        summary.run.run_id, summary.run.name, t.judged, t.failed, t.errors, t.missing
    );
    println!(
        "attack success rate {:.1}% (95% interval {:.1}–{:.1}%)",
        t.attack_success.value * 100.0,
        t.attack_success.low * 100.0,
        t.attack_success.high * 100.0
    );
    println!(
        "  {:<36} {:>7} {:>9} {:>7}",
        "category", "judged", "succeeded", "rate"
    );
    for c in &summary.categories {
        let flag = if c.exceeded { "  over threshold" } else { "" };
        println!(
            "  {:<36} {:>7} {:>9} {:>6.1}%{flag}",
            c.name,
            c.judged,
            c.failed,
            c.attack_success.value * 100.0
        );
    }
    let usage = &summary.usage;
    println!(
        "tokens: {} in, {} out{}{}; {} retries",
        usage.input_tokens,
        usage.output_tokens,
        if usage.estimated {
            " (partly estimated)"
        } else {
            ""
        },
        usage
            .cost
            .map(|c| format!(", cost {c:.4} {}", usage.currency.as_deref().unwrap_or("")))
            .unwrap_or_default(),
        usage.retries
    );
    println!("verdict: {:?}", summary.verdict);
    for reason in &summary.reasons {
        println!("  - {reason}");
    }
    let names: Vec<String> = files.iter().map(|f| f.display().to_string()).collect();
    println!("reports: {}", names.join(", "));
}

/// A run folder or journal path, as the journal's path.
fn journal_path(run: &Path) -> PathBuf {
    if run.is_dir() {
        run.join(JOURNAL_FILE)
    } else {
        run.to_owned()
    }
}

/// `aims redteam report`.
pub fn report(run: &Path, config: Option<&Path>, format: &str) -> anyhow::Result<ExitCode> {
    let (thresholds, cost) = match config.map(RunConfig::load).transpose() {
        Ok(Some(config)) => (config.thresholds, config.cost),
        Ok(None) => (Thresholds::default(), None),
        Err(err) => return exit_for(err),
    };
    let (summary, files) =
        match report::write_reports(&journal_path(run), &thresholds, cost.as_ref()) {
            Ok(done) => done,
            Err(err) => return exit_for(err),
        };
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&summary)?);
    } else {
        print_summary(&summary, &files);
    }
    Ok(ExitCode::from(summary.verdict.exit_code()))
}

/// `aims redteam compare`.
pub fn compare(base: &Path, new: &Path, tolerance: f64, format: &str) -> anyhow::Result<ExitCode> {
    if !(0.0..=1.0).contains(&tolerance) {
        return Ok(usage("--tolerance must be a fraction between 0 and 1"));
    }
    let read = |path: &Path| journal::read(&journal_path(path));
    let (base, new) = match (read(base), read(new)) {
        (Ok(base), Ok(new)) => (base, new),
        (Err(err), _) | (_, Err(err)) => return exit_for(err),
    };
    let comparison = aims_redteam::compare::compare(&base, &new, tolerance);
    if format == "json" {
        println!("{}", serde_json::to_string_pretty(&comparison)?);
    } else {
        println!("base {} → new {}", comparison.base_run, comparison.new_run);
        println!("  {:<44} {:>8} {:>8} {:>8}", "", "base", "new", "change");
        let line = |m: &aims_redteam::compare::Movement| {
            println!(
                "  {:<44} {:>7.1}% {:>7.1}% {:>+7.1}%{}",
                m.name,
                m.base.value * 100.0,
                m.new.value * 100.0,
                m.delta * 100.0,
                if m.regressed { "  REGRESSION" } else { "" }
            );
        };
        line(&comparison.overall);
        comparison.categories.iter().for_each(line);
        comparison
            .probes
            .iter()
            .filter(|m| m.regressed)
            .for_each(line);
        println!(
            "{} attempts newly failing, {} newly passing",
            comparison.newly_failing.len(),
            comparison.newly_passing.len()
        );
        for id in comparison.newly_failing.iter().take(20) {
            println!("  now failing: {id}");
        }
    }
    Ok(if comparison.regressed {
        ExitCode::from(3)
    } else {
        ExitCode::SUCCESS
    })
}

/// `aims redteam import`.
pub fn import(file: &Path, out: &Path) -> anyhow::Result<ExitCode> {
    let (format, contents) = match aims_redteam::import::import(file) {
        Ok(imported) => imported,
        Err(err) => return exit_for(err),
    };
    std::fs::create_dir_all(out)?;
    let path = out.join(JOURNAL_FILE);
    let mut writer = match JournalWriter::create(&path, &contents.header) {
        Ok(writer) => writer,
        Err(err) => return exit_for(err),
    };
    for record in &contents.attempts {
        writer.append(&JournalLine::Attempt(Box::new(record.clone())))?;
    }
    writer.flush()?;
    drop(writer);
    let (summary, files) = report::write_reports(&path, &Thresholds::default(), None)?;
    println!(
        "imported a {format:?} report: {} attempts",
        contents.attempts.len()
    );
    print_summary(&summary, &files);
    Ok(ExitCode::SUCCESS)
}

/// `aims redteam cancel JOB --server URL`.
pub async fn cancel(job: &str, server: &str) -> anyhow::Result<ExitCode> {
    let Ok(token) = std::env::var("AIMS_API_TOKEN") else {
        return Ok(usage(
            "cancel needs an API token in the AIMS_API_TOKEN environment variable",
        ));
    };
    match aims_redteam::upload::cancel_job(server, &token, job).await {
        Ok(status) => {
            println!(
                "run {job}: {}",
                match status["state"].as_str() {
                    Some("running") => "stopping within seconds; nothing will be recorded",
                    _ => "cancelled",
                }
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(err) => {
            eprintln!("error: {err}");
            Ok(ExitCode::FAILURE)
        }
    }
}
