//! The file attached to a document version: uploaded into the draft, removed from it, and
//! downloaded from any version, checked against its SHA-256.

use aims_app::AppError;
use aims_app::Upload;
use aims_app::domain::{DocumentId, Permission, ValidationError};
use axum::Json;
use axum::extract::multipart::MultipartRejection;
use axum::extract::{Multipart, State};
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;

use super::documents::{DocumentView, view};
use super::form_values::{invalid, require_revision};
use super::{Id, Params};
use crate::allowed::{Allowed, Edit};
use crate::error::{ApiError, Problem};
use crate::identity::ApiActor;
use crate::state::WebState;

/// What an upload carries besides the file: where the change starts from.
#[derive(Default)]
struct Starting {
    version: Option<i64>,
    revision: Option<i64>,
}

/// A whole number from a text part, naming the part when it is not one.
fn number(field: &'static str, text: &str) -> Result<i64, ApiError> {
    text.trim()
        .parse()
        .map_err(|_| invalid(ValidationError::new(field, "must be a whole number")))
}

/// Reads the parts `version`, `revision` and `file` of an upload.
async fn read_upload(mut multipart: Multipart) -> Result<(Starting, Upload), ApiError> {
    let bad =
        |e: axum::extract::multipart::MultipartError| ApiError::new(e.status(), e.body_text());
    let (mut starting, mut upload) = (Starting::default(), None);
    while let Some(field) = multipart.next_field().await.map_err(bad)? {
        match field.name() {
            Some("version") => {
                starting.version = Some(number("version", &field.text().await.map_err(bad)?)?);
            }
            Some("revision") => {
                starting.revision = Some(number("revision", &field.text().await.map_err(bad)?)?);
            }
            Some("file") => {
                let file_name = field.file_name().unwrap_or_default().to_owned();
                let bytes = field.bytes().await.map_err(bad)?;
                upload = Some(Upload {
                    file_name,
                    bytes: bytes.to_vec(),
                });
            }
            _ => {}
        }
    }
    let upload = upload.ok_or_else(|| {
        invalid(ValidationError::new(
            "file",
            "send the file as a `file` part",
        ))
    })?;
    Ok((starting, upload))
}

/// The version a change starts from, which it must give.
fn require_version(version: Option<i64>) -> Result<i64, ApiError> {
    version.ok_or_else(|| {
        invalid(ValidationError::new(
            "version",
            "give the version the change starts from",
        ))
    })
}

/// Attaches a file to the latest version (owner, admin, editor): multipart with the parts
/// `version` (the latest version), `revision` (the document's) and `file`. An approved version
/// is left as it is: the file goes into a new draft. Replaces a file attached before.
#[utoipa::path(put, path = "/api/v1/documents/{id}/attachment", tag = "documents", params(("id" = String, Path)),
    request_body(content = Object, content_type = "multipart/form-data"), responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 413, body = Problem), (status = 422, body = Problem),
))]
pub async fn attach(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id(id): Id<DocumentId>,
    multipart: Result<Multipart, MultipartRejection>,
) -> Result<Json<DocumentView>, ApiError> {
    // Permission first: a caller who may not change documents learns nothing from the body.
    actor
        .require(Permission::EditContent)
        .map_err(AppError::from)?;
    let multipart = multipart.map_err(|r| ApiError::new(r.status(), r.body_text()))?;
    let (starting, upload) = read_upload(multipart).await?;
    let base = require_version(starting.version)?;
    let revision = require_revision(starting.revision)?;
    let saved = state
        .app
        .attach_document_file(&actor, id, base, Some(revision), Some(upload))
        .await?;
    Ok(Json(view(saved, state.app.now())))
}

/// Where a removal starts from.
#[derive(Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct StartingParams {
    /// The latest version.
    pub version: i64,
    /// The document's revision.
    pub revision: i64,
}

/// Removes the file attached to the latest version (owner, admin, editor); from an approved
/// version it is removed in a new draft, the approved one keeping it.
#[utoipa::path(delete, path = "/api/v1/documents/{id}/attachment", tag = "documents",
    params(("id" = String, Path), StartingParams), responses(
    (status = 200, body = DocumentView), (status = 403, body = Problem), (status = 404, body = Problem),
    (status = 409, body = Problem), (status = 422, body = Problem),
))]
pub async fn remove(
    State(state): State<WebState>,
    Allowed(actor, _): Allowed<Edit>,
    Id(id): Id<DocumentId>,
    Params(params): Params<StartingParams>,
) -> Result<Json<DocumentView>, ApiError> {
    let saved = state
        .app
        .attach_document_file(&actor, id, params.version, Some(params.revision), None)
        .await?;
    Ok(Json(view(saved, state.app.now())))
}

/// Downloads the file attached to a version, after checking it against its SHA-256 (sent in
/// the header `x-file-sha256`).
#[utoipa::path(get, path = "/api/v1/documents/{id}/versions/{version}/attachment", tag = "documents",
    params(("id" = String, Path), ("version" = i64, Path)), responses(
    (status = 200, description = "The file, as an attachment"), (status = 404, body = Problem),
))]
pub async fn download(
    State(state): State<WebState>,
    ApiActor(actor): ApiActor,
    Id((id, version)): Id<(DocumentId, i64)>,
) -> Result<Response, ApiError> {
    Ok(crate::downloads::document_file(&state.app, &actor, id, version).await?)
}
