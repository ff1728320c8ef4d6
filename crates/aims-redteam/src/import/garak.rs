//! garak JSONL reports (checked against garak 0.17.1).
//!
//! Each attempt appears twice: status 1 after generation, status 2 after detection; only the
//! second has verdicts. Detector scores are per output; a score at or above the run's
//! threshold (0.5 unless the setup says otherwise) is a hit. Tags live in the plugin cache,
//! with OWASP ids in the 2023 numbering, which are translated to 2025 here.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use super::category_of_owasp;
use crate::RedTeamError;
use crate::detector::{Detection, truncate};
use crate::journal::{self, JournalContents, RunHeader};
use crate::pack::{Severity, Taxonomy};
use crate::result::{AttemptRecord, Outcome, TurnRecord};
use crate::target::Usage;

/// The 2025 id(s) for a garak `owasp:llmNN` tag (2023 numbering).
pub fn owasp_2023_to_2025(tag: &str) -> &'static [&'static str] {
    match tag.to_ascii_lowercase().as_str() {
        "llm01" => &["LLM01"],          // prompt injection
        "llm02" => &["LLM05"],          // insecure output handling → improper output handling
        "llm03" => &["LLM04"],          // training data poisoning → data and model poisoning
        "llm04" => &["LLM10"],          // model denial of service → unbounded consumption
        "llm05" => &["LLM03"],          // supply chain
        "llm06" => &["LLM02"],          // sensitive information disclosure
        "llm07" => &["LLM06", "LLM05"], // insecure plugin design → excessive agency, output handling
        "llm08" => &["LLM06"],          // excessive agency
        "llm09" => &["LLM09"],          // overreliance → misinformation
        "llm10" => &["LLM10"],          // model theft → unbounded consumption (model extraction)
        _ => &[],
    }
}

/// garak modules whose 2023 tag does not say what they test, mapped by what they do.
fn owasp_override(module: &str) -> Option<&'static [&'static str]> {
    match module {
        "sysprompt_extraction" => Some(&["LLM07"]),
        "leakreplay" => Some(&["LLM02"]),
        "packagehallucination" => Some(&["LLM09"]),
        _ => None,
    }
}

