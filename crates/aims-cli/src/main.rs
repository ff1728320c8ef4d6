//! `aims`: the one binary. Serves the web interface and API, runs background workers,
//! migrates, verifies the audit trail, backs up and restores, and administers accounts.

mod audit_keys;
mod commands;
mod private_files;
mod settings;

use std::process::ExitCode;

use clap::Parser;

use crate::settings::Cli;

// A request allocates and frees many small rows and strings: with glibc's allocator a
// quarter of the server's time under load went to malloc and free (perf, spine bench).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Hands the calling thread's free allocator pages back to the system, after a one-off
/// build whose memory would otherwise stay resident for the life of the process.
#[allow(unsafe_code)]
pub(crate) fn return_free_memory() {
    // SAFETY: `mi_collect` takes no pointers and may be called from any thread at any time.
    unsafe { libmimalloc_sys::mi_collect(true) }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let settings = match cli.settings() {
        Ok(settings) => settings,
        Err(err) => {
            eprintln!("error: {err:#}");
            return ExitCode::from(2);
        }
    };
    settings::init_logging(&settings);
    if cli.command.uses_the_data_folder() {
        private_files::for_new_files();
    }
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
    {
        Ok(runtime) => runtime,
        Err(err) => {
            eprintln!("error: cannot start the async runtime: {err}");
            return ExitCode::FAILURE;
        }
    };
    match runtime.block_on(commands::run(cli.command, settings)) {
        Ok(code) => code,
        Err(err) => {
            eprintln!("error: {}", aims_app::causes(err.as_ref()));
            ExitCode::FAILURE
        }
    }
}
