//! A run described by one file (YAML or TOML) that can be committed beside the system it tests.

use std::collections::BTreeMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};

use crate::RedTeamError;
use crate::converter::Converter;
use crate::target::TargetConfig;

/// Everything a run needs to know.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunConfig {
    /// A name for the run, shown in reports.
    pub name: String,
    pub target: TargetConfig,
    #[serde(default)]
    pub probes: ProbeSelection,
    /// Converters composed with every convertible probe; `none` sends the prompt as written.
    #[serde(default = "plain_only")]
    pub converters: Vec<Converter>,
    /// How many times each prompt is sent (answers vary with temperature).
    #[serde(default = "one")]
    pub repeat: u32,
    /// Run only this many attempts, drawn with the seed.
    #[serde(default)]
    pub sample: Option<usize>,
    /// Fixes sampling, canaries and jitter, so that a run can be repeated exactly.
    #[serde(default)]
    pub seed: u64,
    #[serde(default)]
    pub runner: RunnerLimits,
    #[serde(default)]
    pub thresholds: Thresholds,
    /// Prices, to turn token counts into cost.
    #[serde(default)]
    pub cost: Option<CostRates>,
    /// The model that rules for `judge` detectors.
    #[serde(default)]
    pub judge: Option<TargetConfig>,
    /// The AI system in aims that this run tests (its id), used when uploading.
    #[serde(default)]
    pub system: Option<String>,
}

fn plain_only() -> Vec<Converter> {
    vec![Converter::None]
}

fn one() -> u32 {
    1
}

/// Which probes run.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProbeSelection {
    /// Probe id patterns (`*` matches any run of characters); all probes when empty.
    #[serde(default)]
    pub include: Vec<String>,
    /// Probe id patterns to leave out.
    #[serde(default)]
    pub exclude: Vec<String>,
    /// Only probes of these categories, when given.
    #[serde(default)]
    pub categories: Vec<String>,
    /// Whether the packs shipped with aims are loaded.
    #[serde(default = "yes")]
    pub builtin: bool,
    /// Further pack files or folders, relative to the config file.
    #[serde(default)]
    pub packs: Vec<String>,
}

impl Default for ProbeSelection {
    fn default() -> Self {
        Self {
            include: Vec::new(),
            exclude: Vec::new(),
            categories: Vec::new(),
            builtin: true,
            packs: Vec::new(),
        }
    }
}

fn yes() -> bool {
    true
}

/// How hard the runner may push the target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RunnerLimits {
    /// Requests in flight at once.
    #[serde(default = "default_concurrency")]
    pub concurrency: usize,
    #[serde(default)]
    pub requests_per_second: Option<f64>,
    #[serde(default)]
    pub tokens_per_minute: Option<u64>,
    /// Retries of one request after a transient failure.
    #[serde(default = "default_retries")]
    pub retries: u32,
    /// Seconds before one request is given up.
    #[serde(default = "default_timeout")]
    pub timeout_secs: f64,
    /// First backoff delay in milliseconds; doubled on every retry, with jitter.
    #[serde(default = "default_backoff")]
    pub backoff_ms: u64,
    /// Longest backoff delay in milliseconds.
    #[serde(default = "default_max_backoff")]
    pub max_backoff_ms: u64,
}

impl Default for RunnerLimits {
    fn default() -> Self {
        Self {
            concurrency: default_concurrency(),
            requests_per_second: None,
            tokens_per_minute: None,
            retries: default_retries(),
            timeout_secs: default_timeout(),
            backoff_ms: default_backoff(),
            max_backoff_ms: default_max_backoff(),
        }
    }
}

fn default_concurrency() -> usize {
    16
}
fn default_retries() -> u32 {
    3
}
fn default_timeout() -> f64 {
    60.0
}
fn default_backoff() -> u64 {
    200
}
fn default_max_backoff() -> u64 {
    30_000
}

/// Most retries of one request a run may ask for: past this a target is down, not flaky.
pub const MAX_RETRIES: u32 = 20;

impl RunnerLimits {
    /// The per-request timeout.
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_secs)
    }
}

/// The highest attack success rates a run may show and still pass.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Thresholds {
    /// Over all attempts, as a fraction (0.05 = 5 %).
    #[serde(default)]
    pub overall: Option<f64>,
    /// Per category.
    #[serde(default)]
    pub categories: BTreeMap<String, f64>,
    /// The share of attempts that may end in an error (default none).
    #[serde(default)]
    pub max_error_rate: f64,
}

/// Prices per million tokens, in the currency of the user's choice.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct CostRates {
    pub input_per_million: f64,
    pub output_per_million: f64,
    #[serde(default = "usd")]
    pub currency: String,
}

fn usd() -> String {
    "USD".into()
}

impl RunConfig {
    /// Reads a config file; its extension (`.toml`, else YAML) picks the format.
    pub fn load(path: &Path) -> Result<Self, RedTeamError> {
        let text = std::fs::read_to_string(path).map_err(|err| RedTeamError::io(path, err))?;
        let file = path.display().to_string();
        let is_toml = path.extension().is_some_and(|e| e == "toml");
        Self::parse(&file, &text, is_toml)
    }

