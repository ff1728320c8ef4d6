//! The register of documented information (ISO/IEC 42001 7.5): the table of documents with
//! its filters and downloads, and the starter templates a draft can begin from.

use aims_app::domain::document::templates::{STARTER_TEMPLATES, StarterTemplate};
use aims_app::domain::document::{Document, DocumentKind, DocumentStatus};
use aims_app::domain::{Actor, Permission, ValidationError};
use aims_app::{AppError, DocumentFilter, SessionContext};
use askama::Template;
use axum::extract::{Query, RawQuery, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::table_view::{Column, ExportFormat, TableView, answer};
use super::{Chrome, FormFields, FormProblem, PageForm, app_error_page, done, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The list is ordered by last change only: no header sorts it.
const COLUMNS: &[Column] = &[
    Column {
        key: "title",
        label: "Title",
        sort: None,
        default: true,
    },
    Column {
        key: "kind",
        label: "Kind",
        sort: None,
        default: true,
    },
    Column {
        key: "status",
        label: "Status",
        sort: None,
        default: true,
    },
    Column {
        key: "in_force",
        label: "Version in force",
        sort: None,
        default: true,
    },
    Column {
        key: "latest",
        label: "Latest version",
        sort: None,
        default: false,
    },
    Column {
        key: "owner",
        label: "Owner",
        sort: None,
        default: true,
    },
    Column {
        key: "review",
        label: "Next review",
        sort: None,
        default: true,
    },
    Column {
        key: "changed",
        label: "Changed",
        sort: None,
        default: true,
    },
];

/// The statuses a document as a whole can have (a superseded version is never the newest).
const STATUSES: &[DocumentStatus] = &[
    DocumentStatus::Draft,
    DocumentStatus::InReview,
    DocumentStatus::Approved,
    DocumentStatus::Retired,
];

/// A document as a row of the register.
pub struct DocumentRow {
    pub document: Document,
    pub overdue: bool,
    pub owner: String,
}

/// The badge class of a document's status.
pub fn status_class(status: impl std::borrow::Borrow<DocumentStatus>) -> &'static str {
    match status.borrow() {
        DocumentStatus::InReview => "info",
        DocumentStatus::Approved => "ok",
        DocumentStatus::Draft | DocumentStatus::Superseded | DocumentStatus::Retired => "neutral",
    }
}

#[derive(Template)]
#[template(path = "documents.html")]
struct DocumentsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    filter: ListQuery,
    narrowed: Vec<String>,
    rows: Vec<DocumentRow>,
    total: i64,
    first_shown: i64,
    previous: Option<String>,
    next: Option<String>,
    can_edit: bool,
    kinds: &'static [DocumentKind],
    statuses: &'static [DocumentStatus],
    view: TableView,
}

/// The register's filters as a query string carries them.
#[derive(Deserialize, Default, Clone)]
pub struct ListQuery {
    #[serde(default)]
    kind: String,
    #[serde(default)]
    status: String,
    overdue: Option<bool>,
    /// Only the documents the person signed in owns.
    mine: Option<bool>,
    offset: Option<i64>,
    done: Option<String>,
}

impl ListQuery {
    fn filter(&self, actor: &Actor) -> Result<DocumentFilter, ValidationError> {
        let given = |s: &String| Some(s.trim().to_owned()).filter(|s| !s.is_empty());
        Ok(DocumentFilter {
            kind: given(&self.kind).map(|k| k.parse()).transpose()?,
            status: given(&self.status).map(|s| s.parse()).transpose()?,
            overdue: self.overdue == Some(true),
            owner: if self.mine == Some(true) {
                actor.user()
            } else {
                None
            },
        })
    }

    /// The filter in words.
    fn narrowed(&self) -> Vec<String> {
        let mut said = Vec::new();
        if let Some(k) = DocumentKind::ALL.iter().find(|k| k.as_str() == self.kind) {
            said.push(format!("kind: {}", k.label()));
        }
        if let Some(s) = STATUSES.iter().find(|s| s.as_str() == self.status) {
            said.push(format!("status: {}", s.label()));
        }
        if self.overdue == Some(true) {
            said.push("reviews overdue".into());
        }
        if self.mine == Some(true) {
            said.push("documents you own".into());
        }
        said
    }
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "retired" => "The document was retired.",
            _ => return None,
        }
        .to_owned(),
    )
}

