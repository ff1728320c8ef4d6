//! Impact assessments: drafted and saved as versions by editors, approved by owners and
//! admins, compared version against version.

use aims_domain::audit::AuditAction;
use aims_domain::impact::{
    Approval, AssessmentContent, ContentChange, Fria, ImpactAssessment, compare,
};
use aims_domain::{Actor, AiSystemId, ImpactAssessmentId, Permission, ValidationError};
use aims_store::{AssessmentVersion, StoreError, Tx};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};

/// An assessment with every saved version, newest first.
#[derive(Clone, Debug)]
pub struct AssessmentRecord {
    pub assessment: ImpactAssessment,
    pub versions: Vec<AssessmentVersion>,
    pub system_name: String,
    /// The system's latest classification makes a deployer owe a FRIA (Article 27).
    pub fria_required: bool,
}

impl AssessmentRecord {
    /// What the latest version still lacks before it can be approved, in words (`the scope`,
    /// `at least one potential harm`, ...); empty when it is complete.
    pub fn missing_for_approval(&self) -> Vec<String> {
        let content = &self.assessment.content;
        let mut missing = Vec::new();
        if content.scope.trim().is_empty() {
            missing.push("the scope".to_owned());
        }
        if content.harms.is_empty() {
            missing.push("at least one potential harm".to_owned());
        }
        let points = content.missing_fria_points();
        if !points.is_empty() {
            missing.push(format!("FRIA point(s) {}", points.join(", ")));
        }
        missing
    }
}

/// Why `content` cannot be approved yet, naming the first field that is missing; `None` when
/// it is complete: every FRIA point answered (when the assessment has them), the scope stated
/// and at least one potential harm assessed. An empty assessment is no assessment to approve.
fn approval_refusal(content: &AssessmentContent) -> Option<ValidationError> {
    let missing = content.missing_fria_points();
    if !missing.is_empty() {
        return Some(ValidationError::new(
            "fria",
            format!(
                "answer FRIA point(s) {} before approving",
                missing.join(", ")
            ),
        ));
    }
    if content.scope.trim().is_empty() {
        return Some(ValidationError::new(
            "scope",
            "must say what the assessment covers before it can be approved",
        ));
    }
    if content.harms.is_empty() {
        return Some(ValidationError::new(
            "harms",
            "must list at least one potential harm, rated, before the assessment can be approved",
        ));
    }
    None
}

/// Whether the latest recorded classification of `system` includes Article 27.
async fn fria_required(tx: &mut Tx, actor: &Actor, system: AiSystemId) -> Result<bool> {
    let latest = tx.classifications(actor.org, system).await?;
    Ok(latest.first().is_some_and(|record| {
        record.result["obligations"]
            .as_array()
            .is_some_and(|all| all.iter().any(|o| o["requirement"] == "art-27"))
    }))
}