    /// Parses a config's text; `file` names it in errors.
    pub fn parse(file: &str, text: &str, is_toml: bool) -> Result<Self, RedTeamError> {
        let config: RunConfig = if is_toml {
            toml::from_str(text).map_err(|err| RedTeamError::invalid(file, err.to_string()))?
        } else {
            serde_saphyr::from_str(text)
                .map_err(|err| RedTeamError::invalid(file, err.to_string()))?
        };
        config
            .validate()
            .map_err(|message| RedTeamError::invalid(file, message))?;
        Ok(config)
    }

    fn validate(&self) -> Result<(), String> {
        let limits = &self.runner;
        if limits.concurrency == 0 || limits.concurrency > 4096 {
            return Err(format!(
                "runner.concurrency must be 1 to 4096, not {}",
                limits.concurrency
            ));
        }
        if limits
            .requests_per_second
            .is_some_and(|r| !(0.001..=1_000_000.0).contains(&r))
        {
            return Err("runner.requests_per_second must be between 0.001 and 1000000".into());
        }
        if limits.tokens_per_minute == Some(0) {
            return Err("runner.tokens_per_minute must be positive".into());
        }
        if !(limits.timeout_secs > 0.0 && limits.timeout_secs <= 3600.0) {
            return Err("runner.timeout_secs must be over 0 and at most 3600".into());
        }
        if limits.retries > MAX_RETRIES {
            return Err(format!(
                "runner.retries must be at most {MAX_RETRIES}, not {}",
                limits.retries
            ));
        }
        if limits.backoff_ms > limits.max_backoff_ms || limits.max_backoff_ms > 600_000 {
            return Err(format!(
                "runner.backoff_ms ({}) must be at most runner.max_backoff_ms ({}), itself at most 600000",
                limits.backoff_ms, limits.max_backoff_ms
            ));
        }
        if self.repeat == 0 || self.repeat > 1000 {
            return Err(format!("repeat must be 1 to 1000, not {}", self.repeat));
        }
        if self.sample == Some(0) {
            return Err("sample must be at least 1".into());
        }
        if self.converters.is_empty() {
            return Err("converters is empty; use [none] to send prompts as written".into());
        }
        for (i, converter) in self.converters.iter().enumerate() {
            if self.converters[..i].contains(converter) {
                return Err(format!("converter {} is listed twice", converter.name()));
            }
        }
        self.thresholds.validate()
    }
}

impl Thresholds {
    /// Checks that every rate is a fraction, naming the first that is not.
    pub fn validate(&self) -> Result<(), String> {
        let rate = |name: &str, value: f64| {
            if (0.0..=1.0).contains(&value) {
                Ok(())
            } else {
                Err(format!(
                    "{name} must be a fraction between 0 and 1, not {value}"
                ))
            }
        };
        if let Some(overall) = self.overall {
            rate("thresholds.overall", overall)?;
        }
        for (category, value) in &self.categories {
            rate(&format!("thresholds.categories.{category}"), *value)?;
        }
        rate("thresholds.max_error_rate", self.max_error_rate)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const YAML: &str = r#"
name: support bot nightly
target:
  kind: openai
  url: http://127.0.0.1:9/v1/chat/completions
  model: lab
  api_key_env: LAB_KEY
converters: [none, base64]
thresholds:
  overall: 0.05
  categories: {jailbreak: 0}
"#;

    #[test]
    fn yaml_and_toml_read_the_same() {
        let yaml = RunConfig::parse("a.yaml", YAML, false).unwrap();
        let toml_text = r#"
name = "support bot nightly"
converters = ["none", "base64"]
[target]
kind = "openai"
url = "http://127.0.0.1:9/v1/chat/completions"
model = "lab"
api_key_env = "LAB_KEY"
[thresholds]
overall = 0.05
categories = { jailbreak = 0.0 }
"#;
        let toml = RunConfig::parse("a.toml", toml_text, true).unwrap();
        assert_eq!(yaml, toml);
        assert_eq!(yaml.runner.concurrency, 16);
        assert_eq!(yaml.converters, [Converter::None, Converter::Base64]);
    }

    #[test]
    fn bad_values_are_named() {
        let bad = YAML.replace("overall: 0.05", "overall: 5");
        let err = RunConfig::parse("run.yaml", &bad, false)
            .unwrap_err()
            .to_string();
        assert!(
            err.contains("run.yaml") && err.contains("thresholds.overall"),
            "{err}"
        );
        let unknown = YAML.replace("converters: [none, base64]", "converters: [none, rot47]");
        let err = RunConfig::parse("run.yaml", &unknown, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("rot47"), "{err}");
        let twice = YAML.replace(
            "converters: [none, base64]",
            "converters: [none, base64, none]",
        );
        let err = RunConfig::parse("run.yaml", &twice, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("converter none is listed twice"), "{err}");
        let typo = format!("{YAML}concurency: 3\n");
        let err = RunConfig::parse("run.yaml", &typo, false)
            .unwrap_err()
            .to_string();
        assert!(err.contains("concurency"), "{err}");
    }
}
