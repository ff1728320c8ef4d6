//! The risks of the register (ISO/IEC 42001 6.1.2, 6.1.3, 8.2, 8.3): what could go wrong, how
//! it is rated before and after treatment, how it is treated, and who accepted what remains.

use serde::{Deserialize, Serialize};

use super::method::{RiskMethod, Scale};
use crate::id::{AiSystemId, RiskId, UserId};
use crate::inventory::LifecycleStage;
use crate::time::Timestamp;
use crate::validation::{ValidationError, bounded_text, long_text};

crate::choice! {
    /// How a risk is treated, in ISO 31000 words (ISO/IEC 42001 6.1.3).
    pub enum TreatmentOption ("treatment") {
        /// Change the likelihood or the impact through controls and actions.
        Modify = "modify": "Modify (reduce)",
        /// Stop the activity that gives rise to the risk.
        Avoid = "avoid": "Avoid",
        /// Share it with another party, by contract or insurance.
        Share = "share": "Share (transfer)",
        /// Keep it by an informed decision.
        Retain = "retain": "Retain (accept)",
    }
}

crate::choice! {
    /// Where a risk stands in the register.
    pub enum RiskStatus ("status") {
        Identified = "identified": "Identified",
        Assessed = "assessed": "Assessed",
        TreatmentPlanned = "treatment_planned": "Treatment planned",
        Treated = "treated": "Treated",
        Accepted = "accepted": "Accepted",
        Closed = "closed": "Closed",
    }
}

/// A risk is retained until someone chooses how to treat it.
impl Default for TreatmentOption {
    fn default() -> Self {
        TreatmentOption::Retain
    }
}

/// A new risk starts identified.
impl Default for RiskStatus {
    fn default() -> Self {
        RiskStatus::Identified
    }
}

/// Most systems, controls or actions on one risk.
pub const MAX_ITEMS: usize = 50;
const PROSE: usize = 20_000;
const CATALOGUE_ID: usize = 60;

/// One step of a treatment plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct TreatmentAction {
    pub title: String,
    pub owner: Option<UserId>,
    pub due: Option<Timestamp>,
    pub done: bool,
}

/// Everything a person states about a risk; validated as a whole by [`RiskFacts::validate`].
/// Scores are 1-based steps of the method's scales.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskFacts {
    pub title: String,
    pub description: String,
    /// The AI systems the risk concerns.
    pub systems: Vec<AiSystemId>,
    /// An ISO/IEC 42001 Annex C risk source id; the caller checks it against the catalogue.
    pub risk_source: Option<String>,
    /// An ISO/IEC 42001 Annex C objective id; the caller checks it against the catalogue.
    pub affected_objective: Option<String>,
    pub lifecycle_stage: Option<LifecycleStage>,
    /// The member accountable for the risk, who signs off its acceptance.
    pub owner: Option<UserId>,
    pub inherent_likelihood: u8,
    pub inherent_impact: u8,
    pub treatment: TreatmentOption,
    pub treatment_plan: String,
    /// ISO/IEC 42001 Annex A control ids (`A.6.2.4`) or the organisation's own control ids.
    pub controls: Vec<String>,
    pub actions: Vec<TreatmentAction>,
    /// The likelihood once treated; given together with `residual_impact` or not at all.
    pub residual_likelihood: Option<u8>,
    pub residual_impact: Option<u8>,
    pub review_due: Option<Timestamp>,
    pub status: RiskStatus,
}

impl RiskFacts {
    /// Checks and normalises every field against `method`, naming the first one that is wrong.
    pub fn validate(mut self, method: &RiskMethod) -> Result<Self, ValidationError> {
        self.title = bounded_text("title", &self.title, 1, 200)?;
        self.description = long_text("description", &self.description, PROSE)?;
        if self.systems.len() > MAX_ITEMS {
            return Err(ValidationError::new(
                "systems",
                format!("at most {MAX_ITEMS} systems"),
            ));
        }
        let mut systems = Vec::with_capacity(self.systems.len());
        for id in self.systems {
            if !systems.contains(&id) {
                systems.push(id);
            }
        }
        self.systems = systems;
        self.risk_source = catalogue_id("risk_source", self.risk_source)?;
        self.affected_objective = catalogue_id("affected_objective", self.affected_objective)?;
        on_scale(
            "inherent_likelihood",
            self.inherent_likelihood,
            &method.likelihood,
        )?;
        on_scale("inherent_impact", self.inherent_impact, &method.impact)?;
        match (self.residual_likelihood, self.residual_impact) {
            (Some(l), Some(i)) => {
                on_scale("residual_likelihood", l, &method.likelihood)?;
                on_scale("residual_impact", i, &method.impact)?;
                let inherent = method.level_clamped(self.inherent_likelihood, self.inherent_impact);
                let residual = method.level_clamped(l, i);
                if residual > inherent {
                    return Err(ValidationError::new(
                        "residual_likelihood",
                        format!(
                            "the residual risk level {} is above the inherent level {}; treatment cannot raise a risk",
                            method.level_label(residual),
                            method.level_label(inherent)
                        ),
                    ));
                }
            }
            (Some(_), None) => {
                return Err(ValidationError::new(
                    "residual_impact",
                    "give the residual impact with the residual likelihood, or neither",
                ));
            }
            (None, Some(_)) => {
                return Err(ValidationError::new(
                    "residual_likelihood",
                    "give the residual likelihood with the residual impact, or neither",
                ));
            }
            (None, None) => {}
        }
        self.treatment_plan = long_text("treatment_plan", &self.treatment_plan, PROSE)?;
        self.controls = control_ids(&self.controls)?;
        if self.actions.len() > MAX_ITEMS {
            return Err(ValidationError::new(
                "actions",
                format!("at most {MAX_ITEMS} actions"),
            ));
        }
        for (n, action) in (1..).zip(&mut self.actions) {
            action.title = bounded_text("actions.title", &action.title, 1, 200)
                .map_err(|e| ValidationError::new(e.field, format!("action {n}: {}", e.message)))?;
        }
        if self.treatment == TreatmentOption::Modify
            && self.controls.is_empty()
            && self.actions.is_empty()
        {
            return Err(ValidationError::new(
                "controls",
                "modifying a risk needs at least one control or treatment action",
            ));
        }
        Ok(self)
    }

