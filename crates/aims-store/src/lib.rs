//! Storage of aims. One SQL implementation serves both engines, SQLite (embedded default)
//! and PostgreSQL (scale-out), through sqlx's `Any` driver; the few places where the engines
//! differ (how a write transaction starts, row locks, table listing) branch on [`Engine`].
//! Every tenant-owned record is read and written with its organisation id first.

mod audit;
mod audit_checkpoints;
pub mod backup;
mod batch;
mod competence;
mod connect;
mod context;
mod custom_frameworks;
mod documents;
mod error;
mod evidence;
mod impact;
mod incidents;
mod inventory;
mod jobs;
mod listing;
mod match_counts;
mod members;
mod metrics;
mod migrate;
mod nonconformities;
mod notifications;
mod objectives;
mod organisations;
mod outbox;
mod readiness;
mod redteam;
mod requirement_texts;
mod risks;
mod row;
mod search;
mod soa;
mod table_row;
mod tasks;
#[cfg(feature = "testing")]
pub mod testing;
mod tokens;
mod tx;
mod wal_checkpoints;

pub use audit::AuditQuery;
pub use competence::TrainingQuery;
pub use connect::{Engine, OneRead, Store, redact_url};
pub use custom_frameworks::{CustomFramework, CustomFrameworkStamp};
pub use documents::{DEFAULT_APPROVER_ROLES, DocumentCounts, DocumentQuery};
pub use error::StoreError;
pub use impact::{AssessmentListing, AssessmentVersion};
pub use incidents::{IncidentCounts, IncidentQuery};
pub use inventory::{ClassificationRecord, SystemQuery, SystemSort};
pub use jobs::{Job, JobStatus, NewJob};
pub use metrics::{MAX_METRICS, MAX_SERIES};
pub use migrate::MIGRATIONS;
pub use nonconformities::{NonconformityCounts, NonconformityQuery};
pub use objectives::MAX_OBJECTIVES;
pub use readiness::FirstRecords;
pub use requirement_texts::RequirementText;
pub use risks::{RiskLevels, RiskQuery, RiskSort};
pub use search::{NamedRecord, Register};
pub use soa::{EvidenceCount, ObligationCount, OwnControl, SoaVersion};
pub use tasks::TaskQuery;
pub use tokens::PasswordReset;

pub use tx::Tx;
