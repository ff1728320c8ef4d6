//! The AI system inventory: systems, components, and recorded classifications.

mod classifications;
mod components;
mod labels;
mod systems;

pub use classifications::ClassificationRecord;
pub use systems::{SystemQuery, SystemSort};
