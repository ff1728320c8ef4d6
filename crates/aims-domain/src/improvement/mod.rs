//! Improvement (ISO/IEC 42001 clause 10): nonconformities, what was done about them, and
//! whether it worked.

mod nonconformity;

pub use nonconformity::{
    CauseCategory, Grade, Nonconformity, NonconformityFacts, NonconformitySource,
    NonconformityStatus, Phase, Verification, VerificationInput,
};
