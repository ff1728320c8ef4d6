//! The risk method as its editor holds it: the two scales as rows of label and meaning, the
//! risk levels with their colours, the matrix as one choice per cell, and the acceptance
//! criteria, every value as typed so that a refused form comes back as it was sent. When a
//! scale gains or loses a step, the matrix is resized from the old one for the person to check
//! before saving, so the editor works without script.

use aims_app::domain::Role;
use aims_app::domain::ValidationError;
use aims_app::domain::risk::{Level, MAX_LEVELS, MIN_LEVELS, RiskLevel, RiskMethod, Scale};

/// Most risk levels the editor offers rows for.
pub const MAX_RISK_LEVELS: usize = 5;

/// One step of a scale, or a risk level (with its colour), as typed.
#[derive(Clone, Default)]
pub struct Row {
    pub label: String,
    pub description: String,
    pub colour: String,
}

/// The editor's values.
#[derive(Clone, Default)]
pub struct MethodForm {
    pub likelihood: Vec<Row>,
    pub impact: Vec<Row>,
    pub levels: Vec<Row>,
    /// `matrix[l][i]`: the risk level chosen for likelihood step `l` and impact step `i`.
    pub matrix: Vec<Vec<String>>,
    pub acceptable_up_to: String,
    pub requires_sign_off_from: String,
    pub accept_above_appetite: Vec<String>,
}

/// What reading a posted form gave.
pub enum Read {
    Method(RiskMethod),
    /// The scales changed size: the form with the matrix resized, to check before saving.
    Resized(MethodForm),
}

fn rows(levels: &[Level], up_to: usize) -> Vec<Row> {
    let mut rows: Vec<Row> = levels
        .iter()
        .map(|l| Row {
            label: l.label.clone(),
            description: l.description.clone(),
            colour: String::new(),
        })
        .collect();
    rows.resize(up_to, Row::default());
    rows
}

impl MethodForm {
    /// The editor filled from `method`, with blank rows up to the most a scale may have.
    pub fn of(method: &RiskMethod) -> Self {
        let mut levels: Vec<Row> = method
            .risk_levels
            .iter()
            .map(|l| Row {
                label: l.label.clone(),
                description: l.description.clone(),
                colour: l.colour.clone(),
            })
            .collect();
        levels.resize(MAX_RISK_LEVELS, Row::default());
        MethodForm {
            likelihood: rows(&method.likelihood.levels, MAX_LEVELS),
            impact: rows(&method.impact.levels, MAX_LEVELS),
            levels,
            matrix: method
                .matrix
                .iter()
                .map(|row| row.iter().map(ToString::to_string).collect())
                .collect(),
            acceptable_up_to: method.acceptable_up_to.to_string(),
            requires_sign_off_from: method.requires_sign_off_from.to_string(),
            accept_above_appetite: method
                .accept_above_appetite
                .iter()
                .map(|r| r.as_str().to_owned())
                .collect(),
        }
    }

    /// The form as posted: `likelihood.N.label`, `impact.N.description`, `level.N.colour`,
    /// `cell.L.I`, and the acceptance fields.
    pub fn posted(pairs: &[(String, String)]) -> Self {
        let mut form = MethodForm {
            likelihood: vec![Row::default(); MAX_LEVELS],
            impact: vec![Row::default(); MAX_LEVELS],
            levels: vec![Row::default(); MAX_RISK_LEVELS],
            ..Default::default()
        };
        let mut cells: Vec<(usize, usize, String)> = Vec::new();
        for (name, value) in pairs {
            let parts: Vec<&str> = name.split('.').collect();
            let index = |n: &str, max: usize| n.parse::<usize>().ok().filter(|n| *n < max);
            match parts.as_slice() {
                [scale @ ("likelihood" | "impact"), n, field] => {
                    let rows = if *scale == "likelihood" {
                        &mut form.likelihood
                    } else {
                        &mut form.impact
                    };
                    if let Some(row) = index(n, MAX_LEVELS).map(|n| &mut rows[n]) {
                        match *field {
                            "label" => row.label = value.clone(),
                            "description" => row.description = value.clone(),
                            _ => {}
                        }
                    }
                }
                ["level", n, field] => {
                    if let Some(row) = index(n, MAX_RISK_LEVELS).map(|n| &mut form.levels[n]) {
                        match *field {
                            "label" => row.label = value.clone(),
                            "description" => row.description = value.clone(),
                            "colour" => row.colour = value.clone(),
                            _ => {}
                        }
                    }
                }
                ["cell", l, i] => {
                    if let (Some(l), Some(i)) = (index(l, MAX_LEVELS), index(i, MAX_LEVELS)) {
                        cells.push((l, i, value.clone()));
                    }
                }
                ["acceptable_up_to"] => form.acceptable_up_to = value.clone(),
                ["requires_sign_off_from"] => form.requires_sign_off_from = value.clone(),
                ["accept_above_appetite"] => form.accept_above_appetite.push(value.clone()),
                _ => {}
            }
        }
        let rows = cells.iter().map(|(l, _, _)| l + 1).max().unwrap_or(0);
        let columns = cells.iter().map(|(_, i, _)| i + 1).max().unwrap_or(0);
        form.matrix = vec![vec![String::new(); columns]; rows];
        for (l, i, value) in cells {
            form.matrix[l][i] = value;
        }
        form
    }