    /// Moves every score from the scales of `old` to those of `new` (see [`super::rescore`]).
    /// The result is not re-validated: a residual rating may now sit in a level above the
    /// inherent one, which the owner should look at rather than have refused.
    pub fn rescore(&mut self, old: &RiskMethod, new: &RiskMethod) {
        (self.inherent_likelihood, self.inherent_impact) =
            super::rescore(old, new, self.inherent_likelihood, self.inherent_impact);
        if let (Some(l), Some(i)) = (self.residual_likelihood, self.residual_impact) {
            let (l, i) = super::rescore(old, new, l, i);
            (self.residual_likelihood, self.residual_impact) = (Some(l), Some(i));
        }
    }

    /// Whether going from `self` to `next` changes what an acceptance was given for (the
    /// ratings, the treatment) or who gave it (the owner), so that it must be given again.
    pub fn invalidates_acceptance(&self, next: &RiskFacts) -> bool {
        // A sign-off is the owner's own: a new owner has not given it.
        self.changes_ratings(next) || self.treatment != next.treatment || self.owner != next.owner
    }

    /// Whether `next` scores the risk differently (inherent or residual).
    pub fn changes_ratings(&self, next: &RiskFacts) -> bool {
        self.inherent_likelihood != next.inherent_likelihood
            || self.inherent_impact != next.inherent_impact
            || self.residual_likelihood != next.residual_likelihood
            || self.residual_impact != next.residual_impact
    }

    /// The names of the fields that differ between `self` and `next`, for the audit trail.
    pub fn changed_fields(&self, next: &RiskFacts) -> Vec<&'static str> {
        let a = serde_json::to_value(self).unwrap_or_default();
        let b = serde_json::to_value(next).unwrap_or_default();
        FIELDS
            .iter()
            .copied()
            .filter(|f| a.get(f) != b.get(f))
            .collect()
    }
}

/// Every field of [`RiskFacts`] in declaration order; a test keeps it in step with the struct.
const FIELDS: [&str; 17] = [
    "title",
    "description",
    "systems",
    "risk_source",
    "affected_objective",
    "lifecycle_stage",
    "owner",
    "inherent_likelihood",
    "inherent_impact",
    "treatment",
    "treatment_plan",
    "controls",
    "actions",
    "residual_likelihood",
    "residual_impact",
    "review_due",
    "status",
];

fn on_scale(field: &'static str, score: u8, scale: &Scale) -> Result<(), ValidationError> {
    if score == 0 || usize::from(score) > scale.size() {
        return Err(ValidationError::new(
            field,
            format!("must be from 1 to {}", scale.size()),
        ));
    }
    Ok(())
}

/// A catalogue id, trimmed; an empty one counts as none.
fn catalogue_id(
    field: &'static str,
    id: Option<String>,
) -> Result<Option<String>, ValidationError> {
    match id {
        Some(id) if !id.trim().is_empty() => bounded_text(field, &id, 1, CATALOGUE_ID).map(Some),
        _ => Ok(None),
    }
}

/// Control ids, trimmed; empty entries dropped and repeats removed, order kept.
fn control_ids(ids: &[String]) -> Result<Vec<String>, ValidationError> {
    let mut out: Vec<String> = Vec::new();
    for id in ids.iter().filter(|id| !id.trim().is_empty()) {
        let id = bounded_text("controls", id, 1, CATALOGUE_ID)?;
        if !out.contains(&id) {
            out.push(id);
        }
    }
    if out.len() > MAX_ITEMS {
        return Err(ValidationError::new(
            "controls",
            format!("at most {MAX_ITEMS} controls"),
        ));
    }
    Ok(out)
}