impl App {
    /// Starts an impact assessment of a system; when Article 27 applies to it, the FRIA
    /// points are part of it from the start.
    pub async fn create_impact_assessment(
        &self,
        actor: &Actor,
        system: AiSystemId,
        content: AssessmentContent,
    ) -> Result<ImpactAssessment> {
        actor.require(Permission::EditContent)?;
        let mut content = content.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        c.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        if content.fria.is_none() && fria_required(c, actor, system).await? {
            content.fria = Some(Fria::default());
        }
        let assessment = ImpactAssessment {
            id: ImpactAssessmentId::new(),
            system,
            version: 1,
            content,
            approval: None,
            created_at: now,
            updated_at: now,
        };
        c.insert_impact_assessment(actor.org, &assessment, &actor.label)
            .await?;
        let change =
            json!({"system": system.to_string(), "title": assessment.content.title, "version": 1});
        c.record(AuditAction::ImpactAssessmentCreated, assessment.id, change).await?;
        Ok(assessment)
        })
        .await
    }

    /// Saves a new version of an assessment, if nobody saved one since `version`.
    pub async fn save_impact_assessment(
        &self,
        actor: &Actor,
        id: ImpactAssessmentId,
        version: i64,
        content: AssessmentContent,
    ) -> Result<ImpactAssessment> {
        actor.require(Permission::EditContent)?;
        let content = content.validate()?;
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let before = c
            .impact_assessment(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("impact assessment"))?;
        let changes = compare(&before.content, &content);
        if changes.is_empty() && before.version == version {
            return Ok(before);
        }
        let saved = c
            .save_assessment_version(actor.org, id, version, &content, now, &actor.label)
            .await
            .map_err(|e| match e {
                StoreError::Conflict(_) => AppError::Conflict(format!(
                    "someone saved version {} of this assessment meanwhile; reload it and apply your change again",
                    before.version
                )),
                other => other.into(),
            })?;
        let fields: Vec<&str> = changes.iter().map(|c| c.field.as_str()).collect();
        c.record(AuditAction::ImpactAssessmentSaved, id, json!({"version": saved, "fields": fields})).await?;
        let after = c.impact_assessment(actor.org, id).await?;
        after.ok_or(AppError::NotFound("impact assessment"))
        })
        .await
    }

    /// Approves the latest version (owner, admin). It must be complete first: every FRIA point
    /// answered, the scope stated and at least one potential harm assessed.
    pub async fn approve_impact_assessment(
        &self,
        actor: &Actor,
        id: ImpactAssessmentId,
        version: i64,
    ) -> Result<ImpactAssessment> {
        actor.require(Permission::ApproveContent)?;
        self.change(actor.org, actor, async |c| {
            let now = c.now;
            let assessment = c
                .impact_assessment(actor.org, id)
                .await?
                .ok_or(AppError::NotFound("impact assessment"))?;
            if version != assessment.version {
                return Err(AppError::Conflict(format!(
                    "only the latest version ({}) can be approved",
                    assessment.version
                )));
            }
            if let Some(refused) = approval_refusal(&assessment.content) {
                return Err(refused.into());
            }
            let approval = Approval {
                version,
                by: actor.user(),
                by_label: actor.label.clone(),
                at: now,
            };
            c.approve_assessment(actor.org, id, &approval).await?;
            c.record(
                AuditAction::ImpactAssessmentApproved,
                id,
                json!({"version": version}),
            )
            .await?;
            Ok(ImpactAssessment {
                approval: Some(approval),
                ..assessment
            })
        })
        .await
    }

    /// One page of the organisation's assessments (most recently changed first), with the
    /// total; at most [`crate::MAX_PAGE`] to a page.
    pub async fn impact_assessment_list(
        &self,
        actor: &Actor,
        limit: i64,
        offset: i64,
    ) -> Result<(Vec<aims_store::AssessmentListing>, i64)> {
        actor.require(Permission::ReadOrganisation)?;
        let limit = limit.clamp(1, crate::MAX_PAGE);
        let offset = offset.clamp(0, crate::MAX_OFFSET);
        let mut tx = self.store.read().await?;
        Ok(tx.impact_assessment_list(actor.org, limit, offset).await?)
    }

    /// An assessment with its versions.
    pub async fn impact_assessment(
        &self,
        actor: &Actor,
        id: ImpactAssessmentId,
    ) -> Result<AssessmentRecord> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        let assessment = tx
            .impact_assessment(actor.org, id)
            .await?
            .ok_or(AppError::NotFound("impact assessment"))?;
        let system = tx
            .ai_system(actor.org, assessment.system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        Ok(AssessmentRecord {
            versions: tx.assessment_versions(actor.org, id).await?,
            fria_required: fria_required(&mut tx, actor, assessment.system).await?,
            system_name: system.facts.name,
            assessment,
        })
    }

    /// What changed from version `from` to version `to`.
    pub async fn compare_assessment_versions(
        &self,
        actor: &Actor,
        id: ImpactAssessmentId,
        from: i64,
        to: i64,
    ) -> Result<Vec<ContentChange>> {
        let record = self.impact_assessment(actor, id).await?;
        let find = |v: i64| {
            record
                .versions
                .iter()
                .find(|x| x.version == v)
                .map(|x| x.content.clone())
                .ok_or(AppError::NotFound("assessment version"))
        };
        Ok(compare(&find(from)?, &find(to)?))
    }
}
