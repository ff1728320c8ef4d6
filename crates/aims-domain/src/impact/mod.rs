//! Impact assessments of AI systems (ISO/IEC 42001 6.1.4, 8.4, A.5; EU AI Act Article 27):
//! what the system does to people and society, kept as versions that are reviewed and approved.

mod assessment;
mod diff;

pub use assessment::{
    Approval, AssessmentContent, Fria, Harm, HarmKind, ImpactAssessment, MAX_HARMS, Rating,
};
pub use diff::{ContentChange, compare};