    /// The steps of a scale that have a label: blank rows are unused.
    fn used(rows: &[Row]) -> Vec<&Row> {
        rows.iter().filter(|r| !r.label.trim().is_empty()).collect()
    }

    /// How many likelihood steps, impact steps and risk levels the form names.
    pub fn sizes(&self) -> (usize, usize, usize) {
        (
            Self::used(&self.likelihood).len(),
            Self::used(&self.impact).len(),
            Self::used(&self.levels).len(),
        )
    }

    /// The method the form states, or the form with its matrix resized when a scale changed
    /// size (each new cell taken from the nearest old one).
    pub fn read(mut self) -> Result<Read, ValidationError> {
        let (rows, columns, levels) = self.sizes();
        for (count, field, what) in [
            (rows, "likelihood", "likelihood"),
            (columns, "impact", "impact"),
        ] {
            if !(MIN_LEVELS..=MAX_LEVELS).contains(&count) {
                return Err(ValidationError::new(
                    field,
                    format!(
                        "the {what} scale needs {MIN_LEVELS} to {MAX_LEVELS} steps with a label, has {count}"
                    ),
                ));
            }
        }
        let old_rows = self.matrix.len();
        let old_columns = self.matrix.first().map_or(0, Vec::len);
        if (old_rows, old_columns) != (rows, columns) {
            let old = std::mem::take(&mut self.matrix);
            self.matrix = (0..rows)
                .map(|l| {
                    (0..columns)
                        .map(|i| {
                            let from = |n: usize, old: usize, new: usize| {
                                (n * old / new.max(1)).min(old.saturating_sub(1))
                            };
                            old.get(from(l, old_rows, rows))
                                .and_then(|r| r.get(from(i, old_columns, columns)))
                                .cloned()
                                .unwrap_or_else(|| "0".to_owned())
                        })
                        .collect()
                })
                .collect();
            // Unused rows stay in place for the next save; only the named steps count.
            self.likelihood = pack(&self.likelihood, MAX_LEVELS);
            self.impact = pack(&self.impact, MAX_LEVELS);
            return Ok(Read::Resized(self));
        }
        let index = |field: &'static str, text: &str| {
            text.trim()
                .parse::<usize>()
                .ok()
                .filter(|n| *n < levels)
                .ok_or_else(|| ValidationError::new(field, "must name one of the risk levels"))
        };
        let matrix = self
            .matrix
            .iter()
            .map(|row| {
                row.iter()
                    .map(|c| index("matrix", c))
                    .collect::<Result<Vec<_>, _>>()
            })
            .collect::<Result<Vec<_>, _>>()?;
        let scale = |rows: &[Row]| Scale {
            levels: Self::used(rows)
                .into_iter()
                .map(|r| Level {
                    label: r.label.clone(),
                    description: r.description.clone(),
                })
                .collect(),
        };
        Ok(Read::Method(RiskMethod {
            likelihood: scale(&self.likelihood),
            impact: scale(&self.impact),
            risk_levels: Self::used(&self.levels)
                .into_iter()
                .map(|r| RiskLevel {
                    label: r.label.clone(),
                    description: r.description.clone(),
                    colour: r.colour.clone(),
                })
                .collect(),
            matrix,
            acceptable_up_to: index("acceptable_up_to", &self.acceptable_up_to)?,
            requires_sign_off_from: index("requires_sign_off_from", &self.requires_sign_off_from)?,
            accept_above_appetite: self
                .accept_above_appetite
                .iter()
                .map(|r| r.parse::<Role>())
                .collect::<Result<Vec<_>, _>>()?,
        }))
    }

    /// The labels of the named risk levels, with their index, for the matrix's choices.
    pub fn level_choices(&self) -> Vec<(usize, String)> {
        Self::used(&self.levels)
            .into_iter()
            .enumerate()
            .map(|(n, r)| (n, r.label.clone()))
            .collect()
    }

    /// The matrix rows with the likelihood step each stands for, highest likelihood first.
    pub fn matrix_rows(&self) -> Vec<(usize, String, Vec<String>)> {
        let steps = Self::used(&self.likelihood);
        let mut rows: Vec<(usize, String, Vec<String>)> = self
            .matrix
            .iter()
            .enumerate()
            .map(|(l, cells)| {
                let label = steps.get(l).map(|r| r.label.clone()).unwrap_or_default();
                (l, label, cells.clone())
            })
            .collect();
        rows.reverse();
        rows
    }

    /// The labels of the impact steps, for the matrix's header.
    pub fn impact_labels(&self) -> Vec<String> {
        Self::used(&self.impact)
            .into_iter()
            .map(|r| r.label.clone())
            .collect()
    }

    /// Whether `role` may accept above the appetite.
    pub fn accepts_above(&self, role: &str) -> bool {
        self.accept_above_appetite.iter().any(|r| r == role)
    }
}