/// `GET /documents`.
pub async fn list(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<ListQuery>,
    RawQuery(raw): RawQuery,
) -> Response {
    let pairs = super::table_view::query_pairs(raw.as_deref());
    let view = TableView::new("/documents", &pairs, "", COLUMNS);
    let offset = q.offset.unwrap_or(0).clamp(0, aims_app::MAX_OFFSET);
    let loaded = async {
        let filter = q.filter(&actor)?;
        let page = state
            .app
            .document_list(&actor, &filter, view.limit, offset)
            .await?;
        let members = state.app.members(&actor).await?;
        Ok::<_, AppError>((page, members))
    };
    let (status, error, (list, total), members) = match loaded.await {
        Ok((page, members)) => (StatusCode::OK, None, page, members),
        Err(err) => match form_error(err) {
            Ok((status, message)) => (status, Some(message), (Vec::new(), 0), Vec::new()),
            Err(other) => return app_error_page(other),
        },
    };
    let now = state.app.now();
    let shown = list.len() as i64;
    let (previous, next) = view.pager(offset, shown, total);
    let rows = list
        .into_iter()
        .map(|document| DocumentRow {
            overdue: document.review_overdue(now),
            owner: document
                .settings
                .owner
                .and_then(|o| members.iter().find(|m| m.user == o))
                .map(|m| m.display_name.clone())
                .unwrap_or_default(),
            document,
        })
        .collect();
    render(
        status,
        &DocumentsPage {
            chrome: Some(Chrome::new(&context, "documents")),
            notice: notice(q.done.as_deref()),
            error,
            narrowed: q.narrowed(),
            filter: q,
            rows,
            total,
            first_shown: offset + 1,
            previous,
            next,
            can_edit: actor.role.grants(Permission::EditContent),
            kinds: DocumentKind::ALL,
            statuses: STATUSES,
            view,
        },
    )
}

/// `GET /documents/export.csv` and `.xlsx`: the current view, every page.
pub async fn export(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    Query(q): Query<ListQuery>,
    format: ExportFormat,
) -> Response {
    let table = match q.filter(&actor) {
        Ok(filter) => state.app.documents_table(&actor, &filter).await,
        Err(invalid) => Err(invalid.into()),
    };
    answer(table, format, state.app.now())
}

/// The template form's fields.
const TEMPLATE_FIELDS: FormFields = FormFields {
    prefix: "t-",
    labels: &[("template", "Template"), ("owner", "Owner")],
};

#[derive(Template)]
#[template(path = "document_templates.html")]
struct TemplatesPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    templates: &'static [StarterTemplate],
    members: Vec<(String, String)>,
    /// The owner chosen: the person signed in, or as posted.
    owner: String,
    can_edit: bool,
}

async fn templates_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    owner: String,
    problem: FormProblem,
) -> Response {
    let members = match state.app.members(actor).await {
        Ok(members) => members
            .into_iter()
            .map(|m| (m.user.to_string(), m.display_name))
            .collect(),
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &TemplatesPage {
            chrome: Some(Chrome::new(context, "documents")),
            notice: None,
            problem,
            templates: STARTER_TEMPLATES,
            members,
            owner,
            can_edit: actor.role.grants(Permission::EditContent),
        },
    )
}

/// `GET /documents/templates`.
pub async fn templates_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
) -> Response {
    let me = actor.user().map(|u| u.to_string()).unwrap_or_default();
    templates_view(&state, &context, &actor, me, FormProblem::default()).await
}

/// The template chosen, and who will own the draft.
#[derive(Deserialize)]
pub struct UseTemplate {
    #[serde(default)]
    template: String,
    #[serde(default)]
    owner: String,
}

/// `POST /documents/templates`: a draft from the template, then its page.
pub async fn use_template(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<UseTemplate>,
) -> Response {
    let owner = match form.owner.trim() {
        "" => Ok(None),
        o => o
            .parse()
            .map(Some)
            .map_err(|_| ValidationError::new("owner", "must be a member").into()),
    };
    let result = match owner {
        Ok(owner) => {
            state
                .app
                .create_document_from_template(&actor, &form.template, owner)
                .await
        }
        Err(err) => Err(err),
    };
    match result {
        Ok(created) => done(&format!("/documents/{}", created.id), "created"),
        Err(err) => match FormProblem::from_error(err, &TEMPLATE_FIELDS) {
            Ok(problem) => templates_view(&state, &context, &actor, form.owner, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}
