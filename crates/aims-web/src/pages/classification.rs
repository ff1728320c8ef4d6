//! The EU AI Act questionnaire on a system's page, its recorded results, and the ML-BOM
//! download and upload.

use std::collections::HashMap;

use aims_app::domain::eu_ai_act::{Answers, OperatorRole, QuestionKind, Section, questions};
use aims_app::domain::inventory::{AiRole, AiSystem};
use aims_app::domain::{Actor, AiSystemId, ValidationError};
use aims_app::{AppError, ClassificationOutcome, SessionContext};
use askama::Template;
use axum::extract::{Multipart, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use serde_json::{Map, Value, json};

use super::{Chrome, FormFields, FormProblem, PageId, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The questionnaire's fields, each named shortly for its messages.
const FIELDS: FormFields = FormFields {
    prefix: "q-",
    labels: &[
        ("roles", "Your roles:"),
        ("prohibited_practices", "Banned practices:"),
        (
            "realtime_biometric_exception_applies",
            "The exceptions for real-time identification:",
        ),
        ("annex_i_act", "EU product law:"),
        ("safety_component_or_product", "Safety component:"),
        (
            "third_party_conformity_assessment",
            "Assessment by a notified body:",
        ),
        ("annex_iii_points", "High-risk uses:"),
        ("derogation_conditions", "Conditions of the exception:"),
        ("profiles_natural_persons", "Profiling:"),
        (
            "derogation_documented",
            "Written assessment of the exception:",
        ),
        ("interacts_with_people", "Interacts with people:"),
        ("obvious_to_people_it_is_ai", "Obviously an AI:"),
        ("generates_synthetic_content", "Generates content:"),
        (
            "emotion_recognition_or_biometric_categorisation",
            "Emotion recognition or biometric categorisation:",
        ),
        ("deep_fake", "Deep fakes:"),
        (
            "publishes_text_on_public_interest",
            "Text published on matters of public interest:",
        ),
        ("human_editorial_review", "Editorial review:"),
        ("is_gpai_model", "General-purpose AI model:"),
        ("gpai_systemic_risk", "Systemic risk:"),
        ("training_compute_flops", "Training compute:"),
        ("gpai_open_source_licence", "Open-source licence:"),
        (
            "deployer_is_public_body_or_public_service",
            "Public body or public service:",
        ),
    ],
};

/// The answers as the form holds them: each question's values as text, as typed.
type FormValues = HashMap<&'static str, Vec<String>>;

/// One question as the form shows it, with the current answer filled in.
pub struct FormQuestion {
    pub field: &'static str,
    /// The section's label, on the first question of each section only.
    pub section: Option<&'static str>,
    /// Whether this is the first question about transparency (Article 50).
    pub transparency: bool,
    pub text: &'static str,
    pub help: &'static str,
    /// `yes_no`, `number`, `one` or `many`.
    pub kind: &'static str,
    pub checked: bool,
    pub value: String,
    /// `(id, label, selected)`.
    pub choices: Vec<(&'static str, &'static str, bool)>,
}

/// The form's values for recorded `answers`.
fn values_of(answers: &Answers) -> FormValues {
    let current = serde_json::to_value(answers).unwrap_or_default();
    questions()
        .iter()
        .map(|q| {
            let texts = match &current[q.field] {
                Value::Bool(true) => vec!["on".to_owned()],
                Value::Number(n) => vec![n.to_string()],
                Value::String(s) => vec![s.clone()],
                Value::Array(items) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_owned))
                    .collect(),
                _ => Vec::new(),
            };
            (q.field, texts)
        })
        .collect()
}

/// The values a posted form states; repeated keys carry the lists.
fn values_from_form(body: &str) -> Result<FormValues, String> {
    let pairs: Vec<(String, String)> =
        serde_urlencoded::from_str(body).map_err(|e| e.to_string())?;
    Ok(questions()
        .iter()
        .map(|q| {
            let texts = pairs
                .iter()
                .filter(|(k, v)| k == q.field && !v.trim().is_empty())
                .map(|(_, v)| v.trim().to_owned())
                .collect();
            (q.field, texts)
        })
        .collect())
}

/// The answers the form's values state; a value that does not read names its question.
fn answers_of(values: &FormValues) -> Result<Answers, AppError> {
    let mut object = Map::new();
    for q in questions() {
        let given = values.get(q.field).map(Vec::as_slice).unwrap_or_default();
        let answer = match q.kind {
            QuestionKind::YesNo => json!(!given.is_empty()),
            QuestionKind::Number => match given.first() {
                None => Value::Null,
                Some(v) => json!(v.parse::<f64>().map_err(|_| {
                    ValidationError::new(q.field, "must be a number, e.g. 3e25")
                })?),
            },
            QuestionKind::Choose(_) => given.first().map_or(Value::Null, |v| json!(v)),
            QuestionKind::ChooseMany(_) => json!(given),
        };
        object.insert(q.field.to_owned(), answer);
    }
    serde_json::from_value(Value::Object(object))
        .map_err(|e| AppError::Invalid(ValidationError::new("form", e.to_string())))
}

