//! The form that records a new AI system or changes one: the page, what the browser posts,
//! and its translation into the system's facts.

use aims_app::domain::inventory::{
    AiRole, Autonomy, DecisionsAboutPeople, LifecycleStage, SystemFacts, SystemStatus,
};
use aims_app::domain::{Actor, AiSystemId, ValidationError};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::Deserialize;

use super::{Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::identity::PageMember;
use crate::state::WebState;

/// The form's fields: each input's id is `s-` and the field's name.
const FIELDS: FormFields = FormFields {
    prefix: "s-",
    labels: &[
        ("name", "Name"),
        ("purpose", "Purpose"),
        ("description", "Description"),
        ("intended_use", "Intended use"),
        ("foreseeable_misuse", "Reasonably foreseeable misuse"),
        ("users", "People who use it"),
        ("affected_persons", "People affected by it"),
        ("decisions_about_people", "Decisions about people"),
        ("deployment_context", "Deployment context"),
        ("geography", "Where it is used"),
        ("roles", "Our roles"),
        ("lifecycle_stage", "Lifecycle stage"),
        ("status", "Status"),
        ("owner", "Owner"),
        ("autonomy", "Autonomy"),
        ("human_oversight", "Human oversight measures"),
        ("tags", "Tags"),
        ("out_of_scope", "Outside the scope, because"),
    ],
};

#[derive(Template)]
#[template(path = "system_form.html")]
struct SystemFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    /// The system being changed; `None` for a new one.
    editing: Option<AiSystemId>,
    form: SystemPageForm,
    members: Vec<(String, String)>,
    stages: &'static [LifecycleStage],
    statuses: &'static [SystemStatus],
    roles: &'static [AiRole],
    autonomies: &'static [Autonomy],
    decisions: &'static [DecisionsAboutPeople],
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<AiSystemId>,
    form: SystemPageForm,
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
        &SystemFormPage {
            chrome: Some(Chrome::new(context, "systems")),
            notice: None,
            problem,
            editing,
            form,
            members,
            stages: LifecycleStage::ALL,
            statuses: SystemStatus::ALL,
            roles: AiRole::ALL,
            autonomies: Autonomy::ALL,
            decisions: DecisionsAboutPeople::ALL,
        },
    )
}

/// The form re-shown with what was wrong, or the error page when it is not about the input.
/// When someone else changed the system meanwhile, the form keeps what this person typed
/// but is now based on the stored revision, and says which fields differ from it: saving
/// again then replaces the other change knowingly instead of failing again.
async fn form_failed(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<AiSystemId>,
    mut form: SystemPageForm,
    err: AppError,
) -> Response {
    let conflict = matches!(err, AppError::Conflict(_));
    let mut problem = match FormProblem::from_error(err, &FIELDS) {
        Ok(problem) => problem,
        Err(other) => return app_error_page(other),
    };
    if let (true, Some(id)) = (conflict, editing) {
        let stored = match state.app.ai_system(actor, id).await {
            Ok(stored) => stored,
            Err(err) => return app_error_page(err),
        };
        if form.revision != Some(stored.revision) {
            problem.general = Some(changed_meanwhile(&stored, &form));
            form.revision = Some(stored.revision);
        }
    }
    form_view(state, context, actor, editing, form, problem).await
}

/// What to say when someone else changed `stored` while this person edited `form`.
fn changed_meanwhile(
    stored: &aims_app::domain::inventory::AiSystem,
    form: &SystemPageForm,
) -> String {
    let differ: Vec<&str> = form
        .facts()
        .map(|typed| stored.facts.changed_fields(&typed))
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            FIELDS
                .labels
                .iter()
                .find(|(name, _)| *name == f)
                .map_or(f, |(_, label)| *label)
        })
        .collect();
    let differences = match differ.as_slice() {
        [] => "Your values are the same as the stored ones.".to_owned(),
        [one] => format!("{one} differs from what is stored now."),
        [rest @ .., last] => format!(
            "{} and {last} differ from what is stored now.",
            rest.join(", ")
        ),
    };
    format!(
        "Someone else changed this AI system while you were editing it (it is now at revision {}). \
         Your changes are below as you typed them. {differences} Save again to replace the stored \
         values with yours, or cancel to keep theirs.",
        stored.revision
    )
}

/// `GET /systems/new`.
pub async fn new_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
) -> Response {
    let form = SystemPageForm::from_facts(&SystemFacts::new("", ""), 0);
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /systems/new`.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(form): PageForm<SystemPageForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => state.app.create_ai_system(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(system) => done(&format!("/systems/{}", system.id), "created"),
        Err(err) => form_failed(&state, &context, &actor, None, form, err).await,
    }
}

/// `GET /systems/{id}/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(id): PageId<AiSystemId>,
) -> Response {
    match state.app.ai_system(&actor, id).await {
        Ok(s) => {
            form_view(
                &state,
                &context,
                &actor,
                Some(id),
                SystemPageForm::from_facts(&s.facts, s.revision),
                FormProblem::default(),
            )
            .await
        }
        Err(err) => app_error_page(err),
    }
}

