//! The EU AI Act questionnaire on a system's page, its recorded results, and the ML-BOM
//! download and upload.

use aims_app::domain::eu_ai_act::{Answers, QuestionKind, questions};
use aims_app::domain::{Actor, AiSystemId};
use aims_app::{AppError, ClassificationOutcome, SessionContext};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Chrome, PageId, app_error_page, done, form_error, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// One question as the form shows it, with the current answer filled in.
pub struct FormQuestion {
    pub field: &'static str,
    /// The section's label, on the first question of each section only.
    pub section: Option<&'static str>,
    pub text: &'static str,
    pub help: &'static str,
    /// `yes_no`, `number`, `one` or `many`.
    pub kind: &'static str,
    pub checked: bool,
    pub value: String,
    /// `(id, label, selected)`.
    pub choices: Vec<(&'static str, &'static str, bool)>,
}

fn form_questions(answers: &Answers) -> Vec<FormQuestion> {
    let current = serde_json::to_value(answers).unwrap_or_default();
    let mut last_section = None;
    questions()
        .iter()
        .map(|q| {
            let value = &current[q.field];
            let section = (last_section != Some(q.section)).then(|| q.section.label());
            last_section = Some(q.section);
            let chosen = |id: &str| match value {
                Value::Array(items) => items.iter().any(|v| v == id),
                Value::String(s) => s == id,
                _ => false,
            };
            let (kind, choices) = match q.kind {
                QuestionKind::YesNo => ("yes_no", Vec::new()),
                QuestionKind::Number => ("number", Vec::new()),
                QuestionKind::Choose(c) => (
                    "one",
                    c.iter().map(|(id, l)| (*id, *l, chosen(id))).collect(),
                ),
                QuestionKind::ChooseMany(c) => (
                    "many",
                    c.iter().map(|(id, l)| (*id, *l, chosen(id))).collect(),
                ),
            };
            FormQuestion {
                field: q.field,
                section,
                text: q.text,
                help: q.help,
                kind,
                checked: value.as_bool().unwrap_or(false),
                value: match value {
                    Value::Number(n) => n.to_string(),
                    _ => String::new(),
                },
                choices,
            }
        })
        .collect()
}

/// The answers a posted form states; repeated keys carry the lists.
fn answers_from_form(body: &str) -> Result<Answers, AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body).map_err(|e| {
        AppError::Invalid(aims_app::domain::ValidationError::new(
            "form",
            e.to_string(),
        ))
    })?;
    let values = |field: &'static str| {
        pairs
            .iter()
            .filter(move |(k, _)| k == field)
            .map(|(_, v)| v.trim())
    };
    let mut object = Map::new();
    for q in questions() {
        let answer = match q.kind {
            QuestionKind::YesNo => json!(values(q.field).next().is_some()),
            QuestionKind::Number => match values(q.field).find(|v| !v.is_empty()) {
                None => Value::Null,
                Some(v) => json!(v.parse::<f64>().map_err(|_| {
                    AppError::Invalid(aims_app::domain::ValidationError::new(
                        q.field,
                        "must be a number, e.g. 3e25",
                    ))
                })?),
            },
            QuestionKind::Choose(_) => values(q.field)
                .find(|v| !v.is_empty())
                .map_or(Value::Null, |v| json!(v)),
            QuestionKind::ChooseMany(_) => json!(
                values(q.field)
                    .filter(|v| !v.is_empty())
                    .collect::<Vec<_>>()
            ),
        };
        object.insert(q.field.to_owned(), answer);
    }
    serde_json::from_value(Value::Object(object)).map_err(|e| {
        AppError::Invalid(aims_app::domain::ValidationError::new(
            "form",
            e.to_string(),
        ))
    })
}

#[derive(Template)]
#[template(path = "classification.html")]
struct ClassificationPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    system: aims_app::domain::inventory::AiSystem,
    outcome: Option<ClassificationOutcome>,
    questions: Vec<FormQuestion>,
    can_edit: bool,
}

