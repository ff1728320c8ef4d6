//! The AI system inventory: systems, components, and recorded classifications.

mod classifications;
mod components;
mod labels;
mod systems;

pub use classifications::ClassificationRecord;
pub(crate) use labels::like_escaped;
pub use systems::{SystemQuery, SystemSort};
