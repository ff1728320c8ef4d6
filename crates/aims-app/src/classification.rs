//! EU AI Act classification of an AI system: the questionnaire's answers go through the
//! rules of `aims-domain`, the result and its obligations are recorded as the system's next
//! version, and each obligation is shown with its application dates and the ISO/IEC 42001
//! items the crosswalk maps it to.

use aims_catalog::{Catalogue, Relation};
use aims_domain::audit::AuditAction;
use aims_domain::eu_ai_act::{Answers, Classification, classify, obligations};
use aims_domain::{Actor, AiSystemId, ClassificationId, Permission};
use aims_store::ClassificationRecord;
use serde::{Deserialize, Serialize};
use serde_json::json;

use crate::App;
use crate::error::{AppError, Result};
use crate::frameworks::library;

/// The EU AI Act catalogue the rules' ids belong to.
pub const EU_AI_ACT: &str = "eu-ai-act";
/// The catalogue obligations are linked to through the crosswalk.
pub const ISO_42001: &str = "iso-iec-42001";

/// One obligation as recorded with a classification.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RecordedObligation {
    /// The catalogue item of the EU AI Act (`art-26`).
    pub requirement: String,
    /// `provider`, `deployer`, ...; `None` when it binds everyone.
    pub role: Option<String>,
    pub why: String,
}

impl RecordedObligation {
    /// Whose obligation it is, in words: the role's label, or `Everyone`.
    pub fn role_label(&self) -> String {
        match &self.role {
            None => "Everyone".to_owned(),
            Some(role) => role
                .parse::<aims_domain::eu_ai_act::OperatorRole>()
                .map_or_else(|_| role.clone(), |r| r.label().to_owned()),
        }
    }
}

/// An ISO/IEC 42001 item an obligation maps to.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LinkedControl {
    pub id: String,
    pub title: String,
    /// How the obligation relates to it (`subset of`, `intersects with`...).
    pub relation: String,
}

/// An obligation with what the catalogue and the crosswalk say about it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ObligationView {
    pub recorded: RecordedObligation,
    pub title: String,
    /// When it applies, from the catalogue (inherited from the enclosing article or section).
    pub applies_from: Option<String>,
    /// The date a recorded amendment moves it to, with the amendment's note.
    pub amended_applies_from: Option<String>,
    pub amendment: Option<String>,
    pub controls: Vec<LinkedControl>,
}

/// A recorded classification, read back into the domain's terms.
#[derive(Clone, Debug)]
pub struct ClassificationOutcome {
    pub record: ClassificationRecord,
    pub answers: Answers,
    pub classification: Classification,
    pub obligations: Vec<ObligationView>,
}

/// The first of `id` and its ancestors in `catalogue` that has `field`.
fn inherited<'a>(
    catalogue: &'a Catalogue,
    id: &str,
    field: impl Fn(&'a aims_catalog::Item) -> Option<&'a String>,
) -> Option<&'a aims_catalog::Item> {
    let mut current = catalogue.item(id);
    while let Some(item) = current {
        if field(item).is_some() {
            return Some(item);
        }
        current = item.parent.as_deref().and_then(|p| catalogue.item(p));
    }
    None
}

/// The ISO/IEC 42001 items that `id` or any item under it maps to directly, strongest first.
pub(crate) fn linked_controls(catalogue: &Catalogue, id: &str) -> Result<Vec<LinkedControl>> {
    let library = library()?;
    let mut stack = vec![id.to_owned()];
    let mut found: Vec<(String, Relation)> = Vec::new();
    while let Some(next) = stack.pop() {
        stack.extend(catalogue.children(Some(&next)).map(|c| c.id.clone()));
        for reached in library.map(catalogue, &next, 1) {
            let (key, item) = &reached.node;
            if !key.starts_with(&format!("{ISO_42001}@"))
                || reached.relation == Relation::NoRelationship
            {
                continue;
            }
            match found.iter_mut().find(|(i, _)| i == item) {
                Some((_, relation)) if relation.strength() < reached.relation.strength() => {
                    *relation = reached.relation;
                }
                Some(_) => {}
                None => found.push((item.clone(), reached.relation)),
            }
        }
    }
    let iso = library.catalogue(ISO_42001);
    found.sort_by(|a, b| b.1.strength().cmp(&a.1.strength()).then(a.0.cmp(&b.0)));
    Ok(found
        .into_iter()
        .map(|(id, relation)| LinkedControl {
            title: iso
                .and_then(|c| c.item(&id))
                .map(|i| i.title.clone())
                .unwrap_or_default(),
            id,
            relation: relation.to_string(),
        })
        .collect())
}

