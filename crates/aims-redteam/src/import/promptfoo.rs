//! promptfoo evaluation exports (`promptfoo eval --output results.json`, results version 3,
//! checked against promptfoo 0.121). A failed test is a successful attack; an error row
//! (failure reason 2) has no verdict. Red-team rows name their plugin and strategy in the
//! test case's metadata; plain evaluations fall back to the test's description.

use serde_json::Value;

use super::category_of_owasp;
use crate::RedTeamError;
use crate::detector::Detection;
use crate::journal::{self, JournalContents, RunHeader};
use crate::pack::{Severity, Taxonomy};
use crate::result::{AttemptRecord, Outcome, TurnRecord};
use crate::target::Usage;

/// The OWASP 2025 id of a promptfoo red-team plugin, for the plugins whose subject is clear.
fn owasp_of_plugin(plugin: &str) -> Option<&'static str> {
    let base = plugin.split(':').next().unwrap_or(plugin);
    Some(match base {
        "prompt-extraction" => "LLM07",
        "pii" | "cross-session-leak" => "LLM02",
        "excessive-agency" | "rbac" | "bfla" | "bola" | "shell-injection" | "sql-injection"
        | "ssrf" => "LLM06",
        "hallucination" | "overreliance" | "imitation" => "LLM09",
        "indirect-prompt-injection"
        | "hijacking"
        | "system-prompt-override"
        | "ascii-smuggling" => "LLM01",
        "divergent-repetition" | "reasoning-dos" => "LLM10",
        _ => return None,
    })
}

/// Reads a promptfoo export into our result model.
pub fn from_promptfoo(file: &str, text: &str) -> Result<JournalContents, RedTeamError> {
    let root: Value =
        serde_json::from_str(text).map_err(|err| RedTeamError::invalid(file, err.to_string()))?;
    let rows = root
        .pointer("/results/results")
        .and_then(Value::as_array)
        .ok_or_else(|| RedTeamError::invalid(file, "results.results is missing or not a list"))?;
    let mut ordered: Vec<(u64, u64, usize, &Value)> = rows
        .iter()
        .enumerate()
        .map(|(i, row)| {
            let index = |key: &str| row.get(key).and_then(Value::as_u64).unwrap_or(0);
            (index("testIdx"), index("promptIdx"), i, row)
        })
        .collect();
    // Rows are written as they finish, so their order depends on concurrency.
    ordered.sort_by_key(|(test, prompt, i, _)| (*test, *prompt, *i));
    let mut records = Vec::with_capacity(rows.len());
    for (test_index, _, position, row) in ordered {
        records.push(record(file, position, test_index, row)?);
    }
    let version = root
        .pointer("/metadata/promptfooVersion")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let first_provider = rows.first().and_then(|row| {
        row.pointer("/provider/id")
            .or_else(|| row.pointer("/provider/label"))
            .and_then(Value::as_str)
    });
    let header = RunHeader {
        format: journal::FORMAT,
        run_id: root
            .get("evalId")
            .and_then(Value::as_str)
            .unwrap_or("unknown")
            .to_owned(),
        name: root
            .pointer("/config/description")
            .and_then(Value::as_str)
            .unwrap_or("promptfoo evaluation")
            .to_owned(),
        fingerprint: String::new(),
        started_at: root
            .pointer("/results/timestamp")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        target: first_provider.map_or_else(|| "unknown".into(), |p| format!("promptfoo {p}")),
        planned: records.len(),
        seed: 0,
        tool: format!("promptfoo {version}"),
        system: None,
    };
    Ok(JournalContents {
        header,
        attempts: records,
        complete_len: 0,
    })
}

