//! What the organisation records about one control: whether it wants it, why, how far it has
//! got and who answers for it. Applicability itself is not recorded here; it is derived.

use serde::{Deserialize, Serialize};

use crate::id::UserId;
use crate::validation::{ValidationError, long_text};

crate::choice! {
    /// How far the organisation has got in putting a control in place.
    pub enum ImplementationStatus ("status") {
        NotStarted = "not_started": "Not started",
        Planned = "planned": "Planned",
        PartiallyImplemented = "partially_implemented": "Partially implemented",
        Implemented = "implemented": "Implemented",
    }
}

crate::choice! {
    /// The organisation's own stance on a control, apart from what risks and obligations need.
    pub enum Decision ("decision") {
        Include = "include": "Include",
        Exclude = "exclude": "Exclude",
        /// Nobody has decided yet; the SoA shows the gap rather than guessing.
        Undecided = "undecided": "Undecided",
    }
}

/// Longest justification or note, in characters.
pub const MAX_JUSTIFICATION: usize = 10_000;

/// The group of the organisation's own controls, which sort after Annex A.
pub const OWN_GROUP: &str = "own";

/// A control the SoA covers: an Annex A control or one of the organisation's own, given as
/// data so that the domain does not depend on the catalogue.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ControlRef {
    /// `A.6.2.4`, or an own control id such as `ORG-3`.
    pub id: String,
    /// The short title.
    pub title: String,
    /// `A.6` for Annex A controls, [`OWN_GROUP`] for own ones.
    pub group: String,
    /// Whether the organisation defined it rather than the standard.
    pub own: bool,
}

impl ControlRef {
    /// An Annex A control; its group is the id's first two parts (`A.6.2.4` is in `A.6`).
    pub fn annex_a(id: impl Into<String>, title: impl Into<String>) -> Self {
        let id = id.into();
        let group = id.split('.').take(2).collect::<Vec<_>>().join(".");
        Self {
            id,
            title: title.into(),
            group,
            own: false,
        }
    }

    /// One of the organisation's own controls, in the [`OWN_GROUP`] group.
    pub fn own(id: impl Into<String>, title: impl Into<String>) -> Self {
        Self {
            id: id.into(),
            title: title.into(),
            group: OWN_GROUP.into(),
            own: true,
        }
    }
}

/// What a person records about one control's implementation; validated by
/// [`ImplementationFacts::validate`]. A control with no record counts as the default:
/// undecided and not started.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct ImplementationFacts {
    /// Include, exclude or not yet decided.
    pub decision: Decision,
    /// Why the control is included or excluded, in the organisation's words.
    pub justification: String,
    /// How far implementation has got.
    pub status: ImplementationStatus,
    /// The member accountable for the control.
    pub owner: Option<UserId>,
    /// Working notes; not part of the SoA document.
    pub notes: String,
}

impl Default for ImplementationFacts {
    fn default() -> Self {
        Self {
            decision: Decision::Undecided,
            justification: String::new(),
            status: ImplementationStatus::NotStarted,
            owner: None,
            notes: String::new(),
        }
    }
}

impl ImplementationFacts {
    /// Checks and normalises every field, naming the first one that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.justification = long_text("justification", &self.justification, MAX_JUSTIFICATION)?;
        self.notes = long_text("notes", &self.notes, MAX_JUSTIFICATION)?;
        if self.decision == Decision::Exclude {
            // Clause 6.1.3 e) asks for the justification of every exclusion.
            if self.justification.is_empty() {
                return Err(ValidationError::new(
                    "justification",
                    "say why the control is excluded",
                ));
            }
            // A control cannot be both left out and worked on; one of the two is a mistake.
            if self.status != ImplementationStatus::NotStarted {
                return Err(ValidationError::new(
                    "status",
                    "an excluded control must be not started; include it to record progress",
                ));
            }
        }
        Ok(self)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn excluded() -> ImplementationFacts {
        ImplementationFacts {
            decision: Decision::Exclude,
            justification: "  We build no AI systems ourselves. ".into(),
            ..ImplementationFacts::default()
        }
    }

    #[test]
    fn an_exclusion_with_a_justification_and_no_progress_is_accepted_and_trimmed() {
        let facts = excluded().validate().unwrap();
        assert_eq!(facts.justification, "We build no AI systems ourselves.");
    }

    #[test]
    fn an_exclusion_needs_a_justification() {
        let mut facts = excluded();
        facts.justification = " \n ".into();
        assert_eq!(facts.validate().unwrap_err().field, "justification");
        // Including needs none: the SoA can generate one from the reasons.
        let included = ImplementationFacts {
            decision: Decision::Include,
            ..ImplementationFacts::default()
        };
        assert!(included.validate().is_ok());
    }

    #[test]
    fn an_excluded_control_cannot_be_in_progress() {
        for status in &ImplementationStatus::ALL[1..] {
            let mut facts = excluded();
            facts.status = *status;
            assert_eq!(facts.validate().unwrap_err().field, "status", "{status}");
        }
        let mut included = excluded();
        included.decision = Decision::Include;
        included.status = ImplementationStatus::Implemented;
        assert!(included.validate().is_ok());
    }

    #[test]
    fn text_fields_are_bounded_and_named() {
        let mut facts = excluded();
        facts.notes = "bell\u{7}".into();
        assert_eq!(facts.validate().unwrap_err().field, "notes");
        let mut facts = excluded();
        facts.justification = "x".repeat(MAX_JUSTIFICATION + 1);
        assert_eq!(facts.validate().unwrap_err().field, "justification");
    }

    #[test]
    fn annex_a_controls_take_their_group_from_the_id() {
        assert_eq!(ControlRef::annex_a("A.6.2.4", "t").group, "A.6");
        assert_eq!(ControlRef::annex_a("A.10.2", "t").group, "A.10");
        let own = ControlRef::own("ORG-3", "t");
        assert!(own.own);
        assert_eq!(own.group, OWN_GROUP);
    }

    #[test]
    fn a_missing_record_reads_as_undecided_and_not_started() {
        let facts: ImplementationFacts = serde_json::from_str("{}").unwrap();
        assert_eq!(facts.decision, Decision::Undecided);
        assert_eq!(facts.status, ImplementationStatus::NotStarted);
    }
}
