//! The organisation's own frameworks and crosswalks (import, list, delete), and the comparison
//! of two versions of a framework with what the change touches.

use aims_app::catalog::{ImportFormat, ImportOptions};
use aims_app::{FrameworkImport, TouchedItem};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use super::frameworks::ItemView;
use super::{Body, Id, Params};
use crate::allowed::{Allowed, ManageOrganisation};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// A document to import as a framework or crosswalk of the organisation.
#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct FrameworkImportForm {
    /// The file's name; a `.csv` name reads the document as CSV.
    pub file_name: String,
    /// The document itself: an OSCAL catalog or mapping collection (JSON), aims YAML, or CSV.
    pub document: String,
    /// `oscal-catalog`, `oscal-mapping-collection`, `yaml` or `csv`; told from the document
    /// when absent.
    pub format: Option<String>,
    /// The id (lower-case letters, digits, hyphens): a CSV framework needs one; for any other
    /// document it replaces the document's own.
    pub id: Option<String>,
    /// The title: a CSV framework needs one; for any other it replaces the document's own.
    pub title: Option<String>,
    /// The version (a CSV framework's defaults to 1); for any other catalogue it replaces the
    /// document's own, so that a changed copy of a loaded framework sits beside it.
    pub version: Option<String>,
    /// For a mapping collection whose resource links name no loaded catalogue: its source.
    pub source: Option<String>,
    /// And its target.
    pub target: Option<String>,
}

/// What an import added.
#[derive(Serialize, ToSchema)]
pub struct ImportedFrameworkView {
    /// A catalogue's `id@version`, or a crosswalk's id.
    pub key: String,
    /// `catalogue` or `crosswalk`.
    pub kind: String,
    /// The title it gives itself.
    pub title: String,
    /// The form it was read as.
    pub format: String,
    /// Items of a catalogue; mappings and gaps of a crosswalk.
    pub entries: usize,
}

/// One import of the organisation, without its document.
#[derive(Serialize, ToSchema)]
pub struct CustomFrameworkView {
    /// A catalogue's `id@version`, or a crosswalk's id.
    pub key: String,
    /// `catalogue` or `crosswalk`.
    pub kind: String,
    pub title: String,
    /// The form it was read as.
    pub format: String,
    /// The name of the file it came from.
    pub file_name: String,
    /// SHA-256 of the document, in hex.
    pub sha256: String,
    /// When, RFC 3339.
    pub imported_at: String,
    /// Who.
    pub imported_by: String,
}

/// The framework or crosswalk to read the document as.
fn format_of(name: &str) -> Result<ImportFormat, ApiError> {
    name.parse().map_err(|message: String| {
        aims_app::AppError::Invalid(aims_app::domain::ValidationError::new("format", message))
            .into()
    })
}

/// Imports a framework or crosswalk of the organisation's own (owner, admin): all or nothing.
#[utoipa::path(post, path = "/api/v1/frameworks/imports", tag = "frameworks", request_body = FrameworkImportForm, responses(
    (status = 201, body = ImportedFrameworkView), (status = 403, body = Problem), (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn import(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Body(form): Body<FrameworkImportForm>,
) -> Result<(StatusCode, Json<ImportedFrameworkView>), ApiError> {
    let format = form.format.as_deref().map(format_of).transpose()?;
    let imported = state
        .app
        .import_framework(
            &actor,
            FrameworkImport {
                file_name: form.file_name,
                document: form.document,
                format,
                options: ImportOptions {
                    id: form.id,
                    title: form.title,
                    version: form.version,
                    source: form.source,
                    target: form.target,
                },
            },
        )
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(ImportedFrameworkView {
            key: imported.key,
            kind: imported.kind.into(),
            title: imported.title,
            format: imported.format.as_str().into(),
            entries: imported.entries,
        }),
    ))
}

/// The organisation's imported frameworks and crosswalks.
#[utoipa::path(get, path = "/api/v1/frameworks/imports", tag = "frameworks", operation_id = "list_imports", responses(
    (status = 200, body = Vec<CustomFrameworkView>), (status = 401, body = Problem),
))]
pub async fn list(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
) -> Result<Json<Vec<CustomFrameworkView>>, ApiError> {
    let all = state.app.custom_frameworks(&actor).await?;
    Ok(Json(
        all.into_iter()
            .map(|c| CustomFrameworkView {
                key: c.key,
                kind: c.kind,
                title: c.title,
                format: c.format,
                file_name: c.file_name,
                sha256: c.sha256,
                imported_at: c.imported_at.to_string(),
                imported_by: c.imported_by,
            })
            .collect(),
    ))
}

