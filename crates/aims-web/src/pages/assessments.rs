//! Impact assessment pages: start one from a system's page, edit it as new versions,
//! compare versions, approve.

use aims_app::domain::impact::ContentChange;
use aims_app::domain::impact::{AssessmentContent, Fria, Harm, HarmKind, Rating};
use aims_app::domain::{Actor, AiSystemId, ImpactAssessmentId, Permission, ValidationError};
use aims_app::{AppError, AssessmentRecord, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, PageForm, PageId, app_error_page, done, form_error, render};
use crate::allowed::{Approve, Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// Empty harm rows offered below the existing ones.
const BLANK_HARMS: usize = 3;

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    record: AssessmentRecord,
    /// The content the form shows: the latest, or what was just posted with a mistake.
    form: AssessmentContent,
    form_version: i64,
    /// The FRIA points the form shows (empty when the assessment has none yet).
    fria: Fria,
    blank_harms: usize,
    current: bool,
    next_review: String,
    changes: Option<(i64, i64, Vec<ContentChange>)>,
    can_edit: bool,
    can_approve: bool,
    kinds: &'static [HarmKind],
    ratings: &'static [Rating],
    /// The rating blank rows start from.
    low: Rating,
}

/// Two versions to compare, and the `done` code.
#[derive(Deserialize, Default)]
pub struct AssessmentQuery {
    done: Option<String>,
    from: Option<i64>,
    to: Option<i64>,
}

fn notice(code: Option<&str>) -> Option<String> {
    Some(
        match code? {
            "created" => "The impact assessment was started.",
            "saved" => "A new version was saved.",
            "approved" => "The assessment was approved.",
            _ => return None,
        }
        .to_owned(),
    )
}

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: ImpactAssessmentId,
    q: AssessmentQuery,
    posted: Option<(AssessmentContent, i64, StatusCode, String)>,
) -> Response {
    let record = match state.app.impact_assessment(actor, id).await {
        Ok(record) => record,
        Err(err) => return app_error_page(err),
    };
    let changes = match (q.from, q.to) {
        (Some(from), Some(to)) => match state
            .app
            .compare_assessment_versions(actor, id, from, to)
            .await
        {
            Ok(changes) => Some((from, to, changes)),
            Err(err) => return app_error_page(err),
        },
        _ => None,
    };
    let (status, error, form, form_version) = match posted {
        Some((content, version, status, message)) => (status, Some(message), content, version),
        None => (
            StatusCode::OK,
            None,
            record.assessment.content.clone(),
            record.assessment.version,
        ),
    };
    render(
        status,
        &AssessmentPage {
            chrome: Some(Chrome::new(context, "systems")),
            notice: notice(q.done.as_deref()),
            error,
            current: record.assessment.is_current(state.app.now()),
            next_review: form.next_review.map(super::date_of).unwrap_or_default(),
            fria: form.fria.clone().unwrap_or_default(),
            form,
            form_version,
            blank_harms: BLANK_HARMS,
            changes,
            can_edit: actor.role.grants(Permission::EditContent),
            can_approve: actor.role.grants(Permission::ApproveContent),
            kinds: HarmKind::ALL,
            ratings: Rating::ALL,
            low: Rating::Low,
            record,
        },
    )
}

/// `GET /impact-assessments/{id}`.
pub async fn assessment_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<ImpactAssessmentId>,
    Query(q): Query<AssessmentQuery>,
) -> Response {
    page_view(&state, &context, &actor, id, q, None).await
}

/// The title of a new assessment.
#[derive(Deserialize)]
pub struct NewAssessment {
    #[serde(default)]
    title: String,
}

/// `POST /systems/{id}/impact-assessments`.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(system): PageId<AiSystemId>,
    PageForm(form): PageForm<NewAssessment>,
) -> Response {
    let content = AssessmentContent {
        title: form.title,
        ..Default::default()
    };
    match state
        .app
        .create_impact_assessment(&actor, system, content)
        .await
    {
        Ok(created) => done(&format!("/impact-assessments/{}", created.id), "created"),
        Err(err) => app_error_page(err),
    }
}

