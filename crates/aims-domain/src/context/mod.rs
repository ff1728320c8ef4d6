//! The organisation's context and the scope of its AI management system (ISO/IEC 42001
//! 4.1 to 4.4): what the management system covers and what it leaves out, the issues around
//! and inside the organisation, the interested parties and what they require, and the roles
//! the organisation plays with AI. Kept as numbered versions approved like documents: the
//! approved version never changes and carries the SHA-256 of its canonical text.

mod choices;
mod text;

use serde::{Deserialize, Serialize};

pub use choices::{AiRole, ContextStatus, IssueCategory, IssueOrigin, PartyKind};
pub use text::{CANONICAL_HEADER, canonical_text, compare, fingerprint};

use crate::document::DocumentApproval;
use crate::id::{AiSystemId, UserId};
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

/// Most rows of each list (sites, exclusions, issues, parties): enough for a large group,
/// few enough for one page.
pub const MAX_ROWS: usize = 100;
/// Longest scope statement, boundaries or other prose field, in characters.
pub const MAX_PROSE: usize = 20_000;
/// Longest text of one row's field, in characters.
pub const MAX_ROW_TEXT: usize = 2_000;

/// A site, and whether the management system covers it.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Site {
    pub name: String,
    pub in_scope: bool,
    /// Why a site is left out; required then, empty otherwise.
    pub reason: String,
}

/// Something the management system deliberately does not cover, and why.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct Exclusion {
    pub what: String,
    pub reason: String,
}

/// An external or internal issue that bears on what the management system must achieve.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContextIssue {
    pub origin: Option<IssueOrigin>,
    pub category: Option<IssueCategory>,
    pub description: String,
    /// How it affects the management system and its intended outcomes.
    pub effect: String,
}

/// An interested party, what it requires, and whether the management system takes it up.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct InterestedParty {
    pub name: String,
    pub kind: Option<PartyKind>,
    /// Its requirements relevant to AI.
    pub requirements: String,
    /// Whether the management system addresses them.
    pub addressed: bool,
    /// How it does, or why it does not.
    pub how: String,
}

/// What one version of the context says: the part that is approved, fingerprinted and
/// compared.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ContextContent {
    pub scope_statement: String,
    /// Organisational units, processes and locations the management system covers.
    pub boundaries: String,
    pub sites: Vec<Site>,
    pub exclusions: Vec<Exclusion>,
    pub issues: Vec<ContextIssue>,
    /// Why climate change is not a relevant issue, when no issue is about it.
    pub climate_statement: String,
    pub parties: Vec<InterestedParty>,
    pub ai_roles: Vec<AiRole>,
    pub ai_roles_note: String,
}

/// An AI system the scope covered when a version was approved.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ScopedSystem {
    pub id: AiSystemId,
    pub name: String,
}

fn rows<T>(field: &'static str, list: &[T]) -> Result<(), ValidationError> {
    if list.len() > MAX_ROWS {
        return Err(ValidationError::new(
            field,
            format!("at most {MAX_ROWS} rows"),
        ));
    }
    Ok(())
}

fn row_text(field: &'static str, text: &str) -> Result<String, ValidationError> {
    bounded_text(field, text, 1, MAX_ROW_TEXT)
}