/// Deletes an imported framework (with the texts attached to it) or crosswalk (owner, admin).
#[utoipa::path(delete, path = "/api/v1/frameworks/imports/{key}", tag = "frameworks", params(("key" = String, Path, description = "id@version of a catalogue, or a crosswalk's id")), responses(
    (status = 204, description = "Deleted"), (status = 403, body = Problem), (status = 404, body = Problem), (status = 409, body = Problem),
))]
pub async fn delete(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<ManageOrganisation>,
    Id(key): Id<String>,
) -> Result<StatusCode, ApiError> {
    state.app.delete_custom_framework(&actor, &key).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// The two versions to compare.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct CompareParams {
    /// The older version: `id@version`.
    pub old: String,
    /// The newer version: `id@version`.
    pub new: String,
}

/// An item whose title, description, place or requirement flag changed.
#[derive(Serialize, ToSchema)]
pub struct ChangedItemView {
    pub id: String,
    /// What changed: `renamed`, `reworded`, `moved`, `requirement`.
    pub what: Vec<String>,
    pub old: ItemView,
    pub new: ItemView,
}

/// Obligations recorded under one requirement of a touched article.
#[derive(Serialize, ToSchema)]
pub struct TouchedObligationView {
    pub requirement: String,
    /// On how many systems.
    pub systems: i64,
}

/// A changed or removed item and the organisation's records it touches.
#[derive(Serialize, ToSchema)]
pub struct TouchedItemView {
    pub id: String,
    pub change: String,
    /// For an Annex A control: whether its SoA row is applicable, its status, its risks.
    pub applicable: Option<bool>,
    pub status: Option<String>,
    pub risks: Vec<String>,
    /// Obligations recorded under the item (EU AI Act).
    pub obligations: Vec<TouchedObligationView>,
    /// Evidence naming the item.
    pub evidence: usize,
}

impl From<TouchedItem> for TouchedItemView {
    fn from(t: TouchedItem) -> Self {
        Self {
            id: t.id,
            change: t.change,
            applicable: t.soa.as_ref().map(|r| r.applicable),
            status: t.soa.as_ref().map(|r| r.status.clone()),
            risks: t.soa.map(|r| r.risks).unwrap_or_default(),
            obligations: t
                .obligations
                .into_iter()
                .map(|o| TouchedObligationView {
                    requirement: o.requirement,
                    systems: o.systems,
                })
                .collect(),
            evidence: t.evidence,
        }
    }
}

/// What changed from one version of a framework to another.
#[derive(Serialize, ToSchema)]
pub struct FrameworkDiffView {
    pub old: String,
    pub new: String,
    pub added: Vec<ItemView>,
    pub removed: Vec<ItemView>,
    pub changed: Vec<ChangedItemView>,
    /// The organisation's records the change touches.
    pub touched: Vec<TouchedItemView>,
}

/// Compares two versions of a framework (shipped or imported) and names what it touches.
#[utoipa::path(get, path = "/api/v1/frameworks/compare", tag = "frameworks", params(CompareParams), responses(
    (status = 200, body = FrameworkDiffView), (status = 422, body = Problem),
))]
pub async fn compare(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Params(params): Params<CompareParams>,
) -> Result<Json<FrameworkDiffView>, ApiError> {
    let (old, new, diff) = state
        .app
        .compare_frameworks(&actor, &params.old, &params.new)
        .await?;
    let touched = state
        .app
        .catalogue_change_impact(&actor, &new.framework.id, &diff)
        .await?;
    Ok(Json(FrameworkDiffView {
        old: old.key(),
        new: new.key(),
        added: diff.added.iter().map(ItemView::from).collect(),
        removed: diff.removed.iter().map(ItemView::from).collect(),
        changed: diff
            .changed
            .iter()
            .map(|c| ChangedItemView {
                id: c.id.clone(),
                what: c.what().into_iter().map(str::to_owned).collect(),
                old: (&c.old).into(),
                new: (&c.new).into(),
            })
            .collect(),
        touched: touched.into_iter().map(TouchedItemView::from).collect(),
    }))
}
