//! What a new version of a catalogue touches in an organisation's records: the Statement of
//! Applicability rows of changed Annex A controls (with their risks and evidence), the
//! obligations recorded under changed EU AI Act articles, and the evidence naming changed items.

use aims_catalog::CatalogueDiff;
use aims_domain::evidence::{Target, TargetKind};
use aims_domain::{Actor, Permission};
use serde::Serialize;

use crate::error::Result;
use crate::{App, EU_AI_ACT, ISO_42001};

/// A changed or removed item and what it touches.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TouchedItem {
    pub id: String,
    /// `removed`, or what changed: `renamed`, `reworded`, `moved`, `requirement`.
    pub change: String,
    /// For an Annex A control: its SoA row as it stands (applicable, status, linked risks).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub soa: Option<TouchedRow>,
    /// For an EU AI Act item: the obligations recorded under it or its parts.
    pub obligations: Vec<TouchedObligation>,
    /// Evidence naming the item.
    pub evidence: usize,
}

/// The SoA row of a touched control.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TouchedRow {
    pub applicable: bool,
    pub status: String,
    pub risks: Vec<String>,
}

/// Obligations recorded under a touched article.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct TouchedObligation {
    pub requirement: String,
    pub systems: i64,
    pub first_system: String,
}

/// Whether two item ids are the same item or one is a part of the other (`art-26(1)` of `art-26`).
fn related(a: &str, b: &str) -> bool {
    a == b || a.starts_with(&format!("{b}(")) || b.starts_with(&format!("{a}("))
}

impl App {
    /// What the change from one version of the catalogue `framework` to the next, given as
    /// their diff, touches in the actor's organisation; items that touch nothing are left out.
    pub async fn catalogue_change_impact(
        &self,
        actor: &Actor,
        framework: &str,
        diff: &CatalogueDiff,
    ) -> Result<Vec<TouchedItem>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut touched: Vec<(String, String)> = diff
            .removed
            .iter()
            .map(|item| (item.id.clone(), "removed".to_owned()))
            .collect();
        for c in &diff.changed {
            touched.push((c.id.clone(), c.what().join("+")));
        }
        let soa = if framework == ISO_42001 {
            Some(self.statement_of_applicability(actor).await?.soa)
        } else {
            None
        };
        let mut tx = self.store.read().await?;
        let obligations = if framework == EU_AI_ACT {
            tx.obligation_counts(actor.org).await?
        } else {
            Vec::new()
        };
        let mut found = Vec::new();
        for (id, change) in touched {
            // A control's row counts when something was decided, linked or done about it.
            let row = soa
                .as_ref()
                .and_then(|s| s.rows.iter().find(|r| r.control.id == id))
                .filter(|r| {
                    r.applicable
                        || !r.risks.is_empty()
                        || r.status != aims_domain::soa::ImplementationStatus::NotStarted
                })
                .map(|r| TouchedRow {
                    applicable: r.applicable,
                    status: r.status.label().to_owned(),
                    risks: r.risks.clone(),
                });
            // ISO/IEC 42001's Annex A controls carry evidence as controls; its clauses, like
            // every other framework's items, as requirements.
            let mut evidence = tx
                .evidence_for(
                    actor.org,
                    &Target {
                        kind: TargetKind::Requirement,
                        id: format!("{framework}:{id}"),
                    },
                )
                .await?
                .len();
            if framework == ISO_42001 {
                let control = Target {
                    kind: TargetKind::Control,
                    id: id.clone(),
                };
                evidence += tx.evidence_for(actor.org, &control).await?.len();
            }
            let obligations: Vec<TouchedObligation> = obligations
                .iter()
                .filter(|o| related(&o.requirement, &id))
                .map(|o| TouchedObligation {
                    requirement: o.requirement.clone(),
                    systems: o.systems,
                    first_system: o.first_system.clone(),
                })
                .collect();
            if row.is_some() || !obligations.is_empty() || evidence > 0 {
                found.push(TouchedItem {
                    id,
                    change,
                    soa: row,
                    obligations,
                    evidence,
                });
            }
        }
        Ok(found)
    }
}

#[cfg(test)]
mod tests {
    use super::related;

    #[test]
    fn parts_of_an_article_are_related_to_it() {
        assert!(related("art-26", "art-26"));
        assert!(related("art-26(1)", "art-26"));
        assert!(related("art-26", "art-26(1)"));
        assert!(!related("art-2", "art-26"));
        assert!(!related("art-26(1)", "art-26(2)"));
    }
}
