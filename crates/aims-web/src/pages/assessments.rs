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

use super::systems::{SystemForms, system_view};
use super::{Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Approve, Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// Empty harm rows offered below the existing ones.
const BLANK_HARMS: usize = 3;

/// The assessment form's fields; a harm's fields are `harms.<column>`.
const FIELDS: FormFields = FormFields {
    prefix: "a-",
    labels: &[
        ("title", "Title"),
        ("scope", "Scope"),
        ("period_of_use", "Period of use"),
        ("affected_groups", "Groups of people affected"),
        ("benefits", "Benefits"),
        ("harms", "Potential harms"),
        ("harms.kind", "Kind"),
        ("harms.description", "Harm"),
        ("harms.affected", "Falls on"),
        ("harms.severity", "Severity"),
        ("harms.likelihood", "Likelihood"),
        ("harms.mitigations", "Mitigations"),
        ("harms.residual_severity", "Rating after mitigation:"),
        ("harms.residual_likelihood", "Likelihood after mitigation"),
        ("human_oversight", "Human oversight"),
        ("residual_impact", "Residual impact"),
        ("next_review", "Next review"),
        ("fria", "FRIA:"),
        ("fria.processes", "FRIA point (a), processes,"),
        (
            "fria.period_and_frequency",
            "FRIA point (b), period and frequency,",
        ),
        (
            "fria.affected_categories",
            "FRIA point (c), categories of people,",
        ),
        ("fria.specific_risks", "FRIA point (d), specific risks,"),
        ("fria.human_oversight", "FRIA point (e), human oversight,"),
        (
            "fria.measures_if_risks_materialise",
            "FRIA point (f), measures if the risks materialise,",
        ),
        ("version", "The version saved from"),
    ],
};

/// The form that starts an assessment on a system's page.
const NEW_FIELDS: FormFields = FormFields {
    prefix: "ia-",
    labels: &[("title", "Title")],
};

/// A field of an assessment, or of a comparison of two versions, in words.
pub fn field_words(field: &str) -> String {
    if let Some(n) = field
        .strip_prefix("harms[")
        .and_then(|rest| rest.strip_suffix(']'))
    {
        return format!("Harm {n}");
    }
    let words = match field {
        "title" => "Title",
        "scope" => "Scope",
        "period_of_use" => "Period of use",
        "affected_groups" => "Groups of people affected",
        "benefits" => "Benefits",
        "harms" => "Potential harms",
        "human_oversight" => "Human oversight",
        "residual_impact" => "Residual impact",
        "next_review" => "Next review",
        "fria" => "Fundamental rights impact assessment (FRIA)",
        "fria.processes" => "FRIA (a): processes in which the system is used",
        "fria.period_and_frequency" => "FRIA (b): period and frequency of use",
        "fria.affected_categories" => "FRIA (c): categories of people likely to be affected",
        "fria.specific_risks" => "FRIA (d): specific risks of harm to them",
        "fria.human_oversight" => "FRIA (e): human oversight measures",
        "fria.measures_if_risks_materialise" => {
            "FRIA (f): measures if the risks materialise, governance and complaints"
        }
        other => return aims_app::domain::audit::field_words(other),
    };
    words.to_owned()
}

/// One harm row as typed.
#[derive(Clone, Default)]
pub struct HarmDraft {
    pub kind: String,
    pub description: String,
    pub affected: String,
    pub severity: String,
    pub likelihood: String,
    pub mitigations: String,
    pub residual_severity: String,
    pub residual_likelihood: String,
}

impl HarmDraft {
    fn of(h: &Harm) -> Self {
        HarmDraft {
            kind: h.kind.as_str().to_owned(),
            description: h.description.clone(),
            affected: h.affected.clone(),
            severity: h.severity.as_str().to_owned(),
            likelihood: h.likelihood.as_str().to_owned(),
            mitigations: h.mitigations.clone(),
            residual_severity: h.residual_severity.as_str().to_owned(),
            residual_likelihood: h.residual_likelihood.as_str().to_owned(),
        }
    }

    /// The harm the row states; names the column at fault.
    fn harm(&self) -> Result<Harm, ValidationError> {
        let rating = |field: &'static str, text: &str| {
            match text.trim() {
                "" => Ok(Rating::Low),
                t => t.parse::<Rating>(),
            }
            .map_err(|_| {
                let names: Vec<&str> = Rating::ALL.iter().map(|r| r.label()).collect();
                ValidationError::new(field, format!("must be one of {}", names.join(", ")))
            })
        };
        Ok(Harm {
            kind: self.kind.trim().parse().map_err(|_| {
                ValidationError::new("harms.kind", "must be one of the kinds listed")
            })?,
            description: self.description.clone(),
            affected: self.affected.clone(),
            severity: rating("harms.severity", &self.severity)?,
            likelihood: rating("harms.likelihood", &self.likelihood)?,
            mitigations: self.mitigations.clone(),
            residual_severity: rating("harms.residual_severity", &self.residual_severity)?,
            residual_likelihood: rating("harms.residual_likelihood", &self.residual_likelihood)?,
        })
    }
}

