//! Global search across the registers (AI systems, risks, evidence, documents, tasks) and the frameworks'
//! requirements and controls, tolerant of typos: a word matches where it appears, or where a
//! word of the record is within one edit (two for long words) of it.

use aims_domain::{Actor, AiSystemId, DocumentId, EvidenceId, Permission, RiskId, TaskId};
use aims_store::{NamedRecord, Register};

use crate::App;
use crate::error::{AppError, Result};

/// How many hits of each register a search shows.
pub const HITS_PER_REGISTER: usize = 10;
/// How many recent records of each register are read for typo-tolerant matching.
const FUZZY_POOL: i64 = 2_000;

/// What a hit leads to.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Found {
    System(AiSystemId),
    Risk(RiskId),
    Evidence(EvidenceId),
    Document(DocumentId),
    Task(TaskId),
    /// A requirement or control of a framework, by the framework's name and the item's id.
    Item {
        framework: String,
        item: String,
    },
}

/// One hit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SearchHit {
    pub found: Found,
    /// What kind of record it is, in words.
    pub kind: &'static str,
    pub title: String,
    pub detail: String,
    /// Higher is better: words found as typed in the title count most.
    pub score: u32,
}

/// What a search found, best first within each kind.
#[derive(Debug, Clone, Default)]
pub struct SearchResults {
    pub hits: Vec<SearchHit>,
}

/// The lower-case words of `text`.
fn words(text: &str) -> Vec<String> {
    text.split(|c: char| !c.is_alphanumeric() && c != '.' && c != '-')
        .filter(|w| !w.is_empty())
        .map(str::to_lowercase)
        .collect()
}

/// How many edits a query word of this length may be away from a word of the record.
fn tolerance(word: &str) -> usize {
    match word.chars().count() {
        0..=3 => 0,
        4..=7 => 1,
        _ => 2,
    }
}

/// The score of a record for the query `terms`, or `None` when some term matches nowhere.
pub fn score(terms: &[String], title: &str, detail: &str) -> Option<u32> {
    let (title_lower, detail_lower) = (title.to_lowercase(), detail.to_lowercase());
    let candidates: Vec<String> = words(title).into_iter().chain(words(detail)).collect();
    let mut total = 0;
    for term in terms {
        total += if title_lower.contains(term.as_str()) {
            4
        } else if detail_lower.contains(term.as_str()) {
            2
        } else if candidates.iter().any(|w| {
            strsim::damerau_levenshtein(term, w) <= tolerance(term)
                || (w.len() > term.len()
                    && tolerance(term) > 0
                    && strsim::damerau_levenshtein(term, &w[..w.floor_char_boundary(term.len())])
                        <= tolerance(term))
        }) {
            1
        } else {
            return None;
        };
    }
    Some(total)
}

fn best(mut hits: Vec<SearchHit>, limit: usize) -> Vec<SearchHit> {
    hits.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.title.cmp(&b.title)));
    hits.dedup_by(|a, b| a.found == b.found);
    hits.truncate(limit);
    hits
}

impl App {
    /// Searches the actor's organisation for `query`.
    pub async fn search(&self, actor: &Actor, query: &str) -> Result<SearchResults> {
        actor.require(Permission::ReadOrganisation)?;
        let length = query.chars().count();
        if length > 200 {
            return Err(AppError::Invalid(aims_domain::ValidationError::new(
                "q",
                "must be at most 200 characters",
            )));
        }
        let terms = words(query);
        if terms.is_empty() {
            return Ok(SearchResults::default());
        }
        let mut hits = Vec::new();
        let mut tx = self.store.read().await?;
        for (register, kind) in [
            (Register::Systems, "AI system"),
            (Register::Risks, "Risk"),
            (Register::Evidence, "Evidence"),
            (Register::Documents, "Document"),
            (Register::Tasks, "Task"),
        ] {
            // Exact words anywhere in the register first; typos among its recent records.
            let mut records = tx
                .search_register(actor.org, register, &terms, HITS_PER_REGISTER as i64)
                .await?;
            if records.len() < HITS_PER_REGISTER {
                records.extend(tx.recent_records(actor.org, register, FUZZY_POOL).await?);
            }
            let found = records
                .into_iter()
                .filter_map(|r| hit(register, kind, r, &terms))
                .collect();
            hits.extend(best(found, HITS_PER_REGISTER));
        }
        drop(tx);
        let library = self.library(actor).await?;
        let terms = &terms;
        let items = library
            .catalogues()
            .flat_map(|catalogue| {
                let name = library.name_of(catalogue);
                let short = catalogue.framework.short_name.clone();
                catalogue.items.iter().filter_map(move |item| {
                    let detail = format!("{} {}", item.id, item.description);
                    let score = score(terms, &format!("{} {}", item.id, item.title), &detail)?;
                    Some(SearchHit {
                        found: Found::Item {
                            framework: name.clone(),
                            item: item.id.clone(),
                        },
                        kind: if item.id.starts_with("A.") {
                            "Control"
                        } else {
                            "Requirement"
                        },
                        title: format!("{} {} {}", short, item.id, item.title),
                        detail: item.description.clone(),
                        score,
                    })
                })
            })
            .collect();
        hits.extend(best(items, 2 * HITS_PER_REGISTER));
        Ok(SearchResults { hits })
    }
}

