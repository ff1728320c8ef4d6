//! Builders shared by the SoA tests.

// Each test file that includes this module uses only some of it.
#![allow(dead_code)]

use aims_domain::soa::{
    Decision, EvidenceRef, ImplementationFacts, ImplementationStatus, ObligationLink, TreatmentLink,
};
use aims_domain::{EvidenceId, Timestamp};

pub fn now() -> Timestamp {
    Timestamp::parse_rfc3339("2027-03-01T09:00:00Z").unwrap()
}

pub fn treatment(risk: &str, control: &str) -> TreatmentLink {
    TreatmentLink {
        risk_id: risk.to_lowercase(),
        risk_label: risk.into(),
        control: control.into(),
    }
}

pub fn obligation(requirement: &str, system: &str, control: &str) -> ObligationLink {
    ObligationLink {
        requirement: requirement.into(),
        system: system.into(),
        control: control.into(),
        relation: "implements".into(),
    }
}

pub fn facts(
    decision: Decision,
    justification: &str,
    status: ImplementationStatus,
) -> ImplementationFacts {
    ImplementationFacts {
        decision,
        justification: justification.into(),
        status,
        ..ImplementationFacts::default()
    }
}

pub fn evidence(title: &str, expires_at: Option<Timestamp>) -> EvidenceRef {
    EvidenceRef {
        id: EvidenceId::new(),
        title: title.into(),
        expires_at,
    }
}
