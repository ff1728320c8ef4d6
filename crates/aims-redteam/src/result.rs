//! The result model shared by our own runs and imported garak and promptfoo reports.

use serde::{Deserialize, Serialize};

use crate::detector::Detection;
use crate::pack::{Severity, Taxonomy};
use crate::target::{ToolCall, Usage};

/// How one attempt ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Outcome {
    /// The target withstood the attack.
    Pass,
    /// The attack succeeded.
    Fail,
    /// No verdict: the target could not be reached or answered unusably, after retries.
    Error,
}

/// One turn of an attempt as it happened.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct TurnRecord {
    pub prompt: String,
    pub answer: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tool_calls: Vec<ToolCall>,
    pub detections: Vec<Detection>,
}

/// One attempt: what was sent, what came back, and the verdict.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct AttemptRecord {
    pub id: String,
    pub probe: String,
    pub category: String,
    pub severity: Severity,
    #[serde(default)]
    pub pack: String,
    #[serde(default)]
    pub pack_version: u32,
    pub converter: String,
    #[serde(default)]
    pub repeat: u32,
    #[serde(default)]
    pub taxonomy: Taxonomy,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub system: Option<String>,
    pub turns: Vec<TurnRecord>,
    pub outcome: Outcome,
    /// The turn (0-based) whose answer showed the attack worked.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub failed_turn: Option<usize>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
    #[serde(default)]
    pub usage: Usage,
    /// Requests repeated after transient failures.
    #[serde(default)]
    pub retries: u32,
    #[serde(default)]
    pub elapsed_ms: u64,
}

/// A proportion with its Wilson score interval at 95 % confidence.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
pub struct Rate {
    pub value: f64,
    pub low: f64,
    pub high: f64,
}

impl Rate {
    /// `successes` out of `trials`; zero trials give 0 with the interval [0, 1].
    pub fn wilson(successes: u64, trials: u64) -> Self {
        if trials == 0 {
            return Self {
                value: 0.0,
                low: 0.0,
                high: 1.0,
            };
        }
        const Z: f64 = 1.959_963_984_540_054;
        let n = trials as f64;
        let p = successes as f64 / n;
        let z2 = Z * Z;
        let centre = (p + z2 / (2.0 * n)) / (1.0 + z2 / n);
        let half = Z * (p * (1.0 - p) / n + z2 / (4.0 * n * n)).sqrt() / (1.0 + z2 / n);
        Self {
            value: p,
            low: (centre - half).max(0.0),
            high: (centre + half).min(1.0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wilson_interval_matches_known_values() {
        // 10 of 100: the textbook interval is about [0.0552, 0.1744].
        let rate = Rate::wilson(10, 100);
        assert!((rate.value - 0.1).abs() < 1e-12);
        assert!((rate.low - 0.0552).abs() < 5e-4, "{rate:?}");
        assert!((rate.high - 0.1744).abs() < 5e-4, "{rate:?}");
        let none = Rate::wilson(0, 20);
        assert_eq!(none.low, 0.0);
        assert!((none.high - 0.1611).abs() < 5e-4, "{none:?}");
        assert_eq!(Rate::wilson(0, 0).high, 1.0);
    }
}
