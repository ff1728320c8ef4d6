//! An impact assessment's form as the page holds it: every value as typed (harms as rows),
//! read into content with each error naming its field, and a comparison's changes in words.

use aims_app::domain::ValidationError;
use aims_app::domain::impact::ContentChange;
use aims_app::domain::impact::{AssessmentContent, Fria, Harm, Rating};

use super::FormFields;

/// Empty harm rows offered below the existing ones.
pub(super) const BLANK_HARMS: usize = 3;

/// The assessment form's fields; a harm's fields are `harms.<column>`.
pub(super) const FIELDS: FormFields = FormFields {
    prefix: "a-",
    labels: &[
        ("title", "Title"),
        ("scope", "Scope"),
        ("period_of_use", "Period of use"),
        ("affected_groups", "Groups of people affected"),
        ("benefits", "Benefits"),
        ("harms", "Potential harms"),
        ("harms.kind", "Kind"),
        ("harms.description", "Harm"),
        ("harms.affected", "Falls on"),
        ("harms.severity", "Severity"),
        ("harms.likelihood", "Likelihood"),
        ("harms.mitigations", "Mitigations"),
        ("harms.residual_severity", "Rating after mitigation:"),
        ("harms.residual_likelihood", "Likelihood after mitigation"),
        ("human_oversight", "Human oversight"),
        ("residual_impact", "Residual impact"),
        ("next_review", "Next review"),
        ("fria", "FRIA:"),
        ("fria.processes", "FRIA point (a), processes,"),
        (
            "fria.period_and_frequency",
            "FRIA point (b), period and frequency,",
        ),
        (
            "fria.affected_categories",
            "FRIA point (c), categories of people,",
        ),
        ("fria.specific_risks", "FRIA point (d), specific risks,"),
        ("fria.human_oversight", "FRIA point (e), human oversight,"),
        (
            "fria.measures_if_risks_materialise",
            "FRIA point (f), measures if the risks materialise,",
        ),
        ("version", "The version saved from"),
    ],
};

/// The form that starts an assessment on a system's page.
pub(super) const NEW_FIELDS: FormFields = FormFields {
    prefix: "ia-",
    labels: &[("title", "Title")],
};

/// A field of an assessment, or of a comparison of two versions, in words.
pub fn field_words(field: &str) -> String {
    if let Some(n) = field
        .strip_prefix("harms[")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        return format!("Harm {n}");
    }
    let words = match field {
        "title" => "Title",
        "scope" => "Scope",
        "period_of_use" => "Period of use",
        "affected_groups" => "Groups of people affected",
        "benefits" => "Benefits",
        "harms" => "Potential harms",
        "human_oversight" => "Human oversight",
        "residual_impact" => "Residual impact",
        "next_review" => "Next review",
        "fria" => "Fundamental rights impact assessment (FRIA)",
        "fria.processes" => "FRIA (a): processes in which the system is used",
        "fria.period_and_frequency" => "FRIA (b): period and frequency of use",
        "fria.affected_categories" => "FRIA (c): categories of people likely to be affected",
        "fria.specific_risks" => "FRIA (d): specific risks of harm to them",
        "fria.human_oversight" => "FRIA (e): human oversight measures",
        "fria.measures_if_risks_materialise" => {
            "FRIA (f): measures if the risks materialise, governance and complaints"
        }
        other => return aims_app::domain::audit::field_words(other),
    };
    words.to_owned()
}

/// One harm row as typed.
#[derive(Clone, Default)]
pub struct HarmDraft {
    pub kind: String,
    pub description: String,
    pub affected: String,
    pub severity: String,
    pub likelihood: String,
    pub mitigations: String,
    pub residual_severity: String,
    pub residual_likelihood: String,
}

impl HarmDraft {
    fn of(h: &Harm) -> Self {
        HarmDraft {
            kind: h.kind.as_str().to_owned(),
            description: h.description.clone(),
            affected: h.affected.clone(),
            severity: h.severity.as_str().to_owned(),
            likelihood: h.likelihood.as_str().to_owned(),
            mitigations: h.mitigations.clone(),
            residual_severity: h.residual_severity.as_str().to_owned(),
            residual_likelihood: h.residual_likelihood.as_str().to_owned(),
        }
    }

    /// The harm the row states; names the column at fault.
    fn harm(&self) -> Result<Harm, ValidationError> {
        let rating = |field: &'static str, text: &str| {
            match text.trim() {
                "" => Ok(Rating::Low),
                t => t.parse::<Rating>(),
            }
            .map_err(|_| {
                let names: Vec<&str> = Rating::ALL.iter().map(|r| r.label()).collect();
                ValidationError::new(field, format!("must be one of {}", names.join(", ")))
            })
        };
        Ok(Harm {
            kind: self.kind.trim().parse().map_err(|_| {
                ValidationError::new("harms.kind", "must be one of the kinds listed")
            })?,
            description: self.description.clone(),
            affected: self.affected.clone(),
            severity: rating("harms.severity", &self.severity)?,
            likelihood: rating("harms.likelihood", &self.likelihood)?,
            mitigations: self.mitigations.clone(),
            residual_severity: rating("harms.residual_severity", &self.residual_severity)?,
            residual_likelihood: rating("harms.residual_likelihood", &self.residual_likelihood)?,
        })
    }
}

