//! Documented information: documents, their versions and lifecycle, acknowledgements, starter
//! templates and who may approve.

use aims_app::domain::document::{
    DiffLine, Document, DocumentContent, DocumentSettings, DocumentVersion, templates,
};
use aims_app::domain::evidence::Target;
use aims_app::domain::{DocumentId, Role, Timestamp, UserId, ValidationError};
use aims_app::{DocumentFilter, DocumentInput, DocumentRecord};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::form_values::{invalid, require_revision};
use super::{Body, Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A document as written: its content (which is versioned) and its settings.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DocumentForm {
    /// `policy`, `procedure`, `plan`, `record_template` or `other`.
    pub kind: String,
    pub title: String,
    /// Markdown; shown without raw HTML, with web and mail links only.
    #[serde(default)]
    pub body: String,
    /// What the document serves: `{kind, id}` with kind `requirement`
    /// (`iso-iec-42001:5.2`), `control` (`A.2.2`), `system` or `risk`.
    #[serde(default)]
    #[schema(value_type = Vec<Object>)]
    pub serves: Vec<Target>,
    /// The owner's user id.
    pub owner: Option<String>,
    /// Months from approval to the next review, 1 to 36 (12 if left out).
    pub review_months: Option<u32>,
    /// Roles whose members are asked to confirm they read the version in force.
    #[serde(default)]
    pub acknowledge_roles: Vec<String>,
    /// For a change: the version the change starts from (the latest).
    pub version: Option<i64>,
    /// For a change (required): the document's `revision` the change starts from, so that a
    /// change someone saved meanwhile (to the same draft too) makes this one fail with 409.
    pub revision: Option<i64>,
}

impl DocumentForm {
    /// The input of the form, each choice and id checked and named when wrong.
    pub fn input(self) -> Result<DocumentInput, ValidationError> {
        let owner = match self.owner.as_deref().map(str::trim) {
            None | Some("") => None,
            Some(text) => Some(text.parse::<UserId>().map_err(|_| {
                ValidationError::new("owner", format!("{text:?} is not a user id"))
            })?),
        };
        Ok(DocumentInput {
            content: DocumentContent {
                kind: Some(self.kind.parse()?),
                title: self.title,
                body: self.body,
                serves: self.serves,
                attachment: None,
            },
            settings: DocumentSettings {
                owner,
                review_months: self
                    .review_months
                    .unwrap_or(aims_app::domain::document::DEFAULT_REVIEW_MONTHS),
                acknowledge_roles: self
                    .acknowledge_roles
                    .iter()
                    .map(|r| {
                        r.parse::<Role>()
                            .map_err(|e| ValidationError::new("acknowledge_roles", e.message))
                    })
                    .collect::<Result<_, _>>()?,
            },
            revision: self.revision,
        })
    }
}

/// One version of a document.
#[derive(Serialize, ToSchema)]
pub struct VersionView {
    pub version: i64,
    /// `draft`, `in_review`, `approved`, `superseded` or `retired`.
    pub status: String,
    pub kind: String,
    pub title: String,
    pub body: String,
    /// `kind:id` of everything it serves.
    pub serves: Vec<String>,
    pub author: String,
    pub saved_at: String,
    pub submitted_by: Option<String>,
    pub submitted_at: Option<String>,
    pub approved_by: Option<String>,
    pub approved_at: Option<String>,
    pub approval_comment: Option<String>,
    /// SHA-256 of the approved content, recomputable as the API documentation says.
    pub sha256: Option<String>,
    /// The attached file, if any; its bytes at
    /// `/api/v1/documents/{id}/versions/{version}/attachment`.
    pub attachment: Option<AttachmentView>,
}

/// A file attached to a version.
#[derive(Serialize, ToSchema)]
pub struct AttachmentView {
    pub file_name: String,
    pub media_type: String,
    pub size: i64,
    /// SHA-256 of the bytes, which the version's fingerprint covers.
    pub sha256: String,
}

fn version_view(v: DocumentVersion) -> VersionView {
    VersionView {
        version: v.version,
        status: v.status.as_str().into(),
        kind: v.content.kind().as_str().into(),
        serves: v
            .content
            .serves
            .iter()
            .map(|t| format!("{}:{}", t.kind, t.id))
            .collect(),
        title: v.content.title,
        body: v.content.body,
        author: v.author_label,
        saved_at: v.saved_at.to_string(),
        submitted_by: v.submitted.as_ref().map(|(by, _)| by.clone()),
        submitted_at: v.submitted.map(|(_, at)| at.to_string()),
        approved_by: v.approval.as_ref().map(|a| a.by_label.clone()),
        approved_at: v.approval.as_ref().map(|a| a.at.to_string()),
        approval_comment: v.approval.map(|a| a.comment),
        sha256: v.sha256,
        attachment: v.content.attachment.map(|f| AttachmentView {
            file_name: f.file_name,
            media_type: f.media_type,
            size: f.size,
            sha256: f.sha256,
        }),
    }
}

/// A member asked to confirm they read the version in force.
#[derive(Serialize, ToSchema)]
pub struct AcknowledgementView {
    pub user: String,
    pub email: String,
    pub role: String,
    pub acknowledged_at: Option<String>,
}

/// A document: where it stands, its settings and, on its own page, its versions.
#[derive(Serialize, ToSchema)]
pub struct DocumentView {
    pub id: String,
    pub kind: String,
    pub title: String,
    /// `draft`, `in_review`, `approved` or `retired` (the newest version's, or retired).
    pub status: String,
    pub owner: Option<String>,
    pub template: Option<String>,
    pub review_months: u32,
    pub acknowledge_roles: Vec<String>,
    pub latest_version: i64,
    /// The version in force.
    pub approved_version: Option<i64>,
    pub next_review: Option<String>,
    pub review_overdue: bool,
    pub retired_at: Option<String>,
    pub retired_reason: Option<String>,
    pub updated_at: String,
    /// Counts changes; send it back with a change to have a concurrent one refused.
    pub revision: i64,
    /// Newest first; only on a single document.
    pub versions: Vec<VersionView>,
    /// Only on a single document.
    pub acknowledgements: Vec<AcknowledgementView>,
}

/// The API's view of a document, without its versions.
pub fn view(d: Document, now: Timestamp) -> DocumentView {
    DocumentView {
        id: d.id.to_string(),
        kind: d.kind.as_str().into(),
        title: d.title.clone(),
        status: d.status().as_str().into(),
        owner: d.settings.owner.map(|u| u.to_string()),
        template: d.template.clone(),
        review_months: d.settings.review_months,
        acknowledge_roles: d
            .settings
            .acknowledge_roles
            .iter()
            .map(|r| r.as_str().to_owned())
            .collect(),
        latest_version: d.latest,
        approved_version: d.approved,
        next_review: d.next_review.map(|t| t.to_string()),
        review_overdue: d.review_overdue(now),
        retired_at: d.retired.as_ref().map(|(_, at, _)| at.to_string()),
        retired_reason: d.retired.map(|(_, _, reason)| reason),
        updated_at: d.updated_at.to_string(),
        revision: d.revision,
        versions: Vec::new(),
        acknowledgements: Vec::new(),
    }
}

fn record_view(r: DocumentRecord, now: Timestamp) -> DocumentView {
    DocumentView {
        versions: r.versions.into_iter().map(version_view).collect(),
        acknowledgements: r
            .acknowledgements
            .into_iter()
            .map(|a| AcknowledgementView {
                user: a.user.to_string(),
                email: a.email,
                role: a.role.as_str().into(),
                acknowledged_at: a.at.map(|t| t.to_string()),
            })
            .collect(),
        ..view(r.document, now)
    }
}

/// Which documents to list.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct DocumentParams {
    /// `policy`, `procedure`, `plan`, `record_template` or `other`.
    pub kind: Option<String>,
    /// `draft`, `in_review`, `approved`, `superseded` or `retired`.
    pub status: Option<String>,
    /// Only those whose review date has passed.
    pub overdue: Option<bool>,
    /// Only those this user id owns.
    pub owner: Option<String>,
    /// 1 to 500 (default 100).
    pub limit: Option<i64>,
    pub offset: Option<i64>,
}