fn obligation_view(catalogue: &Catalogue, recorded: RecordedObligation) -> Result<ObligationView> {
    let id = recorded.requirement.clone();
    let dated = inherited(catalogue, &id, |i| i.applies_from.as_ref());
    let amended = inherited(catalogue, &id, |i| i.amended_applies_from.as_ref());
    Ok(ObligationView {
        title: catalogue
            .item(&id)
            .map(|i| i.title.clone())
            .unwrap_or_default(),
        applies_from: dated.and_then(|i| i.applies_from.clone()),
        amended_applies_from: amended.and_then(|i| i.amended_applies_from.clone()),
        amendment: amended.and_then(|i| i.amendment.clone()),
        controls: linked_controls(catalogue, &id)?,
        recorded,
    })
}

fn outcome(record: ClassificationRecord) -> Result<ClassificationOutcome> {
    let corrupt = |e: serde_json::Error| {
        AppError::Internal(format!("classification {} cannot be read: {e}", record.id))
    };
    let answers: Answers = serde_json::from_value(record.answers.clone()).map_err(corrupt)?;
    let classification: Classification =
        serde_json::from_value(record.result["classification"].clone()).map_err(corrupt)?;
    let recorded: Vec<RecordedObligation> =
        serde_json::from_value(record.result["obligations"].clone()).map_err(corrupt)?;
    let catalogue = library()?
        .catalogue(EU_AI_ACT)
        .ok_or_else(|| AppError::Internal("the EU AI Act catalogue is missing".into()))?;
    let obligations = recorded
        .into_iter()
        .map(|o| obligation_view(catalogue, o))
        .collect::<Result<_>>()?;
    Ok(ClassificationOutcome {
        record,
        answers,
        classification,
        obligations,
    })
}

impl App {
    /// Classifies a system from the questionnaire's answers and records the result as its
    /// next version (owner, admin, editor).
    pub async fn classify_ai_system(
        &self,
        actor: &Actor,
        system: AiSystemId,
        answers: Answers,
    ) -> Result<ClassificationOutcome> {
        actor.require(Permission::EditContent)?;
        answers.validate()?;
        let classification = classify(&answers);
        let recorded: Vec<RecordedObligation> = obligations(&classification, &answers)
            .into_iter()
            .map(|o| RecordedObligation {
                requirement: o.requirement.to_owned(),
                role: o.role.map(|r| r.as_str().to_owned()),
                why: o.why,
            })
            .collect();
        self.change(actor.org, actor, async |c| {
        let now = c.now;
        let record = ClassificationRecord {
            id: ClassificationId::new(),
            system,
            version: 0,
            class: classification.class.as_str().to_owned(),
            answers: serde_json::to_value(&answers)
                .map_err(|e| AppError::Internal(e.to_string()))?,
            result: json!({"classification": classification, "obligations": recorded}),
            decided_at: now,
            decided_by: actor.label.clone(),
        };
        c.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let record = c.record_classification(actor.org, record).await?;
        let change = json!({"version": record.version, "class": record.class, "basis": classification.high_risk_basis, "obligations": recorded.len()});
        c.record(AuditAction::AiSystemClassified, system, change).await?;
        outcome(record)
        })
        .await
    }

    /// A recorded classification of a system: `version`, or the latest; `None` when the
    /// system was never classified.
    pub async fn classification(
        &self,
        actor: &Actor,
        system: AiSystemId,
        version: Option<i64>,
    ) -> Result<Option<ClassificationOutcome>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut tx = self.store.read().await?;
        tx.ai_system(actor.org, system)
            .await?
            .ok_or(AppError::NotFound("AI system"))?;
        let history = tx.classifications(actor.org, system).await?;
        drop(tx);
        let record = match version {
            None => history.into_iter().next(),
            Some(v) => Some(
                history
                    .into_iter()
                    .find(|r| r.version == v)
                    .ok_or(AppError::NotFound("classification version"))?,
            ),
        };
        record.map(outcome).transpose()
    }
}