/// The posted form read into content; repeated `harm_*` keys make the harm rows.
fn content_from_form(body: &str) -> Result<(AssessmentContent, i64), AppError> {
    let pairs: Vec<(String, String)> = serde_urlencoded::from_str(body)
        .map_err(|e| AppError::Invalid(ValidationError::new("form", e.to_string())))?;
    let one = |key: &str| {
        pairs
            .iter()
            .find(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let many = |key: &str| {
        pairs
            .iter()
            .filter(|(k, _)| k == key)
            .map(|(_, v)| v.clone())
            .collect::<Vec<_>>()
    };
    let version = one("version")
        .parse::<i64>()
        .map_err(|_| AppError::Invalid(ValidationError::new("version", "is missing")))?;
    let descriptions = many("harm_description");
    let column = |key: &str| many(key);
    let (kinds, affected, mitigations) = (
        column("harm_kind"),
        column("harm_affected"),
        column("harm_mitigations"),
    );
    let ratings: Vec<Vec<String>> = [
        "harm_severity",
        "harm_likelihood",
        "harm_residual_severity",
        "harm_residual_likelihood",
    ]
    .iter()
    .map(|k| column(k))
    .collect();
    let rating = |column: usize, row: usize| -> Result<Rating, ValidationError> {
        ratings[column]
            .get(row)
            .map(String::as_str)
            .unwrap_or("low")
            .parse()
    };
    let mut harms = Vec::new();
    for (row, description) in descriptions.iter().enumerate() {
        if description.trim().is_empty() {
            continue;
        }
        harms.push(Harm {
            kind: kinds.get(row).map(String::as_str).unwrap_or("").parse()?,
            description: description.clone(),
            affected: affected.get(row).cloned().unwrap_or_default(),
            severity: rating(0, row)?,
            likelihood: rating(1, row)?,
            mitigations: mitigations.get(row).cloned().unwrap_or_default(),
            residual_severity: rating(2, row)?,
            residual_likelihood: rating(3, row)?,
        });
    }
    let fria = (one("fria") == "on").then(|| Fria {
        processes: one("fria_processes"),
        period_and_frequency: one("fria_period_and_frequency"),
        affected_categories: one("fria_affected_categories"),
        specific_risks: one("fria_specific_risks"),
        human_oversight: one("fria_human_oversight"),
        measures_if_risks_materialise: one("fria_measures_if_risks_materialise"),
    });
    let next_review = super::form_date("next_review", &one("next_review"))?;
    Ok((
        AssessmentContent {
            title: one("title"),
            scope: one("scope"),
            period_of_use: one("period_of_use"),
            affected_groups: one("affected_groups"),
            benefits: one("benefits"),
            harms,
            human_oversight: one("human_oversight"),
            residual_impact: one("residual_impact"),
            fria,
            next_review,
        },
        version,
    ))
}

/// `POST /impact-assessments/{id}`: saves the form as a new version.
pub async fn save(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ImpactAssessmentId>,
    body: String,
) -> Response {
    let (content, version) = match content_from_form(&body) {
        Ok(parsed) => parsed,
        Err(err) => return app_error_page(err),
    };
    match state
        .app
        .save_impact_assessment(&actor, id, version, content.clone())
        .await
    {
        Ok(_) => done(&format!("/impact-assessments/{id}"), "saved"),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                page_view(
                    &state,
                    &context,
                    &actor,
                    id,
                    AssessmentQuery::default(),
                    Some((content, version, status, message)),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// The version an approval is for.
#[derive(Deserialize)]
pub struct ApproveVersion {
    version: i64,
}

/// `POST /impact-assessments/{id}/approve`.
pub async fn approve(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Approve>,
    PageId(id): PageId<ImpactAssessmentId>,
    PageForm(form): PageForm<ApproveVersion>,
) -> Response {
    match state
        .app
        .approve_impact_assessment(&actor, id, form.version)
        .await
    {
        Ok(_) => done(&format!("/impact-assessments/{id}"), "approved"),
        Err(err) => match form_error(err) {
            Ok((status, message)) => {
                let record = state.app.impact_assessment(&actor, id).await;
                match record {
                    Ok(r) => {
                        let content = r.assessment.content.clone();
                        page_view(
                            &state,
                            &context,
                            &actor,
                            id,
                            AssessmentQuery::default(),
                            Some((content, r.assessment.version, status, message)),
                        )
                        .await
                    }
                    Err(err) => app_error_page(err),
                }
            }
            Err(other) => app_error_page(other),
        },
    }
}
