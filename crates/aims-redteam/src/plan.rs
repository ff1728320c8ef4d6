//! The plan of a run: every attempt with a stable id, so that a journal can say which are
//! done and a resumed run sends only the rest.

use std::sync::Arc;

use sha2::{Digest, Sha256};

use crate::RedTeamError;
use crate::config::RunConfig;
use crate::converter::Converter;
use crate::pack::{LoadedProbe, ProbeLibrary};
use crate::seed::SeededRng;

/// One attempt to be made.
#[derive(Debug, Clone)]
pub struct PlannedAttempt {
    /// `probe#prompt/converter/repeat`, e.g. `jailbreak.persona#1/base64/0`.
    pub id: String,
    pub probe: Arc<LoadedProbe>,
    pub prompt_index: usize,
    pub converter: Converter,
    pub repeat: u32,
    /// The canary planted for this attempt.
    pub canary: String,
    /// The system prompt for this attempt, placeholders filled.
    pub system: Option<String>,
    /// The user messages as sent, placeholders filled and converted.
    pub turns: Vec<String>,
}

/// The attempts of a run, in order, with a fingerprint of what they are.
#[derive(Debug, Clone)]
pub struct Plan {
    pub attempts: Vec<PlannedAttempt>,
    /// SHA-256 over the attempts' ids and content: a journal only resumes the same plan.
    pub fingerprint: String,
}

/// Whether `id` matches `pattern`, where `*` stands for any run of characters.
pub fn matches_pattern(pattern: &str, id: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == id;
    }
    let (first, last) = (parts[0], parts[parts.len() - 1]);
    if !id.starts_with(first) || !id[first.len()..].ends_with(last) {
        return false;
    }
    let mut rest = &id[first.len()..id.len() - last.len()];
    for middle in &parts[1..parts.len() - 1] {
        match rest.find(middle) {
            Some(at) => rest = &rest[at + middle.len()..],
            None => return false,
        }
    }
    true
}

/// The probes a config selects, in library order.
pub fn select_probes(config: &RunConfig, library: &ProbeLibrary) -> Vec<LoadedProbe> {
    let selection = &config.probes;
    library
        .probes()
        .into_iter()
        .filter(|p| {
            selection.include.is_empty()
                || selection
                    .include
                    .iter()
                    .any(|pat| matches_pattern(pat, &p.probe.id))
        })
        .filter(|p| {
            !selection
                .exclude
                .iter()
                .any(|pat| matches_pattern(pat, &p.probe.id))
        })
        .filter(|p| selection.categories.is_empty() || selection.categories.contains(&p.category))
        .collect()
}

/// Expands a config into its attempts.
pub fn build(config: &RunConfig, library: &ProbeLibrary) -> Result<Plan, RedTeamError> {
    let probes = select_probes(config, library);
    if probes.is_empty() {
        return Err(RedTeamError::invalid(
            "probes",
            "the selection matches no probe; see `aims redteam probes list`",
        ));
    }
    if config.judge.is_none()
        && let Some(probe) = probes
            .iter()
            .find(|p| p.probe.detectors.iter().any(|d| d.is_judge()))
    {
        return Err(RedTeamError::invalid(
            "judge",
            format!(
                "probe {} uses a judge detector but the config has no judge target",
                probe.probe.id
            ),
        ));
    }
    let mut attempts = Vec::new();
    for loaded in probes {
        let loaded = Arc::new(loaded);
        let probe = &loaded.probe;
        let converters: Vec<Converter> = if probe.convertible {
            config.converters.clone()
        } else {
            vec![Converter::None]
        };
        for (prompt_index, prompt) in probe.prompts.iter().enumerate() {
            for converter in converters.iter().copied() {
                for repeat in 0..config.repeat {
                    let id = format!("{}#{prompt_index}/{}/{repeat}", probe.id, converter.name());
                    let mut rng = SeededRng::for_text(config.seed, &id);
                    let canary = format!("CANARY-{:010X}", rng.next_u64() & 0xFF_FFFF_FFFF);
                    let fill = |text: &str| text.replace("{canary}", &canary);
                    let system = probe.system.as_deref().map(fill);
                    let context = probe.context.as_deref().map(fill);
                    let turns = prompt
                        .turns()
                        .into_iter()
                        .enumerate()
                        .map(|(turn, text)| {
                            // The attack lives in the context when there is one, so that is
                            // what gets converted; the user's own question stays plain.
                            let text = fill(text);
                            match (&context, turn) {
                                (Some(context), 0) => {
                                    format!("{}\n\n{text}", converter.apply(context, &mut rng))
                                }
                                _ => converter.apply(&text, &mut rng),
                            }
                        })
                        .collect();
                    attempts.push(PlannedAttempt {
                        id,
                        probe: Arc::clone(&loaded),
                        prompt_index,
                        converter,
                        repeat,
                        canary,
                        system,
                        turns,
                    });
                }
            }
        }
    }
    if let Some(sample) = config.sample
        && sample < attempts.len()
    {
        let mut order: Vec<usize> = (0..attempts.len()).collect();
        SeededRng::new(config.seed).shuffle(&mut order);
        let mut keep = order[..sample].to_vec();
        keep.sort_unstable();
        attempts = keep.into_iter().map(|i| attempts[i].clone()).collect();
    }
    let mut hash = Sha256::new();
    for attempt in &attempts {
        hash.update(attempt.id.as_bytes());
        hash.update([0]);
        hash.update(attempt.probe.pack_version.to_le_bytes());
        for turn in &attempt.turns {
            hash.update(turn.as_bytes());
            hash.update([0]);
        }
    }
    Ok(Plan {
        attempts,
        fingerprint: hex_of(&hash.finalize()),
    })
}

/// Lower-case hex of bytes.
pub fn hex_of(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

#[cfg(test)]
mod tests;
