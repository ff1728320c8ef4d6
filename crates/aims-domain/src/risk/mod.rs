//! The risk register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): the organisation's own method for
//! rating risks, the risks themselves with their treatment, and the heat map that shows them.

mod change;
mod heat_map;
mod method;
mod register;

pub use crate::id::RiskId;
pub use change::{MethodChange, describe_change, rescore};
pub use heat_map::{HeatMapCounts, escape_xml, heat_map_svg, heat_map_svg_linked};
pub use method::{Level, MAX_LEVELS, MIN_LEVELS, RiskLevel, RiskMethod, Scale};
pub use register::{
    Acceptance, MAX_ITEMS, Risk, RiskFacts, RiskStatus, TreatmentAction, TreatmentOption,
};
