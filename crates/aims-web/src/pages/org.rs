//! The organisation's settings, switching organisation, and members.

use aims_app::domain::account::{Invitation, Member};
use aims_app::domain::{Actor, InvitationId, OrgId, Permission, Role, UserId};
use aims_app::{NewInvitation, SessionContext};
use askama::Template;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use serde::Deserialize;

use super::{Chrome, Done, PageForm, PageId, app_error_page, done, form_error, notice_for, render};
use crate::allowed::{ManageMembers, ManageOrganisation, PageAllowed};
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

#[derive(Template)]
#[template(path = "members.html")]
struct MembersPage {
    chrome: Option<Chrome>,
    notice: Option<String>,
    error: Option<String>,
    new_link: Option<String>,
    members: Vec<Member>,
    invitations: Vec<Invitation>,
    roles: Vec<&'static str>,
    can_manage: bool,
}

async fn members_view(
    state: &WebState,
    context: &SessionContext,
    actor: &Actor,
    notice: Option<String>,
    error: Option<(StatusCode, String)>,
    new_link: Option<String>,
) -> Response {
    let can_manage = actor.role.grants(Permission::ManageMembers);
    let members = match state.app.members(actor).await {
        Ok(members) => members,
        Err(err) => return app_error_page(err),
    };
    let invitations = if can_manage {
        match state.app.invitations(actor).await {
            Ok(invitations) => invitations,
            Err(err) => return app_error_page(err),
        }
    } else {
        Vec::new()
    };
    let (status, error) = error.map_or((StatusCode::OK, None), |(s, m)| (s, Some(m)));
    render(
        status,
        &MembersPage {
            chrome: Some(Chrome::new(context, "members")),
            notice,
            error,
            new_link,
            members,
            invitations,
            roles: Role::ALL
                .iter()
                .filter(|r| actor.role.covers(**r))
                .map(|r| r.as_str())
                .collect(),
            can_manage,
        },
    )
}

/// `GET /members`.
pub async fn members_page(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    Query(q): Query<Done>,
) -> Response {
    members_view(
        &state,
        &context,
        &actor,
        notice_for(q.done.as_deref()),
        None,
        None,
    )
    .await
}

/// An invitation as the members page posts it.
#[derive(Deserialize)]
pub struct InviteForm {
    email: String,
    role: String,
}

/// `POST /members/invite`: shows the new link once, on the page that answers.
pub async fn invite(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageMembers>,
    PageForm(form): PageForm<InviteForm>,
) -> Response {
    match state
        .app
        .invite(
            &actor,
            NewInvitation {
                email: form.email,
                role: form.role,
            },
        )
        .await
    {
        Ok((_, credential)) => {
            let link = format!(
                "{}/invitations/{}",
                state.config.public_url, credential.secret
            );
            members_view(&state, &context, &actor, None, None, Some(link)).await
        }
        Err(err) => match form_error(err) {
            Ok(message) => members_view(&state, &context, &actor, None, Some(message), None).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// A member's new role.
#[derive(Deserialize)]
pub struct RoleForm {
    role: String,
}

/// `POST /members/{user_id}/role`.
pub async fn change_role(
    State(state): State<WebState>,
    PageAllowed(context, actor, _): PageAllowed<ManageMembers>,
    PageId(user): PageId<UserId>,
    PageForm(form): PageForm<RoleForm>,
) -> Response {
    match state.app.change_role(&actor, user, &form.role).await {
        Ok(()) => done("/members", "role"),
        Err(err) => match form_error(err) {
            Ok(message) => members_view(&state, &context, &actor, None, Some(message), None).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /members/{user_id}/remove`.
pub async fn remove(
    State(state): State<WebState>,
    PageMember { context, actor }: PageMember,
    PageId(user): PageId<UserId>,
) -> Response {
    match state.app.remove_member(&actor, user).await {
        Ok(()) if actor.user() == Some(user) => Redirect::to("/").into_response(),
        Ok(()) => done("/members", "removed"),
        Err(err) => match form_error(err) {
            Ok(message) => members_view(&state, &context, &actor, None, Some(message), None).await,
            Err(other) => app_error_page(other),
        },
    }
}

/// `POST /members/invitations/{id}/revoke`.
pub async fn revoke_invitation(
    State(state): State<WebState>,
    PageAllowed(_, actor, _): PageAllowed<ManageMembers>,
    PageId(id): PageId<InvitationId>,
) -> Response {
    match state.app.revoke_invitation(&actor, id).await {
        Ok(()) => done("/members", "withdrawn"),
        Err(err) => app_error_page(err),
    }
}
