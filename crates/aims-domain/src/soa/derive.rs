//! Deriving the Statement of Applicability. Applicability is never typed in: a control
//! applies because a risk treatment selects it, an obligation maps to it, or the organisation
//! decided to include it, and the SoA says which.

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::implementation::{ControlRef, Decision, ImplementationFacts, ImplementationStatus};
use super::order::{control_order, natural_order};
use super::row::{ApplicabilityReason, EvidenceRef, Soa, SoaFlag, SoaRow};
use crate::time::Timestamp;

/// A risk treatment that selects a control.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentLink {
    /// The risk's id, which tells two risks with the same label apart.
    pub risk_id: String,
    /// The risk as people know it: `R-12 Model drift`.
    pub risk_label: String,
    /// The control id.
    pub control: String,
}

/// A requirement binding one AI system that a control helps meet.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ObligationLink {
    /// The requirement: `art-9`.
    pub requirement: String,
    /// The name of the AI system it binds.
    pub system: String,
    /// The control id.
    pub control: String,
    /// How the control meets it, in the words of the mapping.
    pub relation: String,
}

/// Everything the SoA is derived from, gathered by the caller.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SoaInputs {
    /// The controls covered: Annex A and the organisation's own. A repeated id counts once.
    pub controls: Vec<ControlRef>,
    /// Recorded implementation facts by control id; a control without one is undecided.
    pub implementations: BTreeMap<String, ImplementationFacts>,
    /// Risk treatments selecting controls.
    pub treatments: Vec<TreatmentLink>,
    /// Obligations mapped to controls.
    pub obligations: Vec<ObligationLink>,
    /// Evidence by control id.
    pub evidence: BTreeMap<String, Vec<EvidenceRef>>,
    /// Requirements of other frameworks each control maps to through the crosswalks, by
    /// control id, as people read them (`NIST AI RMF MEASURE 2.7 (intersects with)`).
    #[serde(default)]
    pub requirements: BTreeMap<String, Vec<String>>,
}

/// Derives the SoA at `now`, which decides what evidence still counts. Links naming a
/// control that is not among `inputs.controls` are left out.
pub fn derive_soa(inputs: &SoaInputs, now: Timestamp) -> Soa {
    let mut controls: Vec<&ControlRef> = Vec::with_capacity(inputs.controls.len());
    for control in &inputs.controls {
        if !controls.iter().any(|c| c.id == control.id) {
            controls.push(control);
        }
    }
    controls.sort_by(|a, b| control_order(a, b));
    let undecided = ImplementationFacts::default();
    let rows = controls
        .into_iter()
        .map(|control| {
            let facts = inputs
                .implementations
                .get(&control.id)
                .unwrap_or(&undecided);
            let evidence = inputs
                .evidence
                .get(&control.id)
                .cloned()
                .unwrap_or_default();
            derive_row(control, facts, inputs, evidence, now)
        })
        .collect();
    Soa { rows }
}

fn derive_row(
    control: &ControlRef,
    facts: &ImplementationFacts,
    inputs: &SoaInputs,
    evidence: Vec<EvidenceRef>,
    now: Timestamp,
) -> SoaRow {
    let treatments = treatments_of(&control.id, &inputs.treatments);
    let obligations = obligations_of(&control.id, &inputs.obligations);
    let risks: Vec<String> = treatments.iter().map(|t| risk_name(t).to_owned()).collect();
    let mut obligation_names: Vec<String> = obligations
        .iter()
        .map(|o| format!("{} for {}", o.requirement, o.system))
        .collect();
    obligation_names.dedup();
    let needed = !risks.is_empty() || !obligation_names.is_empty();

    let applicable = match facts.decision {
        Decision::Exclude => false,
        Decision::Include => true,
        Decision::Undecided => needed,
    };
    let mut reasons = Vec::new();
    if applicable {
        reasons.extend(
            treatments
                .iter()
                .map(|t| ApplicabilityReason::SelectedByTreatment {
                    risk_label: risk_name(t).to_owned(),
                }),
        );
        reasons.extend(
            obligations
                .iter()
                .map(|o| ApplicabilityReason::RequiredByObligation {
                    requirement: o.requirement.clone(),
                    system: o.system.clone(),
                    relation: o.relation.clone(),
                }),
        );
        if facts.decision == Decision::Include {
            reasons.push(ApplicabilityReason::DecidedByOrganisation);
        }
    }

    let mut flags = Vec::new();
    if facts.decision == Decision::Undecided && !needed {
        flags.push(SoaFlag::Undecided);
    }
    if facts.decision == Decision::Exclude {
        if needed {
            let by = risks.iter().chain(&obligation_names).cloned().collect();
            flags.push(SoaFlag::ExcludedButNeeded { by });
        }
        if facts.justification.trim().is_empty() {
            flags.push(SoaFlag::ExclusionNotJustified);
        }
    }
    if applicable && facts.status == ImplementationStatus::NotStarted {
        flags.push(SoaFlag::NotStarted);
    }
    if facts.status == ImplementationStatus::Implemented
        && !evidence.iter().any(|e| e.is_current(now))
    {
        flags.push(SoaFlag::NoCurrentEvidence);
    }

    let justification = if applicable && facts.justification.trim().is_empty() {
        justification_from(&reasons)
    } else {
        facts.justification.clone()
    };
    SoaRow {
        control: control.clone(),
        applicable,
        reasons,
        decision: facts.decision,
        justification,
        status: facts.status,
        owner: facts.owner,
        risks,
        obligations: obligation_names,
        requirements: inputs
            .requirements
            .get(&control.id)
            .cloned()
            .unwrap_or_default(),
        evidence,
        flags,
    }
}

