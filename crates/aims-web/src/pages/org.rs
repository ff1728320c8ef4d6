//! The organisation's settings and switching organisation.

use aims_app::domain::{Actor, OrgId, Permission, Role};
use aims_app::{AppError, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{
    Chrome, Done, FormFields, FormProblem, PageForm, app_error_page, done, notice_for, render,
};
use crate::allowed::{ManageOrganisation, PageAllowed};
use crate::identity::{PageMember, PageUser};
use crate::state::WebState;

/// The organisation to switch to.
#[derive(Deserialize)]
pub struct SwitchForm {
    org: String,
}

/// `POST /switch-org`.
pub async fn switch_org(
    State(state): State<WebState>,
    PageUser(context): PageUser,
    PageForm(form): PageForm<SwitchForm>,
) -> Response {
    let Ok(org) = form.org.parse::<OrgId>() else {
        return app_error_page(aims_app::AppError::NotFound("organisation"));
    };
    match state.app.switch_org(&context, org).await {
        Ok(()) => Redirect::to("/").into_response(),
        Err(err) => app_error_page(err),
    }
}

#[derive(Template)]
#[template(path = "settings.html")]
struct SettingsPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    problem: FormProblem,
    org_id: String,
    created_at: aims_app::domain::Timestamp,
    /// The name as stored.
    name: String,
    /// The name the form shows: as stored, or as typed when it was refused.
    typed_name: String,
    can_manage: bool,
    /// The roles that may approve documents: as stored, or as ticked when refused.
    approvers: Vec<Role>,
    /// The roles the approvers form offers: those that run the management system.
    approver_choices: &'static [Role],
    approvers_problem: FormProblem,
}

/// The rename form's field.
const FIELDS: FormFields = FormFields {
    prefix: "org-",
    labels: &[("name", "Name")],
};

/// The approvers form's field.
const APPROVER_FIELDS: FormFields = FormFields {
    prefix: "approvers-",
    labels: &[("roles", "Who may approve documents")],
};

/// What the page shows besides the stored settings: a notice, or a refused form as typed.
#[derive(Default)]
struct Shown {
    notice: Option<String>,
    typed_name: Option<String>,
    problem: FormProblem,
    ticked: Option<Vec<Role>>,
    approvers_problem: FormProblem,
}

async fn settings_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    shown: Shown,
) -> Response {
    let loaded = async {
        let org = state.app.organisation(actor).await?;
        let approvers = state.app.document_approvers(actor).await?;
        Ok::<_, AppError>((org, approvers))
    };
    match loaded.await {
        Ok((org, approvers)) => render(
            shown.problem.status().max(shown.approvers_problem.status()),
            &SettingsPage {
                chrome: Some(Chrome::new(context, "settings")),
                notice: shown.notice,
                problem: shown.problem,
                org_id: org.id.to_string(),
                created_at: org.created_at,
                typed_name: shown.typed_name.unwrap_or_else(|| org.name.clone()),
                name: org.name,
                can_manage: actor.role.grants(Permission::ManageOrganisation),
                approvers: shown.ticked.unwrap_or(approvers),
                approver_choices: &[Role::Owner, Role::Admin, Role::Editor],
                approvers_problem: shown.approvers_problem,
            },
        ),
        Err(err) => app_error_page(err),
    }
}

/// `GET /settings`.
pub async fn settings_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    let notice = match q.done.as_deref() {
        Some("approvers") => Some("Who may approve documents was changed.".to_owned()),
        code => notice_for(code),
    };
    let shown = Shown {
        notice,
        ..Default::default()
    };
    settings_view(&state, &context, &actor, shown).await
}

/// The organisation's new name; kept as typed when it is refused.
#[derive(Deserialize)]
pub struct RenameForm {
    #[serde(default)]
    name: String,
}

/// `POST /settings`.
pub async fn rename(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageForm(form): PageForm<RenameForm>,
) -> Response {
    match state.app.rename_org(&actor, &form.name).await {
        Ok(_) => done("/settings", "renamed"),
        Err(err) => match FormProblem::from_error(err, &FIELDS) {
            Ok(problem) => {
                let shown = Shown {
                    typed_name: Some(form.name),
                    problem,
                    ..Default::default()
                };
                settings_view(&state, &context, &actor, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /settings/document-approvers`: the roles ticked, each a repeated `roles` field.
pub async fn set_approvers(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageOrganisation>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> Response {
    let ticked: Result<Vec<Role>, _> = pairs
        .iter()
        .filter(|(name, _)| name == "roles")
        .map(|(_, value)| value.parse::<Role>())
        .collect();
    let result = match ticked {
        Ok(roles) => state.app.set_document_approvers(&actor, &roles).await,
        Err(mut invalid) => {
            invalid.field = "roles";
            Err(invalid.into())
        }
    };
    match result {
        Ok(_) => done("/settings", "approvers"),
        Err(err) => match FormProblem::from_error(err, &APPROVER_FIELDS) {
            Ok(approvers_problem) => {
                let shown = Shown {
                    ticked: Some(ticked_roles(&pairs)),
                    approvers_problem,
                    ..Default::default()
                };
                settings_view(&state, &context, &actor, shown).await
            }
            Err(other) => app_error_page(other),
        },
    }
}

/// The roles a posted form ticked, those it could read.
fn ticked_roles(pairs: &[(String, String)]) -> Vec<Role> {
    pairs
        .iter()
        .filter(|(name, _)| name == "roles")
        .filter_map(|(_, value)| value.parse().ok())
        .collect()
}