/// The risk owner's recorded decision to retain a risk as it stands (ISO/IEC 42001 6.1.3 f).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Acceptance {
    pub by: UserId,
    pub at: Timestamp,
    /// Why the risk may stand as it is.
    pub note: String,
}

impl Acceptance {
    /// Checks that the risk's owner gives it, with a reason, naming the field that is wrong.
    /// Above the method's acceptable level the owner must also hold one of the roles the
    /// method names (`role` is the acceptor's), and nobody accepts ratings they set
    /// themselves: another person must have rated the risk as it stands (four eyes).
    pub fn validate(
        mut self,
        risk: &Risk,
        method: &RiskMethod,
        role: crate::access::Role,
    ) -> Result<Self, ValidationError> {
        let facts = &risk.facts;
        self.note = long_text("acceptance.note", &self.note, 2_000)?;
        if self.note.is_empty() {
            return Err(ValidationError::new(
                "acceptance.note",
                "say why the risk may stand",
            ));
        }
        let Some(owner) = facts.owner else {
            return Err(ValidationError::new(
                "owner",
                "a risk needs an owner before it can be accepted",
            ));
        };
        if self.by != owner {
            return Err(ValidationError::new(
                "acceptance.by",
                "only the risk owner can sign off its acceptance",
            ));
        }
        if risk.rated_by == Some(self.by) {
            return Err(ValidationError::new(
                "acceptance.by",
                "you set this risk's current ratings, so someone else must review them: \
                 another person rates the risk or accepts it (four eyes)",
            ));
        }
        if !risk.within_appetite(method) && !method.accept_above_appetite.contains(&role) {
            let roles: Vec<&str> = method
                .accept_above_appetite
                .iter()
                .map(|r| r.as_str())
                .collect();
            return Err(ValidationError::new(
                "acceptance.by",
                format!(
                    "the residual level {} is above the acceptable level {}: accepting it needs the role {} (the risk method says so)",
                    method.level_label(risk.residual_level(method)),
                    method.level_label(method.acceptable_up_to),
                    roles.join(" or ")
                ),
            ));
        }
        Ok(self)
    }
}

/// A risk as stored.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Risk {
    pub id: RiskId,
    /// The organisation's running number, shown as `R-12`.
    pub number: i64,
    pub facts: RiskFacts,
    pub acceptance: Option<Acceptance>,
    /// The person who last set its likelihood and impact scores (inherent or residual);
    /// unknown for risks rated before aims kept it.
    pub rated_by: Option<UserId>,
    pub created_at: Timestamp,
    pub updated_at: Timestamp,
    /// Increases with every change; an edit names the revision it started from.
    pub revision: i64,
}

impl Risk {
    /// The number as people quote it: `R-12`.
    pub fn reference(&self) -> String {
        format!("R-{}", self.number)
    }

    /// The risk level before treatment. A score left outside the scales by a method change
    /// counts as the nearest step, so that a stale risk still shows rather than vanishes.
    pub fn inherent_level(&self, m: &RiskMethod) -> usize {
        m.level_clamped(self.facts.inherent_likelihood, self.facts.inherent_impact)
    }

    /// The risk level after treatment; the inherent level while no residual rating is given.
    pub fn residual_level(&self, m: &RiskMethod) -> usize {
        match (self.facts.residual_likelihood, self.facts.residual_impact) {
            (Some(l), Some(i)) => m.level_clamped(l, i),
            _ => self.inherent_level(m),
        }
    }

    /// Whether the risk is being kept as it stands: accepted, or treated by retaining it.
    /// A closed risk is kept by no one.
    pub fn is_retained(&self) -> bool {
        let f = &self.facts;
        f.status != RiskStatus::Closed
            && (f.status == RiskStatus::Accepted || f.treatment == TreatmentOption::Retain)
    }

    /// Retained at a level that calls for the owner's sign-off, and none is recorded.
    pub fn needs_sign_off(&self, m: &RiskMethod) -> bool {
        self.is_retained()
            && self.residual_level(m) >= m.requires_sign_off_from
            && self.acceptance.is_none()
    }

    /// Whether the residual level is one the organisation accepts without treatment.
    pub fn within_appetite(&self, m: &RiskMethod) -> bool {
        self.residual_level(m) <= m.acceptable_up_to
    }

    /// The review date has come, or an open action is due; never for a closed risk. A date
    /// counts as passed from its very instant, as for impact assessments.
    pub fn is_overdue(&self, now: Timestamp) -> bool {
        self.review_overdue(now) || self.action_overdue(now)
    }

    /// The review date has come; never for a closed risk.
    pub fn review_overdue(&self, now: Timestamp) -> bool {
        let f = &self.facts;
        f.status != RiskStatus::Closed && f.review_due.is_some_and(|due| due <= now)
    }

    /// A treatment action not done has come to its due date; never for a closed risk.
    pub fn action_overdue(&self, now: Timestamp) -> bool {
        let f = &self.facts;
        f.status != RiskStatus::Closed
            && f.actions
                .iter()
                .any(|a| !a.done && a.due.is_some_and(|due| due <= now))
    }
}

#[cfg(test)]
mod tests;
