//! What was wrong with a submitted form, said the way every form in aims says it: a summary
//! at the top that links to each field, and the message beside the field, in the field's own
//! label (never its wire name), with `aria-invalid` and `aria-describedby` on the input.

use aims_app::AppError;
use axum::http::StatusCode;

use crate::error::ApiError;

/// The fields of one form: the prefix of its inputs' ids and each field's label. An input's
/// id is the prefix followed by the field's name (`n-` + `title` = `n-title`).
pub struct FormFields {
    pub prefix: &'static str,
    pub labels: &'static [(&'static str, &'static str)],
}

impl FormFields {
    fn label(&self, field: &str) -> String {
        self.labels
            .iter()
            .find(|(name, _)| *name == field)
            .map_or_else(|| spoken(field), |(_, label)| (*label).to_owned())
    }
}

/// A field's name as words, for a field a form did not label: `review_due` → `Review due`.
fn spoken(field: &str) -> String {
    let words = field.replace(['_', '.'], " ");
    super::capitalised(words.trim())
}

/// One field's error.
pub struct FieldProblem {
    pub field: &'static str,
    pub message: String,
    /// The id of the input, for the summary's link.
    pub input: String,
}

/// A form's problems; empty when the form is shown fresh.
#[derive(Default)]
pub struct FormProblem {
    pub status: Option<StatusCode>,
    /// A message about the form as a whole (a conflict, a refused file).
    pub general: Option<String>,
    pub fields: Vec<FieldProblem>,
    prefix: &'static str,
}

impl FormProblem {
    /// The problem a use case reported about `fields`, or the error back when it is not about
    /// the form's input (and calls for an error page).
    pub fn from_error(err: AppError, fields: &FormFields) -> Result<Self, AppError> {
        match err {
            AppError::Invalid(v) => {
                let label = fields.label(v.field);
                Ok(FormProblem {
                    status: Some(StatusCode::UNPROCESSABLE_ENTITY),
                    general: None,
                    fields: vec![FieldProblem {
                        field: v.field,
                        message: format!("{label} {}", v.message),
                        input: format!("{}{}", fields.prefix, v.field),
                    }],
                    prefix: fields.prefix,
                })
            }
            AppError::Conflict(_) | AppError::Throttled { .. } => {
                let problem = ApiError::from(err);
                Ok(FormProblem {
                    status: Some(problem.status),
                    general: Some(super::capitalised(&problem.detail)),
                    fields: Vec::new(),
                    prefix: fields.prefix,
                })
            }
            other => Err(other),
        }
    }

    /// A 409 for a form whose record `what` (`metric`, `role`) someone else changed while it
    /// was open: the changes typed stay in the form, to be checked and sent again.
    pub fn changed_meanwhile(what: &str) -> Self {
        Self::general(
            StatusCode::CONFLICT,
            format!(
                "Someone else changed this {what} while you had it open; your changes were not \
                 saved but are still in the form: check them against the {what} as it is now and \
                 send it again."
            ),
        )
    }

    /// A problem with the form as a whole.
    pub fn general(status: StatusCode, message: impl Into<String>) -> Self {
        FormProblem {
            status: Some(status),
            general: Some(message.into()),
            ..Default::default()
        }
    }

    /// The status the page answers with.
    pub fn status(&self) -> StatusCode {
        self.status.unwrap_or(StatusCode::OK)
    }

    /// Whether there is anything to say.
    pub fn is_empty(&self) -> bool {
        self.general.is_none() && self.fields.is_empty()
    }

    /// The message for `field`, if it has one.
    pub fn message(&self, field: &str) -> Option<&str> {
        self.fields
            .iter()
            .find(|p| p.field == field)
            .map(|p| p.message.as_str())
    }

    /// The attributes that mark `field`'s input invalid and point it at its message; empty
    /// when the field is fine. Built from static names only, so safe to write unescaped.
    pub fn attrs(&self, field: &str) -> String {
        match self.message(field) {
            Some(_) => format!(
                " aria-invalid=\"true\" aria-describedby=\"{}{field}-error\"",
                self.prefix
            ),
            None => String::new(),
        }
    }

    /// The id of `field`'s message.
    pub fn message_id(&self, field: &str) -> String {
        format!("{}{field}-error", self.prefix)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use aims_app::domain::ValidationError;

    const FIELDS: FormFields = FormFields {
        prefix: "n-",
        labels: &[("inherent_likelihood", "Likelihood")],
    };

    #[test]
    fn a_field_error_speaks_the_label_and_points_at_the_input() {
        let err = AppError::Invalid(ValidationError::new(
            "inherent_likelihood",
            "must be between 1 and 5",
        ));
        let problem = FormProblem::from_error(err, &FIELDS).ok().unwrap();
        assert_eq!(problem.status(), StatusCode::UNPROCESSABLE_ENTITY);
        assert_eq!(
            problem.message("inherent_likelihood"),
            Some("Likelihood must be between 1 and 5")
        );
        assert_eq!(problem.fields[0].input, "n-inherent_likelihood");
        assert_eq!(
            problem.attrs("inherent_likelihood"),
            " aria-invalid=\"true\" aria-describedby=\"n-inherent_likelihood-error\""
        );
        assert_eq!(problem.attrs("title"), "");
    }

    #[test]
    fn an_unlabelled_field_is_spoken_in_words() {
        let err = AppError::Invalid(ValidationError::new("review_due", "must be a date"));
        let problem = FormProblem::from_error(err, &FIELDS).ok().unwrap();
        assert_eq!(
            problem.message("review_due"),
            Some("Review due must be a date")
        );
    }

    #[test]
    fn errors_that_are_not_about_input_go_back() {
        assert!(FormProblem::from_error(AppError::NotFound("risk"), &FIELDS).is_err());
    }
}