fn record(
    file: &str,
    position: usize,
    test_index: u64,
    row: &Value,
) -> Result<AttemptRecord, RedTeamError> {
    let at = |message: &str| {
        RedTeamError::invalid(file, format!("results.results[{position}]: {message}"))
    };
    let id = row
        .get("id")
        .and_then(Value::as_str)
        .ok_or_else(|| at("no id"))?
        .to_owned();
    let success = row
        .get("success")
        .and_then(Value::as_bool)
        .ok_or_else(|| at("no success flag"))?;
    let metadata = row.pointer("/testCase/metadata");
    let text_of = |path: &str| {
        metadata
            .and_then(|m| m.pointer(path))
            .and_then(Value::as_str)
    };
    let plugin = text_of("/pluginId");
    let strategy = text_of("/strategyId");
    let probe = plugin
        .map(str::to_owned)
        .or_else(|| {
            row.pointer("/testCase/description")
                .and_then(Value::as_str)
                .map(str::to_owned)
        })
        .unwrap_or_else(|| format!("test-{test_index}"));
    let owasp: Vec<String> = plugin
        .and_then(owasp_of_plugin)
        .map(|id| vec![id.to_owned()])
        .unwrap_or_default();
    let category = owasp
        .first()
        .and_then(|id| category_of_owasp(id))
        .map(str::to_owned)
        .or_else(|| plugin.map(|p| p.split(':').next().unwrap_or(p).to_owned()))
        .unwrap_or_else(|| "evaluation".into());
    let severity = match text_of("/severity") {
        Some("critical") => Severity::Critical,
        Some("high") => Severity::High,
        Some("low") => Severity::Low,
        _ => Severity::Medium,
    };
    let prompt = row
        .pointer("/prompt/raw")
        .and_then(Value::as_str)
        .unwrap_or("")
        .to_owned();
    let answer = match row.pointer("/response/output") {
        Some(Value::String(text)) => text.clone(),
        Some(Value::Null) | None => String::new(),
        Some(other) => other.to_string(),
    };
    let detections: Vec<Detection> = row
        .pointer("/gradingResult/componentResults")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .map(|component| {
            let pass = component
                .get("pass")
                .and_then(Value::as_bool)
                .unwrap_or(true);
            let name = component
                .pointer("/assertion/metric")
                .or_else(|| component.pointer("/assertion/type"))
                .and_then(Value::as_str)
                .unwrap_or("assertion");
            Detection {
                detector: name.to_owned(),
                hit: !pass,
                evidence: (!pass).then(|| {
                    component
                        .get("reason")
                        .and_then(Value::as_str)
                        .unwrap_or("assertion failed")
                        .to_owned()
                }),
            }
        })
        .collect();
    let failure_reason = row
        .get("failureReason")
        .and_then(Value::as_u64)
        .unwrap_or(0);
    let (outcome, error) = if failure_reason == 2 {
        let message = row
            .get("error")
            .and_then(Value::as_str)
            .or_else(|| row.pointer("/response/error").and_then(Value::as_str))
            .unwrap_or("promptfoo recorded an error");
        (Outcome::Error, Some(message.to_owned()))
    } else if success {
        (Outcome::Pass, None)
    } else {
        (Outcome::Fail, None)
    };
    let tokens = |key: &str| {
        row.pointer(&format!("/tokenUsage/{key}"))
            .and_then(Value::as_u64)
            .unwrap_or(0)
    };
    let usage = match (tokens("prompt"), tokens("completion")) {
        (0, 0) => Usage::estimate(&prompt, &answer),
        (input, output) => Usage {
            input_tokens: input,
            output_tokens: output,
            estimated: false,
        },
    };
    Ok(AttemptRecord {
        id,
        probe,
        category,
        severity,
        pack: "promptfoo".into(),
        pack_version: 0,
        converter: strategy.unwrap_or("none").to_owned(),
        repeat: 0,
        taxonomy: Taxonomy {
            owasp,
            ..Taxonomy::default()
        },
        system: None,
        turns: vec![TurnRecord {
            prompt,
            answer,
            tool_calls: Vec::new(),
            detections,
        }],
        failed_turn: (outcome == Outcome::Fail).then_some(0),
        outcome,
        error,
        usage,
        retries: 0,
        elapsed_ms: row.get("latencyMs").and_then(Value::as_u64).unwrap_or(0),
    })
}
