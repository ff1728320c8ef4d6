//! Roles of the management system and the competence of their holders: the roles with
//! their responsibilities and holders, people's training records, and how far each role is
//! covered by current AI literacy and the competences it needs.

mod coverage;
mod roles;
mod training;

pub use coverage::CompetenceReport;
pub use training::{TrainingFilter, TrainingStandingFilter};
