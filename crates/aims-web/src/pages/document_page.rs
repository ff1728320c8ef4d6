//! One document's pages: the document as it stands (the version in force, the draft on its
//! way, the steps of its lifecycle the reader may take, who has read it, its versions), and
//! one version on its own.

use aims_app::domain::document::templates::{StarterTemplate, starter_template};
use aims_app::domain::document::{Document, DocumentStatus, DocumentVersion};
use aims_app::domain::{Actor, DocumentId, Permission, Role, Timestamp};
use aims_app::{AppError, DocumentRecord, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::document_form::{Served, served};
use super::{Chrome, FormProblem, PageId, app_error_page, render};
use crate::identity::PageMember;
use crate::markdown;
use crate::state::WebState;

/// A member asked to confirm they read the version in force.
pub struct AckRow {
    pub name: String,
    pub role: Role,
    pub at: Option<Timestamp>,
}

#[derive(Template)]
#[template(path = "document.html")]
struct DocumentPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    d: Document,
    /// Newest first.
    versions: Vec<DocumentVersion>,
    /// The version read as the document: the one in force, or the latest when none is.
    shown: DocumentVersion,
    shown_html: String,
    /// The latest version, when it is not the one in force (a draft or one in review).
    pending: Option<DocumentVersion>,
    pending_html: String,
    latest: DocumentVersion,
    serves: Vec<Served>,
    owner_name: Option<String>,
    template: Option<&'static StarterTemplate>,
    overdue: bool,
    acks: Vec<AckRow>,
    acked: usize,
    can_edit: bool,
    can_submit: bool,
    can_return: bool,
    can_approve: bool,
    /// An approver who wrote the version in review, told why they may not approve it.
    own_version: bool,
    can_retire: bool,
    can_acknowledge: bool,
    /// When the reader confirmed reading the version in force, if they are asked to and did.
    acknowledged_at: Option<Timestamp>,
    /// The roles that approve, in words (`owners and admins`).
    approvers: String,
    compare_from: i64,
    problem: FormProblem,
    step: &'static str,
    typed: String,
}

impl DocumentPage {
    /// Whether the latest version waits for an approver.
    fn in_review_shown(&self) -> bool {
        self.latest.status == DocumentStatus::InReview && self.d.retired.is_none()
    }
}

/// What the page shows besides the document: a notice, or the lifecycle form that was refused
/// with what was typed in it.
#[derive(Default)]
pub struct Shown {
    pub notice: Option<String>,
    pub problem: FormProblem,
    /// The form the problem is about: `submit`, `approve`, `return`, `retire` or `acknowledge`.
    pub step: &'static str,
    /// The comment or reason as typed.
    pub typed: String,
}

