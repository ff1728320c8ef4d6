//! The EU AI Act (Regulation (EU) 2024/1689) as pure rules: a questionnaire about one AI system,
//! its risk class, and the obligations of each role. Every id these rules take or return is an
//! item id of the `eu-ai-act-2024` catalogue, so dates and crosswalks stay data in the catalogue.
//!
//! Simplifications, each explained where it is made: one derogation covers every Annex III point
//! claimed; the narrower exceptions of Article 50 and Article 5(1)(g) are not asked about; the
//! own duties of importers, distributors and authorised representatives (Articles 22 to 24) are
//! not in the catalogue, so importers and distributors get only the Article 25 reminder and
//! authorised representatives nothing; a system high-risk only through Annex I section B gets no
//! obligations from this Regulation (Article 2(2)).

mod catalogue;
mod classification;
mod classify;
mod gpai;
mod obligations;
mod questionnaire;
mod questions;
mod role;
mod transparency;

pub use catalogue::{
    ANNEX_I_ACTS, ANNEX_III_POINTS, Choice, DEROGATION_CONDITIONS, PROHIBITED_PRACTICES,
    REQUIREMENTS, cite,
};
pub use classification::{Classification, GpaiDuty, Reason, RiskClass};
pub use classify::classify;
pub use gpai::SYSTEMIC_RISK_FLOPS;
pub use obligations::{Obligation, obligations};
pub use questionnaire::Answers;
pub use questions::{Question, QuestionKind, Section, questions};
pub use role::OperatorRole;
