//! Controls and the Statement of Applicability (ISO/IEC 42001 6.1.3 d–f): what the
//! organisation records per control, the statement derived from it and from risk treatments,
//! obligations and evidence, and the statement as a versioned document and a spreadsheet.

mod derive;
mod document;
mod implementation;
mod order;
mod row;

pub use derive::{ObligationLink, SoaInputs, TreatmentLink, derive_soa};
pub use document::{COLUMNS, SoaChange, SoaSnapshot, compare, table, to_csv};
pub use implementation::{
    ControlRef, Decision, ImplementationFacts, ImplementationStatus, MAX_JUSTIFICATION, OWN_GROUP,
};
pub use order::{control_order, natural_order};
pub use row::{ApplicabilityReason, EvidenceRef, GroupCoverage, Soa, SoaFlag, SoaRow, SoaSummary};