/// The treatments selecting `control`, one per risk, in natural order of their labels.
fn treatments_of<'a>(control: &str, all: &'a [TreatmentLink]) -> Vec<&'a TreatmentLink> {
    let mut found: Vec<&TreatmentLink> = Vec::new();
    for link in all.iter().filter(|t| t.control == control) {
        // A risk may be treated by the same control twice (two treatments); it counts once.
        if !found.iter().any(|t| t.risk_id == link.risk_id) {
            found.push(link);
        }
    }
    found.sort_by(|a, b| natural_order(risk_name(a), risk_name(b)));
    found
}

/// The obligations mapped to `control`, without repeats, by system then requirement.
fn obligations_of<'a>(control: &str, all: &'a [ObligationLink]) -> Vec<&'a ObligationLink> {
    let mut found: Vec<&ObligationLink> = all.iter().filter(|o| o.control == control).collect();
    found.sort_by(|a, b| {
        natural_order(&a.system, &b.system)
            .then_with(|| natural_order(&a.requirement, &b.requirement))
            .then_with(|| a.relation.cmp(&b.relation))
    });
    found.dedup_by(|a, b| {
        a.system == b.system && a.requirement == b.requirement && a.relation == b.relation
    });
    found
}

/// The label people know a risk by, or its id when it has no label.
fn risk_name(link: &TreatmentLink) -> &str {
    if link.risk_label.trim().is_empty() {
        &link.risk_id
    } else {
        &link.risk_label
    }
}

/// A justification in plain words, for an applicable control whose record gives none:
/// "Selected to treat; required by art-9 for Loan scorer."
pub(crate) fn justification_from(reasons: &[ApplicabilityReason]) -> String {
    let mut risks: Vec<&str> = Vec::new();
    // Requirements grouped by system, systems in the order the reasons list them.
    let mut systems: Vec<(&str, Vec<&str>)> = Vec::new();
    let mut decided = false;
    for reason in reasons {
        match reason {
            ApplicabilityReason::SelectedByTreatment { risk_label } => risks.push(risk_label),
            ApplicabilityReason::RequiredByObligation {
                requirement,
                system,
                ..
            } => match systems.iter_mut().find(|(s, _)| s == system) {
                Some((_, requirements)) => {
                    if !requirements.contains(&requirement.as_str()) {
                        requirements.push(requirement);
                    }
                }
                None => systems.push((system, vec![requirement])),
            },
            ApplicabilityReason::DecidedByOrganisation => decided = true,
        }
    }
    let mut parts = Vec::new();
    if !risks.is_empty() {
        parts.push(format!("selected to treat {}", risks.join(", ")));
    }
    if !systems.is_empty() {
        let by: Vec<String> = systems
            .iter()
            .map(|(system, requirements)| format!("{} for {system}", requirements.join(", ")))
            .collect();
        parts.push(format!("required by {}", by.join(" and ")));
    }
    if decided {
        parts.push("included by decision of the organisation".into());
    }
    let text = parts.join("; ");
    let mut chars = text.chars();
    match chars.next() {
        Some(first) => format!("{}{}.", first.to_uppercase(), chars.as_str()),
        None => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn obligation(requirement: &str, system: &str) -> ApplicabilityReason {
        ApplicabilityReason::RequiredByObligation {
            requirement: requirement.into(),
            system: system.into(),
            relation: "implements".into(),
        }
    }

    fn risk(label: &str) -> ApplicabilityReason {
        ApplicabilityReason::SelectedByTreatment {
            risk_label: label.into(),
        }
    }

    #[test]
    fn the_generated_justification_names_every_reason() {
        let text = justification_from(&[
            risk("R-3"),
            risk("R-7"),
            obligation("art-9", "Loan scorer"),
            obligation("art-10", "Loan scorer"),
            obligation("art-9", "Loan scorer"),
            obligation("art-50", "Chat bot"),
            ApplicabilityReason::DecidedByOrganisation,
        ]);
        assert_eq!(
            text,
            "Selected to treat R-3, R-7; required by art-9, art-10 for Loan scorer and art-50 \
             for Chat bot; included by decision of the organisation."
        );
    }

    #[test]
    fn the_generated_justification_leaves_out_what_is_absent() {
        assert_eq!(
            justification_from(&[obligation("art-9", "Loan scorer")]),
            "Required by art-9 for Loan scorer."
        );
        assert_eq!(
            justification_from(&[ApplicabilityReason::DecidedByOrganisation]),
            "Included by decision of the organisation."
        );
        assert_eq!(justification_from(&[]), "");
    }

    #[test]
    fn repeated_links_count_once_and_unlabelled_risks_show_their_id() {
        let link = |risk_id: &str, risk_label: &str| TreatmentLink {
            risk_id: risk_id.into(),
            risk_label: risk_label.into(),
            control: "A.5.2".into(),
        };
        let all = [
            link("r12", "R-12 Drift"),
            link("r3", ""),
            link("r12", "R-12 Drift"),
        ];
        let found: Vec<&str> = treatments_of("A.5.2", &all)
            .into_iter()
            .map(risk_name)
            .collect();
        assert_eq!(found, ["r3", "R-12 Drift"]);
        assert!(treatments_of("A.5.3", &all).is_empty());
    }
}
