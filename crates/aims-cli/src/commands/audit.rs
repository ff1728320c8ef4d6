//! `aims verify-audit` and `aims audit-key`: checking the trail and its signed checkpoints,
//! handing a signed head to an auditor, and rotating the signing key.

use std::process::ExitCode;

use aims_app::ChainReport;
use anyhow::Context;
use serde_json::json;

use super::{open_current, org_id};
use crate::audit_keys;
use crate::settings::{AuditKeyCommand, Settings};

/// `aims verify-audit`: 0 when every chain and its checkpoints verify, 1 naming the first
/// event or checkpoint that does not. With `--export-head` it prints the organisation's
/// latest signed head; with `--against LINE` it checks the trail still leads through it.
pub async fn verify(
    settings: &Settings,
    org: Option<&str>,
    format: &str,
    export_head: bool,
    against: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let app = open_current(settings).await?;
    if let Some(line) = against {
        let checked = app.check_signed_head(line).await;
        app.store().close().await;
        return Ok(match checked {
            Ok(head) => {
                println!(
                    "ok      the trail of {} still leads through event #{} signed on {}",
                    head.org, head.seq, head.signed_at
                );
                ExitCode::SUCCESS
            }
            Err(err) => {
                println!("BROKEN  {err}");
                ExitCode::from(1)
            }
        });
    }
    if export_head {
        let org = org.context("--export-head needs --org")?;
        let head = app.latest_signed_head(org_id(org)?).await?;
        println!("{}", head.to_line());
        app.store().close().await;
        return Ok(ExitCode::SUCCESS);
    }
    let reports = match org {
        Some(org) => vec![
            app.verify_chain(org_id(org)?)
                .await
                .context("no such organisation")?,
        ],
        None => app.verify_all_chains().await?,
    };
    let intact = reports.iter().all(ChainReport::intact);
    if format == "json" {
        let out: Vec<_> = reports.iter().map(report_json).collect();
        println!("{}", serde_json::to_string_pretty(&out)?);
    } else {
        for r in &reports {
            print_report(r);
        }
        println!(
            "{} organisation(s) checked: {}",
            reports.len(),
            if intact {
                "all chains intact"
            } else {
                "tampering detected"
            }
        );
    }
    app.store().close().await;
    Ok(if intact {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

fn report_json(r: &ChainReport) -> serde_json::Value {
    let c = &r.checkpoints;
    json!({
        "org": r.org.to_string(), "name": r.org_name, "intact": r.intact(),
        "verified_events": r.verified, "head_hash": r.head,
        "first_broken": r.broken.as_ref().map(|b| json!({"seq": b.seq, "id": b.id, "reason": b.reason})),
        "timed_before_predecessor": r.timed_before_predecessor,
        "checkpoints": {
            "checked": c.checked, "verified": c.verified,
            "latest": c.latest.as_ref().map(|l| json!({"seq": l.seq, "signed_at": l.signed_at.to_string(), "key": l.key_id})),
            "events_after_latest": c.events_after_latest,
            "broken": c.broken,
        },
    })
}

fn print_report(r: &ChainReport) {
    match (&r.broken, &r.checkpoints.broken) {
        (Some(b), _) => println!(
            "BROKEN  {} ({}): {} events verified, then {b}",
            r.org, r.org_name, r.verified
        ),
        (None, Some(why)) => println!(
            "BROKEN  {} ({}): the chain of {} events verifies, but {why}",
            r.org, r.org_name, r.verified
        ),
        (None, None) => {
            let c = &r.checkpoints;
            let signed = match (&c.latest, c.checked) {
                (_, false) => "checkpoints not checked: no audit key is configured".to_owned(),
                (None, true) => "no signed checkpoint yet".to_owned(),
                (Some(latest), true) => format!(
                    "{} checkpoint(s) verified, the latest at #{} signed on {}; {} event(s) since",
                    c.verified, latest.seq, latest.signed_at, c.events_after_latest
                ),
            };
            println!(
                "ok      {} ({}): {} events verified; {signed}",
                r.org, r.org_name, r.verified
            );
        }
    }
    if let Some(first) = r.timed_before_predecessor.first() {
        println!(
            "        note: {} event(s) timed before the event they follow, first #{first} \
             (recorded by an earlier version of aims, or edited)",
            r.timed_before_predecessor.len()
        );
    }
}

/// `aims audit-key show|rotate`.
pub fn key(command: AuditKeyCommand, settings: &Settings) -> anyhow::Result<ExitCode> {
    match command {
        AuditKeyCommand::Show => {
            let signer = audit_keys::signer(settings, false)?.context(
                "no audit signing key yet: `aims serve` or `aims worker` makes one at first start",
            )?;
            println!("{}", signer.public());
            for key in audit_keys::trusted(settings)? {
                println!("{key}   (earlier key, still trusted)");
            }
        }
        AuditKeyCommand::Rotate => {
            anyhow::ensure!(
                std::env::var_os("AIMS_AUDIT_SIGNING_KEY").is_none(),
                "the signing key comes from AIMS_AUDIT_SIGNING_KEY: rotate it there, and add the \
                 old public key to AIMS_AUDIT_TRUSTED_KEYS"
            );
            let old = audit_keys::signer(settings, false)?;
            let new = audit_keys::generate()?;
            if let Some(old) = &old {
                let path = audit_keys::trusted_file(settings);
                let mut text = std::fs::read_to_string(&path).unwrap_or_default();
                text.push_str(&format!("{}\n", old.public()));
                audit_keys::write_private(&path, text.trim_end())?;
            }
            audit_keys::write_private(&audit_keys::key_file(settings), &new.seed_hex())?;
            println!("{}", new.public());
            println!(
                "new signing key {}; restart the processes that sign (aims serve, aims worker)",
                new.public().id()
            );
        }
    }
    Ok(ExitCode::SUCCESS)
}
