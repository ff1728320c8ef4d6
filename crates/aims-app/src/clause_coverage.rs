//! How far the management system covers ISO/IEC 42001 clauses 4–10: per clause, which of
//! its requirements have evidence that counts today, and which an approved, current document
//! serves.

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
    /// The ids among them that an approved document, not retired and not past its review
    /// date, serves.
    pub documented: Vec<String>,
}

impl ClauseCoverage {
    /// Whether current evidence or a current document stands behind requirement `id`.
    pub fn is_covered(&self, id: &str) -> bool {
        self.evidenced
            .iter()
            .chain(&self.documented)
            .any(|e| e == id)
    }

    /// How many requirements are covered.
    pub fn covered(&self) -> usize {
        self.requirements
            .iter()
            .filter(|(id, _)| self.is_covered(id))
            .count()
    }

    /// Requirements covered, in whole per cent rounded down; `None` for a clause with no
    /// requirements.
    pub fn percent(&self) -> Option<usize> {
        (!self.requirements.is_empty()).then(|| self.covered() * 100 / self.requirements.len())
    }

    /// The requirements that neither current evidence nor a current document covers yet.
    pub fn uncovered(&self) -> impl Iterator<Item = &(String, String)> {
        self.requirements
            .iter()
            .filter(|(id, _)| !self.is_covered(id))
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
    /// Clauses 4–10 with what stands behind each requirement at `now`. Evidence counts for a
    /// requirement when it names it (`iso-iec-42001:4.3`) and has not expired; a document when
    /// its version in force serves it and its review date has not passed.
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
        let documented_ids: std::collections::HashSet<String> = tx
            .served_by_documents_in_force(actor.org, now)
            .await?
            .into_iter()
            .filter(|t| t.kind == TargetKind::Requirement)
            .filter_map(|t| t.id.strip_prefix(&prefix).map(str::to_owned))
            .collect();
        // An approved context and scope is the documented information of 4.1 to 4.3.
        let mut documented_ids = documented_ids;
        if tx
            .context(actor.org)
            .await?
            .is_some_and(|c| c.approved.is_some())
        {
            documented_ids.extend(["4.1", "4.2", "4.3"].map(str::to_owned));
        }
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
                let documented = under
                    .iter()
                    .filter(|r| documented_ids.contains(&r.id))
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
                    documented,
                }
            })
            .collect();
        Ok(clauses)
    }
}
