//! The domain of aims: identifiers, validated values, roles and permissions, and the
//! tamper-evident audit chain. Pure types and rules: no IO, no async, no SQL, no HTTP.

pub mod access;
pub mod account;
pub mod audit;
mod choice;
pub mod competence;
pub mod context;
pub mod document;
pub mod eu_ai_act;
pub mod evidence;
pub mod id;
pub mod impact;
pub mod improvement;
pub mod incident;
pub mod inventory;
pub mod measurement;
pub mod redteam;
pub mod risk;
pub mod secret;
pub mod soa;
pub mod table;
pub mod time;
pub mod validation;
pub mod work;

pub use access::{Actor, ActorKind, Denied, Permission, Role};
pub use id::{
    AiSystemId, ApiTokenId, AuditEventId, ClassificationId, ComponentId, DocumentId, EvidenceId,
    ImpactAssessmentId, IncidentId, InvitationId, JobId, MeasurementId, MetricId, NonconformityId,
    NotificationId, ObjectiveId, OrgId, RedTeamRunId, RiskId, SessionId, SetupTokenId,
    TaskCommentId, TaskId, UserId,
};
pub use secret::SecretHash;
pub use time::Timestamp;
pub use validation::ValidationError;
