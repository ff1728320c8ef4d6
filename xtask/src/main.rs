//! `cargo xtask`: the project's own test and benchmark driver.
//!
//! - `cargo xtask test`: every test (unit, store contract on SQLite and PostgreSQL, HTTP
//!   integration, CLI, browser), then a summary of what ran and what was skipped and why.
//!   With `AIMS_REQUIRE_ALL` set (CI), any skip is a failure.
//! - `cargo xtask fuzz [--minutes N] [TARGET...]`: every parser of outside input under
//!   libFuzzer (nightly), executions and findings per target.
//! - `cargo xtask contract`: only the API contract run (schemathesis) of `test`.
//! - `cargo xtask bench http`: throughput, latency and memory of a release build.
//! - `cargo xtask bench spine`: the management system's pages over a generated data set.
//! - `cargo xtask bench mail`: notification emails through a local SMTP server.
//! - `cargo xtask bench redteam`: the red-team runner against the lab target.
//! - `cargo xtask bench audit`: audit chain verification beside the SHA-256 ceiling.

mod axe;
mod bench;
mod bench_load;
mod bench_mail;
mod bench_redteam;
mod bench_spine;
mod contract;
mod fuzz;
mod test;

use std::process::ExitCode;

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("test") => test::run(&args[1..]),
        Some("bench") => bench::run(&args[1..]),
        Some("contract") => test::contract_only(),
        Some("fuzz") => fuzz::run(&args[1..]),
        _ => {
            eprintln!(
                "usage: cargo xtask test [-- cargo test args]\n       cargo xtask contract\n       cargo xtask fuzz [--minutes N] [TARGET...]\n       cargo xtask bench http | audit | redteam | mail [--emails N] | spine [--systems N] [--risks N] [--evidence N] [--documents N] [--tasks N] [--people N] [--measurements N] [--engine sqlite|postgres]"
            );
            return ExitCode::from(2);
        }
    };
    match result {
        Ok(code) => code,
        Err(err) => {
            eprintln!("xtask: {err:#}");
            ExitCode::FAILURE
        }
    }
}
