//! Probe packs: versioned YAML files of probes written in our own words, each probe tagged
//! with OWASP Top 10 for LLM Applications 2025, MITRE ATLAS, ISO/IEC 42001 and EU AI Act ids.

use std::path::Path;

use serde::{Deserialize, Serialize};

use crate::RedTeamError;
use crate::detector::DetectorSpec;

/// The packs shipped with aims, compiled into the binary so a run needs no files.
const SHIPPED: &[(&str, &str)] = &[
    (
        "prompt-injection.yaml",
        include_str!("../packs/prompt-injection.yaml"),
    ),
    (
        "indirect-injection.yaml",
        include_str!("../packs/indirect-injection.yaml"),
    ),
    ("jailbreak.yaml", include_str!("../packs/jailbreak.yaml")),
    (
        "system-prompt-extraction.yaml",
        include_str!("../packs/system-prompt-extraction.yaml"),
    ),
    (
        "sensitive-disclosure.yaml",
        include_str!("../packs/sensitive-disclosure.yaml"),
    ),
    (
        "output-handling.yaml",
        include_str!("../packs/output-handling.yaml"),
    ),
    (
        "excessive-agency.yaml",
        include_str!("../packs/excessive-agency.yaml"),
    ),
    (
        "misinformation.yaml",
        include_str!("../packs/misinformation.yaml"),
    ),
    (
        "unbounded-consumption.yaml",
        include_str!("../packs/unbounded-consumption.yaml"),
    ),
    ("escalation.yaml", include_str!("../packs/escalation.yaml")),
    ("encoding.yaml", include_str!("../packs/encoding.yaml")),
];

/// One pack: a family of probes.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Pack {
    /// Short name, unique among loaded packs, e.g. `prompt-injection`.
    pub pack: String,
    /// Version of the pack's content; bumped whenever a probe changes.
    pub version: u32,
    pub title: String,
    pub description: String,
    /// Category that results are grouped and gated by.
    pub category: String,
    /// Tags every probe of the pack inherits.
    #[serde(default)]
    pub taxonomy: Taxonomy,
    pub probes: Vec<Probe>,
}

/// Where a probe sits in the frameworks aims maps to.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Taxonomy {
    /// OWASP Top 10 for LLM Applications 2025 ids, `LLM01` … `LLM10`.
    #[serde(default)]
    pub owasp: Vec<String>,
    /// MITRE ATLAS technique ids, e.g. `AML.T0051.000`.
    #[serde(default)]
    pub atlas: Vec<String>,
    /// ISO/IEC 42001 Annex A control ids whose evidence the results support.
    #[serde(default)]
    pub iso42001: Vec<String>,
    /// EU AI Act articles, e.g. `Art. 15`.
    #[serde(default)]
    pub eu_ai_act: Vec<String>,
}

impl Taxonomy {
    /// This taxonomy with `other`'s ids added, without duplicates, in order.
    pub fn merged(&self, other: &Taxonomy) -> Taxonomy {
        fn union(a: &[String], b: &[String]) -> Vec<String> {
            let mut out = a.to_vec();
            for id in b {
                if !out.contains(id) {
                    out.push(id.clone());
                }
            }
            out
        }
        Taxonomy {
            owasp: union(&self.owasp, &other.owasp),
            atlas: union(&self.atlas, &other.atlas),
            iso42001: union(&self.iso42001, &other.iso42001),
            eu_ai_act: union(&self.eu_ai_act, &other.eu_ai_act),
        }
    }

    /// Every id as `scheme:id` tags, e.g. `owasp:LLM01`.
    pub fn tags(&self) -> Vec<String> {
        let scheme = |name: &str, ids: &[String]| {
            ids.iter()
                .map(|id| format!("{name}:{id}"))
                .collect::<Vec<_>>()
        };
        [
            scheme("owasp", &self.owasp),
            scheme("atlas", &self.atlas),
            scheme("iso42001", &self.iso42001),
            scheme("eu-ai-act", &self.eu_ai_act),
        ]
        .concat()
    }
}

/// How bad a successful attack of this probe is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Low,
    Medium,
    High,
    Critical,
}

impl Severity {
    /// The severity's name.
    pub fn name(self) -> &'static str {
        match self {
            Severity::Low => "low",
            Severity::Medium => "medium",
            Severity::High => "high",
            Severity::Critical => "critical",
        }
    }
}