/// The assessment form as typed: every value as text, so that a form with a mistake comes
/// back exactly as it was posted.
#[derive(Clone, Default)]
pub struct AssessmentDraft {
    /// The version the form was loaded from.
    pub version: String,
    pub title: String,
    pub scope: String,
    pub period_of_use: String,
    pub affected_groups: String,
    pub benefits: String,
    pub harms: Vec<HarmDraft>,
    pub human_oversight: String,
    pub residual_impact: String,
    pub fria: Option<Fria>,
    pub next_review: String,
}

impl AssessmentDraft {
    /// The form filled in with `content`, saved as `version`.
    pub(super) fn of(content: &AssessmentContent, version: i64) -> Self {
        AssessmentDraft {
            version: version.to_string(),
            title: content.title.clone(),
            scope: content.scope.clone(),
            period_of_use: content.period_of_use.clone(),
            affected_groups: content.affected_groups.clone(),
            benefits: content.benefits.clone(),
            harms: content.harms.iter().map(HarmDraft::of).collect(),
            human_oversight: content.human_oversight.clone(),
            residual_impact: content.residual_impact.clone(),
            fria: content.fria.clone(),
            next_review: content.next_review.map(super::date_of).unwrap_or_default(),
        }
    }

    /// The posted form as typed; repeated `harm_*` keys make the harm rows, and a row whose
    /// description is empty is left out.
    pub(super) fn from_form(body: &str) -> Result<Self, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(body).map_err(|e| e.to_string())?;
        let one = |key: &str| {
            pairs
                .iter()
                .find(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .unwrap_or_default()
        };
        let many = |key: &str| {
            pairs
                .iter()
                .filter(|(k, _)| k == key)
                .map(|(_, v)| v.clone())
                .collect::<Vec<_>>()
        };
        let columns: Vec<Vec<String>> = [
            "harm_kind",
            "harm_affected",
            "harm_severity",
            "harm_likelihood",
            "harm_mitigations",
            "harm_residual_severity",
            "harm_residual_likelihood",
        ]
        .iter()
        .map(|k| many(k))
        .collect();
        let cell =
            |column: usize, row: usize| columns[column].get(row).cloned().unwrap_or_default();
        let harms = many("harm_description")
            .into_iter()
            .enumerate()
            .filter(|(_, description)| !description.trim().is_empty())
            .map(|(row, description)| HarmDraft {
                kind: cell(0, row),
                description,
                affected: cell(1, row),
                severity: cell(2, row),
                likelihood: cell(3, row),
                mitigations: cell(4, row),
                residual_severity: cell(5, row),
                residual_likelihood: cell(6, row),
            })
            .collect();
        Ok(AssessmentDraft {
            version: one("version"),
            title: one("title"),
            scope: one("scope"),
            period_of_use: one("period_of_use"),
            affected_groups: one("affected_groups"),
            benefits: one("benefits"),
            harms,
            human_oversight: one("human_oversight"),
            residual_impact: one("residual_impact"),
            fria: (one("fria") == "on").then(|| Fria {
                processes: one("fria_processes"),
                period_and_frequency: one("fria_period_and_frequency"),
                affected_categories: one("fria_affected_categories"),
                specific_risks: one("fria_specific_risks"),
                human_oversight: one("fria_human_oversight"),
                measures_if_risks_materialise: one("fria_measures_if_risks_materialise"),
            }),
            next_review: one("next_review"),
        })
    }

    /// The content the form states and the version it was loaded from; a value that does not
    /// read names its field, with the harm row it is in.
    pub(super) fn content(
        &self,
    ) -> Result<(AssessmentContent, i64), (ValidationError, Option<usize>)> {
        let version = self
            .version
            .trim()
            .parse::<i64>()
            .map_err(|_| (ValidationError::new("version", "is missing"), None))?;
        let harms = self
            .harms
            .iter()
            .enumerate()
            .map(|(row, h)| h.harm().map_err(|e| (e, Some(row))))
            .collect::<Result<Vec<_>, _>>()?;
        let next_review =
            super::form_date("next_review", &self.next_review).map_err(|e| (e, None))?;
        Ok((
            AssessmentContent {
                title: self.title.clone(),
                scope: self.scope.clone(),
                period_of_use: self.period_of_use.clone(),
                affected_groups: self.affected_groups.clone(),
                benefits: self.benefits.clone(),
                harms,
                human_oversight: self.human_oversight.clone(),
                residual_impact: self.residual_impact.clone(),
                fria: self.fria.clone(),
                next_review,
            },
            version,
        ))
    }

    /// The row of the first harm that `field` refuses, found by checking each harm alone.
    pub(super) fn row_refused(&self, field: &str) -> Option<usize> {
        self.harms.iter().position(|h| {
            h.harm().is_ok_and(|harm| {
                let alone = AssessmentContent {
                    title: "x".into(),
                    harms: vec![harm],
                    ..Default::default()
                };
                alone.validate().is_err_and(|e| e.field == field)
            })
        })
    }
}

/// A change between two versions, in words.
pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
}

pub(super) fn change_row(c: ContentChange) -> ChangeRow {
    // A review date is stored as an instant; the day is what was chosen.
    let day = |text: String| match c.field.as_str() {
        "next_review" if text.len() > 10 && text.is_char_boundary(10) => text[..10].to_owned(),
        _ => text,
    };
    ChangeRow {
        before: day(c.before),
        after: day(c.after),
        field: field_words(&c.field),
    }
}
