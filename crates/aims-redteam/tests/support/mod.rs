//! Shared by the integration tests: a lab on loopback, run configs, the fixtures folder.

#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::AtomicBool;

use aims_redteam::config::RunConfig;
use aims_redteam::journal::{self, JournalContents};
use aims_redteam::lab::{LabConfig, serve};
use aims_redteam::pack::ProbeLibrary;
use aims_redteam::runner::{RunRequest, RunResult, run};

/// Starts a lab on a free loopback port; returns its chat completions address.
pub async fn start_lab(config: LabConfig) -> String {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let address = listener.local_addr().unwrap();
    tokio::spawn(serve(listener, config));
    format!("http://{address}/v1/chat/completions")
}

/// A run config against an OpenAI-compatible address, with extra YAML lines.
pub fn openai_config(url: &str, extra: &str) -> RunConfig {
    let text =
        format!("name: test run\ntarget:\n  kind: openai\n  url: {url}\n  model: lab\n{extra}");
    RunConfig::parse("test.yaml", &text, false).unwrap()
}

/// A run of `config` with `library` into `out`, without progress line or cancellation.
pub fn request<'a>(
    config: &'a RunConfig,
    library: &'a ProbeLibrary,
    out: &'a std::path::Path,
    resume: bool,
) -> RunRequest<'a> {
    RunRequest {
        config,
        library,
        out_dir: out,
        resume,
        progress: false,
        cancel: Arc::new(AtomicBool::new(false)),
        tool: "aims test".into(),
    }
}

/// Carries out a run into `out` with the shipped packs.
pub async fn run_into(config: &RunConfig, out: &std::path::Path, resume: bool) -> RunResult {
    let library = ProbeLibrary::shipped().unwrap();
    run(request(config, &library, out, resume)).await.unwrap()
}

/// Reads a run's journal.
pub fn journal_of(result: &RunResult) -> JournalContents {
    journal::read(&result.journal).unwrap()
}

/// A fresh temporary folder, removed by the caller's `TempDir` drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(name: &str) -> Self {
        let dir = std::env::temp_dir().join(format!("aims-redteam-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        Self(dir)
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

/// The shared fixtures folder, or `None` (with the reason logged) where it is absent.
pub fn fixtures(sub: &str) -> Option<PathBuf> {
    let dir = std::env::var_os("AIMS_FIXTURES")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../../shared/fixtures")
        });
    if dir.join(sub).is_dir() {
        return Some(dir.join(sub));
    }
    let reason = format!(
        "red-team {sub} fixture tests: no fixtures folder at {} (set AIMS_FIXTURES)",
        dir.display()
    );
    assert!(
        std::env::var_os("AIMS_REQUIRE_ALL").is_none(),
        "skipping is not allowed here: {reason}"
    );
    eprintln!("skipped: {reason}");
    if let Some(log) = std::env::var_os("AIMS_SKIP_LOG") {
        use std::io::Write;
        if let Ok(mut file) = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log)
        {
            let _ = writeln!(file, "{reason}");
        }
    }
    None
}
