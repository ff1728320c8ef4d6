//! The risk's edit form as the page holds it: every value as typed, so that a form with a
//! mistake comes back exactly as it was sent, and read into facts with each error naming its
//! field. Treatment actions are rows of their own (title, due date, done).

use aims_app::domain::risk::{RiskFacts, TreatmentAction};
use aims_app::domain::{UserId, ValidationError};

use super::{date_of, form_date};

/// Empty action rows offered below the existing ones.
pub const BLANK_ACTIONS: usize = 2;

/// One treatment action row.
#[derive(Clone, Default)]
pub struct ActionRow {
    pub title: String,
    pub due: String,
    pub done: bool,
}

/// The edit form's values.
#[derive(Clone, Default)]
pub struct RiskForm {
    pub revision: String,
    pub title: String,
    pub status: String,
    pub owner: String,
    /// Whether the post carried the owner at all: a client that leaves it out keeps the owner.
    pub owner_given: bool,
    pub inherent_likelihood: String,
    pub inherent_impact: String,
    pub treatment: String,
    pub controls: Vec<String>,
    pub treatment_plan: String,
    pub actions: Vec<ActionRow>,
    pub review_due: String,
    pub residual_likelihood: String,
    pub residual_impact: String,
}

/// The fields of the form and their labels, as errors name them.
pub const FIELDS: super::FormFields = super::FormFields {
    prefix: "e-",
    labels: &[
        ("title", "Title"),
        ("status", "Status"),
        ("owner", "Owner"),
        ("inherent_likelihood", "Inherent likelihood"),
        ("inherent_impact", "Inherent impact"),
        ("treatment", "Treatment"),
        ("controls", "Controls"),
        ("treatment_plan", "Treatment plan"),
        ("actions", "Actions"),
        ("actions.owner", "An action's owner"),
        ("review_due", "Next review"),
        ("residual_likelihood", "Residual likelihood"),
        ("residual_impact", "Residual impact"),
    ],
};

fn score(v: Option<u8>) -> String {
    v.map(|v| v.to_string()).unwrap_or_default()
}

impl RiskForm {
    /// The form filled from the risk as stored.
    pub fn of(facts: &RiskFacts, revision: i64) -> Self {
        RiskForm {
            revision: revision.to_string(),
            title: facts.title.clone(),
            status: facts.status.as_str().to_owned(),
            owner: facts.owner.map(|o| o.to_string()).unwrap_or_default(),
            owner_given: true,
            inherent_likelihood: facts.inherent_likelihood.to_string(),
            inherent_impact: facts.inherent_impact.to_string(),
            treatment: facts.treatment.as_str().to_owned(),
            controls: facts.controls.clone(),
            treatment_plan: facts.treatment_plan.clone(),
            actions: facts
                .actions
                .iter()
                .map(|a| ActionRow {
                    title: a.title.clone(),
                    due: a.due.map(date_of).unwrap_or_default(),
                    done: a.done,
                })
                .collect(),
            review_due: facts.review_due.map(date_of).unwrap_or_default(),
            residual_likelihood: score(facts.residual_likelihood),
            residual_impact: score(facts.residual_impact),
        }
    }

    /// The form as posted: `action_title`, `action_due` and `action_done` carry the row's
    /// number after a dot (`action_title.0`), so rows keep together without script.
    pub fn posted(pairs: Vec<(String, String)>) -> Self {
        let mut form = RiskForm::default();
        let mut rows: std::collections::BTreeMap<usize, ActionRow> = Default::default();
        for (name, value) in pairs {
            if let Some((field, n)) = name.split_once('.')
                && let Ok(n) = n.parse::<usize>()
                && n < 200
            {
                let row = rows.entry(n).or_default();
                match field {
                    "action_title" => row.title = value,
                    "action_due" => row.due = value,
                    "action_done" => row.done = !value.is_empty(),
                    _ => {}
                }
                continue;
            }
            match name.as_str() {
                "revision" => form.revision = value,
                "title" => form.title = value,
                "status" => form.status = value,
                "owner" => {
                    form.owner = value;
                    form.owner_given = true;
                }
                "inherent_likelihood" => form.inherent_likelihood = value,
                "inherent_impact" => form.inherent_impact = value,
                "treatment" => form.treatment = value,
                "controls" => form.controls.push(value),
                "treatment_plan" => form.treatment_plan = value,
                "review_due" => form.review_due = value,
                "residual_likelihood" => form.residual_likelihood = value,
                "residual_impact" => form.residual_impact = value,
                _ => {}
            }
        }
        form.actions = rows
            .into_values()
            .filter(|r| !r.title.trim().is_empty() || !r.due.trim().is_empty() || r.done)
            .collect();
        form
    }

    /// The rows the page shows: the actions and a few blank ones.
    pub fn action_rows(&self) -> Vec<ActionRow> {
        let mut rows = self.actions.clone();
        rows.extend(std::iter::repeat_n(ActionRow::default(), BLANK_ACTIONS));
        rows
    }

