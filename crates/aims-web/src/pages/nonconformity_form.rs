//! The pages that record a nonconformity and change an open one.

use aims_app::domain::account::Member;
use aims_app::domain::evidence::{Target, TargetKind};
use aims_app::domain::improvement::{
    CauseCategory, Grade, Nonconformity, NonconformityFacts, NonconformitySource,
};
use aims_app::domain::{Actor, NonconformityId, ValidationError};
use aims_app::{AppError, ISO_42001, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::metric_form::system_choices;
use super::{
    Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, date_of, done, form_date,
    form_id, render,
};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of the form, with the labels their messages use.
const FIELDS: FormFields = FormFields {
    prefix: "nc-",
    labels: &[
        ("title", "What is wrong"),
        ("description", "What was found"),
        ("location", "Where"),
        ("system", "AI system"),
        ("requirements", "Requirements not met"),
        ("source", "Found by"),
        ("source_ref", "Reference of the finding"),
        ("grade", "Grade"),
        ("owner", "Owner"),
        ("detected_on", "Found on"),
        ("containment", "Containment"),
        ("correction", "Correction"),
        ("root_cause", "Root cause"),
        ("cause_category", "Kind of cause"),
    ],
};

/// A nonconformity as its form carries it: every field as text.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct NonconformityForm {
    pub title: String,
    pub description: String,
    pub location: String,
    pub system: String,
    /// Clause and control ids, separated by commas: `8.4, A.5.2`.
    pub requirements: String,
    pub source: String,
    pub source_ref: String,
    pub grade: String,
    pub owner: String,
    pub detected_on: String,
    pub containment: String,
    pub correction: String,
    pub root_cause: String,
    pub cause_category: String,
    pub revision: String,
}

/// Reads `8.4, A.5.2` as the clause 8.4 of ISO/IEC 42001 and the control A.5.2.
fn requirements_of(text: &str) -> Vec<Target> {
    text.split([',', ';', '\n'])
        .map(str::trim)
        .filter(|id| !id.is_empty())
        .map(|id| match id.strip_prefix(&format!("{ISO_42001}:")) {
            Some(clause) => Target {
                kind: TargetKind::Requirement,
                id: format!("{ISO_42001}:{clause}"),
            },
            None if id.starts_with("A.") => Target {
                kind: TargetKind::Control,
                id: id.to_owned(),
            },
            None => Target {
                kind: TargetKind::Requirement,
                id: format!("{ISO_42001}:{id}"),
            },
        })
        .collect()
}

