//! The AI system inventory: systems and the components they are made of.

mod component;
mod system;

pub use component::{Component, ComponentFacts, ComponentKind, is_web_link};
pub use system::{
    AiRole, AiSystem, Autonomy, ClassificationSummary, DecisionsAboutPeople, LifecycleStage,
    MAX_PROSE, MAX_TAGS, SystemFacts, SystemStatus,
};
