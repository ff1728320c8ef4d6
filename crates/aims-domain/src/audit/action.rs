//! Every kind of change the audit trail records: one closed list, so that a change is named
//! the same way wherever it is made, and each names the kind of record it is about.

crate::choice! {
    /// What happened, stored as `object.verb`.
    pub enum AuditAction ("action") {
        AccountEmailPreferenceChanged = "account.email_preference_changed": "Email preference changed",
        AccountPasswordChanged = "account.password_changed": "Password changed",
        AccountPasswordReset = "account.password_reset": "Password reset by email link",
        AccountPasswordResetRequested = "account.password_reset_requested": "Password reset requested",
        AccountSignInFailed = "account.sign_in_failed": "Sign-in failed",
        AiSystemClassified = "ai_system.classified": "AI system classified",
        AiSystemCreated = "ai_system.created": "AI system created",
        AiSystemDeleted = "ai_system.deleted": "AI system deleted",
        AiSystemMlBomImported = "ai_system.ml_bom_imported": "ML-BOM imported",
        AiSystemUpdated = "ai_system.updated": "AI system updated",
        AimsRoleCreated = "aims_role.created": "Role created",
        AimsRoleDeleted = "aims_role.deleted": "Role deleted",
        AimsRoleUpdated = "aims_role.updated": "Role updated",
        ComponentAdded = "component.added": "Component added",
        ContextApproved = "context.approved": "Context and scope approved",
        ContextReturned = "context.returned": "Context and scope returned to draft",
        ContextSaved = "context.saved": "Context and scope saved",
        ContextSubmitted = "context.submitted": "Context and scope sent for review",
        ComponentRemoved = "component.removed": "Component removed",
        ComponentUpdated = "component.updated": "Component updated",
        ControlAdded = "control.added": "Control added",
        ControlImplementationSet = "control.implementation_set": "Control implementation set",
        DataSetGenerated = "data_set.generated": "Data set generated",
        DocumentAcknowledged = "document.acknowledged": "Document read and acknowledged",
        DocumentApproved = "document.approved": "Document approved",
        DocumentApproversChanged = "document_settings.approvers_changed": "Document approvers changed",
        DocumentCreated = "document.created": "Document created",
        DocumentReturned = "document.returned": "Document returned to draft",
        DocumentRetired = "document.retired": "Document retired",
        DocumentSaved = "document.saved": "Document saved",
        DocumentSettingsChanged = "document.settings_changed": "Document owner or review changed",
        DocumentSubmitted = "document.submitted": "Document sent for review",
        EvidenceAdded = "evidence.added": "Evidence added",
        EvidenceDeleted = "evidence.deleted": "Evidence deleted",
        EvidenceExpiryReminder = "evidence.expiry_reminder": "Evidence expiry reminder sent",
        FrameworkDeleted = "framework.deleted": "Framework deleted",
        FrameworkImported = "framework.imported": "Framework imported",
        ImpactAssessmentApproved = "impact_assessment.approved": "Impact assessment approved",
        ImpactAssessmentCreated = "impact_assessment.created": "Impact assessment created",
        ImpactAssessmentSaved = "impact_assessment.saved": "Impact assessment saved",
        InvitationCreated = "invitation.created": "Invitation created",
        InvitationRevoked = "invitation.revoked": "Invitation revoked",
        MeasurementRecorded = "metric.measured": "Measurement recorded",
        MeasurementDeleted = "metric.measurement_deleted": "Measurement deleted",
        MemberAdded = "member.added": "Member added",
        MemberInvited = "member.invited": "Member invited",
        MemberRemoved = "member.removed": "Member removed",
        MemberRoleChanged = "member.role_changed": "Member's role changed",
        MetricCreated = "metric.created": "Metric created",
        MetricDeleted = "metric.deleted": "Metric deleted",
        MetricUpdated = "metric.updated": "Metric updated",
        NonconformityClosed = "nonconformity.closed": "Nonconformity closed",
        NonconformityCreated = "nonconformity.created": "Nonconformity recorded",
        NonconformityReopened = "nonconformity.reopened": "Nonconformity reopened",
        NonconformityUpdated = "nonconformity.updated": "Nonconformity updated",
        NonconformityWithdrawn = "nonconformity.withdrawn": "Nonconformity withdrawn",
        ObjectiveCreated = "objective.created": "Objective created",
        ObjectiveDeleted = "objective.deleted": "Objective deleted",
        ObjectiveUpdated = "objective.updated": "Objective updated",
        OrganisationCreated = "organisation.created": "Organisation created",
        OrganisationRenamed = "organisation.renamed": "Organisation renamed",
        RedTeamRunCancelRequested = "redteam.run_cancel_requested": "Red-team run cancel requested",
        RedTeamRunCancelled = "redteam.run_cancelled": "Red-team run cancelled",
        RedTeamRunRecorded = "redteam.run_recorded": "Red-team run recorded",
        RedTeamRunStarted = "redteam.run_started": "Red-team run started",
        RequirementTextCleared = "requirement_text.cleared": "Requirement text cleared",
        RequirementTextImported = "requirement_text.imported": "Requirement texts imported",
        RequirementTextSet = "requirement_text.set": "Requirement text set",
        RiskAccepted = "risk.accepted": "Risk accepted",
        RiskCreated = "risk.created": "Risk created",
        RiskDeleted = "risk.deleted": "Risk deleted",
        RiskMethodChanged = "risk_method.changed": "Risk method changed",
        RiskUpdated = "risk.updated": "Risk updated",
        SessionEnded = "session.ended": "Signed out",
        SessionRevoked = "session.revoked": "Session revoked",
        SessionStarted = "session.started": "Signed in",
        SoaApproved = "soa.approved": "SoA approved",
        SoaGenerated = "soa.generated": "SoA generated",
        TaskCommented = "task.commented": "Task commented on",
        TaskCreated = "task.created": "Task created",
        TaskUpdated = "task.updated": "Task updated",
        TrainingRecordCreated = "training_record.created": "Training recorded",
        TrainingRecordDeleted = "training_record.deleted": "Training record deleted",
        TrainingRecordUpdated = "training_record.updated": "Training record updated",
        TokenCreated = "token.created": "API token created",
        TokenRevoked = "token.revoked": "API token revoked",
    }
}

