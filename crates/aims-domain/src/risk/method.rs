//! The organisation's method for rating risks (ISO/IEC 42001 6.1.2 d, 6.1.2 e): a likelihood
//! scale, an impact scale, the risk levels, the matrix that places every pair of scores in a
//! level, and the criteria for accepting a risk.

use serde::{Deserialize, Serialize};

use crate::access::{Permission, Role};
use crate::validation::{ValidationError, bounded_text, long_text};

/// Fewest levels a likelihood or impact scale may have.
pub const MIN_LEVELS: usize = 3;
/// Most levels a likelihood or impact scale may have.
pub const MAX_LEVELS: usize = 7;
const MIN_RISK_LEVELS: usize = 2;
const MAX_RISK_LEVELS: usize = 5;
const LABEL: usize = 40;
const DESCRIPTION: usize = 1_000;

/// One step of a likelihood or impact scale.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Level {
    pub label: String,
    /// What the step means, so that two people rate the same risk the same way.
    pub description: String,
}

/// A likelihood or impact scale, ordered from the lowest step (score 1) to the highest.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Scale {
    pub levels: Vec<Level>,
}

impl Scale {
    /// How many steps the scale has: the highest score.
    pub fn size(&self) -> usize {
        self.levels.len()
    }

    /// The label of the 1-based `score`, if the scale has it.
    pub fn label(&self, score: u8) -> Option<&str> {
        let index = usize::from(score).checked_sub(1)?;
        self.levels.get(index).map(|l| l.label.as_str())
    }
}

/// One risk level the matrix places risks in (Low, Medium, High...).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskLevel {
    pub label: String,
    pub description: String,
    /// The colour the heat map paints it, `#rrggbb`.
    pub colour: String,
}

/// The organisation's configured risk method; validated as a whole by [`RiskMethod::validate`].
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct RiskMethod {
    pub likelihood: Scale,
    pub impact: Scale,
    /// Ordered from the lowest level to the highest.
    pub risk_levels: Vec<RiskLevel>,
    /// `matrix[l - 1][i - 1]` is the index in `risk_levels` of likelihood `l` with impact `i`.
    pub matrix: Vec<Vec<usize>>,
    /// Index of the highest risk level that may be accepted without treatment.
    pub acceptable_up_to: usize,
    /// Index of the lowest risk level whose acceptance needs the risk owner's sign-off.
    pub requires_sign_off_from: usize,
    /// The roles a risk owner must hold to accept a risk whose residual level is above
    /// `acceptable_up_to`: retaining a risk beyond the appetite is a decision for those
    /// accountable, not for whoever made themselves its owner.
    #[serde(default = "default_acceptance_roles")]
    pub accept_above_appetite: Vec<Role>,
}

/// Who may accept a risk above the appetite unless the method says otherwise.
pub fn default_acceptance_roles() -> Vec<Role> {
    vec![Role::Owner, Role::Admin]
}

impl RiskMethod {
    /// Checks and normalises the whole method, naming the first field that is wrong.
    pub fn validate(mut self) -> Result<Self, ValidationError> {
        self.likelihood = validate_scale(self.likelihood, &LIKELIHOOD)?;
        self.impact = validate_scale(self.impact, &IMPACT)?;
        let count = self.risk_levels.len();
        if !(MIN_RISK_LEVELS..=MAX_RISK_LEVELS).contains(&count) {
            return Err(ValidationError::new(
                "risk_levels",
                format!("needs {MIN_RISK_LEVELS} to {MAX_RISK_LEVELS} risk levels, has {count}"),
            ));
        }
        for (n, level) in (1..).zip(&mut self.risk_levels) {
            level.label = bounded_text("risk_levels.label", &level.label, 1, LABEL)
                .map_err(|e| numbered(e, "risk level", n))?;
            level.description =
                long_text("risk_levels.description", &level.description, DESCRIPTION)
                    .map_err(|e| numbered(e, "risk level", n))?;
            level.colour = hex_colour(&level.colour).ok_or_else(|| {
                ValidationError::new(
                    "risk_levels.colour",
                    format!(
                        "risk level {n}: {:?} is not a colour such as #c62828",
                        level.colour
                    ),
                )
            })?;
        }
        let labels: Vec<&str> = self.risk_levels.iter().map(|l| l.label.as_str()).collect();
        unique("risk_levels.label", "risk level", &labels)?;
        self.validate_matrix()?;
        if self.acceptable_up_to >= count {
            return Err(ValidationError::new(
                "acceptable_up_to",
                format!(
                    "must name one of the {count} risk levels (0 to {})",
                    count - 1
                ),
            ));
        }
        if self.requires_sign_off_from >= count {
            return Err(ValidationError::new(
                "requires_sign_off_from",
                format!(
                    "must name one of the {count} risk levels (0 to {})",
                    count - 1
                ),
            ));
        }
        // Retaining a risk above the appetite must leave a trace of who decided it.
        if self.requires_sign_off_from > self.acceptable_up_to + 1 {
            return Err(ValidationError::new(
                "requires_sign_off_from",
                format!(
                    "risks above the acceptable level {:?} could then be retained without anyone's sign-off",
                    self.risk_levels[self.acceptable_up_to].label
                ),
            ));
        }
        if self.accept_above_appetite.is_empty() {
            return Err(ValidationError::new(
                "accept_above_appetite",
                "name at least one role that may accept a risk above the acceptable level",
            ));
        }
        if let Some(role) = self
            .accept_above_appetite
            .iter()
            .find(|r| !r.grants(Permission::EditContent))
        {
            return Err(ValidationError::new(
                "accept_above_appetite",
                format!("the {role} role cannot change risks, so it cannot accept one either"),
            ));
        }
        self.accept_above_appetite
            .sort_by_key(|r| Role::ALL.iter().position(|a| a == r));
        self.accept_above_appetite.dedup();
        Ok(self)
    }

