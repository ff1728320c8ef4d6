//! `aims redteam lab`: serve the deliberately vulnerable test target.

use std::process::ExitCode;
use std::time::Duration;

use aims_redteam::lab::{LabConfig, Weaknesses};
use anyhow::Context;
use clap::{Args, ValueEnum};

/// Which weaknesses the lab shows.
#[derive(Debug, Clone, Copy, ValueEnum)]
pub enum Profile {
    /// Every weakness: leaks, obeys injections, decodes encodings, calls any tool…
    Weak,
    /// No weakness: refuses, says when it does not know.
    Hardened,
    /// Repeats every prompt (garak's echo generator).
    Echo,
}

/// `aims redteam lab`.
#[derive(Args, Debug)]
pub struct LabArgs {
    /// Address to listen on; keep it on loopback.
    #[arg(long, default_value = "127.0.0.1:8399")]
    pub bind: String,
    #[arg(long, value_enum, default_value = "weak")]
    pub profile: Profile,
    /// Delay before every reply, in milliseconds.
    #[arg(long, default_value_t = 0)]
    pub latency_ms: u64,
    /// Share of requests answered 429 (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub rate_limited: f64,
    /// Share of requests whose connection is reset mid-reply (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub resets: f64,
    /// Share of requests answered with broken JSON (0 to 1).
    #[arg(long, default_value_t = 0.0)]
    pub malformed: f64,
    /// `Retry-After` seconds sent with a 429.
    #[arg(long, default_value_t = 1)]
    pub retry_after: u64,
    #[arg(long, default_value_t = 0)]
    pub seed: u64,
}

/// Serves the lab until interrupted.
pub async fn serve(args: LabArgs) -> anyhow::Result<ExitCode> {
    for (name, value) in [
        ("--rate-limited", args.rate_limited),
        ("--resets", args.resets),
        ("--malformed", args.malformed),
    ] {
        if !(0.0..=1.0).contains(&value) {
            return Ok(super::usage(format!(
                "{name} must be between 0 and 1, not {value}"
            )));
        }
    }
    if args.rate_limited + args.resets + args.malformed > 0.99 {
        return Ok(super::usage(
            "--rate-limited, --resets and --malformed add up to more than 0.99 (some requests must get through)",
        ));
    }
    let config = LabConfig {
        weaknesses: match args.profile {
            Profile::Weak => Weaknesses::WEAK,
            Profile::Hardened => Weaknesses::HARDENED,
            Profile::Echo => Weaknesses::ECHO,
        },
        latency: Duration::from_millis(args.latency_ms),
        rate_limited: args.rate_limited,
        resets: args.resets,
        malformed: args.malformed,
        retry_after_secs: args.retry_after,
        seed: args.seed,
    };
    let listener = tokio::net::TcpListener::bind(&args.bind)
        .await
        .with_context(|| format!("binding {}", args.bind))?;
    let address = listener.local_addr()?;
    eprintln!(
        "aims red-team LAB: a deliberately vulnerable test target ({:?} profile). Never expose it to users.\n\
         OpenAI-compatible endpoint: http://{address}/v1/chat/completions",
        args.profile
    );
    tokio::select! {
        served = aims_redteam::lab::serve(listener, config) => served.context("serving the lab")?,
        _ = tokio::signal::ctrl_c() => eprintln!("lab stopped"),
    }
    Ok(ExitCode::SUCCESS)
}
