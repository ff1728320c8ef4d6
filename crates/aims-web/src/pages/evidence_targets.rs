//! What a piece of evidence supports, named and linked: systems and risks by their names
//! (read once for a whole page), controls and requirements by their ids.

use std::collections::HashMap;

use aims_app::domain::Actor;
use aims_app::domain::evidence::{Evidence, TargetKind};
use aims_app::{AppError, Register};

use super::encode;
use crate::state::WebState;

/// One thing a piece of evidence supports, as a link.
pub struct Supported {
    pub kind: &'static str,
    pub label: String,
    pub href: String,
}

/// For each piece of evidence in `list`, what it supports.
pub async fn supported(
    state: &WebState,
    actor: &Actor,
    list: &[Evidence],
) -> Result<Vec<Vec<Supported>>, AppError> {
    let ids = |kind: TargetKind| -> Vec<String> {
        list.iter()
            .flat_map(|e| &e.facts.targets)
            .filter(|t| t.kind == kind)
            .map(|t| t.id.clone())
            .collect()
    };
    let systems = state
        .app
        .names_of(actor, Register::Systems, &ids(TargetKind::System))
        .await?;
    let risks = state
        .app
        .names_of(actor, Register::Risks, &ids(TargetKind::Risk))
        .await?;
    let named = |names: &HashMap<String, String>, id: &str, gone: &str| {
        names.get(id).cloned().unwrap_or_else(|| gone.to_owned())
    };
    Ok(list
        .iter()
        .map(|e| {
            e.facts
                .targets
                .iter()
                .map(|t| match t.kind {
                    TargetKind::System => Supported {
                        kind: "AI system",
                        label: named(&systems, &t.id, "a deleted AI system"),
                        href: format!("/systems/{}", t.id),
                    },
                    TargetKind::Risk => Supported {
                        kind: "Risk",
                        label: named(&risks, &t.id, "a deleted risk"),
                        href: format!("/risks/{}", t.id),
                    },
                    TargetKind::Control => Supported {
                        kind: "Control",
                        label: t.id.clone(),
                        href: format!("/frameworks/iso-iec-42001/items/{}", encode(&t.id)),
                    },
                    TargetKind::Requirement => {
                        let (framework, item) = t.id.split_once(':').unwrap_or(("", &t.id));
                        Supported {
                            kind: "Requirement",
                            label: t.id.clone(),
                            href: format!(
                                "/frameworks/{}/items/{}",
                                encode(framework),
                                encode(item)
                            ),
                        }
                    }
                })
                .collect()
        })
        .collect())
}
