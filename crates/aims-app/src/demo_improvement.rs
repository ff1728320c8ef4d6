//! The demo organisation's nonconformities: one from an internal audit, corrected, verified
//! by a colleague and closed; one from a red-team run, its corrective action under way.

use aims_domain::evidence::{EvidenceFacts, Target, TargetKind};
use aims_domain::improvement::{
    CauseCategory, Grade, NonconformityFacts, NonconformitySource, VerificationInput,
};
use aims_domain::work::{TaskFacts, TaskStatus};
use aims_domain::{Actor, ActorKind, AiSystemId, Role, UserId};

use crate::App;
use crate::error::Result;

fn requirement(kind: TargetKind, id: &str) -> Target {
    Target {
        kind,
        id: id.to_owned(),
    }
}

impl App {
    /// Creates the demo's nonconformities: `editor` owns and corrects, `admin` verifies.
    pub(crate) async fn seed_demo_nonconformities(
        &self,
        actor: &Actor,
        (admin, admin_email): (UserId, &str),
        (editor, editor_email): (UserId, &str),
        assistant: AiSystemId,
    ) -> Result<()> {
        let person = |(id, email): (UserId, &str), role| Actor {
            kind: ActorKind::User(id),
            org: actor.org,
            role,
            label: email.to_owned(),
        };
        let verifier = person((admin, admin_email), Role::Admin);
        let owner = person((editor, editor_email), Role::Editor);
        let now = self.now();

        let audit = self
            .record_nonconformity(
                actor,
                NonconformityFacts {
                    title: "Impact assessment not repeated after the credit model was retrained"
                        .into(),
                    description: "The internal audit sampled the March retraining of the credit \
                                  scoring model: the model changed materially, but the impact \
                                  assessment on file was the one from before."
                        .into(),
                    location: "Credit risk analytics".into(),
                    system: None,
                    requirements: vec![
                        requirement(TargetKind::Requirement, "iso-iec-42001:8.4"),
                        requirement(TargetKind::Control, "A.5.2"),
                    ],
                    source: NonconformitySource::InternalAudit,
                    source_ref: "Internal audit 2026-1, checklist line 14".into(),
                    grade: Grade::Minor,
                    owner: Some(editor),
                    detected_on: now.plus_days(-120),
                    containment: "The retrained model was held at shadow mode until assessed."
                        .into(),
                    correction: "The impact assessment was repeated and approved.".into(),
                    root_cause: "The retraining checklist had no step that asks whether the \
                                 change calls for a new impact assessment."
                        .into(),
                    cause_category: Some(CauseCategory::Process),
                },
            )
            .await?;
        let fix = self
            .add_corrective_action(
                actor,
                audit.id,
                TaskFacts {
                    title: "Add a reassessment step to the retraining checklist".into(),
                    assignee: Some(editor),
                    due: Some(now.plus_days(-90)),
                    ..Default::default()
                },
            )
            .await?;
        let mut done = fix.facts.clone();
        done.status = Some(TaskStatus::Done);
        self.update_task(&owner, fix.id, fix.revision, done).await?;
        let checklist = self
            .add_evidence(
                actor,
                EvidenceFacts {
                    title: "Retraining checklist, version 3, with the reassessment step".into(),
                    link: "https://intranet.example.org/ml/retraining-checklist-v3".into(),
                    targets: vec![requirement(TargetKind::Control, "A.5.2")],
                    ..Default::default()
                },
                None,
            )
            .await?;
        self.verify_nonconformity(
            &verifier,
            audit.id,
            audit.revision,
            VerificationInput {
                effective: true,
                note: "Two retrainings since May both went through the new step; each has a \
                       current impact assessment."
                    .into(),
                evidence: vec![checklist.id],
            },
        )
        .await?;

        let leak = self
            .record_nonconformity(
                actor,
                NonconformityFacts {
                    title: "The customer assistant disclosed its system prompt".into(),
                    description: "The red-team run's prompt-extraction probes got the assistant \
                                  to repeat its instructions, including an internal escalation \
                                  address."
                        .into(),
                    location: "Customer service".into(),
                    system: Some(assistant),
                    requirements: vec![requirement(TargetKind::Control, "A.6.2.4")],
                    source: NonconformitySource::RedTeamRun,
                    source_ref: "Red-team run before hardening".into(),
                    grade: Grade::Major,
                    owner: Some(editor),
                    detected_on: now.plus_days(-12),
                    containment: "The escalation address was changed the same day.".into(),
                    correction: String::new(),
                    root_cause: "Secrets were kept in the system prompt, and no output check \
                                 looked for them."
                        .into(),
                    cause_category: Some(CauseCategory::Technology),
                },
            )
            .await?;
        self.add_corrective_action(
            actor,
            leak.id,
            TaskFacts {
                title: "Move secrets out of the prompt and filter replies for them".into(),
                assignee: Some(editor),
                due: Some(now.plus_days(14)),
                ..Default::default()
            },
        )
        .await?;
        Ok(())
    }
}
