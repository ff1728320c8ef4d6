//! The AI system inventory: systems and the components they are made of.

mod bom;
mod component;
mod system;

pub use bom::{BomError, BomImport, ImportPlan, plan_import, read_ml_bom, write_ml_bom};
pub use component::{Component, ComponentFacts, ComponentKind, is_web_link};
pub use system::{
    AiRole, AiSystem, Autonomy, ClassificationSummary, DecisionsAboutPeople, LifecycleStage,
    MAX_PROSE, MAX_TAGS, SystemFacts, SystemStatus,
};
