//! The steps of a document's lifecycle, each a form on its page: send for review, approve,
//! return to draft, retire, confirm reading. Each goes back to the page with a notice, or
//! shows the page again with why the step was refused and what was typed.
//!
//! Approving, returning, retiring and confirming take any member: who may approve is the
//! organisation's choice, which the use case reads and checks under its lock.

use aims_app::domain::DocumentId;
use aims_app::{AppError, SessionContext};
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::document_page::{Shown, page_view};
use super::{FormFields, FormProblem, PageForm, PageId, app_error_page, done};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// A step on one version, with the comment that goes with it.
#[derive(Deserialize)]
pub struct StepForm {
    version: i64,
    #[serde(default)]
    comment: String,
}

/// Why a document is withdrawn.
#[derive(Deserialize)]
pub struct RetireForm {
    #[serde(default)]
    reason: String,
}

/// The version read.
#[derive(Deserialize)]
pub struct AcknowledgeForm {
    version: i64,
}

/// The fields of each step's form: the comment or reason input is the prefix plus its name.
fn fields(step: &'static str) -> FormFields {
    match step {
        "approve" => FormFields {
            prefix: "approve-",
            labels: &[("comment", "Comment on approval")],
        },
        "return" => FormFields {
            prefix: "return-",
            labels: &[("comment", "What needs to change")],
        },
        "retire" => FormFields {
            prefix: "retire-",
            labels: &[("reason", "Why it is withdrawn")],
        },
        _ => FormFields {
            prefix: "step-",
            labels: &[],
        },
    }
}

/// A step as taken: which form, what was typed in it, and the notice of its success.
struct Attempt {
    step: &'static str,
    typed: String,
    code: &'static str,
}

/// The answer to an attempt on document `id`: its page with the notice, or the page again
/// saying why the step was refused, with what was typed back in its form.
async fn answer(
    state: &WebState,
    context: &SessionContext,
    actor: &aims_app::domain::Actor,
    id: DocumentId,
    attempt: Attempt,
    outcome: Result<(), AppError>,
) -> Response {
    let Attempt { step, typed, code } = attempt;
    let Err(err) = outcome else {
        return done(&format!("/documents/{id}"), code);
    };
    match FormProblem::from_error(err, &fields(step)) {
        Ok(problem) => {
            let shown = Shown {
                problem,
                step,
                typed,
                ..Default::default()
            };
            page_view(state, context, actor, id, shown).await
        }
        Err(other) => app_error_page(other),
    }
}

/// `POST /documents/{id}/submit`.
pub async fn submit(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<StepForm>,
) -> Response {
    let outcome = state
        .app
        .submit_document(&actor, id, form.version)
        .await
        .map(|_| ());
    let attempt = Attempt {
        step: "submit",
        typed: String::new(),
        code: "submitted",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}

/// `POST /documents/{id}/approve`.
pub async fn approve(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<StepForm>,
) -> Response {
    let outcome = state
        .app
        .approve_document(&actor, id, form.version, &form.comment)
        .await
        .map(|_| ());
    let attempt = Attempt {
        step: "approve",
        typed: form.comment,
        code: "approved",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}

/// `POST /documents/{id}/return`.
pub async fn send_back(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<StepForm>,
) -> Response {
    let outcome = state
        .app
        .return_document(&actor, id, form.version, &form.comment)
        .await
        .map(|_| ());
    let attempt = Attempt {
        step: "return",
        typed: form.comment,
        code: "returned",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}

/// `POST /documents/{id}/retire`.
pub async fn retire(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<RetireForm>,
) -> Response {
    let outcome = state
        .app
        .retire_document(&actor, id, &form.reason)
        .await
        .map(|_| ());
    let attempt = Attempt {
        step: "retire",
        typed: form.reason,
        code: "retired",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}

/// `POST /documents/{id}/acknowledge`.
pub async fn acknowledge(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<AcknowledgeForm>,
) -> Response {
    let outcome = state
        .app
        .acknowledge_document(&actor, id, form.version)
        .await;
    let attempt = Attempt {
        step: "acknowledge",
        typed: String::new(),
        code: "acknowledged",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}
