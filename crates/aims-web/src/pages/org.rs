//! The organisation's settings and switching organisation.

use aims_app::SessionContext;
use aims_app::domain::{Actor, OrgId, Permission};
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
}

/// The rename form's field.
const FIELDS: FormFields = FormFields {
    prefix: "org-",
    labels: &[("name", "Name")],
};

async fn settings_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    typed_name: Option<String>,
    problem: FormProblem,
) -> Response {
    match state.app.organisation(actor).await {
        Ok(org) => render(
            problem.status(),
            &SettingsPage {
                chrome: Some(Chrome::new(context, "settings")),
                notice,
                problem,
                org_id: org.id.to_string(),
                created_at: org.created_at,
                typed_name: typed_name.unwrap_or_else(|| org.name.clone()),
                name: org.name,
                can_manage: actor.role.grants(Permission::ManageOrganisation),
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
    settings_view(
        &state,
        &context,
        &actor,
        notice_for(q.done.as_deref()),
        None,
        FormProblem::default(),
    )
    .await
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
                settings_view(&state, &context, &actor, None, Some(form.name), problem).await
            }
            Err(other) => app_error_page(other),
        },
    }
}