/// The text of an optional parameter, unless it is blank.
fn given(s: &Option<String>) -> Option<&str> {
    s.as_deref().map(str::trim).filter(|s| !s.is_empty())
}

impl DocumentParams {
    fn filter(&self) -> Result<DocumentFilter, ValidationError> {
        Ok(DocumentFilter {
            kind: given(&self.kind).map(str::parse).transpose()?,
            status: given(&self.status).map(str::parse).transpose()?,
            overdue: self.overdue.unwrap_or(false),
            owner: given(&self.owner)
                .map(|o| {
                    o.parse::<UserId>().map_err(|_| {
                        ValidationError::new("owner", format!("{o:?} is not a user id"))
                    })
                })
                .transpose()?,
        })
    }
}

/// One page of documents.
#[derive(Serialize, ToSchema)]
pub struct DocumentPageView {
    pub documents: Vec<DocumentView>,
    pub total: i64,
    pub limit: i64,
    pub offset: i64,
}

/// The documents, most recently changed first, filtered.
#[utoipa::path(get, path = "/api/v1/documents", tag = "documents", params(DocumentParams), responses(
    (status = 200, body = DocumentPageView), (status = 422, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<DocumentParams>,
) -> Result<Json<DocumentPageView>, ApiError> {
    state
        .app
        .authorize(&actor, aims_app::domain::Permission::ReadOrganisation)?;
    let filter = params.filter().map_err(invalid)?;
    let (limit, offset) = super::form_values::page(params.limit, params.offset)?;
    let (list, total) = state
        .app
        .document_list(&actor, &filter, limit, offset)
        .await?;
    let now = state.app.now();
    Ok(Json(DocumentPageView {
        documents: list.into_iter().map(|d| view(d, now)).collect(),
        total,
        limit,
        offset,
    }))
}

