//! Attack success rates per probe, per category and overall, and the run's verdict.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::config::{CostRates, Thresholds};
use crate::journal::{JournalContents, RunHeader};
use crate::pack::{Severity, Taxonomy};
use crate::result::{AttemptRecord, Outcome, Rate};

/// The summary of a run, written as `summary.json`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summary {
    pub run: RunHeader,
    /// SHA-256 of the raw journal the summary was computed from.
    pub journal_sha256: String,
    pub totals: Totals,
    pub categories: Vec<GroupSummary>,
    pub probes: Vec<GroupSummary>,
    pub usage: UsageSummary,
    pub thresholds: Thresholds,
    pub verdict: Verdict,
    /// Why the verdict is what it is, one line each.
    pub reasons: Vec<String>,
}

/// Counts over the whole run.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Totals {
    pub planned: usize,
    /// Attempts with a verdict (pass or fail).
    pub judged: u64,
    pub failed: u64,
    pub errors: u64,
    /// Planned attempts with no record at all (an interrupted run).
    pub missing: usize,
    /// Attack success rate: failed / judged.
    pub attack_success: Rate,
}

/// Counts for one category or one probe.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct GroupSummary {
    pub name: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub category: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub severity: Option<Severity>,
    #[serde(default)]
    pub taxonomy: Taxonomy,
    pub judged: u64,
    pub failed: u64,
    pub errors: u64,
    pub attack_success: Rate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub threshold: Option<f64>,
    pub exceeded: bool,
}

/// Tokens and what they cost.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct UsageSummary {
    pub input_tokens: u64,
    pub output_tokens: u64,
    /// Whether some counts are estimates (the target reported none).
    pub estimated: bool,
    pub retries: u64,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cost: Option<f64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub currency: Option<String>,
}

/// The outcome CI gates on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Verdict {
    Pass,
    ThresholdsExceeded,
    RunErrors,
}

impl Verdict {
    /// The process exit code: 0 pass, 3 thresholds exceeded, 4 run errors.
    pub fn exit_code(self) -> u8 {
        match self {
            Verdict::Pass => 0,
            Verdict::ThresholdsExceeded => 3,
            Verdict::RunErrors => 4,
        }
    }
}

#[derive(Default)]
struct Tally {
    judged: u64,
    failed: u64,
    errors: u64,
}

impl Tally {
    fn add(&mut self, record: &AttemptRecord) {
        match record.outcome {
            Outcome::Pass => self.judged += 1,
            Outcome::Fail => {
                self.judged += 1;
                self.failed += 1;
            }
            Outcome::Error => self.errors += 1,
        }
    }
}

impl Summary {
    /// Computes the summary of a journal against thresholds.
    pub fn build(
        contents: &JournalContents,
        journal_sha256: String,
        thresholds: &Thresholds,
        cost: Option<&CostRates>,
    ) -> Self {
        let mut total = Tally::default();
        let mut by_category: BTreeMap<String, Tally> = BTreeMap::new();
        let mut by_probe: BTreeMap<String, (Tally, &AttemptRecord)> = BTreeMap::new();
        let mut usage = UsageSummary {
            input_tokens: 0,
            output_tokens: 0,
            estimated: false,
            retries: 0,
            cost: None,
            currency: None,
        };
        for record in &contents.attempts {
            total.add(record);
            by_category
                .entry(record.category.clone())
                .or_default()
                .add(record);
            by_probe
                .entry(record.probe.clone())
                .or_insert_with(|| (Tally::default(), record))
                .0
                .add(record);
            usage.input_tokens += record.usage.input_tokens;
            usage.output_tokens += record.usage.output_tokens;
            usage.estimated |= record.usage.estimated;
            usage.retries += u64::from(record.retries);
        }
        if let Some(rates) = cost {
            usage.cost = Some(
                usage.input_tokens as f64 * rates.input_per_million / 1e6
                    + usage.output_tokens as f64 * rates.output_per_million / 1e6,
            );
            usage.currency = Some(rates.currency.clone());
        }
        let categories: Vec<GroupSummary> = by_category
            .into_iter()
            .map(|(name, tally)| {
                let threshold = thresholds.categories.get(&name).copied();
                group(name, None, None, Taxonomy::default(), &tally, threshold)
            })
            .collect();
        let probes = by_probe
            .into_iter()
            .map(|(name, (tally, first))| {
                group(
                    name,
                    Some(first.category.clone()),
                    Some(first.severity),
                    first.taxonomy.clone(),
                    &tally,
                    None,
                )
            })
            .collect();
        let attack_success = Rate::wilson(total.failed, total.judged);
        let planned = contents.header.planned;
        let missing = planned.saturating_sub(contents.attempts.len());
        let mut reasons = Vec::new();
        if let Some(limit) = thresholds.overall
            && attack_success.value > limit
        {
            reasons.push(format!(
                "overall attack success rate {:.1}% is over the threshold of {:.1}%",
                attack_success.value * 100.0,
                limit * 100.0
            ));
        }
        for category in categories.iter().filter(|c| c.exceeded) {
            reasons.push(format!(
                "category {}: attack success rate {:.1}% is over the threshold of {:.1}%",
                category.name,
                category.attack_success.value * 100.0,
                category.threshold.unwrap_or(0.0) * 100.0
            ));
        }
        let exceeded = !reasons.is_empty();
        let attempted = total.judged + total.errors;
        let error_rate = if attempted == 0 {
            0.0
        } else {
            total.errors as f64 / attempted as f64
        };
        let mut run_errors = false;
        if total.errors > 0 && error_rate > thresholds.max_error_rate {
            run_errors = true;
            reasons.push(format!(
                "{} attempts ended in an error ({:.1}%, allowed {:.1}%)",
                total.errors,
                error_rate * 100.0,
                thresholds.max_error_rate * 100.0
            ));
        }
        if missing > 0 {
            run_errors = true;
            reasons.push(format!(
                "{missing} of {planned} planned attempts were not carried out (resume the run)"
            ));
        }
        let verdict = if exceeded {
            Verdict::ThresholdsExceeded
        } else if run_errors {
            Verdict::RunErrors
        } else {
            Verdict::Pass
        };
        Summary {
            run: contents.header.clone(),
            journal_sha256,
            totals: Totals {
                planned,
                judged: total.judged,
                failed: total.failed,
                errors: total.errors,
                missing,
                attack_success,
            },
            categories,
            probes,
            usage,
            thresholds: thresholds.clone(),
            verdict,
            reasons,
        }
    }
}

fn group(
    name: String,
    category: Option<String>,
    severity: Option<Severity>,
    taxonomy: Taxonomy,
    tally: &Tally,
    threshold: Option<f64>,
) -> GroupSummary {
    let attack_success = Rate::wilson(tally.failed, tally.judged);
    GroupSummary {
        name,
        category,
        severity,
        taxonomy,
        judged: tally.judged,
        failed: tally.failed,
        errors: tally.errors,
        exceeded: threshold.is_some_and(|limit| attack_success.value > limit),
        attack_success,
        threshold,
    }
}