/// The questionnaire's roles that the roles recorded on the system stand for: a user of a
/// system is its deployer under the Act; a developer is its provider only when it offers the
/// system under its own name, which the questionnaire asks.
fn operator_roles(roles: &[AiRole]) -> Vec<OperatorRole> {
    let mut found: Vec<OperatorRole> = Vec::new();
    for role in roles {
        let operator = match role {
            AiRole::Provider => Some(OperatorRole::Provider),
            AiRole::Deployer | AiRole::User => Some(OperatorRole::Deployer),
            AiRole::Importer => Some(OperatorRole::Importer),
            AiRole::Distributor => Some(OperatorRole::Distributor),
            AiRole::Developer => None,
        };
        if let Some(r) = operator.filter(|r| !found.contains(r)) {
            found.push(r);
        }
    }
    found
}

fn form_questions(values: &FormValues) -> Vec<FormQuestion> {
    let mut last_section = None;
    questions()
        .iter()
        .map(|q| {
            let given = values.get(q.field).map(Vec::as_slice).unwrap_or_default();
            let first = last_section != Some(q.section);
            last_section = Some(q.section);
            let chosen = |id: &str| given.iter().any(|v| v == id);
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
                section: first.then(|| q.section.label()),
                transparency: first && q.section == Section::Transparency,
                text: q.text,
                help: q.help,
                kind,
                checked: !given.is_empty(),
                value: given.first().cloned().unwrap_or_default(),
                choices,
            }
        })
        .collect()
}

/// `problem`'s messages with the questions' field names in them as the questions' labels.
fn in_words(mut problem: FormProblem) -> FormProblem {
    for p in &mut problem.fields {
        for (field, label) in FIELDS.labels {
            if field.contains('_') && p.message.contains(field) && *field != p.field {
                let words = format!("\u{201c}{}\u{201d}", label.trim_end_matches(':'));
                p.message = p.message.replace(field, &words);
            }
        }
    }
    problem
}

#[derive(Template)]
#[template(path = "classification.html")]
struct ClassificationPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    system: AiSystem,
    outcome: Option<ClassificationOutcome>,
    questions: Vec<FormQuestion>,
    can_edit: bool,
    problem: FormProblem,
    /// The roles were filled in from those recorded on the system, not from an answer.
    prefilled: bool,
    /// The form's roles include deployer.
    deployer: bool,
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
    posted: Option<(FormValues, FormProblem)>,
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
    let mut prefilled = false;
    let (values, problem) = match posted {
        Some(posted) => posted,
        None => {
            let answers = match &outcome {
                Some(o) => o.answers.clone(),
                // No earlier answer: start from the roles recorded on the system.
                None => {
                    let roles = operator_roles(&system.facts.roles);
                    prefilled = !roles.is_empty();
                    Answers {
                        roles,
                        ..Default::default()
                    }
                }
            };
            (values_of(&answers), FormProblem::default())
        }
    };
    let deployer = values
        .get("roles")
        .is_some_and(|r| r.iter().any(|v| v == OperatorRole::Deployer.as_str()));
    render(
        problem.status(),
        &ClassificationPage {
            chrome: Some(Chrome::new(context, "systems")),
            notice,
            system,
            questions: form_questions(&values),
            outcome,
            can_edit: actor.role.grants(aims_app::domain::Permission::EditContent),
            problem,
            prefilled,
            deployer,
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

/// `POST /systems/{id}/classification`: records the result, or shows the questionnaire again
/// with every answer as posted and what was wrong.
pub async fn classify(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    body: String,
) -> Response {
    let values = match values_from_form(&body) {
        Ok(values) => values,
        Err(unreadable) => {
            let problem = FormProblem::general(
                StatusCode::BAD_REQUEST,
                format!("The answers could not be read ({unreadable}); nothing was recorded."),
            );
            return page_view(
                &state,
                &context,
                &actor,
                id,
                None,
                Some((FormValues::new(), problem)),
                None,
            )
            .await;
        }
    };
    let result = match answers_of(&values) {
        Ok(answers) => state.app.classify_ai_system(&actor, id, answers).await,
        Err(err) => Err(err),
    };
    match result {
        Ok(_) => done(&format!("/systems/{id}/classification"), "classified"),
        Err(AppError::Invalid(v)) if v.field == "form" => {
            let problem = FormProblem::general(
                StatusCode::UNPROCESSABLE_ENTITY,
                format!("The answers could not be read: {}", v.message),
            );
            page_view(
                &state,
                &context,
                &actor,
                id,
                None,
                Some((values, problem)),
                None,
            )
            .await
        }
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                let problem = in_words(problem);
                page_view(
                    &state,
                    &context,
                    &actor,
                    id,
                    None,
                    Some((values, problem)),
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