/// Creates a document with a first draft version (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/documents", tag = "documents", request_body = DocumentForm, responses(
    (status = 201, body = DocumentView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn create(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<DocumentForm>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let input = form.input().map_err(invalid)?;
    let created = state.app.create_document(&actor, input).await?;
    Ok((StatusCode::CREATED, Json(view(created, state.app.now()))))
}

/// A starter template.
#[derive(Serialize, ToSchema)]
pub struct TemplateView {
    pub key: String,
    /// The ISO/IEC 42001 clause it answers.
    pub clause: String,
    /// The documented information the clause asks for, that it answers.
    pub documented_information: String,
    pub kind: String,
    pub title: String,
    pub body: String,
}

/// The starter templates for the documented information ISO/IEC 42001 requires.
#[utoipa::path(get, path = "/api/v1/document-templates", tag = "documents", responses(
    (status = 200, body = Vec<TemplateView>), (status = 401, body = Problem),
))]
pub async fn templates_list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<TemplateView>>, ApiError> {
    state
        .app
        .authorize(&actor, aims_app::domain::Permission::ReadOrganisation)?;
    Ok(Json(
        templates::STARTER_TEMPLATES
            .iter()
            .map(|t| TemplateView {
                key: t.key.into(),
                clause: t.clause.into(),
                documented_information: t.documented_information.into(),
                kind: t.kind.as_str().into(),
                title: t.title.into(),
                body: t.body.into(),
            })
            .collect(),
    ))
}

/// A document to start from a template.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FromTemplateForm {
    pub template: String,
    /// The owner's user id.
    pub owner: Option<String>,
}

