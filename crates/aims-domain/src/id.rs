//! Identifiers: UUIDv7 newtypes, one per kind of object, so that an organisation id can never
//! be passed where a user id is expected.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! uuid_id {
    ($(#[$doc:meta] $name:ident),+ $(,)?) => {$(
        #[$doc]
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        #[serde(transparent)]
        pub struct $name(Uuid);

        impl $name {
            /// A new, time-ordered identifier.
            pub fn new() -> Self {
                Self(Uuid::now_v7())
            }

            /// Wraps an existing UUID.
            pub const fn from_uuid(uuid: Uuid) -> Self {
                Self(uuid)
            }

            /// The UUID inside.
            pub const fn as_uuid(&self) -> Uuid {
                self.0
            }
        }

        impl Default for $name {
            fn default() -> Self {
                Self::new()
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                self.0.as_hyphenated().fmt(f)
            }
        }

        impl FromStr for $name {
            type Err = uuid::Error;

            fn from_str(s: &str) -> Result<Self, Self::Err> {
                Uuid::parse_str(s).map(Self)
            }
        }
    )+};
}

uuid_id! {
    /// An organisation: the tenant every record belongs to.
    OrgId,
    /// A person's account; one account may belong to several organisations.
    UserId,
    /// A pending invitation to join an organisation.
    InvitationId,
    /// A bearer API token of one organisation.
    ApiTokenId,
    /// A signed-in browser session.
    SessionId,
    /// A one-time token that creates the first organisation.
    SetupTokenId,
    /// One event of an organisation's audit trail.
    AuditEventId,
    /// A background job.
    JobId,
    /// An AI system of the inventory.
    AiSystemId,
    /// A component of an AI system: a model, a dataset or a supplier.
    ComponentId,
    /// One recorded EU AI Act classification of an AI system.
    ClassificationId,
    /// An impact assessment of an AI system.
    ImpactAssessmentId,
    /// A piece of evidence: a stored file or a link.
    EvidenceId,
    /// A risk of the register.
    RiskId,
    /// A red-team run recorded against an AI system.
    RedTeamRunId,
    /// A document of the management system (a policy, a procedure, a plan...).
    DocumentId,
    /// A role of the management system (AI governance lead, risk owner, ...).
    AimsRoleId,
    /// A record of one person's training, attestation, qualification or AI literacy.
    TrainingRecordId,
    /// A task someone must do.
    TaskId,
    /// A comment on a task.
    TaskCommentId,
    /// A notification to one person.
    NotificationId,
    /// A metric of monitoring and measurement.
    MetricId,
    /// One measurement of a metric.
    MeasurementId,
    /// An AI objective.
    ObjectiveId,
    /// A nonconformity (ISO/IEC 42001 10.2).
    NonconformityId,
    /// An AI incident (ISO/IEC 42001 A.8.4).
    IncidentId,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_round_trip_through_text() {
        let id = OrgId::new();
        let parsed: OrgId = id.to_string().parse().unwrap();
        assert_eq!(id, parsed);
        assert!("not-a-uuid".parse::<OrgId>().is_err());
    }

    #[test]
    fn new_ids_are_time_ordered() {
        let a = UserId::new();
        let b = UserId::new();
        assert!(a < b);
    }
}
