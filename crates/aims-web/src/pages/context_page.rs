//! The context and scope page (ISO/IEC 42001 4.1–4.4): the version in force and the working
//! draft, the systems in and out of scope, what happens next (send for review, approve with
//! four eyes, return to draft), the version history; one version's page; and the comparison
//! of two versions.

use aims_app::domain::context::{ContextStatus, ContextVersion};
use aims_app::domain::{Actor, Permission};
use aims_app::{AppError, ContextRecord, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::document_diff::{LineRow, line_rows};
use super::{Chrome, Done, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "context.html")]
struct ContextPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    record: ContextRecord,
    can_edit: bool,
    /// Holds a role that may approve (four eyes is the use case's to check).
    can_approve: bool,
    /// The person wrote the version waiting for review, so may not approve it.
    is_author: bool,
    problem: FormProblem,
}

impl ContextPage {
    fn in_force(&self) -> Option<&ContextVersion> {
        self.record.in_force()
    }

    /// The newer version beside the one in force: a draft or one in review.
    fn working(&self) -> Option<&ContextVersion> {
        self.record.working()
    }
}

async fn context_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<&str>,
    problem: FormProblem,
) -> Response {
    let record = match state.app.context(actor).await {
        Ok(record) => record,
        Err(err) => return app_error_page(err),
    };
    let is_author = record
        .working()
        .is_some_and(|v| v.author.is_some() && v.author == actor.user());
    render(
        problem.status(),
        &ContextPage {
            chrome: Some(Chrome::new(context, "context")),
            notice: notice.map(str::to_owned),
            can_edit: actor.role.grants(Permission::EditContent),
            can_approve: record.approver_roles.contains(&actor.role),
            is_author,
            record,
            problem,
        },
    )
}

/// `GET /context`.
pub async fn context_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("saved") => Some(
            "The draft was saved; the version in force, if any, stays in force until a new one is approved.",
        ),
        Some("submitted") => {
            Some("The draft was sent for review; those who may approve it were told.")
        }
        Some("approved") => Some("The version was approved and is now in force."),
        Some("returned") => Some("The version was returned to draft."),
        _ => None,
    };
    context_view(&state, &context, &actor, notice, FormProblem::default()).await
}

/// A lifecycle step as its forms post it.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct StepForm {
    version: String,
    comment: String,
}

/// `POST /context/{step}`: send for review, approve, or return to draft. A refusal (four
/// eyes, the climate rule, a role that may not approve) comes back on the page, in words.
pub async fn step(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(step): PageId<String>,
    PageForm(form): PageForm<StepForm>,
) -> Response {
    let Ok(version) = form.version.trim().parse::<i64>() else {
        return app_error_page(AppError::NotFound("context version"));
    };
    let app = &state.app;
    let (result, code) = match step.as_str() {
        "submit" => (app.submit_context(&actor, version).await, "submitted"),
        "approve" => (
            app.approve_context(&actor, version, &form.comment).await,
            "approved",
        ),
        "return" => (
            app.return_context(&actor, version, &form.comment).await,
            "returned",
        ),
        _ => return app_error_page(AppError::NotFound("step")),
    };
    match result {
        Ok(_) => done("/context", code),
        Err(AppError::Invalid(v)) => {
            let problem = FormProblem::general(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("{}: {}", field_words(v.field), v.message),
            );
            context_view(&state, &context, &actor, None, problem).await
        }
        Err(AppError::Conflict(message)) => {
            let problem = FormProblem::general(StatusCode::CONFLICT, message);
            context_view(&state, &context, &actor, None, problem).await
        }
        Err(other) => app_error_page(other),
    }
}

/// A field of the context in words, for a refusal of the whole version.
fn field_words(field: &str) -> &'static str {
    match field {
        "climate_statement" => "Climate change",
        "scope_statement" => "Scope statement",
        "boundaries" => "Boundaries",
        "issues" => "Issues",
        "parties" => "Interested parties",
        "ai_roles" => "AI roles",
        "comment" => "Comment",
        _ => "The version",
    }
}

#[derive(Template)]
#[template(path = "context_version.html")]
struct VersionPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    v: ContextVersion,
    latest: i64,
}

/// `GET /context/versions/{version}`.
pub async fn version_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(version): PageId<i64>,
) -> Response {
    let loaded = async {
        let v = state.app.context_version(&actor, version).await?;
        let latest = state
            .app
            .context(&actor)
            .await?
            .context
            .map_or(v.version, |c| c.latest);
        Ok::<_, AppError>((v, latest))
    };
    match loaded.await {
        Ok((v, latest)) => render(
            StatusCode::OK,
            &VersionPage {
                chrome: Some(Chrome::new(&context, "context")),
                notice: None,
                v,
                latest,
            },
        ),
        Err(err) => app_error_page(err),
    }
}

#[derive(Template)]
#[template(path = "context_diff.html")]
struct DiffPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    numbers: Vec<i64>,
    from: i64,
    to: i64,
    lines: Vec<LineRow>,
    added: usize,
    removed: usize,
}

/// The two versions to compare; left out, the one before the latest and the latest.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DiffQuery {
    from: String,
    to: String,
}

/// `GET /context/diff?from=&to=`.
pub async fn diff_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<DiffQuery>,
) -> Response {
    let number = |text: &str, default: i64| match text.trim() {
        "" => Ok(default),
        n => n.parse().map_err(|_| AppError::NotFound("context version")),
    };
    let loaded = async {
        let record = state.app.context(&actor).await?;
        let numbers: Vec<i64> = record.versions.iter().map(|v| v.version).collect();
        let latest = numbers.first().copied().unwrap_or(1);
        let before = numbers.get(1).copied().unwrap_or(latest);
        let (from, to) = (number(&q.from, before)?, number(&q.to, latest)?);
        let diff = state.app.compare_context_versions(&actor, from, to).await?;
        Ok::<_, AppError>((numbers, from, to, diff))
    };
    let (numbers, from, to, diff) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let (added, removed) = diff.counts();
    render(
        StatusCode::OK,
        &DiffPage {
            chrome: Some(Chrome::new(&context, "context")),
            notice: None,
            numbers,
            from,
            to,
            lines: line_rows(diff.lines),
            added,
            removed,
        },
    )
}

/// Whether a version waits for review: what the page's step forms turn on.
pub fn in_review(v: &ContextVersion) -> bool {
    v.status == ContextStatus::InReview
}