/// Roles as words for a sentence: `owners, admins and editors`.
fn roles_in_words(roles: &[Role]) -> String {
    let words: Vec<String> = roles
        .iter()
        .map(|r| format!("{}s", r.label().to_lowercase()))
        .collect();
    match words.split_last() {
        None => "nobody".into(),
        Some((last, [])) => last.clone(),
        Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
    }
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "The draft was created: write it, then send it for review.",
            "saved" => "Your changes were saved.",
            "submitted" => "The version was sent for review.",
            "approved" => "The version was approved and is now in force.",
            "returned" => "The version was returned to draft.",
            "retired" => "The document was retired.",
            "acknowledged" => "Your confirmation that you read it was recorded.",
            "attached" => "The file was attached to the latest version.",
            "detached" => "The file was removed from the latest version.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// The `done` code of the page.
#[derive(Deserialize, Default)]
pub struct DocumentQuery {
    done: Option<String>,
}

/// The record's newest version; a document always has one.
pub fn latest_of(record: &DocumentRecord) -> Result<DocumentVersion, AppError> {
    record
        .latest()
        .cloned()
        .ok_or(AppError::NotFound("document version"))
}

/// The document page for `id`, with `shown`.
pub async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: DocumentId,
    shown: Shown,
) -> Response {
    let loaded = async {
        let record = state.app.document(actor, id).await?;
        let latest = latest_of(&record)?;
        let members = state.app.members(actor).await?;
        let current = record.in_force().cloned().unwrap_or_else(|| latest.clone());
        let serves = served(state, actor, &current.content.serves).await?;
        Ok::<_, AppError>((record, latest, current, members, serves))
    };
    let (record, latest, current, members, serves) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let name_of = |user| {
        members
            .iter()
            .find(|m| m.user == user)
            .map(|m| m.display_name.clone())
    };
    let d = record.document.clone();
    let me = actor.user();
    let retired = d.retired.is_some();
    let editor = actor.role.grants(Permission::EditContent);
    let approver = record.approver_roles.contains(&actor.role);
    let in_review = latest.status == DocumentStatus::InReview && !retired;
    let author = me.is_some() && latest.author == me;
    let acks: Vec<AckRow> = record
        .acknowledgements
        .iter()
        .map(|a| AckRow {
            name: name_of(a.user).unwrap_or_else(|| a.email.clone()),
            role: a.role,
            at: a.at,
        })
        .collect();
    let mine = record.acknowledgements.iter().find(|a| me == Some(a.user));
    let pending =
        (record.in_force().is_some() && latest.version != current.version).then(|| latest.clone());
    let compare_from = match &pending {
        Some(_) => current.version,
        None => record.versions.get(1).map_or(latest.version, |v| v.version),
    };
    let status = shown.problem.status();
    render(
        status,
        &DocumentPage {
            chrome: Some(Chrome::new(context, "documents")),
            notice: shown.notice,
            shown_html: markdown::render(&current.content.body),
            pending_html: pending
                .as_ref()
                .map(|p| markdown::render(&p.content.body))
                .unwrap_or_default(),
            owner_name: d
                .settings
                .owner
                .map(|o| name_of(o).unwrap_or_else(|| "a former member".into())),
            template: d.template.as_deref().and_then(starter_template),
            overdue: d.review_overdue(state.app.now()),
            acked: acks.iter().filter(|a| a.at.is_some()).count(),
            acks,
            can_edit: editor && !retired && latest.status != DocumentStatus::InReview,
            can_submit: editor && !retired && latest.status == DocumentStatus::Draft,
            can_return: (editor || approver) && in_review,
            can_approve: approver && in_review && !author,
            own_version: approver && in_review && author,
            can_retire: approver && !retired,
            can_acknowledge: !retired && mine.is_some_and(|a| a.at.is_none()),
            acknowledged_at: mine.and_then(|a| a.at),
            approvers: roles_in_words(&record.approver_roles),
            compare_from,
            serves,
            pending,
            shown: current,
            latest,
            versions: record.versions,
            d,
            problem: shown.problem,
            step: shown.step,
            typed: shown.typed,
        },
    )
}

/// `GET /documents/{id}`.
pub async fn document_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<DocumentId>,
    Query(q): Query<DocumentQuery>,
) -> Response {
    let shown = Shown {
        notice: notice(q.done.as_deref()),
        ..Default::default()
    };
    page_view(&state, &context, &actor, id, shown).await
}

#[derive(Template)]
#[template(path = "document_version.html")]
struct VersionPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    d: Document,
    v: DocumentVersion,
    html: String,
    serves: Vec<Served>,
}

impl VersionPage {
    /// Whether this is the version in force.
    fn in_force(&self) -> bool {
        self.d.approved == Some(self.v.version) && self.d.retired.is_none()
    }
}

/// `GET /documents/{id}/versions/{version}`: one version, read-only.
pub async fn version_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId((id, version)): PageId<(DocumentId, i64)>,
) -> Response {
    let loaded = async {
        let record = state.app.document(&actor, id).await?;
        let v = record
            .versions
            .iter()
            .find(|v| v.version == version)
            .cloned()
            .ok_or(AppError::NotFound("document version"))?;
        let serves = served(&state, &actor, &v.content.serves).await?;
        Ok::<_, AppError>((record.document, v, serves))
    };
    match loaded.await {
        Ok((d, v, serves)) => render(
            StatusCode::OK,
            &VersionPage {
                chrome: Some(Chrome::new(&context, "documents")),
                notice: None,
                html: markdown::render(&v.content.body),
                d,
                v,
                serves,
            },
        ),
        Err(err) => app_error_page(err),
    }
}

/// `GET /documents/{id}/versions/{version}/attachment`: the version's attached file as a
/// download, checked against its SHA-256.
pub async fn attachment(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId((id, version)): PageId<(DocumentId, i64)>,
) -> Response {
    match crate::downloads::document_file(&state.app, &actor, id, version).await {
        Ok(response) => response,
        Err(err) => app_error_page(err),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn approver_roles_read_as_a_phrase() {
        assert_eq!(roles_in_words(&[Role::Owner]), "owners");
        assert_eq!(
            roles_in_words(&[Role::Owner, Role::Admin, Role::Editor]),
            "owners, admins and editors"
        );
    }
}