    fn validate_matrix(&self) -> Result<(), ValidationError> {
        let (rows, columns) = (self.likelihood.size(), self.impact.size());
        if self.matrix.len() != rows {
            return Err(ValidationError::new(
                "matrix",
                format!(
                    "needs one row per likelihood level ({rows}), has {}",
                    self.matrix.len()
                ),
            ));
        }
        for (l, row) in (1..).zip(&self.matrix) {
            if row.len() != columns {
                return Err(ValidationError::new(
                    "matrix",
                    format!(
                        "the row of likelihood {l} needs one cell per impact level ({columns}), has {}",
                        row.len()
                    ),
                ));
            }
        }
        let count = self.risk_levels.len();
        for (l, row) in self.matrix.iter().enumerate() {
            for (i, &cell) in row.iter().enumerate() {
                if cell >= count {
                    return Err(ValidationError::new(
                        cell_field(l, i),
                        format!(
                            "must name one of the {count} risk levels (0 to {})",
                            count - 1
                        ),
                    ));
                }
            }
        }
        // A higher likelihood or impact must never give a lower risk level.
        for (l, row) in self.matrix.iter().enumerate() {
            for (i, &cell) in row.iter().enumerate() {
                let neighbours = [
                    (l > 0).then(|| ("likelihood", self.matrix[l - 1][i], l, i + 1)),
                    (i > 0).then(|| ("impact", row[i - 1], l + 1, i)),
                ];
                for (axis, lower, nl, ni) in neighbours.into_iter().flatten() {
                    if cell < lower {
                        return Err(ValidationError::new(
                            cell_field(l, i),
                            format!(
                                "is {} but the cell of likelihood {nl} and impact {ni} is {}; \
                                 a higher {axis} must never give a lower risk level",
                                self.risk_levels[cell].label, self.risk_levels[lower].label
                            ),
                        ));
                    }
                }
            }
        }
        Ok(())
    }

    /// The risk level (index in `risk_levels`) of 1-based scores, if both are on the scales.
    pub fn level_of(&self, likelihood: u8, impact: u8) -> Option<usize> {
        let l = usize::from(likelihood).checked_sub(1)?;
        let i = usize::from(impact).checked_sub(1)?;
        self.matrix.get(l)?.get(i).copied()
    }

    /// The product of the scores, to sort risks within a level.
    pub fn score(likelihood: u8, impact: u8) -> u16 {
        u16::from(likelihood) * u16::from(impact)
    }

    /// Scores moved onto the scales (0 counts as 1, above the top as the top), so that a
    /// score stored under an older method still finds a cell.
    pub(crate) fn clamp(&self, likelihood: u8, impact: u8) -> (u8, u8) {
        let top = |scale: &Scale| u8::try_from(scale.size()).unwrap_or(u8::MAX).max(1);
        (
            likelihood.clamp(1, top(&self.likelihood)),
            impact.clamp(1, top(&self.impact)),
        )
    }

    /// The level of scores after [`RiskMethod::clamp`]; 0 when the method has no matrix.
    pub(crate) fn level_clamped(&self, likelihood: u8, impact: u8) -> usize {
        let (l, i) = self.clamp(likelihood, impact);
        self.level_of(l, i).unwrap_or(0)
    }

    /// The label of the risk level at `index`, or an empty text when there is none.
    pub fn level_label(&self, index: usize) -> &str {
        self.risk_levels.get(index).map_or("", |l| l.label.as_str())
    }
}

