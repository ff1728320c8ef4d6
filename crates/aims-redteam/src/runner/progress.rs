//! Counting attempts as they finish, and the progress line drawn from the counts.

use std::io::Write;
use std::sync::Arc;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Instant;

use crate::result::Outcome;

/// Live counts of a run.
#[derive(Debug)]
pub struct Counters {
    planned: usize,
    resumed: usize,
    passed: AtomicUsize,
    failed: AtomicUsize,
    errors: AtomicUsize,
    started: Instant,
}

impl Counters {
    /// Counts for a run of `planned` attempts of which `resumed` were already done.
    pub fn new(planned: usize, resumed: usize) -> Self {
        Self {
            planned,
            resumed,
            passed: AtomicUsize::new(0),
            failed: AtomicUsize::new(0),
            errors: AtomicUsize::new(0),
            started: Instant::now(),
        }
    }

    /// Counts one finished attempt.
    pub fn record(&self, outcome: Outcome) {
        let counter = match outcome {
            Outcome::Pass => &self.passed,
            Outcome::Fail => &self.failed,
            Outcome::Error => &self.errors,
        };
        counter.fetch_add(1, Ordering::Relaxed);
    }

    /// Attempts finished in this run.
    pub fn completed(&self) -> usize {
        self.passed.load(Ordering::Relaxed)
            + self.failed.load(Ordering::Relaxed)
            + self.errors.load(Ordering::Relaxed)
    }

    /// Draws the progress line on standard error.
    pub fn print_line(&self, last: bool) {
        let done = self.completed();
        let total = self.planned;
        let finished = done + self.resumed;
        let width = 30;
        let filled = (finished * width).checked_div(total).unwrap_or(width);
        let rate = done as f64 / self.started.elapsed().as_secs_f64().max(1e-3);
        let mut err = std::io::stderr().lock();
        let _ = write!(
            err,
            "\r[{}{}] {finished}/{total} attempts, {} failed, {} errors, {rate:.0}/s ",
            "#".repeat(filled),
            " ".repeat(width - filled),
            self.failed.load(Ordering::Relaxed),
            self.errors.load(Ordering::Relaxed),
        );
        if last {
            let _ = writeln!(err);
        }
    }
}

/// Redraws the progress line five times a second until aborted.
pub fn spawn(counters: Arc<Counters>) -> tokio::task::JoinHandle<()> {
    tokio::spawn(async move {
        let mut tick = tokio::time::interval(std::time::Duration::from_millis(200));
        loop {
            tick.tick().await;
            counters.print_line(false);
        }
    })
}
