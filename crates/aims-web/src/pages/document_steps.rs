//! The steps of a document's lifecycle, each a form on its page: send for review, approve,
//! return to draft, retire, confirm reading. Each goes back to the page with a notice, or
//! shows the page again with why the step was refused and what was typed.
//!
//! Approving, returning, retiring and confirming take any member: who may approve is the
//! organisation's choice, which the use case reads and checks under its lock.

use aims_app::Upload;
use aims_app::domain::DocumentId;
use aims_app::{AppError, SessionContext};
use axum::extract::{Multipart, State};
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
        "attach" => FormFields {
            prefix: "attach-",
            labels: &[("file", "File to attach")],
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

/// Where a change of the attached file starts from: the latest version and the document's
/// revision as the page showed them.
#[derive(Deserialize)]
pub struct FileForm {
    version: i64,
    revision: i64,
}

/// Reads the attach form: its version, revision and file, or why it could not be read.
async fn read_file_form(multipart: &mut Multipart) -> Result<(FileForm, Option<Upload>), AppError> {
    let unreadable = |e: axum::extract::multipart::MultipartError| {
        AppError::Invalid(aims_app::domain::ValidationError::new(
            "file",
            format!("could not be read: {}", e.body_text()),
        ))
    };
    let (mut version, mut revision, mut upload) = (None, None, None);
    while let Some(field) = multipart.next_field().await.map_err(unreadable)? {
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = field.bytes().await.map_err(unreadable)?;
        let number = || String::from_utf8_lossy(&bytes).trim().parse::<i64>().ok();
        match name.as_str() {
            "version" => version = number(),
            "revision" => revision = number(),
            "file" if !bytes.is_empty() => {
                upload = Some(Upload {
                    file_name: file_name.unwrap_or_default(),
                    bytes: bytes.to_vec(),
                });
            }
            _ => {}
        }
    }
    match (version, revision) {
        (Some(version), Some(revision)) => Ok((FileForm { version, revision }, upload)),
        _ => Err(AppError::Conflict(
            "the form lost the version it was based on: reload the document".into(),
        )),
    }
}

/// `POST /documents/{id}/attachment`: attaches the chosen file to the latest version (in a
/// new draft when that version is approved).
pub async fn attach(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<DocumentId>,
    mut multipart: Multipart,
) -> Response {
    let outcome = match read_file_form(&mut multipart).await {
        Ok((_, None)) => Err(AppError::Invalid(aims_app::domain::ValidationError::new(
            "file",
            "choose a file to attach",
        ))),
        Ok((form, Some(upload))) => state
            .app
            .attach_document_file(&actor, id, form.version, Some(form.revision), Some(upload))
            .await
            .map(|_| ()),
        Err(err) => Err(err),
    };
    let attempt = Attempt {
        step: "attach",
        typed: String::new(),
        code: "attached",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}

/// `POST /documents/{id}/attachment/remove`: removes the file from the latest version (in a
/// new draft when that version is approved).
pub async fn detach(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<DocumentId>,
    PageForm(form): PageForm<FileForm>,
) -> Response {
    let outcome = state
        .app
        .attach_document_file(&actor, id, form.version, Some(form.revision), None)
        .await
        .map(|_| ());
    let attempt = Attempt {
        step: "attach",
        typed: String::new(),
        code: "detached",
    };
    answer(&state, &context, &actor, id, attempt, outcome).await
}
