//! Evidence from the pages: the register, a file as a download, removing a piece, and the
//! form that adds a link or a file from a system's or a requirement's page. Evidence added
//! from a requirement names it (an ISO/IEC 42001 Annex A control as a control), so it counts
//! for the clause coverage and the SoA.

use aims_app::Upload;
use aims_app::domain::evidence::{Evidence, EvidenceFacts, Target, TargetKind};
use aims_app::domain::{AiSystemId, EvidenceId};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::systems::BackTo;
use super::table_view::{ExportFormat, answer};
use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, encode, render,
};
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
    view: super::table_view::TableView,
}

const COLUMNS: &[super::table_view::Column] = &[
    super::table_view::Column {
        key: "title",
        label: "Title",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "file",
        label: "File or link",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "supports",
        label: "Supports",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "until",
        label: "Valid until",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "status",
        label: "Status",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "added_by",
        label: "Added by",
        sort: None,
        default: true,
    },
    super::table_view::Column {
        key: "added",
        label: "Added",
        sort: None,
        default: false,
    },
];

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
    axum::extract::RawQuery(raw): axum::extract::RawQuery,
) -> Response {
    let pairs = super::table_view::query_pairs(raw.as_deref());
    let view = super::table_view::TableView::new("/evidence", &pairs, "", COLUMNS);
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
                    .evidence_page(&actor, validity, view.limit, offset)
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
                    view,
                },
            )
        }
        Err(err) => app_error_page(err),
    }
}

/// `GET /evidence/export.csv` and `.xlsx`: the current view, every page.
pub async fn export(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    Query(q): Query<RegisterQuery>,
    format: ExportFormat,
) -> Response {
    answer(
        state
            .app
            .evidence_table(&actor, q.validity.as_deref().filter(|v| !v.is_empty()))
            .await,
        format,
        state.app.now(),
    )
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

/// The evidence form as typed, shown again when it was refused (a file must be chosen again:
/// browsers do not let a page fill in a file).
#[derive(Default)]
pub struct EvidenceDraft {
    pub title: String,
    pub link: String,
    pub valid_until: String,
    pub file_name: String,
}

const EVIDENCE_FIELDS: FormFields = FormFields {
    prefix: "ev-",
    labels: &[
        ("title", "Title"),
        ("link", "Link"),
        ("file", "File"),
        ("valid_until", "Valid until"),
        ("media_type", "File"),
        ("size", "File"),
    ],
};

#[derive(Template)]
#[template(path = "evidence_form.html")]
struct EvidenceFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    evidence_action: String,
    back_label: String,
    back_href: String,
    draft: EvidenceDraft,
    evidence_problem: FormProblem,
}

/// Where a piece of evidence is added from: the form's address and the page it came from.
struct AddedFrom {
    action: String,
    label: String,
    page: String,
}

/// Adds the evidence the form describes to what `from` names, and answers with that page, or
/// with the form again, as typed, saying what was wrong.
async fn add_from_form(
    state: &WebState,
    context: &aims_app::SessionContext,
    actor: &aims_app::domain::Actor,
    target: Target,
    from: AddedFrom,
    multipart: &mut Multipart,
) -> Response {
    let (draft, upload, unreadable) = read_evidence_form(multipart).await;
    let result = match unreadable {
        Some(problem) => Err(Ok(problem)),
        None => {
            let added = async {
                let facts = EvidenceFacts {
                    title: draft.title.clone(),
                    link: draft.link.clone(),
                    valid_until: super::form_date("valid_until", &draft.valid_until)?,
                    targets: vec![target],
                    ..Default::default()
                };
                state.app.add_evidence(actor, facts, upload).await
            };
            added
                .await
                .map_err(|err| FormProblem::from_error(err, &EVIDENCE_FIELDS))
        }
    };
    match result {
        Ok(_) => done(&from.page, "evidence"),
        Err(Ok(problem)) => render(
            problem.status(),
            &EvidenceFormPage {
                chrome: Some(Chrome::new(context, "evidence")),
                notice: None,
                evidence_action: from.action,
                back_label: from.label,
                back_href: from.page,
                draft,
                evidence_problem: problem,
            },
        ),
        Err(Err(other)) => app_error_page(other),
    }
}

/// `POST /systems/{id}/evidence`: a link or a file supporting this system, from its page.
pub async fn add_evidence(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    mut multipart: Multipart,
) -> Response {
    let name = match state.app.ai_system(&actor, id).await {
        Ok(system) => system.facts.name,
        Err(err) => return app_error_page(err),
    };
    let target = Target {
        kind: TargetKind::System,
        id: id.to_string(),
    };
    let from = AddedFrom {
        action: format!("/systems/{id}/evidence"),
        label: name,
        page: format!("/systems/{id}"),
    };
    add_from_form(&state, &context, &actor, target, from, &mut multipart).await
}

/// `POST /frameworks/{framework}/items/{item}/evidence`.
pub async fn add_requirement_evidence(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId((framework, item)): PageId<(String, String)>,
    mut multipart: Multipart,
) -> Response {
    let target = match state.app.item_target(&actor, &framework, &item).await {
        Ok(target) => target,
        Err(err) => return app_error_page(err),
    };
    let page = format!("/frameworks/{}/items/{}", encode(&framework), encode(&item));
    let from = AddedFrom {
        action: format!("{page}/evidence"),
        label: item.clone(),
        page,
    };
    add_from_form(&state, &context, &actor, target, from, &mut multipart).await
}

/// Reads the form (a title, a file or a link, and the date its validity ends) as typed, the
/// file if one was chosen, and what made the form unreadable (too large, broken), if anything.
async fn read_evidence_form(
    multipart: &mut Multipart,
) -> (EvidenceDraft, Option<Upload>, Option<FormProblem>) {
    let mut draft = EvidenceDraft::default();
    let mut upload = None;
    let unreadable = |status, body: String| {
        Some(FormProblem::general(
            status,
            format!("The form could not be read: {body}"),
        ))
    };
    loop {
        let field = match multipart.next_field().await {
            Ok(Some(field)) => field,
            Ok(None) => return (draft, upload, None),
            Err(err) => return (draft, upload, unreadable(err.status(), err.body_text())),
        };
        let name = field.name().unwrap_or_default().to_owned();
        let file_name = field.file_name().map(str::to_owned);
        let bytes = match field.bytes().await {
            Ok(bytes) => bytes,
            Err(err) => {
                if let Some(f) = file_name {
                    draft.file_name = f;
                }
                return (draft, upload, unreadable(err.status(), err.body_text()));
            }
        };
        let text = || String::from_utf8_lossy(&bytes).trim().to_owned();
        match name.as_str() {
            "title" => draft.title = text(),
            "link" => draft.link = text(),
            "valid_until" => draft.valid_until = text(),
            "file" if !bytes.is_empty() => {
                draft.file_name = file_name.clone().unwrap_or_default();
                upload = Some(Upload {
                    file_name: file_name.unwrap_or_default(),
                    bytes: bytes.to_vec(),
                });
            }
            _ => {}
        }
    }
}
