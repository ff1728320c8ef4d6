//! Checking a pack before it is used: ids, required fields, detector parameters, taxonomy
//! ids, and what each detector needs from its probe. Errors point at the line to fix.

use std::collections::BTreeSet;

use super::{Pack, Prompt, Taxonomy};

/// The 1-based line where `needle` first appears.
pub(super) fn line_of(text: &str, needle: &str) -> Option<usize> {
    text.lines()
        .position(|line| line.contains(needle))
        .map(|i| i + 1)
}

type Invalid = (Option<String>, String);

pub(super) fn validate_pack(pack: &Pack, others: &[Pack]) -> Result<(), Invalid> {
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
