//! Impact assessment pages: start one from a system's page, edit it as new versions,
//! compare versions, approve.

use aims_app::domain::impact::{AssessmentContent, Fria, HarmKind, Rating};
use aims_app::domain::{Actor, AiSystemId, ImpactAssessmentId, Permission};
use aims_app::{AppError, AssessmentRecord, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::systems::{SystemForms, system_view};
use super::{Chrome, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Approve, Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

use super::assessment_form::{
    AssessmentDraft, BLANK_HARMS, ChangeRow, FIELDS, NEW_FIELDS, change_row,
};

#[derive(Template)]
#[template(path = "assessment.html")]
struct AssessmentPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    record: AssessmentRecord,
    /// The form as shown: the latest version, or what was just posted with a mistake.
    form: AssessmentDraft,
    /// The version saving makes.
    next_version: i64,
    /// The FRIA points the form shows (empty when the assessment has none yet).
    fria: Fria,
    blank_harms: usize,
    current: bool,
    /// What the latest version lacks before it can be approved.
    missing: Vec<String>,
    changes: Option<(i64, i64, Vec<ChangeRow>)>,
    can_edit: bool,
    can_approve: bool,
    kinds: &'static [HarmKind],
    ratings: &'static [Rating],
    problem: FormProblem,
    /// The harm row the problem is about, if it is about one.
    harm_row: Option<usize>,
}

/// A harm row's index, however many references a template wraps it in.
trait RowIndex {
    fn index(&self) -> usize;
}

impl RowIndex for usize {
    fn index(&self) -> usize {
        *self
    }
}

impl<T: RowIndex + ?Sized> RowIndex for &T {
    fn index(&self) -> usize {
        (**self).index()
    }
}

impl AssessmentPage {
    /// What approval waits for, as one phrase: `a, b and c`.
    fn missing_words(&self) -> String {
        match self.missing.split_last() {
            None => String::new(),
            Some((last, [])) => last.clone(),
            Some((last, rest)) => format!("{} and {last}", rest.join(", ")),
        }
    }

    /// The attributes that mark the `column` input of harm row `row` invalid.
    fn harm_attrs(&self, row: impl RowIndex, column: &str) -> String {
        match self.harm_row {
            Some(r) if r == row.index() => self.problem.attrs(&format!("harms.{column}")),
            _ => String::new(),
        }
    }

    /// The id and message of the problem with harm row `row`, if it has one.
    fn harm_problem(&self, row: impl RowIndex) -> Option<(String, String)> {
        if self.harm_row != Some(row.index()) {
            return None;
        }
        let p = self.problem.fields.first()?;
        Some((self.problem.message_id(p.field), p.message.clone()))
    }
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

/// The form as posted, what was wrong with it, and the harm row it was about.
struct Posted {
    form: AssessmentDraft,
    problem: FormProblem,
    harm_row: Option<usize>,
}

async fn page_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    id: ImpactAssessmentId,
    q: AssessmentQuery,
    posted: Option<Posted>,
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
            Ok(changes) => Some((from, to, changes.into_iter().map(change_row).collect())),
            Err(err) => return app_error_page(err),
        },
        _ => None,
    };
    let Posted {
        form,
        problem,
        harm_row,
    } = posted.unwrap_or_else(|| Posted {
        form: AssessmentDraft::of(&record.assessment.content, record.assessment.version),
        problem: FormProblem::default(),
        harm_row: None,
    });
    render(
        problem.status(),
        &AssessmentPage {
            chrome: Some(Chrome::new(context, "systems")),
            notice: notice(q.done.as_deref()),
            current: record.assessment.is_current(state.app.now()),
            missing: record.missing_for_approval(),
            next_version: form
                .version
                .trim()
                .parse::<i64>()
                .unwrap_or(record.assessment.version)
                + 1,
            fria: form.fria.clone().unwrap_or_default(),
            form,
            blank_harms: BLANK_HARMS,
            changes,
            can_edit: actor.role.grants(Permission::EditContent),
            can_approve: actor.role.grants(Permission::ApproveContent),
            kinds: HarmKind::ALL,
            ratings: Rating::ALL,
            problem,
            harm_row,
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

/// The title of a new assessment; kept as typed when it is refused.
#[derive(Deserialize)]
pub struct NewAssessment {
    #[serde(default)]
    title: String,
}

/// `POST /systems/{id}/impact-assessments`: the new assessment's page, or the system's page
/// again with the title as typed and what was wrong with it.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(system): PageId<AiSystemId>,
    PageForm(form): PageForm<NewAssessment>,
) -> Response {
    let content = AssessmentContent {
        title: form.title.clone(),
        ..Default::default()
    };
    match state
        .app
        .create_impact_assessment(&actor, system, content)
        .await
    {
        Ok(created) => done(&format!("/impact-assessments/{}", created.id), "created"),
        Err(err) => match FormProblem::from_error(err, &NEW_FIELDS) {
            Ok(problem) => {
                let forms = SystemForms {
                    assessment_title: Some(form.title),
                    assessment_problem: problem,
                    ..Default::default()
                };
                system_view(&state, &context, &actor, system, None, forms).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /impact-assessments/{id}`: saves the form as a new version, or shows it again as
/// posted with what was wrong.
pub async fn save(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<ImpactAssessmentId>,
    body: String,
) -> Response {
    let mut form = match AssessmentDraft::from_form(&body) {
        Ok(form) => form,
        Err(unreadable) => {
            let problem = FormProblem::general(
                StatusCode::BAD_REQUEST,
                format!("The form could not be read ({unreadable}); nothing was saved."),
            );
            let record = match state.app.impact_assessment(&actor, id).await {
                Ok(record) => record,
                Err(err) => return app_error_page(err),
            };
            let form = AssessmentDraft::of(&record.assessment.content, record.assessment.version);
            let posted = Posted {
                form,
                problem,
                harm_row: None,
            };
            return page_view(
                &state,
                &context,
                &actor,
                id,
                Default::default(),
                Some(posted),
            )
            .await;
        }
    };
    let result = match form.content() {
        Ok((content, version)) => state
            .app
            .save_impact_assessment(&actor, id, version, content)
            .await
            .map_err(|e| (e, None)),
        Err((invalid, row)) => Err((invalid.into(), row)),
    };
    let Err((err, row)) = result else {
        return done(&format!("/impact-assessments/{id}"), "saved");
    };
    let conflict = matches!(err, AppError::Conflict(_));
    let mut problem = match FormProblem::from_error(err, &FIELDS) {
        Ok(problem) => problem,
        Err(other) => return app_error_page(other),
    };
    if conflict {
        // Someone saved a version meanwhile: the form keeps what this person typed, now based
        // on the latest version, so that saving again replaces it knowingly.
        match state.app.impact_assessment(&actor, id).await {
            Ok(latest) => {
                let v = latest.assessment.version;
                problem.general = Some(format!(
                    "Someone else saved version {v} of this assessment while you were editing it. \
                     Your text is below as you typed it: compare it with version {v} in the list of \
                     versions, then save again to make version {} from your text.",
                    v + 1
                ));
                form.version = v.to_string();
            }
            Err(err) => return app_error_page(err),
        }
    }
    let field = problem.fields.first().map(|p| p.field);
    let harm_row = match (row, field) {
        (Some(row), _) => Some(row),
        (None, Some(f)) if f.starts_with("harms.") => form.row_refused(f),
        _ => None,
    };
    if let (Some(row), Some(p)) = (harm_row, problem.fields.first_mut()) {
        let column = p.field.trim_start_matches("harms.");
        p.input = format!("a-harm{}-{column}", row + 1);
        p.message = format!("Harm {}: {}", row + 1, p.message);
    }
    let posted = Posted {
        form,
        problem,
        harm_row,
    };
    page_view(
        &state,
        &context,
        &actor,
        id,
        Default::default(),
        Some(posted),
    )
    .await
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
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                let record = match state.app.impact_assessment(&actor, id).await {
                    Ok(record) => record,
                    Err(err) => return app_error_page(err),
                };
                let posted = Posted {
                    form: AssessmentDraft::of(
                        &record.assessment.content,
                        record.assessment.version,
                    ),
                    problem,
                    harm_row: None,
                };
                page_view(
                    &state,
                    &context,
                    &actor,
                    id,
                    Default::default(),
                    Some(posted),
                )
                .await
            }
            Err(other) => app_error_page(other),
        },
    }
}
