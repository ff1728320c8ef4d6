//! How fast `verify-audit` walks a chain, beside the ceiling SHA-256 sets on this machine.
//!
//! Appends `AIMS_BENCH_EVENTS` (default 200,000) events to one organisation's chain on
//! SQLite, then times: the whole verification as `aims verify-audit` runs it (pages read
//! from the database, every hash recomputed, checkpoints checked); the same events checked
//! in memory (hashing and linkage only); SHA-256 alone over the same bytes in process; and
//! `openssl speed sha256` at the events' mean size, when openssl is installed. Figures only.

// A failed unwrap in a test is a failed test that shows its cause.
#![allow(clippy::unwrap_used)]

use std::sync::Arc;
use std::time::Instant;

use aims_app::domain::audit::{AuditActor, ChainVerifier, CheckpointSigner, NewAuditEvent};
use aims_app::{App, SystemClock};
use sha2::{Digest, Sha256};

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let events: i64 = std::env::var("AIMS_BENCH_EVENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200_000);
    let (store, dir) = aims_store::testing::sqlite().await;
    let app = App::new(store.clone(), Arc::new(SystemClock))
        .with_audit_keys(Some(CheckpointSigner::from_seed([1; 32])), vec![]);
    let org = app.admin_create_org("Bench").await.unwrap().id;
    let started = Instant::now();
    let actor = AuditActor {
        kind: "user".into(),
        id: "01a2381f-b03b-7384-8a48-e6f607ecfcb5".into(),
        label: "someone@example.org".into(),
    };
    let mut appended = 1;
    while appended < events {
        let mut tx = store.write_for(org).await.unwrap();
        for _ in 0..5_000.min(events - appended) {
            let change = serde_json::json!({"title": {"from": "Old title of a risk", "to": "New title"}, "revision": appended});
            let event = NewAuditEvent::new(
                actor.clone(),
                aims_app::domain::audit::AuditAction::RiskUpdated,
                appended,
                change,
            );
            tx.append_audit(org, event, app.now()).await.unwrap();
            appended += 1;
        }
        tx.commit().await.unwrap();
        // A checkpoint every 50,000 events, as a busy organisation would have.
        if appended % 50_000 == 0 {
            app.sign_audit_heads().await.unwrap();
        }
    }
    app.sign_audit_heads().await.unwrap();
    println!(
        "chain of {appended} events appended in {:.1} s",
        started.elapsed().as_secs_f64()
    );

    let mut walks = Vec::new();
    for _ in 0..3 {
        let started = Instant::now();
        let report = app.verify_chain(org).await.unwrap();
        assert!(report.intact(), "{report:?}");
        walks.push(appended as f64 / started.elapsed().as_secs_f64());
    }
    walks.sort_by(f64::total_cmp);

    let mut all = Vec::with_capacity(appended as usize);
    let mut tx = store.read().await.unwrap();
    let mut after = 0;
    loop {
        let page = tx.audit_chain_page(org, after, 10_000).await.unwrap();
        let Some(last) = page.last() else { break };
        after = last.seq;
        all.extend(page);
    }
    drop(tx);
    let started = Instant::now();
    let mut verifier = ChainVerifier::new(org);
    for event in &all {
        verifier.check(event).unwrap();
    }
    let in_memory = all.len() as f64 / started.elapsed().as_secs_f64();

    let bytes: Vec<Vec<u8>> = all.iter().map(|e| e.canonical_bytes()).collect();
    let mean = bytes.iter().map(Vec::len).sum::<usize>() / bytes.len().max(1) + 32;
    let started = Instant::now();
    let mut sink = 0u8;
    for b in &bytes {
        let mut hasher = Sha256::new();
        hasher.update([0u8; 32]);
        hasher.update(b);
        sink ^= hasher.finalize()[0];
    }
    let sha_only = bytes.len() as f64 / started.elapsed().as_secs_f64();
    std::hint::black_box(sink);

    println!();
    println!("verification of {appended} events (mean {mean} bytes hashed per event):");
    println!(
        "  aims verify-audit (SQLite, pages of 1,000, checkpoints)  {:>10.0} events/s  (median of 3; {:.0} to {:.0})",
        walks[1], walks[0], walks[2]
    );
    println!(
        "  the same events in memory (hash + links)                 {in_memory:>10.0} events/s"
    );
    println!(
        "  SHA-256 alone in process (sha2 crate)                    {sha_only:>10.0} events/s"
    );
    match openssl_events_per_second(mean) {
        Some(rate) => println!(
            "  openssl speed sha256 at {mean} bytes                     {rate:>10.0} events/s  (verify-audit at {:.0} % of it)",
            100.0 * walks[1] / rate
        ),
        None => println!("  openssl speed: not available on this machine"),
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// Messages of `size` bytes hashed per second by `openssl speed`, if it runs here.
fn openssl_events_per_second(size: usize) -> Option<f64> {
    let output = std::process::Command::new("openssl")
        .args([
            "speed",
            "-seconds",
            "2",
            "-bytes",
            &size.to_string(),
            "sha256",
        ])
        .output()
        .ok()?;
    let text = String::from_utf8_lossy(&output.stdout);
    // The last line: "sha256   123456.78k" (thousands of bytes per second).
    let line = text
        .lines()
        .rev()
        .find(|l| l.trim_start().starts_with("sha256"))?;
    let kilobytes: f64 = line
        .split_whitespace()
        .last()?
        .trim_end_matches('k')
        .parse()
        .ok()?;
    Some(kilobytes * 1000.0 / size as f64)
}