/// The requirements as the form shows them: `8.4, A.5.2`.
pub fn requirements_text(targets: &[Target]) -> String {
    targets
        .iter()
        .map(|t| {
            t.id.strip_prefix(&format!("{ISO_42001}:"))
                .unwrap_or(&t.id)
                .to_owned()
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The use case names an unknown requirement `requirements.id`; the form has one field.
fn at_requirements(err: AppError) -> AppError {
    match err {
        AppError::Invalid(v) if v.field == "requirements.id" => {
            AppError::Invalid(ValidationError::new("requirements", v.message))
        }
        other => other,
    }
}

impl NonconformityForm {
    fn blank(today: aims_app::domain::Timestamp) -> Self {
        NonconformityForm {
            grade: Grade::Minor.as_str().into(),
            source: NonconformitySource::InternalAudit.as_str().into(),
            detected_on: date_of(today),
            ..Default::default()
        }
    }

    fn of(n: &Nonconformity) -> Self {
        let f = &n.facts;
        NonconformityForm {
            title: f.title.clone(),
            description: f.description.clone(),
            location: f.location.clone(),
            system: f.system.map(|s| s.to_string()).unwrap_or_default(),
            requirements: requirements_text(&f.requirements),
            source: f.source.as_str().into(),
            source_ref: f.source_ref.clone(),
            grade: f.grade.as_str().into(),
            owner: f.owner.map(|u| u.to_string()).unwrap_or_default(),
            detected_on: date_of(f.detected_on),
            containment: f.containment.clone(),
            correction: f.correction.clone(),
            root_cause: f.root_cause.clone(),
            cause_category: f
                .cause_category
                .map(|c| c.as_str().to_owned())
                .unwrap_or_default(),
            revision: n.revision.to_string(),
        }
    }

    fn facts(&self) -> Result<NonconformityFacts, ValidationError> {
        Ok(NonconformityFacts {
            title: self.title.clone(),
            description: self.description.clone(),
            location: self.location.clone(),
            system: form_id(
                "system",
                &self.system,
                "one of the organisation's AI systems",
            )?,
            requirements: requirements_of(&self.requirements),
            source: self.source.trim().parse()?,
            source_ref: self.source_ref.clone(),
            grade: self.grade.trim().parse()?,
            owner: form_id("owner", &self.owner, "a member of the organisation")?,
            detected_on: form_date("detected_on", &self.detected_on)?
                .ok_or_else(|| ValidationError::new("detected_on", "give the day it was found"))?,
            containment: self.containment.clone(),
            correction: self.correction.clone(),
            root_cause: self.root_cause.clone(),
            cause_category: match self.cause_category.trim() {
                "" => None,
                c => Some(c.parse()?),
            },
        })
    }
}

#[derive(Template)]
#[template(path = "nonconformity_form.html")]
struct NonconformityFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    /// The nonconformity changed, by id and reference.
    editing: Option<(NonconformityId, String)>,
    form: NonconformityForm,
    problem: FormProblem,
    members: Vec<Member>,
    systems: Vec<(String, String)>,
    sources: &'static [NonconformitySource],
    grades: &'static [Grade],
    causes: &'static [CauseCategory],
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<(NonconformityId, String)>,
    form: NonconformityForm,
    problem: FormProblem,
) -> Response {
    let loaded = async {
        let members = state.app.members(actor).await?;
        let systems = system_choices(state, actor, &form.system).await?;
        Ok::<_, AppError>((members, systems))
    };
    let (members, systems) = match loaded.await {
        Ok(loaded) => loaded,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &NonconformityFormPage {
            chrome: Some(Chrome::new(context, "nonconformities")),
            notice: None,
            editing,
            form,
            problem,
            members,
            systems,
            sources: NonconformitySource::ALL,
            grades: Grade::ALL,
            causes: CauseCategory::ALL,
        },
    )
}

/// Where a new nonconformity comes from, when another record's page raises it: the form
/// opens with these filled in.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RaisedFrom {
    source: String,
    source_ref: String,
    system: String,
    requirements: String,
    title: String,
}

/// `GET /nonconformities/new`, filled in from `?source=&source_ref=&system=&requirements=&title=`
/// when another record's page raises it.
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    Query(from): Query<RaisedFrom>,
) -> Response {
    let mut form = NonconformityForm::blank(state.app.now());
    if NonconformitySource::ALL
        .iter()
        .any(|s| s.as_str() == from.source)
    {
        form.source = from.source;
    }
    form.source_ref = from.source_ref;
    form.system = from.system;
    form.requirements = from.requirements;
    form.title = from.title;
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /nonconformities`: records it and opens its page.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<NonconformityForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state
            .app
            .record_nonconformity(&actor, facts)
            .await
            .map_err(at_requirements),
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(n) => done(&format!("/nonconformities/{}", n.id), "created"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /nonconformities/{id}/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<NonconformityId>,
) -> Response {
    match state.app.nonconformity(&actor, id).await {
        Ok(record) => {
            let n = &record.nonconformity;
            let editing = Some((id, n.reference()));
            let form = NonconformityForm::of(n);
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

/// `POST /nonconformities/{id}`: saves the changes from the revision the form was read at.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<NonconformityId>,
    PageForm(mut form): PageForm<NonconformityForm>,
) -> Response {
    let result = async {
        let facts = form.facts()?;
        let revision = form.revision.trim().parse().map_err(|_| {
            ValidationError::new("revision", "must be the nonconformity's revision")
        })?;
        state
            .app
            .update_nonconformity(&actor, id, revision, facts)
            .await
            .map_err(at_requirements)
    };
    let Err(err) = result.await else {
        return done(&format!("/nonconformities/{id}"), "saved");
    };
    let current = match state.app.nonconformity(&actor, id).await {
        Ok(record) => record.nonconformity,
        Err(err) => return app_error_page(err),
    };
    let problem = match err {
        // A closed one refuses any change, whatever the revision: that message is shown.
        AppError::Conflict(_) if current.revision.to_string() != form.revision.trim() => {
            form.revision = current.revision.to_string();
            FormProblem::changed_meanwhile("nonconformity")
        }
        other => match FormProblem::from_error(other, &FIELDS) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let editing = Some((id, current.reference()));
    form_view(&state, &context, &actor, editing, form, problem).await
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn requirements_read_as_clauses_and_controls_and_back() {
        let targets = requirements_of("8.4, A.5.2;\n iso-iec-42001:10.2,");
        assert_eq!(
            targets
                .iter()
                .map(|t| (t.kind, t.id.as_str()))
                .collect::<Vec<_>>(),
            [
                (TargetKind::Requirement, "iso-iec-42001:8.4"),
                (TargetKind::Control, "A.5.2"),
                (TargetKind::Requirement, "iso-iec-42001:10.2"),
            ]
        );
        assert_eq!(requirements_text(&targets), "8.4, A.5.2, 10.2");
    }
}