impl AuditAction {
    /// The kind of record the change is about, which its event names with the record's id.
    pub const fn object_type(self) -> &'static str {
        use AuditAction::*;
        match self {
            AccountPasswordReset | AccountPasswordResetRequested => "account",
            AccountEmailPreferenceChanged | AccountPasswordChanged | AccountSignInFailed => {
                "account"
            }
            AiSystemClassified
            | AiSystemCreated
            | AiSystemDeleted
            | AiSystemMlBomImported
            | AiSystemUpdated
            | RedTeamRunCancelled
            | RedTeamRunStarted => "ai_system",
            AimsRoleCreated | AimsRoleDeleted | AimsRoleUpdated => "aims_role",
            ComponentAdded | ComponentRemoved | ComponentUpdated => "component",
            ContextApproved | ContextReturned | ContextSaved | ContextSubmitted => "context",
            ControlAdded | ControlImplementationSet => "control",
            DocumentAcknowledged
            | DocumentApproved
            | DocumentCreated
            | DocumentReturned
            | DocumentRetired
            | DocumentSaved
            | DocumentSettingsChanged
            | DocumentSubmitted => "document",
            DataSetGenerated
            | DocumentApproversChanged
            | OrganisationCreated
            | OrganisationRenamed
            | RiskMethodChanged => "organisation",
            EvidenceAdded | EvidenceDeleted | EvidenceExpiryReminder => "evidence",
            FrameworkDeleted | FrameworkImported | RequirementTextImported => "framework",
            ImpactAssessmentApproved | ImpactAssessmentCreated | ImpactAssessmentSaved => {
                "impact_assessment"
            }
            InvitationCreated | InvitationRevoked => "invitation",
            MemberAdded | MemberInvited | MemberRemoved | MemberRoleChanged => "member",
            MeasurementDeleted | MeasurementRecorded | MetricCreated | MetricDeleted
            | MetricUpdated => "metric",
            NonconformityClosed
            | NonconformityCreated
            | NonconformityReopened
            | NonconformityUpdated
            | NonconformityWithdrawn => "nonconformity",
            ObjectiveCreated | ObjectiveDeleted | ObjectiveUpdated => "objective",
            RedTeamRunCancelRequested => "job",
            RedTeamRunRecorded => "redteam_run",
            RequirementTextCleared | RequirementTextSet => "requirement",
            RiskAccepted | RiskCreated | RiskDeleted | RiskUpdated => "risk",
            SessionEnded | SessionRevoked | SessionStarted => "session",
            SoaApproved | SoaGenerated => "soa",
            TaskCommented | TaskCreated | TaskUpdated => "task",
            TokenCreated | TokenRevoked => "token",
            TrainingRecordCreated | TrainingRecordDeleted | TrainingRecordUpdated => {
                "training_record"
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::AuditAction;

    #[test]
    fn every_action_is_stored_as_object_dot_verb_and_named_once() {
        let mut seen = std::collections::BTreeSet::new();
        for action in AuditAction::ALL {
            let (object, verb) = action.as_str().split_once('.').expect("object.verb");
            assert!(!object.is_empty() && !verb.is_empty(), "{action}");
            assert!(seen.insert(action.as_str()), "{action} twice");
            assert_eq!(action.as_str().parse::<AuditAction>().unwrap(), *action);
        }
        // The record's kind comes from the action, not from each call site.
        assert_eq!(AuditAction::RiskAccepted.object_type(), "risk");
        assert_eq!(AuditAction::RedTeamRunCancelRequested.object_type(), "job");
        assert_eq!(AuditAction::AimsRoleUpdated.object_type(), "aims_role");
        assert_eq!(
            AuditAction::TrainingRecordDeleted.object_type(),
            "training_record"
        );
    }
}
