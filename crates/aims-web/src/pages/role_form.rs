//! The pages that define and change a role of the management system, and delete it. A
//! refused form comes back as it was typed, with what was wrong next to each field.

use aims_app::domain::account::Member;
use aims_app::domain::competence::{AimsRole, AimsRoleFacts};
use aims_app::domain::id::AimsRoleId;
use aims_app::domain::{Actor, ValidationError};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::State;
use axum::response::Response;

use super::{Chrome, FormFields, FormProblem, PageForm, PageId, app_error_page, done, render};
use crate::allowed::{Edit, PageAllowed};
use crate::state::WebState;

/// The fields of the role form, with the labels their messages use.
pub const FIELDS: FormFields = FormFields {
    prefix: "r-",
    labels: &[
        ("name", "Name"),
        ("responsibilities", "Responsibilities"),
        ("competences", "Competences it needs"),
        ("holders", "Held by"),
        ("references", "Clauses and controls it serves"),
    ],
};

/// A role as its form carries it: lists one entry a line, holders as the checked members.
#[derive(Default, Clone)]
pub struct RoleForm {
    pub name: String,
    pub responsibilities: String,
    pub competences: String,
    pub holders: Vec<String>,
    pub references: String,
    pub revision: String,
}

fn lines(text: &str) -> Vec<String> {
    text.lines().map(str::to_owned).collect()
}

impl RoleForm {
    /// The form filled in with `role` as it stands.
    pub fn of(role: &AimsRole) -> Self {
        let f = &role.facts;
        RoleForm {
            name: f.name.clone(),
            responsibilities: f.responsibilities.clone(),
            competences: f.competences.join("\n"),
            holders: f.holders.iter().map(|u| u.to_string()).collect(),
            references: f.references.join("\n"),
            revision: role.revision.to_string(),
        }
    }

    /// The form as posted: `holders` once for each checked member.
    pub fn posted(pairs: Vec<(String, String)>) -> Self {
        let mut form = RoleForm::default();
        for (name, value) in pairs {
            match name.as_str() {
                "name" => form.name = value,
                "responsibilities" => form.responsibilities = value,
                "competences" => form.competences = value,
                "holders" => form.holders.push(value),
                "references" => form.references = value,
                "revision" => form.revision = value,
                _ => {}
            }
        }
        form
    }

    /// The facts the form states, or the first field that is wrong.
    pub fn facts(&self) -> Result<AimsRoleFacts, ValidationError> {
        let holders = self
            .holders
            .iter()
            .map(|h| {
                h.trim().parse().map_err(|_| {
                    ValidationError::new("holders", "must be members of the organisation")
                })
            })
            .collect::<Result<_, _>>()?;
        Ok(AimsRoleFacts {
            name: self.name.clone(),
            responsibilities: self.responsibilities.clone(),
            competences: lines(&self.competences),
            holders,
            references: lines(&self.references),
        })
    }

    /// Whether `member` is checked.
    pub fn holds(&self, member: &Member) -> bool {
        let id = member.user.to_string();
        self.holders.iter().any(|h| h.trim() == id)
    }
}

#[derive(Template)]
#[template(path = "role_form.html")]
struct RoleFormPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    /// The role being changed, with its name as it stands; `None` for a new one.
    editing: Option<(AimsRoleId, String)>,
    form: RoleForm,
    problem: FormProblem,
    members: Vec<Member>,
}

async fn form_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    editing: Option<(AimsRoleId, String)>,
    form: RoleForm,
    problem: FormProblem,
) -> Response {
    let members = match state.app.members(actor).await {
        Ok(members) => members,
        Err(err) => return app_error_page(err),
    };
    render(
        problem.status(),
        &RoleFormPage {
            chrome: Some(Chrome::new(context, "roles")),
            notice: None,
            editing,
            form,
            problem,
            members,
        },
    )
}

/// `GET /roles/new`.
pub async fn new_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
) -> Response {
    let form = RoleForm::default();
    form_view(&state, &context, &actor, None, form, FormProblem::default()).await
}

/// `POST /roles`: defines the role and opens it.
pub async fn create(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let form = RoleForm::posted(pairs);
    let result = match form.facts() {
        Ok(facts) => state.app.create_aims_role(&actor, facts).await,
        Err(invalid) => Err(invalid.into()),
    };
    match result {
        Ok(role) => done(&format!("/roles/{}", role.id), "created"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => form_view(&state, &context, &actor, None, form, problem).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `GET /roles/{id}/edit`.
pub async fn edit_page(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AimsRoleId>,
) -> Response {
    match state.app.aims_role(&actor, id).await {
        Ok(role) => {
            let editing = Some((id, role.facts.name.clone()));
            let form = RoleForm::of(&role);
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

/// `POST /roles/{id}`: saves the changed role from the revision the form was read at.
pub async fn update(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AimsRoleId>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let mut form = RoleForm::posted(pairs);
    let result = async {
        let facts = form.facts()?;
        let revision = form
            .revision
            .trim()
            .parse()
            .map_err(|_| ValidationError::new("revision", "must be the role's revision"))?;
        state
            .app
            .update_aims_role(&actor, id, revision, facts)
            .await
    };
    let Err(err) = result.await else {
        return done(&format!("/roles/{id}"), "saved");
    };
    let current = match state.app.aims_role(&actor, id).await {
        Ok(role) => role,
        Err(err) => return app_error_page(err),
    };
    let problem = match err {
        AppError::Conflict(_) => {
            // The changes stay in the form, now against the revision that stands.
            form.revision = current.revision.to_string();
            FormProblem::changed_meanwhile("role")
        }
        other => match FormProblem::from_error(other, &FIELDS) {
            Ok(problem) => problem,
            Err(other) => return app_error_page(other),
        },
    };
    let editing = Some((id, current.facts.name));
    form_view(&state, &context, &actor, editing, form, problem).await
}

/// `POST /roles/{id}/delete`: deletes the role; its holders' training records stay.
pub async fn delete(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<Edit>,
    PageId(id): PageId<AimsRoleId>,
) -> Response {
    match state.app.delete_aims_role(&actor, id).await {
        Ok(()) => done("/roles", "deleted"),
        Err(err) => app_error_page(err),
    }
}
