//! How far the evidence covers ISO/IEC 42001 clauses 4–10: per clause, which of its
//! requirements have evidence that counts today.

use aims_catalog::{Catalogue, Item, ItemKind};
use aims_domain::evidence::TargetKind;
use aims_domain::{Actor, Timestamp};
use aims_store::Tx;

use crate::App;
use crate::classification::ISO_42001;
use crate::error::Result;

/// One clause of ISO/IEC 42001 and the evidence behind its requirements.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct ClauseCoverage {
    /// `4` to `10`.
    pub clause: String,
    /// Its short title.
    pub title: String,
    /// The clause's requirements (its leaf sub-clauses), as id and title, in catalogue order.
    pub requirements: Vec<(String, String)>,
    /// The ids among them that current evidence names.
    pub evidenced: Vec<String>,
}

impl ClauseCoverage {
    /// Requirements with current evidence, in whole per cent rounded down; `None` for a clause
    /// with no requirements.
    pub fn percent(&self) -> Option<usize> {
        (!self.requirements.is_empty())
            .then(|| self.evidenced.len() * 100 / self.requirements.len())
    }

    /// The requirements that no current evidence names yet.
    pub fn without_evidence(&self) -> impl Iterator<Item = &(String, String)> {
        self.requirements
            .iter()
            .filter(|(id, _)| !self.evidenced.contains(id))
    }
}

/// Every requirement below `parent`, depth first.
fn requirements_under<'a>(catalogue: &'a Catalogue, parent: &'a str, out: &mut Vec<&'a Item>) {
    for child in catalogue.children(Some(parent)) {
        if child.requirement {
            out.push(child);
        }
        requirements_under(catalogue, &child.id, out);
    }
}

impl App {
    /// Clauses 4–10 with the evidence behind each requirement at `now`. Evidence counts for a
    /// requirement when it names it (`iso-iec-42001:4.3`) and has not expired.
    pub(crate) async fn clause_coverage(
        &self,
        tx: &mut Tx,
        actor: &Actor,
        now: Timestamp,
    ) -> Result<Vec<ClauseCoverage>> {
        let iso = self.framework(actor, ISO_42001)?;
        let prefix = format!("{ISO_42001}:");
        let counts = tx
            .evidence_counts(actor.org, TargetKind::Requirement, &prefix, now)
            .await?;
        let clauses = iso
            .children(None)
            .filter(|item| item.kind == ItemKind::Clause)
            .map(|clause| {
                let mut under = Vec::new();
                requirements_under(iso, &clause.id, &mut under);
                let evidenced = under
                    .iter()
                    .filter(|r| {
                        counts
                            .get(&format!("{prefix}{}", r.id))
                            .is_some_and(|c| c.current > 0)
                    })
                    .map(|r| r.id.clone())
                    .collect();
                ClauseCoverage {
                    clause: clause.id.clone(),
                    title: clause.title.clone(),
                    requirements: under
                        .iter()
                        .map(|r| (r.id.clone(), r.title.clone()))
                        .collect(),
                    evidenced,
                }
            })
            .collect();
        Ok(clauses)
    }
}