/// Which recorded classification to show, and the `done` code.
#[derive(Deserialize, Default)]
pub struct VersionQuery {
    version: Option<i64>,
    done: Option<String>,
}

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: AiSystemId,
    version: Option<i64>,
    posted: Option<(Answers, StatusCode, String)>,
    notice: Option<String>,
) -> Response {
    let system = match state.app.ai_system(actor, id).await {
        Ok(system) => system,
        Err(err) => return app_error_page(err),
    };
    let outcome = match state.app.classification(actor, id, version).await {
        Ok(outcome) => outcome,
        Err(err) => return app_error_page(err),
    };
    let (status, error, answers) = match posted {
        Some((answers, status, message)) => (status, Some(message), answers),
        None => (
            StatusCode::OK,
            None,
            outcome
                .as_ref()
                .map(|o| o.answers.clone())
                .unwrap_or_default(),
        ),
    };
    render(
        status,
        &ClassificationPage {
            chrome: Some(Chrome::new(context, "systems")),
            notice,
            error,
            system,
            questions: form_questions(&answers),
            outcome,
            can_edit: actor.role.grants(aims_app::domain::Permission::EditContent),
        },
    )
}

/// `GET /systems/{id}/classification`.
pub async fn classification_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<AiSystemId>,
    Query(q): Query<VersionQuery>,
) -> Response {
    let notice = (q.done.as_deref() == Some("classified"))
        .then(|| "The classification was recorded.".to_owned());
    page_view(&state, &context, &actor, id, q.version, None, notice).await
}

/// `POST /systems/{id}/classification`.
pub async fn classify(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    body: String,
) -> Response {
    let answers = match answers_from_form(&body) {
        Ok(answers) => answers,
        Err(err) => return app_error_page(err),
    };
    match state
        .app
        .classify_ai_system(&actor, id, answers.clone())
        .await
    {
        Ok(_) => done(&format!("/systems/{id}/classification"), "classified"),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                page_view(
                    &state,
                    &context,
                    &actor,
                    id,
                    None,
                    Some((answers, status, message)),
                    None,
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /systems/{id}/ml-bom`: the CycloneDX document as a download.
pub async fn download_bom(
    State(state): State<WebState>,
    PageMember { actor, .. }: PageMember,
    PageId(id): PageId<AiSystemId>,
) -> Response {
    match state.app.export_ml_bom(&actor, id).await {
        Ok(document) => crate::downloads::ml_bom(&document, id),
        Err(err) => app_error_page(err),
    }
}

/// `POST /systems/{id}/ml-bom`: a CycloneDX file uploaded from the system's page.
pub async fn upload_bom(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    mut multipart: Multipart,
) -> Response {
    let mut document = None;
    loop {
        match multipart.next_field().await {
            Ok(Some(field)) if field.name() == Some("file") => match field.text().await {
                Ok(text) => {
                    if let Err(refused) = crate::boundary::check_text("file", &text) {
                        return super::error_page(refused.status, &refused.detail);
                    }
                    document = Some(text);
                }
                Err(err) => {
                    return super::error_page(
                        err.status(),
                        &format!("The upload could not be read: {}", err.body_text()),
                    );
                }
            },
            Ok(Some(_)) => {}
            Ok(None) => break,
            Err(err) => {
                return super::error_page(
                    err.status(),
                    &format!("The upload could not be read: {}", err.body_text()),
                );
            }
        }
    }
    let Some(document) = document else {
        return super::error_page(
            StatusCode::UNPROCESSABLE_ENTITY,
            "Choose a CycloneDX JSON file to import.",
        );
    };
    match state.app.import_ml_bom(&actor, id, &document).await {
        Ok(_) => done(&format!("/systems/{id}"), "imported"),
        Err(err) => app_error_page(err),
    }
}