    /// The revision the form was loaded at.
    pub fn revision(&self) -> Result<i64, ValidationError> {
        self.revision
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("revision", "is missing: reload the page"))
    }

    /// The facts the form states, over `before` (what the form does not edit stays).
    pub fn facts(&self, before: &RiskFacts) -> Result<RiskFacts, ValidationError> {
        let mut actions = Vec::new();
        for (n, row) in self.actions.iter().enumerate() {
            if row.title.trim().is_empty() {
                return Err(ValidationError::new(
                    "actions",
                    format!("row {}: needs a title (or clear its date and tick)", n + 1),
                ));
            }
            let owner = before
                .actions
                .iter()
                .find(|a| a.title == row.title.trim())
                .and_then(|a| a.owner);
            actions.push(TreatmentAction {
                title: row.title.trim().to_owned(),
                owner,
                due: form_date("actions", &row.due).map_err(|_| {
                    ValidationError::new(
                        "actions",
                        format!("row {}: the due date must be a date like 2027-06-30", n + 1),
                    )
                })?,
                done: row.done,
            });
        }
        let owner = match self.owner.trim() {
            _ if !self.owner_given => before.owner,
            "" => None,
            id => Some(
                id.parse::<UserId>()
                    .map_err(|_| ValidationError::new("owner", "must be a member"))?,
            ),
        };
        Ok(RiskFacts {
            title: self.title.clone(),
            status: self.status.parse()?,
            owner,
            treatment: self.treatment.parse()?,
            treatment_plan: self.treatment_plan.clone(),
            controls: self
                .controls
                .iter()
                .map(|c| c.trim().to_owned())
                .filter(|c| !c.is_empty())
                .collect(),
            inherent_likelihood: required_score("inherent_likelihood", &self.inherent_likelihood)?,
            inherent_impact: required_score("inherent_impact", &self.inherent_impact)?,
            residual_likelihood: optional_score("residual_likelihood", &self.residual_likelihood)?,
            residual_impact: optional_score("residual_impact", &self.residual_impact)?,
            actions,
            review_due: form_date("review_due", &self.review_due)?,
            ..before.clone()
        })
    }
}

/// A score typed or chosen in a form: a whole number.
pub fn required_score(field: &'static str, text: &str) -> Result<u8, ValidationError> {
    optional_score(field, text)?.ok_or_else(|| ValidationError::new(field, "must be chosen"))
}

/// A score that may be left blank (not rated yet).
pub fn optional_score(field: &'static str, text: &str) -> Result<Option<u8>, ValidationError> {
    match text.trim() {
        "" => Ok(None),
        n => n
            .parse::<u8>()
            .map(Some)
            .map_err(|_| ValidationError::new(field, "must be a step of the scale, like 3")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
        list.iter()
            .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
            .collect()
    }

    #[test]
    fn posted_rows_keep_together_and_blank_rows_are_dropped() {
        let form = RiskForm::posted(pairs(&[
            ("title", "Bias"),
            ("action_title.1", "Second"),
            ("action_title.0", "First"),
            ("action_due.0", "2027-01-31"),
            ("action_done.1", "on"),
            ("action_title.2", ""),
            ("controls", "A.6.2.4"),
            ("controls", "A.7.4"),
        ]));
        let rows: Vec<(&str, &str, bool)> = form
            .actions
            .iter()
            .map(|r| (r.title.as_str(), r.due.as_str(), r.done))
            .collect();
        assert_eq!(rows, [("First", "2027-01-31", false), ("Second", "", true)]);
        assert_eq!(form.controls, ["A.6.2.4", "A.7.4"]);
    }

    fn stored() -> RiskFacts {
        RiskFacts {
            title: "Bias".into(),
            description: String::new(),
            systems: Vec::new(),
            risk_source: None,
            affected_objective: None,
            lifecycle_stage: None,
            owner: None,
            inherent_likelihood: 3,
            inherent_impact: 3,
            treatment: Default::default(),
            treatment_plan: String::new(),
            controls: Vec::new(),
            actions: Vec::new(),
            residual_likelihood: None,
            residual_impact: None,
            review_due: None,
            status: Default::default(),
        }
    }

    #[test]
    fn the_stored_risk_reads_back_unchanged() {
        let facts = stored();
        assert_eq!(RiskForm::of(&facts, 4).facts(&facts).unwrap(), facts);
        assert_eq!(RiskForm::of(&facts, 4).revision().unwrap(), 4);
    }

    #[test]
    fn a_bad_value_names_its_field() {
        let before = RiskForm::of(&stored(), 1);
        let form = RiskForm {
            inherent_likelihood: "x".into(),
            status: "identified".into(),
            treatment: "modify".into(),
            ..before
        };
        let err = form.facts(&stored()).unwrap_err();
        assert_eq!(err.field, "inherent_likelihood");
        let dated = RiskForm {
            inherent_likelihood: "2".into(),
            inherent_impact: "2".into(),
            actions: vec![ActionRow {
                title: "Retrain".into(),
                due: "soon".into(),
                done: false,
            }],
            ..form
        };
        let err = dated.facts(&stored()).unwrap_err();
        assert_eq!(err.field, "actions");
        assert!(err.message.contains("row 1"), "{}", err.message);
    }
}