/// The named rows first, in order, then blank ones up to `size`.
fn pack(rows: &[Row], size: usize) -> Vec<Row> {
    let mut packed: Vec<Row> = MethodForm::used(rows).into_iter().cloned().collect();
    packed.resize(size, Row::default());
    packed
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(form: &MethodForm) -> Vec<(String, String)> {
        let mut out = Vec::new();
        for (scale, rows) in [("likelihood", &form.likelihood), ("impact", &form.impact)] {
            for (n, r) in rows.iter().enumerate() {
                out.push((format!("{scale}.{n}.label"), r.label.clone()));
                out.push((format!("{scale}.{n}.description"), r.description.clone()));
            }
        }
        for (n, r) in form.levels.iter().enumerate() {
            out.push((format!("level.{n}.label"), r.label.clone()));
            out.push((format!("level.{n}.description"), r.description.clone()));
            out.push((format!("level.{n}.colour"), r.colour.clone()));
        }
        for (l, row) in form.matrix.iter().enumerate() {
            for (i, c) in row.iter().enumerate() {
                out.push((format!("cell.{l}.{i}"), c.clone()));
            }
        }
        out.push(("acceptable_up_to".into(), form.acceptable_up_to.clone()));
        out.push((
            "requires_sign_off_from".into(),
            form.requires_sign_off_from.clone(),
        ));
        for r in &form.accept_above_appetite {
            out.push(("accept_above_appetite".into(), r.clone()));
        }
        out
    }

    #[test]
    fn the_default_method_round_trips_through_the_editor() {
        let method = RiskMethod::default_five_by_five();
        let posted = MethodForm::posted(&pairs(&MethodForm::of(&method)));
        match posted.read().unwrap() {
            Read::Method(read) => assert_eq!(read, method),
            Read::Resized(_) => panic!("nothing changed size"),
        }
    }

    #[test]
    fn a_new_step_resizes_the_matrix_for_checking_before_anything_is_saved() {
        let method = RiskMethod::default_five_by_five();
        let mut form = MethodForm::of(&method);
        form.likelihood[5].label = "Certain".into();
        let posted = MethodForm::posted(&pairs(&form));
        let Read::Resized(resized) = posted.read().unwrap() else {
            panic!("the matrix must be checked first");
        };
        assert_eq!(resized.matrix.len(), 6);
        assert!(resized.matrix.iter().all(|r| r.len() == 5));
        // Saving the resized form as it stands gives a method of six likelihood steps.
        match MethodForm::posted(&pairs(&resized)).read().unwrap() {
            Read::Method(read) => assert_eq!(read.likelihood.size(), 6),
            Read::Resized(_) => panic!("already resized"),
        }
    }

    #[test]
    fn too_few_steps_or_a_cell_without_a_level_are_refused_by_name() {
        let mut form = MethodForm::of(&RiskMethod::default_five_by_five());
        for r in &mut form.impact[2..] {
            r.label.clear();
        }
        assert_eq!(
            MethodForm::posted(&pairs(&form))
                .read()
                .err()
                .unwrap()
                .field,
            "impact"
        );
        let mut form = MethodForm::of(&RiskMethod::default_five_by_five());
        form.matrix[0][0] = "9".into();
        assert_eq!(
            MethodForm::posted(&pairs(&form))
                .read()
                .err()
                .unwrap()
                .field,
            "matrix"
        );
    }
}