/// `POST /systems/{id}/edit`.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AiSystemId>,
    PageForm(form): PageForm<SystemPageForm>,
) -> Response {
    let result = match form.facts() {
        Ok(facts) => {
            state
                .app
                .update_ai_system(&actor, id, form.revision.unwrap_or(0), facts)
                .await
        }
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(_) => done(&format!("/systems/{id}"), "saved"),
        Err(err) => form_failed(&state, &context, &actor, Some(id), form, err).await,
    }
}

/// The system form as the browser posts it: lists as comma-separated text, each role a box.
#[derive(Deserialize, Default, Clone)]
pub struct SystemPageForm {
    #[serde(default)]
    pub(crate) name: String,
    #[serde(default)]
    pub(crate) purpose: String,
    #[serde(default)]
    pub(crate) description: String,
    #[serde(default)]
    pub(crate) intended_use: String,
    #[serde(default)]
    pub(crate) foreseeable_misuse: String,
    #[serde(default)]
    pub(crate) users: String,
    #[serde(default)]
    pub(crate) affected_persons: String,
    #[serde(default)]
    pub(crate) deployment_context: String,
    #[serde(default)]
    pub(crate) geography: String,
    #[serde(default)]
    pub(crate) lifecycle_stage: String,
    pub(crate) role_provider: Option<String>,
    pub(crate) role_developer: Option<String>,
    pub(crate) role_deployer: Option<String>,
    pub(crate) role_importer: Option<String>,
    pub(crate) role_distributor: Option<String>,
    pub(crate) role_user: Option<String>,
    #[serde(default)]
    pub(crate) owner: String,
    #[serde(default)]
    pub(crate) autonomy: String,
    #[serde(default)]
    pub(crate) human_oversight: String,
    #[serde(default)]
    pub(crate) decisions_about_people: String,
    #[serde(default)]
    pub(crate) status: String,
    #[serde(default)]
    pub(crate) tags: String,
    #[serde(default)]
    pub(crate) out_of_scope: String,
    pub(crate) revision: Option<i64>,
}

fn split_list(text: &str) -> Vec<String> {
    text.split(',')
        .map(|s| s.trim().to_owned())
        .filter(|s| !s.is_empty())
        .collect()
}

impl SystemPageForm {
    /// The form filled in with `f`, at `revision`.
    pub(crate) fn from_facts(f: &SystemFacts, revision: i64) -> Self {
        let has = |r: AiRole| f.roles.contains(&r).then(|| "on".to_owned());
        Self {
            name: f.name.clone(),
            purpose: f.purpose.clone(),
            description: f.description.clone(),
            intended_use: f.intended_use.clone(),
            foreseeable_misuse: f.foreseeable_misuse.clone(),
            users: f.users.clone(),
            affected_persons: f.affected_persons.clone(),
            deployment_context: f.deployment_context.clone(),
            geography: f.geography.join(", "),
            lifecycle_stage: f.lifecycle_stage.as_str().into(),
            role_provider: has(AiRole::Provider),
            role_developer: has(AiRole::Developer),
            role_deployer: has(AiRole::Deployer),
            role_importer: has(AiRole::Importer),
            role_distributor: has(AiRole::Distributor),
            role_user: has(AiRole::User),
            owner: f.owner.map(|o| o.to_string()).unwrap_or_default(),
            autonomy: f.autonomy.as_str().into(),
            human_oversight: f.human_oversight.clone(),
            decisions_about_people: f.decisions_about_people.as_str().into(),
            status: f.status.as_str().into(),
            tags: f.tags.join(", "),
            out_of_scope: f.out_of_scope.clone(),
            revision: Some(revision),
        }
    }

    /// Whether the box of `role` is ticked.
    pub(crate) fn has_role(&self, role: &AiRole) -> bool {
        match role {
            AiRole::Provider => self.role_provider.is_some(),
            AiRole::Developer => self.role_developer.is_some(),
            AiRole::Deployer => self.role_deployer.is_some(),
            AiRole::Importer => self.role_importer.is_some(),
            AiRole::Distributor => self.role_distributor.is_some(),
            AiRole::User => self.role_user.is_some(),
        }
    }

    /// The system's facts the form states; names the field at fault.
    pub(crate) fn facts(&self) -> Result<SystemFacts, ValidationError> {
        Ok(SystemFacts {
            name: self.name.clone(),
            purpose: self.purpose.clone(),
            description: self.description.clone(),
            intended_use: self.intended_use.clone(),
            foreseeable_misuse: self.foreseeable_misuse.clone(),
            users: self.users.clone(),
            affected_persons: self.affected_persons.clone(),
            deployment_context: self.deployment_context.clone(),
            geography: split_list(&self.geography),
            lifecycle_stage: self.lifecycle_stage.parse()?,
            roles: AiRole::ALL
                .iter()
                .copied()
                .filter(|r| self.has_role(r))
                .collect(),
            owner: match self.owner.trim() {
                "" => None,
                o => Some(
                    o.parse()
                        .map_err(|_| ValidationError::new("owner", "must be a member"))?,
                ),
            },
            autonomy: self.autonomy.parse()?,
            human_oversight: self.human_oversight.clone(),
            decisions_about_people: self.decisions_about_people.parse()?,
            status: self.status.parse()?,
            tags: split_list(&self.tags),
            out_of_scope: self.out_of_scope.clone(),
        })
    }
}
