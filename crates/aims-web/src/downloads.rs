//! Documents answered as downloads: the same bytes and headers whether the API or a page asks,
//! so that a file saved from the browser and one fetched with a token are the same file.

use aims_app::domain::evidence::StoredFile;
use aims_app::domain::{Actor, AiSystemId, DocumentId, EvidenceId};
use aims_app::{App, AppError};
use axum::http::header;
use axum::response::{IntoResponse, Response};

/// A system's CycloneDX ML-BOM as a download.
pub fn ml_bom(document: &serde_json::Value, id: AiSystemId) -> Response {
    (
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.cyclonedx+json".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"ml-bom-{id}.cdx.json\""),
            ),
        ],
        serde_json::to_string_pretty(document).unwrap_or_default(),
    )
        .into_response()
}

/// An evidence file, checked against its SHA-256, always as a download and never rendered.
pub async fn evidence_file(app: &App, actor: &Actor, id: EvidenceId) -> Result<Response, AppError> {
    let (file, bytes) = app.evidence_file(actor, id).await?;
    Ok(stored_file(file, bytes, "x-evidence-sha256"))
}

/// The file attached to a document version, checked against its SHA-256, as a download.
pub async fn document_file(
    app: &App,
    actor: &Actor,
    id: DocumentId,
    version: i64,
) -> Result<Response, AppError> {
    let (file, bytes) = app.document_file(actor, id, version).await?;
    Ok(stored_file(file, bytes, "x-file-sha256"))
}

/// A stored file as a download that a browser never renders in the page (a sandboxing
/// policy, a plain ASCII file name), its SHA-256 in the header `hash_header`.
fn stored_file(file: StoredFile, bytes: Vec<u8>, hash_header: &'static str) -> Response {
    let safe_name: String = file
        .file_name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') {
                c
            } else {
                '_'
            }
        })
        .collect();
    (
        [
            (header::CONTENT_TYPE, file.media_type),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{safe_name}\""),
            ),
            (
                header::CONTENT_SECURITY_POLICY,
                "sandbox; default-src 'none'".to_owned(),
            ),
            (header::HeaderName::from_static(hash_header), file.sha256),
        ],
        bytes,
    )
        .into_response()
}

/// An export of the Statement of Applicability as a download named after its version
/// (`soa-current` when it is the SoA as it stands).
pub fn soa_export(
    bytes: Vec<u8>,
    kind: &'static str,
    extension: &str,
    version: Option<i64>,
) -> Response {
    let name = version.map_or_else(|| "soa-current".to_owned(), |v| format!("soa-v{v}"));
    (
        [
            (header::CONTENT_TYPE, kind.to_owned()),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"{name}.{extension}\""),
            ),
        ],
        bytes,
    )
        .into_response()
}