/// Reads a garak report into our result model.
pub fn from_garak(file: &str, text: &str) -> Result<JournalContents, RedTeamError> {
    let mut setup = Value::Null;
    let mut init = Value::Null;
    let mut tags: HashMap<String, Vec<String>> = HashMap::new();
    let mut attempts: BTreeMap<(u64, String), Value> = BTreeMap::new();
    let mut order: HashMap<String, u64> = HashMap::new();
    for (number, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = serde_json::from_str(line)
            .map_err(|err| RedTeamError::invalid(file, format!("line {}: {err}", number + 1)))?;
        match row.get("entry_type").and_then(Value::as_str) {
            Some("start_run setup") => setup = row,
            Some("init") => init = row,
            Some("plugin_cache") => {
                let probes = row
                    .pointer("/plugin_cache/probes")
                    .and_then(Value::as_object);
                for (name, meta) in probes.into_iter().flatten() {
                    let list = meta
                        .get("tags")
                        .and_then(Value::as_array)
                        .map(|t| {
                            t.iter()
                                .filter_map(Value::as_str)
                                .map(str::to_owned)
                                .collect()
                        })
                        .unwrap_or_default();
                    tags.insert(name.trim_start_matches("probes.").to_owned(), list);
                }
            }
            Some("attempt") => {
                let uuid = row
                    .get("uuid")
                    .and_then(Value::as_str)
                    .ok_or_else(|| {
                        RedTeamError::invalid(
                            file,
                            format!("line {}: attempt without uuid", number + 1),
                        )
                    })?
                    .to_owned();
                let next = order.len() as u64;
                let seen = *order.entry(uuid.clone()).or_insert(next);
                let status = row.get("status").and_then(Value::as_u64).unwrap_or(0);
                let key = (seen, uuid);
                let newer = attempts.get(&key).is_none_or(|old| {
                    old.get("status").and_then(Value::as_u64).unwrap_or(0) <= status
                });
                if newer {
                    attempts.insert(key, row);
                }
            }
            _ => {}
        }
    }
    if init.is_null() && attempts.is_empty() {
        return Err(RedTeamError::invalid(
            file,
            "no init row and no attempts: not a garak report",
        ));
    }
    let threshold = setup
        .get("run.eval_threshold")
        .and_then(Value::as_f64)
        .unwrap_or(0.5);
    let mut records = Vec::new();
    for ((_, uuid), row) in attempts {
        records.extend(attempt_records(&uuid, &row, threshold, &tags));
    }
    let version = init
        .get("garak_version")
        .and_then(Value::as_str)
        .unwrap_or("unknown");
    let run_id = init
        .get("run")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let target = ["plugins.target_type", "plugins.target_name"]
        .iter()
        .filter_map(|key| setup.get(*key).and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join(" ");
    let header = RunHeader {
        format: journal::FORMAT,
        name: format!("garak run {run_id}"),
        run_id,
        fingerprint: String::new(),
        started_at: init
            .get("start_time")
            .and_then(Value::as_str)
            .unwrap_or("")
            .to_owned(),
        target: if target.is_empty() {
            "unknown".into()
        } else {
            format!("garak {target}")
        },
        planned: records.len(),
        seed: setup.get("run.seed").and_then(Value::as_u64).unwrap_or(0),
        tool: format!("garak {version}"),
        system: None,
    };
    Ok(JournalContents {
        header,
        attempts: records,
        complete_len: 0,
    })
}

fn attempt_records(
    uuid: &str,
    row: &Value,
    threshold: f64,
    tags: &HashMap<String, Vec<String>>,
) -> Vec<AttemptRecord> {
    let probe = row
        .get("probe_classname")
        .and_then(Value::as_str)
        .unwrap_or("unknown")
        .to_owned();
    let module = probe.split('.').next().unwrap_or("").to_owned();
    let probe_tags = tags.get(&probe).cloned().unwrap_or_default();
    let mut owasp: Vec<String> = Vec::new();
    let translated: Vec<&str> = match owasp_override(&module) {
        Some(ids) => ids.to_vec(),
        None => probe_tags
            .iter()
            .filter_map(|t| t.strip_prefix("owasp:"))
            .flat_map(|t| owasp_2023_to_2025(t).iter().copied())
            .collect(),
    };
    for id in translated {
        if !owasp.iter().any(|o| o == id) {
            owasp.push(id.to_owned());
        }
    }
    let category = owasp
        .first()
        .and_then(|id| category_of_owasp(id))
        .map_or_else(|| module.clone(), str::to_owned);
    let prompt: String = row
        .pointer("/prompt/turns")
        .and_then(Value::as_array)
        .map(|turns| {
            turns
                .iter()
                .filter_map(|t| t.pointer("/content/text").and_then(Value::as_str))
                .collect::<Vec<_>>()
                .join("\n")
        })
        .unwrap_or_default();
    let outputs: Vec<Option<String>> = row
        .get("outputs")
        .and_then(Value::as_array)
        .map(|o| {
            o.iter()
                .map(|out| out.get("text").and_then(Value::as_str).map(str::to_owned))
                .collect()
        })
        .unwrap_or_default();
    let results = row.get("detector_results").and_then(Value::as_object);
    let triggers: Vec<&str> = row
        .pointer("/notes/triggers")
        .and_then(Value::as_array)
        .map(|t| t.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    let status = row.get("status").and_then(Value::as_u64).unwrap_or(0);
    let several = outputs.len() > 1;
    outputs
        .iter()
        .enumerate()
        .map(|(index, output)| {
            let detections: Vec<Detection> = results
                .into_iter()
                .flatten()
                .filter_map(|(detector, scores)| {
                    let score = scores.get(index)?.as_f64()?;
                    let hit = score >= threshold;
                    Some(Detection {
                        detector: detector.clone(),
                        hit,
                        evidence: hit.then(|| {
                            let mut text = format!("score {score:.2}");
                            if !triggers.is_empty() {
                                text.push_str(&format!(
                                    "; triggers: {}",
                                    truncate(&triggers.join(", "), 200)
                                ));
                            }
                            text
                        }),
                    })
                })
                .collect();
            let (outcome, error) = match (status, output, detections.is_empty()) {
                (s, _, _) if s < 2 => (
                    Outcome::Error,
                    Some("garak recorded no verdict (the run stopped before detection)".to_owned()),
                ),
                (_, None, _) => (Outcome::Error, Some("the target gave no output".to_owned())),
                (_, _, true) => (
                    Outcome::Error,
                    Some("no detector scored this output".to_owned()),
                ),
                _ if detections.iter().any(|d| d.hit) => (Outcome::Fail, None),
                _ => (Outcome::Pass, None),
            };
            let answer = output.clone().unwrap_or_default();
            AttemptRecord {
                id: if several {
                    format!("{uuid}#{index}")
                } else {
                    uuid.to_owned()
                },
                probe: probe.clone(),
                category: category.clone(),
                severity: Severity::Medium,
                pack: format!("garak.{module}"),
                pack_version: 0,
                converter: "none".into(),
                repeat: index as u32,
                taxonomy: Taxonomy {
                    owasp: owasp.clone(),
                    ..Taxonomy::default()
                },
                system: None,
                usage: Usage::estimate(&prompt, &answer),
                turns: vec![TurnRecord {
                    prompt: prompt.clone(),
                    answer,
                    tool_calls: Vec::new(),
                    detections,
                }],
                failed_turn: (outcome == Outcome::Fail).then_some(0),
                outcome,
                error,
                retries: 0,
                elapsed_ms: 0,
            }
        })
        .collect()
}
