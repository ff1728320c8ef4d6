//! Evidence from the pages: the register, a file as a download, removing a piece, and the
//! form that adds a link or a file from a system's or a requirement's page. Evidence added
//! from a requirement names it (an ISO/IEC 42001 Annex A control as a control), so it counts
//! for the clause coverage and the SoA.

use aims_app::Upload;
use aims_app::domain::evidence::{Evidence, EvidenceFacts, Target, TargetKind};
use aims_app::domain::{AiSystemId, EvidenceId, Timestamp};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::systems::BackTo;
use super::{Chrome, PageForm, PageId, app_error_page, done, encode, error_page, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

#[derive(Template)]
#[template(path = "evidence.html")]
struct EvidenceRegisterPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    validity_filter: String,
    /// The control the list is narrowed to, if any.
    control: String,
    /// Set when the list shows one piece of evidence that search found.
    focused: bool,
    rows: Vec<EvidenceRow>,
    total: i64,
    offset: i64,
}

/// A row of the register.
pub struct EvidenceRow {
    pub evidence: Evidence,
    pub validity: &'static str,
    /// The badge's tone for the validity.
    pub tone: &'static str,
    pub supports: Vec<super::evidence_targets::Supported>,
}

/// The evidence register's filter.
#[derive(Deserialize, Default)]
pub struct RegisterQuery {
    validity: Option<String>,
    /// Only the evidence supporting this control.
    control: Option<String>,
    /// Only this piece of evidence (where search leads).
    focus: Option<EvidenceId>,
    offset: Option<i64>,
}

/// `GET /evidence`: every piece of evidence, or only the expired or expiring.
pub async fn evidence_register(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<RegisterQuery>,
) -> Response {
    let validity = q.validity.as_deref().filter(|v| !v.is_empty());
    let offset = q.offset.unwrap_or(0);
    let control = q.control.as_deref().filter(|c| !c.is_empty());
    let listed = async {
        let (list, total) = match (q.focus, control) {
            (Some(id), _) => (vec![state.app.evidence(&actor, id).await?], 1),
            (None, Some(control)) => {
                let target = Target {
                    kind: TargetKind::Control,
                    id: control.to_owned(),
                };
                let list = state.app.evidence_for(&actor, &target).await?;
                let total = list.len() as i64;
                (list, total)
            }
            (None, None) => {
                state
                    .app
                    .evidence_register(&actor, validity, offset)
                    .await?
            }
        };
        let supports = super::evidence_targets::supported(&state, &actor, &list).await?;
        Ok::<_, aims_app::AppError>((list, supports, total))
    };
    match listed.await {
        Ok((list, supports, total)) => {
            let now = state.app.now();
            render(
                StatusCode::OK,
                &EvidenceRegisterPage {
                    chrome: Some(Chrome::new(&context, "evidence")),
                    notice: None,
                    validity_filter: validity.unwrap_or("").to_owned(),
                    control: control.unwrap_or("").to_owned(),
                    focused: q.focus.is_some(),
                    rows: list
                        .into_iter()
                        .zip(supports)
                        .map(|(evidence, supports)| EvidenceRow {
                            validity: evidence.validity(now).label(),
                            tone: tone(evidence.validity(now)),
                            evidence,
                            supports,
                        })
                        .collect(),
                    total,
                    offset,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

/// The badge tone of a validity: what needs action stands out.
pub fn tone(validity: aims_app::domain::evidence::Validity) -> &'static str {
    use aims_app::domain::evidence::Validity;
    match validity {
        Validity::Expired => "danger",
        Validity::ExpiresSoon => "warn",
        Validity::NotYetValid => "neutral",
        Validity::Current => "ok",
    }
}

/// `GET /evidence/{id}/file`: the file as a download, checked against its hash.
pub async fn evidence_file(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId(id): PageId<EvidenceId>,
) -> Response {
    match crate::downloads::evidence_file(&state.app, &actor, id).await {
        Ok(response) => response,
        Err(err) => app_error_page(err),
    }
}

/// `POST /evidence/{id}/delete`, back to the system's page.
pub async fn delete_evidence(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<EvidenceId>,
    PageForm(back): PageForm<BackTo>,
) -> Response {
    match state.app.delete_evidence(&actor, id).await {
        Ok(()) => done(&back.page(), "evidence-removed"),
        Err(err) => app_error_page(err),
    }
}

/// `POST /systems/{id}/evidence`: a link or a file supporting this system, from its page.
pub async fn add_evidence(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    mut multipart: Multipart,
) -> Response {
    let mut facts = EvidenceFacts {
        targets: vec![Target {
            kind: TargetKind::System,
            id: id.to_string(),
        }],
        ..Default::default()
    };
    let upload = match read_evidence_form(&mut multipart, &mut facts).await {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    match state.app.add_evidence(&actor, facts, upload).await {
        Ok(_) => done(&format!("/systems/{id}"), "evidence"),
        Err(err) => app_error_page(err),
    }
}

/// `POST /frameworks/{framework}/items/{item}/evidence`.
pub async fn add_requirement_evidence(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    let target = match state.app.item_target(&actor, &framework, &item).await {
        Ok(target) => target,
        Err(err) => return app_error_page(err),
    };
    let mut facts = EvidenceFacts {
        targets: vec![target],
        ..Default::default()
    };
    let upload = match read_evidence_form(&mut multipart, &mut facts).await {
        Ok(upload) => upload,
        Err(page) => return page,
    };
    match state.app.add_evidence(&actor, facts, upload).await {
        Ok(_) => done(
            &format!("/frameworks/{}/items/{}", encode(&framework), encode(&item)),
            "evidence",
        ),
        Err(err) => app_error_page(err),
    }
}

/// Reads the form (a title, a file or a link, and the date its validity ends) into `facts` and
/// the file, if one was chosen; a form that cannot be read or a date that is not one answers
/// the page that says so.
async fn read_evidence_form(
    multipart: &mut Multipart,
    facts: &mut EvidenceFacts,
) -> Result<Option<Upload>, Response> {
    let unreadable =
        |status, body: String| error_page(status, &format!("The form could not be read: {body}"));
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
                        return Err(error_page(
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
