//! `aims redteam ...`: the red-team engine on the command line, usable from CI without a server.
//!
//! Exit codes: 0 pass, 2 bad usage or config, 3 thresholds exceeded (or a regression in
//! `compare`), 4 run errors (attempts without a verdict), 1 anything else.

mod lab;
mod probes;
mod run;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Args, Subcommand};

/// `aims redteam ...`.
#[derive(Subcommand, Debug)]
pub enum RedteamCommand {
    /// Run the probes a config file selects against its target; writes the journal and reports.
    Run(RunArgs),
    /// Probe packs: list, show one, validate your own.
    #[command(subcommand)]
    Probes(ProbesCommand),
    /// Write the reports (summary, JUnit, SARIF, HTML) of a journal again, e.g. with other thresholds.
    Report {
        /// A run folder or its journal.jsonl.
        run: PathBuf,
        /// The run config whose thresholds and prices apply.
        #[arg(long)]
        run_config: Option<PathBuf>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Compare two runs; exits 3 when the new one is worse.
    Compare {
        /// The earlier run (folder or journal).
        base: PathBuf,
        /// The later run (folder or journal).
        new: PathBuf,
        /// How much worse (a fraction, e.g. 0.02) a rate may get before it counts as a regression.
        #[arg(long, default_value_t = 0.0)]
        tolerance: f64,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// Import a garak report (.report.jsonl) or a promptfoo export (.json) as a run.
    Import {
        /// The report file.
        file: PathBuf,
        /// Folder to write the run (journal and reports) into.
        #[arg(long)]
        out: PathBuf,
    },
    /// Record a finished run on an aims server against an AI system (token in AIMS_API_TOKEN).
    Upload {
        /// A run folder or its journal.jsonl.
        run: PathBuf,
        #[command(flatten)]
        to: UploadArgs,
        /// The run config whose thresholds apply.
        #[arg(long)]
        run_config: Option<PathBuf>,
    },
    /// Cancel a run that an aims server carries out (token in AIMS_API_TOKEN): a queued one
    /// ends at once, a running one within seconds, recording nothing.
    Cancel {
        /// The job's id, as `POST /api/v1/systems/{id}/redteam-jobs` or the system's page gives it.
        job: String,
        /// The aims server, e.g. https://aims.example.org.
        #[arg(long)]
        server: String,
    },
    /// Serve the deliberately vulnerable lab target (for tests and demos only).
    Lab(lab::LabArgs),
}

/// Where a run is recorded.
#[derive(Args, Debug)]
pub struct UploadArgs {
    /// The aims server, e.g. https://aims.example.org.
    #[arg(long = "upload", value_name = "SERVER")]
    pub server: Option<String>,
    /// The AI system's id in aims [default: the config's `system`].
    #[arg(long)]
    pub system: Option<String>,
}

/// `aims redteam run`.
#[derive(Args, Debug)]
pub struct RunArgs {
    /// The run config (YAML, or TOML with a .toml extension).
    #[arg(value_name = "RUN_CONFIG")]
    pub run_config: PathBuf,
    /// Folder for the journal and reports [default: redteam-runs/<config name>].
    #[arg(long)]
    pub out: Option<PathBuf>,
    /// Finish the interrupted run in --out instead of starting a new one.
    #[arg(long)]
    pub resume: bool,
    /// Override the config's seed.
    #[arg(long)]
    pub seed: Option<u64>,
    /// Override the config's concurrency.
    #[arg(long)]
    pub concurrency: Option<usize>,
    /// Draw a progress line even when standard error is not a terminal.
    #[arg(long)]
    pub progress: bool,
    /// `text` or `json` (the summary).
    #[arg(long, default_value = "text")]
    pub format: String,
    /// Record the finished run on an aims server (token in AIMS_API_TOKEN).
    #[command(flatten)]
    pub upload: UploadArgs,
}

/// `aims redteam probes ...`.
#[derive(Subcommand, Debug)]
pub enum ProbesCommand {
    /// Every probe: id, category, severity, OWASP and ATLAS ids.
    List {
        /// Further pack files or folders to load.
        #[arg(long)]
        pack: Vec<PathBuf>,
        /// `text` or `json`.
        #[arg(long, default_value = "text")]
        format: String,
    },
    /// One probe in full.
    Show {
        id: String,
        #[arg(long)]
        pack: Vec<PathBuf>,
    },
    /// Check pack files (with the shipped packs, so ids may not clash).
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
}

/// Runs one red-team command.
pub async fn run(command: RedteamCommand) -> anyhow::Result<ExitCode> {
    match command {
        RedteamCommand::Run(args) => run::run(args).await,
        RedteamCommand::Probes(command) => probes::run(command),
        RedteamCommand::Report {
            run,
            run_config,
            format,
        } => run::report(&run, run_config.as_deref(), &format),
        RedteamCommand::Compare {
            base,
            new,
            tolerance,
            format,
        } => run::compare(&base, &new, tolerance, &format),
        RedteamCommand::Import { file, out } => run::import(&file, &out),
        RedteamCommand::Upload {
            run,
            to,
            run_config,
        } => run::upload_command(&run, &to, run_config.as_deref()).await,
        RedteamCommand::Cancel { job, server } => run::cancel(&job, &server).await,
        RedteamCommand::Lab(args) => lab::serve(args).await,
    }
}

/// A usage error: exit code 2 with the message.
pub fn usage(message: impl std::fmt::Display) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(2)
}