/// The assessment form as typed: every value as text, so that a form with a mistake comes
/// back exactly as it was posted.
#[derive(Clone, Default)]
pub struct AssessmentDraft {
    /// The version the form was loaded from.
    pub version: String,
    pub title: String,
    pub scope: String,
    pub period_of_use: String,
    pub affected_groups: String,
    pub benefits: String,
    pub harms: Vec<HarmDraft>,
    pub human_oversight: String,
    pub residual_impact: String,
    pub fria: Option<Fria>,
    pub next_review: String,
}

impl AssessmentDraft {
    /// The form filled in with `content`, saved as `version`.
    fn of(content: &AssessmentContent, version: i64) -> Self {
        AssessmentDraft {
            version: version.to_string(),
            title: content.title.clone(),
            scope: content.scope.clone(),
            period_of_use: content.period_of_use.clone(),
            affected_groups: content.affected_groups.clone(),
            benefits: content.benefits.clone(),
            harms: content.harms.iter().map(HarmDraft::of).collect(),
            human_oversight: content.human_oversight.clone(),
            residual_impact: content.residual_impact.clone(),
            fria: content.fria.clone(),
            next_review: content.next_review.map(super::date_of).unwrap_or_default(),
        }
    }

    /// The posted form as typed; repeated `harm_*` keys make the harm rows, and a row whose
    /// description is empty is left out.
    fn from_form(body: &str) -> Result<Self, String> {
        let pairs: Vec<(String, String)> =
            serde_urlencoded::from_str(body).map_err(|e| e.to_string())?;
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
        let columns: Vec<Vec<String>> = [
            "harm_kind",
            "harm_affected",
            "harm_severity",
            "harm_likelihood",
            "harm_mitigations",
            "harm_residual_severity",
            "harm_residual_likelihood",
        ]
        .iter()
        .map(|k| many(k))
        .collect();
        let cell =
            |column: usize, row: usize| columns[column].get(row).cloned().unwrap_or_default();
        let harms = many("harm_description")
            .into_iter()
            .enumerate()
            .filter(|(_, description)| !description.trim().is_empty())
            .map(|(row, description)| HarmDraft {
                kind: cell(0, row),
                description,
                affected: cell(1, row),
                severity: cell(2, row),
                likelihood: cell(3, row),
                mitigations: cell(4, row),
                residual_severity: cell(5, row),
                residual_likelihood: cell(6, row),
            })
            .collect();
        Ok(AssessmentDraft {
            version: one("version"),
            title: one("title"),
            scope: one("scope"),
            period_of_use: one("period_of_use"),
            affected_groups: one("affected_groups"),
            benefits: one("benefits"),
            harms,
            human_oversight: one("human_oversight"),
            residual_impact: one("residual_impact"),
            fria: (one("fria") == "on").then(|| Fria {
                processes: one("fria_processes"),
                period_and_frequency: one("fria_period_and_frequency"),
                affected_categories: one("fria_affected_categories"),
                specific_risks: one("fria_specific_risks"),
                human_oversight: one("fria_human_oversight"),
                measures_if_risks_materialise: one("fria_measures_if_risks_materialise"),
            }),
            next_review: one("next_review"),
        })
    }

    /// The content the form states and the version it was loaded from; a value that does not
    /// read names its field, with the harm row it is in.
    fn content(&self) -> Result<(AssessmentContent, i64), (ValidationError, Option<usize>)> {
        let version = self
            .version
            .trim()
            .parse::<i64>()
            .map_err(|_| (ValidationError::new("version", "is missing"), None))?;
        let harms = self
            .harms
            .iter()
            .enumerate()
            .map(|(row, h)| h.harm().map_err(|e| (e, Some(row))))
            .collect::<Result<Vec<_>, _>>()?;
        let next_review =
            super::form_date("next_review", &self.next_review).map_err(|e| (e, None))?;
        Ok((
            AssessmentContent {
                title: self.title.clone(),
                scope: self.scope.clone(),
                period_of_use: self.period_of_use.clone(),
                affected_groups: self.affected_groups.clone(),
                benefits: self.benefits.clone(),
                harms,
                human_oversight: self.human_oversight.clone(),
                residual_impact: self.residual_impact.clone(),
                fria: self.fria.clone(),
                next_review,
            },
            version,
        ))
    }

    /// The row of the first harm that `field` refuses, found by checking each harm alone.
    fn row_refused(&self, field: &str) -> Option<usize> {
        self.harms.iter().position(|h| {
            h.harm().is_ok_and(|harm| {
                let alone = AssessmentContent {
                    title: "x".into(),
                    harms: vec![harm],
                    ..Default::default()
                };
                alone.validate().is_err_and(|e| e.field == field)
            })
        })
    }
}

/// A change between two versions, in words.
pub struct ChangeRow {
    pub field: String,
    pub before: String,
    pub after: String,
}

fn change_row(c: ContentChange) -> ChangeRow {
    // A review date is stored as an instant; the day is what was chosen.
    let day = |text: String| match c.field.as_str() {
        "next_review" if text.len() > 10 && text.is_char_boundary(10) => text[..10].to_owned(),
        _ => text,
    };
    ChangeRow {
        before: day(c.before),
        after: day(c.after),
        field: field_words(&c.field),
    }
}

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