/// The field names of one scale, so that errors name `likelihood.…` or `impact.…`.
struct ScaleFields {
    name: &'static str,
    levels: &'static str,
    label: &'static str,
    description: &'static str,
}

const LIKELIHOOD: ScaleFields = ScaleFields {
    name: "likelihood",
    levels: "likelihood.levels",
    label: "likelihood.levels.label",
    description: "likelihood.levels.description",
};

const IMPACT: ScaleFields = ScaleFields {
    name: "impact",
    levels: "impact.levels",
    label: "impact.levels.label",
    description: "impact.levels.description",
};

fn validate_scale(mut scale: Scale, fields: &ScaleFields) -> Result<Scale, ValidationError> {
    let count = scale.levels.len();
    if !(MIN_LEVELS..=MAX_LEVELS).contains(&count) {
        return Err(ValidationError::new(
            fields.levels,
            format!("needs {MIN_LEVELS} to {MAX_LEVELS} levels, has {count}"),
        ));
    }
    let what = format!("{} level", fields.name);
    for (n, level) in (1..).zip(&mut scale.levels) {
        level.label = bounded_text(fields.label, &level.label, 1, LABEL)
            .map_err(|e| numbered(e, &what, n))?;
        level.description = long_text(fields.description, &level.description, DESCRIPTION)
            .map_err(|e| numbered(e, &what, n))?;
    }
    let labels: Vec<&str> = scale.levels.iter().map(|l| l.label.as_str()).collect();
    unique(fields.label, &what, &labels)?;
    Ok(scale)
}

/// Puts "impact level 3: " in front of a message so that the user finds the entry.
fn numbered(error: ValidationError, what: &str, n: usize) -> ValidationError {
    ValidationError::new(error.field, format!("{what} {n}: {}", error.message))
}

/// Refuses two labels that differ only in case: people could not tell them apart.
fn unique(field: &'static str, what: &str, labels: &[&str]) -> Result<(), ValidationError> {
    for (n, label) in labels.iter().enumerate() {
        if let Some(first) = labels[..n]
            .iter()
            .position(|l| l.to_lowercase() == label.to_lowercase())
        {
            return Err(ValidationError::new(
                field,
                format!(
                    "{what} {} repeats the label {label:?} of {what} {}",
                    n + 1,
                    first + 1
                ),
            ));
        }
    }
    Ok(())
}

/// `#rrggbb` in lower case, or nothing when `text` is not that.
fn hex_colour(text: &str) -> Option<String> {
    let hex = text.trim().strip_prefix('#')?;
    (hex.len() == 6 && hex.chars().all(|c| c.is_ascii_hexdigit()))
        .then(|| format!("#{}", hex.to_ascii_lowercase()))
}

/// The field name of one cell, 1-based like the scores: `matrix[2][3]` is likelihood 2 and
/// impact 3. Names are static because [`ValidationError`] holds a `&'static str`; cells are only
/// named once the matrix is known to fit the scales, so 7 × 7 names are enough.
fn cell_field(l: usize, i: usize) -> &'static str {
    #[rustfmt::skip]
    const CELLS: [[&str; MAX_LEVELS]; MAX_LEVELS] = [
        ["matrix[1][1]", "matrix[1][2]", "matrix[1][3]", "matrix[1][4]", "matrix[1][5]", "matrix[1][6]", "matrix[1][7]"],
        ["matrix[2][1]", "matrix[2][2]", "matrix[2][3]", "matrix[2][4]", "matrix[2][5]", "matrix[2][6]", "matrix[2][7]"],
        ["matrix[3][1]", "matrix[3][2]", "matrix[3][3]", "matrix[3][4]", "matrix[3][5]", "matrix[3][6]", "matrix[3][7]"],
        ["matrix[4][1]", "matrix[4][2]", "matrix[4][3]", "matrix[4][4]", "matrix[4][5]", "matrix[4][6]", "matrix[4][7]"],
        ["matrix[5][1]", "matrix[5][2]", "matrix[5][3]", "matrix[5][4]", "matrix[5][5]", "matrix[5][6]", "matrix[5][7]"],
        ["matrix[6][1]", "matrix[6][2]", "matrix[6][3]", "matrix[6][4]", "matrix[6][5]", "matrix[6][6]", "matrix[6][7]"],
        ["matrix[7][1]", "matrix[7][2]", "matrix[7][3]", "matrix[7][4]", "matrix[7][5]", "matrix[7][6]", "matrix[7][7]"],
    ];
    CELLS
        .get(l)
        .and_then(|row| row.get(i))
        .copied()
        .unwrap_or("matrix")
}

mod five_by_five;

#[cfg(test)]
mod tests;
