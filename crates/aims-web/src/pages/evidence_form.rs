//! The form that adds evidence from a page (a system's, a requirement's): a title, a file or a
//! link, and the date its validity ends.

use aims_app::Upload;
use aims_app::domain::Timestamp;
use aims_app::domain::evidence::EvidenceFacts;
use axum::extract::Multipart;
use axum::http::StatusCode;
use axum::response::Response;

/// Reads the form into `facts` and the file, if one was chosen; a form that cannot be read or
/// a date that is not one answers the page that says so.
pub async fn read_evidence_form(
    multipart: &mut Multipart,
    facts: &mut EvidenceFacts,
) -> Result<Option<Upload>, Response> {
    let unreadable = |status, body: String| {
        super::error_page(status, &format!("The form could not be read: {body}"))
    };
    let mut upload = None;
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return Ok(upload),
            Err(err) => return Err(unreadable(err.status(), err.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(err) => return Err(unreadable(err.status(), err.body_text())),
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "title" => facts.title = text(),
            "link" => facts.link = text(),
            "valid_until" if !text().is_empty() => {
                match Timestamp::parse_rfc3339(&format!("{}T00:00:00Z", text())) {
                    Ok(at) => facts.valid_until = Some(at),
                    Err(_) => {
                        return Err(super::error_page(
                            StatusCode::UNPROCESSABLE_ENTITY,
                            "Valid until: must be a date like 2027-06-30.",
                        ));
                    }
                }
            }
            "file" if !bytes.is_empty() => {
                upload = Some(Upload {
                    file_name: file_name.unwrap_or_default(),
                    bytes: bytes.to_vec(),
                });
            }
            _ => {}
        }
    }
}