/// Creates a draft document from a starter template, serving its clause (owner, admin, editor).
#[utoipa::path(post, path = "/api/v1/document-templates/use", tag = "documents", request_body = FromTemplateForm, responses(
    (status = 201, body = DocumentView), (status = 403, body = Problem), (status = 422, body = Problem),
))]
pub async fn from_template(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Body(form): Body<FromTemplateForm>,
) -> Result<(StatusCode, Json<DocumentView>), ApiError> {
    let owner = match form.owner.as_deref().map(str::trim) {
        None | Some("") => None,
        Some(text) => Some(text.parse::<UserId>().map_err(|_| {
            invalid(ValidationError::new(
                "owner",
                format!("{text:?} is not a user id"),
            ))
        })?),
    };
    let created = state
        .app
        .create_document_from_template(&actor, &form.template, owner)
        .await?;
    Ok((StatusCode::CREATED, Json(view(created, state.app.now()))))
}

/// A document with its versions and who acknowledged the version in force.
#[utoipa::path(get, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = String, Path)), responses(
    (status = 200, body = DocumentView), (status = 404, body = Problem),
))]
pub async fn show(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<DocumentId>,
) -> Result<Json<DocumentView>, ApiError> {
    let record = state.app.document(&actor, id).await?;
    Ok(Json(record_view(record, state.app.now())))
}

/// Saves a change started from `version` and `revision` (owner, admin, editor): new content
/// goes into the draft, or into a new draft when the latest version is approved; 409 when
/// `version` is not the latest or is in review, or the document changed since `revision`.
#[utoipa::path(put, path = "/api/v1/documents/{id}", tag = "documents", params(("id" = String, Path)),
    request_body = DocumentForm, responses(
    (status = 200, body = DocumentView), (status = 404, body = Problem), (status = 409, body = Problem),
    (status = 422, body = Problem),
))]
pub async fn save(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<DocumentId>,
    Body(form): Body<DocumentForm>,
) -> Result<Json<DocumentView>, ApiError> {
    let Some(base) = form.version else {
        return Err(invalid(ValidationError::new(
            "version",
            "give the version the change starts from",
        )));
    };
    require_revision(form.revision)?;
    let input = form.input().map_err(invalid)?;
    let saved = state.app.save_document(&actor, id, base, input).await?;
    Ok(Json(view(saved, state.app.now())))
}

/// The two versions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct DiffParams {
    pub from: i64,
    pub to: i64,
}

/// A field that differs.
#[derive(Serialize, ToSchema)]
pub struct FieldChangeView {
    pub field: String,
    pub before: String,
    pub after: String,
}

/// One body line: `same`, `added` or `removed`.
#[derive(Serialize, ToSchema)]
pub struct LineView {
    pub change: String,
    pub text: String,
}

/// What changed between two versions.
#[derive(Serialize, ToSchema)]
pub struct DiffView {
    pub fields: Vec<FieldChangeView>,
    pub lines: Vec<LineView>,
}

/// What changed between two versions: fields, and the body line by line.
#[utoipa::path(get, path = "/api/v1/documents/{id}/diff", tag = "documents",
    params(("id" = String, Path), DiffParams), responses(
    (status = 200, body = DiffView), (status = 404, body = Problem),
))]
pub async fn diff(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<DocumentId>,
    Params(params): Params<DiffParams>,
) -> Result<Json<DiffView>, ApiError> {
    let diff = state
        .app
        .compare_document_versions(&actor, id, params.from, params.to)
        .await?;
    Ok(Json(diff_view(diff)))
}

/// The API's view of a comparison of two versions (of a document or of the context).
pub fn diff_view(diff: aims_app::domain::document::DocumentDiff) -> DiffView {
    DiffView {
        fields: diff
            .fields
            .into_iter()
            .map(|f| FieldChangeView {
                field: f.field.into(),
                before: f.before,
                after: f.after,
            })
            .collect(),
        lines: diff
            .lines
            .into_iter()
            .map(|l| {
                let (change, text) = match l {
                    DiffLine::Same(t) => ("same", t),
                    DiffLine::Added(t) => ("added", t),
                    DiffLine::Removed(t) => ("removed", t),
                };
                LineView {
                    change: change.into(),
                    text,
                }
            })
            .collect(),
    }
}
