//! The pages that write a document: the form for a new one and the form that changes one,
//! each shown again as typed, with what was wrong, when the use case refuses it.

use aims_app::domain::document::{DocumentKind, DocumentStatus, MAX_REVIEW_MONTHS};
use aims_app::domain::evidence::Target;
use aims_app::domain::{Actor, DocumentId, Role};
use aims_app::{AppError, DocumentRecord, ISO_42001, SessionContext};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::document_form::{
    DocumentPageForm, ServeGroup, Served, form_problem, serve_groups, served,
};
use super::{Chrome, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The document a form changes, and where its versions stand.
pub struct Editing {
    pub id: DocumentId,
    pub title: String,
    pub latest: i64,
    pub status: DocumentStatus,
}

impl Editing {
    fn of(record: &DocumentRecord) -> Self {
        let d = &record.document;
        Editing {
            id: d.id,
            title: d.title.clone(),
            latest: d.latest,
            status: d.status(),
        }
    }
}

#[derive(Template)]
#[template(path = "document_form.html")]
struct DocumentFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    /// `None` for a new document.
    editing: Option<Editing>,
    form: DocumentPageForm,
    kinds: &'static [DocumentKind],
    groups: Vec<ServeGroup>,
    /// Records the form serves that the clause and control picker does not offer (AI systems,
    /// risks, other frameworks' requirements): kept as boxes so that saving keeps them.
    others: Vec<Served>,
    members: Vec<(String, String)>,
    roles: &'static [Role],
    max_review: u32,
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<Editing>,
    form: DocumentPageForm,
    problem: FormProblem,
) -> Response {
    let loaded = async {
        let library = state.app.library_framework(actor, ISO_42001).await?;
        let members = state.app.members(actor).await?;
        Ok::<_, AppError>((library, members))
    };
    let (library, members) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    let groups = serve_groups(&library);
    let offered = |value: &str| {
        groups
            .iter()
            .any(|g| g.choices.iter().any(|c| c.value == value))
    };
    // A value that is not `kind:id` cannot be named; the refusal already says what is wrong.
    let unoffered: Vec<Target> = form
        .serves
        .iter()
        .filter(|v| !offered(v))
        .filter_map(|v| {
            let (kind, id) = v.split_once(':')?;
            Some(Target {
                kind: kind.parse().ok()?,
                id: id.to_owned(),
            })
        })
        .collect();
    let others = match served(state, actor, &unoffered).await {
        Ok(others) => others,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &DocumentFormPage {
            chrome: Some(Chrome::new(context, "documents")),
            notice: None,
            problem,
            editing,
            form,
            kinds: DocumentKind::ALL,
            groups,
            others,
            members: members
                .into_iter()
                .map(|m| (m.user.to_string(), m.display_name))
                .collect(),
            roles: &Role::ALL,
            max_review: MAX_REVIEW_MONTHS,
        },
    )
}

/// `GET /documents/new`.
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
) -> Response {
    let form = DocumentPageForm::blank(actor.user());
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /documents`: the new document's page, or the form again as typed.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = DocumentPageForm::posted(pairs);
    let result = match form.input() {
        Ok(input) => state.app.create_document(&actor, input).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(created) => done(&format!("/documents/{}", created.id), "created"),
        Err(err) => match form_problem(err) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /documents/{id}/edit`: the form filled in from the latest version.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<DocumentId>,
) -> Response {
    match state.app.document(&actor, id).await {
        Ok(record) => {
            let form = DocumentPageForm::of(&record);
            let editing = Some(Editing::of(&record));
            form_view(
                &state,
                &context,
                &actor,
                editing,
                form,
                FormProblem::default(),
            )
            .await
        }
        Err(err) => app_error_page(err),
    }
}

/// `POST /documents/{id}`: saves the change, or shows the form again as typed. When someone
/// saved a newer version meanwhile, the form keeps this person's text but is now based on
/// that version, so that saving again replaces it knowingly rather than failing again.
pub async fn save(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<DocumentId>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let mut form = DocumentPageForm::posted(pairs);
    let result = match form.base().and_then(|base| Ok((base, form.input()?))) {
        Ok((base, input)) => state.app.save_document(&actor, id, base, input).await,
        Err(invalid) => Err(invalid.into()),
    };
    let Err(err) = result else {
        return done(&format!("/documents/{id}"), "saved");
    };
    let conflict = matches!(err, AppError::Conflict(_));
    let mut problem = match form_problem(err) {
        Ok(problem) => problem,
        Err(other) => return app_error_page(other),
    };
    let record = match state.app.document(&actor, id).await {
        Ok(record) => record,
        Err(err) => return app_error_page(err),
    };
    let latest = record.document.latest;
    let revision = record.document.revision;
    let stale_revision = form
        .revision
        .trim()
        .parse()
        .ok()
        .is_some_and(|r: i64| r != revision);
    if conflict && (form.base().ok() != Some(latest) || stale_revision) {
        problem.general = Some(format!(
            "Someone else saved version {latest} of this document while you were editing it. \
             Your text is below as you typed it: compare it with version {latest} on the \
             document's page, then save again if your text should replace it."
        ));
        form.version = latest.to_string();
        form.revision = revision.to_string();
    }
    let editing = Some(Editing::of(&record));
    form_view(&state, &context, &actor, editing, form, problem).await
}