/// One probe: the prompts of an attack and how to tell whether it succeeded.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Probe {
    /// Unique id, `<pack>.<name>`.
    pub id: String,
    pub title: String,
    pub description: String,
    pub severity: Severity,
    #[serde(default)]
    pub taxonomy: Taxonomy,
    /// A system prompt the target is given for this probe (with `{canary}` or planted data).
    #[serde(default)]
    pub system: Option<String>,
    /// A document or retrieved passage placed before the user's request (indirect injection).
    #[serde(default)]
    pub context: Option<String>,
    /// The text whose appearance in an answer means the attack worked (decoded-payload match).
    #[serde(default)]
    pub payload: Option<String>,
    /// Tools offered to a tool-calling target.
    #[serde(default)]
    pub tools: Vec<ToolSpec>,
    /// Whether converters (encodings, smuggling, wrappers) may be composed with this probe.
    #[serde(default = "yes")]
    pub convertible: bool,
    /// The attack prompts; each is one attempt.
    pub prompts: Vec<Prompt>,
    /// Whether one detector hitting is enough (`any`), or all must hit (`all`).
    #[serde(default, rename = "match")]
    pub match_mode: MatchMode,
    pub detectors: Vec<DetectorSpec>,
}

fn yes() -> bool {
    true
}

/// A single user message, or a multi-turn escalation script judged after every turn.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(untagged)]
pub enum Prompt {
    Single(String),
    Script { turns: Vec<String> },
}

impl Prompt {
    /// The user messages in order.
    pub fn turns(&self) -> Vec<&str> {
        match self {
            Prompt::Single(text) => vec![text.as_str()],
            Prompt::Script { turns } => turns.iter().map(String::as_str).collect(),
        }
    }
}

/// How detectors combine into a verdict.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum MatchMode {
    #[default]
    Any,
    All,
}

/// A tool a tool-calling target is offered.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ToolSpec {
    pub name: String,
    pub description: String,
    /// JSON Schema of the arguments.
    #[serde(default = "empty_object_schema")]
    pub parameters: serde_json::Value,
}

fn empty_object_schema() -> serde_json::Value {
    serde_json::json!({"type": "object", "properties": {}})
}

/// A probe together with the pack it came from.
#[derive(Debug, Clone)]
pub struct LoadedProbe {
    pub probe: Probe,
    pub pack: String,
    pub pack_version: u32,
    pub category: String,
    /// The pack's tags merged with the probe's own.
    pub taxonomy: Taxonomy,
}

/// Every loaded pack, validated together (probe ids are unique across packs).
#[derive(Debug, Clone, Default)]
pub struct ProbeLibrary {
    pub packs: Vec<Pack>,
}

impl ProbeLibrary {
    /// The packs shipped with aims.
    pub fn shipped() -> Result<Self, RedTeamError> {
        let mut library = Self::default();
        for (name, text) in SHIPPED {
            library.add(name, text)?;
        }
        Ok(library)
    }

    /// Adds a pack read from a file, or every `.yaml`/`.yml` file of a folder.
    pub fn add_path(&mut self, path: &Path) -> Result<(), RedTeamError> {
        if path.is_dir() {
            let mut files: Vec<_> = std::fs::read_dir(path)
                .map_err(|err| RedTeamError::io(path, err))?
                .filter_map(Result::ok)
                .map(|entry| entry.path())
                .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
                .collect();
            files.sort();
            for file in files {
                self.add_path(&file)?;
            }
            return Ok(());
        }
        let text = std::fs::read_to_string(path).map_err(|err| RedTeamError::io(path, err))?;
        self.add(&path.display().to_string(), &text)
    }

    /// Parses and validates one pack's text; `file` names it in errors.
    pub fn add(&mut self, file: &str, text: &str) -> Result<(), RedTeamError> {
        let pack: Pack = serde_saphyr::from_str(text)
            .map_err(|err| RedTeamError::invalid(file, err.to_string()))?;
        validate::validate_pack(&pack, &self.packs).map_err(|(needle, message)| {
            let line = needle
                .and_then(|needle| validate::line_of(text, &needle))
                .map(|line| format!("line {line}: "))
                .unwrap_or_default();
            RedTeamError::invalid(file, format!("{line}{message}"))
        })?;
        self.packs.push(pack);
        Ok(())
    }

    /// Every probe with its pack's facts, in pack order.
    pub fn probes(&self) -> Vec<LoadedProbe> {
        self.packs
            .iter()
            .flat_map(|pack| {
                pack.probes.iter().map(move |probe| LoadedProbe {
                    probe: probe.clone(),
                    pack: pack.pack.clone(),
                    pack_version: pack.version,
                    category: pack.category.clone(),
                    taxonomy: pack.taxonomy.merged(&probe.taxonomy),
                })
            })
            .collect()
    }

    /// The probe with this id.
    pub fn probe(&self, id: &str) -> Option<LoadedProbe> {
        self.probes().into_iter().find(|p| p.probe.id == id)
    }
}

mod validate;

#[cfg(test)]
mod tests;