impl ContextContent {
    /// Checks and normalises every field of a draft, naming the first one that is wrong:
    /// each list is bounded and each row complete; rows left wholly blank are dropped (a form
    /// offers spare ones).
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.scope_statement = long_text("scope_statement", &self.scope_statement, MAX_PROSE)?;
        self.boundaries = long_text("boundaries", &self.boundaries, MAX_PROSE)?;
        self.climate_statement =
            long_text("climate_statement", &self.climate_statement, MAX_PROSE)?;
        self.ai_roles_note = long_text("ai_roles_note", &self.ai_roles_note, MAX_PROSE)?;
        self.sites
            .retain(|s| !(s.name.trim().is_empty() && s.reason.trim().is_empty()));
        rows("sites", &self.sites)?;
        for site in &mut self.sites {
            site.name = bounded_text("sites.name", &site.name, 1, 200)?;
            site.reason = if site.in_scope {
                long_text("sites.reason", &site.reason, MAX_ROW_TEXT)?
            } else {
                row_text("sites.reason", &site.reason).map_err(|_| {
                    ValidationError::new(
                        "sites.reason",
                        format!("say why the site {} is out of scope", site.name),
                    )
                })?
            };
        }
        self.exclusions
            .retain(|e| !(e.what.trim().is_empty() && e.reason.trim().is_empty()));
        rows("exclusions", &self.exclusions)?;
        for exclusion in &mut self.exclusions {
            exclusion.what = row_text("exclusions.what", &exclusion.what)?;
            exclusion.reason = row_text("exclusions.reason", &exclusion.reason)?;
        }
        // A spare row's choices may be preselected; its words say whether it was used.
        self.issues
            .retain(|i| !(i.description.trim().is_empty() && i.effect.trim().is_empty()));
        rows("issues", &self.issues)?;
        for issue in &mut self.issues {
            if issue.origin.is_none() {
                return Err(ValidationError::new(
                    "issues.origin",
                    "choose external or internal",
                ));
            }
            if issue.category.is_none() {
                return Err(ValidationError::new("issues.category", "choose a category"));
            }
            issue.description = row_text("issues.description", &issue.description)?;
            issue.effect = row_text("issues.effect", &issue.effect)?;
        }
        self.parties.retain(|p| {
            !(p.name.trim().is_empty()
                && p.requirements.trim().is_empty()
                && p.how.trim().is_empty())
        });
        rows("parties", &self.parties)?;
        for party in &mut self.parties {
            party.name = bounded_text("parties.name", &party.name, 1, 200)?;
            if party.kind.is_none() {
                return Err(ValidationError::new("parties.kind", "choose a kind"));
            }
            party.requirements = row_text("parties.requirements", &party.requirements)?;
            party.how = row_text("parties.how", &party.how)?;
        }
        let mut roles = Vec::new();
        for role in AiRole::ALL {
            if self.ai_roles.contains(role) {
                roles.push(*role);
            }
        }
        self.ai_roles = roles;
        Ok(self)
    }

    /// Whether an issue is about climate change.
    pub fn has_climate_issue(&self) -> bool {
        self.issues
            .iter()
            .any(|i| i.category == Some(IssueCategory::ClimateChange))
    }

    /// Checks what a version must say before it is reviewed or approved, beyond what a
    /// draft needs: a scope and its boundaries, issues, parties, roles, and a position on
    /// climate change.
    pub fn ready_for_review(&self) -> Result<(), ValidationError> {
        let missing = |field, what: &str| Err(ValidationError::new(field, what.to_owned()));
        if self.scope_statement.trim().is_empty() {
            return missing("scope_statement", "state the scope before review");
        }
        if self.boundaries.trim().is_empty() {
            return missing("boundaries", "state the boundaries before review");
        }
        if self.issues.is_empty() {
            return missing("issues", "name at least one issue before review");
        }
        if self.parties.is_empty() {
            return missing(
                "parties",
                "name at least one interested party before review",
            );
        }
        if self.ai_roles.is_empty() {
            return missing("ai_roles", "choose at least one AI role before review");
        }
        climate_is_addressed(self)
    }
}

/// The climate rule: a version that goes to review names at least one issue about climate
/// change, or states why climate change is not a relevant issue.
pub fn climate_is_addressed(content: &ContextContent) -> Result<(), ValidationError> {
    if content.has_climate_issue() || !content.climate_statement.trim().is_empty() {
        return Ok(());
    }
    Err(ValidationError::new(
        "climate_statement",
        "name an issue in the climate change category, or state why climate change is not \
         a relevant issue for the organisation",
    ))
}

/// Who sent a version for review, and when.
pub type Submission = (String, Timestamp);

/// One numbered version of the context.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ContextVersion {
    pub version: i64,
    pub content: ContextContent,
    pub status: ContextStatus,
    /// The person who last wrote its content: the one who may not approve it.
    pub author: Option<UserId>,
    pub author_label: String,
    pub saved_at: Timestamp,
    pub submitted: Option<Submission>,
    pub approval: Option<DocumentApproval>,
    /// The AI systems in scope when it was approved; empty before.
    pub systems: Vec<ScopedSystem>,
    /// SHA-256 of the approved canonical text (see [`fingerprint`]); none before approval.
    pub sha256: Option<String>,
}

/// The context record of an organisation as a whole: where its versions stand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Context {
    /// The newest version's number.
    pub latest: i64,
    pub latest_status: ContextStatus,
    /// The version in force: the last one approved.
    pub approved: Option<i64>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Counts changes, so that an edit started from an older state is refused.
    pub revision: i64,
}

#[cfg(test)]
mod tests;
