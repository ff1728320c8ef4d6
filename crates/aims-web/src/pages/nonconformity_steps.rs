//! The steps of a nonconformity's handling, each a form on its page: give a corrective action
//! to someone, record the verification, withdraw it. Each goes back to the page with a notice,
//! or shows the page again with why the step was refused and what was typed.

use aims_app::domain::improvement::{NonconformityStatus, VerificationInput};
use aims_app::domain::work::TaskFacts;
use aims_app::domain::{Actor, EvidenceId, NonconformityId, ValidationError};
use aims_app::{AppError, SessionContext};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::nonconformities::{StepTyped, page_view};
use super::{FormFields, FormProblem, PageForm, PageId, app_error_page, done, form_date};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of each step's form.
fn fields(step: &str) -> FormFields {
    match step {
        "action" => FormFields {
            prefix: "act-",
            labels: &[
                ("title", "Corrective action"),
                ("assignee", "Who does it"),
                ("due", "Due by"),
            ],
        },
        "verify" => FormFields {
            prefix: "ver-",
            labels: &[
                ("effective", "Did the actions work"),
                ("note", "What was checked"),
                ("evidence", "Evidence ids"),
            ],
        },
        _ => FormFields {
            prefix: "wd-",
            labels: &[("reason", "Why it is withdrawn")],
        },
    }
}

/// The answer to a step: the page with `code`'s notice, or the page again with the refusal
/// and what was typed.
async fn answer(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: NonconformityId,
    typed: StepTyped,
    outcome: Result<&'static str, AppError>,
) -> Response {
    let err = match outcome {
        Ok(code) => return done(&format!("/nonconformities/{id}"), code),
        Err(err) => err,
    };
    match FormProblem::from_error(err, &fields(typed.step)) {
        Ok(problem) => page_view(state, context, actor, id, None, problem, typed).await,
        Err(other) => app_error_page(other),
    }
}

/// A corrective action as its form carries it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    title: String,
    assignee: String,
    due: String,
}

/// `POST /nonconformities/{id}/actions`.
pub async fn add_action(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<NonconformityId>,
    PageForm(form): PageForm<ActionForm>,
) -> Response {
    let outcome = async {
        let facts = TaskFacts {
            title: form.title.clone(),
            assignee: match form.assignee.trim() {
                "" => None,
                a => Some(a.parse().map_err(|_| {
                    ValidationError::new("assignee", "must be a member of the organisation")
                })?),
            },
            due: form_date("due", &form.due)?,
            ..Default::default()
        };
        state
            .app
            .add_corrective_action(&actor, id, facts)
            .await
            .map(|_| "action")
    };
    let outcome = outcome.await;
    let typed = StepTyped {
        step: "action",
        title: form.title,
        assignee: form.assignee,
        due: form.due,
        ..Default::default()
    };
    answer(&state, &context, &actor, id, typed, outcome).await
}

/// A verification as its form carries it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VerifyForm {
    effective: String,
    note: String,
    /// Evidence ids, separated by commas or spaces.
    evidence: String,
    revision: String,
}

/// `POST /nonconformities/{id}/verification`.
pub async fn verify(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<NonconformityId>,
    PageForm(form): PageForm<VerifyForm>,
) -> Response {
    let outcome = async {
        let effective = match form.effective.as_str() {
            "yes" => true,
            "no" => false,
            _ => {
                return Err(
                    ValidationError::new("effective", "say whether the actions worked").into(),
                );
            }
        };
        let evidence = form
            .evidence
            .split([',', ' ', '\n'])
            .map(str::trim)
            .filter(|e| !e.is_empty())
            .map(|e| {
                e.parse::<EvidenceId>().map_err(|_| {
                    ValidationError::new("evidence", format!("{e:?} is not an evidence id"))
                })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let revision = form.revision.trim().parse().map_err(|_| {
            ValidationError::new("revision", "must be the nonconformity's revision")
        })?;
        let input = VerificationInput {
            effective,
            note: form.note.clone(),
            evidence,
        };
        let n = state
            .app
            .verify_nonconformity(&actor, id, revision, input)
            .await?;
        Ok(match n.status {
            NonconformityStatus::Closed => "closed",
            _ => "reopened",
        })
    };
    let outcome = outcome.await;
    let typed = StepTyped {
        step: "verify",
        effective: form.effective,
        note: form.note,
        evidence: form.evidence,
        ..Default::default()
    };
    answer(&state, &context, &actor, id, typed, outcome).await
}

/// A withdrawal as its form carries it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct WithdrawForm {
    reason: String,
    revision: String,
}

/// `POST /nonconformities/{id}/withdrawal`.
pub async fn withdraw(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<NonconformityId>,
    PageForm(form): PageForm<WithdrawForm>,
) -> Response {
    let outcome = async {
        let revision = form.revision.trim().parse().map_err(|_| {
            ValidationError::new("revision", "must be the nonconformity's revision")
        })?;
        state
            .app
            .withdraw_nonconformity(&actor, id, revision, &form.reason)
            .await
            .map(|_| "withdrawn")
    };
    let outcome = outcome.await;
    let typed = StepTyped {
        step: "withdraw",
        reason: form.reason,
        ..Default::default()
    };
    answer(&state, &context, &actor, id, typed, outcome).await
}
