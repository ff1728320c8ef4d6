//! Probe packs: versioned YAML files of probes written in our own words, each probe tagged
//! with OWASP Top 10 for LLM Applications 2025, MITRE ATLAS, ISO/IEC 42001 and EU AI Act ids.

use std::collections::BTreeSet;
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
        validate_pack(&pack, text, &self.packs).map_err(|(needle, message)| {
            let line = needle
                .and_then(|needle| line_of(text, &needle))
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

/// The 1-based line where `needle` first appears.
fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.contains(needle))
        .map(|i| i + 1)
}

type Invalid = (Option<String>, String);

fn validate_pack(pack: &Pack, _text: &str, others: &[Pack]) -> Result<(), Invalid> {
    let at_pack = || Some(format!("pack: {}", pack.pack));
    if !is_slug(&pack.pack) {
        return Err((
            at_pack(),
            format!(
                "pack name {:?} must be lower-case letters, digits and dashes",
                pack.pack
            ),
        ));
    }
    if others.iter().any(|other| other.pack == pack.pack) {
        return Err((at_pack(), format!("pack {:?} is loaded twice", pack.pack)));
    }
    if pack.probes.is_empty() {
        return Err((at_pack(), format!("pack {:?} has no probes", pack.pack)));
    }
    validate_taxonomy(&pack.taxonomy).map_err(|message| (at_pack(), message))?;
    let mut ids = BTreeSet::new();
    let known: BTreeSet<&str> = others
        .iter()
        .flat_map(|p| p.probes.iter().map(|probe| probe.id.as_str()))
        .collect();
    for probe in &pack.probes {
        let at = || Some(format!("id: {}", probe.id));
        let fail = |message: String| Err((at(), format!("probe {}: {message}", probe.id)));
        let prefix = format!("{}.", pack.pack);
        if !probe.id.starts_with(&prefix) || !is_slug(&probe.id[prefix.len()..]) {
            return fail(format!(
                "id must be `{}<name>` in lower-case letters, digits and dashes",
                prefix
            ));
        }
        if !ids.insert(probe.id.as_str()) || known.contains(probe.id.as_str()) {
            return fail("id is used twice".into());
        }
        for (field, value) in [("title", &probe.title), ("description", &probe.description)] {
            if value.trim().is_empty() {
                return fail(format!("{field} is empty"));
            }
        }
        if probe.prompts.is_empty() {
            return fail("has no prompts".into());
        }
        for prompt in &probe.prompts {
            if prompt.turns().is_empty() || prompt.turns().iter().any(|t| t.trim().is_empty()) {
                return fail("has an empty prompt or turn".into());
            }
        }
        if probe.detectors.is_empty() {
            return fail("has no detectors".into());
        }
        let mentions_canary = probe
            .prompts
            .iter()
            .flat_map(Prompt::turns)
            .any(|t| t.contains("{canary}"))
            || probe
                .system
                .as_deref()
                .is_some_and(|s| s.contains("{canary}"))
            || probe
                .context
                .as_deref()
                .is_some_and(|s| s.contains("{canary}"));
        for detector in &probe.detectors {
            detector.validate().or_else(&fail)?;
            if detector.needs_canary() && !mentions_canary {
                return fail("uses the canary detector but plants no {canary}".into());
            }
            if detector.needs_payload() && probe.payload.is_none() {
                return fail("uses the payload detector but has no payload".into());
            }
        }
        validate_taxonomy(&probe.taxonomy).or_else(&fail)?;
        if pack.taxonomy.merged(&probe.taxonomy).owasp.is_empty() {
            return fail(
                "has no OWASP Top 10 for LLM Applications id (in the probe or its pack)".into(),
            );
        }
    }
    Ok(())
}

fn is_slug(text: &str) -> bool {
    !text.is_empty()
        && text
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
}

fn validate_taxonomy(taxonomy: &Taxonomy) -> Result<(), String> {
    for id in &taxonomy.owasp {
        let ok =
            id.len() == 5 && id.starts_with("LLM") && matches!(id[3..].parse::<u8>(), Ok(1..=10));
        if !ok {
            return Err(format!(
                "{id:?} is not an OWASP Top 10 for LLM Applications 2025 id (LLM01 … LLM10)"
            ));
        }
    }
    for id in &taxonomy.atlas {
        let ok = id.strip_prefix("AML.T").is_some_and(|rest| {
            let (technique, sub) = rest.split_once('.').unwrap_or((rest, "000"));
            technique.len() == 4
                && sub.len() == 3
                && technique
                    .bytes()
                    .chain(sub.bytes())
                    .all(|b| b.is_ascii_digit())
        });
        if !ok {
            return Err(format!(
                "{id:?} is not a MITRE ATLAS technique id (AML.Tnnnn or AML.Tnnnn.nnn)"
            ));
        }
    }
    for id in &taxonomy.iso42001 {
        let ok = id.strip_prefix("A.").is_some_and(|rest| {
            rest.split('.')
                .all(|part| !part.is_empty() && part.bytes().all(|b| b.is_ascii_digit()))
        });
        if !ok {
            return Err(format!(
                "{id:?} is not an ISO/IEC 42001 Annex A control id (A.n.n[.n])"
            ));
        }
    }
    for id in &taxonomy.eu_ai_act {
        if !id.starts_with("Art. ") {
            return Err(format!(
                "{id:?} is not an EU AI Act article reference (\"Art. 15\", \"Art. 15(5)\")"
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
