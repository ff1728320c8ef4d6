//! The organisation's settings and switching organisation.

use aims_app::SessionContext;
use aims_app::domain::{Actor, OrgId, Permission};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Done, PageForm, app_error_page, done, form_error, notice_for, render};
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
    error: Option<String>,
    org_id: String,
    created_at: aims_app::domain::Timestamp,
    name: String,
    can_manage: bool,
}

async fn settings_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
) -> Response {
    match state.app.organisation(actor).await {
        Ok(org) => {
            let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
            render(
                status,
                &SettingsPage {
                    chrome: Some(Chrome::new(context, "settings")),
                    notice,
                    error,
                    org_id: org.id.to_string(),
                    created_at: org.created_at,
                    name: org.name,
                    can_manage: actor.role.grants(Permission::ManageOrganisation),
                },
            )
        }
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
    )
    .await
}

/// The organisation's new name.
#[derive(Deserialize)]
pub struct RenameForm {
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
        Err(err) => match form_error(err) {
            Ok(message) => settings_view(&state, &context, &actor, None, Some(message)).await,
            Err(other) => app_error_page(other),
        },
    }
}