impl App {
    /// The names of the records of `register` with these ids, for pages that link to them
    /// (ids of other organisations or deleted records are absent).
    pub async fn names_of(
        &self,
        actor: &Actor,
        register: Register,
        ids: &[String],
    ) -> Result<std::collections::HashMap<String, String>> {
        actor.require(Permission::ReadOrganisation)?;
        let mut ids = ids.to_vec();
        ids.sort();
        ids.dedup();
        ids.truncate(1_000);
        let mut tx = self.store.read().await?;
        let records = tx.records_named(actor.org, register, &ids).await?;
        Ok(records
            .into_iter()
            .map(|r| match register {
                Register::Risks => (r.id, format!("R-{} {}", r.detail, r.name)),
                _ => (r.id, r.name),
            })
            .collect())
    }
}

fn hit(
    register: Register,
    kind: &'static str,
    record: NamedRecord,
    terms: &[String],
) -> Option<SearchHit> {
    let title = match register {
        Register::Risks => format!("R-{} {}", record.detail, record.name),
        _ => record.name.clone(),
    };
    let detail = match register {
        Register::Risks => String::new(),
        Register::Documents => record
            .detail
            .parse::<aims_domain::document::DocumentKind>()
            .map(|k| k.label().to_owned())
            .unwrap_or_default(),
        _ => record.detail.clone(),
    };
    let score = score(terms, &title, &detail)?;
    let found = match register {
        Register::Systems => Found::System(record.id.parse().ok()?),
        Register::Risks => Found::Risk(record.id.parse().ok()?),
        Register::Evidence => Found::Evidence(record.id.parse().ok()?),
        Register::Documents => Found::Document(record.id.parse().ok()?),
        Register::Tasks => Found::Task(record.id.parse().ok()?),
        // Not searched: named only where pages link to them.
        _ => return None,
    };
    Some(SearchHit {
        found,
        kind,
        title,
        detail,
        score,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(q: &str) -> Vec<String> {
        words(q)
    }

    #[test]
    fn words_found_as_typed_score_above_typos() {
        let exact = score(&terms("credit"), "Credit scorer", "").unwrap();
        let typo = score(&terms("credti"), "Credit scorer", "").unwrap();
        assert!(exact > typo, "{exact} {typo}");
        assert!(score(&terms("credit"), "Loan scorer", "credit decisions").unwrap() < exact);
    }

    #[test]
    fn typos_within_the_tolerance_match_and_others_do_not() {
        assert!(score(&terms("screner"), "CV screener", "").is_some());
        assert!(score(&terms("transparancy"), "Transparency notice", "").is_some());
        assert!(score(&terms("xyzzy"), "CV screener", "").is_none());
        // Short words must be exact: "bia" is not "bias".
        assert!(score(&terms("cat"), "A bias probe", "").is_none());
        // Every word must match somewhere.
        assert!(score(&terms("credit xyzzy"), "Credit scorer", "").is_none());
    }

    #[test]
    fn a_word_being_typed_matches_by_its_beginning() {
        assert!(score(&terms("inventori"), "AI system inventory records", "").is_some());
        assert!(score(&terms("A.6.2"), "A.6.2.4 Verification", "").is_some());
    }
}
