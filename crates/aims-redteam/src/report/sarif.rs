//! SARIF 2.1.0: one rule per probe, one result per successful attack, so code-scanning
//! dashboards can track red-team findings beside static analysis.

use std::collections::BTreeMap;

use serde_json::{Value, json};

use super::Summary;
use super::junit::failure_text;
use crate::journal::JournalContents;
use crate::pack::Severity;
use crate::result::Outcome;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The SARIF log of a run.
pub fn sarif_log(contents: &JournalContents, summary: &Summary) -> Value {
    let mut rules: BTreeMap<&str, Value> = BTreeMap::new();
    for probe in &summary.probes {
        let severity = probe.severity.unwrap_or(Severity::Medium);
        rules.insert(
            probe.name.as_str(),
            json!({
                "id": probe.name,
                "name": rule_name(&probe.name),
                "shortDescription": {"text": format!("Red-team probe {}", probe.name)},
                "fullDescription": {"text": format!(
                    "Category {}; attack success {:.1}% ({} of {} judged attempts).",
                    probe.category.as_deref().unwrap_or("unknown"),
                    probe.attack_success.value * 100.0,
                    probe.failed,
                    probe.judged
                )},
                "defaultConfiguration": {"level": level(severity)},
                "properties": {
                    "tags": probe.taxonomy.tags(),
                    "security-severity": security_severity(severity),
                    "precision": "high"
                }
            }),
        );
    }
    let rule_ids: Vec<&str> = rules.keys().copied().collect();
    let results: Vec<Value> = contents
        .attempts
        .iter()
        .filter(|r| r.outcome == Outcome::Fail)
        .map(|record| {
            let (message, _) = failure_text(record);
            let rule_index = rule_ids
                .iter()
                .position(|id| *id == record.probe)
                .unwrap_or(0);
            json!({
                "ruleId": record.probe,
                "ruleIndex": rule_index,
                "level": level(record.severity),
                "message": {"text": message},
                "locations": [{
                    "logicalLocations": [{
                        "name": summary.run.target,
                        "kind": "resource"
                    }]
                }],
                "partialFingerprints": {"attemptId/v1": record.id},
                "properties": {
                    "converter": record.converter,
                    "category": record.category,
                    "failedTurn": record.failed_turn,
                    "tags": record.taxonomy.tags()
                }
            })
        })
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "aims redteam",
                "semanticVersion": env!("CARGO_PKG_VERSION"),
                "rules": rules.into_values().collect::<Vec<_>>()
            }},
            "automationDetails": {"id": format!("aims-redteam/{}/{}", summary.run.name, summary.run.run_id)},
            "invocations": [invocation(summary)],
            "results": results,
            "properties": {
                "attackSuccessRate": summary.totals.attack_success.value,
                "judged": summary.totals.judged,
                "failed": summary.totals.failed,
                "errors": summary.totals.errors,
                "journalSha256": summary.journal_sha256,
                "verdict": summary.verdict
            }
        }]
    })
}

fn invocation(summary: &Summary) -> Value {
    let mut invocation = json!({
        "executionSuccessful": summary.totals.errors == 0 && summary.totals.missing == 0
    });
    // Imported reports may carry a time without a zone (garak writes local time), which
    // SARIF does not accept; such a time is left out rather than guessed.
    let started = &summary.run.started_at;
    if time::OffsetDateTime::parse(started, &time::format_description::well_known::Rfc3339).is_ok()
    {
        invocation["startTimeUtc"] = json!(started);
    }
    invocation
}

/// A rule's name in PascalCase from its probe id (`jailbreak.role-play` → `JailbreakRolePlay`).
fn rule_name(id: &str) -> String {
    id.split(['.', '-'])
        .filter(|part| !part.is_empty())
        .map(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .map(|first| first.to_uppercase().chain(chars).collect::<String>())
                .unwrap_or_default()
        })
        .collect()
}

fn level(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "note",
        Severity::Medium => "warning",
        Severity::High | Severity::Critical => "error",
    }
}

/// The 0–10 score code-scanning tools sort by.
fn security_severity(severity: Severity) -> &'static str {
    match severity {
        Severity::Low => "3.0",
        Severity::Medium => "5.5",
        Severity::High => "8.0",
        Severity::Critical => "9.5",
    }
}
